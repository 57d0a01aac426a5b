//! Path resolution (`~`, `$HOME`, `..`, symlinks) and gitignore-style path
//! patterns as Claude Code's `Read(...)`/`Edit(...)` rules and Palisade's
//! guard packs use them.

use std::path::{Component, Path, PathBuf};

/// Expands `~`, `~/…`, `$HOME`, `${HOME}`, `$PWD`, `${PWD}` at the start of
/// `raw`, makes it absolute against `cwd`, and removes `.` and `..`
/// components lexically (no file-system access).
///
/// `~user/…` is left as a relative name (it cannot be resolved without the
/// user database; callers treat such words as dynamic).
pub fn resolve_lexical(raw: &str, cwd: &Path, home: &Path) -> PathBuf {
    let expanded: PathBuf = if raw == "~" || raw == "$HOME" || raw == "${HOME}" {
        home.to_path_buf()
    } else if let Some(rest) = raw
        .strip_prefix("~/")
        .or_else(|| raw.strip_prefix("$HOME/"))
        .or_else(|| raw.strip_prefix("${HOME}/"))
    {
        home.join(rest)
    } else if raw == "$PWD" || raw == "${PWD}" {
        cwd.to_path_buf()
    } else if let Some(rest) = raw
        .strip_prefix("$PWD/")
        .or_else(|| raw.strip_prefix("${PWD}/"))
    {
        cwd.join(rest)
    } else {
        cwd.join(raw)
    };
    normalize(&expanded)
}

/// Removes `.` and `..` components lexically; `..` above `/` stays at `/`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push("/");
    }
    out
}

/// The forms of a path worth matching: the lexical form, plus the
/// symlink-resolved form when the longest existing prefix of the path can be
/// canonicalised and differs (so a symlink `./k -> ~/.ssh` is caught).
pub fn candidates(lexical: &Path) -> Vec<PathBuf> {
    let mut out = vec![lexical.to_path_buf()];
    let mut prefix = lexical.to_path_buf();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(&prefix) {
            let mut full = real;
            for r in rest.iter().rev() {
                full.push(r);
            }
            if full != lexical {
                out.push(full);
            }
            break;
        }
        match (
            prefix.file_name().map(|s| s.to_os_string()),
            prefix.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                prefix = parent.to_path_buf();
            }
            _ => break,
        }
    }
    out
}

/// Escapes glob metacharacters in a literal path so it can prefix a pattern.
pub fn escape_glob(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '*' | '?' | '[' | ']' | '{' | '}' | '\\' => {
                out.push('[');
                out.push(ch);
                out.push(']');
            }
            _ => out.push(ch),
        }
    }
    out
}

/// One path glob: its text, its literal leading part, and the `glob`
/// crate's pattern, compiled on first use.
///
/// Most paths are rejected by the literal prefix alone, so most globs are
/// never compiled; that matters because the hook loads the policy on every
/// call. A glob with a syntax error never compiles; it then matches every
/// path under its literal prefix, so a broken deny rule errs on the safe
/// side (and `palisade explain` lists it under warnings).
#[derive(Debug, Clone)]
pub struct PathGlob {
    text: String,
    prefix_len: usize,
    pattern: std::sync::OnceLock<Option<glob::Pattern>>,
}

const MATCH: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

impl PathGlob {
    /// Wraps one absolute glob (not compiled yet).
    pub fn new(glob: &str) -> Self {
        PathGlob {
            text: glob.to_string(),
            prefix_len: glob.find(['*', '?', '[']).unwrap_or(glob.len()),
            pattern: std::sync::OnceLock::new(),
        }
    }

    /// The syntax error, if the glob has one.
    pub fn error(&self) -> Option<String> {
        glob::Pattern::new(&self.text)
            .err()
            .map(|e| e.msg.to_string())
    }

    /// True if `path` matches.
    pub fn is_match(&self, path: &str) -> bool {
        if !path.starts_with(self.literal_prefix()) {
            return false;
        }
        match self
            .pattern
            .get_or_init(|| glob::Pattern::new(&self.text).ok())
        {
            Some(p) => p.matches_with(path, MATCH),
            None => true,
        }
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The literal part before the first metacharacter.
    pub fn literal_prefix(&self) -> &str {
        &self.text[..self.prefix_len]
    }
}

/// Compiles `pattern` (already absolute, glob syntax) into the globs that
/// match the path itself and, like gitignore, everything beneath it.
///
/// `*` and `?` do not cross `/`; `**` (a whole path component) does.
///
/// # Errors
/// Never at present (syntax is checked lazily, see [`PathGlob`]); kept a
/// `Result` so callers handle a future eager check.
pub fn compile_glob(pattern: &str) -> Result<Vec<PathGlob>, String> {
    let base = pattern.trim_end_matches('/');
    let base = if base.is_empty() { "/" } else { base };
    let mut out = vec![PathGlob::new(base)];
    if let Some(dir) = base.strip_suffix("/**").filter(|d| !d.is_empty()) {
        // `dir/**` also names `dir` itself (`cp x ~/.config/autostart/`).
        out.push(PathGlob::new(dir));
    } else {
        let sub = if base == "/" {
            "/**".to_string()
        } else {
            format!("{base}/**")
        };
        out.push(PathGlob::new(&sub));
    }
    Ok(out)
}

/// Where a Claude Code path rule is anchored.
#[derive(Debug, Clone)]
pub struct Anchors<'a> {
    /// The user's home (`~/` rules).
    pub home: &'a Path,
    /// The directory a `/path` rule is relative to: the directory holding the
    /// settings file's `.claude/` folder (the project root for project
    /// settings, the home for user settings).
    pub settings_base: &'a Path,
    /// The current directory (`path` and `./path` rules).
    pub cwd: &'a Path,
}

/// Turns the specifier of a Claude Code `Read(...)`/`Edit(...)` rule into an
/// absolute glob.
///
/// Source: Claude Code documentation, "Permission rule syntax / Read and
/// Edit": `//path` is absolute from the file-system root, `~/path` is from
/// the home directory, `/path` is relative to the settings file, `path` or
/// `./path` is relative to the current directory; patterns follow the
/// gitignore specification, so a pattern without a `/` (other than a
/// trailing one) matches at any depth below its base.
pub fn claude_rule_glob(spec: &str, a: &Anchors<'_>) -> String {
    let spec = spec.trim();
    if let Some(rest) = spec.strip_prefix("//") {
        return format!("/{rest}");
    }
    if spec == "~" {
        return escape_glob(&a.home.to_string_lossy());
    }
    if let Some(rest) = spec.strip_prefix("~/") {
        return join_glob(a.home, rest);
    }
    if let Some(rest) = spec.strip_prefix('/') {
        return join_glob(a.settings_base, rest);
    }
    let rel = spec.strip_prefix("./").unwrap_or(spec);
    let anchored = rel.trim_end_matches('/').contains('/') || spec.starts_with("./");
    if anchored {
        join_glob(a.cwd, rel)
    } else {
        join_glob(a.cwd, &format!("**/{rel}"))
    }
}

/// Turns a guard-pack path pattern into an absolute glob: `~/…` is under the
/// home, `/…` is absolute, anything else matches at any depth (`**/…`).
pub fn guard_glob(pattern: &str, home: &Path) -> String {
    if let Some(rest) = pattern.strip_prefix("~/") {
        join_glob(home, rest)
    } else if pattern.starts_with('/') {
        pattern.to_string()
    } else if pattern.starts_with("**/") {
        format!("/{pattern}")
    } else {
        format!("/**/{pattern}")
    }
}

fn join_glob(base: &Path, rest: &str) -> String {
    let b = escape_glob(&base.to_string_lossy());
    let b = b.trim_end_matches('/');
    if rest.is_empty() {
        b.to_string()
    } else {
        format!("{b}/{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        compile_glob(glob)
            .map(|gs| gs.iter().any(|g| g.is_match(path)))
            .unwrap_or(false)
    }

    #[test]
    fn lexical_resolution() {
        let cwd = Path::new("/home/dev/proj");
        let home = Path::new("/home/dev");
        for (raw, want) in [
            ("~", "/home/dev"),
            ("~/.ssh/id_rsa", "/home/dev/.ssh/id_rsa"),
            ("$HOME/.aws", "/home/dev/.aws"),
            ("${HOME}/.aws", "/home/dev/.aws"),
            (".env", "/home/dev/proj/.env"),
            ("../../../etc/passwd", "/etc/passwd"),
            ("./a/./b/../c", "/home/dev/proj/a/c"),
            ("/etc/../root", "/root"),
            ("..", "/home/dev"),
            ("/", "/"),
        ] {
            assert_eq!(
                resolve_lexical(raw, cwd, home),
                PathBuf::from(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn claude_anchors() {
        let a = Anchors {
            home: Path::new("/home/dev"),
            settings_base: Path::new("/home/dev/proj"),
            cwd: Path::new("/home/dev/proj/sub"),
        };
        let cases = [
            ("//etc/shadow", "/etc/shadow", true),
            ("~/.ssh/**", "/home/dev/.ssh/id_rsa", true),
            ("/src/**", "/home/dev/proj/src/main.rs", true),
            ("/src/**", "/home/dev/proj/sub/src/main.rs", false),
            ("./.env", "/home/dev/proj/sub/.env", true),
            ("./.env", "/home/dev/proj/sub/a/.env", false),
            (".env", "/home/dev/proj/sub/a/.env", true),
            ("*.pem", "/home/dev/proj/sub/k/x.pem", true),
            ("src/*.rs", "/home/dev/proj/sub/src/a.rs", true),
            ("src/*.rs", "/home/dev/proj/sub/src/x/a.rs", false),
            ("secrets", "/home/dev/proj/sub/secrets/a.txt", true),
        ];
        for (spec, path, want) in cases {
            let g = claude_rule_glob(spec, &a);
            assert_eq!(matches(&g, path), want, "{spec} ({g}) vs {path}");
        }
    }

    #[test]
    fn guard_patterns() {
        let home = Path::new("/home/dev");
        assert!(matches(
            &guard_glob("~/.ssh/id_*", home),
            "/home/dev/.ssh/id_rsa"
        ));
        assert!(matches(&guard_glob(".env", home), "/x/y/.env"));
        assert!(matches(
            &guard_glob("**/.git/hooks/**", home),
            "/p/.git/hooks/pre-commit"
        ));
        assert!(matches(
            &guard_glob("/etc/cron.d/**", home),
            "/etc/cron.d/x"
        ));
        assert!(!matches(
            &guard_glob("~/.ssh/id_*", home),
            "/root/.ssh/id_rsa"
        ));
    }

    #[test]
    fn symlink_candidates_follow_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("secret-dir");
        std::fs::create_dir(&target).expect("mkdir");
        std::fs::write(target.join("key"), "x").expect("write");
        let link = dir.path().join("innocent");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let c = candidates(&link.join("key"));
        let real = std::fs::canonicalize(target.join("key")).expect("canon");
        assert!(c.contains(&real), "{c:?}");
        // A path that does not exist yet still resolves through its existing parent.
        let c = candidates(&link.join("new-file"));
        assert!(
            c.iter().any(|p| p.ends_with("secret-dir/new-file")),
            "{c:?}"
        );
    }
}
