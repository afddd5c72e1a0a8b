//! Urban classes (DOMAIN.md §4.1-4.2): six under NQ 1210/2016 as amended by NQ 26/2022
//! (đặc biệt, I to V, to 31/12/2025), four under NQ 111/2025 from 01/01/2026 (đặc biệt, I to
//! III), and the transition of Art. 15 that gives every existing urban area its new class. A
//! target "Ba Tri loại IV" stays readable under its own rules; after 2025 the class it leads to
//! is III.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum UrbanClass {
    Special,
    I,
    II,
    III,
    IV,
    V,
}

/// The first day of NQ 111/2025/UBTVQH15.
pub fn nq111_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl UrbanClass {
    pub const ALL: [UrbanClass; 6] = [
        UrbanClass::Special,
        UrbanClass::I,
        UrbanClass::II,
        UrbanClass::III,
        UrbanClass::IV,
        UrbanClass::V,
    ];

    /// As catalogues and forms write it: "đặc biệt", "I" … "V".
    pub fn as_str(self) -> &'static str {
        match self {
            UrbanClass::Special => "dac-biet",
            UrbanClass::I => "I",
            UrbanClass::II => "II",
            UrbanClass::III => "III",
            UrbanClass::IV => "IV",
            UrbanClass::V => "V",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let t = input.trim();
        UrbanClass::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| DomainError::new("invalid", "class").with_detail(t))
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            UrbanClass::Special => "đô thị loại đặc biệt",
            UrbanClass::I => "đô thị loại I",
            UrbanClass::II => "đô thị loại II",
            UrbanClass::III => "đô thị loại III",
            UrbanClass::IV => "đô thị loại IV",
            UrbanClass::V => "đô thị loại V",
        }
    }

    /// Whether the class exists on `day` (IV and V end with 2025).
    pub fn exists_on(self, day: NaiveDate) -> bool {
        day < nq111_from() || self <= UrbanClass::III
    }
}

/// An urban area as the transition of NQ 111 (Art. 15) sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Classified before 2026 in `class`; `named_first` for Hải Phòng, Huế, Đà Nẵng and Cần Thơ,
    /// which the resolution names as class I.
    Classified {
        class: UrbanClass,
        named_first: bool,
    },
    /// A thị xã or thị trấn never classified.
    Unclassified,
}

/// The class an urban area holds from 01/01/2026, and the clause that gives it.
pub fn class_from_2026(standing: Standing) -> (UrbanClass, &'static str) {
    match standing {
        Standing::Classified {
            class: UrbanClass::Special,
            ..
        } => (
            UrbanClass::Special,
            "Hà Nội và TP Hồ Chí Minh giữ loại đặc biệt (NQ 111/2025, Điều 15)",
        ),
        Standing::Classified {
            named_first: true, ..
        } => (
            UrbanClass::I,
            "Hải Phòng, Huế, Đà Nẵng, Cần Thơ là đô thị loại I (NQ 111/2025, Điều 15)",
        ),
        Standing::Classified {
            class: UrbanClass::I | UrbanClass::II | UrbanClass::III,
            ..
        } => (
            UrbanClass::II,
            "đô thị loại I, II, III khác là đô thị loại II (NQ 111/2025, Điều 15)",
        ),
        Standing::Classified { .. } | Standing::Unclassified => (
            UrbanClass::III,
            "đô thị loại IV, loại V, thị xã, thị trấn chưa được phân loại là đô thị loại III (NQ 111/2025, Điều 15)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classified(class: UrbanClass) -> Standing {
        Standing::Classified {
            class,
            named_first: false,
        }
    }

    #[test]
    fn classes_four_and_five_become_three_in_2026() {
        assert_eq!(
            class_from_2026(classified(UrbanClass::IV)).0,
            UrbanClass::III
        );
        assert_eq!(
            class_from_2026(classified(UrbanClass::V)).0,
            UrbanClass::III
        );
        assert_eq!(class_from_2026(Standing::Unclassified).0, UrbanClass::III);
        assert_eq!(
            class_from_2026(classified(UrbanClass::III)).0,
            UrbanClass::II
        );
        assert_eq!(class_from_2026(classified(UrbanClass::I)).0, UrbanClass::II);
        assert_eq!(
            class_from_2026(Standing::Classified {
                class: UrbanClass::I,
                named_first: true
            })
            .0,
            UrbanClass::I
        );
        assert_eq!(
            class_from_2026(classified(UrbanClass::Special)).0,
            UrbanClass::Special
        );
    }

    #[test]
    fn class_four_exists_to_the_last_day_of_2025() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(UrbanClass::IV.exists_on(d(2025, 12, 31)));
        assert!(!UrbanClass::IV.exists_on(d(2026, 1, 1)));
        assert!(UrbanClass::III.exists_on(d(2026, 1, 1)));
        assert_eq!(UrbanClass::parse("iv").unwrap(), UrbanClass::IV);
        assert!(UrbanClass::parse("VI").is_err());
    }
}
