//! Document numbers (*số và ký hiệu văn bản*) in the two grammars that must not be mixed
//! (DOMAIN.md §5): the Party's `02-NQ/HU` (number, type, issuer) and the State's
//! `15/2020/NQ-HĐND` (number, year, type, issuer), `724/NQ-UBTVQH15` (no year) or
//! `202/2025/QH15` (no type).
//!
//! Parsing forgives what people type: a leading "Số", spaces around the separators, any letter
//! case, and "Đ" typed as one character or as `D` followed by a combining stroke. The result is
//! printed in its canonical form. Type codes are checked against a table the caller passes
//! ([`Codes`]), because the table is data that offices edit; [`Codes::default`] holds the
//! verified and believed codes of DOMAIN.md.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::vn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grammar {
    /// `n-TYPE/ISSUER`, numbered per issuer × type × committee term.
    Party,
    /// `n/YYYY/TYPE-ISSUER`, `n/TYPE-ISSUER` or `n/YYYY/ISSUER`.
    State,
}

/// A parsed document number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentNumber {
    pub grammar: Grammar,
    /// The running number.
    pub number: u32,
    /// How many digits it was written with ("02" has 2), kept for printing.
    pub digits: u8,
    pub year: Option<i32>,
    /// `NQ`, `KH`, `QĐ` …; `None` for State numbers without a type (`202/2025/QH15`).
    pub kind: Option<String>,
    pub issuer: String,
}

/// The type and issuer codes a number is checked against, in their canonical spelling.
#[derive(Debug, Clone)]
pub struct Codes {
    pub party_types: Vec<String>,
    pub state_types: Vec<String>,
    /// Issuers whose spelling is canonicalised (`THU` → `ThU`); others are accepted as typed.
    pub known_issuers: Vec<String>,
    /// Known issuers that are Party bodies: their numbers are `02-NQ/HU`, never `02/NQ-HU`.
    pub party_issuers: Vec<String>,
    /// Known issuers that are State bodies: their numbers are `15/2020/NQ-HĐND`.
    pub state_issuers: Vec<String>,
}

impl Default for Codes {
    fn default() -> Self {
        let list = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_owned).collect() };
        let party_issuers = list("TW TU ThU HU ĐU CB BTCTW VPTW UBKTTW BTGTW BDVTW");
        let state_issuers = list("HĐND UBND CP TTg QH15 QH14 UBTVQH15 UBTVQH14 BNV");
        Codes {
            party_types: list("NQ QĐ CT KL QC QĐi HD KH BC TB CTr ĐA TTr TT CV TTr BB"),
            state_types: list("NQ NĐ QĐ CT TT TTLT KH BC TB ĐA TTr HD CV QC QyĐ"),
            known_issuers: party_issuers
                .iter()
                .chain(&state_issuers)
                .cloned()
                .collect(),
            party_issuers,
            state_issuers,
        }
    }
}

fn err(code: &'static str, detail: impl Into<String>) -> DomainError {
    DomainError::new(code, "number").with_detail(detail)
}

/// `D`/`d` followed by a combining stroke overlay becomes `Đ`/`đ`.
fn join_stroked_d(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == 'D' || c == 'd')
            && matches!(
                chars.peek(),
                Some('\u{0335}' | '\u{0336}' | '\u{0337}' | '\u{0338}')
            )
        {
            chars.next();
            out.push(if c == 'D' { 'Đ' } else { 'đ' });
        } else {
            out.push(c);
        }
    }
    out
}

fn canonical(code: &str, table: &[String]) -> Option<String> {
    let upper = code.to_uppercase();
    table
        .iter()
        .find(|known| known.to_uppercase() == upper)
        .cloned()
}

fn parse_running_number(s: &str) -> Result<(u32, u8), DomainError> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(err("docnum_number", format!("«{s}» is not a number")));
    }
    let number: u32 = s
        .parse()
        .map_err(|_| err("docnum_number", format!("«{s}» is too large")))?;
    if number == 0 {
        return Err(err("docnum_number", "numbers start at 1"));
    }
    Ok((number, s.len().min(9) as u8))
}

fn check_code(s: &str, what: &str) -> Result<(), DomainError> {
    if s.is_empty() {
        return Err(err("docnum_shape", format!("the {what} is missing")));
    }
    if let Some(bad) = s.chars().find(|c| !(c.is_alphanumeric())) {
        return Err(err(
            "docnum_shape",
            format!("«{bad}» cannot appear in the {what}"),
        ));
    }
    Ok(())
}

impl DocumentNumber {
    /// Parses with the default code tables.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::parse_with(input, &Codes::default())
    }

    pub fn parse_with(input: &str, codes: &Codes) -> Result<Self, DomainError> {
        let text = join_stroked_d(&vn::nfc(input));
        let mut text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for prefix in ["Số:", "số:", "SỐ:", "Số", "số", "SỐ"] {
            if let Some(rest) = text.strip_prefix(prefix) {
                text = rest.to_owned();
                break;
            }
        }
        if text.is_empty() {
            return Err(DomainError::new("required", "number"));
        }
        let parts: Vec<&str> = text.split('/').collect();
        // Party: exactly one '/', and a '-' between the number and the type.
        if parts.len() == 2 && parts[0].contains('-') {
            let (number, kind) = parts[0].split_once('-').expect("checked");
            let (number, digits) = parse_running_number(number)?;
            // Party numbers are written with two digits at least (36-HD/VPTW: "Số 01").
            let digits = digits.max(2);
            check_code(kind, "type")?;
            let kind = canonical(kind, &codes.party_types)
                .ok_or_else(|| err("docnum_type_unknown", kind.to_owned()))?;
            let issuer = parts[1];
            check_code(issuer, "issuer")?;
            let issuer =
                canonical(issuer, &codes.known_issuers).unwrap_or_else(|| issuer.to_owned());
            if codes.state_issuers.contains(&issuer) {
                return Err(err(
                    "docnum_grammar",
                    format!(
                        "{issuer} is a State body: its numbers read like 15/2020/{kind}-{issuer}"
                    ),
                ));
            }
            return Ok(DocumentNumber {
                grammar: Grammar::Party,
                number,
                digits,
                year: None,
                kind: Some(kind),
                issuer,
            });
        }
        let (number, year, tail) = match parts.as_slice() {
            [n, tail] => (*n, None, *tail),
            [n, y, tail] => {
                let year: i32 = y
                    .parse()
                    .ok()
                    .filter(|_| y.len() == 4)
                    .ok_or_else(|| err("docnum_year", format!("«{y}» is not a year")))?;
                if !(1945..=2100).contains(&year) {
                    return Err(err("docnum_year", format!("{year} is out of range")));
                }
                (*n, Some(year), *tail)
            }
            _ => {
                return Err(err(
                    "docnum_shape",
                    "expected a Party number like 02-NQ/HU or a State number like 15/2020/NQ-HĐND",
                ));
            }
        };
        let (number, digits) = parse_running_number(number)?;
        let (kind, issuer) = match tail.split_once('-') {
            Some((kind, issuer)) => {
                check_code(kind, "type")?;
                let kind = canonical(kind, &codes.state_types)
                    .ok_or_else(|| err("docnum_type_unknown", kind.to_owned()))?;
                (Some(kind), issuer)
            }
            None if year.is_some() => (None, tail),
            None => {
                return Err(err(
                    "docnum_shape",
                    "a State number without a year needs TYPE-ISSUER, e.g. 724/NQ-UBTVQH15",
                ));
            }
        };
        check_code(issuer, "issuer")?;
        let issuer = canonical(issuer, &codes.known_issuers).unwrap_or_else(|| issuer.to_owned());
        if codes.party_issuers.contains(&issuer) {
            let kind = kind.as_deref().unwrap_or("NQ");
            return Err(err(
                "docnum_grammar",
                format!(
                    "{issuer} is a Party body: its numbers read like {number:02}-{kind}/{issuer}"
                ),
            ));
        }
        Ok(DocumentNumber {
            grammar: Grammar::State,
            number,
            digits,
            year,
            kind,
            issuer,
        })
    }
}

impl DocumentNumber {
    /// Whether two numbers name the same document number: serials compare as numbers ("2-NQ/HU"
    /// is "02-NQ/HU"), whatever the digits they were written with.
    pub fn same_number(&self, other: &DocumentNumber) -> bool {
        self.grammar == other.grammar
            && self.number == other.number
            && self.year == other.year
            && self.kind == other.kind
            && self.issuer == other.issuer
    }
}

/// The next free Party number for `issuer` and `kind` in a committee term: one counter per
/// issuer × type × term, restarting at 01 at each congress, not each year (36-HD/VPTW,
/// DOMAIN.md §5); secret documents share it. `existing` gives each number with its issue date.
pub fn next_party_number<'a>(
    existing: impl IntoIterator<Item = (&'a DocumentNumber, chrono::NaiveDate)>,
    issuer: &str,
    kind: &str,
    term: &crate::validity::Validity,
) -> DocumentNumber {
    let last = existing
        .into_iter()
        .filter(|(n, issued)| {
            n.grammar == Grammar::Party
                && n.issuer == issuer
                && n.kind.as_deref() == Some(kind)
                && term.contains(*issued)
        })
        .map(|(n, _)| n.number)
        .max()
        .unwrap_or(0);
    let number = last + 1;
    DocumentNumber {
        grammar: Grammar::Party,
        number,
        digits: number.to_string().len().max(2) as u8,
        year: None,
        kind: Some(kind.to_owned()),
        issuer: issuer.to_owned(),
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.digits as usize;
        match self.grammar {
            Grammar::Party => write!(
                f,
                "{:0width$}-{}/{}",
                self.number,
                self.kind.as_deref().unwrap_or(""),
                self.issuer
            ),
            Grammar::State => {
                write!(f, "{:0width$}/", self.number)?;
                if let Some(year) = self.year {
                    write!(f, "{year}/")?;
                }
                match &self.kind {
                    Some(kind) => write!(f, "{kind}-{}", self.issuer),
                    None => write!(f, "{}", self.issuer),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        DocumentNumber::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .to_string()
    }

    #[test]
    fn party_numbers_of_the_sources_round_trip() {
        for n in [
            "02-NQ/HU",
            "01-CT/TU",
            "36-KH/ThU",
            "330-KH/TU",
            "09-KH/ĐU",
            "10-HD/HU",
            "62-CV/HU",
            "366-QĐ/TW",
            "08-QC/TW",
            "43-HD/BTCTW",
            "08-QĐi/TW",
        ] {
            assert_eq!(canon(n), n);
            assert_eq!(DocumentNumber::parse(n).unwrap().grammar, Grammar::Party);
        }
    }

    #[test]
    fn state_numbers_keep_their_own_grammar() {
        for n in [
            "15/2020/NQ-HĐND",
            "724/NQ-UBTVQH15",
            "4064/ĐA-UBND",
            "57/2000/NĐ-CP",
            "318/QĐ-TTg",
            "202/2025/QH15",
            "111/2025/UBTVQH15",
        ] {
            assert_eq!(canon(n), n);
            assert_eq!(DocumentNumber::parse(n).unwrap().grammar, Grammar::State);
        }
        let n = DocumentNumber::parse("15/2020/NQ-HĐND").unwrap();
        assert_eq!(
            (n.number, n.year, n.kind.as_deref(), n.issuer.as_str()),
            (15, Some(2020), Some("NQ"), "HĐND")
        );
    }

    #[test]
    fn spacing_case_and_the_word_so_are_forgiven() {
        assert_eq!(canon("Số 09 - KH / ĐU"), "09-KH/ĐU");
        assert_eq!(canon("số: 02-nq/hu"), "02-NQ/HU");
        assert_eq!(canon(" 36-kh/thu "), "36-KH/ThU");
        assert_eq!(canon("15 / 2020 / nq - hđnd"), "15/2020/NQ-HĐND");
        assert_eq!(canon("08-qđi/tw"), "08-QĐi/TW");
    }

    #[test]
    fn d_with_a_combining_stroke_is_the_letter_dj() {
        assert_eq!(canon("09-KH/D\u{0336}U"), "09-KH/ĐU");
        assert_eq!(canon("4064/D\u{0335}A-UBND"), "4064/ĐA-UBND");
        // Decomposed Vietnamese letters are composed first.
        assert_eq!(canon("366-Q\u{0110}/TW"), "366-QĐ/TW");
        assert_eq!(canon("15/2020/NQ-H\u{0110}ND"), "15/2020/NQ-HĐND");
    }

    #[test]
    fn bad_numbers_say_what_is_wrong() {
        let e = |s: &str| DocumentNumber::parse(s).unwrap_err();
        assert_eq!(e("").code, "required");
        assert_eq!(e("02-XX/HU").code, "docnum_type_unknown");
        assert_eq!(e("02-XX/HU").detail.as_deref(), Some("XX"));
        assert_eq!(e("ab-NQ/HU").code, "docnum_number");
        assert_eq!(e("0-NQ/HU").code, "docnum_number");
        assert_eq!(e("15/20/NQ-HĐND").code, "docnum_year");
        assert_eq!(e("724/UBTVQH15").code, "docnum_shape");
        assert_eq!(e("02-NQ/H*U").code, "docnum_shape");
        assert_eq!(e("1/2/3/4").code, "docnum_shape");
        assert!(e("1/2/3/4").detail.unwrap().contains("02-NQ/HU"));
        for err in [e("02-XX/HU"), e("ab-NQ/HU")] {
            assert_eq!(err.field.as_deref(), Some("number"));
        }
    }

    #[test]
    fn the_two_grammars_are_not_mixed_for_known_bodies() {
        let e = |s: &str| DocumentNumber::parse(s).unwrap_err();
        // A Party committee's number written the State way, and the other way round.
        assert_eq!(e("02/NQ-HU").code, "docnum_grammar");
        assert!(e("02/NQ-HU").detail.unwrap().contains("02-NQ/HU"));
        assert_eq!(e("15/2020/NQ-TU").code, "docnum_grammar");
        assert_eq!(e("15-NQ/HĐND").code, "docnum_grammar");
        // Unknown issuers keep the grammar they were written in.
        assert_eq!(
            DocumentNumber::parse("3/KH-BCĐ").unwrap().grammar,
            Grammar::State
        );
    }

    #[test]
    fn serials_compare_as_numbers() {
        let n = |s: &str| DocumentNumber::parse(s).unwrap();
        assert!(n("2-NQ/HU").same_number(&n("02-NQ/HU")));
        assert_eq!(n("2-NQ/HU").to_string(), "02-NQ/HU");
        assert!(n("0015/2020/NQ-HĐND").same_number(&n("15/2020/NQ-HĐND")));
        assert!(!n("2-NQ/HU").same_number(&n("2-KH/HU")));
        assert!(!n("2-NQ/HU").same_number(&n("2-NQ/TU")));
        assert!(!n("15/2020/NQ-HĐND").same_number(&n("15/2021/NQ-HĐND")));
    }

    #[test]
    fn counters_run_per_issuer_type_and_term_not_per_year() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let term = crate::validity::Validity::new(d("2020-07-11"), Some(d("2025-06-30"))).unwrap();
        let issued = [
            (DocumentNumber::parse("01-NQ/HU").unwrap(), d("2020-08-01")),
            (DocumentNumber::parse("02-NQ/HU").unwrap(), d("2020-12-22")),
            (DocumentNumber::parse("15-KH/HU").unwrap(), d("2021-01-20")),
            (DocumentNumber::parse("07-NQ/ĐU").unwrap(), d("2021-01-20")),
            // The previous term's numbers do not count.
            (DocumentNumber::parse("40-NQ/HU").unwrap(), d("2019-05-01")),
        ];
        let next = |kind: &str, issuer: &str| {
            next_party_number(issued.iter().map(|(n, t)| (n, *t)), issuer, kind, &term).to_string()
        };
        // A new year does not restart the count: 2021's first resolution is 03.
        assert_eq!(next("NQ", "HU"), "03-NQ/HU");
        assert_eq!(next("KH", "HU"), "16-KH/HU");
        assert_eq!(next("CT", "HU"), "01-CT/HU");
        assert_eq!(next("NQ", "ĐU"), "08-NQ/ĐU");
    }

    #[test]
    fn editable_tables_decide_which_types_exist() {
        let mut codes = Codes::default();
        assert!(DocumentNumber::parse_with("05-TTr/HU", &codes).is_ok());
        codes.party_types.retain(|t| t != "TTr");
        assert_eq!(
            DocumentNumber::parse_with("05-TTr/HU", &codes)
                .unwrap_err()
                .code,
            "docnum_type_unknown"
        );
        codes.party_types.push("BCĐ".into());
        assert_eq!(
            DocumentNumber::parse_with("05-bcđ/HU", &codes)
                .unwrap()
                .to_string(),
            "05-BCĐ/HU"
        );
    }
}
