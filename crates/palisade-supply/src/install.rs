//! Install effects: which packages a shell command would install, from
//! every package client an agent is likely to use.
//!
//! [`installs`] answers with the packages; [`install_effects`] also says
//! which client, in which mode ([`Mode`]), from which extra indexes, and
//! what it could not resolve to packages ([`Unresolved`]: a manifest, a
//! lockfile, a requirements file, a name not known statically).
//!
//! ```
//! use palisade_supply::install::installs;
//! use palisade_supply::{Ecosystem, Install, Source};
//!
//! let found = installs("cd web && npm i --registry https://npm.example.test left-pad@1.3.0");
//! assert_eq!(
//!     found,
//!     [Install {
//!         ecosystem: Ecosystem::Npm,
//!         name: "left-pad".into(),
//!         version: Some("1.3.0".into()),
//!         source: Source::Registry { index: Some("https://npm.example.test".into()) },
//!     }]
//! );
//! // Nested commands count; an argument to `echo` does not.
//! assert_eq!(installs("bash -c 'pip install \"requests>=2,<3\"'")[0].name, "requests");
//! assert!(installs("echo pip install requests").is_empty());
//! ```
//!
//! Commands that install what a file declares are reported as unresolved,
//! so the caller can read that file:
//!
//! ```
//! use palisade_supply::install::{install_effects, Unresolved};
//! use palisade_supply::Ecosystem;
//!
//! let e = install_effects("npm ci && pip install -r requirements.txt");
//! assert!(e.requirements.is_empty());
//! assert_eq!(
//!     e.unresolved,
//!     [
//!         Unresolved::Lockfile { ecosystem: Ecosystem::Npm, path: "package-lock.json".into() },
//!         Unresolved::RequirementsFile { ecosystem: Ecosystem::PyPI, path: "requirements.txt".into() },
//!     ]
//! );
//! ```
//!
//! # Clients
//!
//! | client | commands |
//! |---|---|
//! | npm | `install` (and its aliases `i`, `add`, `isntall`…), `ci`, `install-test`, `update`, `exec`/`x`, `init`/`create` |
//! | npx | `npx [-p pkg]… [-c cmd] pkg args` |
//! | pnpm | `add`, `install`, `update`, `dlx`, `create`, `exec`; `pnpx` |
//! | yarn | `add`, `global add`, `install` (and bare `yarn`), `up`, `dlx`, `create`, `exec`, `workspace <ws> …` |
//! | bun | `add`, `install`, `update`, `x`, `create`; `bunx` |
//! | pip | `install`, `download`, `wheel` (`pip`, `pip3`, `pip3.12`, `python -m pip`) |
//! | pipx | `install`, `inject`, `upgrade`, `run` (with `--pip-args`) |
//! | uv | `pip install`, `pip sync`, `add`, `sync`, `tool install`, `tool run`, `tool upgrade`, `run --with`; `uvx` |
//! | poetry | `add`, `install`, `update`, `self add`, `run` |
//! | cargo | `add`, `install`, `binstall` |
//! | go | `get`, `install`, `run pkg@version`, `mod download` |
//! | gem, bundle | `gem install`; `bundle add`, `bundle install`, `bundle exec` |
//! | corepack | `corepack pnpm …`, `corepack yarn …` |
//!
//! Commands that run another command (`uv run`, `poetry run`, `pnpm exec`,
//! `yarn exec`, `npx -p pkg cmd`, `npx -c 'cmd'`, `uvx --from pkg cmd`,
//! `pipx run --spec pkg cmd`) are followed into that command.
//!
//! # Options
//!
//! Each client's options that take a value are listed from its
//! documentation, so `npm i --registry https://x foo` and `pip install -t
//! dir foo` name one package each. An option not in the list is taken as
//! a flag; if the client really gives it a value, the word after it is
//! reported as a package too. That errs towards reporting more, never less.
//!
//! # Names
//!
//! [`Install::name`] is the package name as written (npm aliases resolved to
//! the real package: `foo@npm:bar` installs `bar`; `npm init x` runs
//! `create-x`). When a URL, VCS reference or path does not name the
//! package, the name is that text as written and [`Install::source`] says
//! what it is; a wheel or sdist file name, or pip's `#egg=`, gives the name.
//! Compare names with [`normalize`].
//!
//! # Indexes
//!
//! Non-default indexes are kept: `--registry`, `--index-url`/`-i`,
//! `--default-index`, `--index` (cargo), `--source` (gem), and registry
//! *names* from cargo's `--registry` and poetry's `--source` (configured
//! elsewhere), and the environment assignments
//! `npm_config_registry`, `PIP_INDEX_URL`, `UV_INDEX_URL`,
//! `UV_DEFAULT_INDEX`, `GOPROXY` in front of the command. Extra indexes
//! (`--extra-index-url`, `--find-links`, uv's `--index`,
//! `PIP_EXTRA_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `UV_INDEX`) are listed in
//! [`Requirement::extra_indexes`]: a name found on two indexes is the
//! dependency-confusion case.

mod args;
mod cargo;
mod go;
mod name;
mod node;
mod python;
mod ruby;
mod spec;

pub use name::{normalize, normalize_crate, normalize_npm, normalize_pypi};

use crate::{Ecosystem, Install, Source};
use args::Tok;
use palisade_shell::{Origin, SimpleCommand, Word};
use serde::{Deserialize, Serialize};
use spec::Parsed;

/// Deepest nesting of commands run by a client (`uv run npx -c '…'`).
const MAX_NESTING: usize = 4;

/// How a package is brought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Into the current project or environment (`npm i`, `pip install`,
    /// `uv add`, `cargo add`, `go get`, `bundle add`).
    Add,
    /// As a tool for the user, outside any project (`npm i -g`, `cargo
    /// install`, `go install`, `pipx install`, `uv tool install`, `gem
    /// install`, `yarn global add`).
    Global,
    /// Fetched and executed at once (`npx`, `npm exec`, `npm create`, `pnpm
    /// dlx`, `yarn dlx`, `bunx`, `uvx`, `pipx run`, `uv run --with`, `go run
    /// pkg@v`).
    Run,
    /// Downloaded without installing (`pip download`, `pip wheel`, `go mod
    /// download`); building a source distribution still runs its build
    /// code.
    Fetch,
}

/// One package a command would bring in, with how and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Requirement {
    /// The package.
    pub install: Install,
    /// The client, by program name (`npm`, `npx`, `pnpm`, `yarn`, `bun`,
    /// `bunx`, `pip`, `pipx`, `uv`, `uvx`, `poetry`, `cargo`, `go`, `gem`,
    /// `bundle`).
    pub client: String,
    /// How it is brought in.
    pub mode: Mode,
    /// Indexes consulted besides the one in [`Source::Registry`]
    /// (`--extra-index-url`, `--find-links`, uv's `--index`), as written.
    pub extra_indexes: Vec<String>,
}

/// Something a command installs that is not a package named on the command
/// line. Paths are as written, relative to the command's working directory
/// (joined to `--prefix`/`-C`/`--cwd`/`--directory` when given).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unresolved {
    /// Installs what a manifest declares, resolving ranges (`npm install`
    /// with no names → `package.json`; `yarn`, `pnpm install`, `bun
    /// install`, `uv sync`, `poetry install`, `bundle install`, `gem
    /// install -g Gemfile`, `go get -u all` → `go.mod`). A lockfile beside
    /// it, if any, may pin the result.
    Manifest {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// The manifest file.
        path: String,
    },
    /// Installs exactly what a lockfile pins (`npm ci` →
    /// `package-lock.json`, `pnpm install --frozen-lockfile`, `yarn install
    /// --immutable`/`--frozen-lockfile`, `bun install --frozen-lockfile`,
    /// `uv sync --locked`/`--frozen`).
    Lockfile {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// The lockfile.
        path: String,
    },
    /// Installs what a requirements file lists (`pip install -r f`, `uv pip
    /// sync f`, `uv add -r f`, `uv run --with-requirements f`).
    RequirementsFile {
        /// The ecosystem (PyPI).
        ecosystem: Ecosystem,
        /// The file.
        path: String,
    },
    /// Installs a package whose name is not known statically: `npm i
    /// $PKG`, `xargs pip install`, `find -exec gem install {} ;`.
    Dynamic {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// The argument's source text (`$PKG`), or `xargs input`.
        text: String,
    },
}

/// Everything [`install_effects`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallEffects {
    /// Packages named on the command line, in command order.
    pub requirements: Vec<Requirement>,
    /// Installs that could not be resolved to named packages.
    pub unresolved: Vec<Unresolved>,
}

impl InstallEffects {
    /// True when the command installs nothing.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && self.unresolved.is_empty()
    }

    fn add_requirement(&mut self, r: Requirement) {
        if !self.requirements.contains(&r) {
            self.requirements.push(r);
        }
    }

    fn add_unresolved(&mut self, u: Unresolved) {
        if !self.unresolved.contains(&u) {
            self.unresolved.push(u);
        }
    }

    fn extend(&mut self, other: InstallEffects) {
        for r in other.requirements {
            self.add_requirement(r);
        }
        for u in other.unresolved {
            self.add_unresolved(u);
        }
    }
}

/// The packages `command` (shell text) would install, in command order.
///
/// Every simple command the shell analysis finds counts, including those in
/// `cd x && …`, `bash -c '…'`, `$(…)`, `xargs`, `find -exec`, behind `sudo`
/// or `env`. Never panics. See [`install_effects`] for manifests, lockfiles
/// and names not known statically.
pub fn installs(command: &str) -> Vec<Install> {
    install_effects(command)
        .requirements
        .into_iter()
        .map(|r| r.install)
        .collect()
}

/// The install effects of `command` (shell text): packages with client,
/// mode and extra indexes, and what could not be resolved. Never panics.
///
/// A command line the shell analysis cannot parse completely still yields
/// the installs of the commands it did find.
pub fn install_effects(command: &str) -> InstallEffects {
    nested_effects(command, 0)
}

fn nested_effects(command: &str, depth: usize) -> InstallEffects {
    let mut out = InstallEffects::default();
    if depth > MAX_NESTING {
        return out;
    }
    for cmd in &palisade_shell::analyze(command).commands {
        out.extend(command_effects_at(cmd, depth));
    }
    out
}

/// The install effects of one simple command from
/// [`palisade_shell::analyze`], for callers that already have the analysis.
/// Commands nested in its words or `-c` body are separate simple commands
/// of that analysis and are not included.
pub fn command_install_effects(cmd: &SimpleCommand) -> InstallEffects {
    command_effects_at(cmd, 0)
}

fn command_effects_at(cmd: &SimpleCommand, depth: usize) -> InstallEffects {
    let mut out = InstallEffects::default();
    let Some(program) = cmd.program() else {
        return out;
    };
    let mut toks: Vec<Tok> = cmd.args().iter().map(|w| tok(w, cmd.origin)).collect();
    if cmd.origin == Origin::Xargs && !toks.iter().any(|t| t.text == "{}") {
        // xargs appends words read from its input.
        toks.push(Tok {
            text: "xargs input".into(),
            dynamic: true,
        });
    }
    let env = Env::from_assignments(&cmd.assignments);
    let call = Call {
        env: &env,
        depth,
        out: &mut out,
    };
    dispatch(program, toks, call);
    out
}

/// A word as an argument token; `{}` is a placeholder under `find -exec`
/// and `xargs -I`.
fn tok(w: &Word, origin: Origin) -> Tok {
    let placeholder = w.value == "{}" && matches!(origin, Origin::FindExec | Origin::Xargs);
    Tok {
        text: w.value.clone(),
        dynamic: w.dynamic || placeholder,
    }
}

/// Runs the client named `program` over its arguments.
fn dispatch(program: &str, toks: Vec<Tok>, call: Call<'_>) {
    let program = program
        .strip_suffix(".exe")
        .or_else(|| program.strip_suffix(".cmd"))
        .unwrap_or(program);
    match program {
        "npm" => node::npm(toks, call),
        "npx" => node::npx(toks, call),
        "pnpm" => node::pnpm(toks, call),
        "pnpx" => node::pnpx(toks, call),
        "yarn" | "yarnpkg" => node::yarn(toks, call),
        "bun" => node::bun(toks, call),
        "bunx" => node::bunx(toks, call),
        "pipx" => python::pipx(toks, call),
        "uv" => python::uv(toks, call),
        "uvx" => python::uvx(toks, call),
        "poetry" => python::poetry(toks, call),
        "cargo" => cargo::cargo(toks, call),
        "cargo-binstall" => cargo::binstall(toks, call),
        "go" => go::go(toks, call),
        "gem" => ruby::gem(toks, call),
        "bundle" | "bundler" => ruby::bundle(toks, call),
        "corepack" => corepack(toks, call),
        p if versioned(p, "pip") => python::pip(toks, call),
        p if versioned(p, "python") || p == "py" => python::python_m(toks, call),
        _ => {}
    }
}

/// `corepack pnpm@9 add x`: corepack runs the named package manager
/// (Node.js docs, "Corepack").
fn corepack(toks: Vec<Tok>, call: Call<'_>) {
    let Some((first, rest)) = toks.split_first() else {
        return;
    };
    if first.dynamic {
        return;
    }
    let client = first.text.split('@').next().unwrap_or("");
    if matches!(client, "npm" | "npx" | "pnpm" | "pnpx" | "yarn" | "yarnpkg") {
        dispatch(client, rest.to_vec(), call);
    }
}

/// `pip`, `pip3`, `pip3.12`, `pip-3.12`; `python3.11`.
fn versioned(program: &str, base: &str) -> bool {
    program.strip_prefix(base).is_some_and(|v| {
        let v = v.strip_prefix('-').unwrap_or(v);
        v.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// Index settings from `NAME=value` assignments in front of a command.
#[derive(Debug, Default)]
struct Env {
    npm_registry: Option<String>,
    pip_index: Option<String>,
    pip_extra: Vec<String>,
    uv_index: Option<String>,
    uv_extra: Vec<String>,
    goproxy: Option<String>,
}

impl Env {
    /// Source: npm docs "config" (`npm_config_*`, case-insensitive), pip
    /// "Configuration" (`PIP_<OPTION>`), uv "Environment variables", Go
    /// "Module proxy" (`GOPROXY`, default `https://proxy.golang.org,direct`).
    fn from_assignments(assignments: &[(String, Word)]) -> Self {
        let mut env = Env::default();
        for (name, value) in assignments {
            let v = value.value.clone();
            let many = || v.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            match name.as_str() {
                n if n.eq_ignore_ascii_case("npm_config_registry") => env.npm_registry = Some(v),
                "PIP_INDEX_URL" => env.pip_index = Some(v),
                "PIP_EXTRA_INDEX_URL" => env.pip_extra.extend(many()),
                "UV_INDEX_URL" | "UV_DEFAULT_INDEX" => env.uv_index = Some(v),
                "UV_EXTRA_INDEX_URL" | "UV_INDEX" => env.uv_extra.extend(many()),
                "GOPROXY" if v != "https://proxy.golang.org,direct" && !v.is_empty() => {
                    env.goproxy = Some(v)
                }
                _ => {}
            }
        }
        env
    }
}

/// A specifier parser from [`spec`].
type ParseFn = fn(&str) -> Option<Parsed>;

/// What a client handler gets besides its arguments.
struct Call<'a> {
    env: &'a Env,
    depth: usize,
    out: &'a mut InstallEffects,
}

/// One client invocation being read: the settings that apply to every
/// package it names.
struct Ctx<'a> {
    call: Call<'a>,
    client: &'static str,
    ecosystem: Ecosystem,
    mode: Mode,
    index: Option<String>,
    extra: Vec<String>,
    /// npm `@scope:registry` settings: (scope, URL).
    scoped: Vec<(String, String)>,
    /// Directory from `--prefix`, `-C`, `--cwd`, `--directory`.
    dir: Option<String>,
    /// Packages (as tokens) and how to parse them, kept until the options
    /// are all read (`pip install foo -i URL` applies the index to foo).
    pending: Vec<(Tok, ParseFn)>,
}

impl<'a> Ctx<'a> {
    fn new(call: Call<'a>, client: &'static str, ecosystem: Ecosystem, mode: Mode) -> Self {
        let (index, extra) = match client {
            "npm" | "npx" | "pnpm" | "yarn" | "bun" | "bunx" => {
                (call.env.npm_registry.clone(), Vec::new())
            }
            "pip" | "pipx" => (call.env.pip_index.clone(), call.env.pip_extra.clone()),
            "uv" | "uvx" => (call.env.uv_index.clone(), call.env.uv_extra.clone()),
            "go" => (call.env.goproxy.clone(), Vec::new()),
            _ => (None, Vec::new()),
        };
        Ctx {
            call,
            client,
            ecosystem,
            mode,
            index,
            extra,
            scoped: Vec::new(),
            dir: None,
            pending: Vec::new(),
        }
    }

    /// Queues a package argument, parsed with `parse` when [`Ctx::finish`]
    /// runs.
    fn package(&mut self, t: Tok, parse: ParseFn) {
        self.pending.push((t, parse));
    }

    /// Records a parsed package now (options read so far apply).
    fn parsed(&mut self, p: Parsed) {
        if p.name.trim().is_empty() {
            return;
        }
        let source = match p.source {
            Source::Registry { index: None } => Source::Registry {
                index: self.registry_for(&p.name),
            },
            s => s,
        };
        let r = Requirement {
            install: Install {
                ecosystem: self.ecosystem,
                name: p.name,
                version: p.version,
                source,
            },
            client: self.client.to_string(),
            mode: self.mode,
            extra_indexes: self.extra.clone(),
        };
        self.call.out.add_requirement(r);
    }

    fn registry_for(&self, name: &str) -> Option<String> {
        let scope = name.strip_prefix('@').and_then(|s| s.split('/').next());
        if let Some(scope) = scope {
            if let Some((_, url)) = self.scoped.iter().find(|(s, _)| s == scope) {
                return Some(url.clone());
            }
        }
        self.index.clone()
    }

    /// Records a manifest install of `file` (joined to the directory option).
    fn manifest(&mut self, file: &str) {
        let u = Unresolved::Manifest {
            ecosystem: self.ecosystem,
            path: self.in_dir(file),
        };
        self.call.out.add_unresolved(u);
    }

    /// Records a lockfile install of `file` (joined to the directory option).
    fn lockfile(&mut self, file: &str) {
        let u = Unresolved::Lockfile {
            ecosystem: self.ecosystem,
            path: self.in_dir(file),
        };
        self.call.out.add_unresolved(u);
    }

    /// Records a requirements-file install.
    fn requirements_file(&mut self, t: &Tok) {
        let u = Unresolved::RequirementsFile {
            ecosystem: self.ecosystem,
            path: t.text.clone(),
        };
        self.call.out.add_unresolved(u);
    }

    fn in_dir(&self, file: &str) -> String {
        match self.dir.as_deref() {
            None | Some("") | Some(".") => file.to_string(),
            Some(d) => format!("{}/{file}", d.trim_end_matches('/')),
        }
    }

    /// Reads a `scope:registry` option (`--@scope:registry=URL`).
    fn scoped_registry(&mut self, name: &str, value: &Tok) -> bool {
        let Some(scope) = name
            .strip_prefix("--@")
            .and_then(|n| n.strip_suffix(":registry"))
        else {
            return false;
        };
        self.scoped.push((scope.to_string(), value.text.clone()));
        true
    }

    /// Records a package argument whose value is not known statically.
    fn unknown(&mut self, t: &Tok) {
        let u = Unresolved::Dynamic {
            ecosystem: self.ecosystem,
            text: t.text.clone(),
        };
        self.call.out.add_unresolved(u);
    }

    /// Parses and records every queued package.
    fn finish(mut self) {
        self.flush();
    }

    /// Parses and records the packages queued so far.
    fn flush(&mut self) {
        for (t, parse) in std::mem::take(&mut self.pending) {
            if t.dynamic {
                self.unknown(&t);
            } else if let Some(p) = parse(&t.text) {
                self.parsed(p);
            }
        }
    }

    /// Follows a command that this client runs (`uv run pip install x`),
    /// after recording the packages queued so far.
    fn run_nested(&mut self, words: &[Tok]) {
        self.flush();
        if words.is_empty() {
            return;
        }
        let text = shell_join(words);
        let nested = nested_effects(&text, self.call.depth + 1);
        self.call.out.extend(nested);
    }

    /// Follows shell text that this client runs (`npx -c 'npm i x'`), after
    /// recording the packages queued so far.
    fn run_shell(&mut self, text: &str) {
        self.flush();
        let nested = nested_effects(text, self.call.depth + 1);
        self.call.out.extend(nested);
    }
}

/// Words back to shell text: static words single-quoted, dynamic words as
/// their source text when that has an expansion (so they stay dynamic when
/// parsed again), else as `"${unknown}"` (xargs input, a `{}` placeholder).
fn shell_join(words: &[Tok]) -> String {
    let mut s = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        if w.dynamic && w.text.contains(['$', '`']) {
            s.push_str(&w.text);
        } else if w.dynamic {
            s.push_str("\"${unknown}\"");
        } else {
            s.push('\'');
            s.push_str(&w.text.replace('\'', "'\\''"));
            s.push('\'');
        }
    }
    s
}

#[cfg(test)]
mod tests;
