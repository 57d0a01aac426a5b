//! Fuzzes shell analysis: `analyze` and `effects` must never panic, and
//! every parent index must point at an earlier command.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let analysis = palisade_shell::analyze(text);
    for (i, cmd) in analysis.commands.iter().enumerate() {
        if let Some(parent) = cmd.parent {
            assert!(parent < i, "parent {parent} of command {i} is not earlier");
        }
        let _ = palisade_shell::effects(cmd);
    }
});
