//! Errors of the public operations. Messages follow one style: one sentence, lowercase, no final
//! period, user input in backticks.

use crate::api::InputError;

/// An error of [`crate::check`] and the other public operations. Per-file parse problems are not
/// errors of the operation: they are reported in [`crate::Report::errors`] so one bad file never
/// aborts a scan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An input could not be read: the first input error of a strict request
    /// ([`crate::api::InputPolicy::strict`]), with file, document, line and column.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The request itself is unusable (a bad `now`, an unknown level).
    #[error("invalid request: {0}")]
    Request(String),
}

/// A configuration error, with the place in the configuration file when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location_prefix(.file.as_deref(), *.line, *.column))]
pub struct ConfigError {
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    message: String,
}

impl ConfigError {
    /// A configuration error without a location.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError { file: None, line: None, column: None, message: message.into() }
    }

    /// The same error, located.
    #[must_use]
    pub fn at(mut self, file: Option<&str>, line: Option<u32>, column: Option<u32>) -> Self {
        self.file = file.map(str::to_owned);
        self.line = line;
        self.column = column;
        self
    }

    /// The configuration file, when known.
    #[must_use]
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// 1-based line, when known.
    #[must_use]
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// 1-based column, when known.
    #[must_use]
    pub fn column(&self) -> Option<u32> {
        self.column
    }

    /// What is wrong.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

pub(crate) fn location_prefix(file: Option<&str>, line: Option<u32>, column: Option<u32>) -> String {
    match (file, line, column) {
        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
        (Some(f), Some(l), None) => format!("{f}:{l}: "),
        (Some(f), None, _) => format!("{f}: "),
        (None, Some(l), Some(c)) => format!("line {l} column {c}: "),
        _ => String::new(),
    }
}
