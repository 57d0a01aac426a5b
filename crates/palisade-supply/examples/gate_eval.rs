//! The whole offline gate (issue #7, item 4) on popular and on held-out
//! malicious names: [`palisade_supply::check::gate`] with `use_registry =
//! false`, i.e. the malicious lookup, the typosquat heuristics and the
//! source check, with the embedded database only, as the hook runs it when
//! no registry may be asked.
//!
//! ```text
//! cargo run --release -p palisade-supply --example gate_eval
//! ```
//!
//! - *false blocks*: the 1,000 most-downloaded npm and PyPI names
//!   (`data/popular/`), each without a version (`npm install NAME`) and
//!   pinned to `1.0.0` (a version most of them have published); any deny is
//!   a false block (the goal is none), asks are listed;
//! - the same for ranks 1,001–5,000 (still embedded as typosquat targets)
//!   and 5,001 and below (not embedded, so they can be flagged as look-alikes
//!   of more popular names);
//! - popular names that have a malicious report of their own (a hijacked
//!   release): what the gate answers without a version, for a version the
//!   report does not name, and for the reported version;
//! - *recall on held-out rows*: the ~20 % of rows of
//!   `data/malicious-names.tsv` that are not embedded stand for names
//!   reported after the snapshot; what the offline gate answers for them
//!   (deny is impossible without the database; ask comes from the typosquat
//!   heuristics).

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use palisade_supply::check::{gate, Answer, GateConfig, GateFinding};
use palisade_supply::registry::RegistryConfig;
use palisade_supply::{name, Db, Ecosystem, Install, Source};

fn install(eco: Ecosystem, name: &str, version: Option<&str>) -> Install {
    Install {
        ecosystem: eco,
        name: name.to_string(),
        version: version.map(str::to_string),
        source: Source::Registry { index: None },
    }
}

/// The strongest answer for one install, and the rules that gave it.
fn verdict(findings: &[GateFinding]) -> (Option<Answer>, Vec<&'static str>) {
    let top = findings.iter().map(|f| f.answer).max();
    let mut rules: Vec<&'static str> = findings.iter().map(|f| f.rule).collect();
    rules.dedup();
    (top, rules)
}

#[derive(Default)]
struct Tally {
    n: usize,
    deny: Vec<String>,
    ask: Vec<String>,
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        return "n/a".into();
    }
    format!("{n}/{d} = {:.1} %", 100.0 * n as f64 / d as f64)
}

fn run(db: &Db, cfg: &GateConfig, eco: Ecosystem, names: &[&str], version: Option<&str>) -> Tally {
    let now = SystemTime::now();
    let mut t = Tally {
        n: names.len(),
        ..Tally::default()
    };
    for n in names {
        let f = gate(&[install(eco, n, version)], db, cfg, now);
        let (top, rules) = verdict(&f);
        let line = format!("{n} ({})", rules.join(", "));
        match top {
            Some(Answer::Deny) => t.deny.push(line),
            Some(Answer::Ask) => t.ask.push(line),
            _ => {}
        }
    }
    t
}

fn print(label: &str, t: &Tally, show: usize) {
    println!(
        "{label}: deny {}, ask {} (of {})",
        t.deny.len(),
        t.ask.len(),
        t.n
    );
    for d in t.deny.iter().take(show) {
        println!("  deny: {d}");
    }
    for a in t.ask.iter().take(show) {
        println!("  ask:  {a}");
    }
    if t.ask.len() > show {
        println!("  … {} more asks", t.ask.len() - show);
    }
}

fn main() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let db = Db::embedded();
    let cfg = GateConfig {
        use_registry: false,
        registry: RegistryConfig {
            cache_dir: None,
            offline: true,
            ..RegistryConfig::default()
        },
        ..GateConfig::default()
    };
    let tsv =
        std::fs::read_to_string(format!("{dir}/data/malicious-names.tsv")).unwrap_or_default();
    // (ecosystem, name) -> version scopes of its rows.
    let mut reported = BTreeMap::<(String, String), Vec<String>>::new();
    let mut held: Vec<(Ecosystem, String, bool)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(&eco_s), Some(&n), Some(&affected)) = (cols.first(), cols.get(1), cols.get(4))
        else {
            continue;
        };
        reported
            .entry((eco_s.to_string(), n.to_lowercase()))
            .or_default()
            .push(affected.to_string());
        if name::held_out(eco_s, n) {
            let eco = if eco_s == "npm" {
                Ecosystem::Npm
            } else {
                Ecosystem::PyPI
            };
            held.push((eco, n.to_string(), affected == "all"));
        }
    }

    println!("## Popular names through the offline gate (malicious + typosquat + source)");
    let t0 = Instant::now();
    let mut calls = 0usize;
    for (eco, file, osv) in [
        (Ecosystem::Npm, "npm", "npm"),
        (Ecosystem::PyPI, "pypi", "PyPI"),
    ] {
        let list =
            std::fs::read_to_string(format!("{dir}/data/popular/{file}.txt")).unwrap_or_default();
        let names: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
        let top = &names[..names.len().min(1000)];
        let mid = names.get(1000..names.len().min(5000)).unwrap_or(&[]);
        let tail = names.get(5000..).unwrap_or(&[]);
        for (label, slice, show) in [
            ("top 1000", top, 20),
            ("ranks 1001-5000", mid, 10),
            (&*format!("ranks 5001-{}", names.len()), tail, 10),
        ] {
            for version in [None, Some("1.0.0")] {
                let t = run(&db, &cfg, eco, slice, version);
                calls += slice.len();
                let v = version.map_or("no version".to_string(), |v| format!("version {v}"));
                print(&format!("{file} {label}, {v}"), &t, show);
            }
        }
        // Popular names with malicious reports of their own.
        for n in top.iter().chain(mid) {
            let Some(scopes) = reported.get(&(osv.to_string(), n.to_lowercase())) else {
                continue;
            };
            let now = SystemTime::now();
            let answer = |v: Option<&str>| {
                let f = gate(&[install(eco, n, v)], &db, &cfg, now);
                let (top, rules) = verdict(&f);
                format!(
                    "{}{}",
                    match top {
                        Some(Answer::Deny) => "deny",
                        Some(Answer::Ask) => "ask",
                        _ => "allow",
                    },
                    if rules.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", rules.join(", "))
                    }
                )
            };
            let first_bad = scopes
                .iter()
                .find_map(|s| s.strip_prefix("versions:"))
                .and_then(|s| s.split(',').next())
                .map(str::to_string);
            let rank = names.iter().position(|x| x == n).map_or(0, |p| p + 1);
            println!(
                "  reported popular name {file}:{n} (rank {rank}, scopes {scopes:?}): no version -> {}; 1.0.0 -> {}; {} -> {}",
                answer(None),
                answer(Some("1.0.0")),
                first_bad.as_deref().unwrap_or("-"),
                first_bad
                    .as_deref()
                    .map_or("-".to_string(), |v| answer(Some(v)))
            );
        }
    }
    let el = t0.elapsed();
    println!(
        "gate calls: {calls}, {:.1} µs per call (offline, one package each)",
        el.as_nanos() as f64 / calls as f64 / 1000.0
    );

    println!("\n## Held-out malicious rows through the offline gate");
    let now = SystemTime::now();
    let mut by = BTreeMap::<(&str, bool), (usize, usize, usize)>::new();
    for (eco, n, all) in &held {
        let f = gate(&[install(*eco, n, None)], &db, &cfg, now);
        let (top, _) = verdict(&f);
        let e = by.entry((eco.osv_name(), *all)).or_default();
        e.0 += 1;
        match top {
            Some(Answer::Deny) => e.1 += 1,
            Some(Answer::Ask) => e.2 += 1,
            _ => {}
        }
    }
    let mut tot = BTreeMap::<&str, (usize, usize, usize)>::new();
    for ((eco, all), (n, d, a)) in &by {
        let t = tot.entry(eco).or_default();
        t.0 += n;
        t.1 += d;
        t.2 += a;
        println!(
            "{eco}, {}: deny {}, ask {}, stopped (deny or ask) {}",
            if *all {
                "every version malicious"
            } else {
                "some versions malicious"
            },
            pct(*d, *n),
            pct(*a, *n),
            pct(d + a, *n)
        );
    }
    for (eco, (n, d, a)) in &tot {
        println!(
            "{eco}, all held-out rows: deny {}, ask {}, stopped {}",
            pct(*d, *n),
            pct(*a, *n),
            pct(d + a, *n)
        );
    }
}
