//! The error of every manifest and lockfile parser.

use super::ManifestKind;
use std::fmt;

/// A manifest or lockfile that could not be read. The message names the
/// file kind, the 1-based line (and column, when the parser gives one) and
/// what was wrong: `package-lock.json: line 3, column 5: expected `:``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Not valid JSON, TOML, YAML or the format's own line syntax.
    #[error("{kind}: {}{message}", Location(*.line, *.column))]
    Syntax {
        /// The file kind.
        kind: ManifestKind,
        /// The 1-based line, when known.
        line: Option<u32>,
        /// The 1-based column, when known.
        column: Option<u32>,
        /// What was wrong.
        message: String,
    },
    /// Valid syntax, but not the shape of this kind of file: a dependency
    /// table that is a number, an unsupported lockfile version, an entry
    /// without a version.
    #[error("{kind}: {}{message}", Location(*.line, None))]
    Format {
        /// The file kind.
        kind: ManifestKind,
        /// The 1-based line, when known.
        line: Option<u32>,
        /// What was wrong, naming the key or entry.
        message: String,
    },
}

impl ManifestError {
    /// The kind of file that failed.
    pub fn kind(&self) -> ManifestKind {
        match self {
            ManifestError::Syntax { kind, .. } | ManifestError::Format { kind, .. } => *kind,
        }
    }

    /// The 1-based line of the problem, when known.
    pub fn line(&self) -> Option<u32> {
        match self {
            ManifestError::Syntax { line, .. } | ManifestError::Format { line, .. } => *line,
        }
    }

    pub(crate) fn syntax(kind: ManifestKind, line: u32, message: impl Into<String>) -> Self {
        ManifestError::Syntax {
            kind,
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn format(kind: ManifestKind, message: impl Into<String>) -> Self {
        ManifestError::Format {
            kind,
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn format_at(kind: ManifestKind, line: u32, message: impl Into<String>) -> Self {
        ManifestError::Format {
            kind,
            line: Some(line),
            message: message.into(),
        }
    }

    /// From serde_json, which gives 1-based line and column.
    pub(crate) fn json(kind: ManifestKind, e: &serde_json::Error) -> Self {
        let msg = e.to_string();
        // serde_json appends " at line L column C"; keep only the message.
        let message = match msg.rfind(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        ManifestError::Syntax {
            kind,
            line: u32::try_from(e.line()).ok().filter(|&l| l > 0),
            column: u32::try_from(e.column()).ok().filter(|&c| c > 0),
            message,
        }
    }

    /// From the toml crate, which gives a byte span.
    pub(crate) fn toml(kind: ManifestKind, text: &str, e: &toml::de::Error) -> Self {
        let (line, column) = match e.span() {
            Some(span) => {
                let at = span.start.min(text.len());
                let before = text.get(..at).unwrap_or_default();
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let col = text.get(line_start..at).map_or(0, |s| s.chars().count());
                (Some(super::line_at(text, at)), u32::try_from(col + 1).ok())
            }
            None => (None, None),
        };
        ManifestError::Syntax {
            kind,
            line,
            column,
            message: e.message().trim_end().to_string(),
        }
    }
}

/// Renders `line L, column C: ` / `line L: ` / nothing.
struct Location(Option<u32>, Option<u32>);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: "),
            (Some(l), None) => write!(f, "line {l}: "),
            _ => Ok(()),
        }
    }
}
