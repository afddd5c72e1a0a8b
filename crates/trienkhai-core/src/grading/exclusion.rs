//! Who is not rated (Quy định 124, Art. 9; DOMAIN.md §1.6): members exempt from party work and
//! activities, members suspended from party activities, and members admitted less than six
//! months before the rating. Each exclusion says which, so a list can say why a name is absent.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Step;

/// Why a member is not rated this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Miễn công tác và sinh hoạt đảng.
    Exempt,
    /// Đình chỉ sinh hoạt đảng.
    Suspended,
    /// Kết nạp chưa đủ 6 tháng.
    AdmittedUnderSixMonths,
}

impl Exclusion {
    pub fn text_vi(self) -> &'static str {
        match self {
            Exclusion::Exempt => "được miễn công tác và sinh hoạt đảng",
            Exclusion::Suspended => "đang bị đình chỉ sinh hoạt đảng",
            Exclusion::AdmittedUnderSixMonths => "kết nạp chưa đủ 6 tháng",
        }
    }
}

/// What is known of a member on the day of the rating.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct MemberStanding {
    pub admitted_on: Option<NaiveDate>,
    pub exempt: bool,
    pub suspended: bool,
}

/// Whether the member is left out of the rating made on `rated_on`, and the step that says why.
pub fn excluded(m: &MemberStanding, rated_on: NaiveDate) -> Option<(Exclusion, Step)> {
    let six_months_before = rated_on.checked_sub_months(Months::new(6))?;
    let why = if m.exempt {
        Exclusion::Exempt
    } else if m.suspended {
        Exclusion::Suspended
    } else if m.admitted_on.is_some_and(|d| d > six_months_before) {
        Exclusion::AdmittedUnderSixMonths
    } else {
        return None;
    };
    let check = match (why, m.admitted_on) {
        (Exclusion::AdmittedUnderSixMonths, Some(d)) => format!(
            "{}: kết nạp ngày {}, xếp loại ngày {}",
            why.text_vi(),
            crate::vn::format_date(d),
            crate::vn::format_date(rated_on)
        ),
        _ => why.text_vi().to_owned(),
    };
    Some((
        why,
        Step {
            rule: "Quy định 124-QĐ/TW, Điều 9: không xếp loại".to_owned(),
            check,
            met: true,
            then: "→ không xếp loại".to_owned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_member_admitted_under_six_months_before_the_rating_is_not_rated() {
        let rated = d("2021-12-15");
        let admitted = |day| MemberStanding {
            admitted_on: Some(d(day)),
            ..Default::default()
        };
        let (why, step) = excluded(&admitted("2021-07-01"), rated).unwrap();
        assert_eq!(why, Exclusion::AdmittedUnderSixMonths);
        assert!(step.check.contains("01/07/2021"), "{}", step.check);
        // Six months to the day: rated.
        assert_eq!(excluded(&admitted("2021-06-15"), rated), None);
        assert_eq!(excluded(&admitted("2015-03-03"), rated), None);
    }

    #[test]
    fn exempt_and_suspended_members_are_not_rated_and_said_so() {
        let rated = d("2021-12-15");
        let exempt = MemberStanding {
            exempt: true,
            ..Default::default()
        };
        assert_eq!(excluded(&exempt, rated).unwrap().0, Exclusion::Exempt);
        let suspended = MemberStanding {
            suspended: true,
            admitted_on: Some(d("2000-01-01")),
            ..Default::default()
        };
        let (why, step) = excluded(&suspended, rated).unwrap();
        assert_eq!(why, Exclusion::Suspended);
        assert_eq!(step.check, "đang bị đình chỉ sinh hoạt đảng");
    }
}
