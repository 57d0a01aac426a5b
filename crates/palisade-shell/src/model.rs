//! The result of analysing a command line.

use serde::Serialize;

/// Everything found in one command line.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Analysis {
    /// Every simple command, in source order (depth-first: a command comes
    /// before the commands nested in its words, `bash -c` bodies, etc.).
    pub commands: Vec<SimpleCommand>,
    /// Set when the text could not be parsed completely (syntax error, nesting
    /// too deep, too many commands). The commands found are still listed, but
    /// the whole analysis must be treated as dynamic.
    pub parse_error: Option<String>,
}

impl Analysis {
    /// True if any part cannot be resolved statically (or the parse failed):
    /// such a command never matches an allow rule.
    pub fn is_dynamic(&self) -> bool {
        self.parse_error.is_some() || self.commands.iter().any(|c| c.dynamic)
    }
}

/// One simple command: a program and its arguments, after wrappers such as
/// `env`, `sudo`, `nice`, `timeout`, `nohup`, `command`, `exec`, `xargs` were
/// stripped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimpleCommand {
    /// The argument vector; `words[0]` is the program as written. May be empty
    /// for a bare assignment or redirection (`FOO=1`, `> file`).
    pub words: Vec<Word>,
    /// Wrappers stripped from the front, outermost first, by program name
    /// (e.g. `["sudo", "timeout"]` for `sudo timeout 5 rm x`).
    pub wrappers: Vec<String>,
    /// `NAME=value` assignments before the program (including those given to `env`).
    pub assignments: Vec<(String, Word)>,
    /// Redirections attached to this command.
    pub redirects: Vec<Redirect>,
    /// The source text of this command as written (for a `bash -c` body: the
    /// text of the body).
    pub raw: String,
    /// How this command was reached.
    pub origin: Origin,
    /// Index (into [`Analysis::commands`]) of the command that contains this one
    /// (whose word, redirection, `-c` body, `-exec` or heredoc holds it).
    pub parent: Option<usize>,
    /// Position in a pipeline, when part of one with two or more stages.
    pub pipeline: Option<PipelinePos>,
    /// True if some part cannot be resolved statically: an expansion (`$x`,
    /// `$(…)`) not resolved from an earlier assignment, `eval` of non-literal
    /// text, a dynamic program name, an unparsable `-c` body, a shell reading
    /// a pipe whose content is unknown (`curl … | sh`), or a one-liner whose
    /// shell, file or network calls take non-literal arguments.
    pub dynamic: bool,
}

impl SimpleCommand {
    /// The program's base name (`/usr/bin/rm` -> `rm`), if the program word is static.
    pub fn program(&self) -> Option<&str> {
        let w = self.words.first()?;
        if w.dynamic {
            return None;
        }
        Some(w.value.rsplit('/').next().unwrap_or(&w.value))
    }

    /// The arguments after the program.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The normalised text used for Claude Code `Bash(...)` rule matching:
    /// word values joined by single spaces, program as written. Dynamic words
    /// appear as their source text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&w.value);
        }
        s
    }
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The value after quote removal (`"r"m` -> `rm`, `'a b'` -> `a b`,
    /// `\rm` -> `rm`, `~/x` stays `~/x`), with `$IFS` and variables
    /// assigned earlier in the line substituted (`a=~/.ssh; cat $a/k` ->
    /// `~/.ssh/k`). For a dynamic word this is the source text with quotes
    /// removed where possible (`$HOME/.ssh` stays `$HOME/.ssh`; `D=$HOME/x;
    /// cat $D/y` gives `$HOME/x/y`).
    pub value: String,
    /// True if the word contains an expansion whose value is unknown statically
    /// (`$x`, `${x}`, `$(…)`, backticks, arithmetic).
    pub dynamic: bool,
    /// True if the word contains unquoted glob characters (`*`, `?`, `[`).
    pub glob: bool,
}

impl Word {
    /// A static, glob-free word.
    pub fn lit(s: &str) -> Self {
        Word {
            value: s.to_string(),
            dynamic: false,
            glob: false,
        }
    }
}

/// A redirection operator's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectOp {
    /// `< file`
    Read,
    /// `> file`, `>| file`, `&> file`, `2> file`
    Write,
    /// `>> file`, `&>> file`
    Append,
    /// `<> file`
    ReadWrite,
    /// `>&2`, `2>&1`, `<&3`: duplicates a descriptor, no file.
    Dup,
    /// `<<EOF … EOF` (body in [`Redirect::body`]).
    HereDoc,
    /// `<<< word`
    HereString,
}

/// One redirection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// What it does.
    pub op: RedirectOp,
    /// The explicit descriptor number, if written (`2>`).
    pub fd: Option<u32>,
    /// The target file (or descriptor / here-string word).
    pub target: Word,
    /// A heredoc's body text.
    pub body: Option<String>,
}

/// How a simple command was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written directly in the command line (incl. lists, pipelines, subshells, groups, if/for/while bodies).
    TopLevel,
    /// Inside `$(…)` or backticks.
    CommandSubstitution,
    /// Inside `<(…)` or `>(…)`.
    ProcessSubstitution,
    /// The body of `bash -c`, `sh -c`, `zsh -c`, `dash -c`, `ksh -c`.
    ShellC,
    /// The literal text of `eval '…'`.
    Eval,
    /// A heredoc or here-string fed to a shell (`bash <<EOF`).
    Heredoc,
    /// The command run by `xargs` (or the template of GNU `parallel`).
    Xargs,
    /// The command run by `find -exec`/`-execdir`/`-ok`.
    FindExec,
    /// Static text piped into a shell, possibly through decoders: `echo … |
    /// base64 -d | sh` (also `base32 -d`, `xxd -r -p`, `rev`, `tr`,
    /// `printf`), or `$(…)`/`<(…)` of such a chain given to `eval`,
    /// `bash -c`, `source` or a here-string. The parent is the shell (or
    /// `eval`, `source`) that runs it.
    Decoded,
    /// A shell command in interpreter code given on the command line:
    /// `python -c 'os.system("…")'`, `perl -e 'system …'`, `ruby -e`,
    /// `node -e 'execSync(…)'`, `php -r`, `awk 'BEGIN{system(…)}'`. The
    /// parent is the interpreter command.
    Interpreter,
}

/// Where a command sits in a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PipelinePos {
    /// Identifies the pipeline within the analysis (0, 1, …).
    pub id: usize,
    /// 0-based stage index.
    pub index: usize,
    /// Number of stages.
    pub len: usize,
}
