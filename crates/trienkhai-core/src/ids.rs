//! Typed identifiers. Rows get integer ids from the database; wrapping them keeps a unit id from
//! being passed where a person id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    UnitId,
    UnitVersionId,
    UnitEventId,
    PersonId,
    PostId,
    AccountId,
    GrantId,
    TokenId,
    TermId,
    DocumentId,
    DocumentFileId,
    TargetId,
    ActualId,
    WorkItemId,
    MilestoneId,
    RequestId,
);
