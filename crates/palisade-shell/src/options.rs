//! Option parsing driven by a [`Spec`]: `--opt=value`, `-oVALUE`, `-rf`
//! clusters, `--` ending options.

use crate::knowledge::{Spec, Style};
use crate::model::Word;

/// A command's arguments split into options and operands.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// `(name, value)` in order, e.g. `("-o", Some(out))`, `("-r", None)`.
    pub(crate) opts: Vec<(String, Option<Word>)>,
    /// Positional arguments.
    pub(crate) operands: Vec<Word>,
}

impl Parsed {
    /// True if any option in `names` was given.
    pub(crate) fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|(n, _)| names.contains(&n.as_str()))
    }

    /// The values of the options in `names`.
    pub(crate) fn values<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a Word> {
        self.opts
            .iter()
            .filter(move |(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.as_ref())
    }
}

fn part(w: &Word, value: &str) -> Word {
    Word {
        value: value.to_string(),
        dynamic: w.dynamic,
        glob: w.glob,
    }
}

/// Splits `args` (the words after the program) according to `spec`.
pub(crate) fn parse(args: &[Word], spec: &Spec) -> Parsed {
    let mut p = Parsed::default();
    let mut operands_only = false;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        i += 1;
        let v = w.value.as_str();
        if operands_only || w.dynamic || v.len() < 2 || !v.starts_with('-') {
            p.operands.push(w.clone());
            operands_only |= spec.style == Style::OptionsFirst;
            continue;
        }
        if v == "--" {
            operands_only = true;
            continue;
        }
        if v.starts_with("--") || spec.style == Style::SingleDash {
            match v.split_once('=') {
                Some((name, value)) => p.opts.push((name.to_string(), Some(part(w, value)))),
                None if spec.long_val.contains(&v) => {
                    p.opts.push((v.to_string(), args.get(i).cloned()));
                    i += 1;
                }
                None => p.opts.push((v.to_string(), None)),
            }
            continue;
        }
        let cluster = &v[1..];
        for (k, ch) in cluster.char_indices() {
            let rest = &cluster[k + ch.len_utf8()..];
            if spec.short_val.contains(ch) {
                let value = if rest.is_empty() {
                    i += 1;
                    args.get(i - 1).cloned()
                } else {
                    Some(part(w, rest))
                };
                p.opts.push((format!("-{ch}"), value));
                break;
            }
            if spec.short_opt.contains(ch) {
                let value = (!rest.is_empty()).then(|| part(w, rest));
                p.opts.push((format!("-{ch}"), value));
                break;
            }
            p.opts.push((format!("-{ch}"), None));
        }
    }
    p
}
