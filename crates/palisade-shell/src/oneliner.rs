//! Interpreter one-liners: shell commands, file and network operations in
//! code given on the command line (`python -c`, `perl -e`, `ruby -e`,
//! `node -e`, `php -r`, `awk 'PROGRAM'`).
//!
//! Not a parser of these languages: a scanner finds a known call name
//! (`os.system`, `subprocess.run`, `system`, `execSync`, `shutil.rmtree`,
//! `open`…), then reads its arguments when they are string literals, lists
//! of literals, or the home directory joined to literals
//! (`os.path.expanduser("~/x")`, `os.environ["HOME"] + "/x"`,
//! `Path.home() / "x"`, `"$ENV{HOME}/x"` become `~/x`). A known call with
//! any other argument makes the command dynamic.

use crate::effect::Effect;
use crate::knowledge;
use crate::model::{RedirectOp, SimpleCommand, Word};
use crate::options;

/// A language with one-liner code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Python,
    Perl,
    Ruby,
    Node,
    Php,
    Awk,
}

/// What a scan of one-liner code found.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Scan {
    /// Shell command text run by the code.
    pub(crate) commands: Vec<String>,
    /// Files and hosts the code touches.
    pub(crate) effects: Vec<Effect>,
    /// A known call had an argument that is not a literal.
    pub(crate) dynamic: bool,
}

/// Longest code scanned (bytes); longer code is dynamic.
const MAX_CODE: usize = 64 * 1024;

/// Deepest `exec("…")` / `eval("…")` nesting scanned.
const MAX_NESTING: usize = 4;

/// The language and code of an interpreter one-liner (`-c`/`-e`/`-r`
/// code, awk's program, or a heredoc or here-string on standard input), if
/// `cmd` is one. The code is `None` when it is dynamic.
pub(crate) fn code(cmd: &SimpleCommand) -> Option<(Lang, Option<String>)> {
    let prog = cmd.program()?;
    let lang = lang(prog)?;
    let spec = knowledge::spec(prog)?;
    let p = options::parse(cmd.args(), &spec);
    let names: &[&str] = match lang {
        Lang::Python => &["-c"],
        Lang::Perl => &["-e", "-E"],
        Lang::Ruby => &["-e"],
        Lang::Node => &["-e", "--eval", "-p", "--print"],
        Lang::Php => &["-r"],
        Lang::Awk => &["-e", "--source"],
    };
    let mut parts: Vec<&Word> = p.values(names).collect();
    if lang == Lang::Awk && parts.is_empty() && !p.has(&["-f", "--file"]) {
        parts.extend(p.operands.first());
    }
    if parts.is_empty() {
        // `python3 <<'EOF' … EOF`, `perl <<< '…'`: code on standard input.
        if lang == Lang::Awk || p.has(&["-m", "-f", "--file"]) {
            return None;
        }
        if p.operands.first().is_some_and(|w| w.value != "-") {
            return None;
        }
        return cmd.redirects.iter().rev().find_map(|r| match r.op {
            RedirectOp::HereDoc => Some((lang, r.body.clone())),
            RedirectOp::HereString if r.target.dynamic => Some((lang, None)),
            RedirectOp::HereString => Some((lang, Some(r.target.value.clone()))),
            _ => None,
        });
    }
    if parts.iter().any(|w| w.dynamic) {
        return Some((lang, None));
    }
    let code: Vec<&str> = parts.iter().map(|w| w.value.as_str()).collect();
    Some((lang, Some(code.join("\n"))))
}

fn lang(prog: &str) -> Option<Lang> {
    let stem = prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match stem {
        "python" | "pypy" => Lang::Python,
        "perl" => Lang::Perl,
        "ruby" => Lang::Ruby,
        "node" | "nodejs" => Lang::Node,
        "php" => Lang::Php,
        "awk" | "gawk" | "mawk" | "nawk" => Lang::Awk,
        _ => return None,
    })
}

/// What a call does with its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// Runs a shell string, or an argument vector (a list, or several strings).
    Shell,
    /// `(program, [args…])`; `true`: the list starts with argv[0].
    ProgArgs(bool),
    /// `(path, argv0, args…)`.
    ExecL,
    /// Evaluates code in the same language.
    Code,
    /// Imports or looks up by name: dynamic unless a literal.
    Lookup,
    Delete(bool),
    Read,
    Write,
    /// `(source, destination)`.
    Copy,
    /// `open(path, mode)` (Python, Ruby `File.open`, PHP `fopen`).
    Open,
    /// Perl `open(FH, MODE, PATH)` or `open(FH, "<PATH")`.
    PerlOpen,
    /// The URL or host argument.
    Network,
    /// Second argument is the URL (`requests.request("GET", url)`).
    Network2,
    /// A URL or a local file (`file_get_contents`).
    ReadOrNetwork,
}

/// Call names per language; a leading `.` is not required before a name
/// unless it contains one (`os.system` must be written so).
fn table(lang: Lang, code: &str) -> Vec<(&'static str, Act)> {
    use Act::*;
    let mut t: Vec<(&str, Act)> = match lang {
        Lang::Python => vec![
            ("system", Shell),
            ("popen", Shell),
            ("Popen", Shell),
            ("check_output", Shell),
            ("check_call", Shell),
            ("getoutput", Shell),
            ("getstatusoutput", Shell),
            ("pty.spawn", Shell),
            ("execv", ProgArgs(true)),
            ("execve", ProgArgs(true)),
            ("execvp", ProgArgs(true)),
            ("execvpe", ProgArgs(true)),
            ("execl", ExecL),
            ("execle", ExecL),
            ("execlp", ExecL),
            ("execlpe", ExecL),
            ("exec", Code),
            ("eval", Code),
            ("compile", Code),
            ("__import__", Lookup),
            ("import_module", Lookup),
            ("getattr", Lookup),
            ("rmtree", Delete(true)),
            ("os.remove", Delete(false)),
            ("os.unlink", Delete(false)),
            ("os.rmdir", Delete(false)),
            ("os.removedirs", Delete(true)),
            ("open", Open),
            ("shutil.copy", Copy),
            ("shutil.copy2", Copy),
            ("shutil.copyfile", Copy),
            ("shutil.copytree", Copy),
            ("shutil.move", Copy),
            ("urlopen", Network),
            ("urlretrieve", Network),
            ("requests.get", Network),
            ("requests.post", Network),
            ("requests.put", Network),
            ("requests.patch", Network),
            ("requests.delete", Network),
            ("requests.head", Network),
            ("requests.request", Network2),
            ("httpx.get", Network),
            ("httpx.post", Network),
            ("HTTPConnection", Network),
            ("HTTPSConnection", Network),
            ("urllib.request.Request", Network),
        ],
        Lang::Perl => vec![
            ("system", Shell),
            ("exec", Shell),
            ("eval", Code),
            ("unlink", Delete(false)),
            ("rmdir", Delete(false)),
            ("rmtree", Delete(true)),
            ("remove_tree", Delete(true)),
            ("open", PerlOpen),
            ("getstore", Network),
            ("LWP::Simple::get", Network),
        ],
        Lang::Ruby => vec![
            ("system", Shell),
            ("exec", Shell),
            ("spawn", Shell),
            ("IO.popen", Shell),
            ("capture2", Shell),
            ("capture2e", Shell),
            ("capture3", Shell),
            ("popen3", Shell),
            ("eval", Code),
            ("rm_rf", Delete(true)),
            ("rm_r", Delete(true)),
            ("remove_dir", Delete(true)),
            ("remove_entry", Delete(true)),
            ("FileUtils.rm", Delete(false)),
            ("rm_f", Delete(false)),
            ("File.delete", Delete(false)),
            ("File.unlink", Delete(false)),
            ("File.read", Read),
            ("File.readlines", Read),
            ("IO.read", Read),
            ("File.open", Open),
            ("File.write", Write),
            ("FileUtils.cp", Copy),
            ("URI.open", Network),
            ("URI", Network),
            ("URI.parse", Network),
        ],
        Lang::Node => vec![
            ("rmSync", Delete(false)),
            ("rmdirSync", Delete(false)),
            ("unlinkSync", Delete(false)),
            ("fs.rm", Delete(false)),
            ("fs.rmdir", Delete(false)),
            ("fs.unlink", Delete(false)),
            ("readFileSync", Read),
            ("fs.readFile", Read),
            ("writeFileSync", Write),
            ("appendFileSync", Write),
            ("fs.writeFile", Write),
            ("fs.appendFile", Write),
            ("copyFileSync", Copy),
            ("cpSync", Copy),
            ("fetch", Network),
            ("http.get", Network),
            ("https.get", Network),
            ("http.request", Network),
            ("https.request", Network),
            ("axios.get", Network),
            ("axios.post", Network),
            ("eval", Code),
        ],
        Lang::Php => vec![
            ("system", Shell),
            ("exec", Shell),
            ("shell_exec", Shell),
            ("passthru", Shell),
            ("popen", Shell),
            ("proc_open", Shell),
            ("pcntl_exec", ProgArgs(false)),
            ("eval", Code),
            ("unlink", Delete(false)),
            ("rmdir", Delete(false)),
            ("file_get_contents", ReadOrNetwork),
            ("readfile", ReadOrNetwork),
            ("file", ReadOrNetwork),
            ("file_put_contents", Write),
            ("fopen", Open),
            ("copy", Copy),
            ("curl_init", Network),
            ("fsockopen", Network),
        ],
        Lang::Awk => vec![("system", Shell)],
    };
    if lang == Lang::Python && code.contains("subprocess") {
        t.extend([("run", Shell), ("call", Shell)]);
    }
    if lang == Lang::Node && code.contains("child_process") {
        t.extend([
            ("exec", Shell),
            ("execSync", Shell),
            ("spawn", ProgArgs(false)),
            ("spawnSync", ProgArgs(false)),
            ("execFile", ProgArgs(false)),
            ("execFileSync", ProgArgs(false)),
            ("fork", ProgArgs(false)),
        ]);
    }
    if lang == Lang::Node && code.contains("http") {
        // `require("https").get(url)`
        t.extend([("get", Network), ("request", Network)]);
    }
    if lang == Lang::Perl && code.contains("LWP") {
        t.push(("get", Network));
    }
    if lang == Lang::Perl && code.contains("HTTP::Tiny") {
        t.extend([
            ("->get", Network),
            ("->post", Network),
            ("->request", Network2),
        ]);
    }
    if lang == Lang::Ruby && code.contains("Net::HTTP") {
        t.extend([
            ("Net::HTTP.get", Network),
            ("Net::HTTP.post", Network),
            ("Net::HTTP.start", Network),
        ]);
    }
    t
}

/// Scans `code` for shell commands, file and network operations.
pub(crate) fn scan(lang: Lang, code: &str) -> Scan {
    let mut out = Scan::default();
    if code.len() > MAX_CODE {
        out.dynamic = true;
        return out;
    }
    scan_into(lang, code, 0, &mut out);
    out
}

fn scan_into(lang: Lang, code: &str, nesting: usize, out: &mut Scan) {
    if nesting > MAX_NESTING {
        out.dynamic = true;
        return;
    }
    let src: Vec<char> = code.chars().collect();
    let s = Src { c: &src, lang };
    for (name, act) in table(lang, code) {
        let pat: Vec<char> = name.chars().collect();
        let mut from = 0;
        while let Some(at) = s.find(&pat, from) {
            from = at + 1;
            let before = at.checked_sub(1).and_then(|i| src.get(i)).copied();
            let dotted = name.contains(['.', ':', '>']);
            let boundary = match before {
                None => true,
                Some(b) => {
                    !(b.is_alphanumeric()
                        || b == '_'
                        || (dotted && b == '.')
                        || b == '$'
                        || b == '@'
                        || b == '%')
                }
            };
            let after = src.get(at + pat.len()).copied();
            if !boundary || after.is_some_and(|a| a.is_alphanumeric() || a == '_') {
                continue;
            }
            let Some(args) = s.call_args(at + pat.len()) else {
                continue;
            };
            apply(lang, act, &args, nesting, out);
        }
    }
    shell_syntax(&s, out);
}

/// A parsed argument value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    List(Vec<String>),
}

fn as_str(v: Option<&Option<Val>>) -> Option<&str> {
    match v {
        Some(Some(Val::Str(s))) => Some(s),
        _ => None,
    }
}

/// The language of an interpreter that reads its program from standard
/// input (`python3`, `perl -`, `node`), given no code, script or redirection.
pub(crate) fn stdin_lang(cmd: &SimpleCommand) -> Option<Lang> {
    let prog = cmd.program()?;
    let lang = lang(prog).filter(|l| *l != Lang::Awk)?;
    let spec = knowledge::spec(prog)?;
    let p = options::parse(cmd.args(), &spec);
    let stdin = p
        .opts
        .iter()
        .all(|(n, _)| !spec.script_opts.contains(&n.as_str()))
        && p.operands.first().is_none_or(|w| w.value == "-")
        && !cmd.redirects.iter().any(|r| {
            matches!(
                r.op,
                RedirectOp::Read | RedirectOp::HereDoc | RedirectOp::HereString
            ) && r.fd.is_none_or(|fd| fd == 0)
        });
    stdin.then_some(lang)
}

/// Words as a shell command line, quoted for re-parsing.
pub(crate) fn join_argv<S: AsRef<str>>(words: &[S]) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            let w = w.as_ref();
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || "-_./~=:,+@%".contains(c))
            {
                w.to_string()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect();
    quoted.join(" ")
}

fn apply(lang: Lang, act: Act, args: &[Option<Val>], nesting: usize, out: &mut Scan) {
    let first = args.first();
    let unknown = |out: &mut Scan| out.dynamic = true;
    let path = |v: Option<&Option<Val>>| as_str(v).map(str::to_string);
    match act {
        Act::Shell => match first {
            Some(Some(Val::Str(s))) => {
                let rest: Option<Vec<String>> = args
                    .get(1..)
                    .unwrap_or(&[])
                    .iter()
                    .map(|a| match a {
                        Some(Val::Str(s)) => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                match rest {
                    // `system("rm", "-rf", "x")` (Perl, Ruby): an argv.
                    Some(rest) if !rest.is_empty() && matches!(lang, Lang::Perl | Lang::Ruby) => {
                        let mut argv = vec![s.clone()];
                        argv.extend(rest);
                        out.commands.push(join_argv(&argv));
                    }
                    _ => out.commands.push(s.clone()),
                }
            }
            Some(Some(Val::List(l))) if !l.is_empty() => out.commands.push(join_argv(l)),
            _ => unknown(out),
        },
        Act::ProgArgs(argv0) => match (first, args.get(1)) {
            (Some(Some(Val::Str(p))), Some(Some(Val::List(l)))) => {
                let mut argv = vec![p.clone()];
                argv.extend(l.iter().skip(usize::from(argv0)).cloned());
                out.commands.push(join_argv(&argv));
            }
            (Some(Some(Val::Str(p))), None) => {
                out.commands.push(join_argv(std::slice::from_ref(p)))
            }
            (Some(Some(Val::List(l))), _) if !l.is_empty() => out.commands.push(join_argv(l)),
            _ => unknown(out),
        },
        Act::ExecL => {
            let strs: Option<Vec<String>> = args
                .iter()
                .map(|a| match a {
                    Some(Val::Str(s)) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            match strs {
                Some(s) if !s.is_empty() => {
                    let mut argv = vec![s[0].clone()];
                    argv.extend(s.iter().skip(2).cloned());
                    out.commands.push(join_argv(&argv));
                }
                _ => unknown(out),
            }
        }
        Act::Code => match first {
            Some(Some(Val::Str(s))) => scan_into(lang, s, nesting + 1, out),
            _ => unknown(out),
        },
        Act::Lookup => {
            if args.iter().any(|a| a.is_none()) || args.is_empty() {
                unknown(out);
            }
        }
        Act::Delete(recursive) => match path(first) {
            Some(p) => out.effects.push(Effect::Delete {
                path: p,
                recursive,
                dynamic: false,
            }),
            None => unknown(out),
        },
        Act::Read => match path(first) {
            Some(p) => out.effects.push(read(p)),
            None => unknown(out),
        },
        Act::Write => match path(first) {
            Some(p) => out.effects.push(write(p)),
            None => unknown(out),
        },
        Act::Copy => match (path(first), path(args.get(1))) {
            (Some(a), Some(b)) => {
                out.effects.push(read(a));
                out.effects.push(write(b));
            }
            _ => unknown(out),
        },
        Act::Open => match path(first) {
            Some(p) => {
                let mode = as_str(args.get(1)).unwrap_or("r");
                if mode.contains(['w', 'a', 'x', '+']) {
                    out.effects.push(write(p.clone()));
                }
                if mode.contains(['r', '+']) || !mode.contains(['w', 'a', 'x']) {
                    out.effects.push(read(p));
                }
            }
            None => unknown(out),
        },
        Act::PerlOpen => perl_open(args, out),
        Act::Network => match path(first) {
            Some(u) => out.effects.push(network(u)),
            None => unknown(out),
        },
        Act::Network2 => match path(args.get(1)) {
            Some(u) => out.effects.push(network(u)),
            None => unknown(out),
        },
        Act::ReadOrNetwork => match path(first) {
            Some(u) if u.contains("://") => out.effects.push(network(u)),
            Some(p) => out.effects.push(read(p)),
            None => unknown(out),
        },
    }
}

fn read(path: String) -> Effect {
    Effect::Read {
        path,
        recursive: false,
        dynamic: false,
    }
}

fn write(path: String) -> Effect {
    Effect::Write {
        path,
        dynamic: false,
    }
}

fn network(target: String) -> Effect {
    Effect::Network {
        target,
        upload: None,
    }
}

/// `open(FH, '<', PATH)`, `open(FH, "<PATH")`, `open(FH, "-|", CMD)`, `open(FH, "CMD |")`.
fn perl_open(args: &[Option<Val>], out: &mut Scan) {
    let mode_path = match (as_str(args.get(1)), as_str(args.get(2))) {
        (Some(mode), Some(path)) => Some((mode.trim().to_string(), path.to_string())),
        (Some(spec), None) if args.len() == 2 => {
            let spec = spec.trim();
            if let Some(cmd) = spec.strip_suffix('|') {
                Some(("-|".to_string(), cmd.trim().to_string()))
            } else if let Some(cmd) = spec.strip_prefix('|') {
                Some(("|-".to_string(), cmd.trim().to_string()))
            } else {
                let mode: String = spec.chars().take_while(|c| "<>+".contains(*c)).collect();
                Some((mode.clone(), spec[mode.len()..].trim().to_string()))
            }
        }
        _ => None,
    };
    let Some((mode, path)) = mode_path else {
        out.dynamic = true;
        return;
    };
    if mode.contains('|') {
        out.commands.push(path);
        return;
    }
    if mode.contains(['>', '+']) {
        out.effects.push(write(path.clone()));
    }
    if mode.is_empty() || mode.contains(['<', '+']) {
        out.effects.push(read(path));
    }
}

/// Backticks, `qx{}`, `%x()` (Perl, Ruby, PHP) and awk's `print | "cmd"`,
/// `"cmd" | getline`.
fn shell_syntax(s: &Src, out: &mut Scan) {
    let c = s.c;
    match s.lang {
        Lang::Perl | Lang::Ruby | Lang::Php => {
            let mut i = 0;
            while i < c.len() {
                let (open, body_at) = match (c[i], c.get(i + 1), c.get(i + 2)) {
                    ('`', _, _) => ('`', i + 1),
                    ('q', Some('x'), Some(&d))
                        if s.lang == Lang::Perl
                            && !d.is_alphanumeric()
                            && !d.is_whitespace()
                            && prev_not_ident(c, i) =>
                    {
                        (d, i + 3)
                    }
                    ('%', Some('x'), Some(&d)) if s.lang == Lang::Ruby && "({[<|!/".contains(d) => {
                        (d, i + 3)
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                let close = match open {
                    '(' => ')',
                    '{' => '}',
                    '[' => ']',
                    '<' => '>',
                    d => d,
                };
                let Some(len) = c
                    .get(body_at..)
                    .and_then(|r| r.iter().position(|&x| x == close))
                else {
                    out.dynamic = true;
                    return;
                };
                let body: String = c[body_at..body_at + len].iter().collect();
                if body.contains('$')
                    || body.contains("#{")
                    || body.contains('@') && s.lang == Lang::Perl
                {
                    out.dynamic = true;
                } else {
                    out.commands.push(body);
                }
                i = body_at + len + 1;
            }
        }
        Lang::Awk => {
            let mut i = 0;
            while i < c.len() {
                if c[i] == '|'
                    && c.get(i + 1) != Some(&'|')
                    && c.get(i.wrapping_sub(1)) != Some(&'|')
                {
                    // `print x | "cmd"`
                    let j = skip_ws(c, i + 1);
                    if c.get(j) == Some(&'"') {
                        match s.string(j) {
                            Some((Some(v), _)) => out.commands.push(v),
                            _ => out.dynamic = true,
                        }
                    } else if !c[j..].starts_with(&['g', 'e', 't', 'l', 'i', 'n', 'e']) {
                        // `print | cmd_var`: a variable command.
                        if c.get(j).is_some_and(|x| x.is_alphabetic()) && before_is_print(c, i) {
                            out.dynamic = true;
                        }
                    } else {
                        // `"cmd" | getline`: the string before the bar.
                        let mut k = i;
                        while k > 0 && c[k - 1].is_whitespace() {
                            k -= 1;
                        }
                        if k > 0 && c[k - 1] == '"' {
                            let start = (0..k - 1)
                                .rev()
                                .find(|&m| c[m] == '"' && (m == 0 || c[m - 1] != '\\'));
                            match start.and_then(|m| s.string(m)) {
                                Some((Some(v), _)) => out.commands.push(v),
                                _ => out.dynamic = true,
                            }
                        } else {
                            out.dynamic = true;
                        }
                    }
                }
                i += 1;
            }
        }
        Lang::Python | Lang::Node => {}
    }
}

fn before_is_print(c: &[char], bar: usize) -> bool {
    let line_start = c[..bar]
        .iter()
        .rposition(|&x| matches!(x, ';' | '{' | '\n'))
        .map_or(0, |p| p + 1);
    let stmt: String = c[line_start..bar].iter().collect();
    let stmt = stmt.trim_start();
    stmt.starts_with("print")
}

fn prev_not_ident(c: &[char], i: usize) -> bool {
    i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_' || c[i - 1] == '$')
}

fn skip_ws(c: &[char], mut i: usize) -> usize {
    while c.get(i).is_some_and(|x| x.is_whitespace()) {
        i += 1;
    }
    i
}

/// The code being scanned.
struct Src<'a> {
    c: &'a [char],
    lang: Lang,
}

/// Spellings of the home directory, read as `~`.
const HOME: [&str; 24] = [
    "os.environ[\"HOME\"]",
    "os.environ['HOME']",
    "os.environ.get(\"HOME\")",
    "os.environ.get('HOME')",
    "os.getenv(\"HOME\")",
    "os.getenv('HOME')",
    "pathlib.Path.home()",
    "Path.home()",
    "os.homedir()",
    "require(\"os\").homedir()",
    "require('os').homedir()",
    "process.env.HOME",
    "process.env[\"HOME\"]",
    "process.env['HOME']",
    "ENV[\"HOME\"]",
    "ENV['HOME']",
    "Dir.home",
    "$ENV{HOME}",
    "$ENV{'HOME'}",
    "$ENV{\"HOME\"}",
    "getenv(\"HOME\")",
    "getenv('HOME')",
    "$_SERVER['HOME']",
    "ENVIRON[\"HOME\"]",
];

/// Calls that return their (joined) path arguments.
const PATH_FNS: [&str; 12] = [
    "os.path.expanduser",
    "expanduser",
    "os.path.join",
    "os.path.abspath",
    "pathlib.Path",
    "Path",
    "str",
    "File.expand_path",
    "File.join",
    "path.join",
    "path.resolve",
    "URI",
];

/// Methods skipped after a value (`Path(…).expanduser()`).
const NOOP_METHODS: [&str; 5] = [
    ".expanduser()",
    ".resolve()",
    ".absolute()",
    ".as_posix()",
    ".strip()",
];

impl Src<'_> {
    fn at(&self, i: usize, s: &str) -> bool {
        (i..)
            .zip(s.chars())
            .all(|(k, ch)| self.c.get(k) == Some(&ch))
    }

    fn find(&self, pat: &[char], from: usize) -> Option<usize> {
        if pat.is_empty() || pat.len() > self.c.len() {
            return None;
        }
        (from..=self.c.len() - pat.len()).find(|&i| self.c[i..i + pat.len()] == *pat)
    }

    /// The arguments of a call whose name ends at `i`: `(a, b)` or, in Perl,
    /// Ruby and PHP, a parenthesis-free list up to the end of the statement.
    /// `None` if this is not a call. Each argument is `None` when it is not
    /// a literal.
    fn call_args(&self, i: usize) -> Option<Vec<Option<Val>>> {
        let j = skip_ws(self.c, i);
        let paren = self.c.get(j) == Some(&'(');
        if !paren {
            // `system "…"`, Perl `open F, …` / `open my $fh, …`.
            let bare = matches!(self.lang, Lang::Perl | Lang::Ruby)
                && j > i
                && self.c.get(j).is_some_and(|&x| {
                    "\"'$@[".contains(x) || (self.lang == Lang::Perl && x.is_ascii_uppercase())
                } || (self.lang == Lang::Perl && self.at(j, "my ")));
            if !bare {
                return None;
            }
        }
        let mut k = if paren { j + 1 } else { j };
        let mut args = Vec::new();
        loop {
            k = skip_ws(self.c, k);
            match self.c.get(k) {
                None => break,
                Some(')') if paren => break,
                Some(';' | '\n' | '}') if !paren => break,
                _ => {}
            }
            if args.len() >= 16 {
                break;
            }
            let (v, next) = self.expr(k, 0);
            args.push(v);
            k = self.skip_arg(next);
            if self.c.get(k) == Some(&',') || self.at(k, "=>") {
                k += if self.c.get(k) == Some(&',') { 1 } else { 2 };
            } else {
                break;
            }
        }
        Some(args)
    }

    /// From `i`, skips to the next top-level `,`, `)` or statement end.
    fn skip_arg(&self, mut i: usize) -> usize {
        let mut depth = 0usize;
        while let Some(&ch) = self.c.get(i) {
            match ch {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => return i,
                ')' | ']' | '}' => depth -= 1,
                ',' | ';' | '\n' if depth == 0 => return i,
                '"' | '\'' | '`' => {
                    i = self.string(i).map_or(i + 1, |(_, e)| e);
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        i
    }

    /// An expression at `i`: literals, home spellings, path calls, joined
    /// with `+`, `/` (and `.` in Perl and PHP). Returns the value (`None` if
    /// not static) and where parsing stopped.
    fn expr(&self, i: usize, depth: usize) -> (Option<Val>, usize) {
        if depth > 8 {
            return (None, i);
        }
        let (mut v, mut k) = self.term(i, depth);
        loop {
            let j = skip_ws(self.c, k);
            let op = match self.c.get(j) {
                Some('+') => "",
                Some('/') => "/",
                Some('.') if matches!(self.lang, Lang::Perl | Lang::Php) && !self.at(j, "..") => "",
                _ => return (v, k),
            };
            let (rhs, next) = self.term(skip_ws(self.c, j + 1), depth);
            v = match (v, rhs) {
                (Some(Val::Str(a)), Some(Val::Str(b))) => Some(Val::Str(join(&a, op, &b))),
                _ => None,
            };
            if next <= j {
                return (None, next.max(j + 1));
            }
            k = next;
        }
    }

    fn term(&self, i: usize, depth: usize) -> (Option<Val>, usize) {
        let c = self.c;
        let Some(&ch) = c.get(i) else {
            return (None, i);
        };
        if let Some(h) = HOME.iter().find(|h| self.at(i, h)) {
            return self.methods(Some(Val::Str("~".into())), i + h.chars().count());
        }
        if ch == '[' {
            let mut items = Vec::new();
            let mut k = i + 1;
            let mut ok = true;
            loop {
                k = skip_ws(c, k);
                match c.get(k) {
                    Some(']') => break,
                    None => return (None, k),
                    _ => {}
                }
                let (v, next) = self.expr(k, depth + 1);
                match v {
                    Some(Val::Str(s)) => items.push(s),
                    _ => ok = false,
                }
                k = skip_ws(c, self.skip_arg(next));
                if c.get(k) == Some(&',') {
                    k += 1;
                } else if c.get(k) != Some(&']') {
                    return (None, k);
                }
                if items.len() > 256 {
                    return (None, k);
                }
            }
            return (ok.then_some(Val::List(items)), k + 1);
        }
        if let Some((s, end)) = self.string(i) {
            return self.methods(s.map(Val::Str), end);
        }
        if let Some(f) = PATH_FNS
            .iter()
            .find(|f| self.at(i, f) && c.get(i + f.len()) == Some(&'('))
        {
            let mut k = i + f.len() + 1;
            let mut parts = Vec::new();
            loop {
                k = skip_ws(c, k);
                if c.get(k) == Some(&')') {
                    break;
                }
                let (v, next) = self.expr(k, depth + 1);
                parts.push(v);
                k = skip_ws(c, self.skip_arg(next));
                match c.get(k) {
                    Some(',') => k += 1,
                    Some(')') => break,
                    _ => return (None, k),
                }
                if parts.len() > 16 {
                    return (None, k);
                }
            }
            let strs: Option<Vec<String>> = parts
                .into_iter()
                .map(|p| match p {
                    Some(Val::Str(s)) => Some(s),
                    _ => None,
                })
                .collect();
            let v = strs.filter(|s| !s.is_empty()).map(|s| {
                let mut acc = s[0].clone();
                for p in &s[1..] {
                    acc = join(&acc, "/", p);
                }
                Val::Str(acc)
            });
            return self.methods(v, k + 1);
        }
        (None, i)
    }

    fn methods(&self, v: Option<Val>, mut k: usize) -> (Option<Val>, usize) {
        while let Some(m) = NOOP_METHODS.iter().find(|m| self.at(k, m)) {
            k += m.len();
        }
        (v, k)
    }

    /// A string literal at `i`: its value (`None` if it interpolates
    /// something other than the home directory) and the index after it.
    fn string(&self, i: usize) -> Option<(Option<String>, usize)> {
        let c = self.c;
        let mut i = i;
        let mut raw = false;
        if self.lang == Lang::Python {
            // r"…", b'…', f"…" prefixes.
            let mut k = i;
            while c.get(k).is_some_and(|x| "rRbBuUfF".contains(*x)) && k < i + 2 {
                k += 1;
            }
            if k > i && c.get(k).is_some_and(|x| *x == '"' || *x == '\'') {
                let prefix: String = c[i..k].iter().collect::<String>().to_ascii_lowercase();
                if prefix.contains('f') {
                    return None;
                }
                raw = prefix.contains('r');
                i = k;
            }
        }
        let q = *c.get(i)?;
        if !matches!(q, '"' | '\'' | '`') {
            return None;
        }
        if q == '`' && self.lang != Lang::Node {
            return None;
        }
        let triple =
            self.lang == Lang::Python && c.get(i + 1) == Some(&q) && c.get(i + 2) == Some(&q);
        let mut k = if triple { i + 3 } else { i + 1 };
        let interpolates = match self.lang {
            Lang::Perl | Lang::Php => q == '"',
            Lang::Ruby => q == '"',
            Lang::Node => q == '`',
            Lang::Python | Lang::Awk => false,
        };
        let mut s = String::new();
        loop {
            let ch = *c.get(k)?;
            if ch == q && (!triple || (c.get(k + 1) == Some(&q) && c.get(k + 2) == Some(&q))) {
                k += if triple { 3 } else { 1 };
                break;
            }
            if ch == '\\' && !raw {
                let n = *c.get(k + 1)?;
                let single = q == '\'' && matches!(self.lang, Lang::Perl | Lang::Ruby | Lang::Php);
                match n {
                    'n' if !single => s.push('\n'),
                    't' if !single => s.push('\t'),
                    '\\' | '\'' | '"' | '`' | '$' => s.push(n),
                    _ => {
                        s.push('\\');
                        s.push(n);
                    }
                }
                k += 2;
                continue;
            }
            if interpolates {
                let home = [
                    "${os.homedir()}",
                    "${process.env.HOME}",
                    "#{Dir.home}",
                    "#{ENV[\"HOME\"]}",
                    "#{ENV['HOME']}",
                    "$ENV{HOME}",
                    "${HOME}",
                ]
                .iter()
                .find(|h| self.at(k, h));
                if let Some(h) = home {
                    s.push('~');
                    k += h.chars().count();
                    continue;
                }
                let sigil = match self.lang {
                    Lang::Node => ch == '$' && c.get(k + 1) == Some(&'{'),
                    Lang::Ruby => ch == '#' && c.get(k + 1) == Some(&'{'),
                    _ => {
                        (ch == '$' || (ch == '@' && self.lang == Lang::Perl))
                            && c.get(k + 1)
                                .is_some_and(|x| x.is_alphabetic() || *x == '_' || *x == '{')
                    }
                };
                if sigil {
                    return Some((None, self.string_end(k, q, triple)?));
                }
            }
            s.push(ch);
            k += 1;
            if s.len() > 1 << 16 {
                return None;
            }
        }
        Some((Some(s), k))
    }

    fn string_end(&self, mut k: usize, q: char, triple: bool) -> Option<usize> {
        while let Some(&ch) = self.c.get(k) {
            if ch == '\\' {
                k += 2;
                continue;
            }
            if ch == q
                && (!triple || (self.c.get(k + 1) == Some(&q) && self.c.get(k + 2) == Some(&q)))
            {
                return Some(k + if triple { 3 } else { 1 });
            }
            k += 1;
        }
        None
    }
}

fn join(a: &str, op: &str, b: &str) -> String {
    if op == "/" && !a.ends_with('/') && !b.starts_with('/') {
        format!("{a}/{b}")
    } else if op == "/" && b.starts_with('/') {
        // os.path.join("~", "/etc") is "/etc".
        b.to_string()
    } else {
        format!("{a}{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::{scan, Lang, Lang::*};
    use pretty_assertions::assert_eq;

    #[test]
    fn shell_strings_found() {
        #[rustfmt::skip]
        let cases: &[(Lang, &str, &[&str], bool)] = &[
            (Python, r#"os.system("a")"#, &["a"], false),
            (Python, r#"os.system('rm -rf ' + os.environ['HOME'])"#, &["rm -rf ~"], false),
            (Python, r#"subprocess.run(["a", "b c"], check=True)"#, &["a 'b c'"], false),
            (Python, r#"os.system(r"a\b")"#, &[r"a\b"], false),
            (Python, r#"os.system(f"rm {x}")"#, &[], true),
            (Python, r#"os.system("""id""")"#, &["id"], false),
            (Python, "os.system(cmd)", &[], true),
            (Python, r#"print("system(x)")"#, &[], true),
            (Python, "print(1)", &[], false),
            (Perl, r#"system "a", "b""#, &["a b"], false),
            (Perl, r#"system("echo $x")"#, &[], true),
            (Perl, r#"system('echo $x')"#, &["echo $x"], false),
            (Ruby, r#"system("ls #{d}")"#, &[], true),
            (Node, "require('child_process').execSync(`ls ${os.homedir()}`)", &["ls ~"], false),
            (Node, "require('child_process').execSync(`ls ${d}`)", &[], true),
            (Awk, r#"BEGIN { system("a\"b") }"#, &["a\"b"], false),
            (Awk, r#"{ print $1 | "sort -u" }"#, &["sort -u"], false),
        ];
        for (lang, code, commands, dynamic) in cases {
            let s = scan(*lang, code);
            let got: Vec<&str> = s.commands.iter().map(String::as_str).collect();
            assert_eq!(
                (got.as_slice(), s.dynamic),
                (*commands, *dynamic),
                "{lang:?} {code:?}"
            );
        }
    }

    #[test]
    fn bounded() {
        let nested = (0..10).fold("os.system('id')".to_string(), |acc, _| {
            format!("exec({acc:?})")
        });
        assert!(scan(Python, &nested).dynamic);
        assert!(scan(Python, &"x".repeat(70_000)).dynamic);
        let _ = scan(Python, &"[".repeat(10_000));
        let _ = scan(Python, &"os.path.join(".repeat(5_000));
    }
}
