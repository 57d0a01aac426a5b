//! Fuzzes the audit log's readers and writer against a log whose files an
//! attacker edited: `verify`, `read`, `sessions` and `append` must never
//! panic on any segment or head content; a log that verifies still
//! verifies after one more append; and the writer never loses the chain
//! to a garbage tail (a later `verify` reports a problem or passes, it
//! does not crash). The first byte picks what the fuzz bytes do to a
//! valid three-record log: replace the segment, append to it, or replace
//! the head.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_audit::{sessions, verify, Entry, Log};

fn entry(i: u8) -> Entry {
    Entry {
        agent: "claude-code".into(),
        session: Some(format!("s{}", i % 2)),
        action: format!("Bash: echo {i}"),
        verdict: "allow".into(),
        reason: "fuzz".into(),
        mode: Some("default".into()),
        ..Entry::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&how, data)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let log = Log::new(dir.path().join("audit"), dir.path().join("key")).max_segment_bytes(2048);
    for i in 0..3 {
        log.append(entry(i)).expect("append to a fresh log");
    }
    let seg = log.segment_path(1);
    let head = dir.path().join("audit/head.json");
    match how % 3 {
        0 => std::fs::write(&seg, data).expect("write segment"),
        1 => {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&seg)
                .expect("open segment");
            f.write_all(data).expect("append");
        }
        _ => std::fs::write(&head, data).expect("write head"),
    }
    let before = verify(&log).expect("verify reads the files");
    if let Ok(records) = log.read(1) {
        let _ = sessions(records.iter().map(|s| &s.record));
    }
    let appended = log.append(entry(9));
    let after = verify(&log).expect("verify reads the files");
    if before.ok() && appended.is_ok() {
        assert!(after.ok(), "an intact log broke on append: {after:?}");
    }
});
