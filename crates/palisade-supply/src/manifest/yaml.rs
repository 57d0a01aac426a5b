//! A small YAML tree for the YAML lockfiles (pnpm, yarn berry), built from
//! saphyr-parser's events.
//!
//! Why not a YAML DOM crate: lockfiles are untrusted input, and the tree
//! here refuses what no lockfile writer emits and what could make our view
//! differ from the package manager's or exhaust memory: aliases (`*a`,
//! which a DOM expands, the "billion laughs" blow-up), duplicate keys
//! (js-yaml, which pnpm and yarn use, rejects them), non-scalar keys and
//! nesting deeper than [`MAX_DEPTH`]. Building and dropping the tree never
//! recurses deeper than that bound.

use super::{ManifestError, ManifestKind};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::HashSet;

/// Deepest nesting accepted; lockfiles need about 5.
pub(crate) const MAX_DEPTH: usize = 64;

/// A YAML value: every scalar is kept as text (lockfiles quote versions
/// inconsistently: `1.10` and `'1.10'` must both read as `1.10`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// `~`, `null` or nothing, unquoted.
    Null,
    /// Any other scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(String, Node)>),
}

/// A value and its 1-based line: for a mapping's value, the line of its
/// key; otherwise where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub value: Value,
    pub line: u32,
}

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// Whether this is the scalar `true`.
    pub fn is_true(&self) -> bool {
        self.as_str() == Some("true")
    }
}

/// What is being built.
enum Frame {
    Seq(Vec<Node>, u32),
    /// Entries, the key waiting for its value and its line, the keys
    /// seen (duplicates are refused) and the mapping's line.
    Map(
        Vec<(String, Node)>,
        Option<(String, u32)>,
        HashSet<String>,
        u32,
    ),
}

fn line_of(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

fn scan_error(kind: ManifestKind, e: &ScanError) -> ManifestError {
    ManifestError::Syntax {
        kind,
        line: Some(line_of(e.marker().line())),
        column: u32::try_from(e.marker().col() + 1).ok(),
        message: e.info().to_string(),
    }
}

/// Parses every document of a YAML stream (pnpm may write two).
///
/// # Errors
/// [`ManifestError::Syntax`] for invalid YAML, and for aliases, duplicate
/// or non-scalar keys and nesting deeper than [`MAX_DEPTH`].
pub(crate) fn parse(kind: ManifestKind, text: &str) -> Result<Vec<Node>, ManifestError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let err = |line: usize, message: &str| ManifestError::Syntax {
        kind,
        line: Some(line_of(line)),
        column: None,
        message: message.to_string(),
    };
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| scan_error(kind, &e))?;
        let line = span.start.line();
        let node = match ev {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                continue
            }
            Event::Alias(_) => {
                return Err(err(line, "YAML aliases are not accepted in a lockfile"))
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(line, "nested too deeply"));
                }
                if matches!(ev, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq(Vec::new(), line_of(line)));
                } else {
                    stack.push(Frame::Map(Vec::new(), None, HashSet::new(), line_of(line)));
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, l)) => Node {
                    value: Value::Seq(items),
                    line: l,
                },
                Some(Frame::Map(entries, None, _, l)) => Node {
                    value: Value::Map(entries),
                    line: l,
                },
                _ => return Err(err(line, "unbalanced collection")),
            },
            Event::Scalar(text, style, _, _) => {
                let value = if style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    Value::Str(text.into_owned())
                };
                Node {
                    value,
                    line: line_of(line),
                }
            }
        };
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, pending, keys, _)) => match pending.take() {
                // A mapping's value is placed at its key's line: a block
                // value starts on the line after.
                Some((key, key_line)) => entries.push((
                    key,
                    Node {
                        line: key_line,
                        ..node
                    },
                )),
                None => {
                    let key = match node.value {
                        Value::Str(s) => s,
                        Value::Null => String::new(),
                        _ => return Err(err(line, "only scalar mapping keys are accepted")),
                    };
                    if !keys.insert(key.clone()) {
                        return Err(err(line, &format!("duplicate key `{key}`")));
                    }
                    *pending = Some((key, node.line));
                }
            },
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_maps_and_sequences_with_lines() {
        let docs = parse(ManifestKind::PnpmLock, "a:\n  b: '1.10'\n  c: [x, ~]\n").unwrap();
        let a = docs[0].get("a").unwrap();
        assert_eq!(a.line, 1);
        assert_eq!(a.get("b").unwrap().as_str(), Some("1.10"));
        let Value::Seq(items) = &a.get("c").unwrap().value else {
            panic!("not a sequence")
        };
        assert_eq!(items[1].value, Value::Null);
    }

    #[test]
    fn refuses_aliases_duplicates_and_deep_nesting() {
        let k = ManifestKind::PnpmLock;
        let e = parse(k, "a: &x [1]\nb: *x\n").unwrap_err();
        assert!(e.to_string().contains("aliases"), "{e}");
        let e = parse(k, "a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.to_string(), "pnpm-lock.yaml: line 2: duplicate key `a`");
        let deep = "[".repeat(10_000);
        assert!(parse(k, &deep).is_err());
        let e = parse(k, "a: [1\n").unwrap_err();
        assert!(e.line().is_some(), "{e}");
    }
}
