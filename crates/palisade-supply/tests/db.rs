//! The advisory store: OSV import from a directory and a zip, lookups by
//! version scope, store versioning, and no panics on arbitrary input
//! (issue #7).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use palisade_supply::db::{self, DbError, Finding, Origin, FORMAT_VERSION, STORE_FILE};
use palisade_supply::snapshot::{snapshot_lookup, snapshot_names, SnapshotScope};
use palisade_supply::{Certainty, Ecosystem, Install, Source};
use pretty_assertions::assert_eq;
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn install(eco: Ecosystem, name: &str, version: Option<&str>) -> Install {
    Install {
        ecosystem: eco,
        name: name.into(),
        version: version.map(Into::into),
        source: Source::Registry { index: None },
    }
}

fn imported(from: &Path) -> (tempfile::TempDir, db::Db) {
    let tmp = tempfile::tempdir().unwrap();
    let report = db::import(from, tmp.path()).unwrap();
    assert_eq!(report.withdrawn, 1);
    assert_eq!(report.unreadable, 1, "{:?}", report.errors);
    assert_eq!(report.unsupported, 1);
    assert_eq!(report.info.malicious, 3);
    assert_eq!(report.info.vulnerable, 5);
    assert_eq!(report.info.packages, 8);
    assert_eq!(report.info.newest_modified, "2099-01-02");
    assert_eq!(
        report.info.malicious_ecosystems,
        vec![Ecosystem::Npm, Ecosystem::PyPI]
    );
    let db = db::open(tmp.path()).unwrap();
    assert_eq!(db.store_info().map(|i| i.format), Some(FORMAT_VERSION));
    (tmp, db)
}

/// (kind, ids, certainty, first_fixed) of each finding.
fn summary(
    db: &db::Db,
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
) -> Vec<(&'static str, Vec<String>, Certainty, Option<String>)> {
    db.lookup(&install(eco, name, version))
        .into_iter()
        .map(|f| match f {
            Finding::Malicious { ids, certainty, .. } => ("malicious", ids, certainty, None),
            Finding::Vulnerable {
                ids,
                certainty,
                first_fixed,
                ..
            } => ("vulnerable", ids, certainty, first_fixed),
        })
        .collect()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn check_fixture_lookups(db: &db::Db) {
    use Certainty::{Affected, Possibly};
    use Ecosystem::*;
    // Malicious, every version.
    assert_eq!(
        summary(db, Npm, "fixture-evil", None),
        vec![("malicious", ids(&["MAL-2099-0001"]), Affected, None)]
    );
    assert_eq!(
        summary(db, Npm, "fixture-evil", Some("^9")),
        vec![("malicious", ids(&["MAL-2099-0001"]), Affected, None)]
    );
    // Malicious, listed versions.
    assert_eq!(
        summary(db, Npm, "fixture-hijacked", Some("3.1.4")),
        vec![("malicious", ids(&["MAL-2099-0002"]), Affected, None)]
    );
    assert_eq!(summary(db, Npm, "fixture-hijacked", Some("3.1.3")), vec![]);
    assert_eq!(
        summary(db, Npm, "fixture-hijacked", Some("^3.1.0")),
        vec![("malicious", ids(&["MAL-2099-0002"]), Possibly, None)]
    );
    // Withdrawn: nothing.
    assert_eq!(summary(db, Npm, "fixture-withdrawn", None), vec![]);
    // Vulnerable: introduced/fixed, then introduced/last_affected.
    let ghsa = ids(&["GHSA-fixt-ure0-0001", "CVE-2099-0001"]);
    assert_eq!(
        summary(db, Npm, "fixture-lib", Some("1.4.1")),
        vec![("vulnerable", ghsa.clone(), Affected, Some("1.4.2".into()))]
    );
    assert_eq!(summary(db, Npm, "fixture-lib", Some("1.4.2")), vec![]);
    assert_eq!(
        summary(db, Npm, "fixture-lib", Some("2.1.0")),
        vec![("vulnerable", ghsa.clone(), Affected, None)]
    );
    assert_eq!(summary(db, Npm, "fixture-lib", Some("2.1.1")), vec![]);
    assert_eq!(
        summary(db, Npm, "fixture-lib", Some("~1.3.0")),
        vec![("vulnerable", ghsa.clone(), Possibly, Some("1.4.2".into()))]
    );
    assert_eq!(summary(db, Npm, "fixture-lib", Some("^1.3.0")), vec![]);
    assert_eq!(summary(db, Npm, "fixture-lib", None), vec![]);
    let Some(Finding::Vulnerable {
        severity: Some(sev),
        ..
    }) = db
        .lookup(&install(Npm, "fixture-lib", Some("1.0.0")))
        .into_iter()
        .next()
    else {
        panic!("no severity")
    };
    assert_eq!(sev.level.as_deref(), Some("HIGH"));
    assert_eq!(
        sev.cvss.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
    );
    // PyPI: PEP 503 names, PEP 440 versions.
    let pysec = ids(&["PYSEC-2099-1", "CVE-2099-0002"]);
    assert_eq!(
        summary(db, PyPI, "fixture.py", Some("1.9.post1")),
        vec![("vulnerable", pysec.clone(), Affected, Some("2.0.0".into()))]
    );
    assert_eq!(summary(db, PyPI, "FIXTURE-PY", Some("==2.0")), vec![]);
    assert_eq!(
        summary(db, PyPI, "fixture_py", Some(">=1.2,<2")),
        vec![("vulnerable", pysec, Possibly, Some("2.0.0".into()))]
    );
    assert_eq!(
        summary(db, PyPI, "fixture-pymal", None),
        vec![("malicious", ids(&["MAL-2099-0004"]), Affected, None)]
    );
    // crates.io: `limit`, name case and separators.
    let rs = ids(&["RUSTSEC-2099-0001"]);
    assert_eq!(
        summary(db, CratesIo, "Fixture-Crate", Some("=0.5.3")),
        vec![("vulnerable", rs.clone(), Affected, None)]
    );
    assert_eq!(
        summary(db, CratesIo, "fixture_crate", Some("=0.6.0")),
        vec![]
    );
    assert_eq!(
        summary(db, CratesIo, "fixture_crate", Some("=0.4.9")),
        vec![]
    );
    assert_eq!(
        summary(db, CratesIo, "fixture_crate", Some("~0.5")),
        vec![("vulnerable", rs, Possibly, None)]
    );
    // Go: `v` prefix.
    let go = ids(&["GO-2099-0001", "GHSA-fixt-ure0-0002"]);
    assert_eq!(
        summary(db, Go, "example.com/fixture/mod", Some("v1.5.1")),
        vec![("vulnerable", go, Affected, Some("1.5.2".into()))]
    );
    assert_eq!(
        summary(db, Go, "example.com/fixture/mod", Some("v1.5.2")),
        vec![]
    );
    // RubyGems.
    let gem = ids(&["GHSA-fixt-ure0-0003"]);
    assert_eq!(
        summary(db, RubyGems, "fixture_gem", Some("6.1.7")),
        vec![("vulnerable", gem.clone(), Affected, Some("6.1.7.1".into()))]
    );
    assert_eq!(
        summary(db, RubyGems, "fixture_gem", Some("~> 6.0.1")),
        vec![("vulnerable", gem, Possibly, Some("6.1.7.1".into()))]
    );
    assert_eq!(
        summary(db, RubyGems, "fixture_gem", Some("6.1.7.1")),
        vec![]
    );
}

#[test]
fn import_directory() {
    let (_tmp, db) = imported(&fixtures().join("osv"));
    check_fixture_lookups(&db);
}

#[test]
fn import_zip() {
    let (_tmp, db) = imported(&fixtures().join("osv.zip"));
    check_fixture_lookups(&db);
}

#[test]
fn newer_store_with_malicious_reports_supersedes_the_snapshot() {
    // The fixtures carry npm and PyPI MAL reports dated 2099: the snapshot
    // is no longer consulted for those ecosystems.
    let (_tmp, db) = imported(&fixtures().join("osv"));
    let name = snapshot_names(Ecosystem::Npm)
        .into_iter()
        .find(|n| {
            matches!(
                snapshot_lookup(Ecosystem::Npm, n).map(|e| e.scope),
                Some(SnapshotScope::All)
            )
        })
        .unwrap();
    assert_eq!(db.lookup(&install(Ecosystem::Npm, &name, None)), vec![]);
    // Without a store the snapshot denies it.
    let f = db::Db::embedded().lookup(&install(Ecosystem::Npm, &name, None));
    assert!(
        matches!(
            f.as_slice(),
            [Finding::Malicious {
                certainty: Certainty::Affected,
                origin: Origin::Snapshot,
                ..
            }]
        ),
        "{f:?}"
    );
}

#[test]
fn snapshot_version_scopes() {
    let db = db::Db::embedded();
    let mut checked = 0;
    for n in snapshot_names(Ecosystem::PyPI) {
        let Some(entry) = snapshot_lookup(Ecosystem::PyPI, &n) else {
            continue;
        };
        let SnapshotScope::Versions {
            versions,
            complete: true,
        } = entry.scope
        else {
            continue;
        };
        let Some(v) = versions.first() else { continue };
        let hit = db.lookup(&install(Ecosystem::PyPI, &n, Some(v)));
        assert!(
            matches!(
                hit.as_slice(),
                [Finding::Malicious {
                    certainty: Certainty::Affected,
                    ..
                }]
            ),
            "{n} {v}: {hit:?}"
        );
        assert_eq!(
            db.lookup(&install(Ecosystem::PyPI, &n, Some("9999.0.0"))),
            vec![],
            "{n}"
        );
        checked += 1;
        if checked == 50 {
            break;
        }
    }
    assert_eq!(checked, 50);
    // fsevents (npm) has a version-scoped report of hijacked releases; it is
    // popular, so an install with no version is not flagged.
    if snapshot_lookup(Ecosystem::Npm, "fsevents").is_some() {
        assert_eq!(
            db.lookup(&install(Ecosystem::Npm, "fsevents", None)),
            vec![]
        );
    }
}

#[test]
fn missing_store_is_the_snapshot_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db::open(tmp.path()).unwrap();
    assert!(db.store_info().is_none());
}

#[test]
fn newer_format_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = b"PALSUPDB".to_vec();
    bytes.extend_from_slice(&99u32.to_le_bytes());
    bytes.extend_from_slice(&2u32.to_le_bytes());
    bytes.extend_from_slice(b"{}");
    std::fs::write(tmp.path().join(STORE_FILE), bytes).unwrap();
    let err = db::open(tmp.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DbError::UnsupportedFormat {
                found: 99,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("format 99 is not supported"),
        "{err}"
    );
    std::fs::write(tmp.path().join(STORE_FILE), b"hello").unwrap();
    assert!(matches!(
        db::open(tmp.path()),
        Err(DbError::NotAStore { .. })
    ));
}

#[test]
fn empty_import_keeps_the_old_store() {
    let tmp = tempfile::tempdir().unwrap();
    db::import(&fixtures().join("osv"), tmp.path()).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let err = db::import(empty.path(), tmp.path()).unwrap_err();
    assert!(
        matches!(err, DbError::NothingImported { files: 0, .. }),
        "{err:?}"
    );
    let db = db::open(tmp.path()).unwrap();
    assert_eq!(db.store_info().map(|i| i.packages), Some(8));
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from(STORE_FILE)]);
}

#[test]
fn truncated_store_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    db::import(&fixtures().join("osv"), tmp.path()).unwrap();
    let path = tmp.path().join(STORE_FILE);
    let bytes = std::fs::read(&path).unwrap();
    for cut in [10, 40, bytes.len() / 2, bytes.len() - 3] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        if let Ok(db) = db::open(tmp.path()) {
            let _ = db.try_lookup(&install(Ecosystem::Npm, "fixture-lib", Some("1.0.0")));
            let _ = db.lookup(&install(Ecosystem::Npm, "fixture-lib", Some("1.0.0")));
        }
    }
}

fn eco() -> impl Strategy<Value = Ecosystem> {
    prop_oneof![
        Just(Ecosystem::Npm),
        Just(Ecosystem::PyPI),
        Just(Ecosystem::CratesIo),
        Just(Ecosystem::Go),
        Just(Ecosystem::RubyGems)
    ]
}

proptest! {
    #[test]
    fn lookups_never_panic(e in eco(), name in "\\PC{0,40}", version in proptest::option::of("[0-9a-z.^~<>=!*, |-]{0,20}")) {
        let db = db::Db::embedded();
        let _ = db.lookup(&install(e, &name, version.as_deref()));
        let _ = palisade_supply::typosquat(e, &name);
        let _ = palisade_supply::did_you_mean(e, &name);
    }

    #[test]
    fn version_matching_never_panics(e in eco(), events in proptest::collection::vec(("[a-z_]{1,14}", "[0-9a-z.+*-]{0,10}"), 0..6), req in proptest::option::of("\\PC{0,16}")) {
        let json = serde_json::json!({
            "id": "X-1",
            "affected": [{"package": {"ecosystem": e.osv_name(), "name": "p"},
                "ranges": [{"type": "ECOSYSTEM", "events": events.iter().map(|(k, v)| serde_json::json!({k.as_str(): v})).collect::<Vec<_>>()}],
                "versions": events.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()}]
        });
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x.json"), json.to_string()).unwrap();
        let into = tmp.path().join("db");
        if db::import(tmp.path(), &into).is_ok() {
            let db = db::open(&into).unwrap();
            let _ = db.lookup(&install(e, "p", req.as_deref()));
        }
    }
}
