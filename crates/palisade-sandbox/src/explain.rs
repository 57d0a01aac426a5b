//! Explaining refusals: a command in the sandbox sees only `Permission
//! denied` (EACCES), `Read-only file system` (EROFS), `Operation not
//! permitted` (EPERM) or a failed name lookup. [`refusal`] recognises those
//! in a line of the command's stderr, as printed by the shells, coreutils,
//! git, Python and Node, and [`Context::explain`] says which sandbox rule
//! caused it and how to grant more.
//!
//! This reads messages, so it explains what a program reported, in the
//! words it used; a program that swallows its errors gets no explanation.

use std::path::{Component, Path, PathBuf};

/// What a line of stderr reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `Permission denied` (EACCES), with the path when the message names one.
    Denied(Option<String>),
    /// `Read-only file system` (EROFS) or `Device or resource busy` on a
    /// path (a read-only mount point).
    ReadOnly(Option<String>),
    /// `Operation not permitted` (EPERM): a refused system call or a
    /// dropped capability.
    NotPermitted(String),
    /// A failed name lookup or unreachable network.
    Network(String),
}

const DENIED: &[&str] = &["permission denied", "eacces"];
const READ_ONLY: &[&str] = &["read-only file system", "erofs", "device or resource busy"];
const NOT_PERMITTED: &[&str] = &["operation not permitted", "eperm"];
const NETWORK: &[&str] = &[
    "could not resolve host",
    "temporary failure in name resolution",
    "name or service not known",
    "network is unreachable",
    "eai_again",
    "getaddrinfo enotfound",
    "failed to establish a new connection",
];

/// The refusal a line of stderr reports, if any.
pub fn refusal(line: &str) -> Option<Refusal> {
    let lower = line.to_ascii_lowercase();
    let find = |phrases: &[&'static str]| -> Option<(usize, &'static str)> {
        phrases.iter().find_map(|p| lower.find(p).map(|i| (i, *p)))
    };
    if let Some((at, p)) = find(READ_ONLY) {
        return Some(Refusal::ReadOnly(path_near(line, at, p.len())));
    }
    if let Some((at, p)) = find(DENIED) {
        return Some(Refusal::Denied(path_near(line, at, p.len())));
    }
    if find(NOT_PERMITTED).is_some() {
        return Some(Refusal::NotPermitted(line.trim().to_string()));
    }
    if find(NETWORK).is_some() {
        return Some(Refusal::Network(line.trim().to_string()));
    }
    None
}

/// The path a message names around the phrase at `at..at+len`: a quoted
/// string after it on the line (`Permission denied: '/x'`, Node's `open
/// '/x'`), else the last word before it (`cannot create /x: Permission
/// denied`, `touch: cannot touch '/x': …`).
fn path_near(line: &str, at: usize, len: usize) -> Option<String> {
    let after = line.get(at + len..).unwrap_or("");
    if let Some(q) = quoted(after) {
        return Some(q);
    }
    let before = line.get(..at).unwrap_or("").trim_end();
    let before = before.strip_suffix(':').unwrap_or(before).trim_end();
    let word = before.rsplit([' ', '\t']).next().unwrap_or("");
    let word = word.trim_matches(|c| matches!(c, '\'' | '"' | '‘' | '’' | '`' | '«' | '»'));
    (!word.is_empty() && looks_like_path(word)).then(|| word.to_string())
}

/// The first `'…'`, `"…"` or `‘…’` string in `s` that looks like a path.
fn quoted(s: &str) -> Option<String> {
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’')] {
        if let Some(i) = s.find(open) {
            let rest = &s[i + open.len_utf8()..];
            if let Some(j) = rest.find(close) {
                let q = &rest[..j];
                if looks_like_path(q) {
                    return Some(q.to_string());
                }
            }
        }
    }
    None
}

fn looks_like_path(s: &str) -> bool {
    !s.is_empty()
        && !s.contains(char::is_whitespace)
        && (s.contains('/') || s.starts_with('.') || s.contains('.'))
}

/// What the sandbox was set up with, to explain refusals against.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The command's working directory (for relative paths).
    pub cwd: PathBuf,
    /// The writable roots.
    pub write_roots: Vec<PathBuf>,
    /// The hidden paths (credentials, `--deny-read`).
    pub hidden: Vec<PathBuf>,
    /// The protected paths (read-only inside writable roots).
    pub protected: Vec<PathBuf>,
    /// The profile's name.
    pub profile: String,
    /// Whether the command had no network.
    pub network_off: bool,
}

impl Context {
    /// One line saying which rule caused `r` and how to grant more; `None`
    /// when the sandbox did not cause it (an ordinary permission problem
    /// inside a writable root, a network error with the network on).
    pub fn explain(&self, r: &Refusal) -> Option<String> {
        match r {
            Refusal::Denied(Some(p)) | Refusal::ReadOnly(Some(p)) => self.explain_path(p),
            Refusal::Denied(None) | Refusal::ReadOnly(None) => Some(format!(
                "a file access was refused; writable here: {} (grant more with --allow-write \
                 DIR or `write.paths` in a profile)",
                self.roots()
            )),
            Refusal::NotPermitted(line) => Some(format!(
                "`{}`: the sandbox refuses ptrace, mounts, new namespaces, raw sockets, bpf, \
                 keyrings, terminal injection and privilege changes (seccomp filter, no \
                 capabilities); run such commands outside the sandbox",
                clip(line)
            )),
            Refusal::Network(line) if self.network_off => Some(format!(
                "`{}`: profile `{}` has no network (only the sandbox's own loopback); grant it \
                 with --allow-network or a profile with `network = \"host\"`",
                clip(line),
                self.profile
            )),
            Refusal::Network(_) => None,
        }
    }

    fn explain_path(&self, p: &str) -> Option<String> {
        let abs = normalize(&self.cwd.join(p));
        if let Some(h) = self.hidden.iter().find(|h| abs.starts_with(h)) {
            return Some(format!(
                "{}: hidden in the sandbox ({} holds credentials or was given to --deny-read); \
                 it is not readable or writable from inside",
                abs.display(),
                h.display()
            ));
        }
        if let Some(h) = self.protected.iter().find(|h| abs.starts_with(h)) {
            return Some(format!(
                "{}: a protected name ({}), read-only in every sandbox because it is run or \
                 trusted later outside it; change it yourself, outside the sandbox",
                abs.display(),
                h.display()
            ));
        }
        if self.write_roots.iter().any(|r| abs.starts_with(r)) {
            // Inside a writable root: ordinary permissions, not the sandbox.
            return None;
        }
        let grant = abs
            .parent()
            .filter(|d| *d != Path::new("/"))
            .unwrap_or(&abs);
        Some(format!(
            "{}: outside the writable roots ({}); grant with --allow-write {} or `write.paths` \
             in a profile",
            abs.display(),
            self.roots(),
            grant.display()
        ))
    }

    fn roots(&self) -> String {
        self.write_roots
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn clip(s: &str) -> String {
    let mut t: String = s.chars().take(120).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// `..` and `.` removed lexically (the sandbox's view; no symlinks read).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_common_tools_are_recognised_with_their_path() {
        for (line, want) in [
            (
                "sh: 1: cannot create /etc/x: Permission denied",
                Refusal::Denied(Some("/etc/x".into())),
            ),
            (
                "bash: line 1: /etc/x: Read-only file system",
                Refusal::ReadOnly(Some("/etc/x".into())),
            ),
            (
                "touch: cannot touch '/etc/x': Permission denied",
                Refusal::Denied(Some("/etc/x".into())),
            ),
            (
                "mkdir: cannot create directory ‘/opt/new’: Permission denied",
                Refusal::Denied(Some("/opt/new".into())),
            ),
            (
                "PermissionError: [Errno 13] Permission denied: '/etc/x'",
                Refusal::Denied(Some("/etc/x".into())),
            ),
            (
                "Error: EACCES: permission denied, open '/usr/lib/node_modules/x'",
                Refusal::Denied(Some("/usr/lib/node_modules/x".into())),
            ),
            (
                "error: could not lock config file .git/config: Read-only file system",
                Refusal::ReadOnly(Some(".git/config".into())),
            ),
            (
                "rm: cannot remove '.mcp.json': Device or resource busy",
                Refusal::ReadOnly(Some(".mcp.json".into())),
            ),
        ] {
            assert_eq!(refusal(line), Some(want), "{line}");
        }
        assert!(matches!(
            refusal("unshare: unshare failed: Operation not permitted"),
            Some(Refusal::NotPermitted(_))
        ));
        assert!(matches!(
            refusal("curl: (6) Could not resolve host: example.com"),
            Some(Refusal::Network(_))
        ));
        assert_eq!(refusal("compiling palisade v0.1.0"), None);
    }

    fn ctx() -> Context {
        Context {
            cwd: "/p/src".into(),
            write_roots: vec!["/p".into(), "/tmp/t".into()],
            hidden: vec!["/home/u/.ssh".into()],
            protected: vec!["/p/.git/config".into()],
            profile: "workspace".into(),
            network_off: true,
        }
    }

    #[test]
    fn each_rule_is_named_with_the_way_to_grant_more() {
        let c = ctx();
        let e = c
            .explain(&Refusal::Denied(Some("../../etc/x".into())))
            .unwrap();
        assert!(
            e.contains("/etc/x: outside the writable roots (/p, /tmp/t)"),
            "{e}"
        );
        assert!(e.contains("--allow-write /etc"), "{e}");
        let e = c
            .explain(&Refusal::ReadOnly(Some("../.git/config".into())))
            .unwrap();
        assert!(e.contains("protected name"), "{e}");
        let e = c
            .explain(&Refusal::Denied(Some("/home/u/.ssh/id_ed25519".into())))
            .unwrap();
        assert!(e.contains("hidden"), "{e}");
        assert_eq!(c.explain(&Refusal::Denied(Some("own.txt".into()))), None);
        assert!(c
            .explain(&Refusal::Network("Could not resolve host: x".into()))
            .unwrap()
            .contains("no network"));
        let online = Context {
            network_off: false,
            ..ctx()
        };
        assert_eq!(online.explain(&Refusal::Network("x".into())), None);
    }
}
