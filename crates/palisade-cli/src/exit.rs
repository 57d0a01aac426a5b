//! Exit codes (listed in `palisade --help` and the README).

use std::process::ExitCode;

/// 0: ok, allow or pass.
pub const OK: u8 = 0;
/// 1: deny (explain), or a failed check (doctor).
pub const DENY: u8 = 1;
/// 2: usage, configuration or internal error.
pub const ERROR: u8 = 2;
/// 3: ask (explain).
pub const ASK: u8 = 3;

/// Prints an error with its context chain and maps it to exit 2.
pub fn report(r: anyhow::Result<u8>) -> ExitCode {
    match r {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("palisade: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(ERROR)
        }
    }
}

/// Prints `s` and a newline to stdout; a closed pipe (`palisade explain … | head`)
/// is not an error.
pub fn print(s: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}").and_then(|_| out.flush());
}

/// `println!` that tolerates a closed stdout pipe.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::exit::print(&format!($($t)*))
    };
}
