//! `yarn.lock`: yarn classic's own format (v1) and yarn berry's YAML
//! (v2 and later, told apart by its `__metadata` entry).
//!
//! v1 (written by yarn 1's `lockfile/stringify`; no published spec): `#`
//! comments; an entry is a line at indent 0 listing the specifiers it
//! satisfies, comma separated, optionally quoted, ending in `:`; its
//! fields follow at indent 2 as `key value` (value quoted or bare) or
//! `key:` opening a block of `name spec` lines at indent 4
//! (`dependencies`, `optionalDependencies`):
//!
//! ```text
//! "@babel/core@^7.0.0", "@babel/core@^7.1.0":
//!   version "7.1.6"
//!   resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.6.tgz#abc"
//!   integrity sha512-…
//!   dependencies:
//!     debug "^4.1.0"
//! ```
//!
//! Berry (<https://yarnpkg.com/>): a YAML mapping from specifiers
//! (`"name@npm:^1.0.0, name@npm:^1.2.0"`) to `{version, resolution,
//! dependencies, checksum, languageName, linkType}`; the project's own
//! workspaces are entries whose resolution is `name@workspace:path`.

use super::yaml::{self, Node};
use super::{
    line_no, npm_resolved_source, npm_spec, split_name_at_version, Dependency, DependencyKind,
    Manifest, ManifestError, ManifestKind,
};
use crate::{Ecosystem, Source};
use std::collections::HashSet;

const KIND: ManifestKind = ManifestKind::YarnLock;

/// Parses either flavour.
pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let berry = text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    let dependencies = if berry {
        parse_berry(text)?
    } else {
        parse_v1(text)?
    };
    Ok(Manifest {
        dependencies,
        references: Vec::new(),
    })
}

/// Reads a v1 value: a double-quoted string (JSON escapes) or a bare word.
/// Returns the value and the rest of the line.
fn v1_token(s: &str, line: u32) -> Result<(String, &str), ManifestError> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, &rest[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return Err(ManifestError::syntax(KIND, line, "unterminated string"));
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(s.len());
    Ok((s[..end].to_string(), &s[end..]))
}

/// The leading-space count of a line; tabs are refused (yarn writes none).
fn indent(line: &str, no: u32) -> Result<usize, ManifestError> {
    let n = line.len() - line.trim_start_matches(' ').len();
    if line[n..].starts_with('\t') {
        return Err(ManifestError::syntax(KIND, no, "tab in indentation"));
    }
    Ok(n)
}

/// One v1 entry being read.
struct V1Entry {
    line: u32,
    header: String,
    name: String,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    /// The source the specifiers name (git, URL, path), when not the
    /// registry.
    spec_source: Source,
}

impl V1Entry {
    fn finish(self, out: &mut Vec<Dependency>) -> Result<(), ManifestError> {
        let Some(version) = self.version else {
            return Err(ManifestError::format_at(
                KIND,
                self.line,
                format!("entry `{}` has no version", self.header),
            ));
        };
        let source = match (&self.spec_source, &self.resolved) {
            (Source::Registry { .. }, Some(r)) => npm_resolved_source(r),
            (s, _) => s.clone(),
        };
        let mut d = Dependency::new(
            Ecosystem::Npm,
            self.name,
            Some(version),
            source,
            DependencyKind::Normal,
        );
        d.direct = None;
        d.resolved = self.resolved;
        d.integrity = self.integrity;
        d.line = Some(self.line);
        out.push(d);
        Ok(())
    }
}

/// Parses a header line (`"a@^1", a@^1.2:`) into its first package name
/// and the source its specifier names.
fn v1_header(line: &str, no: u32) -> Result<(String, Source), ManifestError> {
    let body = line
        .trim_end()
        .strip_suffix(':')
        .ok_or_else(|| ManifestError::syntax(KIND, no, "an entry line must end with `:`"))?;
    let (first, _) = v1_token(body, no)?;
    if first.is_empty() {
        return Err(ManifestError::syntax(KIND, no, "empty package specifier"));
    }
    let (name, spec) = split_name_at_version(&first);
    let (alias, _, source) = npm_spec(spec.unwrap_or(""));
    Ok((alias.unwrap_or_else(|| name.to_string()), source))
}

fn parse_v1(text: &str) -> Result<Vec<Dependency>, ManifestError> {
    let mut out = Vec::new();
    let mut entry: Option<V1Entry> = None;
    // Indent of the block being read: 2 for fields, 4 inside a sub-block.
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let no = line_no(i);
        let line = raw.trim_end();
        if line.trim_start().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match indent(line, no)? {
            0 => {
                if let Some(e) = entry.take() {
                    e.finish(&mut out)?;
                }
                let (name, spec_source) = v1_header(line, no)?;
                entry = Some(V1Entry {
                    line: no,
                    header: line.trim_end_matches(':').to_string(),
                    name,
                    version: None,
                    resolved: None,
                    integrity: None,
                    spec_source,
                });
                in_block = false;
            }
            2 => {
                let Some(e) = entry.as_mut() else {
                    return Err(ManifestError::syntax(KIND, no, "field outside an entry"));
                };
                let body = line.trim_start();
                if let Some(key) = body.strip_suffix(':') {
                    if key.contains(char::is_whitespace) {
                        return Err(ManifestError::syntax(KIND, no, "malformed block key"));
                    }
                    in_block = true;
                    continue;
                }
                in_block = false;
                let (key, rest) = v1_token(body, no)?;
                let (value, tail) = v1_token(rest, no)?;
                if !tail.trim().is_empty() {
                    return Err(ManifestError::syntax(
                        KIND,
                        no,
                        format!("unexpected text after the value of `{key}`"),
                    ));
                }
                match key.as_str() {
                    "version" => e.version = Some(value),
                    "resolved" => e.resolved = Some(value),
                    "integrity" => e.integrity = Some(value),
                    _ => {}
                }
            }
            4 if in_block => {
                let (_, rest) = v1_token(line, no)?;
                v1_token(rest, no)?;
            }
            _ => return Err(ManifestError::syntax(KIND, no, "unexpected indentation")),
        }
    }
    if let Some(e) = entry.take() {
        e.finish(&mut out)?;
    }
    Ok(out)
}

/// The source of a berry `resolution` (`name@npm:1.0.0`,
/// `name@https://github.com/o/r.git#commit=…`, `name@workspace:.`,
/// `name@patch:…`, whose source is that of the patched package).
fn berry_source(reference: &str) -> Source {
    if let Some(rest) = reference.strip_prefix("npm:") {
        // `npm:1.0.0`, or an alias `npm:other@1.0.0`
        return match npm_spec(rest).2 {
            s @ Source::Registry { .. } => s,
            _ => Source::Registry { index: None },
        };
    }
    if let Some(patched) = reference.strip_prefix("patch:") {
        // `patch:name@npm%3A1.0.0#./x.patch::…`: a patch (a local file or
        // one of yarn's built-in compat patches) on top of a package; the
        // package itself comes from where the inner reference says.
        let inner = patched.split('#').next().unwrap_or(patched);
        let inner = inner
            .replace("%3A", ":")
            .replace("%2F", "/")
            .replace("%40", "@");
        let (_, inner_ref) = split_name_at_version(&inner);
        return match inner_ref {
            Some(r) if !r.starts_with("patch:") => berry_source(r),
            _ => Source::Path {
                path: reference.to_string(),
            },
        };
    }
    let lower = reference.to_ascii_lowercase();
    if lower.contains(".git#") || lower.contains("#commit=") || lower.starts_with("git") {
        return Source::Vcs {
            url: reference.to_string(),
        };
    }
    npm_spec(reference).2
}

fn parse_berry(text: &str) -> Result<Vec<Dependency>, ManifestError> {
    let docs = yaml::parse(KIND, text)?;
    let Some(doc) = docs.first() else {
        return Ok(Vec::new());
    };
    // What the workspaces depend on is direct.
    let mut direct: HashSet<&str> = HashSet::new();
    for (key, entry) in doc.entries() {
        let resolution = entry.get("resolution").and_then(Node::as_str).unwrap_or("");
        if key != "__metadata" && resolution.contains("@workspace:") {
            for section in [
                "dependencies",
                "devDependencies",
                "optionalDependencies",
                "peerDependencies",
            ] {
                direct.extend(
                    entry
                        .get(section)
                        .map(Node::entries)
                        .unwrap_or_default()
                        .iter()
                        .map(|(n, _)| n.as_str()),
                );
            }
        }
    }
    let mut out = Vec::new();
    for (key, entry) in doc.entries() {
        if key == "__metadata" {
            continue;
        }
        let resolution = entry
            .get("resolution")
            .and_then(Node::as_str)
            .ok_or_else(|| {
                ManifestError::format_at(
                    KIND,
                    entry.line,
                    format!("entry `{key}` has no resolution"),
                )
            })?;
        let (name, reference) = split_name_at_version(resolution);
        let reference = reference.unwrap_or("");
        if reference.starts_with("workspace:") {
            continue;
        }
        let version = entry
            .get("version")
            .and_then(Node::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                ManifestError::format_at(KIND, entry.line, format!("entry `{key}` has no version"))
            })?;
        let source = berry_source(reference);
        let mut d = Dependency::new(
            Ecosystem::Npm,
            name,
            Some(version),
            source,
            DependencyKind::Normal,
        );
        d.direct = Some(direct.contains(name));
        d.resolved = Some(resolution.to_string());
        d.integrity = entry
            .get("checksum")
            .and_then(Node::as_str)
            .map(str::to_string);
        d.line = Some(entry.line);
        out.push(d);
    }
    Ok(out)
}
