//! Last line of defence for the hook: if the process dies from a signal
//! (a crash in native code such as the tree-sitter-bash scanner, a stack
//! overflow that aborts) or the decision outlives its deadline (SIGALRM),
//! print the fail-closed answer prepared beforehand and exit the way the
//! agent understands as "blocked".
//!
//! Claude Code runs the tool when a hook crashes (`shared/notes/claude-code-hooks.md`,
//! rows f1–f4), so without this a crash would be a bypass.

#![allow(unsafe_code)]

use std::sync::OnceLock;

struct Prepared {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    code: i32,
}

static PREPARED: OnceLock<Prepared> = OnceLock::new();

/// Fatal signals, plus SIGALRM for the decision deadline ([`arm_deadline`]).
const SIGNALS: &[libc::c_int] = &[
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
    libc::SIGALRM,
];

extern "C" fn on_fatal_signal(_sig: libc::c_int) {
    // Only async-signal-safe calls here: write(2) and _exit(2).
    if let Some(p) = PREPARED.get() {
        // SAFETY: the buffers live in a static that is never mutated after
        // initialisation; write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, p.stderr.as_ptr().cast(), p.stderr.len());
            libc::write(1, p.stdout.as_ptr().cast(), p.stdout.len());
            libc::_exit(p.code);
        }
    }
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(2) }
}

/// Installs handlers for fatal signals that print `stdout`/`stderr` and
/// exit with `code`. Call once, before the risky work; later calls are ignored.
pub fn prepare(stdout: Option<&str>, stderr: Option<&str>, code: i32) {
    let line = |s: Option<&str>| s.map(|s| format!("{s}\n").into_bytes()).unwrap_or_default();
    if PREPARED
        .set(Prepared {
            stdout: line(stdout),
            stderr: line(stderr),
            code,
        })
        .is_err()
    {
        return;
    }
    for &sig in SIGNALS {
        // SAFETY: a zeroed sigaction is a valid starting value; the handler
        // is an `extern "C" fn(c_int)` as sa_sigaction expects without
        // SA_SIGINFO; SA_ONSTACK lets it run on the alternate stack Rust sets
        // up for its threads, so a stack overflow can still be answered.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_fatal_signal as extern "C" fn(libc::c_int) as usize;
            sa.sa_flags = libc::SA_ONSTACK | libc::SA_RESETHAND;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Makes the prepared answer fire after `seconds` if the process is still
/// deciding (SIGALRM), so a pathological input is answered well inside the
/// agent's own hook timeout.
pub fn arm_deadline(seconds: u32) {
    // SAFETY: alarm has no memory-safety preconditions.
    unsafe {
        libc::alarm(seconds);
    }
}

/// Raises `sig` in this process (for the test suite's crash tests).
pub fn raise(sig: libc::c_int) {
    // SAFETY: raise has no memory-safety preconditions.
    unsafe {
        libc::raise(sig);
    }
}
