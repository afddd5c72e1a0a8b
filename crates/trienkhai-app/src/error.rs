//! The use-case error. Each variant has a stable code; the web layer maps codes to HTTP
//! statuses and to sentences in Vietnamese and English, in one table.

use trienkhai_core::error::DomainError;
use trienkhai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; names the field.
    #[error("invalid input: {0}")]
    Invalid(DomainError),
    #[error("not logged in")]
    Unauthenticated,
    #[error("wrong username or password")]
    InvalidCredentials,
    /// Too many failed logins; try again after this many seconds at the latest.
    #[error("too many failed logins")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A stale edit; carries the record as it is now, so the user sees what changed.
    #[error("changed by someone else")]
    Conflict { current: Option<serde_json::Value> },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(e) => e.code,
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(e) => e.field.as_deref(),
            _ => None,
        }
    }

    pub fn invalid(code: &'static str, field: &str) -> Self {
        AppError::Invalid(DomainError::new(code, field))
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict { current: None },
            StoreError::Duplicate(what) => {
                AppError::Invalid(DomainError::without_field("duplicate").with_detail(what))
            }
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
