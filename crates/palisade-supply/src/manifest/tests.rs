//! Per-format fixtures (small, written for these tests after the real
//! formats): each new file adds one package, changes one version, moves
//! one package to git and keeps the rest; the diff must report exactly
//! those three.

use super::*;
use pretty_assertions::assert_eq;

/// `(name, reason tags)` of each change, for compact comparisons.
fn summary(kind: ManifestKind, old: &str, new: &str) -> Vec<(String, Vec<&'static str>)> {
    let d = diff(kind, Some(old), new).unwrap_or_else(|e| panic!("{e}"));
    assert!(!d.old_unreadable);
    d.changes
        .iter()
        .map(|c| {
            let tags = c
                .reasons
                .iter()
                .map(|r| match r {
                    ChangeReason::Added => "added",
                    ChangeReason::Version { .. } => "version",
                    ChangeReason::Source { .. } => "source",
                    ChangeReason::Resolved { .. } => "resolved",
                    ChangeReason::Integrity => "integrity",
                    ChangeReason::InstallScript => "install-script",
                })
                .collect();
            (c.dependency.install.name.clone(), tags)
        })
        .collect()
}

fn s(name: &str, tags: &[&'static str]) -> (String, Vec<&'static str>) {
    (name.to_string(), tags.to_vec())
}

fn find<'a>(m: &'a Manifest, name: &str) -> &'a Dependency {
    m.dependencies
        .iter()
        .find(|d| d.install.name == name)
        .unwrap_or_else(|| panic!("{name} not found in {m:#?}"))
}

fn err(kind: ManifestKind, text: &str) -> String {
    parse(kind, text).unwrap_err().to_string()
}

#[test]
fn kinds_by_file_name() {
    let cases = [
        ("package.json", Some(ManifestKind::PackageJson)),
        ("web/npm-shrinkwrap.json", Some(ManifestKind::PackageLock)),
        ("requirements.txt", Some(ManifestKind::Requirements)),
        ("requirements-dev.txt", Some(ManifestKind::Requirements)),
        ("requirements_test.in", Some(ManifestKind::Requirements)),
        ("requirements/prod.txt", Some(ManifestKind::Requirements)),
        ("requirements.txt.bak", None),
        ("docs/requirements.md", None),
        ("cargo.toml", None),
        ("go.sum", None),
        ("x/go.mod", Some(ManifestKind::GoMod)),
    ];
    for (path, want) in cases {
        assert_eq!(kind_of(Path::new(path)), want, "{path}");
    }
    for k in ManifestKind::ALL {
        assert_eq!(kind_of(Path::new(k.file_name())), Some(k));
    }
}

#[test]
fn new_file_is_all_added_and_broken_old_file_too() {
    let new = "a==1\nb==2\n";
    let d = diff(ManifestKind::Requirements, None, new).unwrap();
    assert_eq!(d.changes.len(), 2);
    assert!(d.changes.iter().all(|c| c.reasons == [ChangeReason::Added]));
    let d = diff(ManifestKind::Requirements, Some("a = = 1"), new).unwrap();
    assert!(d.old_unreadable);
    assert_eq!(d.changes.len(), 2);
    // A broken new file is an error, whatever the old one was.
    let e = diff(ManifestKind::Requirements, Some(new), "a==1\nb = 2\n").unwrap_err();
    assert_eq!(e.line(), Some(2));
}

#[test]
fn removed_and_unchanged_are_not_reported() {
    let d = diff(ManifestKind::Requirements, Some("a==1\nb==2\n"), "b==2\n").unwrap();
    assert_eq!(d.changes, vec![]);
}

// ---------------------------------------------------------------- npm

const PACKAGE_JSON_OLD: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "dependencies": {
    "express": "^4.18.2",
    "left-pad": "^1.3.0",
    "lodash": "^4.17.21"
  },
  "devDependencies": { "jest": "^29.7.0" }
}"#;

const PACKAGE_JSON_NEW: &str = r#"{
  "name": "shop",
  "version": "1.0.1",
  "dependencies": {
    "express": "^4.19.0",
    "left-pad": "github:someone/left-pad#v1.3.1",
    "lodash": "^4.17.21",
    "chalk": "npm:chalk-fork@^5.0.0"
  },
  "devDependencies": { "jest": "^29.7.0" },
  "overrides": { "semver": { ".": "7.5.4", "lru-cache": "file:./vendor/lru" } },
  "resolutions": { "**/@scope/deep@2": "2.0.1" }
}"#;

#[test]
fn package_json_diff() {
    let k = ManifestKind::PackageJson;
    assert_eq!(
        summary(k, PACKAGE_JSON_OLD, PACKAGE_JSON_NEW),
        vec![
            s("express", &["version"]),
            s("left-pad", &["version", "source"]),
            s("chalk-fork", &["added"]),
            s("semver", &["added"]),
            s("lru-cache", &["added"]),
            s("@scope/deep", &["added"]),
        ]
    );
    let m = parse(k, PACKAGE_JSON_NEW).unwrap();
    assert_eq!(find(&m, "jest").kind, DependencyKind::Dev);
    assert_eq!(find(&m, "lru-cache").kind, DependencyKind::Override);
    assert_eq!(
        find(&m, "lru-cache").install.source,
        Source::Path {
            path: "file:./vendor/lru".into()
        }
    );
    assert_eq!(
        find(&m, "left-pad").install.source,
        Source::Vcs {
            url: "github:someone/left-pad#v1.3.1".into()
        }
    );
}

#[test]
fn package_json_errors() {
    let k = ManifestKind::PackageJson;
    assert_eq!(
        err(k, "{\n  \"dependencies\": {\"a\": \"1\",}\n}"),
        "package.json: line 2, column 29: trailing comma"
    );
    assert_eq!(
        err(k, r#"{"dependencies": {"a": 1}}"#),
        "package.json: `dependencies.a` must be a string"
    );
    assert_eq!(
        err(k, "[]"),
        "package.json: the top level must be an object"
    );
}

const PACKAGE_LOCK_V3_OLD: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "dependencies": { "express": "^4.18.2", "left-pad": "^1.3.0" }
    },
    "node_modules/express": {
      "version": "4.18.2",
      "resolved": "https://registry.npmjs.org/express/-/express-4.18.2.tgz",
      "integrity": "sha512-AAAA"
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-BBBB"
    },
    "node_modules/express/node_modules/debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "integrity": "sha512-CCCC"
    },
    "node_modules/ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
      "integrity": "sha512-DDDD",
      "dev": true
    }
  }
}"#;

const PACKAGE_LOCK_V3_NEW: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "dependencies": { "express": "^4.19.0", "left-pad": "github:someone/left-pad", "esbuild": "^0.20.0" }
    },
    "node_modules/express": {
      "version": "4.19.2",
      "resolved": "https://registry.npmjs.org/express/-/express-4.19.2.tgz",
      "integrity": "sha512-EEEE"
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "git+ssh://git@github.com/someone/left-pad.git#0123abcd",
      "integrity": "sha512-BBBB"
    },
    "node_modules/express/node_modules/debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "integrity": "sha512-CCCC"
    },
    "node_modules/ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
      "integrity": "sha512-DDDD",
      "dev": true
    },
    "node_modules/esbuild": {
      "version": "0.20.2",
      "resolved": "https://registry.npmjs.org/esbuild/-/esbuild-0.20.2.tgz",
      "integrity": "sha512-FFFF",
      "hasInstallScript": true
    }
  }
}"#;

#[test]
fn package_lock_v3_diff() {
    let k = ManifestKind::PackageLock;
    assert_eq!(
        summary(k, PACKAGE_LOCK_V3_OLD, PACKAGE_LOCK_V3_NEW),
        vec![
            s("express", &["version"]),
            s("left-pad", &["source"]),
            s("esbuild", &["added"]),
        ]
    );
    let m = parse(k, PACKAGE_LOCK_V3_NEW).unwrap();
    let esbuild = find(&m, "esbuild");
    assert!(esbuild.install_script);
    assert_eq!(esbuild.direct, Some(true));
    assert_eq!(find(&m, "debug").direct, Some(false));
    assert_eq!(find(&m, "ms").kind, DependencyKind::Dev);
    assert_eq!(
        esbuild.resolved.as_deref(),
        Some("https://registry.npmjs.org/esbuild/-/esbuild-0.20.2.tgz")
    );
}

#[test]
fn package_lock_catches_injected_resolved_and_gained_script() {
    let k = ManifestKind::PackageLock;
    let new = PACKAGE_LOCK_V3_OLD
        .replace(
            "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
            "https://evil.test/ms/-/ms-2.1.3.tgz",
        )
        .replace(
            r#""integrity": "sha512-CCCC""#,
            r#""integrity": "sha512-CCCC", "hasInstallScript": true"#,
        );
    let d = diff(k, Some(PACKAGE_LOCK_V3_OLD), &new).unwrap();
    assert_eq!(d.changes.len(), 2);
    assert_eq!(d.changes[0].dependency.install.name, "debug");
    assert_eq!(d.changes[0].reasons, vec![ChangeReason::InstallScript]);
    assert_eq!(d.changes[1].dependency.install.name, "ms");
    assert_eq!(
        d.changes[1].reasons,
        vec![ChangeReason::Source {
            from: Source::Registry { index: None }
        }]
    );
    assert_eq!(
        d.changes[1].dependency.install.source,
        Source::Registry {
            index: Some("https://evil.test".into())
        }
    );
}

const PACKAGE_LOCK_V1_OLD: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "express": {
      "version": "4.18.2",
      "resolved": "https://registry.npmjs.org/express/-/express-4.18.2.tgz",
      "integrity": "sha512-AAAA",
      "requires": { "debug": "2.6.9" },
      "dependencies": {
        "debug": {
          "version": "2.6.9",
          "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
          "integrity": "sha512-CCCC"
        }
      }
    },
    "left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-BBBB"
    },
    "ms": { "version": "2.1.3", "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz", "integrity": "sha512-DDDD", "dev": true }
  }
}"#;

#[test]
fn package_lock_v1_diff() {
    let k = ManifestKind::PackageLock;
    let new = PACKAGE_LOCK_V1_OLD
        .replace("express-4.18.2", "express-4.19.2")
        .replace(r#""version": "4.18.2""#, r#""version": "4.19.2""#)
        .replace(
            r#""version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","#,
            r#""version": "git+https://github.com/someone/left-pad.git#0123abcd","#,
        )
        .replace(
            r#""ms": {"#,
            r#""is-odd": { "version": "3.0.1", "resolved": "https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz", "integrity": "sha512-GGGG" },
    "ms": {"#,
        );
    assert_eq!(
        summary(k, PACKAGE_LOCK_V1_OLD, &new),
        vec![
            s("express", &["version"]),
            s("left-pad", &["version", "source"]),
            s("is-odd", &["added"]),
        ]
    );
    let m = parse(k, PACKAGE_LOCK_V1_OLD).unwrap();
    assert_eq!(m.dependencies.len(), 4);
    assert_eq!(find(&m, "debug").direct, None);
}

#[test]
fn package_lock_errors() {
    let k = ManifestKind::PackageLock;
    assert_eq!(
        err(k, r#"{"lockfileVersion": 7, "packages": {}}"#),
        "package-lock.json: unsupported lockfileVersion 7 (1, 2 and 3 are known)"
    );
    assert_eq!(
        err(
            k,
            r#"{"lockfileVersion": 3, "packages": {"node_modules/a": {}}}"#
        ),
        "package-lock.json: `packages.node_modules/a` has no version"
    );
    assert!(err(k, "{\"lockfileVersion\": 3,\n\"packages\": {")
        .starts_with("package-lock.json: line 2, column"));
}

// ---------------------------------------------------------------- yarn

const YARN_V1_OLD: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.22.13":
  version "7.22.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.22.13.tgz#aaaa"
  integrity sha512-AAAA
  dependencies:
    "@babel/highlight" "^7.22.13"
    chalk "^2.4.2"

left-pad@^1.3.0:
  version "1.3.0"
  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#bbbb"
  integrity sha512-BBBB

lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#cccc"
  integrity sha512-CCCC
"#;

const YARN_V1_NEW: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.22.13":
  version "7.23.5"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.23.5.tgz#dddd"
  integrity sha512-DDDD
  dependencies:
    "@babel/highlight" "^7.23.4"
    chalk "^2.4.2"

"left-pad@git+https://github.com/someone/left-pad.git":
  version "1.3.0"
  resolved "git+https://github.com/someone/left-pad.git#0123abcd"

lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#cccc"
  integrity sha512-CCCC

string-width-cjs@npm:string-width@^4.2.0:
  version "4.2.3"
  resolved "https://registry.yarnpkg.com/string-width/-/string-width-4.2.3.tgz#eeee"
  integrity sha512-EEEE
"#;

#[test]
fn yarn_v1_diff() {
    let k = ManifestKind::YarnLock;
    assert_eq!(
        summary(k, YARN_V1_OLD, YARN_V1_NEW),
        vec![
            s("@babel/code-frame", &["version"]),
            s("left-pad", &["source"]),
            s("string-width", &["added"]),
        ]
    );
    let m = parse(k, YARN_V1_NEW).unwrap();
    let lp = find(&m, "left-pad");
    assert_eq!(lp.line, Some(13));
    assert_eq!(
        lp.install.source,
        Source::Vcs {
            url: "git+https://github.com/someone/left-pad.git".into()
        }
    );
}

#[test]
fn yarn_v1_tampered_integrity_is_reported() {
    let new = YARN_V1_OLD.replace("integrity sha512-CCCC", "integrity sha512-XXXX");
    assert_eq!(
        summary(ManifestKind::YarnLock, YARN_V1_OLD, &new),
        vec![s("lodash", &["integrity"])]
    );
}

#[test]
fn yaml_lockfiles_refuse_aliases() {
    // An alias could make our reading differ from the package manager's
    // (and a DOM would expand it exponentially).
    let text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: &r\n    resolution: {integrity: x}\n  b@1.0.0: *r\n";
    assert_eq!(
        err(ManifestKind::PnpmLock, text),
        "pnpm-lock.yaml: line 5: YAML aliases are not accepted in a lockfile"
    );
}

#[test]
fn yarn_v1_errors() {
    let k = ManifestKind::YarnLock;
    assert_eq!(
        err(k, "a@^1:\n  version \"1.0.0\n"),
        "yarn.lock: line 2: unterminated string"
    );
    assert_eq!(
        err(k, "a@^1\n  version \"1.0.0\"\n"),
        "yarn.lock: line 1: an entry line must end with `:`"
    );
    assert_eq!(
        err(k, "a@^1:\n  resolved \"x\"\n"),
        "yarn.lock: line 1: entry `a@^1` has no version"
    );
    assert_eq!(
        err(k, "a@^1:\n   version \"1\"\n"),
        "yarn.lock: line 2: unexpected indentation"
    );
}

const YARN_BERRY_OLD: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"left-pad@npm:^1.3.0":
  version: 1.3.0
  resolution: "left-pad@npm:1.3.0"
  checksum: 10c0/aaaa
  languageName: node
  linkType: hard

"lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: 10c0/bbbb
  languageName: node
  linkType: hard

"shop@workspace:.":
  version: 0.0.0-use.local
  resolution: "shop@workspace:."
  dependencies:
    left-pad: "npm:^1.3.0"
    lodash: "npm:^4.17.21"
  languageName: unknown
  linkType: soft

"typescript@npm:^5.3.0":
  version: 5.3.3
  resolution: "typescript@npm:5.3.3"
  checksum: 10c0/cccc
  languageName: node
  linkType: hard
"#;

#[test]
fn yarn_berry_diff() {
    let k = ManifestKind::YarnLock;
    let new = YARN_BERRY_OLD
        .replace(
            r#""typescript@npm:^5.3.0":
  version: 5.3.3
  resolution: "typescript@npm:5.3.3"
  checksum: 10c0/cccc"#,
            r#""typescript@npm:^5.4.0":
  version: 5.4.2
  resolution: "typescript@npm:5.4.2"
  checksum: 10c0/dddd"#,
        )
        .replace(
            r#""left-pad@npm:^1.3.0":
  version: 1.3.0
  resolution: "left-pad@npm:1.3.0"
  checksum: 10c0/aaaa"#,
            r#""left-pad@https://github.com/someone/left-pad.git":
  version: 1.3.0
  resolution: "left-pad@https://github.com/someone/left-pad.git#commit=0123abcd""#,
        )
        .replace(
            "\"shop@workspace:.\":",
            "\"zod@npm:^3.22.0\":\n  version: 3.22.4\n  resolution: \"zod@npm:3.22.4\"\n  checksum: 10c0/eeee\n  languageName: node\n  linkType: hard\n\n\"shop@workspace:.\":",
        )
        .replace("    lodash: \"npm:^4.17.21\"\n", "    lodash: \"npm:^4.17.21\"\n    zod: \"npm:^3.22.0\"\n");
    assert_eq!(
        summary(k, YARN_BERRY_OLD, &new),
        vec![
            s("left-pad", &["source"]),
            s("zod", &["added"]),
            s("typescript", &["version"]),
        ]
    );
    let m = parse(k, &new).unwrap();
    assert_eq!(find(&m, "zod").direct, Some(true));
    assert_eq!(find(&m, "typescript").direct, Some(false));
    assert!(m.dependencies.iter().all(|d| d.install.name != "shop"));
}

#[test]
fn yarn_berry_patched_package_keeps_its_registry_source() {
    let text = "__metadata:\n  version: 8\n\n\"typescript@patch:typescript@npm%3A^5.3.0#optional!builtin<compat/typescript>\":\n  version: 5.3.3\n  resolution: \"typescript@patch:typescript@npm%3A5.3.3#optional!builtin<compat/typescript>::version=5.3.3&hash=e012d7\"\n  languageName: node\n  linkType: hard\n";
    let m = parse(ManifestKind::YarnLock, text).unwrap();
    assert_eq!(
        m.dependencies[0].install.source,
        Source::Registry { index: None }
    );
    assert_eq!(m.dependencies[0].install.version.as_deref(), Some("5.3.3"));
}

#[test]
fn yarn_berry_errors() {
    let k = ManifestKind::YarnLock;
    assert_eq!(
        err(
            k,
            "__metadata:\n  version: 8\n\"a@npm:1\":\n  version: 1.0.0\n"
        ),
        "yarn.lock: line 3: entry `a@npm:1` has no resolution"
    );
    assert!(err(k, "__metadata:\n  version: 8\n\"a@npm:1\": [\n").starts_with("yarn.lock: line "));
}

// ---------------------------------------------------------------- pnpm

const PNPM_V9_OLD: &str = r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      left-pad:
        specifier: ^1.3.0
        version: 1.3.0
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)
    devDependencies:
      typescript:
        specifier: ^5.3.0
        version: 5.3.3

packages:

  left-pad@1.3.0:
    resolution: {integrity: sha512-AAAA}

  react-dom@18.2.0:
    resolution: {integrity: sha512-BBBB}
    peerDependencies:
      react: ^18.2.0

  react@18.2.0:
    resolution: {integrity: sha512-CCCC}

  typescript@5.3.3:
    resolution: {integrity: sha512-DDDD}
    engines: {node: '>=14.17'}
    hasBin: true

snapshots:

  left-pad@1.3.0: {}

  react-dom@18.2.0(react@18.2.0):
    dependencies:
      react: 18.2.0

  react@18.2.0: {}

  typescript@5.3.3: {}
"#;

#[test]
fn pnpm_v9_diff() {
    let k = ManifestKind::PnpmLock;
    let new = PNPM_V9_OLD
        .replace("specifier: ^5.3.0\n        version: 5.3.3", "specifier: ^5.4.0\n        version: 5.4.2")
        .replace("  typescript@5.3.3:\n    resolution: {integrity: sha512-DDDD}", "  typescript@5.4.2:\n    resolution: {integrity: sha512-EEEE}")
        .replace("  typescript@5.3.3: {}", "  typescript@5.4.2: {}")
        .replace(
            "  left-pad@1.3.0:\n    resolution: {integrity: sha512-AAAA}",
            "  left-pad@https://codeload.github.com/someone/left-pad/tar.gz/0123abcd:\n    resolution: {tarball: https://codeload.github.com/someone/left-pad/tar.gz/0123abcd}\n    version: 1.3.0",
        )
        .replace(
            "  react@18.2.0:\n    resolution",
            "  esbuild@0.20.2:\n    resolution: {integrity: sha512-FFFF}\n    requiresBuild: true\n\n  react@18.2.0:\n    resolution",
        );
    assert_eq!(
        summary(k, PNPM_V9_OLD, &new),
        vec![
            s("left-pad", &["source"]),
            s("esbuild", &["added"]),
            s("typescript", &["version"]),
        ]
    );
    let m = parse(k, &new).unwrap();
    assert!(find(&m, "esbuild").install_script);
    assert_eq!(find(&m, "react-dom").direct, Some(true));
    assert_eq!(find(&m, "react").direct, Some(false));
    assert_eq!(find(&m, "typescript").direct, Some(true));
}

const PNPM_V6_OLD: &str = r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  left-pad:
    specifier: ^1.3.0
    version: 1.3.0
  '@scope/ui':
    specifier: ^2.0.0
    version: 2.0.0(react@18.2.0)

devDependencies:
  typescript:
    specifier: ^5.3.0
    version: 5.3.3

packages:

  /@scope/ui@2.0.0(react@18.2.0):
    resolution: {integrity: sha512-AAAA}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      react: 18.2.0
    dev: false

  /left-pad@1.3.0:
    resolution: {integrity: sha512-BBBB}
    dev: false

  /react@18.2.0:
    resolution: {integrity: sha512-CCCC}
    dev: false

  /typescript@5.3.3:
    resolution: {integrity: sha512-DDDD}
    engines: {node: '>=14.17'}
    hasBin: true
    dev: true
"#;

#[test]
fn pnpm_v6_diff() {
    let k = ManifestKind::PnpmLock;
    let new = PNPM_V6_OLD
        .replace("version: 5.3.3", "version: 5.4.2")
        .replace("/typescript@5.3.3:\n    resolution: {integrity: sha512-DDDD}", "/typescript@5.4.2:\n    resolution: {integrity: sha512-EEEE}")
        .replace(
            "  /left-pad@1.3.0:\n    resolution: {integrity: sha512-BBBB}",
            "  github.com/someone/left-pad/0123abcd:\n    resolution: {tarball: https://codeload.github.com/someone/left-pad/tar.gz/0123abcd}\n    name: left-pad\n    version: 1.3.0",
        )
        .replace(
            "  /react@18.2.0:",
            "  /node-gyp-thing@1.0.0:\n    resolution: {integrity: sha512-FFFF}\n    requiresBuild: true\n    dev: false\n\n  /react@18.2.0:",
        );
    assert_eq!(
        summary(k, PNPM_V6_OLD, &new),
        vec![
            s("left-pad", &["source"]),
            s("node-gyp-thing", &["added"]),
            s("typescript", &["version"]),
        ]
    );
    let m = parse(k, PNPM_V6_OLD).unwrap();
    assert_eq!(find(&m, "@scope/ui").direct, Some(true));
    assert_eq!(
        find(&m, "@scope/ui").install.version.as_deref(),
        Some("2.0.0")
    );
    assert_eq!(find(&m, "typescript").kind, DependencyKind::Dev);
}

#[test]
fn pnpm_v5_keys() {
    let text = "lockfileVersion: 5.4\n\nspecifiers:\n  a: ^1.0.0\n\ndependencies:\n  a: 1.0.0_b@2.0.0\n\npackages:\n\n  /a/1.0.0_b@2.0.0:\n    resolution: {integrity: sha512-AAAA}\n    dev: false\n\n  /@s/b/2.0.0:\n    resolution: {integrity: sha512-BBBB}\n    dev: false\n";
    let m = parse(ManifestKind::PnpmLock, text).unwrap();
    assert_eq!(find(&m, "a").install.version.as_deref(), Some("1.0.0"));
    assert_eq!(find(&m, "a").direct, Some(true));
    assert_eq!(find(&m, "@s/b").install.version.as_deref(), Some("2.0.0"));
    assert_eq!(find(&m, "@s/b").line, Some(15));
}

#[test]
fn pnpm_errors() {
    let k = ManifestKind::PnpmLock;
    assert_eq!(
        err(k, "lockfileVersion: '3.0'\n"),
        "pnpm-lock.yaml: line 1: unsupported lockfileVersion `3.0` (5.x, 6.x and 9.x are known)"
    );
    assert_eq!(
        err(
            k,
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    cpu: [x64]\n"
        ),
        "pnpm-lock.yaml: line 3: package `a@1.0.0` has no resolution"
    );
    assert!(err(
        k,
        "lockfileVersion: '9.0'\npackages:\n  a@1: {resolution: {integrity: x}\n"
    )
    .starts_with("pnpm-lock.yaml: line "));
}

// ---------------------------------------------------------------- Python

const REQUIREMENTS_OLD: &str = "\
# production deps
requests==2.31.0 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
flask>=2.3,<3  # web
Django[argon2] ~= 4.2 ; python_version >= \"3.10\"
numpy
";

const REQUIREMENTS_NEW: &str = "\
# production deps
--extra-index-url https://pkgs.example.test/simple
-r requirements-base.txt
requests==2.32.3 \\
    --hash=sha256:cccc
flask>=2.3,<3  # web
Django[argon2] @ git+https://github.com/django/django.git@4.2.11 ; python_version >= \"3.10\"
numpy
-e git+https://github.com/someone/tool.git@main#egg=sometool
httpx==0.27.0
";

#[test]
fn requirements_diff() {
    let k = ManifestKind::Requirements;
    assert_eq!(
        summary(k, REQUIREMENTS_OLD, REQUIREMENTS_NEW),
        vec![
            s("requests", &["version"]),
            s("Django", &["version", "source"]),
            s("sometool", &["added"]),
            s("httpx", &["added"]),
        ]
    );
    let d = diff(k, Some(REQUIREMENTS_OLD), REQUIREMENTS_NEW).unwrap();
    assert_eq!(
        d.references,
        vec![
            Reference {
                kind: ReferenceKind::ExtraIndexUrl,
                target: "https://pkgs.example.test/simple".into(),
                line: Some(2)
            },
            Reference {
                kind: ReferenceKind::Requirements,
                target: "requirements-base.txt".into(),
                line: Some(3)
            },
        ]
    );
    let m = parse(k, REQUIREMENTS_OLD).unwrap();
    let r = find(&m, "requests");
    assert_eq!(r.integrity.as_deref(), Some("sha256:aaaa sha256:bbbb"));
    assert_eq!(r.line, Some(2));
    assert_eq!(
        find(&m, "flask").install.version.as_deref(),
        Some(">=2.3,<3")
    );
    assert_eq!(find(&m, "Django").install.version.as_deref(), Some("~=4.2"));
    assert_eq!(find(&m, "numpy").install.version, None);
}

#[test]
fn requirements_index_url_sets_the_source() {
    let m = parse(
        ManifestKind::Requirements,
        "--index-url=https://mirror.test/simple\nrequests\n./local/pkg\n",
    )
    .unwrap();
    assert_eq!(
        m.dependencies[0].install.source,
        Source::Registry {
            index: Some("https://mirror.test/simple".into())
        }
    );
    assert_eq!(
        m.dependencies[1].install.source,
        Source::Path {
            path: "./local/pkg".into()
        }
    );
}

#[test]
fn requirements_errors() {
    let k = ManifestKind::Requirements;
    assert_eq!(
        err(k, "flask\nrequests = 2.0\n"),
        "requirements.txt: line 2: `= 2.0` after `requests` is not a version specifier (expected one of === == != <= >= ~= < >)"
    );
    assert_eq!(
        err(k, "-r\n"),
        "requirements.txt: line 1: `-r` needs a value"
    );
    assert_eq!(
        err(k, "a[b\n"),
        "requirements.txt: line 1: unclosed `[` of the extras"
    );
}

const PYPROJECT_OLD: &str = r#"
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "shop"
version = "0.1.0"
dependencies = [
    "httpx>=0.26",
    "pydantic>=2,<3",
    "rich",
]

[project.optional-dependencies]
cli = ["typer>=0.9"]

[dependency-groups]
test = ["pytest>=8", { include-group = "lint" }]
lint = ["ruff"]
"#;

const PYPROJECT_NEW: &str = r#"
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "shop"
version = "0.1.0"
dependencies = [
    "httpx>=0.27",
    "pydantic>=2,<3",
    "rich",
    "orjson>=3.9",
]

[project.optional-dependencies]
cli = ["typer>=0.9"]

[dependency-groups]
test = ["pytest>=8", { include-group = "lint" }]
lint = ["ruff"]

[tool.uv.sources]
rich = { git = "https://github.com/someone/rich", rev = "0123abcd" }
"#;

#[test]
fn pyproject_pep621_uv_diff() {
    let k = ManifestKind::Pyproject;
    assert_eq!(
        summary(k, PYPROJECT_OLD, PYPROJECT_NEW),
        vec![
            s("httpx", &["version"]),
            s("rich", &["source"]),
            s("orjson", &["added"]),
        ]
    );
    let m = parse(k, PYPROJECT_NEW).unwrap();
    assert_eq!(find(&m, "hatchling").kind, DependencyKind::Build);
    assert_eq!(find(&m, "typer").kind, DependencyKind::Optional);
    assert_eq!(find(&m, "typer").group.as_deref(), Some("cli"));
    assert_eq!(find(&m, "ruff").group.as_deref(), Some("lint"));
    assert_eq!(
        find(&m, "rich").install.source,
        Source::Vcs {
            url: "https://github.com/someone/rich@0123abcd".into()
        }
    );
}

const PYPROJECT_POETRY_OLD: &str = r#"
[tool.poetry]
name = "shop"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
requests = "^2.31"
boto3 = { version = "^1.34", optional = true }
internal-lib = { version = "^1.0", source = "corp" }

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"

[[tool.poetry.source]]
name = "corp"
url = "https://pypi.corp.test/simple"
priority = "supplemental"
"#;

#[test]
fn pyproject_poetry_diff() {
    let k = ManifestKind::Pyproject;
    let new = PYPROJECT_POETRY_OLD
        .replace(
            "requests = \"^2.31\"",
            "requests = \"^2.32\"\nattrs = \"^23.2\"",
        )
        .replace(
            "pytest = \"^8.0\"",
            "pytest = { git = \"https://github.com/someone/pytest.git\", tag = \"8.0.1\" }",
        );
    assert_eq!(
        summary(k, PYPROJECT_POETRY_OLD, &new),
        vec![
            s("attrs", &["added"]),
            s("requests", &["version"]),
            s("pytest", &["version", "source"]),
        ]
    );
    let m = parse(k, PYPROJECT_POETRY_OLD).unwrap();
    assert!(m.dependencies.iter().all(|d| d.install.name != "python"));
    assert_eq!(find(&m, "boto3").kind, DependencyKind::Optional);
    assert_eq!(
        find(&m, "internal-lib").install.source,
        Source::Registry {
            index: Some("https://pypi.corp.test/simple".into())
        }
    );
    assert_eq!(find(&m, "pytest").group.as_deref(), Some("dev"));
}

#[test]
fn pyproject_errors() {
    let k = ManifestKind::Pyproject;
    assert_eq!(
        err(k, "[project]\ndependencies = [\"ok\", \"bad = 1\"]\n"),
        "pyproject.toml: `project.dependencies[1]`: `= 1` after `bad` is not a version specifier (expected one of === == != <= >= ~= < >)"
    );
    assert_eq!(
        err(k, "[project]\ndependencies = \"requests\"\n"),
        "pyproject.toml: `project.dependencies` must be an array"
    );
    let e = err(k, "[project]\nname = \"x\"\nname = \"y\"\n");
    assert!(e.starts_with("pyproject.toml: line 3, column 1: "), "{e}");
}

const UV_LOCK_OLD: &str = r#"version = 1
revision = 1
requires-python = ">=3.12"

[[package]]
name = "anyio"
version = "4.3.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "idna" },
    { name = "sniffio" },
]
sdist = { url = "https://files.pythonhosted.org/packages/aa/anyio-4.3.0.tar.gz", hash = "sha256:aaaa", size = 100 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/bb/anyio-4.3.0-py3-none-any.whl", hash = "sha256:bbbb", size = 80 },
]

[[package]]
name = "idna"
version = "3.6"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/cc/idna-3.6.tar.gz", hash = "sha256:cccc", size = 100 }

[[package]]
name = "shop"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "anyio" },
    { name = "sniffio" },
]

[[package]]
name = "sniffio"
version = "1.3.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/dd/sniffio-1.3.1.tar.gz", hash = "sha256:dddd", size = 100 }
"#;

#[test]
fn uv_lock_diff() {
    let k = ManifestKind::UvLock;
    let new = UV_LOCK_OLD
        .replace("version = \"4.3.0\"", "version = \"4.4.0\"")
        .replace("anyio-4.3.0.tar.gz\", hash = \"sha256:aaaa\"", "anyio-4.4.0.tar.gz\", hash = \"sha256:eeee\"")
        .replace(
            "name = \"sniffio\"\nversion = \"1.3.1\"\nsource = { registry = \"https://pypi.org/simple\" }\nsdist = { url = \"https://files.pythonhosted.org/packages/dd/sniffio-1.3.1.tar.gz\", hash = \"sha256:dddd\", size = 100 }",
            "name = \"sniffio\"\nversion = \"1.3.1\"\nsource = { git = \"https://github.com/someone/sniffio?rev=main#0123abcd\" }",
        )
        + "\n[[package]]\nname = \"h11\"\nversion = \"0.14.0\"\nsource = { registry = \"https://pypi.org/simple\" }\nsdist = { url = \"https://files.pythonhosted.org/packages/ee/h11-0.14.0.tar.gz\", hash = \"sha256:ffff\", size = 100 }\n";
    assert_eq!(
        summary(k, UV_LOCK_OLD, &new),
        vec![
            s("anyio", &["version"]),
            s("sniffio", &["source"]),
            s("h11", &["added"]),
        ]
    );
    let m = parse(k, UV_LOCK_OLD).unwrap();
    assert!(m.dependencies.iter().all(|d| d.install.name != "shop"));
    assert_eq!(find(&m, "anyio").direct, Some(true));
    assert_eq!(find(&m, "idna").direct, Some(false));
    assert_eq!(find(&m, "anyio").integrity.as_deref(), Some("sha256:aaaa"));
}

const POETRY_LOCK_OLD: &str = r#"# This file is automatically @generated by Poetry 1.8.2 and should not be changed by hand.

[[package]]
name = "certifi"
version = "2024.2.2"
description = "Python package for providing Mozilla's CA Bundle."
optional = false
python-versions = ">=3.6"
files = [
    {file = "certifi-2024.2.2-py3-none-any.whl", hash = "sha256:aaaa"},
]

[[package]]
name = "requests"
version = "2.31.0"
description = "Python HTTP for Humans."
optional = false
python-versions = ">=3.7"
files = [
    {file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:bbbb"},
]

[package.dependencies]
certifi = ">=2017.4.17"

[[package]]
name = "urllib3"
version = "2.2.1"
description = "HTTP library"
optional = false
python-versions = ">=3.8"
files = [
    {file = "urllib3-2.2.1-py3-none-any.whl", hash = "sha256:cccc"},
]

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "0000"
"#;

#[test]
fn poetry_lock_diff() {
    let k = ManifestKind::PoetryLock;
    let new = POETRY_LOCK_OLD
        .replace("version = \"2.31.0\"", "version = \"2.32.3\"")
        .replace("requests-2.31.0-py3-none-any.whl\", hash = \"sha256:bbbb\"", "requests-2.32.3-py3-none-any.whl\", hash = \"sha256:dddd\"")
        .replace(
            "    {file = \"urllib3-2.2.1-py3-none-any.whl\", hash = \"sha256:cccc\"},\n]\n",
            "]\n\n[package.source]\ntype = \"git\"\nurl = \"https://github.com/someone/urllib3.git\"\nreference = \"main\"\nresolved_reference = \"0123abcd\"\n\n[[package]]\nname = \"idna\"\nversion = \"3.6\"\ndescription = \"IDNA\"\noptional = false\npython-versions = \">=3.5\"\nfiles = [\n    {file = \"idna-3.6-py3-none-any.whl\", hash = \"sha256:eeee\"},\n]\n",
        );
    assert_eq!(
        summary(k, POETRY_LOCK_OLD, &new),
        vec![
            s("requests", &["version"]),
            s("urllib3", &["source"]),
            s("idna", &["added"]),
        ]
    );
    let m = parse(k, &new).unwrap();
    assert_eq!(
        find(&m, "urllib3").install.source,
        Source::Vcs {
            url: "https://github.com/someone/urllib3.git@0123abcd".into()
        }
    );
}

#[test]
fn python_lock_errors() {
    assert_eq!(
        err(ManifestKind::PoetryLock, "[[package]]\nname = \"a\"\n"),
        "poetry.lock: package `a` has no version"
    );
    assert_eq!(
        err(
            ManifestKind::UvLock,
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\"\n"
        ),
        "uv.lock: package `a` has no known source"
    );
    let e = err(ManifestKind::UvLock, "version = 1\n[[package]\n");
    assert!(e.starts_with("uv.lock: line 2, column "), "{e}");
}

// ---------------------------------------------------------------- Cargo

const CARGO_TOML_OLD: &str = r#"
[package]
name = "shop"
version = "0.1.0"
edition = "2021"

[dependencies]
serde = { version = "1.0.197", features = ["derive"] }
anyhow = "1.0.80"
tokio = { workspace = true }
local-util = { path = "../util" }

[dev-dependencies]
insta = "1.36"

[build-dependencies]
cc = "1.0"

[target.'cfg(windows)'.dependencies]
winapi = { version = "0.3", features = ["winuser"] }
"#;

#[test]
fn cargo_toml_diff() {
    let k = ManifestKind::CargoToml;
    let new = CARGO_TOML_OLD
        .replace(
            "anyhow = \"1.0.80\"",
            "anyhow = \"1.0.81\"\nregex = { version = \"1.10\", optional = true }",
        )
        .replace(
            "cc = \"1.0\"",
            "cc = { git = \"https://github.com/someone/cc-rs\", rev = \"0123abcd\" }",
        );
    assert_eq!(
        summary(k, CARGO_TOML_OLD, &new),
        vec![
            s("anyhow", &["version"]),
            s("regex", &["added"]),
            s("cc", &["version", "source"]),
        ]
    );
    let m = parse(k, &new).unwrap();
    assert_eq!(find(&m, "regex").kind, DependencyKind::Optional);
    assert_eq!(find(&m, "insta").kind, DependencyKind::Dev);
    assert_eq!(find(&m, "winapi").group.as_deref(), Some("cfg(windows)"));
    assert!(find(&m, "tokio").inherited);
    assert_eq!(
        find(&m, "local-util").install.source,
        Source::Path {
            path: "../util".into()
        }
    );
}

#[test]
fn cargo_toml_rename_patch_and_registry() {
    let m = parse(
        ManifestKind::CargoToml,
        "[dependencies]\nfoo = { package = \"real-foo\", version = \"1\", registry = \"corp\" }\n[patch.crates-io]\nserde = { git = \"https://github.com/someone/serde\" }\n",
    )
    .unwrap();
    assert_eq!(m.dependencies[0].install.name, "real-foo");
    assert_eq!(
        m.dependencies[0].install.source,
        Source::Registry {
            index: Some("corp".into())
        }
    );
    assert_eq!(m.dependencies[1].kind, DependencyKind::Override);
}

const CARGO_LOCK_OLD: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "anyhow"
version = "1.0.80"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaaa"

[[package]]
name = "shop"
version = "0.1.0"
dependencies = [
 "anyhow",
 "syn 2.0.52",
]

[[package]]
name = "syn"
version = "1.0.109"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "bbbb"

[[package]]
name = "syn"
version = "2.0.52"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "cccc"

[[package]]
name = "unicode-ident"
version = "1.0.12"
source = "sparse+https://index.crates.io/"
checksum = "dddd"
"#;

#[test]
fn cargo_lock_diff() {
    let k = ManifestKind::CargoLock;
    let new = CARGO_LOCK_OLD
        .replace("version = \"2.0.52\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"cccc\"", "version = \"2.0.53\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"eeee\"")
        .replace(
            "name = \"anyhow\"\nversion = \"1.0.80\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"aaaa\"",
            "name = \"anyhow\"\nversion = \"1.0.80\"\nsource = \"git+https://github.com/someone/anyhow?rev=0123abcd#0123abcdef\"",
        )
        + "\n[[package]]\nname = \"itoa\"\nversion = \"1.0.10\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"ffff\"\n";
    assert_eq!(
        summary(k, CARGO_LOCK_OLD, &new),
        vec![
            s("anyhow", &["source"]),
            s("syn", &["version"]),
            s("itoa", &["added"]),
        ]
    );
    let d = diff(k, Some(CARGO_LOCK_OLD), &new).unwrap();
    assert_eq!(
        d.changes[1].reasons,
        vec![ChangeReason::Version {
            from: Some("2.0.52".into())
        }]
    );
    let m = parse(k, CARGO_LOCK_OLD).unwrap();
    assert_eq!(find(&m, "anyhow").direct, Some(true));
    assert_eq!(find(&m, "unicode-ident").direct, Some(false));
    assert_eq!(
        find(&m, "unicode-ident").install.source,
        Source::Registry { index: None }
    );
}

#[test]
fn cargo_errors() {
    assert_eq!(
        err(ManifestKind::CargoToml, "[dependencies]\nserde = 1\n"),
        "Cargo.toml: `dependencies.serde` must be a version string or a table"
    );
    assert_eq!(
        err(ManifestKind::CargoLock, "version = 9\n"),
        "Cargo.lock: unsupported lockfile version 9 (1 to 4 are known)"
    );
    assert_eq!(
        err(
            ManifestKind::CargoLock,
            "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = \"ftp://x\"\n"
        ),
        "Cargo.lock: package `a 1`: unknown source `ftp://x`"
    );
    let e = err(ManifestKind::CargoToml, "[dependencies\nserde = \"1\"\n");
    assert!(e.starts_with("Cargo.toml: line 1, column "), "{e}");
}

// ---------------------------------------------------------------- Go

const GO_MOD_OLD: &str = "module example.test/shop

go 1.22

toolchain go1.22.1

require (
	github.com/gorilla/mux v1.8.1
	golang.org/x/text v0.14.0 // indirect
	github.com/pkg/errors v0.9.1
)

require github.com/stretchr/testify v1.9.0
";

#[test]
fn go_mod_diff() {
    let k = ManifestKind::GoMod;
    let new = GO_MOD_OLD
        .replace("golang.org/x/text v0.14.0", "golang.org/x/text v0.15.0")
        .replace(
            "require github.com/stretchr/testify v1.9.0\n",
            "require github.com/stretchr/testify v1.9.0\nrequire \"github.com/google/uuid\" v1.6.0\n\nreplace github.com/pkg/errors => github.com/someone/errors v0.9.2-fork\n",
        );
    assert_eq!(
        summary(k, GO_MOD_OLD, &new),
        vec![
            s("golang.org/x/text", &["version"]),
            s("github.com/pkg/errors", &["version", "source"]),
            s("github.com/google/uuid", &["added"]),
        ]
    );
    let m = parse(k, &new).unwrap();
    assert_eq!(find(&m, "golang.org/x/text").direct, Some(false));
    assert_eq!(find(&m, "golang.org/x/text").line, Some(9));
    assert_eq!(
        find(&m, "github.com/pkg/errors").install.source,
        Source::Vcs {
            url: "github.com/someone/errors@v0.9.2-fork".into()
        }
    );
}

#[test]
fn go_mod_local_replace_and_override() {
    let m = parse(
        ManifestKind::GoMod,
        "module m\n\nrequire a.test/x v1.0.0\n\nreplace (\n\ta.test/x v1.0.0 => ../x\n\tb.test/y => b.test/z v2.0.0\n)\n",
    )
    .unwrap();
    assert_eq!(
        m.dependencies[0].install.source,
        Source::Path {
            path: "../x".into()
        }
    );
    assert_eq!(m.dependencies[1].install.name, "b.test/y");
    assert_eq!(m.dependencies[1].kind, DependencyKind::Override);
}

#[test]
fn go_mod_errors() {
    let k = ManifestKind::GoMod;
    assert_eq!(
        err(k, "module m\nrequire (\n\ta.test/x\n)\n"),
        "go.mod: line 3: `require` wants `module version`"
    );
    assert_eq!(
        err(k, "module m\nrequire (\n\ta.test/x v1\n"),
        "go.mod: line 2: `require (` is never closed"
    );
    assert_eq!(
        err(k, "modul m\n"),
        "go.mod: line 1: unknown directive `modul`"
    );
    assert_eq!(
        err(k, "replace a => b\n"),
        "go.mod: line 1: a `replace` by another module needs its version"
    );
}

// ---------------------------------------------------------------- robustness

/// Fragments of every format, so random text often gets past the first
/// check of each parser.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\n",
    "  ",
    "    ",
    "\t",
    "#",
    "//",
    "\\\n",
    "=",
    "@",
    "(",
    ")",
    "=>",
    "'",
    "&a",
    "*a",
    "---\n",
    "lockfileVersion: '9.0'\n",
    "packages:\n",
    "  a@1.0.0:\n    resolution: {integrity: x}\n",
    "__metadata:\n",
    "\"packages\":",
    "\"lockfileVersion\": 3",
    "\"node_modules/a\"",
    "\"version\": \"1\"",
    "[[package]]\n",
    "name = \"a\"\n",
    "version = \"1\"\n",
    "source = ",
    "[dependencies]\n",
    "require (\n",
    "replace ",
    "-r ",
    "-e ",
    "--hash=",
    "a[b]",
    ">=1",
    "a@^1:\n",
    "  version \"1\"\n",
    "npm:",
    "git+",
    "https://x/-/y.tgz",
    "é",
    "\u{feff}",
    "\r\n",
    "\0",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn no_parser_panics_on_arbitrary_text(text in "\\PC*") {
        for k in ManifestKind::ALL {
            let _ = parse(k, &text);
            let _ = diff(k, Some(&text), &text);
        }
    }

    #[test]
    fn no_parser_panics_on_format_fragments(
        parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
    ) {
        let text = parts.concat();
        for k in ManifestKind::ALL {
            if let Err(e) = parse(k, &text) {
                // Every error names its file kind.
                proptest::prop_assert!(e.to_string().starts_with(k.file_name()));
            }
            if let Ok(d) = diff(k, None, &text) {
                proptest::prop_assert!(d.changes.iter().all(|c| c.reasons == [ChangeReason::Added]));
                // A file diffed against itself adds nothing.
                let same = diff(k, Some(&text), &text).unwrap();
                proptest::prop_assert!(same.changes.is_empty() && same.references.is_empty());
            }
        }
    }
}
