//! Vietnamese text: NFC normalisation, whitespace cleaning, the diacritic- and case-insensitive
//! search key (`fold`) and Vietnamese dictionary collation (`collation_key`, `cmp_vi`).
//!
//! Every function accepts text in any Unicode normalisation form: precomposed ("ộ") and
//! decomposed ("o" + U+0323 + U+0302) input give the same result.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Returns `s` in Unicode Normalisation Form C (precomposed), the form we store.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Whether `s` is already in Normalisation Form C.
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// Cleans user-entered text: removes control characters and invisible zero-width characters
/// (U+200B, U+2060, U+FEFF), collapses every run of whitespace (including tabs, newlines and
/// non-breaking spaces) to one ASCII space, trims both ends and returns the result in NFC.
///
/// `clean_text("  Nghị\u{a0}quyết\t\n số 1 ")` is `"Nghị quyết số 1"`.
pub fn clean_text(s: &str) -> String {
    nfc(&squash(s.chars()))
}

/// Cleans a text of several lines (a report's narrative): each line as [`clean_text`] cleans
/// it, lines kept, at most one blank line in a row, none at either end. (Office documents nest
/// lists with "-" and "+", not with indentation.)
///
/// `clean_paragraphs("I.  Kết quả\r\n\r\n\r\n   - Đạt ")` is `"I. Kết quả\n\n- Đạt"`.
pub fn clean_paragraphs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for raw in s.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = clean_text(raw);
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    out
}

/// The search key of `s`: case-insensitive and diacritic-insensitive.
///
/// Lowercases, decomposes (NFD), drops every combining mark (tones, ă/â/ê/ô/ơ/ư modifiers, and
/// the stroke overlays U+0335/U+0336 that some input uses to write "Đ"), maps đ/Đ to `d`, removes
/// control characters and collapses whitespace as [`clean_text`] does.
///
/// `fold("Đồng  Khởi")` is `"dong khoi"`. Folding is idempotent.
pub fn fold(s: &str) -> String {
    let lowered: String = s.chars().flat_map(char::to_lowercase).collect();
    let stripped = lowered
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .filter(|&c| !is_combining_mark(c))
        .map(|c| if c == 'đ' { 'd' } else { c });
    squash(stripped)
}

/// Whether `needle` occurs in `haystack`, ignoring case, diacritics and whitespace differences.
/// An empty (or blank) needle is contained in everything.
pub fn contains_folded(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// Drops control and invisible characters, collapses whitespace runs to one space, trims.
/// Characters that show nothing but change what is shown: zero-width spaces and joiners, the
/// byte-order mark, and the bidirectional marks, embeddings, overrides and isolates (U+202E
/// makes "gpj.exe" display as "exe.jpg"). Vietnamese text never needs them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn squash(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || is_invisible(c) {
            // Removed without leaving a gap: "a\u{0}b" is "ab".
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Collation
// ---------------------------------------------------------------------------------------------

const GRAVE: char = '\u{0300}'; // huyền
const ACUTE: char = '\u{0301}'; // sắc
const CIRCUMFLEX: char = '\u{0302}';
const TILDE: char = '\u{0303}'; // ngã
const BREVE: char = '\u{0306}';
const HOOK_ABOVE: char = '\u{0309}'; // hỏi
const HORN: char = '\u{031B}';
const DOT_BELOW: char = '\u{0323}'; // nặng
const SHORT_STROKE: char = '\u{0335}';
const LONG_STROKE: char = '\u{0336}';

/// The Vietnamese alphabet in dictionary order, each letter as a base plus an optional letter
/// modifier, with f, j, w and z (foreign words only) after their Latin neighbours.
/// "đ" is written as d + SHORT_STROKE.
const ALPHABET: [(char, Option<char>); 33] = [
    ('a', None),
    ('a', Some(BREVE)),
    ('a', Some(CIRCUMFLEX)),
    ('b', None),
    ('c', None),
    ('d', None),
    ('d', Some(SHORT_STROKE)),
    ('e', None),
    ('e', Some(CIRCUMFLEX)),
    ('f', None),
    ('g', None),
    ('h', None),
    ('i', None),
    ('j', None),
    ('k', None),
    ('l', None),
    ('m', None),
    ('n', None),
    ('o', None),
    ('o', Some(CIRCUMFLEX)),
    ('o', Some(HORN)),
    ('p', None),
    ('q', None),
    ('r', None),
    ('s', None),
    ('t', None),
    ('u', None),
    ('u', Some(HORN)),
    ('v', None),
    ('w', None),
    ('x', None),
    ('y', None),
    ('z', None),
];

// Primary weight ranges: whitespace < punctuation and symbols < digits < Latin letters in
// Vietnamese order < other letters (by code point). All weights are non-zero: 0 separates levels.
const WHITESPACE_WEIGHT: u32 = 1;
const PUNCT_BASE: u32 = 2;
const DIGIT_BASE: u32 = 0x20_0000;
const LETTER_BASE: u32 = 0x30_0000;
const OTHER_LETTER_BASE: u32 = 0x40_0000;

/// Secondary weight of no tone (ngang).
const NO_TONE: u32 = 1;

/// Secondary weight of a tone mark, in the order ngang < huyền < hỏi < ngã < sắc < nặng; `None`
/// for other marks. Marks Vietnamese does not use weigh their code point (≥ U+0300) and follow
/// the element's tone weight, so "o" < "ŏ" < "ò".
fn tone_weight(mark: char) -> Option<u32> {
    match mark {
        GRAVE => Some(2),
        HOOK_ABOVE => Some(3),
        TILDE => Some(4),
        ACUTE => Some(5),
        DOT_BELOW => Some(6),
        _ => None,
    }
}

/// The letter modifier that turns `base` into another Vietnamese letter (ă â ê ô ơ ư đ).
fn letter_modifier(base: char, mark: char) -> Option<char> {
    match (base, mark) {
        ('a', BREVE | CIRCUMFLEX) | ('e' | 'o', CIRCUMFLEX) | ('o' | 'u', HORN) => Some(mark),
        ('d', SHORT_STROKE | LONG_STROKE) => Some(SHORT_STROKE),
        _ => None,
    }
}

/// A sort key for Vietnamese dictionary order; compare keys instead of strings when sorting
/// many items (`items.sort_by_cached_key(|s| collation_key(s))`).
///
/// Levels, each compared only when all previous ones are equal:
/// 1. primary: letters case-insensitively in the order a ă â b c d đ e ê (f) g h i (j) k l m n o
///    ô ơ p q r s t u ư v (w) x y (z); whitespace before punctuation before digits before letters;
/// 2. secondary: tones ngang < huyền < hỏi < ngã < sắc < nặng, left to right;
/// 3. tertiary: lowercase before uppercase;
/// 4. identical: the canonical (NFD) code points, so two keys are equal exactly when the
///    strings are canonically equivalent (equal after NFC).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollationKey(Vec<u32>);

impl CollationKey {
    /// The raw weights; levels are separated by `0`.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }
}

/// Builds the [`CollationKey`] of `s`.
pub fn collation_key(s: &str) -> CollationKey {
    let decomposed: Vec<char> = s.nfd().collect();
    let mut primary = Vec::with_capacity(decomposed.len());
    let mut secondary = Vec::with_capacity(decomposed.len());
    let mut tertiary = Vec::with_capacity(decomposed.len());

    let mut rest = decomposed.as_slice();
    while let Some((&first, tail)) = rest.split_first() {
        // A collation element: one base character and the combining marks that follow it.
        let (base, marks_start) = if is_combining_mark(first) {
            (None, rest) // a mark with nothing to sit on
        } else {
            (Some(first), tail)
        };
        let mark_count = marks_start
            .iter()
            .take_while(|&&c| is_combining_mark(c))
            .count();
        let (marks, next) = marks_start.split_at(mark_count);
        rest = next;

        let Some(base) = base else {
            secondary.extend(marks.iter().map(|&m| u32::from(m)));
            continue;
        };
        let element = Element::new(base, marks);
        primary.push(element.primary);
        secondary.push(element.tone.unwrap_or(NO_TONE));
        secondary.extend(element.extra_marks.iter().map(|&m| u32::from(m)));
        tertiary.push(if element.upper { 2 } else { 1 });
    }

    let mut key = primary;
    key.push(0);
    key.append(&mut secondary);
    key.push(0);
    key.append(&mut tertiary);
    key.push(0);
    key.extend(decomposed.iter().map(|&c| u32::from(c)));
    CollationKey(key)
}

/// How many leading characters [`sort_key`] orders by.
pub const SORT_KEY_CHARS: usize = 64;

/// A text whose byte order is the Vietnamese dictionary order of `s` (its first
/// [`SORT_KEY_CHARS`] characters): the [`CollationKey`] with each weight as six hex digits. A
/// database sorts by it with whatever collation it was created with, since hex digits and
/// lower-case letters sort the same under all of them; names longer than that fall back on
/// the caller's tie-breaker.
pub fn sort_key(s: &str) -> String {
    use std::fmt::Write;
    let head: String = s.chars().take(SORT_KEY_CHARS).collect();
    let key = collation_key(&head);
    let mut out = String::with_capacity(key.0.len() * 6);
    for weight in key.as_slice() {
        // Weights are code points or smaller, so six hex digits always suffice.
        let _ = write!(out, "{:06x}", weight.min(&0xFF_FFFF));
    }
    out
}

/// Compares two strings in Vietnamese dictionary order (see [`CollationKey`]).
/// Returns `Equal` exactly when the strings are equal after NFC normalisation.
pub fn cmp_vi(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    collation_key(a).cmp(&collation_key(b))
}

/// One base character with its marks, split into the weights of each level.
struct Element {
    primary: u32,
    tone: Option<u32>,
    extra_marks: Vec<char>,
    upper: bool,
}

impl Element {
    fn new(base: char, marks: &[char]) -> Self {
        let upper = base.is_uppercase();
        let mut lower_chars = base.to_lowercase();
        let lower = match (lower_chars.next(), lower_chars.next()) {
            (Some(l), None) => l,
            _ => base,
        };
        // "đ" has no decomposition; treat it as d + stroke like the decomposed spellings.
        let (lower, mut modifier) = if lower == 'đ' {
            ('d', Some(SHORT_STROKE))
        } else {
            (lower, None)
        };

        let mut tone = None;
        let mut extra_marks = Vec::new();
        for &mark in marks {
            if modifier.is_none()
                && let Some(m) = letter_modifier(lower, mark)
            {
                modifier = Some(m);
            } else if let Some(weight) = tone_weight(mark).filter(|_| tone.is_none()) {
                tone = Some(weight);
            } else {
                extra_marks.push(mark);
            }
        }

        // `modifier` is only ever set to a pair that is in the alphabet.
        let primary = if let Some(rank) = ALPHABET.iter().position(|&l| l == (lower, modifier)) {
            LETTER_BASE + rank as u32
        } else if let Some(digit) = lower.to_digit(10).filter(|_| lower.is_ascii_digit()) {
            DIGIT_BASE + digit
        } else if lower.is_alphabetic() {
            OTHER_LETTER_BASE + u32::from(lower)
        } else if lower.is_whitespace() {
            WHITESPACE_WEIGHT
        } else {
            PUNCT_BASE + u32::from(lower)
        };

        Element {
            primary,
            tone,
            extra_marks,
            upper,
        }
    }
}

#[cfg(test)]
mod paragraph_tests {
    use super::clean_paragraphs;

    #[test]
    fn lines_are_kept_and_blank_runs_shortened() {
        assert_eq!(
            clean_paragraphs("  \r\nI.  Kết quả\r\n\r\n\r\n   - Đạt \n\n"),
            "I. Kết quả\n\n- Đạt"
        );
        assert_eq!(clean_paragraphs(" \n \t"), "");
        // Combining marks composed as everywhere else.
        assert_eq!(clean_paragraphs("Nghi\u{0323}"), "Nghị");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Nghi\u{0323} quyê\u{0301}t";
        assert!(!is_nfc(decomposed));
        assert_eq!(nfc(decomposed), "Nghị quyết");
        assert!(is_nfc(&nfc(decomposed)));
    }

    #[test]
    fn clean_text_trims_collapses_and_strips_controls() {
        assert_eq!(
            clean_text("  Nghị\u{a0}quyết\t\n số  1 "),
            "Nghị quyết số 1"
        );
        assert_eq!(clean_text("a\u{0}b\u{7}c"), "abc");
        assert_eq!(clean_text("\u{FEFF}Ban\u{200B} Chấp hành"), "Ban Chấp hành");
        // Bidirectional overrides cannot disguise a name.
        assert_eq!(clean_text("bao-cao\u{202E}fdp.exe"), "bao-caofdp.exe");
        assert_eq!(clean_text("\u{2067}An Thủy\u{2069}\u{200F}"), "An Thủy");
        assert_eq!(clean_text(" \t\r\n "), "");
        assert_eq!(clean_text(""), "");
        assert_eq!(clean_text(&nfd(" Đảng  ủy ")), "Đảng ủy");
        assert!(is_nfc(&clean_text(&nfd("Quốc hội"))));
    }

    #[test]
    fn fold_removes_case_and_diacritics() {
        assert_eq!(fold("Đồng Khởi"), "dong khoi");
        assert_eq!(fold("dong khoi"), "dong khoi");
        assert_eq!(fold(&nfd("ĐỒNG   KHỞI ")), "dong khoi");
        assert_eq!(fold("Ư Ơ Ă Â Ê Ô đ"), "u o a a e o d");
        assert_eq!(fold("Nghị quyết số 12-NQ/TW"), "nghi quyet so 12-nq/tw");
    }

    #[test]
    fn fold_handles_d_written_with_a_stroke_overlay() {
        assert_eq!(fold("D\u{0335}ông"), "dong");
        assert_eq!(fold("D\u{0336}ông"), "dong");
        assert_eq!(fold("d\u{0335}"), "d");
    }

    #[test]
    fn fold_is_idempotent_for_every_char() {
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let once = fold(&s);
            assert_eq!(fold(&once), once, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn contains_folded_ignores_diacritics_case_and_spacing() {
        assert!(contains_folded("Nghị quyết về Đồng Khởi", "dong  KHOI"));
        assert!(contains_folded("Nghị quyết", "quyết"));
        assert!(contains_folded(&nfd("Nghị quyết"), "nghị"));
        assert!(contains_folded("anything", ""));
        assert!(contains_folded("anything", "  "));
        assert!(!contains_folded("Đồng Khởi", "dong khoa"));
    }

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| cmp_vi(a, b));
        v
    }

    #[test]
    fn sort_keys_put_persons_in_vietnamese_order() {
        let mut names = vec!["Ân", "Ăn", "Anh", "Bình", "Ấn", "An"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["An", "Anh", "Ăn", "Ân", "Ấn", "Bình"]);
        assert!(sort_key("Đào").chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn sorts_place_names_in_vietnamese_order() {
        let words = [
            "Bảo Thạnh",
            "An Thủy",
            "Ấp",
            "Mỹ Chánh",
            "An Đức",
            "An Bình Tây",
            "Đông",
            "Dương",
            "Tân Xuân",
            "Tân Hưng",
            "Ba Tri",
        ];
        let expected = [
            "An Bình Tây",
            "An Đức",
            "An Thủy",
            "Ấp",
            "Ba Tri",
            "Bảo Thạnh",
            "Dương",
            "Đông",
            "Mỹ Chánh",
            "Tân Hưng",
            "Tân Xuân",
        ];
        assert_eq!(sorted(&words), expected);
        // Decomposed input sorts the same way.
        let decomposed: Vec<String> = words.iter().map(|w| nfd(w)).collect();
        let refs: Vec<&str> = decomposed.iter().map(String::as_str).collect();
        let expected_nfd: Vec<String> = expected.iter().map(|w| nfd(w)).collect();
        assert_eq!(sorted(&refs), expected_nfd);
    }

    #[test]
    fn letters_follow_the_vietnamese_alphabet() {
        let alphabet = [
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
        ];
        for pair in alphabet.windows(2) {
            assert_eq!(cmp_vi(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            let upper0 = pair[0].to_uppercase();
            assert_eq!(cmp_vi(&upper0, pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn tones_are_a_secondary_level() {
        let tones = ["ma", "mà", "mả", "mã", "má", "mạ", "mac"];
        for pair in tones.windows(2) {
            assert_eq!(cmp_vi(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(cmp_vi(&nfd(pair[0]), &nfd(pair[1])), Ordering::Less);
        }
        // Primary difference later in the string beats an earlier tone difference.
        assert_eq!(cmp_vi("mạ a", "ma b"), Ordering::Less);
        // Tones on ă/â/ê/ô/ơ/ư: the letter wins, then the tone.
        assert_eq!(cmp_vi("ậ", "ă"), Ordering::Greater);
        assert_eq!(cmp_vi("ờ", "ớ"), Ordering::Less);
        assert_eq!(cmp_vi("ợ", "ô"), Ordering::Greater);
    }

    #[test]
    fn case_is_a_tertiary_level() {
        assert_eq!(cmp_vi("an", "An"), Ordering::Less);
        assert_eq!(cmp_vi("An", "àn"), Ordering::Less); // tone beats case
        assert_eq!(cmp_vi("An", "ao"), Ordering::Less); // letters beat case
        assert_eq!(cmp_vi("đông", "Đông"), Ordering::Less);
        assert_eq!(cmp_vi("Dương", "đông"), Ordering::Less);
    }

    #[test]
    fn spaces_punctuation_and_digits_come_before_letters() {
        assert_eq!(cmp_vi("An Hòa", "An Hòa Tây"), Ordering::Less);
        assert_eq!(cmp_vi("An Hiệp", "An Hòa"), Ordering::Less);
        assert_eq!(cmp_vi("An Hòa Tây", "An Hiệp"), Ordering::Greater);
        assert_eq!(cmp_vi("An Hòa", "Anh"), Ordering::Less);
        assert_eq!(cmp_vi("An-Hòa", "Anh"), Ordering::Less);
        assert_eq!(cmp_vi("An Hòa", "An-Hòa"), Ordering::Less);
        assert_eq!(cmp_vi("Ấp 2", "Ấp A"), Ordering::Less);
        assert_eq!(cmp_vi("1", "a"), Ordering::Less);
        assert_eq!(cmp_vi("-", "1"), Ordering::Less);
        assert_eq!(cmp_vi("Ấp 1", "Ấp 2"), Ordering::Less);
    }

    #[test]
    fn d_with_stroke_overlay_collates_as_d_stroke() {
        // Same letters, tones and case as "Đông"; only the identical level tells them apart.
        assert_ne!(cmp_vi("D\u{0335}ông", "Đông"), Ordering::Equal);
        assert_eq!(cmp_vi("D\u{0335}ông", "đông"), Ordering::Greater); // case only
        assert_eq!(cmp_vi("D\u{0335}ông", "Dương"), Ordering::Greater);
        assert_eq!(cmp_vi("D\u{0336}ông", "đồng"), Ordering::Less); // tone
        assert_eq!(cmp_vi("D\u{0336}ông", "Em"), Ordering::Less);
    }

    #[test]
    fn equal_only_for_canonically_equivalent_strings() {
        assert_eq!(cmp_vi("Quốc hội", &nfd("Quốc hội")), Ordering::Equal);
        assert_eq!(collation_key("Quốc hội"), collation_key(&nfd("Quốc hội")));
        assert_ne!(cmp_vi("An Hòa", "An  Hòa"), Ordering::Equal);
        assert_ne!(cmp_vi("ŏ", "o"), Ordering::Equal);
        assert_ne!(cmp_vi("\u{0301}", "\u{0300}"), Ordering::Equal);
        assert_eq!(cmp_vi("", ""), Ordering::Equal);
        assert_eq!(cmp_vi("", "a"), Ordering::Less);
    }

    #[test]
    fn other_scripts_and_marks_sort_after_vietnamese() {
        assert_eq!(cmp_vi("z", "ω"), Ordering::Less);
        assert_eq!(cmp_vi("o", "ŏ"), Ordering::Less); // ŏ is o with a foreign mark
        assert_eq!(cmp_vi("ŏ", "ô"), Ordering::Less);
        // A foreign mark sorts right after the same letter and tone without it.
        assert_eq!(cmp_vi("ŏ", "ò"), Ordering::Less);
        assert_eq!(cmp_vi("ọ", "ọ\u{0306}"), Ordering::Less);
    }

    const SYLLABLES: &[&str] = &[
        "a",
        "à",
        "ả",
        "ã",
        "á",
        "ạ",
        "ăn",
        "ấp",
        "Ấp",
        "an",
        "An",
        "anh",
        "ba",
        "bà",
        "Bảo",
        "bình",
        "chánh",
        "D\u{0335}ông",
        "dương",
        "Dương",
        "đông",
        "Đông",
        "đức",
        "hòa",
        "Hòa",
        "hiệp",
        "hưng",
        "khởi",
        "ma",
        "mạ",
        "mac",
        "mỹ",
        "Mỹ",
        "nghị",
        "quyết",
        "tân",
        "Tân",
        "tây",
        "thạnh",
        "thủy",
        "tri",
        "xuân",
        "y",
        "ý",
        "1",
        "2",
        "-",
        "",
    ];

    fn word() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(prop::sample::select(SYLLABLES), 0..4),
            any::<bool>(),
        )
            .prop_map(|(syllables, decompose)| {
                let w = syllables.join(" ");
                if decompose { nfd(&w) } else { w }
            })
    }

    #[test]
    fn sorted_syllable_pairs_are_consistent() {
        let mut words: Vec<String> = Vec::new();
        for a in SYLLABLES {
            for b in SYLLABLES.iter().step_by(5) {
                words.push(format!("{a} {b}"));
                words.push(nfd(&format!("{a}{b}")));
            }
        }
        words.sort_by(|a, b| cmp_vi(a, b));
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(cmp_vi(a, b), Ordering::Greater, "{a:?} > {b:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn fold_of_vietnamese_words_is_ascii(w in word()) {
            let folded = fold(&w);
            prop_assert!(folded.is_ascii(), "{folded:?}");
        }

        #[test]
        fn clean_text_is_idempotent_and_nfc(s in any::<String>()) {
            let once = clean_text(&s);
            prop_assert!(is_nfc(&once));
            prop_assert_eq!(clean_text(&once), once);
        }

        #[test]
        fn cmp_vi_equal_iff_nfc_equal(a in word(), b in word()) {
            prop_assert_eq!(cmp_vi(&a, &b) == Ordering::Equal, nfc(&a) == nfc(&b));
            prop_assert_eq!(cmp_vi(&a, &b), cmp_vi(&nfc(&a), &nfd(&b)));
        }

        #[test]
        fn cmp_vi_is_antisymmetric(a in word(), b in word()) {
            prop_assert_eq!(cmp_vi(&a, &b), cmp_vi(&b, &a).reverse());
        }

        #[test]
        fn cmp_vi_is_transitive(a in word(), b in word(), c in word()) {
            if cmp_vi(&a, &b) != Ordering::Greater && cmp_vi(&b, &c) != Ordering::Greater {
                prop_assert_ne!(cmp_vi(&a, &c), Ordering::Greater);
            }
            if cmp_vi(&a, &b) == Ordering::Less && cmp_vi(&b, &c) == Ordering::Less {
                prop_assert_eq!(cmp_vi(&a, &c), Ordering::Less);
            }
        }

        #[test]
        fn sort_key_orders_as_cmp_vi(a in word(), b in word()) {
            prop_assert_eq!(sort_key(&a).cmp(&sort_key(&b)), cmp_vi(&a, &b));
        }

        #[test]
        fn cmp_vi_is_total_on_arbitrary_strings(a in any::<String>(), b in any::<String>()) {
            prop_assert_eq!(cmp_vi(&a, &b) == Ordering::Equal, nfc(&a) == nfc(&b));
            prop_assert_eq!(cmp_vi(&a, &b), cmp_vi(&b, &a).reverse());
        }
    }
}
