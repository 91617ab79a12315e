//! One error type for the whole core. Each variant maps to a small [`ErrorCode`] that clients (the
//! window, the CLI) branch on; database and IO detail stays in logs.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the offending request field so forms can point at it.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The request is valid but the current state forbids it (e.g. signing out a visit that is not
    /// signed in).
    #[error("{0}")]
    Conflict(String),
    #[error("your role ({role}) may not {action}")]
    Forbidden { role: String, action: &'static str },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("this account is locked until {0}; try again later or ask an administrator")]
    Locked(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

/// A broken business rule is a validation error on the field the rule names; a locked period a conflict.
impl From<frontdesk_rules::Error> for Error {
    fn from(e: frontdesk_rules::Error) -> Self {
        match e {
            frontdesk_rules::Error::InvalidInput { field, message } => {
                Error::validation(field, message)
            }
            frontdesk_rules::Error::Locked(m) => Error::Conflict(m),
        }
    }
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::BadCredentials | Error::Locked(_) => ErrorCode::Unauthenticated,
            Error::Database(_) | Error::Migration(_) | Error::Io { .. } | Error::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// The error as a client may see it: messages of internal errors are replaced by a generic one.
    pub fn to_api(&self) -> ApiError {
        let field = match self {
            Error::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        let message = match self.code() {
            ErrorCode::Internal => {
                "Something went wrong on this PC. The details are in the log.".to_string()
            }
            _ => self.to_string(),
        };
        ApiError {
            code: self.code(),
            message,
            field,
        }
    }
}

/// What a client can branch on. Grows only when the UI must behave differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unauthenticated,
    Internal,
}

/// The serialisable error returned over IPC.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For validation errors: the request field at fault.
    pub field: Option<String>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        if e.code() == ErrorCode::Internal {
            tracing::error!(error = ?e, "internal error");
        }
        e.to_api()
    }
}
