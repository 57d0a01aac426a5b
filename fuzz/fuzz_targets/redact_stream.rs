//! Fuzzes `palisade redact`'s stream parser (`StreamRedactor`): arbitrary
//! bytes (often not UTF-8, often with private-key BEGIN/END markers) fed in
//! pieces whose sizes the input also chooses. Nothing may panic; the output
//! must be the same however the input was split, must be UTF-8, and must
//! have no more lines than the input plus one marker line per key block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_detect::{Scanner, StreamRedactor};
use std::sync::OnceLock;

fn redact(scanner: &Scanner, chunks: &[&[u8]]) -> Vec<u8> {
    let mut r = StreamRedactor::new(scanner);
    let mut out = Vec::new();
    for c in chunks {
        r.feed(c, &mut out).expect("writing to a Vec cannot fail");
    }
    r.finish(&mut out).expect("writing to a Vec cannot fail");
    out
}

fuzz_target!(|data: &[u8]| {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    let scanner = SCANNER.get_or_init(Scanner::new);
    let Some((&split, data)) = data.split_first() else {
        return;
    };
    // Seed key markers into some inputs so the key-block states are reached.
    let mut input = Vec::new();
    if split & 0x80 != 0 {
        input.extend_from_slice(b"-----BEGIN RSA PRIVATE KEY-----\n");
    }
    input.extend_from_slice(data);
    if split & 0x40 != 0 {
        input.extend_from_slice(b"\n-----END RSA PRIVATE KEY-----\n");
    }
    let whole = redact(scanner, &[&input]);
    let size = usize::from(split & 0x3f) + 1;
    let pieces: Vec<&[u8]> = input.chunks(size).collect();
    assert_eq!(redact(scanner, &pieces), whole, "depends on how input is split");
    let text = std::str::from_utf8(&whole).expect("output is UTF-8");
    let begins = input.windows(11).filter(|w| *w == b"-----BEGIN ").count();
    let lines_in = input.iter().filter(|&&b| b == b'\n').count();
    let lines_out = text.matches('\n').count();
    assert!(
        lines_out <= lines_in + 2 * begins + 1,
        "{lines_out} lines out of {lines_in} in"
    );
});
