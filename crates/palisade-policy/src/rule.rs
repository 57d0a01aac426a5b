//! Claude Code permission rules (`Tool` or `Tool(specifier)`), parsed and
//! compiled for matching.
//!
//! Source: Claude Code documentation, "Permission rule syntax" and
//! "Tool-specific permission rules".

use crate::path::{claude_rule_glob, compile_glob, Anchors};
use palisade_core::{Layer, Source, Verdict};
use regex::Regex;

/// A compiled permission rule from any layer.
#[derive(Debug, Clone)]
pub struct PermissionRule {
    /// The rule as written, e.g. `Bash(npm run test:*)`; this is its id in
    /// decisions unless [`PermissionRule::id`] is set.
    pub text: String,
    /// A Palisade rule id (`palisade.toml` rules), if given.
    pub id: Option<String>,
    /// allow, ask or deny.
    pub verdict: Verdict,
    /// The layer it came from.
    pub layer: Layer,
    /// File and line.
    pub source: Option<Source>,
    /// A reason written by the rule's author (`palisade.toml` rules).
    pub message: Option<String>,
    /// What it matches.
    pub matcher: Matcher,
}

impl PermissionRule {
    /// The id shown in decisions: the Palisade id, else the rule text.
    pub fn display_id(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.text.clone())
    }
}

/// Which file tools a path rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathTool {
    /// `Read(...)`: Read, Glob, Grep, and (for deny/ask) files a shell command reads.
    Read,
    /// `Edit(...)`: every built-in tool that edits files (Write, Edit,
    /// MultiEdit, NotebookEdit), and (for deny/ask) files a shell command writes or deletes.
    Edit,
}

/// How a `Bash(...)` specifier matches a simple command's text.
///
/// Matching is done without regex compilation (the hook loads the policy on
/// every call, so compiling hundreds of patterns would dominate start-up).
#[derive(Debug, Clone)]
pub struct BashPattern {
    /// The specifier as written.
    pub spec: String,
    /// Literal pieces between `*`s, whitespace-normalised.
    pieces: Vec<String>,
    /// True if the pattern had no `*` (exact match).
    exact: bool,
    /// True if the pattern is `prefix:*` or `prefix *` (single trailing
    /// wildcard): `prefix` alone also matches, and a following character must be a space.
    word_prefix: bool,
}

impl BashPattern {
    /// Compiles a `Bash(...)` specifier.
    ///
    /// - `prefix:*` (legacy): `prefix` alone or followed by a space and anything.
    /// - `*` anywhere: matches any sequence of characters (spaces included); a
    ///   single trailing ` *` is optional, so `ls *` matches `ls` and `ls -la`
    ///   but not `lsof`.
    /// - otherwise: the exact command.
    pub fn new(spec: &str) -> Self {
        let t = normalize_ws(spec);
        if let Some(prefix) = t.strip_suffix(":*") {
            return BashPattern {
                spec: spec.to_string(),
                pieces: vec![prefix.to_string()],
                exact: false,
                word_prefix: true,
            };
        }
        if !t.contains('*') {
            return BashPattern {
                spec: spec.to_string(),
                pieces: vec![t],
                exact: true,
                word_prefix: false,
            };
        }
        if t.matches('*').count() == 1 && t.ends_with(" *") {
            return BashPattern {
                spec: spec.to_string(),
                pieces: vec![t[..t.len() - 2].to_string()],
                exact: false,
                word_prefix: true,
            };
        }
        let pieces = t.split('*').map(str::to_string).collect();
        BashPattern {
            spec: spec.to_string(),
            pieces,
            exact: false,
            word_prefix: false,
        }
    }

    /// True if `text` matches. `text` must already be whitespace-normalised
    /// ([`normalize_ws`]); callers normalise a command once for all rules.
    pub fn is_match(&self, text: &str) -> bool {
        if self.exact {
            return text == self.pieces[0];
        }
        if self.word_prefix {
            let p = &self.pieces[0];
            return text == p || (text.starts_with(p.as_str()) && text[p.len()..].starts_with(' '));
        }
        wildcard_match(&self.pieces, text)
    }
}

/// Matches `text` against literal `pieces` joined by `*` (any sequence).
fn wildcard_match(pieces: &[String], text: &str) -> bool {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return true;
    };
    if pieces.len() == 1 {
        return text == first;
    }
    if !text.starts_with(first.as_str())
        || text.len() < first.len() + last.len()
        || !text.ends_with(last.as_str())
    {
        return false;
    }
    let mut pos = first.len();
    let end = text.len() - last.len();
    for piece in &pieces[1..pieces.len() - 1] {
        match text[pos..end].find(piece.as_str()) {
            Some(i) => pos += i + piece.len(),
            None => return false,
        }
    }
    true
}

/// Collapses runs of whitespace to one space and trims.
pub fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a rule matches.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A bare tool name (`Bash`, `Read`, `WebFetch`, `WebSearch`, `Task`, …):
    /// every use of that tool. `Bash(*)` and `Read(**)`-style catch-alls compile to this too.
    Tool(String),
    /// `Bash(specifier)`.
    Bash(BashPattern),
    /// A regular expression over each simple command (`palisade.toml` only).
    CommandRegex(Regex),
    /// `Read(path)` / `Edit(path)` (and `Write(...)`, `MultiEdit(...)`,
    /// `NotebookEdit(...)`, treated as `Edit`).
    Path {
        /// Which tools.
        tool: PathTool,
        /// The absolute glob it compiled to.
        glob: String,
        /// Parsed globs (the path, and everything beneath it).
        globs: Vec<crate::path::PathGlob>,
    },
    /// `WebFetch(domain:host)`; `*.host` matches subdomains.
    Domain(String),
    /// `mcp__server`, `mcp__server__*` (tool `None`) or `mcp__server__tool`.
    Mcp {
        /// Server name.
        server: String,
        /// Tool name, or `None` for all tools of the server.
        tool: Option<String>,
    },
    /// `Task(name)` / `Agent(name)`: a sub-agent type.
    SubAgent(String),
    /// A rule Palisade cannot evaluate (kept for `explain`, never matches).
    Unsupported(String),
}

/// Parses and compiles one Claude Code rule string.
///
/// Unknown shapes compile to [`Matcher::Unsupported`] rather than failing,
/// as Claude Code itself ignores them.
pub fn compile(text: &str, anchors: &Anchors<'_>) -> Matcher {
    let text = text.trim();
    let (tool, spec) = match text.find('(') {
        Some(open) if text.ends_with(')') => (&text[..open], Some(&text[open + 1..text.len() - 1])),
        _ => (text, None),
    };
    if let Some(rest) = tool.strip_prefix("mcp__") {
        if spec.is_some() {
            return Matcher::Unsupported(format!("MCP rules take no specifier: {text}"));
        }
        let (server, t) = match rest.split_once("__") {
            Some((s, "*")) | Some((s, "")) => (s, None),
            Some((s, t)) => (s, Some(t.to_string())),
            None => (rest, None),
        };
        return Matcher::Mcp {
            server: server.to_string(),
            tool: t,
        };
    }
    let Some(spec) = spec else {
        return Matcher::Tool(tool.to_string());
    };
    match tool {
        "Bash" => {
            let s = spec.trim();
            if s.is_empty() || s == "*" || s == ":*" {
                return Matcher::Tool("Bash".into());
            }
            Matcher::Bash(BashPattern::new(s))
        }
        "Read" | "Edit" | "Write" | "MultiEdit" | "NotebookEdit" => {
            let ptool = if tool == "Read" {
                PathTool::Read
            } else {
                PathTool::Edit
            };
            let glob = claude_rule_glob(spec, anchors);
            match compile_glob(&glob) {
                Ok(globs) => Matcher::Path {
                    tool: ptool,
                    glob,
                    globs,
                },
                Err(e) => Matcher::Unsupported(format!("bad path pattern `{spec}`: {e}")),
            }
        }
        "WebFetch" => match spec.trim().strip_prefix("domain:") {
            Some(d) => Matcher::Domain(d.trim().to_ascii_lowercase()),
            None => Matcher::Unsupported(format!("WebFetch rules take `domain:`: {text}")),
        },
        "Task" | "Agent" => Matcher::SubAgent(spec.trim().to_string()),
        _ => Matcher::Unsupported(format!("no specifier syntax known for {tool}")),
    }
}

/// True if `host` is `pattern` or, for `*.example.com`, a subdomain of it.
pub fn domain_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(suffix) = pattern.strip_prefix("*.") {
        host.ends_with(&format!(".{suffix}"))
    } else {
        host == pattern
    }
}

/// The host of a URL or `host:path` / `user@host` target, lower-cased.
pub fn host_of(target: &str) -> Option<String> {
    let t = target.trim();
    let after_scheme = match t.find("://") {
        Some(i) => &t[i + 3..],
        None => t,
    };
    let end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let mut authority = &after_scheme[..end];
    if let Some(at) = authority.rfind('@') {
        authority = &authority[at + 1..];
    }
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        None
    } else {
        Some(host.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn bash_patterns() {
        let cases: &[(&str, &str, bool)] = &[
            ("npm run test:*", "npm run test", true),
            ("npm run test:*", "npm run test --watch", true),
            ("npm run test:*", "npm run testing", false),
            ("npm run build", "npm run build", true),
            ("npm run build", "npm run build --prod", false),
            ("ls *", "ls", true),
            ("ls *", "ls -la", true),
            ("ls *", "lsof", false),
            ("ls*", "lsof", true),
            ("git * main", "git push origin main", true),
            ("git * main", "git push origin dev", false),
            ("* --version", "cargo --version", true),
            ("git status", "git   status", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "a-c-b", false),
            ("*", "anything at all", true),
        ];
        for (spec, cmd, want) in cases {
            let p = BashPattern::new(spec);
            assert_eq!(
                p.is_match(&normalize_ws(cmd)),
                *want,
                "Bash({spec}) vs `{cmd}`"
            );
        }
    }

    #[test]
    fn rule_shapes() {
        let a = Anchors {
            home: Path::new("/h"),
            settings_base: Path::new("/p"),
            cwd: Path::new("/p"),
        };
        assert!(matches!(compile("Bash", &a), Matcher::Tool(t) if t == "Bash"));
        assert!(matches!(compile("Bash(*)", &a), Matcher::Tool(t) if t == "Bash"));
        assert!(matches!(compile("Bash(git:*)", &a), Matcher::Bash(_)));
        assert!(matches!(
            compile("Read(./.env)", &a),
            Matcher::Path {
                tool: PathTool::Read,
                ..
            }
        ));
        assert!(matches!(
            compile("Write(src/**)", &a),
            Matcher::Path {
                tool: PathTool::Edit,
                ..
            }
        ));
        assert!(
            matches!(compile("WebFetch(domain:example.com)", &a), Matcher::Domain(d) if d == "example.com")
        );
        assert!(matches!(
            compile("mcp__github", &a),
            Matcher::Mcp { tool: None, .. }
        ));
        assert!(matches!(
            compile("mcp__github__*", &a),
            Matcher::Mcp { tool: None, .. }
        ));
        assert!(
            matches!(compile("mcp__github__create_issue", &a), Matcher::Mcp { tool: Some(t), .. } if t == "create_issue")
        );
        assert!(matches!(compile("Task(Explore)", &a), Matcher::SubAgent(n) if n == "Explore"));
        assert!(matches!(
            compile("WebFetch(https://x)", &a),
            Matcher::Unsupported(_)
        ));
    }

    #[test]
    fn hosts_and_domains() {
        assert_eq!(
            host_of("https://User@Example.com:8443/x?y").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("example.com/path").as_deref(), Some("example.com"));
        assert_eq!(
            host_of("git@github.com:org/repo.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("::1"));
        assert!(domain_matches("example.com", "EXAMPLE.com."));
        assert!(!domain_matches("example.com", "evil-example.com"));
        assert!(domain_matches("*.example.com", "api.example.com"));
        assert!(!domain_matches("*.example.com", "example.com"));
    }
}
