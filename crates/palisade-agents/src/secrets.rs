//! Keeping secrets out of an agent's context (issue #5), agent-neutral.
//!
//! Claude Code's PostToolUse hook cannot change the Bash or Read output the
//! model sees (only MCP output), so secrets are stopped before the tool
//! runs: a prompt or a file with a secret is blocked, a write that
//! hard-codes one is denied, and a shell command whose output may carry one
//! is rewritten to pipe its output through `palisade redact`
//! ([`redact_wrapper`]). Every finding becomes a [`Reason`] whose rule id is
//! the secret rule's (`secret.github.pat-classic`), with the place
//! (`file:line`), the redacted match and how to rotate that provider's
//! credential. No text built here ever holds a full secret.
//!
//! ```
//! use palisade_agents::secrets::{output_may_hold_secrets, redact_wrapper};
//! use std::path::Path;
//!
//! assert!(output_may_hold_secrets("printenv").is_some());
//! assert!(output_may_hold_secrets("git log -p -- src/").is_some());
//! assert!(output_may_hold_secrets("cargo build").is_none());
//! let w = redact_wrapper("printenv", Path::new("/usr/bin/palisade"));
//! assert!(w.contains("'/usr/bin/palisade' redact"));
//! ```

use palisade_core::{Decision, Layer, Reason, Source, Verdict};
use palisade_detect::{Finding, Scanner};
use palisade_shell::{analyze, effects, Effect};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes of a file scanned before a Read (4 MiB): a secret after this
/// prefix is not found by the PreToolUse check (the PostToolUse check
/// still warns about what the tool returned).
pub const MAX_FILE_SCAN_BYTES: u64 = 4 * 1024 * 1024;
/// Bytes looked at to tell a binary file (a NUL byte in them) from text.
const BINARY_SNIFF_BYTES: usize = 8192;
/// Findings listed one by one in a message; the rest are counted.
const LISTED: usize = 5;

/// What a text that was scanned is, for messages.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// The user's prompt.
    Prompt,
    /// A file about to be read.
    File(&'a Path),
    /// Content about to be written to a file.
    Write(&'a Path),
    /// What a tool returned.
    Output(&'a str),
}

impl Place<'_> {
    fn at(&self, f: &Finding) -> String {
        match self {
            Place::File(p) | Place::Write(p) => format!("{}:{}:{}", p.display(), f.line, f.column),
            Place::Prompt | Place::Output(_) => format!("line {}, column {}", f.line, f.column),
        }
    }
}

/// The result of scanning a file before it is read.
#[derive(Debug)]
pub enum FileScan {
    /// Not a regular file, unreadable, empty or binary: nothing to scan
    /// (the tool itself reports what is wrong).
    Skipped(&'static str),
    /// Scanned (at most [`MAX_FILE_SCAN_BYTES`]); `truncated` if the file is longer.
    Scanned {
        /// Secrets found, in order.
        findings: Vec<Finding>,
        /// The file is longer than what was scanned.
        truncated: bool,
    },
}

/// Reads at most [`MAX_FILE_SCAN_BYTES`] of `path` and scans them with the
/// scanner `scanner()` returns (built only when there is text to scan).
///
/// Only regular files are opened (a FIFO or device would block or never
/// end); a file with a NUL byte in its first 8 KiB is binary and skipped.
pub fn scan_file<'s>(path: &Path, scanner: impl FnOnce() -> &'s Scanner) -> FileScan {
    let Ok(meta) = std::fs::metadata(path) else {
        return FileScan::Skipped("cannot stat");
    };
    if !meta.is_file() {
        return FileScan::Skipped("not a regular file");
    }
    if meta.len() == 0 {
        return FileScan::Skipped("empty");
    }
    let Ok(file) = std::fs::File::open(path) else {
        return FileScan::Skipped("cannot open");
    };
    let mut buf = Vec::with_capacity(meta.len().min(MAX_FILE_SCAN_BYTES) as usize);
    if file
        .take(MAX_FILE_SCAN_BYTES)
        .read_to_end(&mut buf)
        .is_err()
    {
        return FileScan::Skipped("cannot read");
    }
    if buf[..buf.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return FileScan::Skipped("binary");
    }
    let text = String::from_utf8_lossy(&buf);
    FileScan::Scanned {
        findings: scanner().scan(&text),
        truncated: meta.len() > MAX_FILE_SCAN_BYTES,
    }
}

/// One [`Reason`] per finding: rule id, `verdict`, the built-in layer, the
/// place (`file:line` as the source for files), the redacted match and the
/// provider's rotation advice as remedy.
pub fn reasons(
    scanner: &Scanner,
    findings: &[Finding],
    place: Place,
    verdict: Verdict,
) -> Vec<Reason> {
    findings
        .iter()
        .map(|f| {
            let source = match place {
                Place::File(p) | Place::Write(p) => Some(Source {
                    path: p.to_path_buf(),
                    line: u32::try_from(f.line).unwrap_or(u32::MAX),
                }),
                _ => None,
            };
            let mut r = Reason::new(
                f.rule_id.clone(),
                verdict,
                Layer::BuiltIn,
                describe(scanner, f),
            )
            .with_source(source)
            .with_matched(format!("{} {}", place.at(f), f.redacted));
            r.remedy = Some(rotate(scanner, f));
            r
        })
        .collect()
}

/// `a GitHub personal access token (classic) (github-pat-classic)`.
fn describe(scanner: &Scanner, f: &Finding) -> String {
    let what = scanner.rule(&f.rule_id).map_or_else(
        || f.kind(),
        |r| {
            r.description
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        },
    );
    format!("{} {what} ({})", article(&what), f.kind())
}

fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// How to revoke or rotate the credential a finding is (its provider's
/// `rotate` advice), without a final period.
pub fn rotate(scanner: &Scanner, f: &Finding) -> String {
    match scanner.provider_of(&f.rule_id) {
        Some(p) => format!("{}: {}", p.name, p.rotate.trim().trim_end_matches('.')),
        None => "revoke it where it was issued and create a new one".to_string(),
    }
}

/// The findings, one per line: `- a GitHub … (github-pat-classic, rule
/// secret.github.pat-classic) at F:3:14: ghp_…(40 chars)`; past five, a count.
pub fn list(scanner: &Scanner, findings: &[Finding], place: Place) -> String {
    let mut s = String::new();
    for f in findings.iter().take(LISTED) {
        s.push_str(&format!(
            "\n- {} at {}: {} (rule {})",
            describe(scanner, f),
            place.at(f),
            f.redacted,
            f.rule_id
        ));
    }
    if findings.len() > LISTED {
        s.push_str(&format!("\n- and {} more", findings.len() - LISTED));
    }
    s
}

/// Rotation advice for every provider among the findings, one line each.
pub fn rotation(scanner: &Scanner, findings: &[Finding]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for f in findings {
        let r = rotate(scanner, f);
        if !seen.contains(&r) {
            seen.push(r);
        }
    }
    seen.iter().map(|r| format!("\n- {r}.")).collect()
}

/// The decision and the message for secrets found before an action.
#[derive(Debug, Clone)]
pub struct Blocked {
    /// One deny reason per finding (for JSON output and the audit trail).
    pub decision: Decision,
    /// The text for the model and the user.
    pub message: String,
}

/// A prompt holding secrets: blocked, with where, and how to pass a secret safely.
pub fn prompt_blocked(scanner: &Scanner, findings: &[Finding]) -> Blocked {
    let place = Place::Prompt;
    let message = format!(
        "Palisade blocked this prompt: it contains {} that would be sent to the model provider and kept in the transcript:{}\n\
         To give the agent a secret, put it in an environment variable before starting the agent (e.g. `export API_TOKEN=…` in your shell, or a git-ignored .env file loaded by your tooling) and ask it to use `$API_TOKEN` without printing it. Then send the prompt again without the secret.\n\
         If the credential is real, treat it as exposed and rotate it:{}",
        count(findings.len()),
        list(scanner, findings, place),
        rotation(scanner, findings),
    );
    Blocked {
        decision: Decision::from_reasons(reasons(scanner, findings, place, Verdict::Deny)),
        message,
    }
}

/// A file about to be read holds secrets: denied, unless the user allows the read.
pub fn read_blocked(scanner: &Scanner, path: &Path, findings: &[Finding]) -> Blocked {
    let place = Place::File(path);
    let message = format!(
        "Palisade blocked this action: {} holds {} that must not enter the agent's context:{}\n\
         Work with the file without reading the secret (e.g. refer to the variable by name, or read the lines around it with a command whose output Palisade redacts). \
         To allow the read on purpose, the user can add an explicit allow rule such as `Read({})` to `[permissions] allow` in palisade.toml or to `permissions.allow` in .claude/settings.local.json (a project's allow rules count only once the workspace is trusted).\n\
         If the credential is real and has been shared, rotate it:{}\n\
         Do not try to work around this rule; ask the user if the action is needed.",
        path.display(),
        count(findings.len()),
        list(scanner, findings, place),
        path.display(),
        rotation(scanner, findings),
    );
    Blocked {
        decision: Decision::from_reasons(reasons(scanner, findings, place, Verdict::Deny)),
        message,
    }
}

/// Content about to be written hard-codes secrets: denied, with the
/// suggestion to read them from the environment.
pub fn write_blocked(scanner: &Scanner, path: &Path, findings: &[Finding]) -> Blocked {
    let place = Place::Write(path);
    let message = format!(
        "Palisade blocked this action: the content written to {} hard-codes {}:{}\n\
         Do not put credentials in source. Read them from the environment at run time instead (e.g. `std::env::var(\"API_TOKEN\")`, `os.environ[\"API_TOKEN\"]`, `process.env.API_TOKEN`) and document the variable, or use a placeholder such as `${{API_TOKEN}}` in examples. \
         To write this file on purpose (a test fixture), the user can add an explicit allow rule such as `Edit({})` to `[permissions] allow` in palisade.toml.\n\
         If the credential is real, rotate it:{}\n\
         Do not try to work around this rule; ask the user if the action is needed.",
        path.display(),
        count(findings.len()),
        list(scanner, findings, place),
        path.display(),
        rotation(scanner, findings),
    );
    Blocked {
        decision: Decision::from_reasons(reasons(scanner, findings, place, Verdict::Deny)),
        message,
    }
}

/// A warning for secrets in what a tool returned (the output already
/// reached the model): do not repeat it, and rotate it.
pub fn output_warning(
    scanner: &Scanner,
    tool: &str,
    findings: &[Finding],
    redacted: bool,
) -> String {
    let place = Place::Output(tool);
    let done = if redacted {
        "Palisade replaced them with [REDACTED:<kind>] markers before the model saw them"
    } else {
        "the model has seen them"
    };
    format!(
        "Palisade warning: the output of {tool} contained {} ({done}):{}\n\
         Do not repeat, store, commit or send these values; refer to them by name. Tell the user, who should rotate them:{}",
        count(findings.len()),
        list(scanner, findings, place),
        rotation(scanner, findings),
    )
}

fn count(n: usize) -> String {
    if n == 1 {
        "a secret".to_string()
    } else {
        format!("{n} secrets")
    }
}

/// Replaces every secret in every string of `value` (recursively) with
/// `[REDACTED:<kind>]`; returns the findings (positions are per string).
pub fn redact_json(scanner: &Scanner, value: &mut Value) -> Vec<Finding> {
    let mut found = Vec::new();
    walk(scanner, value, &mut found, 0);
    found
}

fn walk(scanner: &Scanner, value: &mut Value, found: &mut Vec<Finding>, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Value::String(s) => {
            let (out, f) = scanner.redact(s);
            if !f.is_empty() {
                *s = out;
                found.extend(f);
            }
        }
        Value::Array(a) => a
            .iter_mut()
            .for_each(|v| walk(scanner, v, found, depth + 1)),
        Value::Object(m) => m
            .values_mut()
            .for_each(|v| walk(scanner, v, found, depth + 1)),
        _ => {}
    }
}

/// Programs that print environment variables, secret stores, logs or
/// remote state, and so may print credentials.
const PRINTERS: &[&str] = &[
    // environment
    "printenv",
    "env",
    "set",
    "export",
    "declare",
    "typeset",
    "compgen",
    // files and streams
    "cat",
    "tac",
    "nl",
    "head",
    "tail",
    "less",
    "more",
    "most",
    "bat",
    "batcat",
    "grep",
    "egrep",
    "fgrep",
    "zgrep",
    "rg",
    "ag",
    "ack",
    "zcat",
    "bzcat",
    "xzcat",
    "zstdcat",
    "sed",
    "awk",
    "gawk",
    "mawk",
    "jq",
    "yq",
    "xxd",
    "od",
    "hexdump",
    "strings",
    "cut",
    "sort",
    "uniq",
    "diff",
    "colordiff",
    "column",
    "paste",
    "fold",
    "fmt",
    "tee",
    "base64",
    "openssl",
    "dd",
    "xmllint",
    // logs and history
    "journalctl",
    "dmesg",
    "history",
    "fc",
    "ps",
    "systemctl",
    "launchctl",
    // containers and clusters
    "docker",
    "podman",
    "nerdctl",
    "docker-compose",
    "kubectl",
    "oc",
    "helm",
    "minikube",
    "kind",
    "crictl",
    // cloud, deploy and secret-store CLIs
    "aws",
    "aws-vault",
    "gcloud",
    "gsutil",
    "bq",
    "az",
    "doctl",
    "heroku",
    "vercel",
    "netlify",
    "fly",
    "flyctl",
    "railway",
    "firebase",
    "supabase",
    "wrangler",
    "terraform",
    "tofu",
    "terragrunt",
    "pulumi",
    "vault",
    "op",
    "bw",
    "lpass",
    "pass",
    "gopass",
    "doppler",
    "infisical",
    "chamber",
    "sops",
    "age",
    "gpg",
    "security",
    "secret-tool",
    "ansible-vault",
    "kubeseal",
    "gh",
    "glab",
    // network clients whose responses may hold tokens
    "curl",
    "wget",
    "http",
    "https",
    "xh",
];

/// Package managers whose configuration holds registry tokens: rewritten
/// only for these subcommands (`npm config list`, `npm token list`).
const PACKAGE_CONFIG: &[(&str, &[&str])] = &[
    ("npm", &["config", "token", "whoami"]),
    ("pnpm", &["config"]),
    ("yarn", &["config"]),
    ("pip", &["config"]),
    ("pip3", &["config"]),
    ("composer", &["config"]),
];

/// `git` subcommands that print file contents, history or configuration.
const GIT_PRINTERS: &[&str] = &[
    "log",
    "show",
    "diff",
    "stash",
    "blame",
    "cat-file",
    "grep",
    "config",
    "credential",
    "reflog",
    "format-patch",
    "whatchanged",
];

/// Why the output of `command` may carry secrets, or `None` if Palisade
/// has no reason to think so.
///
/// From the shell analysis: any simple command in it (including those in
/// `bash -c`, `$(…)`, `xargs`, pipelines) that runs a program of the
/// printing kind (environment, file viewers and filters, logs, history,
/// containers and clusters, cloud and secret-store CLIs, package manager
/// configuration, HTTP clients), a `git` subcommand that prints contents,
/// history or configuration, that reads a file by Palisade's program
/// knowledge and is an interpreter (`python3 -c 'open(…)'`), or whose program is
/// only known at run time (`$cmd`, `eval "$x"`).
///
/// A command line that does not parse completely is never rewritten (`None`):
/// unbalanced text could close the wrapper's braces and run outside the
/// redact pipe (`cat f\n} ; cat f >&2 ; {`). The guard packs already ask a
/// human about such lines (`rce.unparsed-shell`), and the human then sees
/// the command as the agent wrote it.
pub fn output_may_hold_secrets(command: &str) -> Option<String> {
    let analysis = analyze(command);
    if analysis.parse_error.is_some() {
        return None;
    }
    for c in &analysis.commands {
        let Some(p) = c.program() else {
            if !c.words.is_empty() {
                return Some("its program is only known at run time".to_string());
            }
            continue;
        };
        if PRINTERS.contains(&p) {
            return Some(format!("`{p}` may print credentials"));
        }
        if let Some((_, subs)) = PACKAGE_CONFIG.iter().find(|(name, _)| *name == p) {
            let sub = c.args().iter().find(|w| !w.value.starts_with('-'));
            if let Some(sub) = sub.filter(|w| subs.contains(&w.value.as_str())) {
                return Some(format!("`{p} {}` may print registry tokens", sub.value));
            }
        }
        if p == "git" {
            let args: Vec<&str> = c.args().iter().map(|w| w.value.as_str()).collect();
            let mut k = 0;
            while k < args.len() && args[k].starts_with('-') {
                k += if palisade_shell::GIT_VALUE_OPTS.contains(&args[k]) {
                    2
                } else {
                    1
                };
            }
            let sub = args.get(k).copied();
            if let Some(sub) = sub.filter(|s| GIT_PRINTERS.contains(s)) {
                return Some(format!("`git {sub}` may print credentials"));
            }
        }
        const INTERPRETERS: &[&str] = &[
            "python", "python2", "python3", "node", "nodejs", "perl", "ruby", "php", "deno", "bun",
        ];
        let reads = INTERPRETERS.contains(&p)
            && effects(c)
                .iter()
                .any(|e| matches!(e, Effect::Read { path, .. } if !path.starts_with("/dev/")));
        if reads {
            return Some(format!("`{p}` reads files and may print them"));
        }
    }
    None
}

/// Programs whose only effect is to print what they read, with no option
/// that writes a file or runs another program (`sort -o`, `sed -i`/`e`,
/// `rg --pre`, `xxd IN OUT` and `uniq IN OUT` are why those are not here).
const READ_ONLY: &[&str] = &[
    "cat", "tac", "nl", "head", "tail", "grep", "egrep", "fgrep", "wc", "cut", "diff", "jq",
    "strings", "od", "hexdump", "column", "base64", "printenv", "env", "echo", "printf", "ls",
    "pwd", "file", "stat", "git",
];
/// `git` subcommands that only print.
const GIT_READ_ONLY: &[&str] = &["log", "show", "diff", "blame"];

/// True if every part of `command` only prints files inside `work_dirs`
/// (or the environment): the commands Claude Code itself runs without
/// asking in its default mode (read-only commands in the working
/// directories).
///
/// The hook uses this when no rule decided a command it rewrites: Claude
/// Code would not recognise the rewritten command as read-only and would
/// ask for it (observed with 2.1.197: "Contains shell syntax (;) that
/// cannot be statically analyzed"), so for these the hook answers allow
/// itself. Everything else keeps Claude Code's own permission flow.
///
/// Requires: a complete parse, nothing dynamic, no nested commands (`$(…)`,
/// `bash -c`, `xargs`), no wrapper such as `sudo`, no assignment, programs
/// from a short list of pure printers (`git` only with `log`, `show`,
/// `diff`, `blame` and no `--output`/`--ext-diff`/`--textconv`), no file
/// written, deleted or contacted, every file read inside `work_dirs`.
pub fn read_only_in(command: &str, work_dirs: &[PathBuf], cwd: &Path, home: &Path) -> bool {
    let analysis = analyze(command);
    if analysis.parse_error.is_some() || analysis.is_dynamic() || analysis.commands.is_empty() {
        return false;
    }
    analysis.commands.iter().all(|c| {
        let Some(p) = c.program() else { return false };
        let plain = c.origin == palisade_shell::Origin::TopLevel
            && c.parent.is_none()
            && c.wrappers.is_empty()
            && c.assignments.is_empty()
            && READ_ONLY.contains(&p)
            && (p != "env" || c.args().is_empty());
        if !plain {
            return false;
        }
        let args: Vec<&str> = c.args().iter().map(|w| w.value.as_str()).collect();
        if p == "git" {
            let ok_sub = args.first().is_some_and(|s| GIT_READ_ONLY.contains(s));
            let risky = args.iter().any(|a| {
                a.starts_with("--output")
                    || a.starts_with("--ext-diff")
                    || a.starts_with("--textconv")
            });
            if !ok_sub || risky {
                return false;
            }
        }
        effects(c).iter().all(|e| match e {
            Effect::Read { path, .. } => {
                let abs = palisade_policy::resolve_lexical(path, cwd, home);
                work_dirs.iter().any(|d| abs.starts_with(d))
            }
            Effect::Write { path, .. } => path == "/dev/null",
            _ => false,
        })
    })
}

/// `command` rewritten so that its stdout and stderr pass through
/// `<exe> redact` (stderr stays on stderr), keeping its exit status.
///
/// ```text
/// ( set -o pipefail; ( { COMMAND
/// } 2>&1 1>&3 3>&- | 'EXE' redact 1>&2 3>&- ) 3>&1 | 'EXE' redact )
/// ```
///
/// The command runs in a subshell (so a `cd` in it does not outlive it);
/// `pipefail` makes each pipeline's status the command's unless the
/// redactor itself fails; `pipefail` is in bash and zsh (5.3+). The
/// newline before `}` keeps a trailing comment or heredoc intact.
pub fn redact_wrapper(command: &str, exe: &Path) -> String {
    let exe = shell_quote(&exe.to_string_lossy());
    format!(
        "( set -o pipefail; ( {{ {command}\n}} 2>&1 1>&3 3>&- | {exe} redact 1>&2 3>&- ) 3>&1 | {exe} redact )"
    )
}

/// The command inside `wrapped` if it is exactly [`redact_wrapper`]`(command,
/// exe)` for some command.
pub fn redact_unwrap<'a>(wrapped: &'a str, exe: &Path) -> Option<&'a str> {
    let exe = shell_quote(&exe.to_string_lossy());
    wrapped
        .strip_prefix("( set -o pipefail; ( { ")?
        .strip_suffix(&format!(
            "\n}} 2>&1 1>&3 3>&- | {exe} redact 1>&2 3>&- ) 3>&1 | {exe} redact )"
        ))
}

/// True if `command` was already rewritten by [`redact_wrapper`] for `exe`.
pub fn is_wrapped(command: &str, exe: &Path) -> bool {
    command.contains(&format!("{} redact", shell_quote(&exe.to_string_lossy())))
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The path a file tool names, made absolute against `cwd`.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_redact_wrapper_unwraps() {
        let exe = Path::new("/opt/p q/palisade");
        let w = redact_wrapper("cat 'a b'\n# c", exe);
        assert_eq!(redact_unwrap(&w, exe), Some("cat 'a b'\n# c"));
        assert_eq!(redact_unwrap(&w, Path::new("/usr/bin/palisade")), None);
        assert_eq!(redact_unwrap("cat x", exe), None);
    }

    #[test]
    fn which_commands_get_the_redact_pipe() {
        for c in [
            "printenv",
            "env",
            "set",
            "export -p",
            "cat .env",
            "head -n 5 config/secrets.yml",
            "tail -f /var/log/app.log",
            "grep -r TOKEN .",
            "git log -p",
            "git -C sub show HEAD:config.yml",
            "git diff HEAD~1",
            "kubectl get secret db -o yaml",
            "docker inspect web",
            "aws sts get-session-token",
            "gcloud auth print-access-token",
            "az account get-access-token",
            "npm config list",
            "journalctl -u app",
            "history",
            "ls && sudo cat /etc/app/token",
            "bash -c 'printenv | sort'",
            "python3 -c 'print(open(\"creds.json\").read())'",
            "$CMD",
        ] {
            assert!(output_may_hold_secrets(c).is_some(), "{c}");
        }
        // Unbalanced text that would escape the wrapper is not rewritten.
        for c in [
            "cat f\n} ; cat f >&2 ; {  true",
            "cat f\n}) ; cat f; ( { true",
        ] {
            assert_eq!(output_may_hold_secrets(c), None, "{c}");
        }
        for c in [
            "ls -la",
            "cargo build",
            "git status",
            "git commit -m x",
            "npx prettier --check . > /dev/null",
            "npm run test -- --watch=false",
            "pip install -r requirements.txt",
            "mkdir -p build",
            "echo hi",
        ] {
            assert_eq!(output_may_hold_secrets(c), None, "{c}");
        }
    }

    #[test]
    fn read_only_commands_inside_the_project() {
        let proj = PathBuf::from("/home/u/proj");
        let home = PathBuf::from("/home/u");
        let ro = |c: &str| read_only_in(c, std::slice::from_ref(&proj), &proj, &home);
        for c in [
            "cat config/deploy.py",
            "head -n 20 src/main.rs | grep -n TOKEN",
            "git log -p -3",
            "git diff HEAD~1 -- src",
            "printenv CI_SETTINGS",
            "cat a 2>/dev/null; wc -l b",
        ] {
            assert!(ro(c), "{c}");
        }
        for c in [
            "cat ~/.aws/credentials",
            "cat /etc/passwd",
            "cat ../other/secret.txt",
            "cat a > b",
            "sudo cat a",
            "cat $(ls)",
            "bash -c 'cat a'",
            "FOO=1 cat a",
            "git log --output=x",
            "git diff --ext-diff",
            "git config --list",
            "sort -o a b",
            "sed -n p a",
            "kubectl get pods",
            "env rm -rf x",
            "cat $F",
        ] {
            assert!(!ro(c), "{c}");
        }
    }

    #[test]
    fn wrapper_quotes_the_binary_and_keeps_the_command_verbatim() {
        let w = redact_wrapper("cat a # note", Path::new("/opt/it's/palisade"));
        assert_eq!(
            w,
            "( set -o pipefail; ( { cat a # note\n} 2>&1 1>&3 3>&- | '/opt/it'\\''s/palisade' redact 1>&2 3>&- ) 3>&1 | '/opt/it'\\''s/palisade' redact )"
        );
        assert!(is_wrapped(&w, Path::new("/opt/it's/palisade")));
        assert!(!is_wrapped("cat a", Path::new("/opt/it's/palisade")));
    }

    #[test]
    fn messages_name_kind_place_and_rotation_but_never_the_secret() {
        let scanner = Scanner::new();
        let secret = "Zr7qLm2Xv9Tk";
        let text = format!("x\nDATABASE_URL=postgres://app:{secret}@db.internal/app\n");
        let findings = scanner.scan(&text);
        assert_eq!(findings.len(), 1);
        let b = read_blocked(&scanner, Path::new("/p/config.env"), &findings);
        assert!(
            b.message.starts_with("Palisade blocked this action"),
            "{}",
            b.message
        );
        assert!(b.message.contains("/p/config.env:2:"), "{}", b.message);
        assert!(
            b.message.contains("secret.database.postgres"),
            "{}",
            b.message
        );
        assert!(b.message.contains("Read(/p/config.env)"), "{}", b.message);
        assert_eq!(b.decision.verdict, Verdict::Deny);
        let r = &b.decision.reasons[0];
        assert_eq!(r.rule_id, "secret.database.postgres");
        assert_eq!(r.source.as_ref().map(|s| s.line), Some(2));
        assert!(r.remedy.is_some());
        for shown in [
            b.message.clone(),
            format!("{:?}", b.decision),
            prompt_blocked(&scanner, &findings).message,
            write_blocked(&scanner, Path::new("/p/a.py"), &findings).message,
            output_warning(&scanner, "Bash", &findings, false),
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn json_strings_are_redacted_in_place() {
        let scanner = Scanner::new();
        let mut v = serde_json::json!([{"type": "text", "text": "db postgres://app:Zr7qLm2Xv9Tk@db.internal/app"}, {"n": 1}]);
        let f = redact_json(&scanner, &mut v);
        assert_eq!(f.len(), 1);
        assert_eq!(
            v,
            serde_json::json!([{"type": "text", "text": "db postgres://app:[REDACTED:database-postgres]@db.internal/app"}, {"n": 1}])
        );
    }

    #[test]
    fn binary_empty_and_special_files_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("x.bin");
        std::fs::write(&bin, b"\x00\x01postgres://app:Zr7qLm2Xv9Tk@db.internal/app")
            .expect("write");
        let scanner = Scanner::new();
        assert!(matches!(
            scan_file(&bin, || &scanner),
            FileScan::Skipped("binary")
        ));
        let empty = dir.path().join("e");
        std::fs::write(&empty, b"").expect("write");
        assert!(matches!(
            scan_file(&empty, || &scanner),
            FileScan::Skipped(_)
        ));
        assert!(matches!(
            scan_file(dir.path(), || &scanner),
            FileScan::Skipped(_)
        ));
        let text = dir.path().join("t");
        std::fs::write(&text, b"postgres://app:Zr7qLm2Xv9Tk@db.internal/app").expect("write");
        match scan_file(&text, || &scanner) {
            FileScan::Scanned {
                findings,
                truncated,
            } => {
                assert_eq!(findings.len(), 1);
                assert!(!truncated);
            }
            other => panic!("{other:?}"),
        }
    }
}
