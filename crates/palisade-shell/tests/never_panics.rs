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
    "$IFS",
    "${IFS}",
    "a=~",
    "$a",
    "export",
    "read",
    "echo",
    "cm0gLXJmIH4=",
    "base64",
    "-d",
    "xxd",
    "-r",
    "-p",
    "rev",
    "python3",
    "os.system(\"",
    "awk",
    "BEGIN{system(\"",
    "watch",
    "script",
    "parallel",
    ":::",
];

/// Fragments of interpreter code.
const CODE: &[&str] = &[
    "os.system(",
    "subprocess.run(",
    "[",
    "]",
    "(",
    ")",
    ",",
    "\"",
    "'",
    "`",
    "rm -rf ~",
    "open(",
    "\"w\"",
    "Path.home()",
    " / ",
    " + ",
    "os.environ[\"HOME\"]",
    "exec(",
    "$ENV{HOME}",
    "qx{",
    "%x(",
    "| \"sh\"",
    "| getline",
    "${",
    "#{",
    "\\",
    "\"\"\"",
    "r\"",
    "f\"",
    "require(\"child_process\").spawn(",
    "shutil.rmtree(",
    "system ",
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
    fn one_liner_code(
        prog in prop::sample::select(&["python3 -c", "perl -e", "ruby -e", "node -e", "php -r", "awk"][..]),
        parts in prop::collection::vec(prop::sample::select(CODE), 0..40),
        text in "\\PC{0,100}",
    ) {
        for code in [parts.concat(), parts.join(" "), text] {
            let quoted = code.replace('\'', "'\\''");
            check(&format!("{prog} '{quoted}'"));
        }
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
