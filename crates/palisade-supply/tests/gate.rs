//! The gate (issue #7, item 2) against a mock registry on 127.0.0.1: a name
//! the registry does not know is denied with a suggestion, a package
//! younger than the minimum age and one with install scripts are asked
//! about, and a registry that is down gets the policy's answer.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::fixtures::*;
use common::mock_registry::{ok, MockRegistry, Reply};
use palisade_supply::check::{gate, Answer, GateConfig};
use palisade_supply::registry::RegistryConfig;
use palisade_supply::{Db, Ecosystem, Install, Source};
use serde_json::json;
use std::time::{Duration, SystemTime};

fn npm(name: &str) -> Install {
    Install {
        ecosystem: Ecosystem::Npm,
        name: name.into(),
        version: None,
        source: Source::Registry { index: None },
    }
}

fn cfg(base: &str, cache: &tempfile::TempDir) -> GateConfig {
    GateConfig {
        registry: RegistryConfig {
            cache_dir: Some(cache.path().to_path_buf()),
            timeout: Duration::from_secs(3),
            ..RegistryConfig::under(base)
        },
        ..GateConfig::default()
    }
}

#[test]
fn registry_facts_become_deny_and_ask_answers() {
    let old = npm_doc("old-and-fine", &[npm_version("1.0.0", 400.0)], "1.0.0");
    let fresh = npm_doc("brand-new-thing", &[npm_version("0.0.1", 0.5)], "0.0.1");
    let scripted = npm_doc(
        "native-addon",
        &[NpmVersion {
            version: "2.0.0",
            days_ago: 300.0,
            scripts: json!({"postinstall": "node install.js"}),
        }],
        "2.0.0",
    );
    let mock = MockRegistry::start([
        ("/npm/old-and-fine", ok(old)),
        ("/npm/brand-new-thing", ok(fresh)),
        ("/npm/native-addon", ok(scripted)),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let c = cfg(&mock.base_url(), &cache);
    let db = Db::embedded();
    let now = SystemTime::now();
    assert!(gate(&[npm("old-and-fine")], &db, &c, now).is_empty());
    // A hallucinated name close to a popular one: denied, with the real one.
    let f = gate(&[npm("expresss")], &db, &c, now);
    let nf = f
        .iter()
        .find(|x| x.rule == "supply.not-found")
        .expect("not found");
    assert_eq!(nf.answer, Answer::Deny);
    assert!(
        nf.reason.contains("did you mean `express`"),
        "{}",
        nf.reason
    );
    let f = gate(&[npm("brand-new-thing")], &db, &c, now);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].rule, f[0].answer), ("supply.too-new", Answer::Ask));
    // 72 hours instead of 7 days still catches half a day.
    let short = GateConfig {
        min_age: Duration::from_secs(72 * 3600),
        ..cfg(&mock.base_url(), &cache)
    };
    assert_eq!(
        gate(&[npm("brand-new-thing")], &db, &short, now)[0].rule,
        "supply.too-new"
    );
    let f = gate(&[npm("native-addon")], &db, &c, now);
    assert_eq!(
        (f[0].rule, f[0].answer),
        ("supply.install-scripts", Answer::Ask)
    );
    assert!(f[0].reason.contains("node install.js"), "{}", f[0].reason);
}

#[test]
fn a_registry_that_is_down_gets_the_policy_answer() {
    let mock = MockRegistry::start([("/npm/slow", Reply::Hang)]);
    let cache = tempfile::tempdir().unwrap();
    let db = Db::embedded();
    let mut c = cfg(&mock.base_url(), &cache);
    c.registry.timeout = Duration::from_millis(300);
    let f = gate(&[npm("slow")], &db, &c, SystemTime::now());
    assert_eq!(
        (f[0].rule, f[0].answer),
        ("supply.registry-down", Answer::Ask)
    );
    c.registry_down = Answer::Deny;
    assert_eq!(
        gate(&[npm("slow")], &db, &c, SystemTime::now())[0].answer,
        Answer::Deny
    );
    // Refused connections too (nothing listens on the port any more).
    let base = mock.base_url();
    drop(mock);
    let c = GateConfig {
        registry: RegistryConfig {
            cache_dir: Some(cache.path().to_path_buf()),
            ..RegistryConfig::under(&base)
        },
        ..GateConfig::default()
    };
    assert_eq!(
        gate(&[npm("other")], &db, &c, SystemTime::now())[0].rule,
        "supply.registry-down"
    );
}
