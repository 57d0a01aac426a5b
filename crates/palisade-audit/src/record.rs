//! One line of the log: a decision or a seal, and how its hash is computed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev` of the very first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The most bytes of `action` and `reason` a record keeps (longer text is
/// cut at a character boundary and ends with `…`), so that a record stays
/// well under the 64 KiB tail that writers read back.
pub const MAX_FIELD_BYTES: usize = 4096;

/// What a caller records: one decision of a hook, the sandbox, a scan or
/// the install gate. The log adds `seq`, `time`, `prev` and `hash`.
///
/// Text is stored as given: the caller redacts secrets from `action`
/// (the hook uses `palisade redact`'s scanner) before appending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The agent (`claude-code`) or component (`palisade-run`, `palisade-scan`).
    pub agent: String,
    /// The agent's session id, when it has one.
    pub session: Option<String>,
    /// The working directory of the action, when known.
    pub cwd: Option<String>,
    /// The hook event (`PreToolUse`) or other trigger, when there is one.
    pub event: Option<String>,
    /// What was attempted, secrets redacted (e.g. `Bash: git push`).
    pub action: String,
    /// `allow`, `ask`, `deny`, `pass` (or `block`/`warn` for findings).
    pub verdict: String,
    /// The deciding rule's id, when a rule decided.
    pub rule: Option<String>,
    /// The deciding rule's layer (`managed`, `project`, `built-in`, …).
    pub layer: Option<String>,
    /// Where the deciding rule is written, `file:line`.
    pub source: Option<String>,
    /// One sentence saying why.
    pub reason: String,
    /// How long the decision took, in microseconds.
    pub duration_us: u64,
    /// The agent's permission mode when it acted (`default`, `acceptEdits`,
    /// `plan`, `dontAsk`, `bypassPermissions`), when the agent reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Marks for triage, e.g. `bypass-permissions` (the agent ran with its
    /// own prompts off) or `mode-change` (the session's mode differs from
    /// its previous record). Absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// A record's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A decision ([`Entry`]).
    Decision,
    /// The end of a segment: `mac` is an HMAC-SHA256, under the key kept
    /// outside the log, over the segment's last hash ([`crate::Key::seal_mac`]).
    Seal,
}

/// One line of a segment file, as stored. Field order is the line's order;
/// `hash` is always last (see [`Record::line`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// 1 for the first record ever, then +1 per record across segments.
    pub seq: u64,
    /// When it was written, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// The same instant in Unix milliseconds.
    pub unix_ms: i64,
    /// Decision or seal.
    pub kind: Kind,
    /// The decision (empty fields for a seal).
    #[serde(flatten)]
    pub entry: Entry,
    /// For a seal: the sealed segment's number.
    pub segment: Option<u32>,
    /// For a seal: hex HMAC-SHA256 of the segment's last hash.
    pub mac: Option<String>,
    /// Hex SHA-256 hash of the previous record ([`GENESIS`] for the first).
    pub prev: String,
    /// Hex SHA-256 of this line's bytes before `,"hash":"` (see [`Record::line`]).
    pub hash: String,
}

/// The text a line is hashed over ends where this begins.
const HASH_FIELD: &[u8] = b",\"hash\":\"";

impl Record {
    /// Serialises the record as its line (without the newline), filling
    /// in `hash`: the line is the JSON object with `hash` last, and `hash`
    /// is the hex SHA-256 of every byte before `,"hash":"`. The hash is
    /// over the stored bytes, so checking it needs no canonical JSON.
    ///
    /// # Errors
    /// Only if serde_json fails, which it does not for this type.
    pub fn line(&mut self) -> Result<Vec<u8>, serde_json::Error> {
        self.hash.clear();
        let mut bytes = serde_json::to_vec(self)?;
        // Ends with `,"hash":""}`: hash the part before it and fill it in.
        let cut = bytes.len().saturating_sub(HASH_FIELD.len() + 2);
        self.hash = hex::encode(Sha256::digest(&bytes[..cut]));
        bytes.truncate(cut);
        bytes.extend_from_slice(HASH_FIELD);
        bytes.extend_from_slice(self.hash.as_bytes());
        bytes.extend_from_slice(b"\"}");
        Ok(bytes)
    }

    /// Parses a stored line (without its newline); `None` if it is not a record.
    pub fn parse(line: &[u8]) -> Option<Record> {
        serde_json::from_slice(line).ok()
    }

    /// The hash that `line` should carry: SHA-256 of its bytes before the
    /// last `,"hash":"`; `None` if it has no such field.
    pub fn computed_hash(line: &[u8]) -> Option<String> {
        let at = line
            .windows(HASH_FIELD.len())
            .rposition(|w| w == HASH_FIELD)?;
        Some(hex::encode(Sha256::digest(&line[..at])))
    }
}

/// Cuts `s` to at most [`MAX_FIELD_BYTES`] at a character boundary.
pub(crate) fn clip(s: &mut String) {
    if s.len() <= MAX_FIELD_BYTES {
        return;
    }
    let mut end = MAX_FIELD_BYTES - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            seq: 7,
            time: "2026-01-02T03:04:05.006Z".into(),
            unix_ms: 1,
            kind: Kind::Decision,
            entry: Entry {
                agent: "claude-code".into(),
                action: "Bash: echo \"hi\"".into(),
                verdict: "allow".into(),
                ..Entry::default()
            },
            segment: None,
            mac: None,
            prev: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn line_round_trips_and_hash_covers_the_bytes() {
        let mut r = record();
        let line = r.line().unwrap();
        assert!(line.ends_with(format!(",\"hash\":\"{}\"}}", r.hash).as_bytes()));
        assert_eq!(Record::parse(&line), Some(r.clone()));
        assert_eq!(Record::computed_hash(&line), Some(r.hash.clone()));
        let mut edited = line.clone();
        let at = edited.iter().position(|&b| b == b'h').unwrap();
        edited[at] = b'H';
        assert_ne!(Record::computed_hash(&edited), Some(r.hash));
    }

    #[test]
    fn clip_respects_char_boundaries() {
        let mut s = "é".repeat(MAX_FIELD_BYTES);
        clip(&mut s);
        assert!(s.len() <= MAX_FIELD_BYTES);
        assert!(s.ends_with('…'));
        let mut short = "abc".to_string();
        clip(&mut short);
        assert_eq!(short, "abc");
    }
}
