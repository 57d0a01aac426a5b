//! Shell variables assigned earlier in the same command line
//! (`a=~/.ssh; cat $a/id_rsa`), so later expansions resolve statically.
//!
//! Conservative by construction: only plain assignments that run
//! unconditionally in the current shell set a value (see `parse.rs`); any
//! other statement that mentions a variable's name (`read a`, `for a in`,
//! `a=1 cmd`, `(a=2)`) makes it unknown before and after it runs; names used
//! in function bodies, `trap` or declarations with flags (`declare -n`) are
//! unknown for good; `eval`, `source` and `.` forget every value.

use crate::model::Word;
use std::collections::{HashMap, HashSet};

/// Variables of one shell (a subshell or child shell gets a copy).
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    /// Assigned names: `Some(value)` when known (the value may itself be
    /// dynamic, e.g. `$HOME/x`), `None` when assigned something unknown.
    values: HashMap<String, Option<Word>>,
    /// Exported names (passed to child shells).
    exported: HashSet<String>,
    /// Names that are never resolved.
    poisoned: HashSet<String>,
    /// Too many names were poisoned: nothing resolves.
    poison_all: bool,
}

/// Most variables tracked (copies are made per subshell); past it new
/// names stay unknown.
const MAX_VARS: usize = 256;

/// IFS characters when IFS is unset (bash's default).
pub(crate) const DEFAULT_IFS: &str = " \t\n";

/// True for a valid shell variable name.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The variable named by `$name` or `${name}` (no operators), if any.
pub(crate) fn expansion_name(text: &str) -> Option<&str> {
    let name = match text.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}')?,
        None => text.strip_prefix('$')?,
    };
    is_name(name).then_some(name)
}

/// Identifier tokens of `text` not written as `$name` / `${name}`.
fn mentioned(text: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            // `${a:=x}` / `${a=x}` assign: only `$a` and `${a}` are uses.
            let braced = start >= 2
                && bytes[start - 1] == b'{'
                && bytes[start - 2] == b'$'
                && bytes.get(i) == Some(&b'}');
            let expanded = (start >= 1 && bytes[start - 1] == b'$') || braced;
            if !expanded {
                if let Some(t) = text.get(start..i) {
                    out.insert(t);
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

/// True if `text` has `eval`, `source`, or `.` in command position.
fn runs_unknown_code(text: &str) -> bool {
    let mut command_start = true;
    for t in text.split_whitespace() {
        let t = t.trim_start_matches(['(', '{', '!', '`']);
        let bare = t.trim_start_matches(|c: char| "$(".contains(c));
        if matches!(bare, "eval" | "source") || (command_start && t == ".") {
            return true;
        }
        command_start = t.is_empty()
            || t.ends_with([';', '&', '|', '(', '{', '`'])
            || matches!(
                t,
                "then" | "do" | "else" | "elif" | "if" | "while" | "until" | "!" | "time"
            );
    }
    false
}

impl Vars {
    /// The value of `$name`, when known. `IFS` defaults to whitespace unless
    /// assigned in the command line.
    pub(crate) fn get(&self, name: &str) -> Option<Word> {
        if self.poison_all || self.poisoned.contains(name) {
            return None;
        }
        match self.values.get(name) {
            Some(v) => v.clone(),
            None if name == "IFS" => Some(Word::lit(DEFAULT_IFS)),
            None => None,
        }
    }

    /// True while IFS is bash's default (so splitting is known).
    pub(crate) fn ifs_default(&self) -> bool {
        !self.poison_all && !self.poisoned.contains("IFS") && !self.values.contains_key("IFS")
    }

    /// `name=value` (or `name+=value` with `append`).
    pub(crate) fn set(&mut self, name: &str, value: Option<Word>, append: bool) {
        if self.values.len() >= MAX_VARS && !self.values.contains_key(name) && name != "IFS" {
            // Not tracked, so unknown.
            return;
        }
        if name == "IFS" {
            // Splitting with another IFS is not modelled.
            self.values.insert(name.to_string(), None);
            return;
        }
        let value = match (append, value) {
            (false, v) => v,
            (true, Some(v)) => match self.values.get(name) {
                Some(Some(old)) => Some(Word {
                    value: format!("{}{}", old.value, v.value),
                    dynamic: old.dynamic || v.dynamic,
                    glob: old.glob || v.glob,
                }),
                // Appending to an inherited variable: unknown prefix.
                _ => None,
            },
            (true, None) => None,
        };
        self.values.insert(name.to_string(), value);
    }

    /// Marks `name` exported.
    pub(crate) fn export(&mut self, name: &str) {
        if self.exported.len() < MAX_VARS {
            self.exported.insert(name.to_string());
        }
    }

    /// Makes `name` unknown.
    pub(crate) fn forget(&mut self, name: &str) {
        if let Some(v) = self.values.get_mut(name) {
            *v = None;
        } else if name == "IFS" {
            self.values.insert(name.to_string(), None);
        }
    }

    /// Makes every assigned variable unknown (after `eval`, `source`).
    pub(crate) fn forget_all(&mut self) {
        for v in self.values.values_mut() {
            *v = None;
        }
    }

    /// Never resolves `name` again.
    pub(crate) fn poison(&mut self, name: &str) {
        if self.poisoned.len() >= MAX_VARS {
            self.poison_all = true;
        } else {
            self.poisoned.insert(name.to_string());
        }
    }

    /// Never resolves any name mentioned in `text` (function bodies, traps).
    pub(crate) fn poison_text(&mut self, text: &str) {
        for n in mentioned(text) {
            self.poison(n);
        }
    }

    /// Before and after a statement that is not a plain assignment: every
    /// assigned variable it mentions by name becomes unknown; `eval`,
    /// `source`, `.` forget everything; `trap` poisons what it mentions.
    pub(crate) fn statement(&mut self, text: &str) {
        if text.contains("trap") && mentioned(text).contains("trap") {
            // A trap may assign before any later command runs.
            self.poison_text(text);
        }
        if runs_unknown_code(text) {
            // Sourced or eval'd code may set anything, traps included.
            self.forget_all();
            self.poison_all = true;
        }
        if self.values.is_empty() && !text.contains("IFS") {
            return;
        }
        let names = mentioned(text);
        for n in names {
            if n == "IFS" || self.values.contains_key(n) {
                self.forget(n);
            }
        }
    }

    /// The variables a child process sees: the exported ones.
    pub(crate) fn for_child(&self) -> Vars {
        let values = self
            .values
            .iter()
            .filter(|(k, _)| self.exported.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Vars {
            values,
            exported: self.exported.clone(),
            poisoned: self.poisoned.clone(),
            poison_all: self.poison_all,
        }
    }

    /// Restores `saved` (a subshell ended), keeping names poisoned meanwhile.
    pub(crate) fn restore(&mut self, saved: Vars) {
        let poisoned = std::mem::take(&mut self.poisoned);
        let all = self.poison_all;
        *self = saved;
        self.poisoned.extend(poisoned);
        self.poison_all |= all;
    }
}

#[cfg(test)]
mod tests {
    use super::{expansion_name, mentioned, runs_unknown_code};

    #[test]
    fn names() {
        assert_eq!(expansion_name("$a"), Some("a"));
        assert_eq!(expansion_name("${IFS}"), Some("IFS"));
        assert_eq!(expansion_name("${a:-x}"), None);
        assert_eq!(expansion_name("$1"), None);
        let m = mentioned("read a; cat $b ${c} d_1 ${e:=x} $((f++))");
        assert!(m.contains("a") && m.contains("d_1") && m.contains("read"));
        assert!(m.contains("e") && m.contains("f"));
        assert!(!m.contains("b") && !m.contains("c"));
        for t in [
            "eval x",
            ". ./env",
            "true && . f",
            "x; source f",
            "(eval y)",
        ] {
            assert!(runs_unknown_code(t), "{t}");
        }
        for t in ["find . -name x", "ls .", "cd ."] {
            assert!(!runs_unknown_code(t), "{t}");
        }
    }
}
