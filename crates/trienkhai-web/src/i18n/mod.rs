//! The user interface's words in Vietnamese (the default) and English, and the messages of
//! every error code. One table, so a missing translation is a failing test, not a blank label.

mod errors;
mod errors_grading;
mod errors_people;
pub use errors::{ERRORS, ErrorCode};
mod criteria;
mod foundation;
mod grading;
mod home;
mod people;
mod plans;
mod reporting;

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The first language of an `Accept-Language` header we speak, else Vietnamese.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| Lang::parse(tag.trim().get(..2).unwrap_or("")))
            .unwrap_or_default()
    }
}

/// `(key, Vietnamese, English)`: every word of the interface, by area. The sentences of error
/// codes are in [`ERRORS`], beside their status.
pub const STRINGS: [&[(&str, &str, &str)]; 7] = [
    foundation::WORDS,
    plans::WORDS,
    reporting::WORDS,
    home::WORDS,
    people::WORDS,
    grading::WORDS,
    criteria::WORDS,
];

static ERROR_TABLE: LazyLock<HashMap<&'static str, &'static ErrorCode>> =
    LazyLock::new(|| ERRORS.iter().map(|e| (e.code, e)).collect());

/// The row of `code` in the error table.
pub fn error_code(code: &str) -> Option<&'static ErrorCode> {
    ERROR_TABLE.get(code).copied()
}

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    STRINGS
        .iter()
        .flat_map(|words| words.iter())
        .map(|(k, vi, en)| (*k, (*vi, *en)))
        .collect()
});

/// Looks up `key`; an unknown key shows itself, which the tests forbid in templates.
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match TABLE.get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => error_message(lang, "invalid"),
    }
}

pub fn has(key: &str) -> bool {
    TABLE.contains_key(key)
}

/// The sentence for an error code, falling back to a generic one for codes without their own.
pub fn error_message(lang: Lang, code: &str) -> &'static str {
    let entry = error_code(code)
        .or_else(|| {
            code.starts_with("number_")
                .then(|| error_code("number_invalid"))?
        })
        .or_else(|| error_code("invalid"));
    match (entry, lang) {
        (Some(e), Lang::Vi) => e.vi,
        (Some(e), Lang::En) => e.en,
        (None, _) => "?",
    }
}

/// The label of a form field, or the field's own name.
pub fn field_label(lang: Lang, field: &str) -> String {
    let key = format!("field.{field}");
    if has(&key) {
        tr(lang, &key).to_owned()
    } else {
        field.to_owned()
    }
}

/// Translations bound to a language, for templates: `{{ t.s("units.title") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn s(&self, key: &str) -> &'static str {
        tr(self.0, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (key, vi, en) in STRINGS.iter().flat_map(|words| words.iter()) {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(!vi.is_empty() && !en.is_empty(), "{key}");
            assert!(trienkhai_core::vn::is_nfc(vi), "{key} is not NFC");
        }
    }

    #[test]
    fn error_codes_are_unique_with_both_sentences() {
        let mut seen = std::collections::HashSet::new();
        for e in ERRORS.iter() {
            assert!(seen.insert(e.code), "duplicate code {}", e.code);
            assert!(!e.vi.is_empty() && !e.en.is_empty(), "{}", e.code);
            assert!(trienkhai_core::vn::is_nfc(e.vi), "{} is not NFC", e.code);
            assert!(
                e.status.is_client_error() || e.status.is_server_error(),
                "{}: {}",
                e.code,
                e.status
            );
        }
        // The codes of the use-case error's own variants are rows too.
        for (code, status) in [
            ("unauthenticated", 401),
            ("invalid_credentials", 401),
            ("too_many_requests", 429),
            ("forbidden", 403),
            ("not_found", 404),
            ("conflict", 409),
            ("internal", 500),
            ("duplicate", 422),
        ] {
            let row = error_code(code).unwrap_or_else(|| panic!("{code} has no row"));
            assert_eq!(row.status.as_u16(), status, "{code}");
        }
    }

    /// Every file under `dir`, recursively.
    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Every key written literally in a template (`t.s("…")`) or in code (`tr(lang, "…")`)
    /// exists.
    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("templates"), &mut files);
        files_under(&root.join("src"), &mut files);
        let mut checked = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // `tr(lang, "key")`: a call to `tr` itself (not `…str(`), a plain first argument,
            // then a literal.
            let tr_literals = || -> Vec<String> {
                text.match_indices("tr(")
                    .filter(|(i, _)| {
                        !text[..*i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_')
                    })
                    .filter_map(|(i, _)| {
                        let (first, rest) = text[i + 3..].split_once(", \"")?;
                        (!first.contains(['(', ')', '"', '\n']))
                            .then(|| rest.split('"').next().unwrap_or_default().to_owned())
                    })
                    .collect()
            };
            let is_template = file.extension().is_some_and(|e| e == "html");
            let mut keys: Vec<String> = text
                .split(if is_template { "s(\"" } else { ".s(\"" })
                .skip(1)
                .map(|part| part.split('"').next().unwrap_or_default().to_owned())
                .collect();
            keys.extend(tr_literals());
            for key in keys {
                // A key is `area.name`; anything else (a `{}` to fill, prose) is not one.
                let is_key = key.contains('.')
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c));
                if !is_key {
                    continue;
                }
                assert!(has(&key), "missing translation {key} in {}", file.display());
                checked += 1;
            }
        }
        assert!(
            checked > 100,
            "only {checked} keys found: the scan is broken"
        );
    }

    /// Keys built with `format!` from a value (`status.{}`, `report.state_{}`, …) exist for
    /// every value the value can take.
    #[test]
    fn every_built_key_exists_for_every_value() {
        use trienkhai_core::access::Role;
        use trienkhai_core::over_time::OverTime;
        use trienkhai_core::party::PartyStatus;
        use trienkhai_core::reporting::{Cadence, Counted, ReportState};
        use trienkhai_core::rollup::Aggregation;
        use trienkhai_core::target::{Status, ValueType};
        let mut built: Vec<String> = Vec::new();
        built.extend(Status::ALL.map(|s| format!("status.{}", s.as_str())));
        built.extend(ValueType::ALL.map(|v| format!("valuetype.{}", v.as_str())));
        built.extend(OverTime::ALL.map(|o| format!("overtime.{}", o.as_str())));
        built.extend(Counted::ALL.map(|c| format!("counted.{}", c.as_str())));
        built.extend(Cadence::ALL.map(|c| format!("cadence.{}", c.as_str())));
        built.extend(Role::ALL.map(|r| format!("role.{}", r.as_str())));
        built.extend(PartyStatus::ALL.map(|p| format!("party.{}", p.as_str())));
        built.extend(ReportState::ALL.map(|s| format!("report.state_{}", s.as_str())));
        built.extend(
            trienkhai_app::reminders::POLICY_KINDS
                .iter()
                .map(|k| format!("reminder.{k}")),
        );
        built.extend(
            trienkhai_app::reminders::AUDIENCES
                .iter()
                .map(|a| format!("reminder.to_{a}")),
        );
        built.extend((0..7).map(|n| format!("weekday.{n}")));
        for a in [
            Aggregation::Sum,
            Aggregation::Mean,
            Aggregation::Ratio,
            Aggregation::Min,
            Aggregation::Max,
            Aggregation::CountAchieving,
            Aggregation::All,
            Aggregation::None,
        ] {
            built.push(format!("aggregation.{a}"));
        }
        built.push("aggregation.weighted_mean".into());
        let missing: Vec<&String> = built.iter().filter(|k| !has(k)).collect();
        assert!(missing.is_empty(), "missing translations {missing:?}");
    }

    /// Every error code raised anywhere in the workspace (`invalid("…"`, `DomainError::new("…"`,
    /// `without_field("…"`, `input_error("…"`, the number parser's `err("…"`, the framework's
    /// codes) has its own sentence in both languages, not the generic "Giá trị không hợp lệ.".
    #[test]
    fn every_error_code_raised_has_its_own_message() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let mut all = Vec::new();
            files_under(dir, &mut all);
            out.extend(
                all.into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "rs")),
            );
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&crates).unwrap() {
            let src = entry.unwrap().path().join("src");
            if src.is_dir() {
                sources(&src, &mut files);
            }
        }
        let mut missing = Vec::new();
        let mut checked = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for opener in [
                "invalid(\"",
                "DomainError::new(\"",
                "without_field(\"",
                "input_error(\"",
                " err(\"",
                "(err(\"",
                "answer(api, StatusCode::URI_TOO_LONG, \"",
            ] {
                for part in text.split(opener).skip(1) {
                    let code = part.split('"').next().unwrap();
                    if code.is_empty()
                        || !code
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        continue;
                    }
                    checked += 1;
                    if error_code(code).is_none() {
                        missing.push(format!("{code} ({})", file.display()));
                    }
                }
            }
        }
        assert!(
            checked > 100,
            "only {checked} codes found: the scan is broken"
        );
        assert!(missing.is_empty(), "codes without a message: {missing:?}");
    }

    #[test]
    fn accept_language_picks_english_only_when_asked() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, vi;q=0.5"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(
            error_message(Lang::En, "tree_cycle"),
            "A unit cannot hang under one of its own sub-units."
        );
        assert_eq!(
            error_message(Lang::Vi, "number_bad_grouping"),
            error_message(Lang::Vi, "number_invalid")
        );
    }
}
