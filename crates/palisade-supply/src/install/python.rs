//! pip, pipx, uv (`uv pip`, `uv add`, `uv tool`, `uvx`, `uv run --with`),
//! poetry, and `python -m <client>`.
//!
//! Sources: pip docs ("pip install", "pip download", "pip wheel", "General
//! Options", "Requirement Specifiers", "VCS Support"), uv docs ("CLI
//! reference", "Using tools"), pipx docs ("pipx install", "pipx run"),
//! poetry docs ("Commands": add, install, self add, run), Python's command
//! line (`-m module`).

use super::args::{Args, Item, Spec, Style, Tok};
use super::spec;
use super::{Call, Ctx, Mode};
use crate::Ecosystem;

/// pip options that take a value: the general options and those of
/// `install`, `download` and `wheel`.
const PIP: Spec = Spec {
    long: &[
        "--python",
        "--log",
        "--log-file",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--use-feature",
        "--use-deprecated",
        "--resume-retries",
        "--keyring-provider",
        "--requirement",
        "--constraint",
        "--editable",
        "--target",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--root",
        "--prefix",
        "--src",
        "--upgrade-strategy",
        "--config-settings",
        "--global-option",
        "--build-option",
        "--no-binary",
        "--only-binary",
        "--progress-bar",
        "--root-user-action",
        "--report",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--group",
        "--dest",
        "--wheel-dir",
        "--build-constraint",
    ],
    short: &['r', 'c', 'e', 't', 'i', 'f', 'C', 'd', 'w'],
    style: Style::Gnu,
};

/// uv options that take a value (uv "CLI reference"), for every command
/// except `uv pip`; `-e`/`--editable` is a flag here.
const UV: Spec = Spec {
    long: &[
        "--python",
        "--directory",
        "--project",
        "--config-file",
        "--cache-dir",
        "--color",
        "--allow-insecure-host",
        "--requirement",
        "--requirements",
        "--constraint",
        "--constraints",
        "--override",
        "--overrides",
        "--build-constraint",
        "--build-constraints",
        "--extra",
        "--group",
        "--only-group",
        "--no-group",
        "--index",
        "--default-index",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--index-strategy",
        "--keyring-provider",
        "--resolution",
        "--prerelease",
        "--exclude-newer",
        "--exclude-newer-package",
        "--link-mode",
        "--config-setting",
        "--config-settings-package",
        "--no-build-isolation-package",
        "--no-binary-package",
        "--no-build-package",
        "--only-binary",
        "--no-binary",
        "--python-version",
        "--python-platform",
        "--target",
        "--prefix",
        "--reinstall-package",
        "--upgrade-package",
        "--refresh-package",
        "--fork-strategy",
        "--torch-backend",
        "--optional",
        "--rev",
        "--tag",
        "--branch",
        "--marker",
        "--package",
        "--script",
        "--bounds",
        "--with",
        "--with-editable",
        "--with-requirements",
        "--from",
        "--env-file",
        "--python-preference",
        "--only-dev",
        "--no-install-package",
        "--managed-python",
    ],
    short: &['p', 'r', 'c', 'b', 'i', 'f', 'C', 't', 'P', 'm', 'w'],
    style: Style::Gnu,
};

/// `uv pip …`: as [`UV`], with `-e`/`--editable <path>` taking a value.
const UV_PIP: Spec = Spec {
    long: UV_PIP_LONG,
    short: &['p', 'r', 'c', 'b', 'i', 'f', 'C', 't', 'P', 'm', 'w', 'e'],
    style: Style::Gnu,
};

const UV_PIP_LONG: &[&str] = &[
    "--editable",
    "--python",
    "--directory",
    "--project",
    "--config-file",
    "--cache-dir",
    "--color",
    "--allow-insecure-host",
    "--requirement",
    "--requirements",
    "--constraint",
    "--constraints",
    "--override",
    "--overrides",
    "--build-constraint",
    "--build-constraints",
    "--extra",
    "--group",
    "--index",
    "--default-index",
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--link-mode",
    "--config-setting",
    "--no-binary",
    "--only-binary",
    "--python-version",
    "--python-platform",
    "--target",
    "--prefix",
    "--reinstall-package",
    "--upgrade-package",
    "--refresh-package",
    "--torch-backend",
    "--no-build-package",
];

/// pipx options that take a value (pipx docs, `install`, `run`, `inject`).
const PIPX: Spec = Spec {
    long: &[
        "--python",
        "--index-url",
        "--pip-args",
        "--suffix",
        "--spec",
        "--preinstall",
        "--backend",
    ],
    short: &['i'],
    style: Style::Gnu,
};

/// poetry options that take a value (poetry docs, "Commands").
const POETRY: Spec = Spec {
    long: &[
        "--group",
        "--extras",
        "--python",
        "--platform",
        "--markers",
        "--source",
        "--directory",
        "--project",
        "--only",
        "--without",
        "--with",
    ],
    short: &['G', 'E', 'C', 'P'],
    style: Style::Gnu,
};

/// Options of the Python interpreter that take a value (`python -X dev`).
const PYTHON: Spec = Spec {
    long: &["--check-hash-based-pycs"],
    short: &['m', 'X', 'W', 'c'],
    style: Style::Gnu,
};

/// Options shared by pip, uv and pipx's `--pip-args` that name requirement
/// files, editable requirements and indexes.
fn index_option(ctx: &mut Ctx<'_>, name: &str, value: Option<Tok>) {
    let Some(v) = value else { return };
    match name {
        "-r" | "--requirement" | "--requirements" | "--with-requirements" => {
            ctx.requirements_file(&v)
        }
        "-e" | "--editable" | "--with-editable" | "--preinstall" | "--from" => {
            ctx.package(v, spec::pypi)
        }
        "-w" | "--with" if matches!(ctx.client, "uv" | "uvx") => {
            for part in split_with(&v.text) {
                ctx.package(
                    Tok {
                        text: part,
                        dynamic: v.dynamic,
                    },
                    spec::pypi,
                );
            }
        }
        "-i" | "--index-url" | "--default-index" => ctx.index = Some(v.text),
        "--extra-index-url" | "--index" | "-f" | "--find-links" => ctx.extra.push(v.text),
        "--directory" | "--project" => ctx.dir = Some(v.text),
        "--pip-args" => {
            let toks = v
                .text
                .split_whitespace()
                .map(|w| Tok {
                    text: w.to_string(),
                    dynamic: v.dynamic,
                })
                .collect();
            let mut a = Args::new(toks);
            pip_rest(ctx, &mut a, &PIP);
        }
        _ => {}
    }
}

/// `--with a,b>=1,<2` → `a`, `b>=1,<2`: uv splits the list at commas that
/// start a new name (a version clause starts with an operator or digit).
fn split_with(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let starts_name = part
            .trim_start()
            .starts_with(|c: char| c.is_ascii_alphabetic());
        match out.last_mut() {
            Some(last) if !starts_name => {
                last.push(',');
                last.push_str(part);
            }
            _ => out.push(part.trim().to_string()),
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Reads options and requirement operands to the end; returns the number
/// of operands and the option names seen.
fn pip_rest(ctx: &mut Ctx<'_>, a: &mut Args, spec: &Spec) -> (usize, Vec<String>) {
    let (mut n, mut seen) = (0, Vec::new());
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt { name, value } => {
                index_option(ctx, &name, value);
                seen.push(name);
            }
            Item::Pos(t) => {
                ctx.package(t, spec::pypi);
                n += 1;
            }
        }
    }
    (n, seen)
}

/// Reads options up to the next operand.
fn operand(ctx: &mut Ctx<'_>, a: &mut Args, spec: &Spec) -> Option<Tok> {
    loop {
        match a.next(spec)? {
            Item::Opt { name, value } => index_option(ctx, &name, value),
            Item::Pos(t) => return Some(t),
        }
    }
}

/// `pip …` (also `pip3`, `python -m pip`).
pub(super) fn pip(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "pip", Ecosystem::PyPI, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = operand(&mut ctx, &mut a, &PIP) else {
        return;
    };
    ctx.mode = match sub.text.as_str() {
        "install" => Mode::Add,
        "download" | "wheel" => Mode::Fetch,
        _ => return,
    };
    pip_rest(&mut ctx, &mut a, &PIP);
    ctx.finish();
}

/// `uv …`.
pub(super) fn uv(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "uv", Ecosystem::PyPI, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = operand(&mut ctx, &mut a, &UV) else {
        return;
    };
    match sub.text.as_str() {
        "pip" => match operand(&mut ctx, &mut a, &UV_PIP).map(|t| t.text) {
            Some(s) if s == "install" => {
                pip_rest(&mut ctx, &mut a, &UV_PIP);
            }
            Some(s) if s == "sync" => {
                while let Some(item) = a.next(&UV_PIP) {
                    match item {
                        Item::Opt { name, value } => index_option(&mut ctx, &name, value),
                        Item::Pos(t) => ctx.requirements_file(&t),
                    }
                }
            }
            _ => return,
        },
        "add" => {
            pip_rest(&mut ctx, &mut a, &UV);
        }
        "sync" => {
            let (_, seen) = pip_rest(&mut ctx, &mut a, &UV);
            if seen
                .iter()
                .any(|s| matches!(s.as_str(), "--locked" | "--frozen"))
            {
                ctx.lockfile("uv.lock");
            } else {
                ctx.manifest("pyproject.toml");
            }
        }
        "tool" => match operand(&mut ctx, &mut a, &UV).map(|t| t.text) {
            Some(s) if matches!(s.as_str(), "install" | "upgrade") => {
                ctx.mode = Mode::Global;
                pip_rest(&mut ctx, &mut a, &UV);
            }
            Some(s) if s == "run" => return tool_run(ctx, a),
            _ => return,
        },
        "run" => {
            ctx.mode = Mode::Run;
            if let Some(t) = operand(&mut ctx, &mut a, &UV) {
                let mut words = vec![t];
                words.extend_from_slice(a.rest());
                ctx.run_nested(&words);
            }
        }
        _ => return,
    }
    ctx.finish();
}

/// `uvx …` (`uv tool run`).
pub(super) fn uvx(toks: Vec<Tok>, call: Call<'_>) {
    let ctx = Ctx::new(call, "uvx", Ecosystem::PyPI, Mode::Run);
    tool_run(ctx, Args::new(toks));
}

/// `uv tool run [--from spec] [--with spec]… command[@version] args…`: the
/// command names the package unless `--from` does; then the command runs.
fn tool_run(mut ctx: Ctx<'_>, mut a: Args) {
    ctx.mode = Mode::Run;
    let mut from = false;
    while let Some(item) = a.next(&UV) {
        match item {
            Item::Opt { name, value } => {
                from |= name == "--from";
                index_option(&mut ctx, &name, value);
            }
            Item::Pos(t) if from => {
                let mut words = vec![t];
                words.extend_from_slice(a.rest());
                ctx.run_nested(&words);
                break;
            }
            Item::Pos(t) => {
                ctx.package(t, spec::pypi);
                break;
            }
        }
    }
    ctx.finish();
}

/// `pipx …`.
pub(super) fn pipx(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "pipx", Ecosystem::PyPI, Mode::Global);
    let mut a = Args::new(toks);
    let Some(sub) = operand(&mut ctx, &mut a, &PIPX) else {
        return;
    };
    match sub.text.as_str() {
        "install" | "upgrade" => {
            pip_rest(&mut ctx, &mut a, &PIPX);
        }
        "inject" => {
            // The first operand is the venv to inject into.
            if operand(&mut ctx, &mut a, &PIPX).is_some() {
                pip_rest(&mut ctx, &mut a, &PIPX);
            }
        }
        "run" => {
            ctx.mode = Mode::Run;
            let mut spec_given = false;
            while let Some(item) = a.next(&PIPX) {
                match item {
                    Item::Opt { name, value } if name == "--spec" => {
                        if let Some(v) = value {
                            ctx.package(v, spec::pypi);
                            spec_given = true;
                        }
                    }
                    Item::Opt { name, value } => index_option(&mut ctx, &name, value),
                    Item::Pos(t) if spec_given => {
                        let mut words = vec![t];
                        words.extend_from_slice(a.rest());
                        ctx.run_nested(&words);
                        break;
                    }
                    Item::Pos(t) => {
                        ctx.package(t, spec::pypi);
                        break;
                    }
                }
            }
        }
        _ => return,
    }
    ctx.finish();
}

/// `poetry …`.
pub(super) fn poetry(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "poetry", Ecosystem::PyPI, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = poetry_operand(&mut ctx, &mut a) else {
        return;
    };
    match sub.text.as_str() {
        "add" => {
            poetry_rest(&mut ctx, &mut a);
        }
        "install" | "sync" => {
            poetry_rest(&mut ctx, &mut a);
            ctx.manifest("pyproject.toml");
        }
        "update" | "up" => {
            if poetry_rest(&mut ctx, &mut a) == 0 {
                ctx.manifest("pyproject.toml");
            }
        }
        "self" => {
            ctx.mode = Mode::Global;
            match poetry_operand(&mut ctx, &mut a) {
                Some(t) if matches!(t.text.as_str(), "add" | "update") => {
                    poetry_rest(&mut ctx, &mut a);
                }
                _ => return,
            }
        }
        "run" => {
            if let Some(t) = poetry_operand(&mut ctx, &mut a) {
                let mut words = vec![t];
                words.extend_from_slice(a.rest());
                ctx.run_nested(&words);
            }
        }
        _ => return,
    }
    ctx.finish();
}

fn poetry_option(ctx: &mut Ctx<'_>, name: &str, value: Option<Tok>) {
    match (name, value) {
        ("--source", Some(v)) => ctx.index = Some(v.text),
        ("-C" | "--directory" | "-P" | "--project", Some(v)) => ctx.dir = Some(v.text),
        _ => {}
    }
}

fn poetry_operand(ctx: &mut Ctx<'_>, a: &mut Args) -> Option<Tok> {
    loop {
        match a.next(&POETRY)? {
            Item::Opt { name, value } => poetry_option(ctx, &name, value),
            Item::Pos(t) => return Some(t),
        }
    }
}

fn poetry_rest(ctx: &mut Ctx<'_>, a: &mut Args) -> usize {
    let mut n = 0;
    while let Some(item) = a.next(&POETRY) {
        match item {
            Item::Opt { name, value } => poetry_option(ctx, &name, value),
            Item::Pos(t) => {
                ctx.package(t, spec::pypi);
                n += 1;
            }
        }
    }
    n
}

/// `python [options] -m pip|pipx|uv|poetry …`.
pub(super) fn python_m(toks: Vec<Tok>, call: Call<'_>) {
    let mut a = Args::new(toks);
    while let Some(item) = a.next(&PYTHON) {
        match item {
            Item::Opt {
                name,
                value: Some(m),
            } if name == "-m" => {
                let rest = a.rest().to_vec();
                match m.text.as_str() {
                    "pip" => pip(rest, call),
                    "pipx" => pipx(rest, call),
                    "uv" => uv(rest, call),
                    "poetry" => poetry(rest, call),
                    _ => {}
                }
                return;
            }
            Item::Opt { name, .. } if name == "-c" => return,
            Item::Opt { .. } => {}
            Item::Pos(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_with;
    use pretty_assertions::assert_eq;

    #[test]
    fn with_lists() {
        assert_eq!(split_with("a,b>=1,<2"), ["a", "b>=1,<2"]);
        assert_eq!(split_with("x"), ["x"]);
        assert_eq!(split_with(",,"), Vec::<String>::new());
    }
}
