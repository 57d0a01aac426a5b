//! Where `palisade scan` reads text from: files and directories (a parallel
//! walk that honours `.gitignore`), stdin, the lines a commit would add
//! (`--staged`), and every blob in a repository's history (`--git-history`).
//!
//! Each source calls `scan(item)` for every piece of text, from up to
//! `threads` threads; the caller collects the results.

use anyhow::{bail, Context as _};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

/// Files and blobs larger than this are skipped (bytes).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Manifests and lockfiles (by name) larger than this are skipped (bytes):
/// a monorepo's package-lock.json can pass 8 MiB.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// How many leading bytes are checked for a NUL to call a file binary.
const BINARY_SNIFF: usize = 8192;

/// One piece of text to scan.
pub struct Item {
    /// What to call it in findings: a path, `-`, or the path a history blob
    /// was first seen at.
    pub path: String,
    /// The text (lossily decoded from UTF-8).
    pub text: String,
    /// Added to every finding's line (for diff hunks): 0 for whole files.
    pub line_offset: usize,
    /// The git blob id, for items read from history.
    pub blob: Option<String>,
}

/// What a source skipped, for the summary.
#[derive(Default, Debug, Clone, Copy)]
pub struct Skipped {
    /// Files with a NUL byte near the start.
    pub binary: usize,
    /// Files over [`MAX_FILE_BYTES`] ([`MAX_MANIFEST_BYTES`] for
    /// manifests and lockfiles).
    pub large: usize,
    /// Files that could not be read.
    pub unreadable: usize,
}

/// Is this content binary (a NUL byte in its first 8 KiB)?
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

/// Why a file was not scanned.
#[derive(Clone, Copy)]
enum Skip {
    Binary,
    Large,
    Unreadable,
}

/// The most bytes read from the file at `path`.
fn max_bytes(path: &Path) -> u64 {
    if palisade_supply::manifest::kind_of(path).is_some() {
        MAX_MANIFEST_BYTES
    } else {
        MAX_FILE_BYTES
    }
}

/// The file's text (lossily decoded), or why it is skipped.
fn read_file(path: &Path) -> Result<String, Skip> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max_bytes(path) => return Err(Skip::Large),
        Ok(_) => {}
        Err(_) => return Err(Skip::Unreadable),
    }
    let bytes = std::fs::read(path).map_err(|_| Skip::Unreadable)?;
    if is_binary(&bytes) {
        return Err(Skip::Binary);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Scans files and directories. Directories are walked in parallel with
/// `.gitignore`, `.ignore` and git's exclude files honoured; hidden files
/// are scanned, `.git` directories are not. Only files for which `wanted`
/// holds are read. Returns what was skipped.
pub fn walk<F, W>(paths: &[PathBuf], threads: usize, wanted: W, scan: F) -> anyhow::Result<Skipped>
where
    F: Fn(Item) + Sync,
    W: Fn(&Path) -> bool + Sync,
{
    let (tx, rx) = mpsc::channel::<Skip>();
    let mut roots = Vec::new();
    for p in paths {
        if p.is_file() {
            if !wanted(p) {
                continue;
            }
            match read_file(p) {
                Ok(text) => scan(Item {
                    path: p.display().to_string(),
                    text,
                    line_offset: 0,
                    blob: None,
                }),
                Err(skip) => {
                    let _ = tx.send(skip);
                }
            }
        } else if p.is_dir() {
            roots.push(p.clone());
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    if let Some((first, rest)) = roots.split_first() {
        let mut builder = ignore::WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        builder
            .hidden(false)
            .threads(threads)
            .filter_entry(|e| e.file_name() != ".git");
        builder.build_parallel().run(|| {
            let tx = tx.clone();
            let scan = &scan;
            let wanted = &wanted;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        eprintln!("palisade: {e}");
                        return ignore::WalkState::Continue;
                    }
                };
                if entry.file_type().is_some_and(|t| t.is_file()) && wanted(entry.path()) {
                    match read_file(entry.path()) {
                        Ok(text) => scan(Item {
                            path: entry.path().display().to_string(),
                            text,
                            line_offset: 0,
                            blob: None,
                        }),
                        Err(skip) => {
                            let _ = tx.send(skip);
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    drop(tx);
    Ok(rx.iter().fold(Skipped::default(), |mut s, k| {
        match k {
            Skip::Binary => s.binary += 1,
            Skip::Large => s.large += 1,
            Skip::Unreadable => s.unreadable += 1,
        }
        s
    }))
}

/// Reads all of stdin as one item named `-`.
pub fn stdin() -> anyhow::Result<Item> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("reading stdin")?;
    Ok(Item {
        path: "-".to_string(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
        line_offset: 0,
        blob: None,
    })
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .stdin(Stdio::null());
    c
}

/// The lines that the staged changes of the repository at `dir` add: one
/// item per run of consecutive added lines (a hunk), with its line offset in
/// the new file, so that a secret already committed is not reported again
/// and a secret spanning lines (a private key) is still seen whole.
pub fn staged(dir: &Path) -> anyhow::Result<Vec<Item>> {
    let out = git(dir)
        .args([
            "diff",
            "--cached",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            "--diff-filter=ACM",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ])
        .output()
        .context("running git diff --cached")?;
    if !out.status.success() {
        bail!(
            "git diff --cached failed (is {} in a git repository?): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(parse_unified_diff(&String::from_utf8_lossy(&out.stdout)))
}

/// A staged manifest or lockfile: its text in `HEAD` (`None` for a new
/// file or a repository without commits) and in the index.
pub struct StagedFile {
    /// The path from the repository root, as git prints it.
    pub path: String,
    /// The text at `HEAD`.
    pub old: Option<String>,
    /// The staged text.
    pub new: String,
}

/// The staged files (added, copied or modified) of the repository at `dir`
/// for which `wanted` holds, each with its `HEAD` and index text (raw
/// blobs, lossily decoded; over [`MAX_MANIFEST_BYTES`] skipped).
///
/// # Errors
/// When git cannot list the staged files or read a staged blob.
pub fn staged_files(dir: &Path, wanted: impl Fn(&Path) -> bool) -> anyhow::Result<Vec<StagedFile>> {
    let out = git(dir)
        .args([
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=ACM",
        ])
        .output()
        .context("running git diff --cached --name-only")?;
    if !out.status.success() {
        bail!(
            "git diff --cached failed (is {} in a git repository?): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let blob = |spec: &str| -> Option<Vec<u8>> {
        let size = git(dir).args(["cat-file", "-s", spec]).output().ok()?;
        let size: u64 = String::from_utf8_lossy(&size.stdout).trim().parse().ok()?;
        if size > MAX_MANIFEST_BYTES {
            return None;
        }
        let o = git(dir).args(["cat-file", "blob", spec]).output().ok()?;
        o.status.success().then_some(o.stdout)
    };
    let mut files = Vec::new();
    for name in out.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let path = String::from_utf8_lossy(name).into_owned();
        if !wanted(Path::new(&path)) {
            continue;
        }
        let Some(new) = blob(&format!(":{path}")) else {
            eprintln!("palisade: {path}: staged version not read (over 64 MiB or unreadable)");
            continue;
        };
        let old = blob(&format!("HEAD:{path}")).map(|b| String::from_utf8_lossy(&b).into_owned());
        files.push(StagedFile {
            path,
            old,
            new: String::from_utf8_lossy(&new).into_owned(),
        });
    }
    Ok(files)
}

/// Items for the added lines of a unified diff with zero context lines
/// (`git diff -U0`). Binary files and deletions add nothing.
///
/// Inside a hunk, lines are counted against the hunk header's lengths, so
/// that an added line whose text starts with `++ ` or `@@ ` (shown as
/// `+++ …` / `+@@ …`) is read as content, never as a file or hunk header;
/// otherwise such a line could hide the secrets after it from `--staged`.
pub fn parse_unified_diff(diff: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut path: Option<String> = None;
    let mut current: Option<Item> = None;
    // Lines of the current hunk still to come: (old side, new side).
    let (mut old_left, mut new_left) = (0_usize, 0_usize);
    let flush = |c: &mut Option<Item>, items: &mut Vec<Item>| {
        if let Some(item) = c.take() {
            if !item.text.is_empty() {
                items.push(item);
            }
        }
    };
    for line in diff.split_inclusive('\n') {
        if old_left > 0 || new_left > 0 {
            match line.as_bytes().first() {
                Some(b'+') if new_left > 0 => {
                    new_left -= 1;
                    if let Some(item) = current.as_mut() {
                        item.text.push_str(&line[1..]);
                    }
                }
                Some(b'-') if old_left > 0 => old_left -= 1,
                Some(b' ') => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
                Some(b'\\') => {} // "\ No newline at end of file"
                _ => {
                    // Malformed: leave the hunk and read this line as a header.
                    (old_left, new_left) = (0, 0);
                }
            }
            if old_left > 0 || new_left > 0 {
                continue;
            }
            if line.starts_with(['+', '-', ' ', '\\']) {
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix("+++ ") {
            flush(&mut current, &mut items);
            let name = rest.trim_end_matches(['\n', '\r']);
            path = name
                .strip_prefix("b/")
                .map(|p| p.trim_matches('"').to_string());
        } else if line.starts_with("@@ ") {
            flush(&mut current, &mut items);
            let Some((start, old_len, new_len)) = hunk_header(line) else {
                continue;
            };
            (old_left, new_left) = (old_len, new_len);
            if let Some(p) = &path {
                current = Some(Item {
                    path: p.clone(),
                    text: String::new(),
                    line_offset: start.saturating_sub(1),
                    blob: None,
                });
            }
        } else if line.starts_with("diff --git ") {
            flush(&mut current, &mut items);
            path = None;
        }
    }
    flush(&mut current, &mut items);
    items
}

/// `(c, b, d)` from a hunk header `@@ -a[,b] +c[,d] @@`; a missing length
/// is 1.
fn hunk_header(header: &str) -> Option<(usize, usize, usize)> {
    let mut parts = header.split_whitespace().skip(1);
    let range = |s: &str| -> Option<(usize, usize)> {
        let mut it = s.split(',');
        let start = it.next()?.parse().ok()?;
        let len = it.next().map_or(Some(1), |l| l.parse().ok())?;
        Some((start, len))
    };
    let (_, old_len) = range(parts.next()?.strip_prefix('-')?)?;
    let (new_start, new_len) = range(parts.next()?.strip_prefix('+')?)?;
    Some((new_start, old_len, new_len))
}

/// Scans every blob reachable from any ref of the repository at `dir`, each
/// distinct blob once (named by the path it was first seen at, newest
/// commits first). Blobs are read with one `git cat-file --batch` process
/// and scanned on `threads` threads.
pub fn history<F>(dir: &Path, threads: usize, scan: F) -> anyhow::Result<Skipped>
where
    F: Fn(Item) + Sync,
{
    // `rev-list --objects` prints `<oid> <path>` for trees and blobs and a
    // bare `<oid>` for commits; `--in-commit-order` keeps the newest first.
    let mut rev_list = git(dir)
        .args(["rev-list", "--objects", "--all", "--in-commit-order"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git rev-list")?;
    let mut objects: Vec<(String, String)> = Vec::new();
    if let Some(out) = rev_list.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.context("reading git rev-list")?;
            if let Some((oid, path)) = line.split_once(' ') {
                objects.push((oid.to_string(), path.to_string()));
            }
        }
    }
    let status = rev_list.wait().context("waiting for git rev-list")?;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = rev_list.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        bail!(
            "git rev-list failed (is {} a git repository?): {}",
            dir.display(),
            err.trim()
        );
    }
    let mut cat = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running git cat-file")?;
    let mut stdin = cat.stdin.take().context("git cat-file stdin")?;
    let stdout = cat.stdout.take().context("git cat-file stdout")?;
    let names: Vec<String> = objects.iter().map(|(_, p)| p.clone()).collect();
    let oids: Vec<String> = objects.into_iter().map(|(o, _)| o).collect();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        for oid in &oids {
            if writeln!(stdin, "{oid}").is_err() {
                break;
            }
        }
    });
    let (tx, rx) = mpsc::sync_channel::<Item>(threads * 4);
    let rx = std::sync::Mutex::new(rx);
    let mut skipped = Skipped::default();
    std::thread::scope(|s| -> anyhow::Result<()> {
        for _ in 0..threads.max(1) {
            let rx = &rx;
            let scan = &scan;
            s.spawn(move || loop {
                let next = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                match next {
                    Ok(item) => scan(item),
                    Err(_) => return,
                }
            });
        }
        let mut reader = BufReader::new(stdout);
        let mut header = String::new();
        for name in &names {
            header.clear();
            if reader.read_line(&mut header)? == 0 {
                break;
            }
            let mut parts = header.split_whitespace();
            let (Some(oid), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next())
            else {
                continue; // "<oid> missing"
            };
            let size: u64 = size.parse().context("git cat-file size")?;
            let mut body = vec![0_u8; usize::try_from(size)?];
            reader.read_exact(&mut body)?;
            let mut newline = [0_u8; 1];
            reader.read_exact(&mut newline)?;
            if kind != "blob" {
                continue;
            }
            if size > MAX_FILE_BYTES {
                skipped.large += 1;
                continue;
            }
            if is_binary(&body) {
                skipped.binary += 1;
                continue;
            }
            let item = Item {
                path: name.clone(),
                text: String::from_utf8_lossy(&body).into_owned(),
                line_offset: 0,
                blob: Some(oid.to_string()),
            };
            if tx.send(item).is_err() {
                break;
            }
        }
        drop(tx);
        Ok(())
    })?;
    let _ = writer.join();
    let _ = cat.wait();
    Ok(skipped)
}

/// The oldest commit (from any ref) that adds or removes `blob`, which is
/// the one that introduced it, for findings in history; `None` when git
/// cannot tell.
pub fn commit_of_blob(dir: &Path, blob: &str) -> Option<String> {
    let out = git(dir)
        .args(["log", "--all", "--format=%H", "--find-object", blob])
        .output()
        .ok()?;
    let s = String::from_utf8_lossy(&out.stdout);
    let oldest = s.lines().last()?.trim().to_string();
    (out.status.success() && !oldest.is_empty()).then_some(oldest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_yields_added_hunks_with_their_new_line_numbers() {
        let diff = "\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -3 +3,2 @@ def f():
-old = 1
+new = 2
+token = 'x'
@@ -10,0 +12 @@ x
+last = 3
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/img.png b/img.png
Binary files /dev/null and b/img.png differ
";
        let items = parse_unified_diff(diff);
        let got: Vec<(&str, usize, &str)> = items
            .iter()
            .map(|i| (i.path.as_str(), i.line_offset, i.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app.py", 2, "new = 2\ntoken = 'x'\n"),
                ("app.py", 11, "last = 3\n"),
            ]
        );
    }

    #[test]
    fn hunk_headers_parse() {
        assert_eq!(hunk_header("@@ -3 +3,2 @@"), Some((3, 1, 2)));
        assert_eq!(hunk_header("@@ -0,0 +1 @@"), Some((1, 0, 1)));
        assert_eq!(hunk_header("@@ broken"), None);
    }

    /// Attack: an added line that reads `++ b/x` is shown by git as
    /// `+++ b/x`, a file header to a naive parser, and the secret after it
    /// would be dropped from the staged scan.
    #[test]
    fn added_lines_that_look_like_headers_stay_content() {
        let diff = "\
diff --git a/app.py b/app.py
--- a/app.py
+++ b/app.py
@@ -0,0 +1,4 @@
+++ b/decoy.txt
+@@ -1 +1 @@
+TOKEN = 'x'
+after
";
        let items = parse_unified_diff(diff);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].path, "app.py");
        assert_eq!(items[0].line_offset, 0);
        assert_eq!(
            items[0].text,
            "++ b/decoy.txt\n@@ -1 +1 @@\nTOKEN = 'x'\nafter\n"
        );
    }

    proptest::proptest! {
        /// Any text (git output is partly the user's file contents) parses
        /// without a panic, and items name a path and hold text.
        #[test]
        fn any_diff_text_parses(text in "(?s)(diff --git a/x b/x\n|\\+\\+\\+ b/[a-z]{1,3}\n|@@ -[0-9],[0-9] \\+[0-9],[0-9] @@\n|[-+ \\\\@]?[a-z +@-]{0,6}\n){0,30}") {
            for item in parse_unified_diff(&text) {
                assert!(!item.path.is_empty());
                assert!(!item.text.is_empty());
            }
        }
    }

    #[test]
    fn binary_sniff() {
        assert!(is_binary(b"PNG\0\x01"));
        assert!(!is_binary("héllo".as_bytes()));
    }
}
