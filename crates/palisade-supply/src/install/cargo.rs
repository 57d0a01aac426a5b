//! `cargo add`, `cargo install` and `cargo binstall`.
//!
//! Sources: the Cargo book ("cargo add", "cargo install", "Registries"),
//! cargo-binstall's README.

use super::args::{Args, Item, Spec, Style, Tok};
use super::spec::{at_version, Parsed};
use super::{Call, Ctx, Mode};
use crate::{Ecosystem, Source};

/// Options of `cargo add` and `cargo install` (and cargo's global ones)
/// that take a value.
const CARGO: Spec = Spec {
    long: &[
        "--git",
        "--branch",
        "--tag",
        "--rev",
        "--path",
        "--base",
        "--registry",
        "--rename",
        "--features",
        "--package",
        "--manifest-path",
        "--target",
        "--lockfile-path",
        "--config",
        "--color",
        "--version",
        "--vers",
        "--root",
        "--index",
        "--bin",
        "--example",
        "--jobs",
        "--target-dir",
        "--profile",
        "--explain",
    ],
    short: &['F', 'p', 'Z', 'C', 'j'],
    style: Style::Gnu,
};

/// `cargo binstall` options that take a value.
const BINSTALL: Spec = Spec {
    long: &[
        "--version",
        "--targets",
        "--pkg-url",
        "--pkg-fmt",
        "--bin-dir",
        "--install-path",
        "--root",
        "--index",
        "--registry",
        "--git",
        "--manifest-path",
        "--strategies",
        "--disable-strategies",
        "--log-level",
        "--github-token",
        "--min-tls-version",
        "--rate-limit",
        "--maximum-resolution-timeout",
        "--features",
        "--jobs",
        "--settings",
    ],
    short: &['j'],
    style: Style::Gnu,
};

/// `cargo [+toolchain] add|install|binstall …`.
pub(super) fn cargo(toks: Vec<Tok>, call: Call<'_>) {
    let mut a = Args::new(toks);
    if a.rest().first().is_some_and(|t| t.text.starts_with('+')) {
        a.next(&CARGO);
    }
    let mut sub = None;
    while let Some(item) = a.next(&CARGO) {
        if let Item::Pos(t) = item {
            sub = Some(t.text);
            break;
        }
    }
    match sub.as_deref() {
        Some("add") => crates(
            Ctx::new(call, "cargo", Ecosystem::CratesIo, Mode::Add),
            a,
            &CARGO,
        ),
        Some("install") => crates(
            Ctx::new(call, "cargo", Ecosystem::CratesIo, Mode::Global),
            a,
            &CARGO,
        ),
        Some("binstall") => binstall_rest(call, a),
        _ => {}
    }
}

/// `cargo-binstall …` run directly.
pub(super) fn binstall(toks: Vec<Tok>, call: Call<'_>) {
    binstall_rest(call, Args::new(toks));
}

fn binstall_rest(call: Call<'_>, a: Args) {
    let ctx = Ctx::new(call, "cargo", Ecosystem::CratesIo, Mode::Global);
    crates(ctx, a, &BINSTALL);
}

/// Crate operands (`name`, `name@version`) with `--version`, `--git`,
/// `--path`, `--registry` (a registry name from cargo config) and `--index`
/// (a registry URL). With `--git`/`--path` and no operand, the repository
/// or path names the package.
fn crates(mut ctx: Ctx<'_>, mut a: Args, spec: &Spec) {
    let (mut git, mut path, mut version, mut names, mut list) =
        (None, None, None, Vec::new(), false);
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt {
                name,
                value: Some(v),
            } => match name.as_str() {
                "--git" => git = Some(v.text),
                "--path" => path = Some(v.text),
                "--version" | "--vers" => version = Some(v.text),
                "--registry" | "--index" => ctx.index = Some(v.text),
                _ => {}
            },
            Item::Opt { name, value: None } => list |= name == "--list",
            Item::Pos(t) => names.push(t),
        }
    }
    if list {
        return;
    }
    let source = match (&git, &path) {
        (Some(url), _) => Source::Vcs { url: url.clone() },
        (None, Some(p)) => Source::Path { path: p.clone() },
        (None, None) => Source::Registry { index: None },
    };
    if names.is_empty() {
        if let Some(spot) = git.or(path) {
            ctx.parsed(Parsed {
                name: spot,
                version,
                source,
            });
        }
        return;
    }
    for t in names {
        if t.dynamic {
            ctx.unknown(&t);
            continue;
        }
        let (name, at) = at_version(&t.text);
        ctx.parsed(Parsed {
            name,
            version: at.or_else(|| version.clone()),
            source: source.clone(),
        });
    }
}
