//! Wrappers and nested code: strips `env`, `sudo`, `timeout`… from the front
//! of a command, then finds the commands it runs itself (`bash -c` bodies,
//! heredocs fed to shells, `eval`, `xargs`, `parallel`, `find -exec`, `git -c
//! core.pager=…`, `su -c`, `script -c`, `watch`, `rsync -e`, `ssh -o
//! ProxyCommand=…`, `$(…)` of a decodable pipeline given as code, and shell
//! calls in interpreter one-liners).

use crate::model::{Origin, Redirect, RedirectOp, SimpleCommand, Word};
use crate::oneliner;
use crate::parse::Ctx;

/// Shells whose `-c` body, heredoc or here-string is parsed as a script.
const SHELLS: [&str; 8] = ["bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash"];

/// Most wrappers stripped from one command.
const MAX_WRAPPERS: usize = 32;

/// `git -c` keys whose value can run code (lower-case; `*` matches one part).
const GIT_CODE_KEYS: [&str; 20] = [
    "core.pager",
    "core.sshcommand",
    "core.fsmonitor",
    "core.editor",
    "core.hookspath",
    "core.askpass",
    "core.gitproxy",
    "credential.helper",
    "sequence.editor",
    "gpg.program",
    "gpg.*.program",
    "uploadpack.packobjectshook",
    "diff.external",
    "diff.*.textconv",
    "diff.*.command",
    "merge.*.driver",
    "difftool.*.cmd",
    "mergetool.*.cmd",
    "filter.*.clean",
    "filter.*.smudge",
];

/// `git -c` keys whose value is a path or a git command, not shell text
/// (unless it starts with `!`).
const GIT_NOT_SHELL: [&str; 3] = ["core.hookspath", "credential.helper", "core.fsmonitor"];

/// A command before wrapper stripping.
pub(crate) struct Draft {
    pub(crate) words: Vec<Word>,
    pub(crate) assignments: Vec<(String, Word)>,
    pub(crate) redirects: Vec<Redirect>,
    pub(crate) raw: String,
    pub(crate) origin: Origin,
    pub(crate) parent: Option<usize>,
    pub(crate) pipeline: Option<crate::model::PipelinePos>,
    pub(crate) dynamic: bool,
    pub(crate) depth: usize,
}

/// Options parsed from the front of an argument list.
struct Leading {
    /// `(name, value)`, e.g. `("-u", Some(root))`, `("--login", None)`.
    opts: Vec<(String, Option<Word>)>,
    /// Index of the first word after the options (and after `--`).
    end: usize,
}

impl Leading {
    fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|(n, _)| names.contains(&n.as_str()))
    }

    fn value(&self, names: &[&str]) -> Option<&Word> {
        self.opts
            .iter()
            .find(|(n, v)| names.contains(&n.as_str()) && v.is_some())
            .and_then(|(_, v)| v.as_ref())
    }
}

fn sub_word(w: &Word, value: &str) -> Word {
    Word {
        value: value.to_string(),
        dynamic: w.dynamic,
        glob: w.glob,
    }
}

/// Parses options at `words[from..]` up to the first operand. Short options
/// in `short_val` and long ones in `long_val` take a value (attached or the
/// next word); `--name=value` always carries one.
fn leading(words: &[Word], from: usize, short_val: &str, long_val: &[&str]) -> Leading {
    let mut opts = Vec::new();
    let mut i = from;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if w.dynamic || v == "-" || !v.starts_with('-') {
            break;
        }
        i += 1;
        if v == "--" {
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, value)) => opts.push((format!("--{name}"), Some(sub_word(w, value)))),
                None if long_val.contains(&v) => {
                    opts.push((v.to_string(), words.get(i).cloned()));
                    i += 1;
                }
                None => opts.push((v.to_string(), None)),
            }
            continue;
        }
        let cluster = &v[1..];
        for (k, ch) in cluster.char_indices() {
            if short_val.contains(ch) {
                let rest = &cluster[k + ch.len_utf8()..];
                let value = if rest.is_empty() {
                    i += 1;
                    words.get(i - 1).cloned()
                } else {
                    Some(sub_word(w, rest))
                };
                opts.push((format!("-{ch}"), value));
                break;
            }
            opts.push((format!("-{ch}"), None));
        }
    }
    Leading {
        opts,
        end: i.min(words.len()),
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What stripping one wrapper leaves.
struct Strip {
    /// The words of the wrapped command.
    words: Vec<Word>,
    /// Assignments given by the wrapper (`env A=1`).
    assigns: Vec<(String, Word)>,
}

fn rest(words: &[Word], from: usize) -> Option<Strip> {
    let rest = words.get(from..)?;
    (!rest.is_empty()).then(|| Strip {
        words: rest.to_vec(),
        assigns: Vec::new(),
    })
}

/// Base name of a static program word.
fn base(w: &Word) -> Option<&str> {
    if w.dynamic {
        return None;
    }
    Some(w.value.rsplit('/').next().unwrap_or(&w.value))
}

/// Strips one wrapper from `words`, if `words[0]` is one with a command after it.
fn strip(prog: &str, words: &[Word]) -> Option<Strip> {
    match prog {
        "env" => strip_env(words),
        "sudo" => {
            let l = leading(
                words,
                1,
                crate::knowledge::SUDO_SHORT_VAL,
                crate::knowledge::SUDO_LONG_VAL,
            );
            if l.has(&["-e", "--edit", "-l", "--list", "-v", "--validate", "-K"]) {
                return None;
            }
            rest(words, l.end)
        }
        "doas" => {
            let l = leading(words, 1, "uC", &[]);
            if l.has(&["-C"]) {
                return None;
            }
            rest(words, l.end)
        }
        "nice" => rest(words, leading(words, 1, "n", &["--adjustment"]).end),
        "nohup" | "builtin" | "unbuffer" | "setsid" => rest(words, leading(words, 1, "", &[]).end),
        "caffeinate" => rest(words, leading(words, 1, "tw", &[]).end),
        "timeout" => {
            let l = leading(words, 1, "sk", &["--signal", "--kill-after"]);
            words.get(l.end)?;
            rest(words, l.end + 1)
        }
        "time" => rest(
            words,
            leading(words, 1, "of", &["--output", "--format"]).end,
        ),
        "stdbuf" => rest(
            words,
            leading(words, 1, "ioe", &["--input", "--output", "--error"]).end,
        ),
        "command" => {
            let l = leading(words, 1, "", &[]);
            if l.has(&["-v", "-V"]) {
                return None;
            }
            rest(words, l.end)
        }
        "exec" => rest(words, leading(words, 1, "a", &[]).end),
        "ionice" => {
            let l = leading(
                words,
                1,
                "cnpPu",
                &["--class", "--classdata", "--pid", "--pgid", "--uid"],
            );
            if l.has(&["-p", "-P", "-u", "--pid", "--pgid", "--uid"]) {
                return None;
            }
            rest(words, l.end)
        }
        "chrt" => {
            let l = leading(
                words,
                1,
                "TPD",
                &["--sched-runtime", "--sched-period", "--sched-deadline"],
            );
            if l.has(&["-p", "--pid"]) {
                return None;
            }
            words.get(l.end)?;
            rest(words, l.end + 1)
        }
        "taskset" => {
            let l = leading(words, 1, "", &[]);
            if l.has(&["-p", "--pid"]) {
                return None;
            }
            words.get(l.end)?;
            rest(words, l.end + 1)
        }
        "flock" => strip_flock(words),
        "busybox" => rest(words, 1),
        _ => None,
    }
}

fn strip_env(words: &[Word]) -> Option<Strip> {
    let l = leading(words, 1, "uCS", &["--unset", "--chdir", "--split-string"]);
    let mut i = l.end;
    if words.get(i).is_some_and(|w| w.value == "-") {
        i += 1;
    }
    let mut assigns = Vec::new();
    while let Some(w) = words.get(i) {
        match w.value.split_once('=') {
            Some((name, value)) if is_name(name) => {
                assigns.push((name.to_string(), sub_word(w, value)));
                i += 1;
            }
            _ => break,
        }
    }
    let mut out = Vec::new();
    if let Some(s) = l.value(&["-S", "--split-string"]) {
        out.extend(s.value.split_whitespace().map(|p| sub_word(s, p)));
    }
    out.extend(words.get(i..).unwrap_or(&[]).iter().cloned());
    (!out.is_empty()).then_some(Strip {
        words: out,
        assigns,
    })
}

fn strip_flock(words: &[Word]) -> Option<Strip> {
    let l = leading(
        words,
        1,
        "wEc",
        &["--wait", "--timeout", "--conflict-exit-code", "--command"],
    );
    let sh = |body: &Word| Strip {
        words: vec![Word::lit("sh"), Word::lit("-c"), body.clone()],
        assigns: Vec::new(),
    };
    if let Some(body) = l.value(&["-c", "--command"]) {
        return Some(sh(body));
    }
    // `flock FILE -c CMD` or `flock FILE cmd args…`.
    let after = l.end + 1;
    match words.get(after) {
        Some(w) if w.value == "-c" || w.value == "--command" => words.get(after + 1).map(sh),
        Some(_) => rest(words, after),
        None => None,
    }
}

/// Strips wrappers, lists the command, then the commands it runs itself.
/// Returns the command's index.
pub(crate) fn emit(cx: &mut Ctx, d: Draft, level: usize) -> Option<usize> {
    let dynamic = d.dynamic
        || d.words.iter().any(|w| w.dynamic)
        || d.assignments.iter().any(|(_, w)| w.dynamic)
        || d.redirects
            .iter()
            .any(|r| r.target.dynamic && r.op != RedirectOp::HereDoc);
    let mut words = d.words;
    // Reserved words the grammar left at the front of a command (`! { rm -rf ~; }`
    // parses as a command `{ rm -rf ~`): bash runs what follows them.
    const OPENERS: &[&str] = &[
        "{", "!", "do", "then", "else", "elif", "if", "while", "until",
    ];
    // (The grammar may even put several in one word: `! { {` gives `{ {`.)
    while words.len() > 1
        && words.first().is_some_and(|w| {
            !w.dynamic
                && w.value.split_whitespace().next().is_some()
                && w.value.split_whitespace().all(|t| OPENERS.contains(&t))
        })
    {
        words.remove(0);
    }
    if words.len() == 1
        && words
            .first()
            .is_some_and(|w| matches!(w.value.as_str(), "}" | "done" | "fi" | "esac"))
    {
        words.clear();
    }
    // `\cat` is `cat` (and `\\cat` inside backticks): a backslash before a
    // program name only stops alias expansion.
    if let Some(w) = words
        .first_mut()
        .filter(|w| !w.dynamic && w.value.starts_with('\\'))
    {
        w.value = w.value.trim_start_matches('\\').to_string();
    }
    let mut wrappers = Vec::new();
    let mut assignments = d.assignments;
    while wrappers.len() < MAX_WRAPPERS {
        let Some(prog) = words.first().and_then(base).map(str::to_string) else {
            break;
        };
        let Some(s) = strip(&prog, &words) else {
            break;
        };
        wrappers.push(prog);
        assignments.extend(s.assigns);
        words = s.words;
    }
    let cmd = SimpleCommand {
        words,
        wrappers,
        assignments,
        redirects: d.redirects,
        raw: d.raw,
        origin: d.origin,
        parent: d.parent,
        pipeline: d.pipeline,
        dynamic,
    };
    let idx = cx.push(cmd)?;
    derive(cx, idx, d.depth, level);
    Some(idx)
}

/// `(has -c, has -s, index of the first operand)` for a shell's arguments.
fn shell_args(args: &[Word]) -> (bool, bool, usize) {
    let (mut c, mut s) = (false, false);
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if w.dynamic {
            break;
        }
        if v == "--" || v == "-" {
            i += 1;
            break;
        }
        if v.starts_with("--") {
            i += if matches!(v, "--rcfile" | "--init-file") {
                2
            } else {
                1
            };
            continue;
        }
        if v.len() > 1 && (v.starts_with('-') || v.starts_with('+')) {
            let flags = &v[1..];
            c |= v.starts_with('-') && flags.contains('c');
            s |= flags.contains('s');
            i += if flags.contains(['o', 'O']) { 2 } else { 1 };
            continue;
        }
        break;
    }
    (c, s, i.min(args.len()))
}

fn is_shell(cmd: &SimpleCommand) -> bool {
    cmd.program().is_some_and(|p| SHELLS.contains(&p))
}

/// True if `cmd` is a shell that reads its script from standard input
/// (`sh`, `bash -s`, no `-c` and no script file).
pub(crate) fn shell_reads_stdin(cmd: &SimpleCommand) -> bool {
    if !is_shell(cmd) {
        return false;
    }
    let args = cmd.args();
    let (c, s, i) = shell_args(args);
    !c && (s || i >= args.len())
}

/// True if `cmd` runs the script on its standard input: a shell reading
/// stdin, `bash /dev/stdin`, `source /dev/stdin`, `. /dev/stdin`.
pub(crate) fn runs_stdin(cmd: &SimpleCommand) -> bool {
    let stdin = |w: Option<&Word>| {
        w.is_some_and(|w| {
            !w.dynamic
                && matches!(
                    w.value.as_str(),
                    "/dev/stdin" | "/proc/self/fd/0" | "/dev/fd/0"
                )
        })
    };
    if shell_reads_stdin(cmd) {
        return true;
    }
    let args = cmd.args();
    match cmd.program() {
        Some("source" | ".") => stdin(args.first()),
        Some(p) if SHELLS.contains(&p) => {
            let (c, _, i) = shell_args(args);
            !c && stdin(args.get(i))
        }
        _ => false,
    }
}

/// Lists the commands that the command at `idx` runs itself.
fn derive(cx: &mut Ctx, idx: usize, depth: usize, level: usize) {
    let Some(cmd) = cx.commands.get(idx) else {
        return;
    };
    let Some(prog) = cmd.program().map(str::to_string) else {
        return;
    };
    let words = cmd.words.clone();
    let raw = cmd.raw.clone();
    let args = words.get(1..).unwrap_or(&[]);
    let nested = |cx: &mut Ctx, text: &str, origin: Origin| {
        cx.script(text, origin, Some(idx), depth + 1, level + 1);
    };
    // `$(echo … | base64 -d)` given as code: parse what it outputs.
    let decoded = |cx: &mut Ctx, value: &str| {
        if let Some(out) = cx.substitution_output(value, depth, level) {
            cx.script(&out.text, Origin::Decoded, Some(idx), depth + 1, level + 1);
        }
    };
    // `python -c 'os.system("…")'` and other one-liners.
    if let Some((lang, Some(code))) = cx.commands.get(idx).and_then(oneliner::code) {
        let scan = oneliner::scan(lang, &code);
        if scan.dynamic {
            if let Some(c) = cx.commands.get_mut(idx) {
                c.dynamic = true;
            }
        }
        for text in &scan.commands {
            nested(cx, text, Origin::Interpreter);
        }
    }
    let child = |cx: &mut Ctx, words: Vec<Word>, origin: Origin| {
        let d = Draft {
            words,
            assignments: Vec::new(),
            redirects: Vec::new(),
            raw: raw.clone(),
            origin,
            parent: Some(idx),
            pipeline: None,
            dynamic: true,
            depth,
        };
        emit(cx, d, level + 1);
    };
    match prog.as_str() {
        p if SHELLS.contains(&p) => {
            let (c, s, i) = shell_args(args);
            if c {
                match args.get(i) {
                    Some(body) if !body.dynamic => nested(cx, &body.value, Origin::ShellC),
                    Some(body) => decoded(cx, &body.value),
                    None => {}
                }
            } else if s || i >= args.len() {
                let redirects = cx.commands.get(idx).map(|c| c.redirects.clone());
                for r in redirects.unwrap_or_default() {
                    match (r.op, r.body) {
                        (RedirectOp::HereDoc, Some(body)) => nested(cx, &body, Origin::Heredoc),
                        (RedirectOp::HereString, _) if !r.target.dynamic => {
                            nested(cx, &r.target.value, Origin::Heredoc);
                        }
                        (RedirectOp::HereString, _) => decoded(cx, &r.target.value),
                        _ => {}
                    }
                }
            } else if let Some(script) = args.get(i).filter(|w| w.dynamic) {
                // `bash <(echo … | base64 -d)`
                decoded(cx, &script.value);
            }
        }
        "source" | "." => {
            if let Some(script) = args.first().filter(|w| w.dynamic) {
                decoded(cx, &script.value);
            }
        }
        "eval" if !args.is_empty() && args.iter().all(|a| !a.dynamic) => {
            let text: Vec<&str> = args.iter().map(|a| a.value.as_str()).collect();
            nested(cx, &text.join(" "), Origin::Eval);
        }
        "eval" if args.len() == 1 => decoded(cx, &args[0].value),
        "xargs" => {
            let l = leading(
                &words,
                1,
                "ILnPdEsa",
                &[
                    "--arg-file",
                    "--delimiter",
                    "--max-args",
                    "--max-procs",
                    "--max-chars",
                    "--process-slot-var",
                ],
            );
            let run = words.get(l.end..).unwrap_or(&[]).to_vec();
            let run = if run.is_empty() {
                vec![Word::lit("echo")]
            } else {
                run
            };
            child(cx, run, Origin::Xargs);
        }
        "find" => {
            let mut i = 0;
            while i < args.len() {
                if matches!(
                    args[i].value.as_str(),
                    "-exec" | "-execdir" | "-ok" | "-okdir"
                ) {
                    let start = i + 1;
                    let mut end = start;
                    while end < args.len() && !matches!(args[end].value.as_str(), ";" | "+") {
                        end += 1;
                    }
                    let run = args.get(start..end).unwrap_or(&[]).to_vec();
                    if !run.is_empty() {
                        child(cx, run, Origin::FindExec);
                    }
                    i = end;
                }
                i += 1;
            }
        }
        "git" => git_config(cx, idx, args, depth, level),
        "script" => {
            // util-linux `script -c CMD [file]`; BSD `script [-q] file CMD…`.
            let l = leading(
                &words,
                1,
                "cTIOBEm",
                &[
                    "--command",
                    "--log-timing",
                    "--log-in",
                    "--log-out",
                    "--log-io",
                    "--echo",
                    "--logging-format",
                    "--output-limit",
                ],
            );
            match l.value(&["-c", "--command"]) {
                Some(b) if !b.dynamic => nested(cx, &b.value, Origin::ShellC),
                Some(_) => {}
                None => {
                    let run = words.get(l.end + 1..).unwrap_or(&[]);
                    if !run.is_empty() && run.iter().all(|w| !w.dynamic) {
                        let v: Vec<&str> = run.iter().map(|w| w.value.as_str()).collect();
                        nested(cx, &oneliner::join_argv(&v), Origin::ShellC);
                    }
                }
            }
        }
        "watch" => {
            // `watch [-n SECS] CMD…`: the words joined, run by `sh -c`
            // (or exec'd with `-x`).
            let l = leading(&words, 1, "nq", &["--interval", "--equexit"]);
            let run = words.get(l.end..).unwrap_or(&[]);
            let parts: Vec<&str> = run.iter().map(|w| w.value.as_str()).collect();
            if l.has(&["-x", "--exec"]) {
                if !run.is_empty() && run.iter().all(|w| !w.dynamic) {
                    nested(cx, &oneliner::join_argv(&parts), Origin::ShellC);
                }
            } else if !parts.is_empty() {
                nested(cx, &parts.join(" "), Origin::ShellC);
            }
        }
        "rsync" => {
            // `rsync -e CMD` / `--rsh=CMD`: a local command (split into words).
            let mut i = 0;
            while let Some(w) = args.get(i) {
                let v = w.value.as_str();
                let rsh = if v == "-e" || v == "--rsh" {
                    i += 1;
                    args.get(i).map(|w| (w.value.clone(), w.dynamic))
                } else if let Some(r) = v.strip_prefix("--rsh=") {
                    Some((r.to_string(), w.dynamic))
                } else if v.starts_with('-')
                    && !v.starts_with("--")
                    && v.ends_with('e')
                    && v.len() > 2
                {
                    // `-ae CMD`
                    i += 1;
                    args.get(i).map(|w| (w.value.clone(), w.dynamic))
                } else {
                    None
                };
                if let Some((cmd, false)) = rsh {
                    nested(cx, &cmd, Origin::ShellC);
                }
                i += 1;
            }
        }
        "parallel" => {
            // GNU parallel: `parallel [opts] TEMPLATE… ::: ARGS`, the template
            // run by a shell with `{}` replaced.
            let l = leading(
                &words,
                1,
                "jSdaPIEnNlLsX",
                &[
                    "--jobs",
                    "--sshlogin",
                    "--delimiter",
                    "--arg-file",
                    "--max-procs",
                    "--max-args",
                    "--colsep",
                    "--joblog",
                    "--results",
                    "--tmpdir",
                    "--workdir",
                    "--timeout",
                    "--halt",
                    "--env",
                ],
            );
            let run: Vec<Word> = words
                .get(l.end..)
                .unwrap_or(&[])
                .iter()
                .take_while(|w| !w.value.starts_with(":::"))
                .cloned()
                .collect();
            if run.is_empty() || run.iter().any(|w| w.dynamic) {
                if let Some(c) = cx.commands.get_mut(idx) {
                    c.dynamic = true;
                }
            } else {
                let parts: Vec<&str> = run.iter().map(|w| w.value.as_str()).collect();
                nested(cx, &parts.join(" "), Origin::Xargs);
            }
        }
        "su" | "runuser" => {
            let l = leading(&words, 1, "cgGsw", &["--command", "--shell", "--group"]);
            let body = l.value(&["-c", "--command"]).cloned().or_else(|| {
                // `su user -c CMD`: options may follow the user name.
                let l2 = leading(&words, l.end + 1, "cgGsw", &["--command", "--shell"]);
                l2.value(&["-c", "--command"]).cloned()
            });
            if let Some(b) = body.filter(|b| !b.dynamic) {
                nested(cx, &b.value, Origin::ShellC);
            }
        }
        "ssh" | "scp" | "sftp" => {
            let mut i = 0;
            while i < args.len() {
                let v = args[i].value.as_str();
                let opt = if v == "-o" {
                    i += 1;
                    args.get(i)
                } else if v.starts_with("-o") {
                    Some(&args[i])
                } else {
                    None
                };
                if let Some(o) = opt {
                    let text = o.value.strip_prefix("-o").unwrap_or(&o.value);
                    let (k, val) = text.split_once(['=', ' ']).unwrap_or((text, ""));
                    let k = k.to_ascii_lowercase();
                    if (k == "proxycommand" || k == "localcommand") && !o.dynamic {
                        nested(cx, val.trim(), Origin::ShellC);
                    }
                }
                i += 1;
            }
        }
        _ => {}
    }
}

fn git_key_matches(pattern: &str, key: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    match p.as_slice() {
        [a, "*", c] => key.starts_with(&format!("{a}.")) && key.ends_with(&format!(".{c}")),
        _ => key == pattern,
    }
}

/// `git -c key=value`: code-running keys make the command dynamic, and
/// their shell values are parsed.
fn git_config(cx: &mut Ctx, idx: usize, args: &[Word], depth: usize, level: usize) {
    let mut i = 0;
    let mut dynamic = false;
    let mut bodies = Vec::new();
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if w.dynamic || !v.starts_with('-') {
            break;
        }
        let kv = match v {
            "-c" => {
                i += 1;
                args.get(i)
            }
            "--config-env" => {
                dynamic = true;
                i += 1;
                None
            }
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix" => {
                i += 1;
                None
            }
            _ if v.starts_with("--config-env=") => {
                dynamic = true;
                None
            }
            _ => None,
        };
        i += 1;
        let Some(kv) = kv else {
            continue;
        };
        let (key, value) = kv.value.split_once('=').unwrap_or((&kv.value, "true"));
        let key = key.to_ascii_lowercase();
        let code = key.starts_with("alias.")
            || key.starts_with("pager.")
            || GIT_CODE_KEYS.iter().any(|p| git_key_matches(p, &key));
        if !code {
            continue;
        }
        dynamic = true;
        if kv.dynamic {
            continue;
        }
        if let Some(shell) = value.strip_prefix('!') {
            bodies.push(shell.to_string());
        } else if !key.starts_with("alias.") && !GIT_NOT_SHELL.contains(&key.as_str()) {
            bodies.push(value.to_string());
        }
    }
    if dynamic {
        if let Some(c) = cx.commands.get_mut(idx) {
            c.dynamic = true;
        }
    }
    for b in bodies {
        cx.script(&b, Origin::ShellC, Some(idx), depth + 1, level + 1);
    }
}
