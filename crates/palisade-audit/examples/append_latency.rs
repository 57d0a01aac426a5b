//! Prints the cost of one [`Log::append`] (open, lock, read tail, write,
//! head, close), as the hook pays it: median, p99 and max in microseconds.
//!
//! `cargo run --release -p palisade-audit --example append_latency [N] [--fsync]`
//! (N appends, default 2000, into a fresh log in a temporary directory under
//! `$TMPDIR`; use a directory on the disk that holds `~/.local/state`).

use palisade_audit::{Entry, Log};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000)
        .max(1);
    let fsync = args.iter().any(|a| a == "--fsync");
    let dir = std::env::temp_dir().join(format!("palisade-audit-bench-{}", std::process::id()));
    let log = Log::new(dir.join("audit"), dir.join("audit.key")).fsync(fsync);
    let entry = Entry {
        agent: "claude-code".into(),
        session: Some("0b7c1f1e-5d2c-4f8e-9a3b-2f1d0c9e8a7b".into()),
        cwd: Some("/home/dev/project".into()),
        event: Some("PreToolUse".into()),
        action: "Bash: git push --force origin main".into(),
        verdict: "ask".into(),
        rule: Some("git.force-push".into()),
        layer: Some("built-in".into()),
        source: Some("rules/guards/git.toml:12".into()),
        reason: "rewrites the remote branch's history".into(),
        duration_us: 420,
        mode: Some("default".into()),
        flags: Vec::new(),
    };
    let mut us = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        log.append(entry.clone())?;
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() - 1) as f64 * q) as usize];
    println!(
        "{n} appends{}: median {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        if fsync { " with fsync" } else { "" },
        at(0.5),
        at(0.99),
        at(1.0)
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
