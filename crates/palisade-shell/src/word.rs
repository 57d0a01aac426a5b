//! Shell words: quote removal, expansion detection, globs and brace expansion.
//!
//! A word node from tree-sitter-bash (a `word`, `string`, `raw_string`,
//! `ansi_c_string`, expansion or a `concatenation` of those) becomes one
//! [`Word`] (or several, when a simple brace expansion `{a,b}` applies).
//! The evaluation is iterative: no recursion over the tree, so deep inputs
//! cannot exhaust the stack here.

use crate::model::Word;
use crate::vars::{expansion_name, Vars, DEFAULT_IFS};
use tree_sitter::Node;

/// Node kinds whose value is unknown statically.
const EXPANSIONS: [&str; 5] = [
    "simple_expansion",
    "expansion",
    "command_substitution",
    "arithmetic_expansion",
    "process_substitution",
];

/// Node kinds that hold commands run while the word is expanded.
const SUBSTITUTIONS: [&str; 2] = ["command_substitution", "process_substitution"];

/// Most alternatives one brace group may expand to.
const MAX_BRACE_WORDS: usize = 64;

/// The source text of `node` (empty if the range is somehow not in `src`).
pub(crate) fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

/// Appends to `out`, in source order, every command or process substitution
/// inside `node` (or `node` itself), not descending into the ones found.
pub(crate) fn find_subs<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if SUBSTITUTIONS.contains(&n.kind()) {
            out.push(n);
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// True if `node` is or contains an expansion.
fn has_expansion(node: Node) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if EXPANSIONS.contains(&n.kind()) {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Characters of a word being built, each flagged `true` when unquoted
/// (so it may still be special: glob, brace).
struct Builder<'v> {
    chars: Vec<(char, bool)>,
    dynamic: bool,
    /// Variables known so far (`$a` resolves to their value).
    vars: &'v Vars,
    /// Split unquoted expansions into fields (arguments, not assignments).
    split: bool,
    /// Indexes in `chars` where a field ends (from an unquoted expansion).
    splits: Vec<usize>,
    /// Something other than a resolved unquoted expansion was written, so an
    /// empty result is still one (empty) word.
    literal: bool,
    /// Indexes in `chars` where unresolved expansion text starts.
    dyn_marks: Vec<usize>,
    /// Every field is dynamic (IFS is not the default).
    all_dynamic: bool,
}

impl<'v> Builder<'v> {
    fn new(vars: &'v Vars, split: bool) -> Self {
        Builder {
            chars: Vec::new(),
            dynamic: false,
            vars,
            split,
            splits: Vec::new(),
            literal: false,
            dyn_marks: Vec::new(),
            all_dynamic: false,
        }
    }

    /// `$name` / `${name}` with a known value: its text, split into fields
    /// when unquoted (default IFS only), glob characters active.
    fn resolved(&mut self, t: &str, quoted: bool) -> bool {
        let Some(v) = expansion_name(t).and_then(|n| self.vars.get(n)) else {
            return false;
        };
        if v.dynamic {
            self.expansion(&v.value);
            return true;
        }
        if quoted {
            self.literal = true;
            self.push_str(&v.value, false);
            return true;
        }
        if !self.vars.ifs_default() && self.split {
            self.dynamic = true;
            self.all_dynamic = true;
        }
        for c in v.value.chars() {
            if self.split && DEFAULT_IFS.contains(c) {
                if self.splits.last() != Some(&self.chars.len()) {
                    self.splits.push(self.chars.len());
                }
            } else {
                self.chars.push((c, true));
            }
        }
        true
    }

    fn push_str(&mut self, s: &str, unquoted: bool) {
        self.chars.extend(s.chars().map(|c| (c, unquoted)));
    }

    /// Source text of an expansion: kept as written, flagged dynamic.
    fn expansion(&mut self, s: &str) {
        self.dynamic = true;
        self.dyn_marks.push(self.chars.len());
        self.push_str(s, false);
    }

    /// An unquoted word: `\x` is a quoted `x`, backslash-newline vanishes.
    fn bare(&mut self, s: &str) {
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                self.chars.push((c, true));
                continue;
            }
            match it.next() {
                Some('\n') => {}
                Some(n) => self.chars.push((n, false)),
                None => self.chars.push(('\\', false)),
            }
        }
    }

    /// Text inside double quotes: only `\" \\ \$ \`` and backslash-newline are escapes.
    fn dquoted(&mut self, s: &str) {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.peek() {
                    Some('"' | '\\' | '$' | '`') => {
                        if let Some(n) = it.next() {
                            self.chars.push((n, false));
                        }
                        continue;
                    }
                    Some('\n') => {
                        it.next();
                        continue;
                    }
                    _ => {}
                }
            }
            self.chars.push((c, false));
        }
    }

    /// The inside of `$'…'`.
    fn ansi_c(&mut self, s: &str) {
        let decoded = decode_ansi_c(s);
        self.push_str(&decoded, false);
    }

    /// One piece of a word (a child of a concatenation, or a whole word).
    fn piece<'t>(&mut self, n: Node<'t>, src: &str, subs: &mut Vec<Node<'t>>) {
        let t = text(n, src);
        if !matches!(n.kind(), "simple_expansion" | "expansion") {
            self.literal = true;
        }
        match n.kind() {
            "simple_expansion" | "expansion" if self.resolved(t, false) => {}
            "word" => self.bare(t),
            "raw_string" => self.push_str(strip_pair(t, "'", "'"), false),
            "string" => self.string(n, src, subs),
            "translated_string" => {
                let mut cursor = n.walk();
                let inner: Vec<Node<'t>> = n.named_children(&mut cursor).collect();
                for c in inner {
                    self.piece(c, src, subs);
                }
            }
            "ansi_c_string" => self.ansi_c(strip_pair(t, "$'", "'")),
            "brace_expression" => self.expansion(t),
            k if EXPANSIONS.contains(&k) => {
                self.expansion(t);
                find_subs(n, subs);
            }
            _ => {
                if has_expansion(n) {
                    self.expansion(t);
                    find_subs(n, subs);
                } else {
                    self.bare(t);
                }
            }
        }
    }

    /// A double-quoted string: literal parts with escapes, expansions dynamic.
    fn string<'t>(&mut self, n: Node<'t>, src: &str, subs: &mut Vec<Node<'t>>) {
        let start = n.start_byte();
        let t = text(n, src);
        let open = usize::from(t.starts_with('"'));
        let close = usize::from(t.len() > open && t.ends_with('"'));
        let (lo, hi) = (start + open, n.end_byte().saturating_sub(close));
        let mut pos = lo;
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            if c.start_byte() < pos || c.end_byte() > hi {
                continue;
            }
            self.dquoted(src.get(pos..c.start_byte()).unwrap_or(""));
            if matches!(c.kind(), "simple_expansion" | "expansion")
                && self.resolved(text(c, src), true)
            {
            } else if EXPANSIONS.contains(&c.kind()) {
                self.expansion(text(c, src));
                find_subs(c, subs);
            } else {
                self.dquoted(text(c, src));
            }
            pos = c.end_byte();
        }
        if pos < hi {
            self.dquoted(src.get(pos..hi).unwrap_or(""));
        }
    }

    fn build<'t>(
        node: Node<'t>,
        src: &str,
        subs: &mut Vec<Node<'t>>,
        vars: &'v Vars,
        split: bool,
    ) -> Self {
        let mut b = Builder::new(vars, split);
        // `{cat,x}` alone is an ERROR node holding `{` and `cat,x}`.
        // (`{` then a non-blank cannot open a group, so it is a brace.)
        let t = text(node, src);
        let after_brace = src
            .get(..node.start_byte())
            .is_some_and(|s| s.ends_with('{'))
            && t.contains(',')
            && t.contains('}')
            && !t.contains('{');
        if node.kind() == "command_name" && after_brace {
            b.chars.push(('{', true));
        }
        let node = if node.kind() == "command_name" {
            node.named_child(0).unwrap_or(node)
        } else {
            node
        };
        if node.kind() == "concatenation" {
            let mut pos = node.start_byte();
            let mut cursor = node.walk();
            for c in node.children(&mut cursor) {
                if c.start_byte() > pos {
                    b.bare(src.get(pos..c.start_byte()).unwrap_or(""));
                }
                b.piece(c, src, subs);
                pos = pos.max(c.end_byte());
            }
        } else {
            b.piece(node, src, subs);
        }
        b
    }

    fn finish(chars: &[(char, bool)], dynamic: bool) -> Word {
        Word {
            value: chars.iter().map(|(c, _)| c).collect(),
            dynamic,
            glob: is_glob(chars),
        }
    }
}

/// Unquoted `*`, `?`, or `[` with a later unquoted `]`.
fn is_glob(chars: &[(char, bool)]) -> bool {
    let mut open = false;
    for &(c, unquoted) in chars {
        if !unquoted {
            continue;
        }
        match c {
            '*' | '?' => return true,
            '[' => open = true,
            ']' if open => return true,
            _ => {}
        }
    }
    false
}

fn strip_pair<'s>(t: &'s str, open: &str, close: &str) -> &'s str {
    let t = t.strip_prefix(open).unwrap_or(t);
    t.strip_suffix(close).unwrap_or(t)
}

/// Decodes the escapes of a `$'…'` string (bash's ANSI-C quoting).
pub(crate) fn decode_ansi_c(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'e' | 'E' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' | '?' => Some(e),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            continue;
        }
        let (radix, max) = match e {
            'x' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            '0'..='7' => (8, 2),
            'c' => {
                if let Some(n) = it.next() {
                    out.push(char::from((n as u32 & 0x1f) as u8));
                }
                continue;
            }
            _ => {
                out.push('\\');
                out.push(e);
                continue;
            }
        };
        let mut digits = String::new();
        if radix == 8 {
            digits.push(e);
        }
        while digits.len() < max + usize::from(radix == 8) {
            match it.peek() {
                Some(d) if d.is_digit(radix) => {
                    digits.push(*d);
                    it.next();
                }
                _ => break,
            }
        }
        match u32::from_str_radix(&digits, radix)
            .ok()
            .and_then(char::from_u32)
        {
            Some(ch) if radix == 8 || !digits.is_empty() => out.push(ch),
            _ => {
                out.push('\\');
                out.push(e);
                out.push_str(&digits);
            }
        }
    }
    out
}

/// Evaluates one word node (no brace expansion: redirection targets,
/// assignment values). Substitutions found are appended to `subs`.
pub(crate) fn word<'t>(node: Node<'t>, src: &str, subs: &mut Vec<Node<'t>>, vars: &Vars) -> Word {
    let b = Builder::build(node, src, subs, vars, false);
    Builder::finish(&b.chars, b.dynamic)
}

/// Evaluates one argument node, applying a simple brace expansion
/// (`x{,.bak}` -> `x`, `x.bak`). Nested or several brace groups, or
/// sequences (`{1..9}`), make the word dynamic instead.
pub(crate) fn words<'t>(
    node: Node<'t>,
    src: &str,
    subs: &mut Vec<Node<'t>>,
    vars: &Vars,
) -> Vec<Word> {
    let b = Builder::build(node, src, subs, vars, true);
    // Fields: split where unquoted expansions held whitespace; empty fields
    // vanish unless the word had quoted or literal text and no split.
    let mut fields: Vec<&[(char, bool)]> = Vec::new();
    let mut start = 0;
    for &end in b.splits.iter().chain(std::iter::once(&b.chars.len())) {
        fields.push(b.chars.get(start..end).unwrap_or(&[]));
        start = end;
    }
    let keep_empty = b.splits.is_empty() && b.literal;
    let mut out = Vec::new();
    let mut start = 0;
    for f in fields {
        let end = start + f.len();
        let dynamic = b.all_dynamic
            || if b.splits.is_empty() {
                b.dynamic
            } else {
                b.dyn_marks.iter().any(|&m| m >= start && m < end)
            };
        start = end;
        if f.is_empty() && !keep_empty {
            continue;
        }
        out.extend(field_words(f, dynamic));
        if out.len() >= MAX_BRACE_WORDS {
            break;
        }
    }
    out
}

/// One field after splitting, with a simple brace expansion applied.
fn field_words(chars: &[(char, bool)], dynamic: bool) -> Vec<Word> {
    if dynamic {
        return vec![Builder::finish(chars, true)];
    }
    match brace_groups(chars) {
        Braces::None => vec![Builder::finish(chars, false)],
        Braces::Complex => vec![Builder::finish(chars, true)],
        Braces::One {
            open,
            close,
            commas,
        } => {
            let mut out = Vec::new();
            let mut bounds = vec![open];
            bounds.extend(commas);
            bounds.push(close);
            for pair in bounds.windows(2) {
                let (a, z) = (pair[0] + 1, pair[1]);
                let mut w: Vec<(char, bool)> = chars.get(..open).unwrap_or(&[]).to_vec();
                w.extend_from_slice(chars.get(a..z).unwrap_or(&[]));
                w.extend_from_slice(chars.get(close + 1..).unwrap_or(&[]));
                out.push(Builder::finish(&w, false));
                if out.len() >= MAX_BRACE_WORDS {
                    break;
                }
            }
            out
        }
    }
}

enum Braces {
    None,
    One {
        open: usize,
        close: usize,
        commas: Vec<usize>,
    },
    Complex,
}

/// Finds unquoted brace groups `{…,…}`.
fn brace_groups(chars: &[(char, bool)]) -> Braces {
    let mut found: Option<(usize, usize, Vec<usize>)> = None;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ('{', true) {
            i += 1;
            continue;
        }
        // Find the matching close, tracking nesting and top-level commas.
        let mut level = 0usize;
        let mut commas = Vec::new();
        let mut nested = false;
        let mut close = None;
        let mut dots = false;
        for (j, &(c, unquoted)) in chars.iter().enumerate().skip(i + 1) {
            if !unquoted {
                continue;
            }
            match c {
                '{' => {
                    level += 1;
                    nested = true;
                }
                '}' if level == 0 => {
                    close = Some(j);
                    break;
                }
                '}' => level -= 1,
                ',' if level == 0 => commas.push(j),
                '.' if level == 0 && chars.get(j + 1) == Some(&('.', true)) => dots = true,
                _ => {}
            }
        }
        let Some(close) = close else {
            return match found {
                Some((open, close, commas)) => Braces::One {
                    open,
                    close,
                    commas,
                },
                None => Braces::None,
            };
        };
        if commas.is_empty() && !dots {
            // `{}` or `{x}`: literal.
            i = close + 1;
            continue;
        }
        if nested || dots || found.is_some() {
            return Braces::Complex;
        }
        found = Some((i, close, commas));
        i = close + 1;
    }
    match found {
        Some((open, close, commas)) => Braces::One {
            open,
            close,
            commas,
        },
        None => Braces::None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode_ansi_c;

    #[test]
    fn ansi_c_escapes() {
        let cases = [
            (r"\x72m", "rm"),
            (r"a\nb", "a\nb"),
            (r"\t", "\t"),
            (r"\\", "\\"),
            (r"\'", "'"),
            (r"\162m", "rm"),
            (r"\u0072", "r"),
            (r"\q", "\\q"),
            (r"\x", "\\x"),
            ("\\", "\\"),
        ];
        for (input, want) in cases {
            assert_eq!(decode_ansi_c(input), want, "input {input:?}");
        }
    }
}
