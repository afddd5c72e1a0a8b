//! The domain's error: a stable machine code and the field it concerns. The web layer turns the
//! code into a Vietnamese or English sentence and an HTTP status; the domain only says what is
//! wrong and where.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    /// Stable code, part of the API contract (e.g. `tree_cycle`, `duplicate_code`).
    pub code: &'static str,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// Extra facts for the message (e.g. the clashing code), never needed to act on the error.
    pub detail: Option<String>,
}

impl DomainError {
    pub fn new(code: &'static str, field: impl Into<String>) -> Self {
        Self {
            code,
            field: Some(field.into()),
            detail: None,
        }
    }

    pub fn without_field(code: &'static str) -> Self {
        Self {
            code,
            field: None,
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(field) = &self.field {
            write!(f, " (field {field})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DomainError {}
