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
            required: self.required.saturating_add(other.required),
            present: self.present.saturating_add(other.present),
            excused: self.excused.saturating_add(other.excused),
            made_up: self.made_up.saturating_add(other.made_up),
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

/// How a session was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StudyMode {
    /// *Trực tiếp*.
    InPerson,
    /// *Trực tuyến* (the national session watched on screens).
    Online,
}

impl StudyMode {
    pub const ALL: [StudyMode; 2] = [StudyMode::InPerson, StudyMode::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            StudyMode::InPerson => "in_person",
            StudyMode::Online => "online",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        StudyMode::ALL
            .into_iter()
            .find(|m| m.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("study_mode_unknown", "mode").with_detail(input.trim()))
    }
}

/// What one session recorded for one audience. A make-up session (*học bù*) requires nobody
/// anew: its people were required at the first session, so it only counts who came.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct SessionCount {
    pub required: u32,
    pub present: u32,
    pub excused: u32,
}

/// Checks what a session records for one audience, given what the unit already has for the
/// document (`so_far`): a regular session's counts fit in its own `required`; a make-up
/// session counts only people still missing.
pub fn check_session_count(
    count: SessionCount,
    makeup: bool,
    so_far: Attendance,
) -> Result<SessionCount, DomainError> {
    if makeup {
        if count.required != 0 {
            return Err(DomainError::new("attendance_makeup_required", "required"));
        }
        if count.excused != 0 {
            return Err(DomainError::new("attendance_makeup_required", "excused"));
        }
        let missing = so_far.required - so_far.present;
        if count.present > missing {
            return Err(DomainError::new("attendance_makeup_over_absent", "present")
                .with_detail(format!("{} > {missing}", count.present)));
        }
    } else {
        Attendance::new(count.required, count.present, count.excused, 0)?;
    }
    Ok(count)
}

/// A unit's attendance at the study of a document for one audience, from the sums of its
/// sessions: `regular` over its sessions, `made_up` the people who came to make-up sessions.
/// Those who made it up are no longer absent: the excused left are at most those still missing.
pub fn attendance_from_sums(regular: SessionCount, made_up: u32) -> Attendance {
    let required = regular.required;
    let present = regular.present.saturating_add(made_up).min(required);
    let made_up = made_up.min(present);
    Attendance {
        required,
        present,
        excused: regular.excused.min(required - present),
        made_up,
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

    #[test]
    fn a_make_up_session_counts_only_who_is_still_missing() {
        let first = SessionCount {
            required: 21,
            present: 17,
            excused: 3,
        };
        let so_far = attendance_from_sums(first, 0);
        assert_eq!(so_far.absent_without_reason(), 1);
        let makeup = SessionCount {
            required: 0,
            present: 3,
            excused: 0,
        };
        assert_eq!(check_session_count(makeup, true, so_far), Ok(makeup));
        let after = attendance_from_sums(first, 3);
        // Three made it up: 20 present, the one excused left still absent.
        assert_eq!(
            after,
            Attendance {
                required: 21,
                present: 20,
                excused: 1,
                made_up: 3
            }
        );
        assert_eq!(
            after.sentence_vi(Audience::PartyMembers),
            "20/21 đảng viên, đạt 95,23%"
        );
        let too_many = SessionCount {
            present: 5,
            ..makeup
        };
        assert_eq!(
            check_session_count(too_many, true, so_far)
                .unwrap_err()
                .code,
            "attendance_makeup_over_absent"
        );
        assert_eq!(
            check_session_count(first, true, so_far)
                .unwrap_err()
                .field
                .as_deref(),
            Some("required")
        );
        let over = SessionCount {
            required: 5,
            present: 4,
            excused: 2,
        };
        assert_eq!(
            check_session_count(over, false, Attendance::default())
                .unwrap_err()
                .field
                .as_deref(),
            Some("excused")
        );
        for m in StudyMode::ALL {
            assert_eq!(StudyMode::parse(m.as_str()), Ok(m));
        }
    }
}
