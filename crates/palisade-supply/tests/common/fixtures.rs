//! Small registry documents shaped like the real ones, with publish times
//! relative to now so that "too new" does not depend on the date.
//!
//! Shapes: npm packument (`_id`, `name`, `dist-tags`, `versions`, `time`),
//! PyPI project JSON (`info`, `releases` of files with
//! `upload_time_iso_8601` and `yanked`), crates.io sparse index lines
//! (`name`, `vers`, `deps`, `cksum`, `features`, `yanked`, `pubtime`),
//! RubyGems versions listing, Go proxy `.info` and `@v/list`.

#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

/// RFC 3339 (`…Z`) for `days` days before now.
pub fn days_ago(days: f64) -> String {
    let t = SystemTime::now() - Duration::from_secs_f64(days * 86_400.0);
    jiff::Timestamp::try_from(t)
        .map(|ts| ts.to_string())
        .unwrap_or_default()
}

/// One npm version: number, age in days, and its `scripts` object.
pub struct NpmVersion<'a> {
    pub version: &'a str,
    pub days_ago: f64,
    pub scripts: Value,
}

/// `NpmVersion` with the usual `test` script only.
pub fn npm_version(version: &str, days_ago: f64) -> NpmVersion<'_> {
    NpmVersion {
        version,
        days_ago,
        scripts: json!({"test": "node test.js"}),
    }
}

/// A full npm packument; `latest` is `dist-tags.latest`.
pub fn npm_doc(name: &str, versions: &[NpmVersion<'_>], latest: &str) -> String {
    let mut manifests = serde_json::Map::new();
    let mut time = serde_json::Map::new();
    for v in versions {
        manifests.insert(
            v.version.into(),
            json!({
                "name": name,
                "version": v.version,
                "description": "fixture",
                "license": "MIT",
                "dependencies": {},
                "scripts": v.scripts,
                "_id": format!("{name}@{}", v.version),
                "dist": {
                    "shasum": "0000000000000000000000000000000000000000",
                    "tarball": format!("https://registry.example/{name}/-/{name}-{}.tgz", v.version),
                },
            }),
        );
        time.insert(v.version.into(), json!(days_ago(v.days_ago)));
    }
    let oldest = versions.iter().map(|v| v.days_ago).fold(0.0_f64, f64::max);
    time.insert("created".into(), json!(days_ago(oldest)));
    time.insert("modified".into(), json!(days_ago(0.0)));
    json!({
        "_id": name,
        "name": name,
        "dist-tags": {"latest": latest, "next": versions.last().map(|v| v.version)},
        "versions": manifests,
        "time": time,
    })
    .to_string()
}

/// A PyPI project JSON: `releases` maps a version to (age in days, yanked);
/// each release has one wheel.
pub fn pypi_doc(name: &str, releases: &[(&str, f64, bool)], latest: &str) -> String {
    let mut map = serde_json::Map::new();
    for (version, days, yanked) in releases {
        map.insert(
            (*version).into(),
            json!([{
                "filename": format!("{name}-{version}-py3-none-any.whl"),
                "packagetype": "bdist_wheel",
                "python_version": "py3",
                "size": 1000,
                "upload_time": days_ago(*days).trim_end_matches('Z'),
                "upload_time_iso_8601": days_ago(*days),
                "url": format!("https://files.example/{name}-{version}-py3-none-any.whl"),
                "yanked": yanked,
                "yanked_reason": if *yanked { json!("broken") } else { Value::Null },
            }]),
        );
    }
    json!({
        "info": {"name": name, "version": latest, "summary": "fixture", "yanked": false},
        "last_serial": 1,
        "releases": map,
        "urls": [],
        "vulnerabilities": [],
    })
    .to_string()
}

/// A crates.io sparse index file: one line per (version, age in days or
/// `None` for no `pubtime`, yanked).
pub fn crates_index(name: &str, versions: &[(&str, Option<f64>, bool)]) -> String {
    let mut out = String::new();
    for (vers, days, yanked) in versions {
        let mut line = json!({
            "name": name,
            "vers": vers,
            "deps": [],
            "cksum": "00",
            "features": {},
            "yanked": yanked,
        });
        if let Some(days) = days {
            line["pubtime"] = json!(days_ago(*days));
        }
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// A RubyGems `/api/v1/versions/{name}.json` listing, newest first as
/// RubyGems sends it: (number, age in days, prerelease).
pub fn rubygems_versions(versions: &[(&str, f64, bool)]) -> String {
    let list: Vec<Value> = versions
        .iter()
        .map(|(number, days, pre)| {
            json!({
                "authors": "Fixture",
                "built_at": days_ago(*days),
                "created_at": days_ago(*days),
                "number": number,
                "platform": "ruby",
                "prerelease": pre,
                "sha": "00",
            })
        })
        .collect();
    Value::Array(list).to_string()
}

/// A Go proxy `.info` document.
pub fn go_info(version: &str, days: f64) -> String {
    json!({"Version": version, "Time": days_ago(days)}).to_string()
}
