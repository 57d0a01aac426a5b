//! Command-line option scanning shared by every client: which words are
//! options, which options take a value, and which words are operands.
//!
//! Two conventions are covered. GNU/POSIX style (npm, pip, uv, cargo, gem…):
//! `--name value`, `--name=value`, `-x value`, `-xvalue`, clustered short
//! flags (`-qU`), `--` ending the options. Go style (`go` and its `flag`
//! package): one or two dashes, no clusters, `-name=value` or `-name value`
//! for non-boolean flags.
//!
//! An option not listed as taking a value is taken as a flag, so the word
//! after it stays an operand. For a security check that is the safe
//! direction: an unknown option can make Palisade report a package that is
//! not installed, never miss one that is.

use std::collections::VecDeque;

/// One argument word, as the shell analysis resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    /// The word after quote removal (source text when dynamic).
    pub(crate) text: String,
    /// True if the value is not known statically (`$PKG`, `$(…)`, xargs input).
    pub(crate) dynamic: bool,
}

impl Tok {
    /// A static word.
    #[cfg(test)]
    pub(crate) fn lit(s: &str) -> Self {
        Tok {
            text: s.to_string(),
            dynamic: false,
        }
    }

    fn part(&self, s: &str) -> Self {
        Tok {
            text: s.to_string(),
            dynamic: self.dynamic,
        }
    }
}

/// How a client spells its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `--long[=v]`, `-s[v]`, clustered short flags.
    Gnu,
    /// Go's `flag` package: `-name[=v]` or `--name[=v]`, no clusters.
    Go,
}

/// The options of one client (or one subcommand) that take a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Long options taking a value, with their dashes (`--registry`); for
    /// [`Style::Go`], with one dash (`-modfile`).
    pub(crate) long: &'static [&'static str],
    /// Short options taking a value (`'r'` for `-r FILE`).
    pub(crate) short: &'static [char],
    /// The option convention.
    pub(crate) style: Style,
}

/// One scanned argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// An option: `name` with its dashes (`--registry`, `-r`; Go style: one
    /// dash), and its value when it takes one or was written `--x=v`.
    Opt {
        /// The option's name with dashes.
        name: String,
        /// Its value, if any.
        value: Option<Tok>,
    },
    /// An operand.
    Pos(Tok),
}

/// A cursor over a command's arguments; the option table can change as the
/// scan goes (global options, then the subcommand's).
#[derive(Debug, Clone)]
pub(crate) struct Args {
    toks: Vec<Tok>,
    next: usize,
    pending: VecDeque<Item>,
    only_operands: bool,
}

impl Args {
    /// A cursor at the first argument.
    pub(crate) fn new(toks: Vec<Tok>) -> Self {
        Args {
            toks,
            next: 0,
            pending: VecDeque::new(),
            only_operands: false,
        }
    }

    /// The words not yet scanned (after any pending short-option cluster).
    pub(crate) fn rest(&self) -> &[Tok] {
        self.toks.get(self.next..).unwrap_or(&[])
    }

    /// The next item under `spec`, or `None` at the end.
    pub(crate) fn next(&mut self, spec: &Spec) -> Option<Item> {
        if let Some(item) = self.pending.pop_front() {
            return Some(item);
        }
        let tok = self.toks.get(self.next)?.clone();
        self.next += 1;
        if self.only_operands || tok.dynamic || !tok.text.starts_with('-') || tok.text == "-" {
            return Some(Item::Pos(tok));
        }
        if tok.text == "--" {
            self.only_operands = true;
            return self.next(spec);
        }
        match spec.style {
            Style::Go => Some(self.go_option(&tok, spec)),
            Style::Gnu if tok.text.starts_with("--") => Some(self.long_option(&tok, spec)),
            Style::Gnu => {
                self.short_cluster(&tok, spec);
                self.pending.pop_front()
            }
        }
    }

    /// Takes the next word as an option's value (`None` at the end).
    fn value(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.next)?.clone();
        self.next += 1;
        Some(tok)
    }

    fn long_option(&mut self, tok: &Tok, spec: &Spec) -> Item {
        if let Some((name, value)) = tok.text.split_once('=') {
            return Item::Opt {
                name: name.to_string(),
                value: Some(tok.part(value)),
            };
        }
        // npm's per-scope registry, `--@scope:registry URL`, takes a value
        // (npm docs, "config": `@scope:registry`).
        let takes = spec.long.contains(&tok.text.as_str()) || tok.text.ends_with(":registry");
        let value = if takes { self.value() } else { None };
        Item::Opt {
            name: tok.text.clone(),
            value,
        }
    }

    fn go_option(&mut self, tok: &Tok, spec: &Spec) -> Item {
        let bare = tok.text.strip_prefix("--").unwrap_or(&tok.text[1..]);
        if let Some((name, value)) = bare.split_once('=') {
            return Item::Opt {
                name: format!("-{name}"),
                value: Some(tok.part(value)),
            };
        }
        let name = format!("-{bare}");
        let value = if spec.long.contains(&name.as_str()) {
            self.value()
        } else {
            None
        };
        Item::Opt { name, value }
    }

    /// Queues the items of `-abc`, `-rFILE`, `-r FILE`.
    fn short_cluster(&mut self, tok: &Tok, spec: &Spec) {
        let body = &tok.text[1..];
        for (i, c) in body.char_indices() {
            let name = format!("-{c}");
            if spec.short.contains(&c) {
                let attached = &body[i + c.len_utf8()..];
                let attached = attached.strip_prefix('=').unwrap_or(attached);
                let value = if attached.is_empty() {
                    self.value()
                } else {
                    Some(tok.part(attached))
                };
                self.pending.push_back(Item::Opt { name, value });
                return;
            }
            self.pending.push_back(Item::Opt { name, value: None });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const SPEC: Spec = Spec {
        long: &["--registry"],
        short: &['r'],
        style: Style::Gnu,
    };

    fn scan(words: &[&str], spec: &Spec) -> Vec<String> {
        let mut a = Args::new(words.iter().map(|w| Tok::lit(w)).collect());
        let mut out = Vec::new();
        while let Some(item) = a.next(spec) {
            out.push(match item {
                Item::Opt { name, value: None } => name,
                Item::Opt {
                    name,
                    value: Some(v),
                } => format!("{name}={}", v.text),
                Item::Pos(t) => format!("<{}>", t.text),
            });
        }
        out
    }

    #[test]
    fn gnu_forms() {
        assert_eq!(
            scan(
                &[
                    "--registry",
                    "u",
                    "--registry=v",
                    "-qrF",
                    "-q",
                    "-r",
                    "f",
                    "x",
                    "--",
                    "-y"
                ],
                &SPEC
            ),
            [
                "--registry=u",
                "--registry=v",
                "-q",
                "-r=F",
                "-q",
                "-r=f",
                "<x>",
                "<-y>"
            ]
        );
        assert_eq!(
            scan(&["--unknown", "x", "-", "-r"], &SPEC),
            ["--unknown", "<x>", "<->", "-r"]
        );
    }

    #[test]
    fn go_forms() {
        let go = Spec {
            long: &["-modfile"],
            short: &[],
            style: Style::Go,
        };
        assert_eq!(
            scan(&["-modfile", "m", "--modfile=n", "-x", "p@v"], &go),
            ["-modfile=m", "-modfile=n", "-x", "<p@v>"]
        );
    }
}
