//! The crate's error type.

/// Why a document could not be produced or printed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the caller (empty period, impossible size, malformed colour...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A timesheet period is approved and locked.
    #[error("timesheet period is locked: {0}")]
    Locked(String),
    #[error("font error: {0}")]
    Font(String),
    #[error("image error: {0}")]
    Image(String),
    #[error("spreadsheet error: {0}")]
    Xlsx(String),
    #[error("csv error: {0}")]
    Csv(String),
    /// The printing system refused or failed.
    #[error("printing failed: {0}")]
    Print(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<frontdesk_rules::Error> for Error {
    fn from(e: frontdesk_rules::Error) -> Self {
        match e {
            frontdesk_rules::Error::InvalidInput { .. } => Error::InvalidInput(e.to_string()),
            frontdesk_rules::Error::Locked(m) => Error::Locked(m),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
