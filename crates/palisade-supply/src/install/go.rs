//! `go get`, `go install`, `go run pkg@version`, `go mod download`.
//!
//! Sources: "go help get", "go help install", "go help run", "go help
//! build" (build flags), "go help mod download", Go Modules Reference
//! (`GOPROXY`).

use super::args::{Args, Item, Spec, Style, Tok};
use super::spec::{at_version, Parsed};
use super::{Call, Ctx, Mode};
use crate::{Ecosystem, Source};

/// Go build flags that take a value ("go help build"); boolean flags
/// (`-u`, `-t`, `-x`, `-race`, `-trimpath`…) take none.
const GO: Spec = Spec {
    long: &[
        "-C",
        "-o",
        "-p",
        "-tags",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-gccgoflags",
        "-mod",
        "-modfile",
        "-overlay",
        "-pgo",
        "-pkgdir",
        "-toolexec",
        "-exec",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-covermode",
        "-coverpkg",
        "-coverprofile",
    ],
    short: &[],
    style: Style::Go,
};

/// `go get|install|run|mod download …`.
pub(super) fn go(toks: Vec<Tok>, call: Call<'_>) {
    let mut a = Args::new(toks);
    let Some(Item::Pos(sub)) = a.next(&GO) else {
        return;
    };
    let (mode, first_only) = match sub.text.as_str() {
        "get" => (Mode::Add, false),
        "install" => (Mode::Global, false),
        "run" => (Mode::Run, true),
        "mod" => match a.next(&GO) {
            Some(Item::Pos(t)) if t.text == "download" => (Mode::Fetch, false),
            _ => return,
        },
        _ => return,
    };
    let mut ctx = Ctx::new(call, "go", Ecosystem::Go, mode);
    let mut n = 0;
    while let Some(item) = a.next(&GO) {
        match item {
            Item::Opt {
                name,
                value: Some(v),
            } if name == "-C" => ctx.dir = Some(v.text),
            Item::Opt { .. } => {}
            Item::Pos(t) => {
                n += 1;
                if first_only {
                    // `go run file.go` and `go run ./cmd` build local code.
                    if t.dynamic || t.text.contains('@') {
                        package(&mut ctx, &t);
                    }
                    break;
                }
                package(&mut ctx, &t);
            }
        }
    }
    if n == 0 && mode == Mode::Fetch {
        ctx.manifest("go.mod");
    }
    ctx.finish();
}

/// One package or module argument: `path[@version]`, a local `./dir`,
/// `all` (every dependency in go.mod). `@none` removes a module.
fn package(ctx: &mut Ctx<'_>, t: &Tok) {
    if t.dynamic {
        ctx.unknown(t);
        return;
    }
    let text = t.text.as_str();
    if text == "all" {
        ctx.manifest("go.mod");
        return;
    }
    if matches!(text, "std" | "cmd") || text.starts_with("std/") {
        return;
    }
    if text.starts_with(['.', '/']) || text.ends_with(".go") {
        ctx.parsed(Parsed {
            name: text.to_string(),
            version: None,
            source: Source::Path {
                path: text.to_string(),
            },
        });
        return;
    }
    let (name, version) = at_version(text);
    if version.as_deref() == Some("none") {
        return;
    }
    ctx.parsed(Parsed {
        name,
        version,
        source: Source::Registry { index: None },
    });
}
