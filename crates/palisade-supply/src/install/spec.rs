//! Package specifiers as each ecosystem writes them on a command line:
//! npm's `<package-spec>`, PEP 508 requirements (plus the URL, VCS and path
//! forms pip accepts, and poetry's and uv's `name@version`), cargo's
//! `name@version`, Go's `module@version`, RubyGems' `name:version`.

use crate::Source;

/// A specifier split into name, version and source. A registry source has
/// no index yet; the client fills it in from its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// The package name, or the URL or path as written when the specifier
    /// does not name the package.
    pub(crate) name: String,
    /// The version or range as written, `None` for "latest".
    pub(crate) version: Option<String>,
    /// Where it comes from.
    pub(crate) source: Source,
}

impl Parsed {
    fn registry(name: &str, version: Option<&str>) -> Self {
        Parsed {
            name: name.to_string(),
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            source: Source::Registry { index: None },
        }
    }

    fn other(name: &str, source: Source) -> Self {
        Parsed {
            name: name.to_string(),
            version: None,
            source,
        }
    }
}

/// True for `./x`, `../x`, `/x`, `~/x`, `\\x`, `C:\x`, `C:/x`, `.`.
fn path_like(s: &str) -> bool {
    let b = s.as_bytes();
    let drive =
        b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\');
    drive || s.starts_with(['.', '/', '~', '\\'])
}

/// True if `s` starts with a URL scheme and `://` (`https://`,
/// `git+ssh://`), not merely contains one (`pkg @ https://…`).
fn has_scheme(s: &str) -> bool {
    s.find("://").is_some_and(|i| {
        i > 0
            && s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn lower_starts(s: &str, prefixes: &[&str]) -> bool {
    let l = s.get(..s.len().min(16)).unwrap_or(s).to_ascii_lowercase();
    prefixes.iter().any(|p| l.starts_with(p))
}

/// npm's `<package-spec>`.
///
/// Source: npm docs, "package-spec" (using-npm/package-spec), and the
/// classification order of npm-package-arg: `name[@tag|version|range]`,
/// `alias@npm:name[@v]`, git URLs (`git+https://`, `git+ssh://`, `git://`,
/// `github:`, `gitlab:`, `bitbucket:`, `gist:`, `user/repo[#ref]`), tarball
/// URLs, `file:` and paths (starting `.`, `/`, `~`; or a `.tgz`, `.tar.gz`,
/// `.tar` file). pnpm's and yarn's `link:`, `portal:` and `workspace:` are
/// local; `jsr:` names a package on JSR's npm-compatible registry.
pub(crate) fn npm(spec: &str) -> Option<Parsed> {
    npm_depth(spec.trim(), 0)
}

fn npm_depth(spec: &str, depth: usize) -> Option<Parsed> {
    if spec.is_empty() || depth > 4 {
        return None;
    }
    if let Some(real) = spec.strip_prefix("npm:") {
        return npm_depth(real, depth + 1);
    }
    if let Some(real) = spec.strip_prefix("jsr:") {
        let mut p = npm_depth(real, depth + 1)?;
        if matches!(p.source, Source::Registry { .. }) {
            p.source = Source::Registry {
                index: Some("https://npm.jsr.io".into()),
            };
        }
        return Some(p);
    }
    let at = match spec.strip_prefix('@') {
        Some(rest) => rest.find('@').map(|i| i + 1),
        None => spec.find('@'),
    };
    let (name, rest) = match at {
        Some(i) if npm_name(&spec[..i]) => (&spec[..i], Some(&spec[i + 1..])),
        _ => (spec, None),
    };
    if rest.is_none() {
        if let Some(source) = npm_non_registry(spec) {
            return Some(Parsed::other(spec, source));
        }
    }
    if name.is_empty() || name == "@" {
        return None;
    }
    match rest {
        None => Some(Parsed::registry(name, None)),
        Some(r) if r.starts_with("npm:") || r.starts_with("jsr:") => npm_depth(r, depth + 1),
        Some(r) => match npm_non_registry(r) {
            Some(source) => Some(Parsed::other(name, source)),
            None => Some(Parsed::registry(name, Some(r))),
        },
    }
}

/// True if `s` has the shape of an npm package name, `[@scope/]name`
/// (capitals allowed: old packages have them).
fn npm_name(s: &str) -> bool {
    let ok = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    };
    match s.strip_prefix('@') {
        Some(scoped) => scoped
            .split_once('/')
            .is_some_and(|(sc, n)| ok(sc) && ok(n)),
        None => ok(s),
    }
}

/// The source of a non-registry npm specifier (or of the part after
/// `name@`), `None` for a registry version, range or tag.
fn npm_non_registry(s: &str) -> Option<Source> {
    let vcs = || Source::Vcs { url: s.to_string() };
    if lower_starts(
        s,
        &[
            "git+",
            "git://",
            "git@",
            "github:",
            "gitlab:",
            "bitbucket:",
            "gist:",
            "ssh://",
        ],
    ) {
        return Some(vcs());
    }
    if lower_starts(s, &["http://", "https://"]) {
        let l = s.to_ascii_lowercase();
        return Some(if l.ends_with(".git") || l.contains(".git#") {
            vcs()
        } else {
            Source::Url { url: s.to_string() }
        });
    }
    for local in ["file:", "link:", "portal:", "workspace:"] {
        if let Some(p) = s.strip_prefix(local) {
            return Some(Source::Path {
                path: p.to_string(),
            });
        }
    }
    let l = s.to_ascii_lowercase();
    if path_like(s) || l.ends_with(".tgz") || l.ends_with(".tar.gz") || l.ends_with(".tar") {
        return Some(Source::Path {
            path: s.to_string(),
        });
    }
    if has_scheme(s) {
        return Some(Source::Url { url: s.to_string() });
    }
    // GitHub shorthand `user/repo[#ref]` (a scope starts with `@`).
    let head = s.split('#').next().unwrap_or(s);
    let shorthand = !s.starts_with('@')
        && head.split('/').count() == 2
        && head.split('/').all(|p| !p.is_empty())
        && !head.contains([':', '@', ' ']);
    shorthand.then(vcs)
}

/// npm's `init`/`create` initializer: `foo` → `create-foo`, `@s` →
/// `@s/create`, `@s/foo` → `@s/create-foo`, keeping any `@version`.
///
/// Source: npm docs, "npm init" ("forwarded to npm exec").
pub(crate) fn npm_initializer(spec: &str) -> Option<Parsed> {
    let mut p = npm(spec)?;
    if !matches!(p.source, Source::Registry { .. }) {
        return Some(p);
    }
    p.name = match p.name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, name)) => format!("@{scope}/create-{name}"),
            None => format!("@{scoped}/create"),
        },
        None => format!("create-{}", p.name),
    };
    Some(p)
}

/// A Python requirement as pip, uv, pipx and poetry accept it.
///
/// Source: PEP 508 (`name[extras] (specifiers) ; marker`, `name[extras] @
/// url`), pip's "Requirement Specifiers" and "VCS Support" (`git+`, `hg+`,
/// `svn+`, `bzr+`, `#egg=name`), local paths and archives; poetry's and
/// uvx's `name@version` (`poetry add pendulum@^2.0`, `uvx ruff@0.3.0`).
/// A single `==1.2`/`===1.2` gives the exact version `1.2`; any other
/// specifier is kept as written without spaces (`>=1,<2`). Wheel file names
/// give name and version (PEP 427).
pub(crate) fn pypi(spec: &str) -> Option<Parsed> {
    let s = spec.trim();
    if s.is_empty() {
        return None;
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(s.len());
    let name = &s[..end];
    let mut rest = s[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| &rest[i + 1..]).trim_start();
    }
    let named_at = !name.is_empty() && rest.starts_with('@');
    if !named_at {
        if let Some(p) = pypi_location(s) {
            return Some(p);
        }
    }
    if name.is_empty() {
        return None;
    }
    if let Some(after) = rest.strip_prefix('@') {
        let after = after.trim();
        let target = after.split(" ;").next().unwrap_or(after).trim();
        if let Some(loc) = pypi_location(target) {
            return Some(Parsed::other(name, loc.source));
        }
        let version = after.split(';').next().unwrap_or("").trim();
        return Some(Parsed::registry(name, Some(version)));
    }
    let version: String = rest
        .split(';')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
        .collect();
    Some(Parsed::registry(name, Some(&exact_pep440(&version))))
}

/// `==1.2` → `1.2`, `===x` → `x`; other specifiers unchanged.
fn exact_pep440(v: &str) -> String {
    if let Some(x) = v.strip_prefix("===") {
        return x.to_string();
    }
    match v.strip_prefix("==") {
        Some(x) if !x.contains([',', '*', '=', '<', '>', '!', '~']) => x.to_string(),
        _ => v.to_string(),
    }
}

/// A URL, VCS reference or path given instead of a requirement.
fn pypi_location(s: &str) -> Option<Parsed> {
    let name = |fallback: &str| -> (String, Option<String>) {
        if let Some(egg) = fragment(s, "egg") {
            return (egg, None);
        }
        match dist_file(s) {
            Some((n, v)) => (n, Some(v)),
            None => (fallback.to_string(), None),
        }
    };
    let source = if lower_starts(s, &["git+", "hg+", "svn+", "bzr+"]) {
        Source::Vcs { url: s.to_string() }
    } else if let Some(p) = s.strip_prefix("file://") {
        Source::Path {
            path: p.to_string(),
        }
    } else if has_scheme(s) {
        Source::Url { url: s.to_string() }
    } else if path_like(s) || s.contains(['/', '\\']) || archive(s) {
        Source::Path {
            path: s.to_string(),
        }
    } else {
        return None;
    };
    let (n, version) = name(s);
    Some(Parsed {
        name: n,
        version,
        source,
    })
}

fn archive(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        ".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

/// `#egg=name` (or `&egg=`) in a URL fragment.
fn fragment(s: &str, key: &str) -> Option<String> {
    let (_, frag) = s.split_once('#')?;
    frag.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key && !v.is_empty()).then(|| v.to_string())
    })
}

/// Name and version from a wheel (`name-1.0-py3-none-any.whl`, PEP 427) or
/// an sdist (`name-1.0.tar.gz`) file name at the end of a path or URL.
fn dist_file(s: &str) -> Option<(String, String)> {
    let s = s.split(['#', '?']).next().unwrap_or(s);
    let file = s.rsplit(['/', '\\']).next().unwrap_or(s);
    let l = file.to_ascii_lowercase();
    if l.ends_with(".whl") {
        let mut parts = file.split('-');
        let (n, v) = (parts.next()?, parts.next()?);
        return (!n.is_empty() && !v.is_empty()).then(|| (n.to_string(), v.to_string()));
    }
    let ext = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz"]
        .iter()
        .find(|e| l.ends_with(*e))?;
    let stem = &file[..file.len() - ext.len()];
    let (n, v) = stem.rsplit_once('-')?;
    (!n.is_empty() && v.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| (n.to_string(), v.to_string()))
}

/// `name@version` at the last `@` that is not the first character
/// (cargo `serde@1`, Go `golang.org/x/tools@v0.1.0`).
pub(crate) fn at_version(spec: &str) -> (String, Option<String>) {
    match spec.rfind('@') {
        Some(i) if i > 0 => {
            let v = &spec[i + 1..];
            (
                spec[..i].to_string(),
                (!v.is_empty()).then(|| v.to_string()),
            )
        }
        _ => (spec.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn show(p: Option<Parsed>) -> String {
        let Some(p) = p else { return "-".into() };
        let src = match p.source {
            Source::Registry { index: None } => String::new(),
            Source::Registry { index: Some(i) } => format!(" registry={i}"),
            Source::Url { url } => format!(" url={url}"),
            Source::Vcs { url } => format!(" vcs={url}"),
            Source::Path { path } => format!(" path={path}"),
        };
        match p.version {
            Some(v) => format!("{}@{v}{src}", p.name),
            None => format!("{}{src}", p.name),
        }
    }

    #[test]
    fn npm_specs() {
        let cases = [
            ("left-pad", "left-pad"),
            ("left-pad@1.3.0", "left-pad@1.3.0"),
            ("lodash@^4", "lodash@^4"),
            ("react@latest", "react@latest"),
            ("@babel/core", "@babel/core"),
            ("@babel/core@7.0.0-beta", "@babel/core@7.0.0-beta"),
            ("@scope/pkg@next", "@scope/pkg@next"),
            ("my-lodash@npm:lodash@4.17.21", "lodash@4.17.21"),
            (
                "semver@npm:@npmcli/semver-with-patch",
                "@npmcli/semver-with-patch",
            ),
            ("npm:evil@1", "evil@1"),
            ("github:user/repo", "github:user/repo vcs=github:user/repo"),
            ("user/repo#v1.0", "user/repo#v1.0 vcs=user/repo#v1.0"),
            (
                "git+https://x.test/r.git",
                "git+https://x.test/r.git vcs=git+https://x.test/r.git",
            ),
            (
                "git+ssh://git@github.com/u/r.git",
                "git+ssh://git@github.com/u/r.git vcs=git+ssh://git@github.com/u/r.git",
            ),
            (
                "foo@git+https://x.test/r.git",
                "foo vcs=git+https://x.test/r.git",
            ),
            ("@s/foo@github:u/r", "@s/foo vcs=github:u/r"),
            (
                "https://x.test/p.tgz",
                "https://x.test/p.tgz url=https://x.test/p.tgz",
            ),
            ("foo@https://x.test/p.tgz", "foo url=https://x.test/p.tgz"),
            (
                "https://github.com/u/r.git",
                "https://github.com/u/r.git vcs=https://github.com/u/r.git",
            ),
            ("file:../lib", "file:../lib path=../lib"),
            ("./lib", "./lib path=./lib"),
            ("/abs/pkg", "/abs/pkg path=/abs/pkg"),
            ("pkg.tgz", "pkg.tgz path=pkg.tgz"),
            ("foo@file:../foo", "foo path=../foo"),
            ("foo@workspace:*", "foo path=*"),
            ("jsr:@std/path@1", "@std/path@1 registry=https://npm.jsr.io"),
            ("foo@", "foo"),
            ("@", "-"),
            ("", "-"),
            ("@scope", "@scope"),
        ];
        for (spec, want) in cases {
            assert_eq!(show(npm(spec)), want, "{spec}");
        }
    }

    #[test]
    fn npm_initializers() {
        for (spec, want) in [
            ("vite", "create-vite"),
            ("vite@latest", "create-vite@latest"),
            ("@scope", "@scope/create"),
            ("@scope/app@2", "@scope/create-app@2"),
            ("user/repo", "user/repo vcs=user/repo"),
        ] {
            assert_eq!(show(npm_initializer(spec)), want, "{spec}");
        }
    }

    #[test]
    fn pypi_specs() {
        let cases = [
            ("requests", "requests"),
            ("requests==2.31.0", "requests@2.31.0"),
            ("requests===2.31.0", "requests@2.31.0"),
            ("requests == 2.31.0", "requests@2.31.0"),
            ("Django>=4,<5", "Django@>=4,<5"),
            ("django (>=4.0)", "django@>=4.0"),
            (
                "name[extra1,extra2]>=1,<2 ; python_version < '3.11'",
                "name@>=1,<2",
            ),
            ("numpy~=1.26", "numpy@~=1.26"),
            ("foo==1.*", "foo@==1.*"),
            ("foo!=1.0", "foo@!=1.0"),
            (
                "pkg @ https://x.test/pkg-1.0.tar.gz",
                "pkg url=https://x.test/pkg-1.0.tar.gz",
            ),
            (
                "pkg@git+https://x.test/r.git@v1",
                "pkg vcs=git+https://x.test/r.git@v1",
            ),
            ("pkg[x] @ file:///tmp/pkg", "pkg path=/tmp/pkg"),
            ("pendulum@^2.0.5", "pendulum@^2.0.5"),
            ("ruff@latest", "ruff@latest"),
            (
                "git+https://x.test/r.git#egg=evil",
                "evil vcs=git+https://x.test/r.git#egg=evil",
            ),
            (
                "git+https://x.test/r.git",
                "git+https://x.test/r.git vcs=git+https://x.test/r.git",
            ),
            (
                "https://x.test/a/evil-1.0-py3-none-any.whl",
                "evil@1.0 url=https://x.test/a/evil-1.0-py3-none-any.whl",
            ),
            (
                "./dist/evil-2.0.tar.gz",
                "evil@2.0 path=./dist/evil-2.0.tar.gz",
            ),
            (
                "evil-2.0-py3-none-any.whl",
                "evil@2.0 path=evil-2.0-py3-none-any.whl",
            ),
            (".", ". path=."),
            ("src/pkg", "src/pkg path=src/pkg"),
            ("~/pkg", "~/pkg path=~/pkg"),
            (">=1", "-"),
            ("", "-"),
        ];
        for (spec, want) in cases {
            assert_eq!(show(pypi(spec)), want, "{spec}");
        }
    }

    #[test]
    fn at_versions() {
        assert_eq!(
            at_version("serde@1.0"),
            ("serde".into(), Some("1.0".into()))
        );
        assert_eq!(
            at_version("golang.org/x/tools/gopls@latest").0,
            "golang.org/x/tools/gopls"
        );
        assert_eq!(at_version("x@"), ("x".into(), None));
        assert_eq!(at_version("@x"), ("@x".into(), None));
    }
}
