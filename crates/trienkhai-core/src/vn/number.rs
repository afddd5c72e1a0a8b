//! Vietnamese numbers on [`Decimal`]: `1.234.567,89`, with `.` between thousands and `,` before
//! the decimals. Formatting for display and strict parsing of user input.

use rust_decimal::{Decimal, RoundingStrategy};

/// Why a string is not a Vietnamese-formatted number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("the number is empty")]
    Empty,
    #[error(
        "'{ch}' is not allowed in a number: use digits, '.' between thousands and ',' before the decimals, e.g. 1.234,5"
    )]
    InvalidChar { ch: char },
    #[error("a number has at most one decimal comma, e.g. 1.234,5")]
    TooManyCommas,
    #[error("digits are missing before or after the decimal comma, e.g. write 0,5 rather than ,5")]
    MissingDigits,
    #[error(
        "thousands separators must split the whole part into groups of three digits: '.' separates thousands and ',' marks decimals, so write 1,23 for one point two three and 1.234 for one thousand two hundred thirty-four"
    )]
    BadGrouping,
    #[error("the number has too many digits")]
    OutOfRange,
}

impl NumberError {
    /// A stable machine-readable code for this error, e.g. for API responses and translations.
    pub fn code(&self) -> &'static str {
        match self {
            NumberError::Empty => "number_empty",
            NumberError::InvalidChar { .. } => "number_invalid_char",
            NumberError::TooManyCommas => "number_too_many_commas",
            NumberError::MissingDigits => "number_missing_digits",
            NumberError::BadGrouping => "number_bad_grouping",
            NumberError::OutOfRange => "number_out_of_range",
        }
    }
}

/// Formats `d` the Vietnamese way, rounded half away from zero to at most
/// `max_fraction_digits` decimals, without trailing zeros: `1234567.891` with 2 digits is
/// `"1.234.567,89"`, `-1000` is `"-1.000"`, `0.5` is `"0,5"`. Zero never gets a minus sign.
pub fn format_decimal(d: &Decimal, max_fraction_digits: u32) -> String {
    let rounded = d
        .round_dp_with_strategy(max_fraction_digits, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let plain = rounded.abs().to_string();
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));

    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// Formats a percentage that is already multiplied by 100: `95.5555` with 2 digits is
/// `"95,56%"`.
pub fn format_percent(d: &Decimal, digits: u32) -> String {
    format!("{}%", format_decimal(d, digits))
}

/// Is `c` accepted as a thousands separator besides `.`? Space, no-break space, narrow
/// no-break space and thin space, as produced by word processors and spreadsheets.
fn is_space_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}')
}

/// Parses a number written the Vietnamese way: `1.234,56`, `1234,56`, `-12,5`, `1.234.567`,
/// `1 234,5`, with surrounding whitespace allowed and an optional leading `-`, `−` or `+`.
///
/// The dot is always a thousands separator, never a decimal point: `1.234` is one thousand two
/// hundred thirty-four and `1.23` is rejected with [`NumberError::BadGrouping`]. The scale of
/// the input is kept (`1,50` has two decimals).
pub fn parse_decimal(s: &str) -> Result<Decimal, NumberError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = match s.chars().next() {
        Some(sign @ ('-' | '\u{2212}')) => (true, &s[sign.len_utf8()..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };

    if let Some(ch) = body
        .chars()
        .find(|&c| !(c.is_ascii_digit() || c == '.' || c == ',' || is_space_separator(c)))
    {
        return Err(NumberError::InvalidChar { ch });
    }
    let (whole, fraction) = match body.split_once(',') {
        Some((_, fraction)) if fraction.contains(',') => return Err(NumberError::TooManyCommas),
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    if whole.is_empty() || fraction.is_some_and(str::is_empty) {
        return Err(NumberError::MissingDigits);
    }
    if fraction.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(NumberError::BadGrouping);
    }
    let digits = ungroup(whole)?;

    let mut plain = String::with_capacity(body.len() + 2);
    if negative {
        plain.push('-');
    }
    let significant = digits.trim_start_matches('0');
    plain.push_str(if significant.is_empty() {
        "0"
    } else {
        significant
    });
    if let Some(fraction) = fraction {
        plain.push('.');
        plain.push_str(fraction);
    }
    let mut value = Decimal::from_str_exact(&plain).map_err(|_| NumberError::OutOfRange)?;
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

/// Removes the thousands separators from the whole part after checking the groups: the first
/// has 1–3 digits, every other exactly 3, and one kind of separator (dot or space) is used.
fn ungroup(whole: &str) -> Result<String, NumberError> {
    let has_dot = whole.contains('.');
    let has_space = whole.chars().any(is_space_separator);
    if !has_dot && !has_space {
        return Ok(whole.to_owned());
    }
    if has_dot && has_space {
        return Err(NumberError::BadGrouping);
    }
    let mut groups = whole.split(|c: char| c == '.' || is_space_separator(c));
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    if !first_ok || !groups.all(|g| g.len() == 3) {
        return Err(NumberError::BadGrouping);
    }
    Ok(whole.chars().filter(char::is_ascii_digit).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn formats_with_dot_thousands_and_decimal_comma() {
        assert_eq!(format_decimal(&dec("1234.5"), 2), "1.234,5");
        assert_eq!(format_decimal(&dec("1234567.891"), 2), "1.234.567,89");
        assert_eq!(format_decimal(&dec("0.5"), 2), "0,5");
        assert_eq!(format_decimal(&dec("-1000"), 2), "-1.000");
        assert_eq!(format_decimal(&dec("100"), 0), "100");
        assert_eq!(format_decimal(&dec("999999"), 0), "999.999");
        assert_eq!(format_decimal(&dec("1000000"), 0), "1.000.000");
        assert_eq!(format_decimal(&dec("0"), 2), "0");
        assert_eq!(format_decimal(&dec("12.500"), 5), "12,5");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(format_decimal(&dec("2.5"), 0), "3");
        assert_eq!(format_decimal(&dec("-2.5"), 0), "-3");
        assert_eq!(format_decimal(&dec("1.005"), 2), "1,01");
        assert_eq!(format_decimal(&dec("999.995"), 2), "1.000");
        assert_eq!(format_decimal(&dec("1.2349"), 2), "1,23");
        // A negative value that rounds to zero is plain zero.
        assert_eq!(format_decimal(&dec("-0.001"), 2), "0");
    }

    #[test]
    fn formats_percentages() {
        assert_eq!(format_percent(&dec("95.5555"), 2), "95,56%");
        assert_eq!(format_percent(&dec("100"), 2), "100%");
        assert_eq!(format_percent(&dec("33.333"), 1), "33,3%");
    }

    #[test]
    fn parses_vietnamese_numbers() {
        assert_eq!(parse_decimal("1.234,56"), Ok(dec("1234.56")));
        assert_eq!(parse_decimal("1234,56"), Ok(dec("1234.56")));
        assert_eq!(parse_decimal("1234"), Ok(dec("1234")));
        assert_eq!(parse_decimal("-12,5"), Ok(dec("-12.5")));
        assert_eq!(parse_decimal("\u{2212}12,5"), Ok(dec("-12.5")));
        assert_eq!(parse_decimal("+7"), Ok(dec("7")));
        assert_eq!(parse_decimal("1.234.567"), Ok(dec("1234567")));
        assert_eq!(parse_decimal("1.234"), Ok(dec("1234")));
        assert_eq!(parse_decimal("  42 "), Ok(dec("42")));
        assert_eq!(parse_decimal("\u{A0}42\t"), Ok(dec("42")));
        assert_eq!(parse_decimal("1 234,5"), Ok(dec("1234.5")));
        assert_eq!(parse_decimal("1\u{A0}234\u{A0}567"), Ok(dec("1234567")));
        assert_eq!(parse_decimal("0,5"), Ok(dec("0.5")));
        assert_eq!(parse_decimal("007"), Ok(dec("7")));
        assert_eq!(parse_decimal("-0"), Ok(Decimal::ZERO));
        assert!(!parse_decimal("-0,0").unwrap().is_sign_negative());
    }

    #[test]
    fn keeps_the_scale_of_the_input() {
        assert_eq!(parse_decimal("1,50").unwrap().scale(), 2);
    }

    #[test]
    fn rejects_malformed_numbers() {
        let cases = [
            ("", NumberError::Empty),
            ("   ", NumberError::Empty),
            ("12a", NumberError::InvalidChar { ch: 'a' }),
            ("abc", NumberError::InvalidChar { ch: 'a' }),
            ("1-2", NumberError::InvalidChar { ch: '-' }),
            ("--1", NumberError::InvalidChar { ch: '-' }),
            ("1e5", NumberError::InvalidChar { ch: 'e' }),
            ("1,2,3", NumberError::TooManyCommas),
            ("1,234,567", NumberError::TooManyCommas),
            (",5", NumberError::MissingDigits),
            ("5,", NumberError::MissingDigits),
            ("-", NumberError::MissingDigits),
            ("1.23", NumberError::BadGrouping),
            ("1.2345", NumberError::BadGrouping),
            ("1234.567", NumberError::BadGrouping),
            (".123", NumberError::BadGrouping),
            ("1..234", NumberError::BadGrouping),
            ("1.234.", NumberError::BadGrouping),
            ("1 234.567", NumberError::BadGrouping),
            ("1,234.5", NumberError::BadGrouping),
            ("1,2 3", NumberError::BadGrouping),
            ("99999999999999999999999999999999", NumberError::OutOfRange),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_decimal(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(NumberError::Empty.code(), "number_empty");
        assert_eq!(
            NumberError::InvalidChar { ch: 'x' }.code(),
            "number_invalid_char"
        );
        assert_eq!(NumberError::TooManyCommas.code(), "number_too_many_commas");
        assert_eq!(NumberError::MissingDigits.code(), "number_missing_digits");
        assert_eq!(NumberError::BadGrouping.code(), "number_bad_grouping");
        assert_eq!(NumberError::OutOfRange.code(), "number_out_of_range");
        assert!(NumberError::BadGrouping.to_string().contains("1,23"));
        assert!(
            NumberError::InvalidChar { ch: 'x' }
                .to_string()
                .contains("'x'")
        );
    }

    const MAX_MANTISSA: i128 = (1 << 96) - 1;

    fn decimal() -> impl Strategy<Value = Decimal> {
        (-MAX_MANTISSA..=MAX_MANTISSA, 0u32..=28)
            .prop_map(|(mantissa, scale)| Decimal::from_i128_with_scale(mantissa, scale))
    }

    proptest! {
        #[test]
        fn parse_inverts_format(x in decimal()) {
            let text = format_decimal(&x, 28);
            prop_assert_eq!(parse_decimal(&text), Ok(x.normalize()), "{}", text);
        }

        #[test]
        fn parse_of_rounded_format_is_the_rounded_value(x in decimal(), digits in 0u32..6) {
            let rounded = x.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(parse_decimal(&format_decimal(&x, digits)), Ok(rounded));
        }

        #[test]
        fn parse_never_panics(s in "[0-9., ,\\-+a]{0,12}") {
            let _ = parse_decimal(&s);
        }

        #[test]
        fn parse_never_panics_on_any_string(s in any::<String>()) {
            let _ = parse_decimal(&s);
        }
    }
}
