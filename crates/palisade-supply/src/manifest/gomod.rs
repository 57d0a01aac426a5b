//! Go's `go.mod` (<https://go.dev/ref/mod#go-mod-file>).
//!
//! Line based: a directive (`module`, `go`, `toolchain`, `godebug`,
//! `require`, `exclude`, `replace`, `retract`, `tool`, `ignore`) followed by
//! its arguments, or by `(` opening a block of argument lines closed by
//! `)`. `//` starts a comment; `// indirect` marks an indirect
//! requirement. Module paths may be quoted (`"…"` or `` `…` ``).
//!
//! `require path version` lines are the dependencies; `replace old
//! [version] => new [version]` changes where one comes from: a local
//! directory (`./x`, `../x`, `/x`) becomes a path source, another module a
//! version-control source `new@version`.

use super::{line_no, Dependency, DependencyKind, Manifest, ManifestError, ManifestKind};
use crate::{Ecosystem, Source};

const KIND: ManifestKind = ManifestKind::GoMod;
const DIRECTIVES: [&str; 10] = [
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
];

/// Splits a line into tokens, honouring quotes; returns the tokens and
/// the comment text (after `//`), if any.
fn tokens(line: &str, no: u32) -> Result<(Vec<String>, Option<&str>), ManifestError> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok((out, None));
        }
        if let Some(c) = rest.strip_prefix("//") {
            return Ok((out, Some(c.trim())));
        }
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '`');
        if let Some(q) = quote {
            let body = &rest[1..];
            let end = body
                .find(q)
                .ok_or_else(|| ManifestError::syntax(KIND, no, "unterminated quoted string"))?;
            out.push(body[..end].to_string());
            rest = &body[end + 1..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '`')
                .unwrap_or(rest.len());
            let end = rest[..end].find("//").unwrap_or(end);
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// A `replace` directive.
struct Replace {
    old: String,
    old_version: Option<String>,
    source: Source,
    new_version: Option<String>,
    line: u32,
}

fn is_local(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path == "."
        || path == ".."
}

fn replace(args: &[String], no: u32) -> Result<Replace, ManifestError> {
    let arrow = args
        .iter()
        .position(|a| a == "=>")
        .ok_or_else(|| ManifestError::syntax(KIND, no, "`replace` needs `=>`"))?;
    let (left, right) = (&args[..arrow], &args[arrow + 1..]);
    let (old, old_version) = match left {
        [m] => (m.clone(), None),
        [m, v] => (m.clone(), Some(v.clone())),
        _ => {
            return Err(ManifestError::syntax(
                KIND,
                no,
                "`replace` wants `module [version] =>`",
            ))
        }
    };
    let (source, new_version) = match right {
        [p] if is_local(p) => (Source::Path { path: p.clone() }, None),
        [m, v] if !is_local(m) => (
            Source::Vcs {
                url: format!("{m}@{v}"),
            },
            Some(v.clone()),
        ),
        [_] => {
            return Err(ManifestError::syntax(
                KIND,
                no,
                "a `replace` by another module needs its version",
            ))
        }
        _ => {
            return Err(ManifestError::syntax(
                KIND,
                no,
                "`replace` wants `=> path` or `=> module version`",
            ))
        }
    };
    Ok(Replace {
        old,
        old_version,
        source,
        new_version,
        line: no,
    })
}

/// Parses a go.mod.
pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let mut deps: Vec<Dependency> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut block: Option<(String, u32)> = None;
    for (i, raw) in text.lines().enumerate() {
        let no = line_no(i);
        let (toks, comment) = tokens(raw, no)?;
        if toks.is_empty() {
            continue;
        }
        let (verb, args): (&str, &[String]) = match &block {
            Some(_) if toks[0] == ")" => {
                if toks.len() > 1 {
                    return Err(ManifestError::syntax(KIND, no, "text after `)`"));
                }
                block = None;
                continue;
            }
            Some((verb, _)) => (verb.as_str(), &toks[..]),
            None => {
                let verb = toks[0].as_str();
                if !DIRECTIVES.contains(&verb) {
                    return Err(ManifestError::syntax(
                        KIND,
                        no,
                        format!("unknown directive `{verb}`"),
                    ));
                }
                if toks.get(1).is_some_and(|t| t == "(") {
                    if toks.len() > 2 {
                        return Err(ManifestError::syntax(KIND, no, "text after `(`"));
                    }
                    block = Some((verb.to_string(), no));
                    continue;
                }
                (verb, &toks[1..])
            }
        };
        match verb {
            "require" => {
                let [path, version] = args else {
                    return Err(ManifestError::syntax(
                        KIND,
                        no,
                        "`require` wants `module version`",
                    ));
                };
                let mut d = Dependency::new(
                    Ecosystem::Go,
                    path.clone(),
                    Some(version.clone()),
                    Source::Registry { index: None },
                    DependencyKind::Normal,
                );
                let indirect =
                    comment.is_some_and(|c| c == "indirect" || c.starts_with("indirect;"));
                d.direct = Some(!indirect);
                d.line = Some(no);
                deps.push(d);
            }
            "replace" => replaces.push(replace(args, no)?),
            _ => {}
        }
    }
    if let Some((verb, line)) = block {
        return Err(ManifestError::syntax(
            KIND,
            line,
            format!("`{verb} (` is never closed"),
        ));
    }
    for r in replaces {
        let mut matched = false;
        for d in deps.iter_mut().filter(|d| d.install.name == r.old) {
            if r.old_version.is_none() || r.old_version == d.install.version {
                matched = true;
                d.install.source = r.source.clone();
                if r.new_version.is_some() {
                    d.install.version.clone_from(&r.new_version);
                }
                d.resolved = Some(match &r.source {
                    Source::Path { path } => path.clone(),
                    Source::Vcs { url } => url.clone(),
                    _ => String::new(),
                });
            }
        }
        if !matched {
            let mut d = Dependency::new(
                Ecosystem::Go,
                r.old,
                r.new_version,
                r.source,
                DependencyKind::Override,
            );
            d.line = Some(r.line);
            deps.push(d);
        }
    }
    Ok(Manifest {
        dependencies: deps,
        references: Vec::new(),
    })
}
