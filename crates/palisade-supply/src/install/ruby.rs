//! `gem install` and bundler (`bundle add`, `bundle install`, `bundle
//! exec`).
//!
//! Sources: RubyGems guides ("Command Reference": gem install), Bundler
//! docs (bundle-add, bundle-install, bundle-exec).

use super::args::{Args, Item, Spec, Style, Tok};
use super::spec::Parsed;
use super::{Call, Ctx, Mode};
use crate::{Ecosystem, Source};

/// `gem install` options that take a value (`--file [FILE]` takes the next
/// word unless it is an option).
const GEM: Spec = Spec {
    long: &[
        "--version",
        "--source",
        "--install-dir",
        "--bindir",
        "--platform",
        "--trust-policy",
        "--file",
        "--build-root",
        "--config-file",
        "--target-rbconfig",
    ],
    short: &['v', 's', 'i', 'n', 'P', 'g'],
    style: Style::Gnu,
};

/// bundler options that take a value.
const BUNDLE: Spec = Spec {
    long: &[
        "--version",
        "--source",
        "--git",
        "--github",
        "--branch",
        "--ref",
        "--path",
        "--group",
        "--require",
        "--gemfile",
        "--glob",
        "--jobs",
        "--retry",
        "--without",
        "--with",
        "--binstubs",
        "--shebang",
        "--trust-policy",
        "--target-rbconfig",
    ],
    short: &['v', 's', 'g', 'j'],
    style: Style::Gnu,
};

/// `gem install|update …`: `name`, `name:version`, `-v version`, a local
/// `.gem` file; `--source URL`; `-g FILE` installs a gem dependencies file.
pub(super) fn gem(toks: Vec<Tok>, call: Call<'_>) {
    let mut a = Args::new(toks);
    let Some(Item::Pos(sub)) = a.next(&GEM) else {
        return;
    };
    if !matches!(sub.text.as_str(), "install" | "i" | "update") {
        return;
    }
    let mut ctx = Ctx::new(call, "gem", Ecosystem::RubyGems, Mode::Global);
    let (mut version, mut names) = (None, Vec::new());
    while let Some(item) = a.next(&GEM) {
        match item {
            Item::Opt {
                name,
                value: Some(v),
            } => match name.as_str() {
                "-v" | "--version" => version = Some(v.text),
                "-s" | "--source" if ctx.index.is_none() => ctx.index = Some(v.text),
                "-g" | "--file" => ctx.manifest(&v.text),
                _ => {}
            },
            Item::Opt { name, value: None } if matches!(name.as_str(), "-g" | "--file") => {
                ctx.manifest("Gemfile");
            }
            Item::Opt { .. } => {}
            Item::Pos(t) => names.push(t),
        }
    }
    for t in names {
        if t.dynamic {
            ctx.unknown(&t);
            continue;
        }
        let text = t.text.as_str();
        if text.ends_with(".gem") || text.starts_with(['.', '/', '~']) {
            ctx.parsed(Parsed {
                name: text.to_string(),
                version: None,
                source: Source::Path {
                    path: text.to_string(),
                },
            });
            continue;
        }
        let (name, v) = match text.split_once(':') {
            Some((n, v)) if !n.is_empty() => {
                (n.to_string(), Some(v.to_string()).filter(|v| !v.is_empty()))
            }
            _ => (text.to_string(), None),
        };
        ctx.parsed(Parsed {
            name,
            version: v.or_else(|| version.clone()),
            source: Source::Registry { index: None },
        });
    }
}

/// `bundle add|install|exec …`.
pub(super) fn bundle(toks: Vec<Tok>, call: Call<'_>) {
    let mut a = Args::new(toks);
    let Some(Item::Pos(sub)) = a.next(&BUNDLE) else {
        return;
    };
    let mut ctx = Ctx::new(call, "bundle", Ecosystem::RubyGems, Mode::Add);
    match sub.text.as_str() {
        "add" => {
            let (mut version, mut source, mut names) =
                (None, Source::Registry { index: None }, Vec::new());
            while let Some(item) = a.next(&BUNDLE) {
                match item {
                    Item::Opt {
                        name,
                        value: Some(v),
                    } => match name.as_str() {
                        "-v" | "--version" => version = Some(v.text),
                        "-s" | "--source" => ctx.index = Some(v.text),
                        "--git" => source = Source::Vcs { url: v.text },
                        "--github" => {
                            source = Source::Vcs {
                                url: format!("github:{}", v.text),
                            }
                        }
                        "--path" => source = Source::Path { path: v.text },
                        _ => {}
                    },
                    Item::Opt { .. } => {}
                    Item::Pos(t) => names.push(t),
                }
            }
            for t in names {
                if t.dynamic {
                    ctx.unknown(&t);
                    continue;
                }
                ctx.parsed(Parsed {
                    name: t.text,
                    version: version.clone(),
                    source: source.clone(),
                });
            }
        }
        "install" | "update" => {
            let mut gemfile = String::from("Gemfile");
            while let Some(item) = a.next(&BUNDLE) {
                if let Item::Opt {
                    name,
                    value: Some(v),
                } = item
                {
                    if name == "--gemfile" {
                        gemfile = v.text;
                    }
                }
            }
            ctx.manifest(&gemfile);
        }
        "exec" => {
            let words = a.rest().to_vec();
            ctx.run_nested(&words);
        }
        _ => {}
    }
}
