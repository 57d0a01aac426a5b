//! Accuracy and latency of the malicious-package lookup and the typosquat
//! heuristics (issue #7, item 4).
//!
//! ```text
//! cargo run --release -p palisade-supply --example supply_eval
//! ```
//!
//! - *embedded lookup*: every row of `data/malicious-names.tsv` that is
//!   embedded must be found (100 % expected);
//! - *typosquat recall on held-out rows*: the ~20 % of rows left out of the
//!   binary ([`palisade_supply::name::held_out`]) stand for malicious names
//!   reported after the snapshot; how many would the typosquat heuristics
//!   flag (ask)?
//! - *false blocks*: the 1,000 most-downloaded npm and PyPI names must get
//!   no deny (malicious, affected) and no typosquat flag;
//! - *asks on less popular legitimate names*: names ranked below the
//!   built-in list (5,001st and later in `data/popular/`) that the typosquat
//!   heuristics flag;
//! - latency per lookup, and the open/lookup time of an imported store of
//!   50,000 synthetic packages.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use palisade_supply::snapshot::{snapshot_bytes, snapshot_lookup};
use palisade_supply::{
    did_you_mean, name, typosquat, Certainty, Db, Ecosystem, Finding, Install, Source,
};

fn install(eco: Ecosystem, name: &str, version: Option<&str>) -> Install {
    Install {
        ecosystem: eco,
        name: name.to_string(),
        version: version.map(str::to_string),
        source: Source::Registry { index: None },
    }
}

fn denied(db: &Db, i: &Install) -> bool {
    db.lookup(i).iter().any(|f| {
        matches!(
            f,
            Finding::Malicious {
                certainty: Certainty::Affected,
                ..
            }
        )
    })
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        return "n/a".into();
    }
    format!("{n}/{d} = {:.1} %", 100.0 * n as f64 / d as f64)
}

fn main() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let tsv =
        std::fs::read_to_string(format!("{dir}/data/malicious-names.tsv")).unwrap_or_default();
    let db = Db::embedded();
    let mut embedded = BTreeMap::<&str, (usize, usize)>::new();
    let mut held = BTreeMap::<&str, (usize, usize, usize, usize)>::new();
    let mut leaked = 0;
    let mut held_examples = Vec::new();
    let mut all_eco_names: Vec<(Ecosystem, String)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(&eco_s), Some(&n), Some(&affected)) = (cols.first(), cols.get(1), cols.get(4))
        else {
            continue;
        };
        let eco = if eco_s == "npm" {
            Ecosystem::Npm
        } else {
            Ecosystem::PyPI
        };
        all_eco_names.push((eco, n.to_string()));
        if name::held_out(eco_s, n) {
            let e = held.entry(eco_s).or_default();
            let flagged = typosquat(eco, n);
            e.0 += 1;
            e.1 += usize::from(flagged.is_some());
            if affected == "all" {
                e.2 += 1;
                e.3 += usize::from(flagged.is_some());
            }
            if let Some(t) = flagged {
                if held_examples.len() < 12 {
                    held_examples.push(format!("{eco_s}:{n} -> {} ({:?})", t.target, t.how));
                }
            }
            if snapshot_lookup(eco, n).is_some() {
                leaked += 1;
            }
        } else {
            let e = embedded.entry(eco_s).or_default();
            e.0 += 1;
            let hit = snapshot_lookup(eco, n).is_some()
                && (affected != "all" || denied(&db, &install(eco, n, None)));
            e.1 += usize::from(hit);
        }
    }
    println!(
        "## Malicious lookup (embedded snapshot: {} bytes)",
        snapshot_bytes()
    );
    for (eco, (n, hit)) in &embedded {
        println!("embedded lookup on embedded rows, {eco}: {}", pct(*hit, *n));
    }
    println!("held-out rows found in the snapshot (must be 0): {leaked}");
    for (eco, (n, f, n_all, f_all)) in &held {
        println!("typosquat heuristic on held-out rows, {eco}: {} (rows with every version malicious: {})", pct(*f, *n), pct(*f_all, *n_all));
    }
    for e in &held_examples {
        println!("  e.g. {e}");
    }

    println!("\n## Popular names");
    for (eco, file) in [(Ecosystem::Npm, "npm"), (Ecosystem::PyPI, "pypi")] {
        let list =
            std::fs::read_to_string(format!("{dir}/data/popular/{file}.txt")).unwrap_or_default();
        let names: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
        let top = &names[..names.len().min(1000)];
        let blocks = top
            .iter()
            .filter(|n| denied(&db, &install(eco, n, None)))
            .count();
        let asks = top
            .iter()
            .filter(|n| !db.lookup(&install(eco, n, None)).is_empty())
            .count();
        let typos = top.iter().filter(|n| typosquat(eco, n).is_some()).count();
        println!("{file} top 1000: false blocks {blocks}, malicious-possibly asks {asks}, typosquat flags {typos}");
        let tail = names.get(5000..).unwrap_or(&[]);
        let flagged: Vec<String> = tail
            .iter()
            .filter_map(|n| typosquat(eco, n).map(|t| format!("{n} -> {} ({:?})", t.target, t.how)))
            .collect();
        let mal: Vec<&&str> = tail
            .iter()
            .filter(|n| denied(&db, &install(eco, n, None)))
            .collect();
        println!(
            "{file} ranks 5001-{}: typosquat flags {} ; denied as malicious: {:?}",
            names.len(),
            pct(flagged.len(), tail.len()),
            mal
        );
        for f in flagged.iter().take(15) {
            println!("  e.g. {f}");
        }
    }

    println!("\n## Latency (release build, warm, single thread)");
    let probes: Vec<(Ecosystem, String)> = all_eco_names
        .iter()
        .step_by(7)
        .cloned()
        .chain(
            [
                "react", "lodash", "requests", "numpy", "left-pad", "reqeusts",
            ]
            .iter()
            .map(|n| (Ecosystem::Npm, n.to_string())),
        )
        .collect();
    let rounds = 20;
    let t = Instant::now();
    for _ in 0..rounds {
        for (eco, n) in &probes {
            black_box(snapshot_lookup(*eco, n));
        }
    }
    let per = t.elapsed().as_nanos() as f64 / (rounds * probes.len()) as f64;
    println!("snapshot lookup: {per:.0} ns ({} probes)", probes.len());
    let installs: Vec<Install> = probes
        .iter()
        .map(|(e, n)| install(*e, n, Some("1.0.0")))
        .collect();
    let t = Instant::now();
    for _ in 0..rounds {
        for i in &installs {
            black_box(db.lookup(i));
        }
    }
    let per = t.elapsed().as_nanos() as f64 / (rounds * installs.len()) as f64;
    println!("Db::lookup (snapshot only): {per:.0} ns");
    let sample: Vec<&(Ecosystem, String)> = probes.iter().step_by(10).collect();
    let t = Instant::now();
    for (eco, n) in &sample {
        black_box(typosquat(*eco, n));
    }
    let per = t.elapsed().as_nanos() as f64 / sample.len() as f64;
    println!(
        "typosquat: {:.1} µs per name ({} names)",
        per / 1000.0,
        sample.len()
    );
    let t = Instant::now();
    for (eco, n) in &sample {
        black_box(did_you_mean(*eco, n));
    }
    let per = t.elapsed().as_nanos() as f64 / sample.len() as f64;
    println!("did_you_mean: {:.1} µs per name", per / 1000.0);

    // An imported store of 50,000 synthetic packages.
    let base = std::env::temp_dir().join(format!("palisade-supply-eval-{}", std::process::id()));
    let src = base.join("osv");
    let _ = std::fs::create_dir_all(&src);
    for i in 0..50_000 {
        let (eco, id) = if i % 2 == 0 {
            ("npm", format!("MAL-2099-{i}"))
        } else {
            ("PyPI", format!("GHSA-synt-{i:04}"))
        };
        let rec = format!(
            r#"{{"id":"{id}","modified":"2099-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"synthetic-pkg-{i}"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"1.{i}.0"}}]}}]}}]}}"#
        );
        let _ = std::fs::write(src.join(format!("{id}.json")), rec);
    }
    let into = base.join("db");
    let t = Instant::now();
    match palisade_supply::import(&src, &into) {
        Ok(r) => println!(
            "import of {} OSV files: {:.0} ms, store {} bytes",
            r.files,
            t.elapsed().as_secs_f64() * 1000.0,
            std::fs::metadata(&r.path).map(|m| m.len()).unwrap_or(0)
        ),
        Err(e) => println!("import failed: {e}"),
    }
    let t = Instant::now();
    let opened = palisade_supply::open(&into);
    println!(
        "open (cold process state, warm page cache): {:.1} µs",
        t.elapsed().as_nanos() as f64 / 1000.0
    );
    if let Ok(store) = opened {
        let t = Instant::now();
        let n = 2000;
        let mut hits = 0;
        for i in 0..n {
            let eco = if i % 2 == 0 {
                Ecosystem::Npm
            } else {
                Ecosystem::PyPI
            };
            hits += store
                .lookup(&install(
                    eco,
                    &format!("synthetic-pkg-{}", i * 25),
                    Some("1.0.0"),
                ))
                .len();
        }
        let per = t.elapsed().as_nanos() as f64 / f64::from(n);
        println!(
            "store lookup (50,000 packages, hit): {:.1} µs ({hits} findings)",
            per / 1000.0
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}
