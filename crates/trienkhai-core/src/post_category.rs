//! Who must register work items (issue 13, point 1): the categories of posts a plan names
//! ("every member of the executive committee, every head of a department, every cell or commune
//! secretary", later "every member"), and how a post's title falls into them.
//!
//! Posts keep the title the organisation writes ("Ủy viên BCH Đảng bộ huyện, Trưởng Ban Tuyên
//! giáo Huyện ủy"); the category is read from it, each comma- or semicolon-separated part on its
//! own, without diacritics or case, so that a title typed either way counts the same. Deputies
//! ("Phó Trưởng phòng", "Phó Bí thư") are never heads or secretaries.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::vn::text::fold;

/// A category of posts a plan may require to register.
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
pub enum PostCategory {
    /// Ủy viên Ban Chấp hành (the standing committee and the secretaries are among them).
    ExecutiveCommittee,
    /// Trưởng phòng, trưởng ban, chánh văn phòng, chủ nhiệm ủy ban kiểm tra: a head of a
    /// department or an advisory body.
    DepartmentHead,
    /// Bí thư đảng ủy of a commune, ward or other grassroots committee.
    GrassrootsSecretary,
    /// Bí thư chi bộ.
    CellSecretary,
    /// Every cadre and member holding a post.
    EveryMember,
}

impl PostCategory {
    pub const ALL: [PostCategory; 5] = [
        PostCategory::ExecutiveCommittee,
        PostCategory::DepartmentHead,
        PostCategory::GrassrootsSecretary,
        PostCategory::CellSecretary,
        PostCategory::EveryMember,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostCategory::ExecutiveCommittee => "executive_committee",
            PostCategory::DepartmentHead => "department_head",
            PostCategory::GrassrootsSecretary => "grassroots_secretary",
            PostCategory::CellSecretary => "cell_secretary",
            PostCategory::EveryMember => "every_member",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        PostCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("post_category_unknown", "categories").with_detail(input.trim())
            })
    }

    /// Whether a post of this title is of this category.
    pub fn covers(self, title: &str) -> bool {
        self == PostCategory::EveryMember || categories_of(title).contains(&self)
    }
}

/// The categories a post's title falls into (never `EveryMember`, which every post is).
pub fn categories_of(title: &str) -> Vec<PostCategory> {
    let mut found = Vec::new();
    for part in title.split([',', ';']) {
        let part = fold(part);
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| part.starts_with(p));
        let category = if starts(&[
            "uy vien ban chap hanh",
            "uy vien bch",
            "uy vien ban thuong vu",
            "uy vien btv",
            "huyen uy vien",
            "tinh uy vien",
            "thanh uy vien",
            "bi thu huyen uy",
            "pho bi thu huyen uy",
            "bi thu tinh uy",
            "pho bi thu tinh uy",
            "bi thu thanh uy",
            "pho bi thu thanh uy",
        ]) {
            Some(PostCategory::ExecutiveCommittee)
        } else if starts(&[
            "truong phong",
            "truong ban",
            "chanh van phong",
            "chu nhiem uy ban kiem tra",
        ]) {
            Some(PostCategory::DepartmentHead)
        } else if starts(&["bi thu dang uy"]) {
            Some(PostCategory::GrassrootsSecretary)
        } else if starts(&["bi thu chi bo"]) {
            Some(PostCategory::CellSecretary)
        } else {
            None
        };
        if let Some(c) = category.filter(|c| !found.contains(c)) {
            found.push(c);
        }
    }
    found
}

/// A plan's rule: the categories that must register; empty means every member.
pub fn requires(categories: &[PostCategory], titles: &[&str]) -> bool {
    categories.is_empty()
        || categories
            .iter()
            .any(|c| titles.iter().any(|title| c.covers(title)))
}

/// The categories as stored: their codes joined by commas, in a fixed order.
pub fn to_codes(categories: &[PostCategory]) -> String {
    let mut sorted = categories.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The categories back from their stored codes.
pub fn from_codes(codes: &str) -> Result<Vec<PostCategory>, DomainError> {
    codes
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(PostCategory::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PostCategory::*;

    #[test]
    fn titles_fall_into_their_categories_part_by_part() {
        assert_eq!(
            categories_of("Ủy viên BCH Đảng bộ huyện, Trưởng Ban Tuyên giáo Huyện ủy"),
            vec![ExecutiveCommittee, DepartmentHead]
        );
        assert_eq!(categories_of("Bí thư Đảng ủy"), vec![GrassrootsSecretary]);
        assert_eq!(categories_of("bi thu chi bo ap 1"), vec![CellSecretary]);
        assert_eq!(
            categories_of("Trưởng phòng Kinh tế và Hạ tầng"),
            vec![DepartmentHead]
        );
        assert_eq!(
            categories_of("Chánh Văn phòng Huyện ủy"),
            vec![DepartmentHead]
        );
        assert_eq!(
            categories_of("Phó Bí thư Huyện ủy; Chủ tịch UBND huyện"),
            vec![ExecutiveCommittee]
        );
    }

    #[test]
    fn deputies_and_plain_members_are_neither_heads_nor_secretaries() {
        assert!(categories_of("Phó Trưởng phòng Nội vụ").is_empty());
        assert!(categories_of("Phó Bí thư Đảng ủy").is_empty());
        assert!(categories_of("Phó Bí thư Chi bộ").is_empty());
        assert!(categories_of("Đảng viên").is_empty());
    }

    #[test]
    fn a_rule_requires_whoever_holds_one_post_it_names() {
        let rule = [ExecutiveCommittee, CellSecretary];
        assert!(requires(&rule, &["Đảng viên", "Bí thư Chi bộ"]));
        assert!(!requires(&rule, &["Trưởng phòng Nội vụ"]));
        assert!(requires(&[], &["Đảng viên"]), "no rule: everyone");
        assert!(requires(&[EveryMember], &["Đảng viên"]));
    }

    #[test]
    fn codes_round_trip_sorted_and_unique() {
        let codes = to_codes(&[CellSecretary, ExecutiveCommittee, CellSecretary]);
        assert_eq!(codes, "executive_committee,cell_secretary");
        assert_eq!(
            from_codes(&codes).unwrap(),
            vec![ExecutiveCommittee, CellSecretary]
        );
        assert_eq!(from_codes("").unwrap(), vec![]);
        assert_eq!(
            from_codes("chairman").unwrap_err().code,
            "post_category_unknown"
        );
    }
}
