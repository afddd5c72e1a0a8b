//! Study sessions (C10), the pure part: who must attend the study of a document (*học tập, quán
//! triệt*) by category, who came, who was excused and who made it up in a later session; counts
//! that add up the tree; and the rate written the way offices write it, "2.909/3.044 đảng viên,
//! đạt 95,56%": never rounded up, so a rate shown is never more than what happened.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Who a session is for (DOMAIN.md §3.3).
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
pub enum Audience {
    /// *Cán bộ chủ chốt*.
    KeyCadres,
    /// *Đảng viên*.
    PartyMembers,
    /// *Đoàn viên, hội viên, quần chúng*.
    Masses,
}

impl Audience {
    pub const ALL: [Audience; 3] = [
        Audience::KeyCadres,
        Audience::PartyMembers,
        Audience::Masses,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::KeyCadres => "key_cadres",
            Audience::PartyMembers => "party_members",
            Audience::Masses => "masses",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("audience_unknown", "audience").with_detail(input.trim())
            })
    }

    /// The noun offices count them with: "2.909/3.044 đảng viên".
    pub fn noun_vi(self) -> &'static str {
        match self {
            Audience::KeyCadres => "cán bộ chủ chốt",
            Audience::PartyMembers => "đảng viên",
            Audience::Masses => "quần chúng",
        }
    }
}

/// The attendance of one category at the study of a document, in a unit or summed over a tree.
/// `present` counts whoever attended, in the session or in a make-up session (`made_up` says how
/// many of them made it up); `excused` were absent with a reason and have not made it up.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Attendance {
    pub required: u32,
    pub present: u32,
    pub excused: u32,
    pub made_up: u32,
}

impl Attendance {
    /// Checked counts: nobody is counted twice, and no more attend than were required.
    pub fn new(
        required: u32,
        present: u32,
        excused: u32,
        made_up: u32,
    ) -> Result<Self, DomainError> {
        if present > required {
            return Err(DomainError::new("attendance_over_required", "present")
                .with_detail(format!("{present} > {required}")));
        }
        if present.saturating_add(excused) > required {
            return Err(DomainError::new("attendance_over_required", "excused")
                .with_detail(format!("{present} + {excused} > {required}")));
        }
        if made_up > present {
            return Err(DomainError::new(
                "attendance_made_up_over_present",
                "made_up",
            ));
        }
        Ok(Attendance {
            required,
            present,
            excused,
            made_up,
        })
    }

    /// Those required who neither came nor were excused.
    pub fn absent_without_reason(&self) -> u32 {
        self.required - self.present - self.excused
    }

    /// The sum of two units' counts (a roll-up up the tree).
    pub fn plus(self, other: Attendance) -> Attendance {
        Attendance {
            required: self.required + other.required,
            present: self.present + other.present,
            excused: self.excused + other.excused,
            made_up: self.made_up + other.made_up,
        }
    }

    /// The share present, in percent, cut (never rounded up) to two decimals; none when nobody
    /// was required.
    pub fn rate(&self) -> Option<Decimal> {
        if self.required == 0 {
            return None;
        }
        let exact = Decimal::from(self.present) * Decimal::from(100) / Decimal::from(self.required);
        Some(exact.trunc_with_scale(2))
    }

    /// As offices write it: "2.909/3.044 đảng viên, đạt 95,56%"; with nobody required, the
    /// counts alone ("0/0 quần chúng").
    pub fn sentence_vi(&self, audience: Audience) -> String {
        let counts = format!(
            "{}/{} {}",
            crate::vn::format_decimal(&Decimal::from(self.present), 0),
            crate::vn::format_decimal(&Decimal::from(self.required), 0),
            audience.noun_vi()
        );
        match self.rate() {
            Some(rate) => format!(
                "{counts}, đạt {}%",
                crate::vn::format_decimal(&rate.normalize(), 2)
            ),
            None => counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_is_written_as_offices_write_it_and_never_rounded_up() {
        // Đức Linh (DOMAIN.md §3.3): 2.909/3.044 = 95,5650…%, written 95,56%.
        let duc_linh = Attendance::new(3044, 2909, 0, 0).unwrap();
        assert_eq!(
            duc_linh.sentence_vi(Audience::PartyMembers),
            "2.909/3.044 đảng viên, đạt 95,56%"
        );
        // Tây Ninh: 35.599/35.900 = 99,1615…%.
        let tay_ninh = Attendance::new(35900, 35599, 0, 0).unwrap();
        assert_eq!(
            tay_ninh.sentence_vi(Audience::PartyMembers),
            "35.599/35.900 đảng viên, đạt 99,16%"
        );
        assert_eq!(
            Attendance::new(3, 3, 0, 0)
                .unwrap()
                .sentence_vi(Audience::KeyCadres),
            "3/3 cán bộ chủ chốt, đạt 100%"
        );
        assert_eq!(
            Attendance::default().sentence_vi(Audience::Masses),
            "0/0 quần chúng"
        );
        assert_eq!(Attendance::default().rate(), None);
    }

    #[test]
    fn counts_add_up_the_tree_and_nobody_is_counted_twice() {
        let cell = Attendance::new(21, 18, 2, 1).unwrap();
        assert_eq!(cell.absent_without_reason(), 1);
        let other = Attendance::new(15, 15, 0, 3).unwrap();
        let commune = cell.plus(other);
        assert_eq!(
            commune,
            Attendance {
                required: 36,
                present: 33,
                excused: 2,
                made_up: 4
            }
        );
        assert_eq!(
            commune.sentence_vi(Audience::PartyMembers),
            "33/36 đảng viên, đạt 91,66%"
        );
        for (args, field) in [
            ((10, 11, 0, 0), "present"),
            ((10, 8, 3, 0), "excused"),
            ((10, 5, 0, 6), "made_up"),
        ] {
            let (r, p, e, m) = args;
            assert_eq!(
                Attendance::new(r, p, e, m).unwrap_err().field.as_deref(),
                Some(field)
            );
        }
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Ok(a));
        }
    }
}
