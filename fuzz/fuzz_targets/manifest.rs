//! Fuzzes the manifest and lockfile parsers (`palisade_supply::manifest`).
//! The first byte picks the file kind; the rest is the text. Nothing may
//! panic; errors name their file kind; every dependency is of the kind's
//! ecosystem with a line inside the text; a file diffed against itself
//! adds nothing; a new file is all added.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_supply::manifest::{diff, parse, ChangeReason, ManifestKind};

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    let kind = ManifestKind::ALL[usize::from(which) % ManifestKind::ALL.len()];
    let text = String::from_utf8_lossy(data);
    match parse(kind, &text) {
        Err(e) => {
            assert!(e.to_string().starts_with(kind.file_name()), "{e}");
            assert!(diff(kind, None, &text).is_err());
        }
        Ok(m) => {
            let lines = u32::try_from(text.lines().count() + 1).unwrap_or(u32::MAX);
            for d in &m.dependencies {
                assert_eq!(d.install.ecosystem, kind.ecosystem());
                if let Some(l) = d.line {
                    assert!(l >= 1 && l <= lines, "line {l} of {lines}");
                }
            }
            let same = diff(kind, Some(&text), &text).expect("parsed once, parses twice");
            assert!(same.changes.is_empty() && same.references.is_empty());
            let all = diff(kind, None, &text).expect("parsed once, parses twice");
            assert_eq!(all.changes.len(), m.dependencies.len());
            assert!(all
                .changes
                .iter()
                .all(|c| c.reasons == [ChangeReason::Added]));
        }
    }
    // Old and new halves: anything goes, but no panic.
    let mid = text.len() / 2;
    if let (Some(a), Some(b)) = (text.get(..mid), text.get(mid..)) {
        let _ = diff(kind, Some(a), b);
    }
});
