//! `palisade redact`: copy stdin to stdout with every secret replaced.

use palisade_detect::{Scanner, StreamRedactor};
use std::io::{BufRead, Read, Write};

/// Copy stdin to stdout, replacing every secret with a marker naming its
/// kind, line by line as the input arrives.
///
///   $ printf 'GITHUB_TOKEN=ghp_…\n' | palisade redact
///   GITHUB_TOKEN=[REDACTED:github-pat-classic]
///
/// Secrets are found with the rules of `palisade scan` (`palisade scan --help`).
/// Each line is written (and flushed) as soon as it is complete, so a long-running
/// command still streams. A private key is held from its `-----BEGIN … PRIVATE
/// KEY` line to its `-----END` line and replaced by one `[REDACTED:private-key…]`
/// line, even when it is cut off or malformed. Lines longer than 1 MiB are cut
/// into 1 MiB pieces; bytes that are not UTF-8 are replaced by U+FFFD.
///
/// The Claude Code hook (`palisade hook claude-code`) puts this behind Bash
/// commands whose output may carry secrets (printenv, cat, git log -p, kubectl,
/// cloud CLIs…), keeping their exit status and stderr:
///
///   ( set -o pipefail; ( { CMD
///   } 2>&1 1>&3 3>&- | palisade redact 1>&2 3>&- ) 3>&1 | palisade redact )
///
/// Use it yourself the same way: `kubectl get secret x -o yaml | palisade redact`.
///
/// Exit codes: 0 ok (whether or not anything was redacted); 2 on a read or write
/// error (a closed stdout ends the copy quietly with 0).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// At the end, print a JSON summary to stderr: `{"redacted": N, "kinds": {"github-pat-classic": 1}}`.
    #[arg(long)]
    summary: bool,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let scanner = Scanner::new();
    let mut redactor = StreamRedactor::new(&scanner);
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut line = Vec::with_capacity(8192);
    let closed = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    loop {
        line.clear();
        let n = Read::by_ref(&mut input)
            .take(palisade_detect::MAX_LINE_BYTES as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| anyhow::anyhow!("cannot read stdin: {e}"))?;
        if n == 0 {
            break;
        }
        match redactor.feed(&line, &mut out).and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(e) if closed(&e) => return Ok(crate::exit::OK),
            Err(e) => anyhow::bail!("cannot write stdout: {e}"),
        }
    }
    match redactor.finish(&mut out).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if closed(&e) => return Ok(crate::exit::OK),
        Err(e) => anyhow::bail!("cannot write stdout: {e}"),
    }
    if args.summary {
        let counts = redactor.counts();
        let total: usize = counts.values().sum();
        let json = serde_json::json!({ "redacted": total, "kinds": counts });
        eprintln!("{json}");
    }
    Ok(crate::exit::OK)
}
