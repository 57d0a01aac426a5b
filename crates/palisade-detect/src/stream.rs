//! Line-by-line redaction of a byte stream: what `palisade redact` runs on a
//! command's stdout and stderr.
//!
//! ```
//! use palisade_detect::{Scanner, StreamRedactor};
//!
//! let scanner = Scanner::new();
//! let mut r = StreamRedactor::new(&scanner);
//! let mut out = Vec::new();
//! // Input may arrive in any pieces; a line is written as soon as it is complete.
//! r.feed(b"DB=postgres://app:Zr7qLm2Xv9Tk@db.internal/app\nok", &mut out).unwrap();
//! assert_eq!(out, b"DB=postgres://app:[REDACTED:database-postgres]@db.internal/app\n");
//! r.finish(&mut out).unwrap();
//! assert!(out.ends_with(b"\nok"));
//! // A private key is held from its BEGIN line to its END line, then redacted whole.
//! let mut out = Vec::new();
//! r.feed(b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\nBBBB\n-----END OPENSSH PRIVATE KEY-----\n", &mut out).unwrap();
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "-----BEGIN OPENSSH PRIVATE KEY-----\n[REDACTED:private-key]\n-----END OPENSSH PRIVATE KEY-----\n"
//! );
//! assert_eq!(r.counts()["database-postgres"], 1);
//! ```
//!
//! Rules:
//! - Input is split into lines at `\n`; a line longer than
//!   [`MAX_LINE_BYTES`] is cut into pieces of that size (a secret that
//!   straddles a cut is not found). Each line is scanned on its own with
//!   [`Scanner::redact`] and written at once, so output streams.
//! - Bytes that are not UTF-8 are replaced by U+FFFD (lossy), never passed
//!   through raw and never a panic.
//! - A line holding `-----BEGIN … PRIVATE KEY` (PEM, OpenSSH, PGP `PRIVATE
//!   KEY BLOCK`) starts a key block that is held until its `-----END …
//!   PRIVATE KEY` line. The lines between the two are replaced by one
//!   `[REDACTED:<kind>]` line (the scanner's kind when a private-key rule
//!   matches the block, else `private-key`), even when no rule matches: a
//!   key that is truncated or malformed is still a key. A block longer than
//!   [`MAX_KEY_BYTES`] or cut off by the end of input is redacted the same way.
//! - The result only depends on the bytes, not on how they were split into
//!   [`StreamRedactor::feed`] calls.

use crate::Scanner;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Longest line scanned as one piece, in bytes (1 MiB).
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Most bytes of a private-key block held before it is redacted unseen (256 KiB).
pub const MAX_KEY_BYTES: usize = 256 * 1024;

/// Where the redactor is in its input.
enum State {
    /// Ordinary lines.
    Lines,
    /// Inside a private-key block: its lines so far, from the BEGIN line.
    Key(Vec<String>, usize),
    /// Inside a key block that grew past [`MAX_KEY_BYTES`]: already
    /// redacted; lines are dropped until the END line.
    SkipKey,
}

/// Redacts secrets in a stream of bytes, line by line (see the module doc).
pub struct StreamRedactor<'s> {
    scanner: &'s Scanner,
    partial: Vec<u8>,
    state: State,
    counts: BTreeMap<String, usize>,
}

impl<'s> StreamRedactor<'s> {
    /// A redactor using `scanner`'s rules.
    pub fn new(scanner: &'s Scanner) -> Self {
        StreamRedactor {
            scanner,
            partial: Vec::new(),
            state: State::Lines,
            counts: BTreeMap::new(),
        }
    }

    /// Secrets redacted so far, by kind (`github-pat-classic`, `private-key`…).
    pub fn counts(&self) -> &BTreeMap<String, usize> {
        &self.counts
    }

    /// Takes more input; writes every line it completes, redacted, to `out`.
    ///
    /// # Errors
    /// Only `out`'s write errors.
    pub fn feed(&mut self, mut data: &[u8], out: &mut dyn Write) -> io::Result<()> {
        while !data.is_empty() {
            let room = MAX_LINE_BYTES - self.partial.len();
            let window = &data[..room.min(data.len())];
            match window.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.partial.extend_from_slice(&window[..=i]);
                    data = &data[i + 1..];
                    self.flush_partial(out)?;
                }
                None => {
                    self.partial.extend_from_slice(window);
                    data = &data[window.len()..];
                    if self.partial.len() == MAX_LINE_BYTES {
                        self.flush_partial(out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Ends the input: writes the last, unterminated line and redacts a key
    /// block that never ended.
    ///
    /// # Errors
    /// Only `out`'s write errors.
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.partial.is_empty() {
            self.flush_partial(out)?;
        }
        match std::mem::replace(&mut self.state, State::Lines) {
            State::Key(lines, _) => self.key_block(&lines, false, out),
            State::Lines | State::SkipKey => Ok(()),
        }
    }

    fn flush_partial(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let bytes = std::mem::take(&mut self.partial);
        let line = String::from_utf8_lossy(&bytes);
        self.line(&line, out)
    }

    /// One complete line (with its `\n`, if it had one).
    fn line(&mut self, line: &str, out: &mut dyn Write) -> io::Result<()> {
        match &mut self.state {
            State::Lines => {
                if is_key_begin(line) && !is_key_end(line) {
                    self.state = State::Key(vec![line.to_string()], line.len());
                    return Ok(());
                }
                let text = self.redact_line(line);
                out.write_all(text.as_bytes())
            }
            State::Key(lines, size) => {
                lines.push(line.to_string());
                *size += line.len();
                if is_key_end(line) {
                    let lines = std::mem::take(lines);
                    self.state = State::Lines;
                    return self.key_block(&lines, true, out);
                }
                if *size > MAX_KEY_BYTES {
                    let lines = std::mem::take(lines);
                    self.state = State::SkipKey;
                    return self.key_block(&lines, false, out);
                }
                Ok(())
            }
            State::SkipKey => {
                if is_key_end(line) {
                    self.state = State::Lines;
                    let text = self.redact_line(line);
                    out.write_all(text.as_bytes())?;
                }
                Ok(())
            }
        }
    }

    /// Writes a key block: its BEGIN line, one marker for everything after
    /// it (up to the END line, if `ended`), and the END line.
    fn key_block(&mut self, lines: &[String], ended: bool, out: &mut dyn Write) -> io::Result<()> {
        let Some((first, rest)) = lines.split_first() else {
            return Ok(());
        };
        let (middle, last) = match (ended, rest.split_last()) {
            (true, Some((last, middle))) => (middle, Some(last)),
            _ => (rest, None),
        };
        let block = lines.concat();
        let kind = self
            .scanner
            .scan(&block)
            .into_iter()
            .find(|f| f.rule_id.starts_with("secret.private-key"))
            .map_or_else(|| "private-key".to_string(), |f| f.kind());
        let text = self.redact_line(first);
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        if !middle.is_empty() || !ended {
            *self.counts.entry(kind.clone()).or_default() += 1;
            out.write_all(format!("[REDACTED:{kind}]\n").as_bytes())?;
        }
        if let Some(last) = last {
            let text = self.redact_line(last);
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    fn redact_line(&mut self, line: &str) -> String {
        let (text, findings) = self.scanner.redact(line);
        for f in findings {
            *self.counts.entry(f.kind()).or_default() += 1;
        }
        text
    }
}

/// `-----BEGIN … PRIVATE KEY…`: PEM (`RSA`, `EC`, `DSA`, `ENCRYPTED`, plain),
/// OpenSSH and PGP (`PRIVATE KEY BLOCK`).
fn is_key_begin(line: &str) -> bool {
    line.find("-----BEGIN ")
        .is_some_and(|i| line[i..].contains("PRIVATE KEY"))
}

fn is_key_end(line: &str) -> bool {
    line.find("-----END ")
        .is_some_and(|i| line[i..].contains("PRIVATE KEY"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn run(scanner: &Scanner, chunks: &[&[u8]]) -> (String, BTreeMap<String, usize>) {
        let mut r = StreamRedactor::new(scanner);
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, &mut out).expect("vec write");
        }
        r.finish(&mut out).expect("vec write");
        (
            String::from_utf8(out).expect("output is UTF-8"),
            r.counts().clone(),
        )
    }

    fn github_token() -> String {
        let random = "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1";
        let sum = crate::check::base62(crate::check::crc32(random.as_bytes()), 6);
        format!("ghp_{random}{sum}")
    }

    #[test]
    fn secrets_are_replaced_and_the_rest_is_kept_byte_for_byte() {
        let s = Scanner::new();
        let t = github_token();
        let input = format!("PATH=/usr/bin\r\nGITHUB_TOKEN={t}\nHOME=/root");
        let (out, counts) = run(&s, &[input.as_bytes()]);
        assert_eq!(
            out,
            "PATH=/usr/bin\r\nGITHUB_TOKEN=[REDACTED:github-pat-classic]\nHOME=/root"
        );
        assert_eq!(counts["github-pat-classic"], 1);
    }

    #[test]
    fn output_does_not_depend_on_how_input_is_split() {
        let s = Scanner::new();
        let t = github_token();
        let input = format!(
            "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIB\nxyz\n-----END RSA PRIVATE KEY-----\nt={t}\n\u{e9}\n"
        );
        let whole = run(&s, &[input.as_bytes()]);
        let bytes: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
        assert_eq!(run(&s, &bytes), whole);
        let bytes: Vec<&[u8]> = input.as_bytes().chunks(7).collect();
        assert_eq!(run(&s, &bytes), whole);
        assert!(!whole.0.contains(&t));
        assert!(!whole.0.contains("MIIB"));
    }

    #[test]
    fn key_blocks_are_redacted_even_when_cut_off_or_too_long() {
        let s = Scanner::new();
        let (out, _) = run(&s, &[b"x\n-----BEGIN PRIVATE KEY-----\nSECRETBODY\n"]);
        assert_eq!(
            out,
            "x\n-----BEGIN PRIVATE KEY-----\n[REDACTED:private-key]\n"
        );
        let mut long = b"-----BEGIN EC PRIVATE KEY-----\n".to_vec();
        for _ in 0..(MAX_KEY_BYTES / 10 + 10) {
            long.extend_from_slice(b"SECRETBOD\n");
        }
        long.extend_from_slice(b"-----END EC PRIVATE KEY-----\nafter\n");
        let (out, counts) = run(&s, &[&long]);
        assert_eq!(
            out,
            "-----BEGIN EC PRIVATE KEY-----\n[REDACTED:private-key]\n-----END EC PRIVATE KEY-----\nafter\n"
        );
        assert_eq!(counts["private-key"], 1);
    }

    #[test]
    fn a_real_looking_pem_key_names_its_rule_kind() {
        let s = Scanner::new();
        let body = "6Ny57CA6omnPbh2MxbPX1d/dqi52kiQqATDtoLVmmW7/JurTLUZIGxivHnW9x48d\nKucTHUtK9gW0ij5p2SBB3SnA4AIWQGXfUX81/xn1WhFbSqYceqSKcq+uFJnSOC6n\n";
        let input =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
        let (out, counts) = run(&s, &[input.as_bytes()]);
        assert_eq!(
            out,
            "-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:private-key-pem]\n-----END RSA PRIVATE KEY-----\n"
        );
        assert_eq!(counts["private-key-pem"], 1);
    }

    #[test]
    fn invalid_utf8_and_long_lines_do_not_panic() {
        let s = Scanner::new();
        let (out, _) = run(&s, &[b"ok \xff\xfe\n\xc3"]);
        assert_eq!(out, "ok \u{fffd}\u{fffd}\n\u{fffd}");
        let long = vec![b'a'; MAX_LINE_BYTES + 5];
        let (out, _) = run(&s, &[&long]);
        assert_eq!(out.len(), MAX_LINE_BYTES + 5);
    }
}
