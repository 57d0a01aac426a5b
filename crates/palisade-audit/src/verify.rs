//! `verify`: walk every segment and check the chain, the seals and the head.

use crate::record::{Kind, Record, GENESIS};
use crate::{AuditError, Key, Log};
use serde::Serialize;
use std::path::PathBuf;

/// Where in the log an issue is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The segment (or head) file.
    pub file: PathBuf,
    /// 1-based line in that file; 0 for the file as a whole.
    pub line: u64,
    /// The record's seq, when the line holds a readable record.
    pub seq: Option<u64>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(s) = self.seq {
            write!(f, " (seq {s})")?;
        }
        Ok(())
    }
}

/// One thing `verify` found: a problem (tampering, or a log it cannot
/// check) or a warning (a crash's traces, which hide nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// A stable code: `hash-mismatch`, `seq-gap`, `prev-mismatch`,
    /// `bad-seal`, `unsealed-segment`, `missing-segment`, `after-seal`,
    /// `truncated`, `head-mismatch`, `bad-head`, `no-head`, `no-key`,
    /// `unreadable` (problems); `incomplete-record`, `torn-record`,
    /// `head-behind` (warnings).
    pub code: &'static str,
    /// Where.
    pub at: Location,
    /// What, in one sentence.
    pub message: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Segment files read.
    pub segments: usize,
    /// Records checked (decisions and seals).
    pub records: u64,
    /// Seals whose MAC checked.
    pub seals: u64,
    /// The last good record's seq (0 for an empty log).
    pub last_seq: u64,
    /// The first problem, if any: the log was edited, cut or cannot be
    /// checked. Verification stops there.
    pub problem: Option<Issue>,
    /// Crash traces that do not break the chain.
    pub warnings: Vec<Issue>,
}

impl Report {
    /// No problem found.
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// Checks the whole log: every record's hash against its bytes, `seq`
/// continuity and `prev` links across segments, that every segment but the
/// last ends in a seal whose MAC checks with the key, and that the head
/// (MAC'd) names the chain's last record.
///
/// What each kind of tampering looks like:
/// - a byte edited: `hash-mismatch` at that line (or `unreadable` if the
///   line no longer parses and the chain breaks after it);
/// - a record deleted: `seq-gap` at the line after it;
/// - two records swapped: `seq-gap` at the first of them;
/// - records rewritten with recomputed hashes: `bad-seal` or `head-mismatch`
///   (the key is needed to forge either);
/// - the end cut off: `truncated` (the head names a later record), or
///   `unsealed-segment` / `missing-segment` for whole segments.
///
/// What it cannot see: a rollback of the log *and* the head to an earlier
/// state copied by the attacker (both were valid once). Ship records off
/// the machine (`palisade log export`) to cover that.
///
/// A line cut short by a crash (`kill -9` in the middle of a write) is a
/// warning, not a problem, as long as the chain continues across it.
///
/// # Errors
/// [`AuditError::Io`] if a segment cannot be read.
pub fn verify(log: &Log) -> Result<Report, AuditError> {
    let mut report = Report::default();
    let key = Key::load(log.key_path());
    // The head before the segments are read, taken under the writers' lock
    // so it is whole; writers may append while the segments are read.
    let head_before = log.read_head_locked()?;
    let pin = head_before
        .as_deref()
        .and_then(|b| serde_json::from_slice::<crate::Head>(b).ok())
        .map(|h| h.seq);
    let mut pinned: Option<String> = None;
    let segments = log.segments()?;
    report.segments = segments.len();
    let mut prev = GENESIS.to_string();
    let mut expected = 1u64;
    // Recent (seq, hash) pairs, to place a head that lags behind.
    let mut recent: Vec<(u64, String)> = Vec::new();
    let problem = |code, file: PathBuf, line, seq, message: String| Issue {
        code,
        at: Location { file, line, seq },
        message,
    };
    for (i, &n) in segments.iter().enumerate() {
        let path = log.segment_path(n);
        let want = i as u32 + 1;
        if n != want {
            report.problem = Some(problem(
                "missing-segment",
                log.segment_path(want),
                0,
                None,
                format!("segment {want} is missing (deleted?)"),
            ));
            return Ok(report);
        }
        let bytes = std::fs::read(&path).map_err(AuditError::io(&path))?;
        let last_segment = i + 1 == segments.len();
        let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        let incomplete = pieces.pop().filter(|p| !p.is_empty());
        let mut sealed = false;
        let mut torn: Option<u64> = None;
        for (j, line) in pieces.iter().enumerate() {
            let lineno = j as u64 + 1;
            let Some(r) = Record::parse(line) else {
                torn = Some(lineno);
                report.warnings.push(problem(
                    "torn-record",
                    path.clone(),
                    lineno,
                    None,
                    "not a whole record (a writer killed mid-write?); ignored".into(),
                ));
                continue;
            };
            let here = |code, message| problem(code, path.clone(), lineno, Some(r.seq), message);
            if sealed {
                report.problem = Some(here(
                    "after-seal",
                    "a record follows the segment's seal (appended by hand?)".into(),
                ));
                return Ok(report);
            }
            if Record::computed_hash(line).as_deref() != Some(r.hash.as_str()) {
                report.problem = Some(here(
                    "hash-mismatch",
                    "the record's hash does not match its content (edited)".into(),
                ));
                return Ok(report);
            }
            let broken = if r.seq != expected {
                Some((
                    "seq-gap",
                    format!(
                        "expected seq {expected}, found {} (records deleted or reordered)",
                        r.seq
                    ),
                ))
            } else if r.prev != prev {
                Some((
                    "prev-mismatch",
                    "`prev` is not the previous record's hash (records deleted, inserted or reordered)"
                        .to_string(),
                ))
            } else {
                None
            };
            if let Some((code, message)) = broken {
                report.problem = Some(match torn {
                    Some(t) => {
                        report.warnings.pop();
                        problem(
                            "unreadable",
                            path.clone(),
                            t,
                            None,
                            "the line is not a record and the chain breaks after it (edited?)"
                                .into(),
                        )
                    }
                    None => here(code, message),
                });
                return Ok(report);
            }
            torn = None;
            if r.kind == Kind::Seal {
                let Ok(key) = &key else {
                    report.problem = Some(here(
                        "no-key",
                        format!(
                            "cannot check the seal without the key {}",
                            log.key_path().display()
                        ),
                    ));
                    return Ok(report);
                };
                let mac = r.mac.as_deref().unwrap_or_default();
                if r.segment != Some(n) || !key.check_seal(n, r.seq, &r.prev, mac) {
                    report.problem = Some(here(
                        "bad-seal",
                        "the seal's MAC does not check with the key (records rewritten?)".into(),
                    ));
                    return Ok(report);
                }
                sealed = true;
                report.seals += 1;
            }
            report.records += 1;
            report.last_seq = r.seq;
            expected = r.seq + 1;
            prev.clone_from(&r.hash);
            if Some(r.seq) == pin {
                pinned = Some(r.hash.clone());
            }
            if recent.len() == 64 {
                recent.remove(0);
            }
            recent.push((r.seq, r.hash));
        }
        if incomplete.is_some() {
            let lineno = pieces.len() as u64 + 1;
            report.warnings.push(problem(
                "incomplete-record",
                path.clone(),
                lineno,
                None,
                "incomplete last record (crash); ignored".into(),
            ));
        }
        if !last_segment && !sealed {
            report.problem = Some(problem(
                "unsealed-segment",
                path.clone(),
                pieces.len() as u64,
                None,
                "the segment does not end in a seal (its end was cut off?)".into(),
            ));
            return Ok(report);
        }
    }
    // The head now: if it is past the records read, writers appended
    // meanwhile, and the head from before is the one to hold them to.
    let head_after = log.read_head_locked()?;
    let seq_of = |b: &Option<Vec<u8>>| {
        b.as_deref()
            .and_then(|b| serde_json::from_slice::<crate::Head>(b).ok())
            .map(|h| h.seq)
    };
    let (head, moved) = match seq_of(&head_after) {
        Some(s) if s > report.last_seq && head_before.is_some() => {
            let moved = head_after != head_before;
            (head_before, moved)
        }
        _ => (head_after, false),
    };
    if let (Some(seq), Some(hash)) = (pin, pinned) {
        if !recent.iter().any(|(s, _)| *s == seq) {
            recent.push((seq, hash));
        }
    }
    check_head(log, head, &key, &recent, moved, &mut report);
    Ok(report)
}

/// Compares the head with the end of the chain.
/// `head` is the head file's bytes (`None`: absent); `moved`: writers
/// appended during the check, so a head behind the end is expected.
fn check_head(
    log: &Log,
    head: Option<Vec<u8>>,
    key: &Result<Key, AuditError>,
    recent: &[(u64, String)],
    moved: bool,
    report: &mut Report,
) {
    let path = log.head_path();
    let at = |seq| Location {
        file: path.clone(),
        line: 0,
        seq,
    };
    let issue = |code, seq, message: String| Issue {
        code,
        at: at(seq),
        message,
    };
    let head = match head {
        None if report.records <= 1 => return,
        None => {
            report.problem = Some(issue(
                "no-head",
                None,
                "head.json is missing, so a cut at the end of the log cannot be ruled out (deleted?)"
                    .into(),
            ));
            return;
        }
        Some(b) => match serde_json::from_slice::<crate::Head>(&b) {
            Ok(h) => h,
            Err(e) => {
                report.problem = Some(issue(
                    "bad-head",
                    None,
                    format!("head.json is not a head: {e}"),
                ));
                return;
            }
        },
    };
    let key = match key {
        Ok(k) => k,
        Err(e) => {
            report.problem = Some(issue(
                "no-key",
                Some(head.seq),
                format!("cannot check the head without the key: {e}"),
            ));
            return;
        }
    };
    if !key.check_head(head.segment, head.seq, &head.hash, &head.mac) {
        report.problem = Some(issue(
            "bad-head",
            Some(head.seq),
            "head.json's MAC does not check with the key (edited)".into(),
        ));
        return;
    }
    let last = report.last_seq;
    if head.seq > last {
        let file = log.segment_path(report.segments.max(1) as u32);
        report.problem = Some(Issue {
            code: "truncated",
            at: Location {
                file,
                line: 0,
                seq: Some(last),
            },
            message: format!(
                "the head says the log ends at seq {}, but it ends at seq {last}: records were cut off the end",
                head.seq
            ),
        });
        return;
    }
    match recent.iter().find(|(s, _)| *s == head.seq) {
        Some((_, h)) if *h == head.hash => {
            if head.seq < last && !moved {
                report.warnings.push(issue(
                    "head-behind",
                    Some(head.seq),
                    format!(
                        "{} record(s) after seq {} are not yet covered by the head (a writer died before updating it?)",
                        last - head.seq,
                        head.seq
                    ),
                ));
            }
        }
        _ => {
            report.problem = Some(issue(
                "head-mismatch",
                Some(head.seq),
                "the head does not match the chain's end (records rewritten?)".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Entry;
    use pretty_assertions::assert_eq;

    fn entry(i: usize) -> Entry {
        Entry {
            agent: "claude-code".into(),
            session: Some("s1".into()),
            action: format!("Bash: echo {i}"),
            verdict: "allow".into(),
            reason: "test".into(),
            ..Entry::default()
        }
    }

    fn log_with(n: usize, max_bytes: u64) -> (tempfile::TempDir, Log) {
        let dir = tempfile::tempdir().unwrap();
        let log =
            Log::new(dir.path().join("audit"), dir.path().join("key")).max_segment_bytes(max_bytes);
        for i in 0..n {
            log.append(entry(i)).unwrap();
        }
        (dir, log)
    }

    fn problem(log: &Log) -> (&'static str, PathBuf, u64) {
        let p = verify(log).unwrap().problem.expect("a problem");
        (p.code, p.at.file, p.at.line)
    }

    fn lines(log: &Log, seg: u32) -> Vec<String> {
        std::fs::read_to_string(log.segment_path(seg))
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    fn write_lines(log: &Log, seg: u32, lines: &[String]) {
        let mut s = lines.join("\n");
        s.push('\n');
        std::fs::write(log.segment_path(seg), s).unwrap();
    }

    #[test]
    fn chain_spans_sealed_segments() {
        let (_d, log) = log_with(30, 1500);
        let r = verify(&log).unwrap();
        assert!(r.ok(), "{r:?}");
        assert!(r.segments > 3, "{r:?}");
        assert_eq!(r.seals as usize, r.segments - 1);
        assert_eq!(r.records, 30 + r.seals);
        let all = log.read(1).unwrap();
        assert_eq!(all.len() as u64, r.records);
        for (i, s) in all.iter().enumerate() {
            assert_eq!(s.record.seq, i as u64 + 1);
        }
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn empty_log_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("none"), dir.path().join("key"));
        assert!(verify(&log).unwrap().ok());
        assert!(log.read(1).unwrap().is_empty());
    }

    #[test]
    fn edit_delete_swap_are_located() {
        let (_d, log) = log_with(6, 1 << 20);
        let orig = lines(&log, 1);

        let mut edited = orig.clone();
        edited[2] = edited[2].replacen("echo 2", "echo X", 1);
        write_lines(&log, 1, &edited);
        assert_eq!(problem(&log), ("hash-mismatch", log.segment_path(1), 3));

        let mut deleted = orig.clone();
        deleted.remove(3);
        write_lines(&log, 1, &deleted);
        assert_eq!(problem(&log), ("seq-gap", log.segment_path(1), 4));

        let mut swapped = orig.clone();
        swapped.swap(1, 2);
        write_lines(&log, 1, &swapped);
        assert_eq!(problem(&log), ("seq-gap", log.segment_path(1), 2));

        // A line made unparseable is located at that line, not the next.
        let mut broken = orig.clone();
        broken[1].truncate(20);
        write_lines(&log, 1, &broken);
        assert_eq!(problem(&log), ("unreadable", log.segment_path(1), 2));

        write_lines(&log, 1, &orig);
        assert!(verify(&log).unwrap().ok());
    }

    #[test]
    fn rewriting_with_recomputed_hashes_is_caught_by_the_head() {
        let (d, log) = log_with(3, 1 << 20);
        // Rebuild the same log with a different last entry, without the key.
        let forged = Log::new(d.path().join("forged"), d.path().join("other-key"));
        for i in [0, 1, 99] {
            forged.append(entry(i)).unwrap();
        }
        std::fs::copy(forged.segment_path(1), log.segment_path(1)).unwrap();
        assert_eq!(problem(&log).0, "head-mismatch");
    }

    #[test]
    fn truncation_is_detected() {
        let (_d, log) = log_with(5, 1 << 20);
        let mut l = lines(&log, 1);
        l.truncate(3);
        write_lines(&log, 1, &l);
        let p = verify(&log).unwrap().problem.unwrap();
        assert_eq!((p.code, p.at.seq), ("truncated", Some(3)));
        // Deleting the head as well is a problem of its own.
        std::fs::remove_file(log.head_path()).unwrap();
        assert_eq!(problem(&log).0, "no-head");
    }

    #[test]
    fn a_cut_sealed_segment_or_a_missing_one_is_detected() {
        let (_d, log) = log_with(20, 1500);
        let segs = log.segments().unwrap();
        assert!(segs.len() >= 3);
        let mut l = lines(&log, 1);
        let all = l.clone();
        l.pop(); // the seal
        write_lines(&log, 1, &l);
        assert_eq!(problem(&log).0, "unsealed-segment");
        write_lines(&log, 1, &all);
        std::fs::remove_file(log.segment_path(2)).unwrap();
        assert_eq!(problem(&log), ("missing-segment", log.segment_path(2), 0));
    }

    #[test]
    fn a_forged_seal_is_detected() {
        let (_d, log) = log_with(20, 1500);
        let mut l = lines(&log, 1);
        let last = l.len() - 1;
        let mut seal: Record = serde_json::from_str(&l[last]).unwrap();
        seal.mac = Some("00".repeat(32));
        l[last] = String::from_utf8(seal.line().unwrap()).unwrap();
        write_lines(&log, 1, &l);
        assert_eq!(
            problem(&log),
            ("bad-seal", log.segment_path(1), last as u64 + 1)
        );
    }

    #[test]
    fn a_torn_last_line_is_a_warning_and_the_chain_continues() {
        let (_d, log) = log_with(3, 1 << 20);
        let path = log.segment_path(1);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(br#"{"seq":4,"time":"2026-"#);
        std::fs::write(&path, &bytes).unwrap();
        let r = verify(&log).unwrap();
        assert!(r.ok(), "{r:?}");
        assert_eq!(r.warnings[0].code, "incomplete-record");
        assert_eq!(r.warnings[0].at.line, 4);
        assert_eq!(log.read(1).unwrap().len(), 3);

        let next = log.append(entry(4)).unwrap();
        assert_eq!(next.seq, 4);
        let r = verify(&log).unwrap();
        assert!(r.ok(), "{r:?}");
        assert_eq!(r.last_seq, 4);
        assert_eq!(r.warnings[0].code, "torn-record");
        assert_eq!(r.warnings[0].at.line, 4);
    }

    #[test]
    fn a_head_left_behind_by_a_crash_is_a_warning_and_mended() {
        let (_d, log) = log_with(3, 1 << 20);
        let head = std::fs::read(log.head_path()).unwrap();
        log.append(entry(3)).unwrap();
        std::fs::write(log.head_path(), head).unwrap();
        let r = verify(&log).unwrap();
        assert!(r.ok(), "{r:?}");
        assert_eq!(r.warnings[0].code, "head-behind");
        log.append(entry(4)).unwrap();
        let r = verify(&log).unwrap();
        assert!(r.ok() && r.warnings.is_empty(), "{r:?}");
    }

    #[test]
    fn a_head_left_before_a_seal_does_not_put_records_after_it() {
        let (_d, log) = log_with(2, 1 << 20);
        let head = std::fs::read(log.head_path()).unwrap();
        log.seal().unwrap().unwrap();
        // A writer died after writing the seal, before moving the head on.
        std::fs::write(log.head_path(), head).unwrap();
        let next = log.append(entry(3)).unwrap();
        assert_eq!(next.seq, 4);
        assert_eq!(log.segments().unwrap(), vec![1, 2]);
        let r = verify(&log).unwrap();
        assert!(r.ok() && r.warnings.is_empty(), "{r:?}");
    }

    #[test]
    fn manual_seal_starts_a_new_segment() {
        let (_d, log) = log_with(2, 1 << 20);
        let seal = log.seal().unwrap().unwrap();
        assert_eq!(
            (seal.seq, seal.kind, seal.segment),
            (3, Kind::Seal, Some(1))
        );
        assert_eq!(log.seal().unwrap(), None);
        let next = log.append(entry(9)).unwrap();
        assert_eq!(next.seq, 4);
        assert_eq!(next.prev, seal.hash);
        assert_eq!(log.segments().unwrap(), vec![1, 2]);
        assert!(verify(&log).unwrap().ok());
    }

    #[test]
    fn concurrent_writers_do_not_interleave() {
        let (_d, log) = log_with(0, 4000);
        std::thread::scope(|s| {
            for t in 0..4 {
                let log = log.clone();
                s.spawn(move || {
                    for i in 0..25 {
                        log.append(entry(t * 100 + i)).unwrap();
                    }
                });
            }
        });
        let r = verify(&log).unwrap();
        assert!(r.ok() && r.warnings.is_empty(), "{r:?}");
        assert_eq!(r.records - r.seals, 100);
    }

    #[test]
    fn without_the_key_seals_cannot_be_checked() {
        let (_d, log) = log_with(20, 1500);
        std::fs::remove_file(log.key_path()).unwrap();
        assert_eq!(problem(&log).0, "no-key");
    }

    /// A batch lands in order and contiguous even with other writers
    /// appending at the same time, and may cross a seal.
    #[test]
    fn a_batch_is_contiguous_among_concurrent_writers() {
        let (_d, log) = log_with(0, 3000);
        std::thread::scope(|s| {
            for t in 0..3 {
                let log = log.clone();
                s.spawn(move || {
                    for i in 0..20 {
                        log.append(entry(t * 100 + i)).unwrap();
                    }
                });
            }
            let log = log.clone();
            s.spawn(move || {
                let batch: Vec<Entry> = (0..30).map(|i| entry(1000 + i)).collect();
                let written = log.append_all(batch).unwrap();
                assert_eq!(written.len(), 30);
            });
        });
        let r = verify(&log).unwrap();
        assert!(r.ok() && r.warnings.is_empty(), "{r:?}");
        assert!(r.seals > 0, "the batch test should cross a seal: {r:?}");
        let batch: Vec<u64> = log
            .read(1)
            .unwrap()
            .iter()
            .filter(|s| s.record.kind == crate::Kind::Decision)
            .filter(|s| s.record.entry.action.starts_with("Bash: echo 1"))
            .filter(|s| s.record.entry.action.len() == "Bash: echo 1000".len())
            .map(|s| s.record.seq)
            .collect();
        assert_eq!(batch.len(), 30);
        // Contiguous but for seals: no other writer's decision in between.
        let between = log
            .read(1)
            .unwrap()
            .iter()
            .filter(|s| s.record.seq > batch[0] && s.record.seq < batch[29])
            .filter(|s| s.record.kind == crate::Kind::Decision)
            .count();
        assert_eq!(between, 28);
        assert!(log.append_all(Vec::new()).unwrap().is_empty());
    }

    /// Verifying while writers append finds no problem: the head is read
    /// whole under the writers' lock, and one that moved past the records
    /// read is not taken for a cut.
    #[test]
    fn verify_during_appends_finds_no_problem() {
        let (_d, log) = log_with(5, 2500);
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            for t in 0..2 {
                let (log, done) = (log.clone(), &done);
                s.spawn(move || {
                    for i in 0..150 {
                        log.append(entry(t * 1000 + i)).unwrap();
                    }
                    done.store(true, std::sync::atomic::Ordering::SeqCst);
                });
            }
            let mut checks = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) || checks < 5 {
                let r = verify(&log).unwrap();
                assert!(r.ok(), "{r:?}");
                assert!(r.warnings.iter().all(|w| w.code != "head-behind"), "{r:?}");
                checks += 1;
            }
        });
        let r = verify(&log).unwrap();
        assert!(r.ok() && r.warnings.is_empty(), "{r:?}");
        assert_eq!(r.records - r.seals, 305);
    }

    /// The head is rewritten in place and stays a whole, checked head; a
    /// longer stale head file is cut to the new one.
    #[test]
    fn the_head_is_rewritten_in_place() {
        let (_d, log) = log_with(3, 1 << 20);
        let head = log.head().unwrap();
        assert_eq!(head.seq, 3);
        let mut long = std::fs::read(log.head_path()).unwrap();
        long.extend_from_slice(b"                                ");
        std::fs::write(log.head_path(), &long).unwrap();
        log.append(entry(4)).unwrap();
        let bytes = std::fs::read(log.head_path()).unwrap();
        assert!(bytes.ends_with(b"}"), "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(log.head().unwrap().seq, 4);
        assert!(!log.dir().join("head.json.tmp").exists());
        assert!(verify(&log).unwrap().ok());
    }
}
