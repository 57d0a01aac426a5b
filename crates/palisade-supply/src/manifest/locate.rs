//! Where a dependency is written, for the formats whose parsers do not
//! record lines (JSON and TOML): [`locate`].

use super::{Dependency, ManifestKind};

/// How many lines after a lockfile entry's name its version may come.
const VERSION_WITHIN: usize = 4;

/// Whether a trimmed line starts an entry for the package.
type EntryTest<'a> = Box<dyn Fn(&str) -> bool + 'a>;

/// The 1-based line where `dep` is written in `text`, a file of kind
/// `kind`: [`Dependency::line`] when the parser recorded one, else the
/// first line that names the package the way the format does, or `None`.
///
/// Best effort, for showing a finding at a line (SARIF annotations,
/// `path:line`), never for deciding anything:
///
/// - `package.json`: the key `"name":`;
/// - `package-lock.json`: the key `"node_modules/…/name":` (v2, v3) or
///   `"name": {` (v1), preferring the entry whose `"version"` follows within
///   a few lines;
/// - `Cargo.lock`, `uv.lock`, `poetry.lock`: `name = "name"`, preferring
///   the entry whose `version = "…"` follows;
/// - `Cargo.toml`: `name = …`, `name.workspace = …`, `[….dependencies.name]`;
/// - `pyproject.toml`: a string that starts with the name (`"requests>=2"`)
///   or a key `name = …` (Poetry).
///
/// ```
/// use palisade_supply::manifest::{locate, parse, ManifestKind};
///
/// let reg = "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
/// let text = format!(
///     "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n{reg}\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\n{reg}"
/// );
/// let text = text.as_str();
/// let m = parse(ManifestKind::CargoLock, text).unwrap();
/// assert_eq!(locate(ManifestKind::CargoLock, text, &m.dependencies[1]), Some(7));
/// ```
pub fn locate(kind: ManifestKind, text: &str, dep: &Dependency) -> Option<u32> {
    if dep.line.is_some() {
        return dep.line;
    }
    let name = dep.install.name.as_str();
    if name.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let version = dep.install.version.as_deref();
    let quoted_key = |t: &str| {
        t.strip_prefix('"')
            .and_then(|r| r.strip_prefix(name))
            .and_then(|r| r.strip_prefix('"'))
            .is_some_and(|r| r.trim_start().starts_with(':'))
    };
    let bare_key = |t: &str| {
        t.strip_prefix(name)
            .is_some_and(|r| r.trim_start().starts_with(['=', '.']))
            || t.strip_prefix('"')
                .and_then(|r| r.strip_prefix(name))
                .and_then(|r| r.strip_prefix('"'))
                .is_some_and(|r| r.trim_start().starts_with('='))
    };
    let (is_entry, version_line): (EntryTest, Option<String>) = match kind {
        ManifestKind::PackageJson => (Box::new(quoted_key), None),
        ManifestKind::PackageLock => {
            let nested = format!("node_modules/{name}\"");
            // v1 entries are objects (`"name": {`); a value (`"name":
            // "^1"`) is a range in some package's dependency map.
            let entry = format!("\"{name}\": {{");
            (
                Box::new(move |t: &str| {
                    t.starts_with(&entry)
                        || (t.starts_with('"')
                            && t.find(&nested).is_some_and(|i| {
                                let end = i + nested.len();
                                (i == 1 || t[..i].ends_with('/'))
                                    && t[end..].trim_start().starts_with(':')
                            }))
                }),
                version.map(|v| format!("\"version\": \"{v}\"")),
            )
        }
        ManifestKind::CargoLock | ManifestKind::UvLock | ManifestKind::PoetryLock => {
            let line = format!("name = \"{name}\"");
            (
                Box::new(move |t: &str| t == line),
                version.map(|v| format!("version = \"{v}\"")),
            )
        }
        ManifestKind::CargoToml => {
            let table = format!("dependencies.{name}]");
            (
                Box::new(move |t: &str| bare_key(t) || (t.starts_with('[') && t.ends_with(&table))),
                None,
            )
        }
        ManifestKind::Pyproject => {
            let string = format!("\"{name}");
            (
                Box::new(move |t: &str| {
                    bare_key(t)
                        || t.match_indices(&string).any(|(i, m)| {
                            !t[i + m.len()..].starts_with(|c: char| {
                                c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
                            })
                        })
                }),
                None,
            )
        }
        _ => return None,
    };
    let mut first = None;
    for (i, line) in lines.iter().enumerate() {
        if !is_entry(line.trim()) {
            continue;
        }
        let Some(v) = &version_line else {
            return Some(super::line_no(i));
        };
        first.get_or_insert(i);
        let follows = lines
            .iter()
            .skip(i + 1)
            .take(VERSION_WITHIN)
            .any(|l| l.trim().trim_end_matches(',') == v);
        if follows {
            return Some(super::line_no(i));
        }
    }
    first.map(super::line_no)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;
    use pretty_assertions::assert_eq;

    /// `(name, version, line)` of every dependency of `text`.
    fn lines(kind: ManifestKind, text: &str) -> Vec<(String, Option<String>, Option<u32>)> {
        let m = parse(kind, text).unwrap_or_else(|e| panic!("{e}"));
        m.dependencies
            .iter()
            .map(|d| {
                (
                    d.install.name.clone(),
                    d.install.version.clone(),
                    locate(kind, text, d),
                )
            })
            .collect()
    }

    fn l(name: &str, version: Option<&str>, line: u32) -> (String, Option<String>, Option<u32>) {
        (name.into(), version.map(Into::into), Some(line))
    }

    #[test]
    fn package_json_keys_not_values() {
        let text = r#"{
  "name": "left-pad",
  "dependencies": {
    "left": "^1.0.0",
    "left-pad": "1.3.0"
  }
}
"#;
        assert_eq!(
            lines(ManifestKind::PackageJson, text),
            vec![
                l("left", Some("^1.0.0"), 4),
                l("left-pad", Some("1.3.0"), 5)
            ]
        );
    }

    #[test]
    fn package_lock_prefers_the_entry_with_the_version() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "name": "app",
      "dependencies": {
        "a": "^2.0.0",
        "b": "1.0.0"
      }
    },
    "node_modules/b": {
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/b/-/b-1.0.0.tgz",
      "dependencies": { "a": "^1.0.0" }
    },
    "node_modules/b/node_modules/a": {
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"
    },
    "node_modules/a": {
      "version": "2.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-2.0.0.tgz"
    }
  }
}
"#;
        let mut got = lines(ManifestKind::PackageLock, text);
        got.sort();
        assert_eq!(
            got,
            vec![
                l("a", Some("1.0.0"), 17),
                l("a", Some("2.0.0"), 21),
                l("b", Some("1.0.0"), 12)
            ]
        );
    }

    #[test]
    fn package_lock_v1_entries_are_objects() {
        let text = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "b": {
      "version": "1.0.0",
      "requires": {
        "a": "^1.0.0"
      }
    },
    "a": {
      "version": "1.2.0"
    }
  }
}
"#;
        let mut got = lines(ManifestKind::PackageLock, text);
        got.sort();
        assert_eq!(
            got,
            vec![l("a", Some("1.2.0"), 10), l("b", Some("1.0.0"), 4)]
        );
    }

    #[test]
    fn toml_lockfiles_and_manifests() {
        let reg = "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let lock = format!("version = 3\n\n[[package]]\nname = \"syn\"\nversion = \"1.0.109\"\n{reg}\n[[package]]\nname = \"syn\"\nversion = \"2.0.1\"\n{reg}");
        let mut got = lines(ManifestKind::CargoLock, &lock);
        got.sort();
        assert_eq!(
            got,
            vec![l("syn", Some("1.0.109"), 4), l("syn", Some("2.0.1"), 9)]
        );
        let toml = "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\nserde_json.workspace = true\n\n[dev-dependencies.proptest]\nversion = \"1\"\n";
        let got: Vec<_> = lines(ManifestKind::CargoToml, toml)
            .into_iter()
            .map(|(n, _, line)| (n, line))
            .collect();
        assert!(got.contains(&("serde".into(), Some(5))), "{got:?}");
        assert!(got.contains(&("serde_json".into(), Some(6))), "{got:?}");
        assert!(got.contains(&("proptest".into(), Some(8))), "{got:?}");
        let py = "[project]\nname = \"app\"\ndependencies = [\n  \"requests-oauthlib\",\n  \"requests>=2\",\n]\n";
        let got: Vec<_> = lines(ManifestKind::Pyproject, py)
            .into_iter()
            .map(|(n, _, line)| (n, line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests-oauthlib".into(), Some(4)),
                ("requests".into(), Some(5))
            ]
        );
    }

    #[test]
    fn a_name_that_is_not_written_has_no_line() {
        let dep = Dependency::new(
            crate::Ecosystem::Npm,
            "ghost",
            None,
            crate::Source::Registry { index: None },
            crate::manifest::DependencyKind::Normal,
        );
        assert_eq!(locate(ManifestKind::PackageJson, "{}", &dep), None);
    }
}
