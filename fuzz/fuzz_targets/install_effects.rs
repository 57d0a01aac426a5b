//! Fuzzes install-effect extraction: `install_effects` must never panic on
//! any command line, and every package it reports has a non-empty name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let effects = palisade_supply::install::install_effects(text);
    for r in &effects.requirements {
        assert!(!r.install.name.trim().is_empty(), "empty package name from {text:?}");
    }
});
