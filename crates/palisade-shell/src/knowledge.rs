//! Per-program knowledge: which options take a value, and what the operands
//! and some option values mean. Data only; [`crate::effect`] interprets it.

/// What a program's operands (positional arguments) mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Operands are not files (`tr`, `echo`).
    None,
    /// Every operand is read.
    Read,
    /// The first operand is a script or pattern (unless a `script_opts`
    /// option gave it); the rest are read (`grep`, `awk`, `sed`, `jq`).
    ScriptThenRead,
    /// The first operand is a script file that is read; the rest are its
    /// arguments (`python x.py`, `source f`), unless a `script_opts` option
    /// gave the code (`python -c`).
    Interpreter,
    /// First operand read, second written (`uniq in out`, `xxd in out`).
    InOut,
    /// Every operand is read and written (editors).
    Edit,
    /// Every operand is written (`touch`, `mkdir`, `tee`).
    Write,
    /// The first operand is a mode or owner, the rest written, unless
    /// `--reference` is given (`chmod`, `chown`).
    ModeThenWrite,
    /// Sources read, last operand written; `-t DIR` form (`cp`, `install`).
    Copy,
    /// Sources read and deleted, last operand written (`mv`).
    Move,
    /// Link targets exposed (read), last operand written (`ln`).
    Link,
    /// Every operand deleted (`rm`, `rmdir`, `shred`).
    Delete,
    /// `dd if= of=`.
    Dd,
    /// `find PATH… -delete -fprint F`.
    Find,
    /// `tar`.
    Tar,
    /// `zip ARCHIVE FILES…`.
    Zip,
    /// `unzip ARCHIVE [-d DIR]`.
    Unzip,
    /// `curl`.
    Curl,
    /// `wget`.
    Wget,
    /// The first operand is a host (`ssh`, `nc`, `telnet`).
    Host,
    /// `socat ADDRESS ADDRESS`.
    Socat,
    /// `scp`/`rsync`: `host:path` operands are remote.
    RemoteCopy,
    /// `git` subcommands.
    Git,
    /// `docker cp`, `kubectl cp`.
    ContainerCopy,
}

/// How a program's options are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// GNU/POSIX: `-abc` clusters, `--long[=value]`, options anywhere.
    Gnu,
    /// Like GNU, but options end at the first operand (interpreters, `ssh`).
    OptionsFirst,
    /// `-name` long options with one dash (`openssl`, `find`).
    SingleDash,
}

/// What Palisade knows about one program.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub(crate) style: Style,
    /// Short options taking a value (`"o"` for `sort -o FILE`).
    pub(crate) short_val: &'static str,
    /// Short options taking an optional attached value (`sed -i[SUFFIX]`).
    pub(crate) short_opt: &'static str,
    /// Long options (or single-dash names) taking a value.
    pub(crate) long_val: &'static [&'static str],
    /// Options whose value is a file read.
    pub(crate) read_opts: &'static [&'static str],
    /// Options whose value is a file written.
    pub(crate) write_opts: &'static [&'static str],
    /// Options that make operand reads (or deletes) recursive.
    pub(crate) recursive: &'static [&'static str],
    /// Options that give the script/pattern, so no operand is one.
    pub(crate) script_opts: &'static [&'static str],
    /// Options that make every operand also written (`sed -i`).
    pub(crate) in_place: &'static [&'static str],
    /// What operands mean.
    pub(crate) role: Role,
}

const BASE: Spec = Spec {
    style: Style::Gnu,
    short_val: "",
    short_opt: "",
    long_val: &[],
    read_opts: &[],
    write_opts: &[],
    recursive: &[],
    script_opts: &[],
    in_place: &[],
    role: Role::None,
};

const fn read(short_val: &'static str) -> Spec {
    Spec {
        short_val,
        role: Role::Read,
        ..BASE
    }
}

const RECURSIVE: &[&str] = &["-r", "-R", "--recursive", "-a", "--archive"];
const SHELL: Spec = Spec {
    style: Style::OptionsFirst,
    short_val: "oO",
    long_val: &["--rcfile", "--init-file"],
    script_opts: &["-c", "-s"],
    role: Role::Interpreter,
    ..BASE
};

/// The knowledge table: program base name -> spec.
pub(crate) fn spec(program: &str) -> Option<Spec> {
    let s = match program {
        "cat" | "tac" | "rev" | "more" | "base32" | "comm" | "expand" | "unexpand" | "md5sum"
        | "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" | "b2sum" | "cksum"
        | "sum" | "md5" => read(""),
        "shasum" => read("a"),
        "strings" => read("nteT"),
        "file" => Spec {
            read_opts: &["-m", "-f"],
            ..read("mfFPe")
        },
        "head" | "tail" => read("nc"),
        "less" => Spec {
            write_opts: &["-o", "-O", "--log-file"],
            ..read("bhjkoOpPtTxyz")
        },
        "bat" | "batcat" => Spec {
            long_val: &[
                "--language",
                "--line-range",
                "--highlight-line",
                "--style",
                "--theme",
            ],
            ..read("lrHm")
        },
        "nl" => read("bdfhilnsvw"),
        "wc" => Spec {
            read_opts: &["--files0-from"],
            ..read("")
        },
        "sort" => Spec {
            long_val: &["--output", "--key", "--field-separator", "--buffer-size"],
            write_opts: &["-o", "--output"],
            read_opts: &["--files0-from"],
            ..read("okStT")
        },
        "cut" => read("bcdf"),
        "paste" => read("d"),
        "od" => read("AjNSt"),
        "hexdump" => Spec {
            read_opts: &["-f"],
            ..read("efns")
        },
        "base64" => read("w"),
        "stat" => Spec {
            long_val: &["--format", "--printf"],
            ..read("c")
        },
        "diff" => Spec {
            long_val: &[
                "--label",
                "--ignore-matching-lines",
                "--exclude",
                "--exclude-from",
            ],
            read_opts: &["-X", "--exclude-from"],
            recursive: &["-r", "--recursive"],
            ..read("CUIxXLF")
        },
        "cmp" => read("in"),
        "iconv" => Spec {
            write_opts: &["-o", "--output"],
            long_val: &["--from-code", "--to-code", "--output"],
            ..read("fto")
        },
        "column" => read("cosNEHRlWd"),
        "fold" | "fmt" => read("wpg"),
        "pr" => read("hlwoN"),
        "tr" | "echo" | "printf" | "printenv" | "true" | "false" | "yes" => BASE,
        "xxd" => Spec {
            role: Role::InOut,
            ..read("cglsonC")
        },
        "uniq" => Spec {
            role: Role::InOut,
            ..read("fsw")
        },
        "jq" | "yq" | "gojq" | "jaq" => Spec {
            long_val: &[
                "--arg",
                "--argjson",
                "--slurpfile",
                "--rawfile",
                "--indent",
                "--from-file",
            ],
            read_opts: &["-f", "--from-file"],
            script_opts: &["-f", "--from-file"],
            role: Role::ScriptThenRead,
            ..read("fL")
        },
        "awk" | "gawk" | "mawk" | "nawk" => Spec {
            long_val: &[
                "--file",
                "--assign",
                "--field-separator",
                "--include",
                "--load",
            ],
            read_opts: &["-f", "--file", "-i", "--include"],
            script_opts: &["-f", "--file", "-e", "--source"],
            role: Role::ScriptThenRead,
            ..read("fvFiel")
        },
        "sed" | "gsed" => Spec {
            short_opt: "i",
            long_val: &["--expression", "--file", "--line-length"],
            read_opts: &["-f", "--file"],
            script_opts: &["-e", "--expression", "-f", "--file"],
            in_place: &["-i", "--in-place"],
            role: Role::ScriptThenRead,
            ..read("efl")
        },
        "grep" | "egrep" | "fgrep" | "zgrep" => Spec {
            long_val: &[
                "--regexp",
                "--file",
                "--max-count",
                "--context",
                "--after-context",
                "--before-context",
                "--include",
                "--exclude",
                "--exclude-dir",
                "--exclude-from",
                "--label",
            ],
            read_opts: &["-f", "--file", "--exclude-from"],
            script_opts: &["-e", "--regexp", "-f", "--file"],
            recursive: &["-r", "-R", "--recursive", "--dereference-recursive"],
            role: Role::ScriptThenRead,
            ..read("efmABCDd")
        },
        "rg" | "ag" => Spec {
            long_val: &[
                "--regexp",
                "--file",
                "--glob",
                "--iglob",
                "--type",
                "--type-not",
                "--max-count",
                "--context",
                "--after-context",
                "--before-context",
                "--max-depth",
                "--threads",
                "--replace",
                "--ignore-file",
                "--sort",
                "--sortr",
                "--pre",
                "--pre-glob",
                "--encoding",
                "--colors",
                "--ignore",
                "--depth",
            ],
            read_opts: &["-f", "--file", "--ignore-file"],
            script_opts: &["-e", "--regexp", "-f", "--file"],
            role: Role::ScriptThenRead,
            ..read("efgtTmABCjMErGp")
        },
        "source" | "." => Spec {
            style: Style::OptionsFirst,
            role: Role::Interpreter,
            ..BASE
        },
        "vi" | "vim" | "nvim" | "view" | "nano" | "emacs" | "pico" | "micro" | "ed" | "code" => {
            Spec {
                long_val: &["--eval", "--cmd", "--load"],
                read_opts: &["-S", "-u", "-l", "--load"],
                role: Role::Edit,
                ..read("cSuTlrwW")
            }
        }
        "python" | "python2" | "python3" | "pypy" | "pypy3" => Spec {
            style: Style::OptionsFirst,
            short_val: "cmWXQ",
            script_opts: &["-c", "-m"],
            role: Role::Interpreter,
            ..BASE
        },
        "node" | "nodejs" | "deno" | "bun" => Spec {
            style: Style::OptionsFirst,
            short_val: "epr",
            long_val: &["--eval", "--print", "--require", "--import", "--loader"],
            script_opts: &["-e", "--eval", "-p", "--print"],
            role: Role::Interpreter,
            ..BASE
        },
        "ruby" | "perl" | "php" => Spec {
            style: Style::OptionsFirst,
            short_val: "eErIxCFd",
            script_opts: &["-e", "-E", "-r"],
            role: Role::Interpreter,
            ..BASE
        },
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "ash" | "mksh" | "yash" => SHELL,
        "openssl" => Spec {
            style: Style::SingleDash,
            long_val: &[
                "-in",
                "-out",
                "-inkey",
                "-key",
                "-passin",
                "-passout",
                "-pass",
                "-k",
                "-kfile",
                "-certfile",
                "-cert",
                "-CAfile",
                "-signkey",
                "-config",
                "-md",
                "-iv",
                "-K",
                "-S",
                "-rand",
                "-writerand",
                "-keyout",
                "-CA",
                "-CAkey",
                "-subj",
                "-days",
                "-newkey",
                "-connect",
                "-servername",
            ],
            read_opts: &[
                "-in",
                "-inkey",
                "-key",
                "-kfile",
                "-certfile",
                "-cert",
                "-CAfile",
                "-signkey",
                "-config",
                "-CA",
                "-CAkey",
            ],
            write_opts: &["-out", "-keyout", "-writerand"],
            ..BASE
        },
        "gpg" | "gpg2" => Spec {
            long_val: &[
                "--output",
                "--recipient",
                "--local-user",
                "--homedir",
                "--passphrase-file",
                "--default-key",
                "--keyserver",
            ],
            write_opts: &["-o", "--output"],
            read_opts: &["--passphrase-file"],
            ..read("oruf")
        },
        "ssh-keygen" => Spec {
            read_opts: &["-f"],
            ..Spec {
                short_val: "abCEfFGIJjKmMnNOPrRsSTtuwYZ",
                ..BASE
            }
        },
        "scp" | "rsync" => Spec {
            long_val: &[
                "--rsh",
                "--exclude",
                "--include",
                "--filter",
                "--files-from",
                "--exclude-from",
                "--include-from",
                "--rsync-path",
                "--password-file",
                "--chmod",
                "--chown",
                "--link-dest",
                "--compare-dest",
                "--backup-dir",
                "--port",
                "--log-file",
                "--bwlimit",
                "--timeout",
                "--temp-dir",
            ],
            read_opts: &[
                "-i",
                "-F",
                "--files-from",
                "--exclude-from",
                "--include-from",
                "--password-file",
            ],
            write_opts: &["--log-file"],
            recursive: RECURSIVE,
            role: Role::RemoteCopy,
            ..read("cDFiJlopPSeBfT")
        },
        "tar" | "bsdtar" | "gtar" => Spec {
            long_val: &[
                "--file",
                "--directory",
                "--files-from",
                "--exclude-from",
                "--exclude",
                "--transform",
                "--owner",
                "--group",
                "--mode",
                "--use-compress-program",
                "--to-command",
            ],
            role: Role::Tar,
            ..read("fCTXbIKNgL")
        },
        "zip" => Spec {
            recursive: &["-r", "-R", "--recurse-paths"],
            role: Role::Zip,
            ..read("bntPOxi")
        },
        "unzip" => Spec {
            role: Role::Unzip,
            ..read("dxP")
        },
        "cp" | "install" | "gcp" => Spec {
            long_val: &[
                "--target-directory",
                "--suffix",
                "--mode",
                "--owner",
                "--group",
            ],
            recursive: RECURSIVE,
            role: Role::Copy,
            ..read("tSmog")
        },
        "mv" | "gmv" => Spec {
            long_val: &["--target-directory", "--suffix"],
            role: Role::Move,
            ..read("tS")
        },
        "ln" => Spec {
            long_val: &["--target-directory", "--suffix"],
            role: Role::Link,
            ..read("tS")
        },
        "rm" | "unlink" | "shred" | "srm" => Spec {
            long_val: &["--iterations", "--size", "--random-source"],
            recursive: &["-r", "-R", "--recursive"],
            role: Role::Delete,
            ..read("ns")
        },
        "rmdir" => Spec {
            role: Role::Delete,
            ..BASE
        },
        "touch" => Spec {
            long_val: &["--reference", "--date"],
            read_opts: &["-r", "--reference"],
            role: Role::Write,
            ..read("drt")
        },
        "mkdir" => Spec {
            long_val: &["--mode", "--context"],
            role: Role::Write,
            ..read("mZ")
        },
        "truncate" => Spec {
            long_val: &["--size", "--reference"],
            read_opts: &["-r", "--reference"],
            role: Role::Write,
            ..read("sr")
        },
        "tee" => Spec {
            role: Role::Write,
            ..BASE
        },
        "setfacl" => Spec {
            long_val: &[
                "--modify",
                "--remove",
                "--set",
                "--modify-file",
                "--remove-file",
                "--set-file",
            ],
            read_opts: &["-M", "-X", "--modify-file", "--remove-file", "--set-file"],
            role: Role::Write,
            ..read("mxMX")
        },
        "chattr" => Spec {
            role: Role::Write,
            ..read("vp")
        },
        "chmod" | "chown" | "chgrp" => Spec {
            long_val: &["--reference", "--from"],
            read_opts: &["--reference"],
            role: Role::ModeThenWrite,
            ..BASE
        },
        "dd" => Spec {
            role: Role::Dd,
            ..BASE
        },
        "find" | "gfind" => Spec {
            role: Role::Find,
            ..BASE
        },
        "curl" => Spec {
            long_val: &[
                "--data",
                "--data-binary",
                "--data-raw",
                "--data-ascii",
                "--data-urlencode",
                "--json",
                "--form",
                "--form-string",
                "--upload-file",
                "--output",
                "--config",
                "--request",
                "--header",
                "--user",
                "--user-agent",
                "--referer",
                "--cookie",
                "--cookie-jar",
                "--dump-header",
                "--write-out",
                "--proxy",
                "--resolve",
                "--connect-to",
                "--max-time",
                "--connect-timeout",
                "--retry",
                "--url",
                "--cert",
                "--key",
                "--cacert",
                "--output-dir",
                "--trace",
                "--trace-ascii",
                "--stderr",
                "--range",
                "--limit-rate",
                "--interface",
                "--oauth2-bearer",
                "--unix-socket",
                "--max-filesize",
            ],
            read_opts: &[
                "-K", "--config", "--cert", "-E", "--key", "--cacert", "-b", "--cookie",
            ],
            write_opts: &[
                "-o",
                "--output",
                "-c",
                "--cookie-jar",
                "-D",
                "--dump-header",
                "--trace",
                "--trace-ascii",
                "--stderr",
            ],
            role: Role::Curl,
            ..read("dFToKXHuAebcDwxmrEYyzCQt")
        },
        "wget" => Spec {
            long_val: &[
                "--output-document",
                "--output-file",
                "--append-output",
                "--input-file",
                "--directory-prefix",
                "--post-file",
                "--body-file",
                "--post-data",
                "--header",
                "--user",
                "--password",
                "--user-agent",
                "--load-cookies",
                "--save-cookies",
                "--method",
                "--tries",
                "--timeout",
                "--level",
            ],
            read_opts: &["-i", "--input-file", "--load-cookies"],
            write_opts: &[
                "-o",
                "--output-file",
                "-a",
                "--append-output",
                "--save-cookies",
            ],
            recursive: &["-r", "--recursive", "-m", "--mirror"],
            role: Role::Wget,
            ..read("OoaiPtTUlAReDQwBe")
        },
        "ssh" => Spec {
            style: Style::OptionsFirst,
            read_opts: &["-i", "-F"],
            role: Role::Host,
            ..read("BbcDEeFIiJLlmOopQRSWw")
        },
        "nc" | "ncat" | "netcat" | "telnet" => Spec {
            read_opts: &["--send-only"],
            ..Spec {
                role: Role::Host,
                ..read("eIiMmOPpqsTVwXxc")
            }
        },
        "socat" => Spec {
            role: Role::Socat,
            ..read("dDlLT")
        },
        "git" => Spec {
            style: Style::OptionsFirst,
            short_val: "Cc",
            long_val: &[
                "--git-dir",
                "--work-tree",
                "--namespace",
                "--config-env",
                "--super-prefix",
            ],
            role: Role::Git,
            ..BASE
        },
        "docker" | "podman" | "kubectl" | "oc" => Spec {
            role: Role::ContainerCopy,
            ..BASE
        },
        _ => return None,
    };
    Some(s)
}

/// `git push|pull|fetch|ls-remote` options taking a value.
pub(crate) const GIT_REMOTE: Spec = Spec {
    short_val: "oj",
    long_val: &[
        "--push-option",
        "--repo",
        "--receive-pack",
        "--exec",
        "--upload-pack",
        "--depth",
        "--jobs",
        "--shallow-since",
        "--shallow-exclude",
        "--refmap",
        "--deepen",
        "--server-option",
    ],
    ..BASE
};

/// `git clone` options taking a value.
pub(crate) const GIT_CLONE: Spec = Spec {
    short_val: "bocuj",
    long_val: &[
        "--branch",
        "--depth",
        "--origin",
        "--config",
        "--reference",
        "--reference-if-able",
        "--template",
        "--upload-pack",
        "--separate-git-dir",
        "--jobs",
        "--filter",
        "--shallow-since",
        "--shallow-exclude",
        "--bundle-uri",
        "--server-option",
    ],
    ..BASE
};
