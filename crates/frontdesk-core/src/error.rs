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
        /// Which rule was broken, so a client can say it in its own language; [`Rule::Other`]
        /// when only the English `message` describes it.
        rule: Rule,
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
    /// An invitation's QR code cannot be used (unknown, too early, expired, cancelled or used).
    #[error("{}", invite_problem(*.0))]
    Invite(crate::visits::invites::InviteProblem),
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
    /// The signed-in account was disabled, or its password was reset, since it signed in: the
    /// window must sign in again.
    #[error("your account was changed by an administrator; please sign in again")]
    SessionEnded,
    /// The console was locked (idle, or by its user); only its user's password unlocks it.
    #[error("the console is locked; enter your password to unlock it")]
    ConsoleLocked,
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

/// A validation rule a client can translate: each has its own catalogue key and parameters. Rules
/// a visitor can break at the kiosk all have one; staff-only rules may stay [`Rule::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The field is empty but must be filled in.
    Required,
    /// The text is longer than `max` characters.
    TooLong {
        /// Most characters allowed.
        max: usize,
    },
    /// The text holds control characters (tabs, line breaks, escape codes).
    ControlCharacters,
    /// Not an email address.
    Email,
    /// Not a phone number.
    Phone,
    /// A PIN must be 4 to 8 digits.
    Pin,
    /// A password must be at least `min` characters.
    PasswordTooShort {
        /// Fewest characters allowed.
        min: usize,
    },
    /// A password must not be a commonly used one, contain the username or repeat one character.
    PasswordWeak,
    /// The chosen employee (a host, a manager) does not exist.
    NoSuchEmployee,
    /// The chosen employee has left the organisation.
    EmployeeLeft,
    /// An upload (image, signature) is bigger than allowed.
    TooLarge,
    /// The agreement was changed since it was shown: show the current text and sign again.
    AgreementChanged,
    /// Any other rule; only the English message describes it.
    Other,
}

impl Rule {
    /// The English message for this rule, used when the caller has none more specific.
    fn message(self) -> String {
        match self {
            Rule::Required => "is required".into(),
            Rule::TooLong { max } => format!("is too long (at most {max} characters)"),
            Rule::ControlCharacters => "must not contain control characters".into(),
            Rule::Email => "is not a valid email address".into(),
            Rule::Phone => "is not a valid phone number".into(),
            Rule::Pin => "must be 4 to 8 digits".into(),
            Rule::PasswordTooShort { min } => format!("must be at least {min} characters"),
            Rule::PasswordWeak => {
                "is too easy to guess (a common password, the username, or one repeated character)"
                    .into()
            }
            Rule::NoSuchEmployee => "no such employee".into(),
            Rule::EmployeeLeft => "this employee has left".into(),
            Rule::TooLarge => "is too large".into(),
            Rule::AgreementChanged => "the agreement has changed; read and sign the new one".into(),
            Rule::Other => "is not valid".into(),
        }
    }

    fn key(self) -> (ErrorKey, Vec<(&'static str, String)>) {
        match self {
            Rule::Required => (ErrorKey::Required, vec![]),
            Rule::TooLong { max } => (ErrorKey::TooLong, vec![("max", max.to_string())]),
            Rule::ControlCharacters => (ErrorKey::ControlCharacters, vec![]),
            Rule::Email => (ErrorKey::InvalidEmail, vec![]),
            Rule::Phone => (ErrorKey::InvalidPhone, vec![]),
            Rule::Pin => (ErrorKey::InvalidPin, vec![]),
            Rule::PasswordTooShort { min } => {
                (ErrorKey::PasswordTooShort, vec![("min", min.to_string())])
            }
            Rule::PasswordWeak => (ErrorKey::PasswordWeak, vec![]),
            Rule::NoSuchEmployee => (ErrorKey::NoSuchEmployee, vec![]),
            Rule::EmployeeLeft => (ErrorKey::EmployeeLeft, vec![]),
            Rule::TooLarge => (ErrorKey::TooLarge, vec![]),
            Rule::AgreementChanged => (ErrorKey::AgreementChanged, vec![]),
            Rule::Other => (ErrorKey::Validation, vec![]),
        }
    }
}

impl Error {
    /// Builds an [`Error::Validation`] for request field `field` whose rule only the English
    /// `message` describes ([`Rule::Other`]).
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
            rule: Rule::Other,
        }
    }

    /// Builds an [`Error::Validation`] for `field` breaking `rule`, with the rule's English message.
    pub fn invalid(field: impl Into<String>, rule: Rule) -> Self {
        Self::invalid_because(field, rule, rule.message())
    }

    /// Like [`Error::invalid`] with a more specific English message.
    pub fn invalid_because(
        field: impl Into<String>,
        rule: Rule,
        message: impl Into<String>,
    ) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
            rule,
        }
    }

    /// The same error with its field moved under `prefix` (`name` → `visitor.name`); other errors
    /// are returned unchanged.
    pub fn within(self, prefix: &str) -> Self {
        match self {
            Error::Validation {
                field,
                message,
                rule,
            } => Error::Validation {
                field: format!("{prefix}.{field}"),
                message,
                rule,
            },
            other => other,
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
            Error::Conflict(_) | Error::Invite(_) => ErrorCode::Conflict,
            Error::ReprintUnconfirmed { .. } => ErrorCode::ReprintUnconfirmed,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NotSignedIn
            | Error::BadCredentials
            | Error::Locked(_)
            | Error::SessionEnded
            | Error::ConsoleLocked => ErrorCode::Unauthenticated,
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
            Error::Validation {
                field,
                message,
                rule,
            } => {
                let (key, extra) = rule.key();
                let mut p = params(&[("field", field.clone()), ("problem", message.clone())]);
                p.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
                (key, p)
            }
            Error::NotFound { entity } => (
                ErrorKey::NotFound,
                params(&[("entity", (*entity).to_string())]),
            ),
            Error::Conflict(detail) => (ErrorKey::Conflict, params(&[("detail", detail.clone())])),
            Error::Invite(problem) => {
                use crate::visits::invites::InviteProblem as P;
                let key = match problem {
                    P::Unknown => ErrorKey::InviteUnknown,
                    P::TooEarly => ErrorKey::InviteTooEarly,
                    P::Expired => ErrorKey::InviteExpired,
                    P::Cancelled => ErrorKey::InviteCancelled,
                    P::Used => ErrorKey::InviteUsed,
                };
                (key, BTreeMap::new())
            }
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
            Error::SessionEnded => (ErrorKey::SessionEnded, BTreeMap::new()),
            Error::ConsoleLocked => (ErrorKey::ConsoleLocked, BTreeMap::new()),
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

fn invite_problem(p: crate::visits::invites::InviteProblem) -> &'static str {
    use crate::visits::invites::InviteProblem as P;
    match p {
        P::Unknown => "this is not a Frontdesk invitation",
        P::TooEarly => "this invitation is for later; please come back closer to the time",
        P::Expired => "this invitation has expired",
        P::Cancelled => "this invitation was cancelled",
        P::Used => "this invitation was already used",
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
    /// `error.validation`: [`Error::Validation`] of [`Rule::Other`]; params `field`, `problem`.
    #[serde(rename = "error.validation")]
    Validation,
    /// `error.required`: [`Rule::Required`]; params `field`, `problem`.
    #[serde(rename = "error.required")]
    Required,
    /// `error.too_long`: [`Rule::TooLong`]; params `field`, `problem`, `max`.
    #[serde(rename = "error.too_long")]
    TooLong,
    /// `error.control_characters`: [`Rule::ControlCharacters`]; params `field`, `problem`.
    #[serde(rename = "error.control_characters")]
    ControlCharacters,
    /// `error.invalid_email`: [`Rule::Email`]; params `field`, `problem`.
    #[serde(rename = "error.invalid_email")]
    InvalidEmail,
    /// `error.invalid_phone`: [`Rule::Phone`]; params `field`, `problem`.
    #[serde(rename = "error.invalid_phone")]
    InvalidPhone,
    /// `error.invalid_pin`: [`Rule::Pin`]; params `field`, `problem`.
    #[serde(rename = "error.invalid_pin")]
    InvalidPin,
    /// `error.password_too_short`: [`Rule::PasswordTooShort`]; params `field`, `problem`, `min`.
    #[serde(rename = "error.password_too_short")]
    PasswordTooShort,
    /// `error.password_weak`: [`Rule::PasswordWeak`]; params `field`, `problem`.
    #[serde(rename = "error.password_weak")]
    PasswordWeak,
    /// `error.no_such_employee`: [`Rule::NoSuchEmployee`]; params `field`, `problem`.
    #[serde(rename = "error.no_such_employee")]
    NoSuchEmployee,
    /// `error.employee_left`: [`Rule::EmployeeLeft`]; params `field`, `problem`.
    #[serde(rename = "error.employee_left")]
    EmployeeLeft,
    /// `error.too_large`: [`Rule::TooLarge`]; params `field`, `problem`.
    #[serde(rename = "error.too_large")]
    TooLarge,
    /// `error.agreement_changed`: [`Rule::AgreementChanged`]; params `field`, `problem`.
    #[serde(rename = "error.agreement_changed")]
    AgreementChanged,
    /// `error.not_found`: [`Error::NotFound`]; param `entity`.
    #[serde(rename = "error.not_found")]
    NotFound,
    /// `error.conflict`: [`Error::Conflict`]; param `detail`.
    #[serde(rename = "error.conflict")]
    Conflict,
    /// `error.reprint_unconfirmed`: [`Error::ReprintUnconfirmed`]; params `visitor`, `count`.
    #[serde(rename = "error.reprint_unconfirmed")]
    ReprintUnconfirmed,
    /// `error.invite_unknown`: [`Error::Invite`], not an invitation; no params.
    #[serde(rename = "error.invite_unknown")]
    InviteUnknown,
    /// `error.invite_too_early`: [`Error::Invite`], window not open yet; no params.
    #[serde(rename = "error.invite_too_early")]
    InviteTooEarly,
    /// `error.invite_expired`: [`Error::Invite`], window closed; no params.
    #[serde(rename = "error.invite_expired")]
    InviteExpired,
    /// `error.invite_cancelled`: [`Error::Invite`], cancelled by staff; no params.
    #[serde(rename = "error.invite_cancelled")]
    InviteCancelled,
    /// `error.invite_used`: [`Error::Invite`], used already; no params.
    #[serde(rename = "error.invite_used")]
    InviteUsed,
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
    /// `error.session_ended`: [`Error::SessionEnded`]; no params.
    #[serde(rename = "error.session_ended")]
    SessionEnded,
    /// `error.console_locked`: [`Error::ConsoleLocked`]; no params.
    #[serde(rename = "error.console_locked")]
    ConsoleLocked,
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

        let v = Error::validation("visitor.name", "is odd").to_api();
        assert_eq!(v.field.as_deref(), Some("visitor.name"));
        assert_eq!(v.key, ErrorKey::Validation);
        assert_eq!(v.params.get("problem").map(String::as_str), Some("is odd"));
    }

    #[test]
    fn a_broken_rule_has_its_own_key_and_parameters() {
        let e = Error::invalid("name", Rule::TooLong { max: 200 }).within("visitor");
        let api = e.to_api();
        assert_eq!(api.key, ErrorKey::TooLong);
        assert_eq!(api.field.as_deref(), Some("visitor.name"));
        assert_eq!(api.params.get("max").map(String::as_str), Some("200"));
        assert_eq!(
            api.message,
            "visitor.name: is too long (at most 200 characters)"
        );
        let json = serde_json::to_value(Error::invalid("pin", Rule::Pin).to_api()).expect("json");
        assert_eq!(json["key"], "error.invalid_pin");
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
