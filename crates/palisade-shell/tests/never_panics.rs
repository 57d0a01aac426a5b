//! Properties of `analyze` and `effects` on arbitrary input.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_shell::{analyze, effects};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "rm",
    "-rf",
    "bash",
    "sh",
    "-c",
    "'",
    "\"",
    "`",
    "$(",
    ")",
    "(",
    "{",
    "}",
    ";",
    "&&",
    "||",
    "|",
    "&",
    "<",
    ">",
    ">>",
    "<<EOF\n",
    "\nEOF\n",
    "<<<",
    "<(",
    "$",
    "${x}",
    "\\",
    "eval",
    "xargs",
    "find",
    "-exec",
    "\\;",
    "{}",
    "env",
    "A=1",
    "sudo",
    "git",
    "-c",
    "core.pager=sh",
    "curl",
    "@f",
    "\n",
    " ",
    "*",
    "~",
    "$'\\x72m'",
    "if",
    "then",
    "fi",
    "for",
    "do",
    "done",
    "!",
    "#",
];

fn check(s: &str) {
    let a = analyze(s);
    for c in &a.commands {
        let _ = effects(c);
        let _ = c.text();
        if let Some(p) = c.parent {
            assert!(p < a.commands.len());
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_strings(s in "\\PC{0,200}") {
        check(&s);
    }

    #[test]
    fn shellish_tokens(parts in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        check(&parts.concat());
        check(&parts.join(" "));
    }

    #[test]
    fn static_and_list_has_both(a in "[a-z][a-z0-9_]{0,8}", b in "[a-z][a-z0-9_]{0,8}") {
        prop_assume!(!["if", "then", "fi", "do", "done", "for", "in", "case", "esac", "while", "until", "elif", "else", "function", "select", "time", "coproc"].contains(&a.as_str()));
        prop_assume!(!["if", "then", "fi", "do", "done", "for", "in", "case", "esac", "while", "until", "elif", "else", "function", "select", "time", "coproc"].contains(&b.as_str()));
        let an = analyze(&format!("{a} && {b}"));
        prop_assert_eq!(an.parse_error, None);
        let texts: Vec<String> = an.commands.iter().map(|c| c.text()).collect();
        prop_assert_eq!(texts, vec![a, b]);
    }
}
