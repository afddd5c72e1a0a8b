//! The yearly commitment to cultivate, train and strive (*cam kết tu dưỡng, rèn luyện, phấn
//! đấu*, DOMAIN.md §2): its sections, written at the start of the year by every member,
//! collected and approved by the cell, and compared at year end by a self-assessment per
//! section and the cell's remark. Its life (draft, sent, returned, approved) is a
//! registration's ([`crate::registration::RegistrationState`]).

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::registration::Outcome;

/// The sections of a commitment, in the order the form has them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// *Về chính trị tư tưởng*.
    PoliticalIdeology,
    /// *Về đạo đức, lối sống*.
    EthicsLifestyle,
    /// *Về ý thức tổ chức kỷ luật*.
    Discipline,
    /// *Về thực hiện chức trách, nhiệm vụ được giao* (with products and deadlines).
    Duties,
    /// *Việc làm theo Bác*: at least one concrete deed tied to the duties.
    FollowingUncleHo,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::PoliticalIdeology,
        Section::EthicsLifestyle,
        Section::Discipline,
        Section::Duties,
        Section::FollowingUncleHo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::PoliticalIdeology => "political_ideology",
            Section::EthicsLifestyle => "ethics_lifestyle",
            Section::Discipline => "discipline",
            Section::Duties => "duties",
            Section::FollowingUncleHo => "following_uncle_ho",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Section::ALL
            .into_iter()
            .find(|s| s.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("commitment_section_unknown", "section").with_detail(input.trim())
            })
    }
}

/// The longest a section may be (a page of the paper form).
pub const MAX_SECTION_CHARS: usize = 4_000;

/// The sections as written, checked: every one filled (the paper form has no empty heading),
/// each at most a page, NFC-normalized.
pub fn check_sections(
    sections: &[(Section, String)],
) -> Result<Vec<(Section, String)>, DomainError> {
    let mut out = Vec::with_capacity(Section::ALL.len());
    for section in Section::ALL {
        let text = sections
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, t)| crate::vn::clean_text(t))
            .next_back()
            .unwrap_or_default();
        if text.is_empty() {
            return Err(DomainError::new("required", section.as_str()));
        }
        if text.chars().count() > MAX_SECTION_CHARS {
            return Err(DomainError::new("too_long", section.as_str()));
        }
        out.push((section, text));
    }
    Ok(out)
}

/// The year-end comparison of one section: how far it was kept, and in what words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SectionAssessment {
    pub outcome: Outcome,
    pub text: String,
}

impl SectionAssessment {
    pub fn new(outcome: Outcome, text: &str) -> Result<Self, DomainError> {
        let text = crate::vn::clean_text(text);
        if text.chars().count() > MAX_SECTION_CHARS {
            return Err(DomainError::new("too_long", "text"));
        }
        Ok(Self { outcome, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_filled_in_the_form_order() {
        let written: Vec<(Section, String)> = Section::ALL
            .iter()
            .rev()
            .map(|s| (*s, format!("  Nội dung {}  ", s.as_str())))
            .collect();
        let checked = check_sections(&written).unwrap();
        assert_eq!(
            checked.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            Section::ALL
        );
        assert_eq!(checked[0].1, "Nội dung political_ideology");
        let missing: Vec<(Section, String)> = written
            .into_iter()
            .filter(|(s, _)| *s != Section::FollowingUncleHo)
            .collect();
        let err = check_sections(&missing).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            ("required", Some("following_uncle_ho"))
        );
        let long = vec![(Section::Duties, "x".repeat(MAX_SECTION_CHARS + 1))];
        assert_eq!(
            check_sections(&long).unwrap_err().field.as_deref(),
            Some("political_ideology"),
            "the first missing section is named first"
        );
        for s in Section::ALL {
            assert_eq!(Section::parse(s.as_str()), Ok(s));
        }
        assert!(Section::parse("other").is_err());
    }
}
