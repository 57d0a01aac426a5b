//! pip requirements files and PEP 508 requirement strings.
//!
//! Formats: <https://pip.pypa.io/en/stable/reference/requirements-file-format/>
//! (one requirement or option per line, `\` continues a line, `#` after
//! whitespace starts a comment) and PEP 508
//! (<https://peps.python.org/pep-0508/>: `name[extras] specifiers ;
//! marker` or `name[extras] @ url ; marker`).

use super::{line_no, Dependency, DependencyKind, Manifest, ManifestError, ManifestKind};
use super::{Reference, ReferenceKind};
use crate::{Ecosystem, Source};

const KIND: ManifestKind = ManifestKind::Requirements;

/// One parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Requirement {
    pub name: String,
    /// The specifiers as written, spaces removed (`>=1,<2`); `None` when
    /// there are none.
    pub version: Option<String>,
    /// The `@ url`, when given.
    pub url: Option<String>,
}

impl Requirement {
    /// The requirement as a dependency.
    pub fn into_dependency(self, kind: DependencyKind) -> Dependency {
        let source = match &self.url {
            Some(u) => url_source(u),
            None => Source::Registry { index: None },
        };
        let mut d = Dependency::new(Ecosystem::PyPI, self.name, self.version, source, kind);
        d.resolved = self.url;
        d
    }
}

/// Where a PEP 440 direct reference or pip URL points: `git+`, `hg+`,
/// `svn+`, `bzr+` are version control, `file:` and paths are paths, other
/// URLs are URLs.
pub(super) fn url_source(url: &str) -> Source {
    let lower = url.to_ascii_lowercase();
    if ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Source::Vcs { url: url.into() }
    } else if lower.contains("://") && !lower.starts_with("file:") {
        Source::Url { url: url.into() }
    } else {
        Source::Path { path: url.into() }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

const OPERATORS: [&str; 8] = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

/// Parses a PEP 508 requirement string.
///
/// # Errors
/// A message saying what is wrong (no name, unclosed `[`, a specifier
/// without an operator, `@` without a URL).
pub(super) fn pep508(text: &str) -> Result<Requirement, String> {
    let s = text.trim();
    let name_end = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let name = &s[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("`{s}` does not start with a package name"));
    }
    let mut rest = s[name_end..].trim_start();
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']').ok_or("unclosed `[` of the extras")?;
        let extras = &r[..close];
        if !extras
            .split(',')
            .all(|e| e.trim().chars().all(is_name_char))
        {
            return Err(format!("bad extras `[{extras}]`"));
        }
        rest = r[close + 1..].trim_start();
    }
    // The marker, if any, follows `;`. For URLs, PEP 508 wants a space
    // before `;` so a `;` inside the URL is kept.
    if let Some(r) = rest.strip_prefix('@') {
        let r = r.trim_start();
        let url_end = r.find(" ;").or_else(|| r.find("\t;")).unwrap_or(r.len());
        let url = r[..url_end].trim();
        if url.is_empty() || url.contains(char::is_whitespace) {
            return Err(format!("`{name} @` needs a URL"));
        }
        return Ok(Requirement {
            name: name.into(),
            version: None,
            url: Some(url.into()),
        });
    }
    let spec = rest.split(';').next().unwrap_or("").trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec);
    if spec.is_empty() {
        return Ok(Requirement {
            name: name.into(),
            version: None,
            url: None,
        });
    }
    let mut clauses = Vec::new();
    for clause in spec.split(',') {
        let clause = clause.trim();
        let Some(op) = OPERATORS.iter().find(|op| clause.starts_with(**op)) else {
            return Err(format!(
                "`{clause}` after `{name}` is not a version specifier (expected one of {})",
                OPERATORS.join(" ")
            ));
        };
        let v = clause[op.len()..].trim_start();
        if v.is_empty()
            || !v.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
            })
        {
            return Err(format!("`{clause}` is not a valid version specifier"));
        }
        clauses.push(format!("{op}{v}"));
    }
    let spec = clauses.join(",");
    Ok(Requirement {
        name: name.into(),
        version: Some(spec),
        url: None,
    })
}

/// Cuts a comment: `#` at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    if line.starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Logical lines (continuations joined) with their first 1-based line.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        let (start, mut buf) = current.take().unwrap_or((line_no(i), String::new()));
        match line.strip_suffix('\\') {
            Some(head) => {
                buf.push_str(head);
                buf.push(' ');
                current = Some((start, buf));
            }
            None => {
                buf.push_str(line);
                out.push((start, buf));
            }
        }
    }
    out.extend(current);
    out
}

/// The name pip would give an editable or bare URL/path requirement: the
/// `#egg=` fragment, else the last path segment without an archive or
/// `.git` suffix.
fn name_of_target(target: &str) -> String {
    if let Some(i) = target.find("egg=") {
        let egg = &target[i + 4..];
        let end = egg.find(['&', '#']).unwrap_or(egg.len());
        return egg[..end].to_string();
    }
    let path = target.split(['#', '?']).next().unwrap_or(target);
    let path = path
        .split('@')
        .next()
        .filter(|_| !path.contains("://"))
        .unwrap_or(path);
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let stem = [".git", ".tar.gz", ".zip", ".whl", ".tar.bz2", ".tgz"]
        .iter()
        .find_map(|ext| last.strip_suffix(ext))
        .unwrap_or(last);
    // A wheel or sdist file name starts with the project name.
    let stem = if last.ends_with(".whl") || last.contains(".tar") || last.ends_with(".zip") {
        stem.split('-').next().unwrap_or(stem)
    } else {
        stem
    };
    stem.to_string()
}

/// A URL or path requirement (`-e …`, or a bare `./pkg`, `https://…`,
/// `git+…`).
fn target_dependency(target: &str) -> Dependency {
    let source = url_source(target);
    let mut d = Dependency::new(
        Ecosystem::PyPI,
        name_of_target(target),
        None,
        source,
        DependencyKind::Normal,
    );
    d.resolved = Some(target.to_string());
    d
}

/// Splits `--opt=value`, `--opt value`, `-ovalue` and `-o value`.
fn option(line: &str) -> (&str, &str) {
    if line.starts_with("--") {
        let end = line.find(['=', ' ', '\t']).unwrap_or(line.len());
        let rest = line[end..].trim_start_matches('=').trim();
        (&line[..end], rest)
    } else {
        let split = line.char_indices().nth(2).map_or(line.len(), |(i, _)| i);
        (&line[..split], line[split..].trim())
    }
}

/// Parses a requirements file.
pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let mut deps = Vec::new();
    let mut references = Vec::new();
    let mut index: Option<String> = None;
    for (no, line) in logical_lines(text) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            let (opt, value) = option(line);
            let takes_source = matches!(
                opt,
                "-r" | "--requirement"
                    | "-c"
                    | "--constraint"
                    | "-i"
                    | "--index-url"
                    | "--extra-index-url"
                    | "-f"
                    | "--find-links"
                    | "--trusted-host"
                    | "-e"
                    | "--editable"
            );
            if takes_source && value.is_empty() {
                return Err(ManifestError::syntax(
                    KIND,
                    no,
                    format!("`{opt}` needs a value"),
                ));
            }
            let reference = |kind| Reference {
                kind,
                target: value.to_string(),
                line: Some(no),
            };
            match opt {
                "-r" | "--requirement" => references.push(reference(ReferenceKind::Requirements)),
                "-c" | "--constraint" => references.push(reference(ReferenceKind::Constraints)),
                "-i" | "--index-url" => {
                    index = Some(value.to_string());
                    references.push(reference(ReferenceKind::IndexUrl));
                }
                "--extra-index-url" => references.push(reference(ReferenceKind::ExtraIndexUrl)),
                "-f" | "--find-links" => references.push(reference(ReferenceKind::FindLinks)),
                "--trusted-host" => references.push(reference(ReferenceKind::TrustedHost)),
                "-e" | "--editable" => {
                    let mut d = target_dependency(value);
                    d.line = Some(no);
                    deps.push(d);
                }
                // Other options (`--pre`, `--no-binary`, …) do not name
                // packages or sources.
                _ => {}
            }
            continue;
        }
        // Per-requirement options follow the requirement: `--hash=…`.
        let (req, opts) = match line.find(" --").or_else(|| line.find("\t--")) {
            Some(i) => (&line[..i], &line[i..]),
            None => (line, ""),
        };
        let hashes: Vec<&str> = opts
            .split_whitespace()
            .filter_map(|o| o.strip_prefix("--hash="))
            .collect();
        let req = req.trim();
        let lower = req.to_ascii_lowercase();
        let is_target = lower.contains("://")
            || lower.starts_with('.')
            || lower.starts_with('/')
            || lower.starts_with("file:")
            || lower.ends_with(".whl")
            || lower.ends_with(".tar.gz")
            || lower.ends_with(".zip");
        let mut d = if is_target && !req.contains(" @") && !req.contains("@ ") {
            target_dependency(req)
        } else {
            pep508(req)
                .map_err(|m| ManifestError::syntax(KIND, no, m))?
                .into_dependency(DependencyKind::Normal)
        };
        if !hashes.is_empty() {
            d.integrity = Some(hashes.join(" "));
        }
        d.line = Some(no);
        deps.push(d);
    }
    if let Some(index) = index {
        for d in &mut deps {
            if let Source::Registry { index: i } = &mut d.install.source {
                *i = Some(index.clone());
            }
        }
    }
    Ok(Manifest {
        dependencies: deps,
        references,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep508_forms() {
        let r = pep508("Django[argon2, bcrypt] (>= 4.2, <5) ; python_version >= '3.10'").unwrap();
        assert_eq!(r.name, "Django");
        assert_eq!(r.version.as_deref(), Some(">=4.2,<5"));
        let r = pep508("pkg @ git+https://example.test/pkg.git@v1 ; os_name == 'nt'").unwrap();
        assert_eq!(
            r.url.as_deref(),
            Some("git+https://example.test/pkg.git@v1")
        );
        assert!(pep508("requests = 2.0").is_err());
        assert!(pep508("[x]").is_err());
        assert!(pep508("a[b").is_err());
        assert!(pep508("a @ ").is_err());
    }

    #[test]
    fn names_of_targets() {
        assert_eq!(
            name_of_target("git+https://h.test/o/repo.git@main#egg=mypkg"),
            "mypkg"
        );
        assert_eq!(
            name_of_target("https://h.test/x/foo-1.0-py3-none-any.whl"),
            "foo"
        );
        assert_eq!(name_of_target("./libs/bar/"), "bar");
        assert_eq!(name_of_target("."), ".");
    }
}
