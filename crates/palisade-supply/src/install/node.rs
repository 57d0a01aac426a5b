//! npm, npx, pnpm, yarn and bun.
//!
//! Sources: npm docs ("npm install" and its aliases, "npm ci", "npm exec",
//! "npm init", "config"), pnpm docs ("pnpm add", "pnpm install", "pnpm dlx",
//! "pnpm exec", "pnpm create"), yarn docs (classic 1.x "CLI", berry "CLI"),
//! bun docs ("bun add", "bun install", "bunx", "bun create").

use super::args::{Args, Item, Spec, Style, Tok};
use super::spec;
use super::{Call, Ctx, Mode, ParseFn};
use crate::Ecosystem;

/// npm options that take a value (npm docs, "config"; `-C` is `--prefix`,
/// `-w` is `--workspace`).
const NPM: Spec = Spec {
    long: &[
        "--registry",
        "--prefix",
        "--workspace",
        "--tag",
        "--cache",
        "--userconfig",
        "--globalconfig",
        "--loglevel",
        "--omit",
        "--include",
        "--install-strategy",
        "--before",
        "--otp",
        "--scope",
        "--save-prefix",
        "--script-shell",
        "--auth-type",
        "--fetch-retries",
        "--fetch-timeout",
        "--fetch-retry-factor",
        "--fetch-retry-mintimeout",
        "--fetch-retry-maxtimeout",
        "--maxsockets",
        "--cafile",
        "--ca",
        "--cert",
        "--key",
        "--proxy",
        "--https-proxy",
        "--noproxy",
        "--local-address",
        "--node-options",
        "--lockfile-version",
        "--cpu",
        "--os",
        "--libc",
        "--allow-git",
        "--min-release-age",
        "--init-module",
        "--init-author-name",
        "--init-author-email",
        "--init-author-url",
        "--init-license",
        "--init-version",
        "--package",
        "--call",
        "--replace-registry-host",
    ],
    short: &['w', 'C'],
    style: Style::Gnu,
};

/// `npm exec` and `npx`: as [`NPM`], plus `-p`/`--package` and `-c`/`--call`.
const NPM_EXEC: Spec = Spec {
    long: NPM.long,
    short: &['w', 'C', 'p', 'c'],
    style: Style::Gnu,
};

/// pnpm options that take a value (pnpm docs, "CLI" and per-command
/// pages). `-w` is `--workspace-root`, a flag.
const PNPM: Spec = Spec {
    long: &[
        "--dir",
        "--filter",
        "--filter-prod",
        "--registry",
        "--store-dir",
        "--virtual-store-dir",
        "--reporter",
        "--loglevel",
        "--workspace-concurrency",
        "--network-concurrency",
        "--child-concurrency",
        "--modules-dir",
        "--lockfile-dir",
        "--package-import-method",
        "--node-linker",
        "--resolution-mode",
        "--test-pattern",
        "--changed-files-ignore-pattern",
        "--allow-build",
        "--package",
        "--save-catalog-name",
        "--config",
        "--global-dir",
        "--cache-dir",
        "--state-dir",
        "--use-node-version",
    ],
    short: &['C', 'F'],
    style: Style::Gnu,
};

/// yarn options that take a value (classic 1.x and berry).
const YARN: Spec = Spec {
    long: &[
        "--cwd",
        "--registry",
        "--cache-folder",
        "--modules-folder",
        "--global-folder",
        "--link-folder",
        "--mutex",
        "--network-concurrency",
        "--network-timeout",
        "--preferred-cache-folder",
        "--use-yarnrc",
        "--child-concurrency",
        "--https-proxy",
        "--proxy",
        "--otp",
        "--mode",
        "--package",
    ],
    short: &[],
    style: Style::Gnu,
};

/// `yarn dlx`: as [`YARN`], plus `-p`.
const YARN_DLX: Spec = Spec {
    long: YARN.long,
    short: &['p'],
    style: Style::Gnu,
};

/// bun options that take a value (bun docs, "bun install" flags).
const BUN: Spec = Spec {
    long: &[
        "--cwd",
        "--registry",
        "--cache-dir",
        "--config",
        "--backend",
        "--concurrent-scripts",
        "--network-concurrency",
        "--omit",
        "--filter",
        "--ca",
        "--cafile",
        "--linker",
        "--minimum-release-age",
        "--package",
    ],
    short: &['c', 'F'],
    style: Style::Gnu,
};

/// `bunx` / `bun x`: as [`BUN`], plus `-p`.
const BUNX: Spec = Spec {
    long: BUN.long,
    short: &['c', 'F', 'p'],
    style: Style::Gnu,
};

/// npm's install aliases (npm docs, "npm install").
const NPM_INSTALL: &[&str] = &[
    "install",
    "i",
    "add",
    "in",
    "ins",
    "inst",
    "insta",
    "instal",
    "isnt",
    "isnta",
    "isntal",
    "isntall",
    "install-test",
    "it",
];
/// npm's clean-install aliases (npm docs, "npm ci", "npm install-ci-test").
const NPM_CI: &[&str] = &[
    "ci",
    "clean-install",
    "ic",
    "install-clean",
    "isntall-clean",
    "install-ci-test",
    "cit",
];
/// npm's update aliases (npm docs, "npm update").
const NPM_UPDATE: &[&str] = &["update", "up", "upgrade", "udpate"];

/// What a node-client option does to the context; `dirs` are the options
/// naming the project directory for this client.
fn option(ctx: &mut Ctx<'_>, name: &str, value: Option<&Tok>, dirs: &[&str]) {
    match (name, value) {
        ("-g" | "--global", None) => ctx.mode = Mode::Global,
        ("--global", Some(v)) if v.text != "false" => ctx.mode = Mode::Global,
        ("--registry", Some(v)) => ctx.index = Some(v.text.clone()),
        (n, Some(v)) if dirs.contains(&n) => ctx.dir = Some(v.text.clone()),
        (n, Some(v)) => {
            ctx.scoped_registry(n, v);
        }
        _ => {}
    }
}

/// Reads options and package operands to the end; returns the number of
/// operands and the option names seen.
fn packages(
    ctx: &mut Ctx<'_>,
    a: &mut Args,
    spec: &Spec,
    dirs: &[&str],
    parse: ParseFn,
) -> (usize, Vec<String>) {
    let (mut n, mut seen) = (0, Vec::new());
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt { name, value } => {
                option(ctx, &name, value.as_ref(), dirs);
                seen.push(name);
            }
            Item::Pos(t) => {
                ctx.package(t, parse);
                n += 1;
            }
        }
    }
    (n, seen)
}

/// Reads options up to the subcommand.
fn subcommand(ctx: &mut Ctx<'_>, a: &mut Args, spec: &Spec, dirs: &[&str]) -> Option<Tok> {
    loop {
        match a.next(spec)? {
            Item::Opt { name, value } => option(ctx, &name, value.as_ref(), dirs),
            Item::Pos(t) => return Some(t),
        }
    }
}

/// A package runner (`npx`, `npm exec`, `pnpm dlx`, `yarn dlx`, `bunx`):
/// `-p`/`--package` values are packages and the first operand is the
/// command; without them, the first operand is the package (and its
/// binary). `-c`/`--call` text (npm) is shell code run with the packages;
/// with `shell_mode` (pnpm's `-c`), the operand is.
fn runner(mut ctx: Ctx<'_>, mut a: Args, spec: &Spec, dirs: &[&str], npm_call: bool) {
    ctx.mode = Mode::Run;
    let (mut named, mut call, mut shell_mode) = (0, None, false);
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt { name, value } => match (name.as_str(), value) {
                ("-p" | "--package", Some(v)) => {
                    ctx.package(v, spec::npm);
                    named += 1;
                }
                ("-c" | "--call", Some(v)) if npm_call => call = Some(v),
                ("-c" | "--shell-mode", None) if !npm_call => shell_mode = true,
                (n, v) => option(&mut ctx, n, v.as_ref(), dirs),
            },
            Item::Pos(t) if shell_mode => {
                if named == 0 {
                    let first = t.text.split_whitespace().next().unwrap_or("").to_string();
                    ctx.package(
                        Tok {
                            text: first,
                            dynamic: t.dynamic,
                        },
                        spec::npm,
                    );
                }
                ctx.run_shell(&t.text);
                break;
            }
            Item::Pos(t) if named == 0 => {
                ctx.package(t, spec::npm);
                break;
            }
            Item::Pos(t) => {
                let mut words = vec![t];
                words.extend_from_slice(a.rest());
                ctx.run_nested(&words);
                break;
            }
        }
    }
    if let Some(body) = call {
        ctx.run_shell(&body.text);
    }
    ctx.finish();
}

/// `npm init <initializer>` / `create`: runs `create-<initializer>`.
fn initializer(mut ctx: Ctx<'_>, mut a: Args, spec: &Spec, dirs: &[&str]) {
    ctx.mode = Mode::Run;
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt { name, value } => option(&mut ctx, &name, value.as_ref(), dirs),
            Item::Pos(t) => {
                ctx.package(t, spec::npm_initializer);
                break;
            }
        }
    }
    ctx.finish();
}

/// A command run by the client (`pnpm exec cmd …`, `yarn exec cmd …`).
fn exec(mut ctx: Ctx<'_>, mut a: Args, spec: &Spec, dirs: &[&str]) {
    while let Some(item) = a.next(spec) {
        match item {
            Item::Opt { name, value } => option(&mut ctx, &name, value.as_ref(), dirs),
            Item::Pos(t) => {
                let mut words = vec![t];
                words.extend_from_slice(a.rest());
                ctx.run_nested(&words);
                break;
            }
        }
    }
    ctx.finish();
}

const NPM_DIRS: &[&str] = &["--prefix", "-C"];

/// `npm …`.
pub(super) fn npm(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "npm", Ecosystem::Npm, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = subcommand(&mut ctx, &mut a, &NPM, NPM_DIRS) else {
        return;
    };
    let sub = sub.text.as_str();
    if NPM_INSTALL.contains(&sub) || NPM_UPDATE.contains(&sub) {
        let (n, _) = packages(&mut ctx, &mut a, &NPM, NPM_DIRS, spec::npm);
        if n == 0 {
            ctx.manifest("package.json");
        }
        ctx.finish();
    } else if NPM_CI.contains(&sub) {
        packages(&mut ctx, &mut a, &NPM, NPM_DIRS, spec::npm);
        ctx.lockfile("package-lock.json");
        ctx.finish();
    } else if matches!(sub, "exec" | "x") {
        runner(ctx, a, &NPM_EXEC, NPM_DIRS, true);
    } else if matches!(sub, "init" | "create" | "innit") {
        initializer(ctx, a, &NPM, NPM_DIRS);
    }
}

/// `npx …` (npm 7+: `npm exec` with everything after the package passed on).
pub(super) fn npx(toks: Vec<Tok>, call: Call<'_>) {
    let ctx = Ctx::new(call, "npx", Ecosystem::Npm, Mode::Run);
    runner(ctx, Args::new(toks), &NPM_EXEC, NPM_DIRS, true);
}

const PNPM_DIRS: &[&str] = &["--dir", "-C"];

/// `pnpm …`.
pub(super) fn pnpm(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "pnpm", Ecosystem::Npm, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = subcommand(&mut ctx, &mut a, &PNPM, PNPM_DIRS) else {
        return;
    };
    match sub.text.as_str() {
        "add" => {
            packages(&mut ctx, &mut a, &PNPM, PNPM_DIRS, spec::npm);
            ctx.finish();
        }
        "install" | "i" | "update" | "up" | "upgrade" | "install-test" | "it" => {
            let (n, seen) = packages(&mut ctx, &mut a, &PNPM, PNPM_DIRS, spec::npm);
            if n == 0 && seen.iter().any(|s| s == "--frozen-lockfile") {
                ctx.lockfile("pnpm-lock.yaml");
            } else if n == 0 {
                ctx.manifest("package.json");
            }
            ctx.finish();
        }
        "dlx" => runner(ctx, a, &PNPM, PNPM_DIRS, false),
        "create" => initializer(ctx, a, &PNPM, PNPM_DIRS),
        "exec" => exec(ctx, a, &PNPM, PNPM_DIRS),
        _ => {}
    }
}

/// `pnpx …` (`pnpm dlx`).
pub(super) fn pnpx(toks: Vec<Tok>, call: Call<'_>) {
    let ctx = Ctx::new(call, "pnpm", Ecosystem::Npm, Mode::Run);
    runner(ctx, Args::new(toks), &PNPM, PNPM_DIRS, false);
}

const YARN_DIRS: &[&str] = &["--cwd"];

/// `yarn …`; bare `yarn` installs the manifest.
pub(super) fn yarn(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "yarn", Ecosystem::Npm, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = subcommand(&mut ctx, &mut a, &YARN, YARN_DIRS) else {
        ctx.manifest("package.json");
        ctx.finish();
        return;
    };
    match sub.text.as_str() {
        "add" => {
            packages(&mut ctx, &mut a, &YARN, YARN_DIRS, spec::npm);
            ctx.finish();
        }
        "global" => {
            ctx.mode = Mode::Global;
            if let Some(s) = subcommand(&mut ctx, &mut a, &YARN, YARN_DIRS) {
                if matches!(s.text.as_str(), "add" | "upgrade") {
                    packages(&mut ctx, &mut a, &YARN, YARN_DIRS, spec::npm);
                }
            }
            ctx.finish();
        }
        "install" | "up" | "upgrade" => {
            let (n, seen) = packages(&mut ctx, &mut a, &YARN, YARN_DIRS, spec::npm);
            let frozen = seen
                .iter()
                .any(|s| matches!(s.as_str(), "--frozen-lockfile" | "--immutable"));
            if n == 0 && frozen {
                ctx.lockfile("yarn.lock");
            } else if n == 0 {
                ctx.manifest("package.json");
            }
            ctx.finish();
        }
        "dlx" => runner(ctx, a, &YARN_DLX, YARN_DIRS, true),
        "create" => initializer(ctx, a, &YARN, YARN_DIRS),
        "exec" => exec(ctx, a, &YARN, YARN_DIRS),
        // `yarn workspace <name> <command…>`: the rest is a yarn command.
        "workspace" if a.next(&YARN).is_some() => {
            let rest = a.rest().to_vec();
            yarn(rest, ctx.call);
        }
        _ => {}
    }
}

const BUN_DIRS: &[&str] = &["--cwd"];

/// `bun …`.
pub(super) fn bun(toks: Vec<Tok>, call: Call<'_>) {
    let mut ctx = Ctx::new(call, "bun", Ecosystem::Npm, Mode::Add);
    let mut a = Args::new(toks);
    let Some(sub) = subcommand(&mut ctx, &mut a, &BUN, BUN_DIRS) else {
        return;
    };
    match sub.text.as_str() {
        "add" | "a" => {
            packages(&mut ctx, &mut a, &BUN, BUN_DIRS, spec::npm);
            ctx.finish();
        }
        "install" | "i" | "update" => {
            let (n, seen) = packages(&mut ctx, &mut a, &BUN, BUN_DIRS, spec::npm);
            if n == 0 && seen.iter().any(|s| s == "--frozen-lockfile") {
                ctx.lockfile("bun.lock");
            } else if n == 0 {
                ctx.manifest("package.json");
            }
            ctx.finish();
        }
        "x" => {
            let ctx = Ctx::new(ctx.call, "bunx", Ecosystem::Npm, Mode::Run);
            runner(ctx, a, &BUNX, BUN_DIRS, false);
        }
        "create" | "c" => initializer(ctx, a, &BUN, BUN_DIRS),
        _ => {}
    }
}

/// `bunx …` (`bun x`).
pub(super) fn bunx(toks: Vec<Tok>, call: Call<'_>) {
    let ctx = Ctx::new(call, "bunx", Ecosystem::Npm, Mode::Run);
    runner(ctx, Args::new(toks), &BUNX, BUN_DIRS, false);
}
