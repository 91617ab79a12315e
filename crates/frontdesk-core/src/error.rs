//! One error type for the whole core. Each variant maps to a small [`ErrorCode`] that clients (the
//! window, the CLI) branch on, and to an [`ErrorKey`] plus parameters that clients look up in their
//! message catalogue (so the kiosk can say it in the visitor's language); database and IO detail
//! stays in logs.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

/// Result type of the core API; the error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure the core can report. Use [`Error::to_api`] (or `ApiError::from`) before it crosses
/// to a client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the offending request field so forms can point at it.
    #[error("{field}: {message}")]
    Validation {
        /// Request field at fault, as a dotted path (e.g. `visitor.name`).
        field: String,
        /// What is wrong with it, in plain English (e.g. "is required").
        message: String,
    },
    /// The requested record does not exist.
    #[error("{entity} not found")]
    NotFound {
        /// Kind of record that was looked for (e.g. `visit`).
        entity: &'static str,
    },
    /// The request is valid but the current state forbids it (e.g. signing out a visit that is not
    /// signed in).
    #[error("{0}")]
    Conflict(String),
    /// A badge was printed for this visit before; printing another needs the staff's confirmation.
    #[error("{visitor}'s badge was already printed {}; confirm to print another", times(*.previous))]
    ReprintUnconfirmed {
        /// Name of the visitor on the badge.
        visitor: String,
        /// How many badges were printed for this visit before.
        previous: u32,
    },
    /// The actor's role lacks the permission the command needs.
    #[error("your role ({role}) may not {action}")]
    Forbidden {
        /// The actor's role in words (e.g. `front desk`, `kiosk`, `system`).
        role: String,
        /// What was refused, as a verb phrase (e.g. `schedule exports`).
        action: &'static str,
    },
    /// A staff command came from a window where nobody is signed in.
    #[error("please sign in")]
    NotSignedIn,
    /// Sign-in failed: unknown username or wrong password (deliberately not told apart).
    #[error("wrong username or password")]
    BadCredentials,
    /// Too many failed sign-ins; the account is locked until the given time (formatted `HH:MM UTC`).
    #[error("this account is locked until {0}; try again later or ask an administrator")]
    Locked(String),
    /// A database query failed; the detail is logged, not shown.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Applying the database migrations failed.
    #[error("database migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A file-system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. the operation and path.
        context: String,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// A bug or broken invariant; the message is for the log only.
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
    /// Builds an [`Error::Validation`] for request field `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Builds an [`Error::Io`], with `context` saying what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// The [`ErrorCode`] clients branch on; sign-in failures are `Unauthenticated`, and database,
    /// migration, IO and internal errors are all `Internal`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::ReprintUnconfirmed { .. } => ErrorCode::ReprintUnconfirmed,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NotSignedIn | Error::BadCredentials | Error::Locked(_) => {
                ErrorCode::Unauthenticated
            }
            Error::Database(_) | Error::Migration(_) | Error::Io { .. } | Error::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// The catalogue key of this error and the parameters its message needs. Internal errors carry
    /// none: their detail belongs in the log.
    pub fn key(&self) -> (ErrorKey, BTreeMap<String, String>) {
        let params = |pairs: &[(&str, String)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        match self {
            Error::Validation { field, message } => (
                ErrorKey::Validation,
                params(&[("field", field.clone()), ("problem", message.clone())]),
            ),
            Error::NotFound { entity } => (
                ErrorKey::NotFound,
                params(&[("entity", (*entity).to_string())]),
            ),
            Error::Conflict(detail) => (ErrorKey::Conflict, params(&[("detail", detail.clone())])),
            Error::ReprintUnconfirmed { visitor, previous } => (
                ErrorKey::ReprintUnconfirmed,
                params(&[
                    ("visitor", visitor.clone()),
                    ("count", previous.to_string()),
                ]),
            ),
            Error::Forbidden { role, action } => (
                ErrorKey::Forbidden,
                params(&[("role", role.clone()), ("action", (*action).to_string())]),
            ),
            Error::NotSignedIn => (ErrorKey::NotSignedIn, BTreeMap::new()),
            Error::BadCredentials => (ErrorKey::BadCredentials, BTreeMap::new()),
            Error::Locked(until) => (ErrorKey::Locked, params(&[("until", until.clone())])),
            Error::Database(_) | Error::Migration(_) | Error::Io { .. } | Error::Internal(_) => {
                (ErrorKey::Internal, BTreeMap::new())
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
        let (key, params) = self.key();
        ApiError {
            code: self.code(),
            message,
            field,
            key,
            params,
        }
    }
}

fn times(n: u32) -> String {
    if n == 1 {
        "once".to_string()
    } else {
        format!("{n} times")
    }
}

/// What a client can branch on. Grows only when the UI must behave differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Bad input; `ApiError::field` names the field.
    Validation,
    /// The record does not exist.
    NotFound,
    /// The current state forbids the request.
    Conflict,
    /// The badge was printed before: ask the staff member, then retry with `confirm_reprint`.
    ReprintUnconfirmed,
    /// The actor's role lacks the permission.
    Forbidden,
    /// Nobody is signed in, the credentials are wrong, or the account is locked.
    Unauthenticated,
    /// Something failed on this PC; the detail is in the log.
    Internal,
}

/// The message-catalogue key of an error. The UI's catalogue is typed by this union, so a key added
/// here fails the UI type check until every language has a message for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum ErrorKey {
    /// `error.validation`: [`Error::Validation`]; params `field`, `problem`.
    #[serde(rename = "error.validation")]
    Validation,
    /// `error.not_found`: [`Error::NotFound`]; param `entity`.
    #[serde(rename = "error.not_found")]
    NotFound,
    /// `error.conflict`: [`Error::Conflict`]; param `detail`.
    #[serde(rename = "error.conflict")]
    Conflict,
    /// `error.reprint_unconfirmed`: [`Error::ReprintUnconfirmed`]; params `visitor`, `count`.
    #[serde(rename = "error.reprint_unconfirmed")]
    ReprintUnconfirmed,
    /// `error.forbidden`: [`Error::Forbidden`]; params `role`, `action`.
    #[serde(rename = "error.forbidden")]
    Forbidden,
    /// `error.not_signed_in`: [`Error::NotSignedIn`]; no params.
    #[serde(rename = "error.not_signed_in")]
    NotSignedIn,
    /// `error.bad_credentials`: [`Error::BadCredentials`]; no params.
    #[serde(rename = "error.bad_credentials")]
    BadCredentials,
    /// `error.locked`: [`Error::Locked`]; param `until`.
    #[serde(rename = "error.locked")]
    Locked,
    /// `error.internal`: Database, migration, IO and internal errors; no params.
    #[serde(rename = "error.internal")]
    Internal,
}

/// The serialisable error returned over IPC.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    /// What the client should branch on.
    pub code: ErrorCode,
    /// Plain English, for logs and for clients whose catalogue lacks `key`.
    pub message: String,
    /// For validation errors: the request field at fault.
    pub field: Option<String>,
    /// The catalogue key of the message to show, filled in with `params`.
    pub key: ErrorKey,
    /// Values for the placeholders of the `key` message, by placeholder name; empty for internal
    /// errors.
    pub params: BTreeMap<String, String>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        if e.code() == ErrorCode::Internal {
            tracing::error!(error = ?e, "internal error");
        }
        e.to_api()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_carry_a_key_and_its_parameters() {
        let e = Error::NotFound { entity: "visit" }.to_api();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(e.key, ErrorKey::NotFound);
        assert_eq!(
            e.params.get("entity").map(String::as_str),
            Some("visit"),
            "the catalogue message names the entity from params"
        );
        assert_eq!(e.message, "visit not found", "English fallback stays");

        let v = Error::validation("visitor.name", "is required").to_api();
        assert_eq!(v.field.as_deref(), Some("visitor.name"));
        assert_eq!(
            v.params.get("problem").map(String::as_str),
            Some("is required")
        );
    }

    #[test]
    fn a_reprint_has_its_own_code_so_the_ui_never_reads_the_message() {
        let e = Error::ReprintUnconfirmed {
            visitor: "Ada".into(),
            previous: 1,
        };
        assert_eq!(
            e.to_string(),
            "Ada's badge was already printed once; confirm to print another"
        );
        let api = e.to_api();
        assert_eq!(api.code, ErrorCode::ReprintUnconfirmed);
        assert_eq!(api.params.get("count").map(String::as_str), Some("1"));
        assert!(
            Error::ReprintUnconfirmed {
                visitor: "Ada".into(),
                previous: 3
            }
            .to_string()
            .contains("already printed 3 times")
        );
    }

    #[test]
    fn internal_errors_hide_their_detail_in_message_and_params() {
        let e = Error::Internal("secret path /home/x".into()).to_api();
        assert_eq!(e.code, ErrorCode::Internal);
        assert_eq!(e.key, ErrorKey::Internal);
        assert!(e.params.is_empty(), "no detail may reach the screen");
        assert!(!e.message.contains("secret"), "{}", e.message);
    }

    #[test]
    fn keys_serialise_as_catalogue_keys() {
        let json = serde_json::to_value(Error::BadCredentials.to_api()).expect("serialise");
        assert_eq!(json["key"], "error.bad_credentials");
        assert_eq!(json["code"], "unauthenticated");
    }
}
