//! Who may do what where (C2). A grant gives one role over a unit's subtree (or over the whole
//! installation) for a validity window. Whether a unit lies in the subtree is decided in the tree
//! as it stood on the date the data concerns, so a commune editor keeps its commune through an
//! upgrade (same unit) but gains nothing when communes are merged into a larger one.
//!
//! This is the single rule book: pages, API, CLI and jobs all ask [`Access::allows`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::{GrantId, UnitId};
use crate::org::TreeSnapshot;
use crate::validity::Validity;

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
pub enum Role {
    Admin,
    Editor,
    Reporter,
    Viewer,
    Inspector,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Editor,
        Role::Reporter,
        Role::Viewer,
        Role::Inspector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
            Role::Inspector => "inspector",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("role_unknown", "role"))
    }

    /// The permission matrix.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(action, Read | EditContent | Report),
            Role::Reporter => matches!(action, Read | Report),
            Role::Viewer => matches!(action, Read),
            Role::Inspector => matches!(action, Read | ReadHistory),
        }
    }
}

/// What a user asks to do to something that belongs to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Action {
    /// See the unit, its people and its plans.
    Read,
    /// See who changed what (the audit log).
    ReadHistory,
    /// Change content: people and posts, plans, values.
    EditContent,
    /// Submit reports.
    Report,
    /// Create, rename, move, upgrade, merge, split or end units.
    ManageStructure,
    /// Create accounts, grant roles, manage others' tokens.
    ManageAccounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Grant {
    pub id: GrantId,
    pub role: Role,
    /// `None`: the whole installation.
    pub unit_id: Option<UnitId>,
    pub validity: Validity,
}

/// The grants of one account, filtered to those in force today.
#[derive(Debug, Clone, Default)]
pub struct Access {
    grants: Vec<Grant>,
}

impl Access {
    pub fn new(grants: impl IntoIterator<Item = Grant>, today: NaiveDate) -> Self {
        Self {
            grants: grants
                .into_iter()
                .filter(|g| g.validity.contains(today))
                .collect(),
        }
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// May the holder do `action` on something of `unit`, judged in `tree` (the tree of the
    /// date the data concerns)?
    pub fn allows(&self, action: Action, unit: UnitId, tree: &TreeSnapshot) -> bool {
        self.grants.iter().any(|g| {
            g.role.allows(action)
                && match g.unit_id {
                    None => true,
                    Some(root) => tree.is_within(unit, root),
                }
        })
    }

    /// May the holder do `action` everywhere (on things that belong to no unit, like accounts)?
    pub fn allows_everywhere(&self, action: Action) -> bool {
        self.grants
            .iter()
            .any(|g| g.unit_id.is_none() && g.role.allows(action))
    }

    /// May the holder do `action` somewhere (to decide which menus to show)?
    pub fn allows_somewhere(&self, action: Action) -> bool {
        self.grants.iter().any(|g| g.role.allows(action))
    }

    /// The roots of the subtrees where `action` is allowed; `None` when it is allowed everywhere.
    pub fn roots_for(&self, action: Action) -> Option<Vec<UnitId>> {
        if self.allows_everywhere(action) {
            return None;
        }
        Some(
            self.grants
                .iter()
                .filter(|g| g.role.allows(action))
                .filter_map(|g| g.unit_id)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UnitVersionId;
    use crate::org::{UnitCode, UnitVersion};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn tree() -> TreeSnapshot {
        let v = |unit: i64, parent: Option<i64>| UnitVersion {
            id: Some(UnitVersionId(unit)),
            unit_id: UnitId(unit),
            code: UnitCode::parse(&format!("U{unit}")).unwrap(),
            name: format!("U{unit}"),
            kind: "k".into(),
            parent_id: parent.map(UnitId),
            validity: Validity::open(d("2000-01-01")),
        };
        TreeSnapshot::at(
            d("2021-01-01"),
            &[v(1, None), v(2, Some(1)), v(3, Some(2)), v(4, Some(2))],
        )
    }

    fn grant(role: Role, unit: Option<i64>, from: &str, to: Option<&str>) -> Grant {
        Grant {
            id: GrantId(1),
            role,
            unit_id: unit.map(UnitId),
            validity: Validity::new(d(from), to.map(d)).unwrap(),
        }
    }

    #[test]
    fn an_editor_of_a_commune_cannot_touch_its_sibling() {
        let access = Access::new(
            [grant(Role::Editor, Some(3), "2020-01-01", None)],
            d("2026-11-27"),
        );
        let t = tree();
        assert!(access.allows(Action::EditContent, UnitId(3), &t));
        assert!(!access.allows(Action::Read, UnitId(4), &t));
        assert!(!access.allows(Action::Read, UnitId(2), &t));
        assert!(!access.allows(Action::ManageStructure, UnitId(3), &t));
    }

    #[test]
    fn an_inspector_reads_everything_and_changes_nothing() {
        let access = Access::new(
            [grant(Role::Inspector, None, "2020-01-01", None)],
            d("2026-11-27"),
        );
        let t = tree();
        for unit in 1..=4 {
            assert!(access.allows(Action::Read, UnitId(unit), &t));
            assert!(access.allows(Action::ReadHistory, UnitId(unit), &t));
            for action in [
                Action::EditContent,
                Action::Report,
                Action::ManageStructure,
                Action::ManageAccounts,
            ] {
                assert!(!access.allows(action, UnitId(unit), &t));
            }
        }
    }

    #[test]
    fn an_expired_or_future_grant_gives_nothing() {
        let access = Access::new(
            [
                grant(Role::Admin, None, "2020-01-01", Some("2025-12-31")),
                grant(Role::Admin, None, "2027-01-01", None),
            ],
            d("2026-11-27"),
        );
        assert!(!access.allows(Action::Read, UnitId(1), &tree()));
        assert!(access.grants().is_empty());
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!(Role::parse("inspector").unwrap(), Role::Inspector);
        assert_eq!(Role::parse("superuser").unwrap_err().code, "role_unknown");
    }
}
