//! Named semantic checks used by guard rules (`check = "…"` in
//! `rules/guards/*.toml`): the parts of a guard that a path glob or a regex
//! cannot say.

use crate::path::resolve_lexical;
use crate::rule::host_of;
use palisade_shell::{Analysis, Effect, Origin, PipelinePos, SimpleCommand, GIT_VALUE_OPTS};
use std::path::{Path, PathBuf};

/// Programs that run code read from stdin or from a script argument.
const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox", "mksh", "csh", "tcsh",
];
/// Interpreters that run code from stdin or `-c`/`-e`.
const INTERPRETERS: &[&str] = &[
    "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "pwsh", "deno",
    "bun", "Rscript",
];
/// Programs that run their argument text as shell code.
const EVALUATORS: &[&str] = &["eval", "source", "."];
/// Programs that download from the network.
const DOWNLOADERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "aria2c",
    "http",
    "https",
    "xh",
    "lwp-request",
    "GET",
    "nc",
    "ncat",
];
/// Default protected branches for the force-push guard.
pub const DEFAULT_PROTECTED_BRANCHES: &[&str] = &[
    "main",
    "master",
    "trunk",
    "develop",
    "production",
    "prod",
    "release/*",
    "release-*",
];

/// Everything a check may look at.
pub(crate) struct CheckCtx<'a> {
    /// The whole command line as the agent sent it.
    pub command: &'a str,
    /// Symbolic links made earlier in the line, (link, target).
    pub links: &'a [(PathBuf, PathBuf)],
    pub analysis: &'a Analysis,
    pub effects: &'a [Vec<Effect>],
    pub home: &'a Path,
    pub cwd: &'a Path,
    pub project_root: &'a Path,
    pub work_dirs: &'a [PathBuf],
    pub protected: &'a [String],
}

/// Runs check `name` on command `i`; returns the matched text if it fires.
pub(crate) fn run(name: &str, values: &[String], i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    let cmd = cx.analysis.commands.get(i)?;
    match name {
        "environment-dump" => environment_dump(cmd).filter(|_| !counted_only(cmd, cx)),
        "rm-recursive-outside-project" => rm_outside(cmd, i, cx),
        "rm-recursive-in-project" => rm_in_project(cmd, i, values, cx),
        "rm-recursive-dynamic" => rm_dynamic(cmd, i, cx),
        "git-push-force-protected" => git_push_force(cmd, cx, true),
        "git-push-force-unprotected" => git_push_force(cmd, cx, false),
        "pipe-to-shell" => pipe_to_shell(cmd, i, cx),
        "download-then-execute" => download_then_execute(cmd, i, cx),
        "dynamic-code" => dynamic_code(cmd),
        "recursive-perm-outside-project" => perm_outside(cmd, i, cx),
        "secret-variable-print" => secret_variable(cmd, true),
        "secret-variable-use" => secret_variable(cmd, false),
        "network-host" => network_host(i, values, cx),
        "upload-file" => upload_file(cmd, i, cx),
        "dynamic-lookup" => dynamic_lookup(cmd, values),
        // The whole line is checked once, on its first command.
        "fork-bomb" if i == 0 => fork_bomb(cx.command),
        "fork-bomb" => None,
        "shell-network-pipeline" => shell_network_pipeline(cmd, i, cx),
        "endless-output-to-file" => endless_output(cmd),
        // The whole line is checked once, on its first command.
        "parse-error" if i == 0 => cx.analysis.parse_error.clone(),
        "parse-error" => None,
        _ => None,
    }
}

fn prog(cmd: &SimpleCommand) -> &str {
    cmd.program().unwrap_or("")
}

/// True if the command's output only reaches `wc` (`env | wc -l`).
fn counted_only(cmd: &SimpleCommand, cx: &CheckCtx<'_>) -> bool {
    let Some(pos) = cmd.pipeline else {
        return false;
    };
    cx.analysis.commands.iter().any(|c| {
        c.pipeline
            .is_some_and(|p| p.id == pos.id && p.index == pos.index + 1 && p.index + 1 == p.len)
            && prog(c) == "wc"
    })
}

fn environment_dump(cmd: &SimpleCommand) -> Option<String> {
    let all_options = cmd.args().iter().all(|w| w.value.starts_with('-'));
    let hit = match prog(cmd) {
        "env" | "printenv" => all_options,
        "export" | "declare" | "typeset" => {
            all_options
                && cmd
                    .args()
                    .iter()
                    .any(|w| w.value.contains('x') || w.value.contains('p'))
                || (prog(cmd) == "export" && cmd.args().is_empty())
        }
        "set" => cmd.args().is_empty(),
        "" => cmd.words.is_empty() && cmd.wrappers.last().is_some_and(|w| w == "env"),
        _ => false,
    };
    hit.then(|| cmd.raw.clone())
}

/// A path is known statically if its word is static, or dynamic only through
/// a leading `$HOME`/`${HOME}`/`$PWD`/`${PWD}` that Palisade resolves.
fn static_path(raw: &str, dynamic: bool) -> Option<&str> {
    // A glob (`/tmp/build-*`) is static enough: the directories it can
    // reach are known.
    if !dynamic || !raw.contains(['$', '`']) {
        return Some(raw);
    }
    let rest = ["$HOME", "${HOME}", "$PWD", "${PWD}"]
        .iter()
        .find_map(|p| raw.strip_prefix(p))?;
    if rest.contains(['$', '`']) || !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(raw)
}

/// `path` with a leading link (made earlier in the same command line)
/// replaced by its target.
pub(crate) fn through_links(path: &Path, links: &[(PathBuf, PathBuf)]) -> PathBuf {
    for (link, target) in links.iter().rev() {
        if let Ok(rest) = path.strip_prefix(link) {
            return if rest.as_os_str().is_empty() {
                target.clone()
            } else {
                target.join(rest)
            };
        }
    }
    path.to_path_buf()
}

/// Every place a deleted or changed path may really be: as written, through
/// links made earlier in the line, and through symlinks on disk.
fn real_paths(path: &Path, cx: &CheckCtx<'_>) -> Vec<PathBuf> {
    let mut out = vec![path.to_path_buf()];
    for p in crate::path::candidates(&through_links(path, cx.links)) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn temp_dirs() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from("/tmp"), PathBuf::from("/var/tmp")];
    if let Some(t) = std::env::var_os("TMPDIR") {
        let t = PathBuf::from(t);
        if t.is_absolute() && t != Path::new("/") {
            v.push(t);
        }
    }
    v
}

fn recursive_deletes<'a>(i: usize, cx: &'a CheckCtx<'_>) -> impl Iterator<Item = (&'a str, bool)> {
    cx.effects
        .get(i)
        .into_iter()
        .flatten()
        .filter_map(|e| match e {
            Effect::Delete {
                path,
                recursive: true,
                dynamic,
            } => Some((path.as_str(), *dynamic)),
            _ => None,
        })
}

fn rm_outside(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    // find (and what find -exec runs) acts on matches under a start path,
    // so naming the project root there is normal.
    let is_find = prog(cmd) == "find" || cmd.origin == Origin::FindExec;
    for (raw, dynamic) in recursive_deletes(i, cx) {
        let Some(p) = static_path(raw, dynamic) else {
            continue;
        };
        let written = resolve_lexical(p.trim_end_matches(['*', '?']), cx.cwd, cx.home);
        for path in real_paths(&written, cx) {
            let root_or_home = path == Path::new("/") || path == cx.home;
            let ancestor_of_project =
                cx.project_root.starts_with(&path) && !(is_find && path == cx.project_root);
            let in_work = cx
                .work_dirs
                .iter()
                .any(|d| path.starts_with(d) && (path != *d || is_find));
            // Temporary directories are fair game, but not when the home or the
            // project happens to live under one.
            let in_tmp = temp_dirs()
                .iter()
                .any(|t| path.starts_with(t) && path != *t)
                && !path.starts_with(cx.home)
                && !cx.project_root.starts_with(&path);
            if root_or_home || ancestor_of_project || (!in_work && !in_tmp) {
                return Some(format!("{} (deletes {})", cmd.raw, path.display()));
            }
        }
    }
    None
}

fn component_is_build_output(rel: &Path, values: &[String]) -> bool {
    let rel_s = rel.to_string_lossy();
    rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        values.iter().any(|v| {
            if let Some(suffix) = v.strip_prefix('*') {
                c.ends_with(suffix)
            } else {
                *v == c
            }
        })
    }) || values
        .iter()
        .any(|v| v.contains('/') && rel_s.contains(v.as_str()))
}

fn rm_in_project(
    cmd: &SimpleCommand,
    i: usize,
    values: &[String],
    cx: &CheckCtx<'_>,
) -> Option<String> {
    if prog(cmd) == "find" {
        return None;
    }
    for (raw, dynamic) in recursive_deletes(i, cx) {
        let Some(p) = static_path(raw, dynamic) else {
            continue;
        };
        let path = resolve_lexical(p, cx.cwd, cx.home);
        for d in cx.work_dirs {
            if let Ok(rel) = path.strip_prefix(d) {
                if rel.as_os_str().is_empty() {
                    continue;
                }
                if !component_is_build_output(rel, values) {
                    return Some(format!("{} (deletes {})", cmd.raw, path.display()));
                }
            }
        }
    }
    None
}

fn has_recursive_flag(cmd: &SimpleCommand) -> bool {
    cmd.args().iter().any(|w| {
        let v = w.value.as_str();
        v == "--recursive"
            || (v.starts_with('-') && !v.starts_with("--") && (v.contains('r') || v.contains('R')))
    })
}

fn rm_dynamic(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    let deletes: Vec<_> = recursive_deletes(i, cx).collect();
    if deletes
        .iter()
        .any(|(raw, d)| static_path(raw, *d).is_none())
    {
        return Some(cmd.raw.clone());
    }
    let fed_args = cmd.origin == Origin::Xargs;
    if prog(cmd) == "rm"
        && has_recursive_flag(cmd)
        && (fed_args || (cmd.dynamic && deletes.is_empty()))
    {
        return Some(cmd.raw.clone());
    }
    None
}

/// Reads the current branch from `.git/HEAD` (following a worktree's `gitdir:` file).
fn current_branch(root: &Path) -> Option<String> {
    let git = root.join(".git");
    let head = if git.is_file() {
        let text = std::fs::read_to_string(&git).ok()?;
        let dir = text.trim().strip_prefix("gitdir:")?.trim().to_string();
        let dir = if Path::new(&dir).is_absolute() {
            PathBuf::from(dir)
        } else {
            root.join(dir)
        };
        std::fs::read_to_string(dir.join("HEAD")).ok()?
    } else {
        std::fs::read_to_string(git.join("HEAD")).ok()?
    };
    head.trim()
        .strip_prefix("ref: refs/heads/")
        .map(str::to_string)
}

fn branch_is_protected(branch: &str, protected: &[String]) -> bool {
    let b = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    protected.iter().any(|p| match p.split_once('*') {
        Some((pre, post)) => {
            b.starts_with(pre) && b.ends_with(post) && b.len() >= pre.len() + post.len()
        }
        None => p == b,
    })
}

fn git_push_force(cmd: &SimpleCommand, cx: &CheckCtx<'_>, want_protected: bool) -> Option<String> {
    if prog(cmd) != "git" {
        return None;
    }
    let args: Vec<&str> = cmd.args().iter().map(|w| w.value.as_str()).collect();
    let mut k = 0;
    while k < args.len() && args[k].starts_with('-') {
        k += if GIT_VALUE_OPTS.contains(&args[k]) {
            2
        } else {
            1
        };
    }
    // `git -c alias.x='push --force origin main' x`: run the alias's words.
    let aliased: Vec<&str>;
    let mut rest_from = k + 1;
    let sub = args.get(k).copied().unwrap_or("");
    let alias_val = args.windows(2).find_map(|w| {
        (w[0] == "-c")
            .then_some(w[1])
            .and_then(|kv| kv.strip_prefix("alias."))
            .and_then(|kv| kv.split_once('='))
            .filter(|(n, _)| *n == sub)
            .map(|(_, v)| v)
    });
    let args: Vec<&str> = match alias_val {
        Some(v) if !v.starts_with('!') => {
            aliased = v
                .split_whitespace()
                .chain(args[k + 1..].iter().copied())
                .collect();
            rest_from = 1;
            aliased.clone()
        }
        _ => args,
    };
    let k = if alias_val.is_some_and(|v| !v.starts_with('!')) {
        0
    } else {
        k
    };
    if args.get(k) != Some(&"push") {
        return None;
    }
    let rest = &args[rest_from..];
    let mut force = false;
    let mut all_refs = false;
    let mut positional = Vec::new();
    let mut j = 0;
    while j < rest.len() {
        let a = rest[j];
        match a {
            "-f" | "--force" | "--delete" | "-d" => force = true,
            "--mirror" | "--all" | "--prune" => {
                force |= a != "--all";
                all_refs = true;
            }
            "--repo" | "-o" | "--push-option" | "--receive-pack" | "--exec" => j += 1,
            _ if a.starts_with("--force-with-lease") || a.starts_with("--force-if-includes") => {
                force = true
            }
            _ if a.starts_with("--") => {}
            _ if a.starts_with('-') && a.len() > 1 => {
                force |= a[1..].contains('f') || a[1..].contains('d')
            }
            _ => positional.push(a),
        }
        j += 1;
    }
    let refspecs = positional.get(1..).unwrap_or(&[]);
    let mut targets: Vec<Option<String>> = Vec::new();
    for r in refspecs {
        let (plus, r) = match r.strip_prefix('+') {
            Some(x) => (true, x),
            None => (false, *r),
        };
        force |= plus;
        let dst = match r.split_once(':') {
            Some((src, dst)) => {
                force |= src.is_empty();
                dst
            }
            None => r,
        };
        targets.push(if dst == "HEAD" {
            current_branch(cx.project_root)
        } else {
            Some(dst.to_string())
        });
    }
    if !force {
        return None;
    }
    if refspecs.is_empty() && !all_refs {
        targets.push(current_branch(cx.project_root));
    }
    let protected = all_refs
        || targets.iter().any(|t| match t {
            Some(b) => branch_is_protected(b, cx.protected),
            None => true,
        });
    (protected == want_protected).then(|| cmd.raw.clone())
}

fn runs_stdin(cmd: &SimpleCommand) -> bool {
    let p = prog(cmd);
    if !(SHELLS.contains(&p) || INTERPRETERS.contains(&p)) {
        return false;
    }
    // A shell or interpreter reads code from stdin unless given a script file or -c/-e code.
    let mut args = cmd.args().iter().map(|w| w.value.as_str());
    !args.any(|a| {
        a == "-c"
            || a == "-e"
            || a == "-E"
            || a == "--eval"
            || (!a.starts_with('-') && a != "-")
            || (a.starts_with('-')
                && !a.starts_with("--")
                && a.contains('c')
                && SHELLS.contains(&p))
    })
}

fn pipe_to_shell(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    let cmds = &cx.analysis.commands;
    // A: downloader | … | shell reading stdin (or xargs running a shell).
    // A command run through `xargs` or `find -exec` (at any depth) sits at
    // the pipeline position of the outermost xargs/find.
    let stage_of = |k: usize| -> Option<PipelinePos> {
        let mut k = k;
        for _ in 0..32 {
            let c = cmds.get(k)?;
            if let Some(p) = c.pipeline {
                return Some(p);
            }
            if !matches!(c.origin, Origin::Xargs | Origin::FindExec) {
                return None;
            }
            k = c.parent?;
        }
        None
    };
    if let Some(pos) = stage_of(i) {
        let xargs_shell = prog(cmd) == "xargs"
            && cmd.args().iter().any(|w| {
                let b = w.value.rsplit('/').next().unwrap_or(&w.value);
                SHELLS.contains(&b) || INTERPRETERS.contains(&b)
            });
        if pos.index > 0 && (runs_stdin(cmd) || xargs_shell) {
            let fed = cmds.iter().enumerate().any(|(k, c)| {
                k != i
                    && DOWNLOADERS.contains(&prog(c))
                    && stage_of(k).is_some_and(|p| p.id == pos.id && p.index < pos.index)
            });
            if fed {
                return Some(cmd.raw.clone());
            }
        }
    }
    // B: a download substituted into code that a shell, interpreter or eval runs.
    if DOWNLOADERS.contains(&prog(cmd))
        && matches!(
            cmd.origin,
            Origin::CommandSubstitution | Origin::ProcessSubstitution
        )
    {
        let mut parent = cmd.parent;
        while let Some(p) = parent {
            let pc = cmds.get(p)?;
            let pp = prog(pc);
            if SHELLS.contains(&pp) || INTERPRETERS.contains(&pp) || EVALUATORS.contains(&pp) {
                return Some(pc.raw.clone());
            }
            parent = pc.parent;
        }
    }
    None
}

fn download_then_execute(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    let cmds = &cx.analysis.commands;
    let mut downloaded: Vec<PathBuf> = Vec::new();
    for (k, c) in cmds.iter().enumerate().take(i) {
        if DOWNLOADERS.contains(&prog(c)) {
            for e in cx.effects.get(k).into_iter().flatten() {
                if let Effect::Write {
                    path,
                    dynamic: false,
                } = e
                {
                    downloaded.push(resolve_lexical(path, cx.cwd, cx.home));
                }
            }
        }
    }
    if downloaded.is_empty() {
        return None;
    }
    // An archive that was downloaded and then unpacked here: whatever runs
    // from the unpacked tree (`./t/install`) came from the download.
    let unpacked = cmds.iter().enumerate().take(i).any(|(k, c)| {
        matches!(prog(c), "tar" | "unzip" | "7z" | "bsdtar")
            && cx.effects.get(k).into_iter().flatten().any(|e| match e {
                Effect::Read { path, .. } => {
                    downloaded.contains(&resolve_lexical(path, cx.cwd, cx.home))
                }
                _ => false,
            })
    });
    if unpacked {
        if let Some(w) = cmd
            .words
            .first()
            .filter(|w| w.value.starts_with("./") || w.value.starts_with("../"))
        {
            return Some(format!(
                "{} (runs {} from a downloaded archive)",
                cmd.raw, w.value
            ));
        }
    }
    let resolve = |s: &str| resolve_lexical(s, cx.cwd, cx.home);
    let program_word = cmd.words.first().map(|w| w.value.as_str()).unwrap_or("");
    let p = prog(cmd);
    let runs = if SHELLS.contains(&p) || INTERPRETERS.contains(&p) || EVALUATORS.contains(&p) {
        cmd.args()
            .iter()
            .find(|w| !w.value.starts_with('-'))
            .map(|w| resolve(&w.value))
    } else if program_word.contains('/') {
        Some(resolve(program_word))
    } else {
        None
    };
    runs.filter(|r| downloaded.contains(r))
        .map(|_| cmd.raw.clone())
}

/// Programs whose output is their arguments.
const PRINTERS: &[&str] = &["echo", "printf", "print", "printenv", "env"];

/// True if an environment variable's name says it holds a secret
/// (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `OPENAI_API_KEY`, `DB_PASSWORD`),
/// unless it names a location (`…_FILE`, `…_PATH`, `…_DIR`, `…_URL`).
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    const MARKS: &[&str] = &[
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "AUTH_KEY",
    ];
    const LOCATIONS: &[&str] = &["_FILE", "_PATH", "_DIR", "_URL", "_HINT", "_NAME", "_ID"];
    MARKS.iter().any(|m| n.contains(m))
        && !LOCATIONS
            .iter()
            .any(|l| n.ends_with(l) || n.contains(&format!("{l}_")))
}

/// Names referenced as `$NAME` or `${NAME…}` in `text`.
fn var_refs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'$' {
            let start = if b.get(k + 1) == Some(&b'{') {
                k + 2
            } else {
                k + 1
            };
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if end > start {
                out.push(&text[start..end]);
            }
            k = end.max(k + 1);
        } else {
            k += 1;
        }
    }
    out
}

/// A secret variable printed (`print = true`: echo/printf/printenv) or
/// passed to any other program (`print = false`).
fn secret_variable(cmd: &SimpleCommand, print: bool) -> Option<String> {
    let p = prog(cmd);
    let printer = PRINTERS.contains(&p);
    if printer != print {
        return None;
    }
    let mut texts: Vec<&str> = cmd.words.iter().skip(1).map(|w| w.value.as_str()).collect();
    texts.extend(cmd.assignments.iter().map(|(_, w)| w.value.as_str()));
    texts.extend(cmd.redirects.iter().map(|r| r.target.value.as_str()));
    texts.extend(cmd.redirects.iter().filter_map(|r| r.body.as_deref()));
    let referenced = texts
        .iter()
        .any(|t| var_refs(t).into_iter().any(secret_name));
    // `printenv NAME` names the variable without a `$`.
    let named = p == "printenv" && cmd.args().iter().any(|w| secret_name(&w.value));
    (referenced || named).then(|| cmd.raw.clone())
}

fn perm_outside(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    if !matches!(prog(cmd), "chmod" | "chown" | "chgrp" | "setfacl") || !has_recursive_flag(cmd) {
        return None;
    }
    for e in cx.effects.get(i).into_iter().flatten() {
        let Effect::Write { path, dynamic } = e else {
            continue;
        };
        let Some(p) = static_path(path, *dynamic) else {
            continue;
        };
        let written = resolve_lexical(p, cx.cwd, cx.home);
        for path in real_paths(&written, cx) {
            let inside = cx
                .work_dirs
                .iter()
                .any(|d| path.starts_with(d) && path != *d);
            if !inside {
                return Some(format!("{} (changes {})", cmd.raw, path.display()));
            }
        }
    }
    None
}

/// Code whose text is only known at run time: a dynamic program word,
/// `eval`/`source` of dynamic text, a shell's `-c` body or an interpreter's
/// `-c`/`-e` code that is dynamic.
fn dynamic_code(cmd: &SimpleCommand) -> Option<String> {
    let first = cmd.words.first()?;
    if first.dynamic {
        return Some(cmd.raw.clone());
    }
    let p = prog(cmd);
    let args = cmd.args();
    let hit = if EVALUATORS.contains(&p) {
        args.iter().any(|w| w.dynamic)
    } else if SHELLS.contains(&p) || INTERPRETERS.contains(&p) {
        // The word after -c / -e (or a combined flag ending in c, like -lc).
        args.windows(2).any(|pair| {
            let flag = pair[0].value.as_str();
            let is_code_flag = matches!(flag, "-c" | "-e" | "-E" | "--eval" | "-r" | "-p")
                || (flag.starts_with('-')
                    && !flag.starts_with("--")
                    && flag.ends_with('c')
                    && SHELLS.contains(&p));
            is_code_flag && pair[1].dynamic
        })
    } else {
        false
    };
    hit.then(|| cmd.raw.clone())
}

/// Hosts contacted by command `i`.
fn hosts(i: usize, cx: &CheckCtx<'_>) -> Vec<(String, String, Option<String>)> {
    cx.effects
        .get(i)
        .into_iter()
        .flatten()
        .filter_map(|e| match e {
            Effect::Network { target, upload } => {
                host_of(target).map(|h| (h, target.clone(), upload.clone()))
            }
            _ => None,
        })
        .collect()
}

/// `host` is `domain` or a subdomain of it.
fn in_domain(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

fn network_host(i: usize, values: &[String], cx: &CheckCtx<'_>) -> Option<String> {
    hosts(i, cx)
        .into_iter()
        .find(|(h, _, _)| values.iter().any(|d| in_domain(h, d)))
        .map(|(_, target, _)| target)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
}

fn upload_file(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    hosts(i, cx)
        .into_iter()
        .find(|(h, _, up)| up.is_some() && !is_loopback(h))
        .map(|(_, target, up)| {
            format!("{} (sends {} to {target})", cmd.raw, up.unwrap_or_default())
        })
}

fn dynamic_lookup(cmd: &SimpleCommand, values: &[String]) -> Option<String> {
    let p = prog(cmd);
    (values.iter().any(|v| v == p)
        && cmd
            .args()
            .iter()
            .any(|w| w.dynamic && !w.value.starts_with('-')))
    .then(|| cmd.raw.clone())
}

/// `yes > file` or `cat /dev/zero > file`: endless output into a file.
fn endless_output(cmd: &SimpleCommand) -> Option<String> {
    let endless = match prog(cmd) {
        "yes" => true,
        "cat" => cmd.args().iter().any(|w| {
            matches!(
                w.value.as_str(),
                "/dev/zero" | "/dev/urandom" | "/dev/random"
            )
        }),
        _ => false,
    };
    let to_file = cmd.redirects.iter().any(|r| {
        matches!(
            r.op,
            palisade_shell::RedirectOp::Write | palisade_shell::RedirectOp::Append
        ) && r.target.value != "/dev/null"
    });
    (endless && to_file).then(|| cmd.raw.clone())
}

/// Programs that open raw network connections.
const NET_PIPES: &[&str] = &["nc", "ncat", "netcat", "socat", "telnet", "openssl"];

/// A shell reading its commands from stdin in the same pipeline as a raw
/// network connection (`cat f | sh -i | nc host port > f`): a reverse shell.
fn shell_network_pipeline(cmd: &SimpleCommand, i: usize, cx: &CheckCtx<'_>) -> Option<String> {
    let pos = cmd.pipeline?;
    if !runs_stdin(cmd) {
        return None;
    }
    let _ = (i, pos);
    // Any pipeline of the line counts: `a | sh -i 2>&1 | nc …` may parse as
    // nested pipelines.
    cx.analysis
        .commands
        .iter()
        .any(|c| c.pipeline.is_some() && NET_PIPES.contains(&prog(c)))
        .then(|| cmd.raw.clone())
}

/// A function that calls itself twice through a pipe in the background
/// (`:(){ :|:& };:`), in any spacing and with any name.
fn fork_bomb(command: &str) -> Option<String> {
    let squeezed: String = command.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = squeezed.as_str();
    while let Some(open) = rest.find("(){") {
        let name_start = rest[..open]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '-' || c == '.'))
            .map_or(0, |k| k + 1);
        let name = &rest[name_start..open];
        let body_start = open + 3;
        let body_end = rest[body_start..]
            .find('}')
            .map_or(rest.len(), |k| body_start + k);
        let body = &rest[body_start..body_end];
        if !name.is_empty() && body.contains(&format!("{name}|{name}&")) {
            return Some(command.to_string());
        }
        rest = &rest[body_start..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_variable_names() {
        for yes in [
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "OPENAI_API_KEY",
            "db_password",
            "NPM_TOKEN",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "HOME",
            "PATH",
            "TOKEN_FILE",
            "SECRET_DIR",
            "TOKEN_FILE_PATH_HINT",
            "AUTHOR",
            "USER",
        ] {
            assert!(!secret_name(no), "{no}");
        }
        assert_eq!(var_refs("a=$X and ${Y:-z} $ 1 $$"), vec!["X", "Y"]);
    }

    #[test]
    fn fork_bombs_in_any_spelling() {
        for bomb in [
            ":(){ :|:& };:",
            "bomb() { bomb | bomb & }; bomb",
            "x(){ x|x& };x",
            "echo hi; :(){ :|: & }; :",
        ] {
            assert!(fork_bomb(bomb).is_some(), "{bomb}");
        }
        for ok in [
            "f() { echo | cat & }; f",
            "build() { make; }; build",
            "a|a&",
        ] {
            assert!(fork_bomb(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn protected_branch_globs() {
        let p: Vec<String> = DEFAULT_PROTECTED_BRANCHES
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(branch_is_protected("main", &p));
        assert!(branch_is_protected("refs/heads/master", &p));
        assert!(branch_is_protected("release/1.2", &p));
        assert!(!branch_is_protected("feature/main-menu", &p));
        assert!(!branch_is_protected("maintenance", &p));
    }

    #[test]
    fn static_paths() {
        assert_eq!(static_path("$HOME", true), Some("$HOME"));
        assert_eq!(static_path("${HOME}/x", true), Some("${HOME}/x"));
        assert_eq!(static_path("$HOMEX", true), None);
        assert_eq!(static_path("$DIR", true), None);
        assert_eq!(static_path("a", false), Some("a"));
    }

    #[test]
    fn reads_current_branch_from_git_head() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(d.path().join(".git")).expect("mkdir");
        std::fs::write(d.path().join(".git/HEAD"), "ref: refs/heads/feat/x\n").expect("write");
        assert_eq!(current_branch(d.path()).as_deref(), Some("feat/x"));
    }
}
