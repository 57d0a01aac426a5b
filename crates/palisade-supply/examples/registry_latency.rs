//! Measures what a registry look-up adds to the hook: a cold look-up
//! against the mock registry on 127.0.0.1 (HTTP client set-up, request,
//! JSON parse, cache write), a second cold look-up of another package in
//! the same process (client already set up), then warm look-ups answered
//! from the on-disk cache.
//!
//! ```text
//! cargo run --release -p palisade-supply --example registry_latency
//! cargo run --release -p palisade-supply --example registry_latency -- --real npm express
//! ```
//!
//! With `--real ECOSYSTEM NAME` the cold look-up goes to the real registry
//! (`npm`, `pypi`, `crates`, `rubygems`, `go`) instead of the mock.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;
#[path = "../tests/common/mock_registry.rs"]
mod mock_registry;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use palisade_supply::registry::{facts, RegistryConfig};
use palisade_supply::{Ecosystem, Install, Source};

const WARM_RUNS: usize = 1000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cache = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("cannot create a temporary cache directory: {e}");
            return ExitCode::from(2);
        }
    };
    // Kept alive for the whole run when used.
    let mock;
    let (config, install) = match args.as_slice() {
        [flag, ecosystem, name] if flag == "--real" => {
            let Some(ecosystem) = parse_ecosystem(ecosystem) else {
                eprintln!("unknown ecosystem `{ecosystem}`");
                return ExitCode::from(2);
            };
            let config = RegistryConfig {
                cache_dir: Some(cache.path().to_path_buf()),
                timeout: Duration::from_secs(10),
                ..RegistryConfig::default()
            };
            (config, install_of(ecosystem, name))
        }
        [] => {
            // 200 versions: the size of a well-used package (~0.1 MB).
            let versions: Vec<String> = (0..200)
                .map(|i| format!("1.{}.{}", i / 10, i % 10))
                .collect();
            let entries: Vec<fixtures::NpmVersion<'_>> = versions
                .iter()
                .enumerate()
                .map(|(i, v)| fixtures::npm_version(v, 1000.0 - i as f64 * 4.0))
                .collect();
            let doc = fixtures::npm_doc("left-pad", &entries, "1.19.9");
            println!(
                "mock packument: {} bytes, {} versions",
                doc.len(),
                versions.len()
            );
            mock = mock_registry::MockRegistry::start([
                ("/npm/left-pad", mock_registry::ok(doc.clone())),
                ("/npm/right-pad", mock_registry::ok(doc)),
            ]);
            let config = RegistryConfig {
                cache_dir: Some(cache.path().to_path_buf()),
                ..RegistryConfig::under(&mock.base_url())
            };
            (config, install_of(Ecosystem::Npm, "left-pad"))
        }
        _ => {
            eprintln!("usage: registry_latency [--real ECOSYSTEM NAME]");
            return ExitCode::from(2);
        }
    };

    let started = Instant::now();
    let cold = match facts(&install, &config) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cold look-up failed: {e}");
            return ExitCode::from(1);
        }
    };
    let cold_time = started.elapsed();
    println!(
        "cold look-up ({}): {:.2} ms; exists={} version={:?} scripts={:?}",
        config.base_url(install.ecosystem),
        ms(cold_time),
        cold.exists,
        cold.version.as_ref().map(|v| v.version.as_str()),
        cold.version.as_ref().map(|v| &v.install_scripts),
    );

    if args.is_empty() {
        let started = Instant::now();
        if let Err(e) = facts(&install_of(Ecosystem::Npm, "right-pad"), &config) {
            eprintln!("second cold look-up failed: {e}");
            return ExitCode::from(1);
        }
        println!(
            "second cold look-up, same process: {:.2} ms",
            ms(started.elapsed())
        );
    }

    let mut times = Vec::with_capacity(WARM_RUNS);
    for _ in 0..WARM_RUNS {
        let started = Instant::now();
        match facts(&install, &config) {
            Ok(f) if f.from_cache => times.push(started.elapsed()),
            Ok(_) => {
                eprintln!("warm look-up missed the cache");
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("warm look-up failed: {e}");
                return ExitCode::from(1);
            }
        }
    }
    times.sort();
    let pct = |p: usize| times[(times.len() - 1) * p / 100];
    println!(
        "warm look-up (cache), {WARM_RUNS} runs: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(pct(50)),
        ms(pct(99)),
        ms(pct(100)),
    );
    ExitCode::SUCCESS
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn parse_ecosystem(text: &str) -> Option<Ecosystem> {
    Some(match text {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "crates" => Ecosystem::CratesIo,
        "rubygems" => Ecosystem::RubyGems,
        "go" => Ecosystem::Go,
        _ => return None,
    })
}

fn install_of(ecosystem: Ecosystem, name: &str) -> Install {
    Install {
        ecosystem,
        name: name.into(),
        version: None,
        source: Source::Registry { index: None },
    }
}
