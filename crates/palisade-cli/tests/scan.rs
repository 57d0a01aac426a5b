//! `palisade scan` through the real binary: directories, stdin, staged
//! changes, git history, SARIF (validated against the OASIS schema),
//! baselines, `palisade:allow` and `--output`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Made-up database passwords; the scanner reports them as
/// `secret.database.postgres`.
const OLD: &str = "Zr7qLm2Xv9Tk";
const NEW: &str = "Hq4vWm8Np2Rs";

fn db_url(password: &str) -> String {
    format!("DATABASE_URL = 'postgres://app:{password}@db.internal/app'\n")
}

fn scan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .arg("scan")
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .expect("run palisade")
}

fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    git(d.path(), &["init", "-q", "-b", "main"]);
    d
}

fn assert_never_shown(o: &Output) {
    for s in [OLD, NEW] {
        assert!(
            !String::from_utf8_lossy(&o.stdout).contains(s),
            "secret on stdout"
        );
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains(s),
            "secret on stderr"
        );
    }
}

#[test]
fn staged_reports_only_the_lines_the_commit_adds() {
    let d = repo();
    let p = d.path();
    std::fs::write(p.join("app.py"), format!("import os\n{}", db_url(OLD))).unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "old secret, already reviewed"]);
    std::fs::write(
        p.join("app.py"),
        format!("import os\n{}x = 1\n{}", db_url(OLD), db_url(NEW)),
    )
    .unwrap();
    git(p, &["add", "app.py"]);
    let o = scan_in(p, &["--staged", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = json_lines(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["path"], "app.py");
    assert_eq!(f[0]["line"], 4, "line in the new file");
    assert_eq!(f[0]["rule_id"], "secret.database.postgres");
    assert_never_shown(&o);
    // Nothing staged: clean.
    git(p, &["commit", "-q", "-m", "new"]);
    let o = scan_in(p, &["--staged"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn staged_outside_a_repository_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let o = scan_in(d.path(), &["--staged"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("git diff --cached failed"));
}

#[test]
fn git_history_finds_a_secret_that_was_removed_and_names_its_commit() {
    let d = repo();
    let p = d.path();
    std::fs::write(p.join("settings.py"), db_url(OLD)).unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "add settings"]);
    std::fs::write(
        p.join("settings.py"),
        "DATABASE_URL = os.environ['DATABASE_URL']\n",
    )
    .unwrap();
    git(p, &["commit", "-q", "-am", "read it from the environment"]);
    // The working tree is clean...
    let o = scan_in(p, &["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{:?}", json_lines(&o));
    // ...but history still holds it.
    let o = scan_in(p, &["--git-history", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = json_lines(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["path"], "settings.py");
    let first = Command::new("git")
        .args(["rev-list", "--max-parents=0", "HEAD"])
        .current_dir(p)
        .output()
        .unwrap();
    assert_eq!(
        f[0]["commit"].as_str(),
        Some(String::from_utf8_lossy(&first.stdout).trim())
    );
    assert_never_shown(&o);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("src")).unwrap();
    std::fs::write(d.path().join("src/db config.py"), db_url(OLD)).unwrap();
    std::fs::write(d.path().join("key.pem"), pem_key()).unwrap();
    let o = scan_in(d.path(), &["--format", "sarif", "-o", "out.sarif", "."]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "--output leaves stdout empty");
    let text = std::fs::read_to_string(d.path().join("out.sarif")).unwrap();
    assert!(!text.contains(OLD));
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "one run");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"src/db%20config.py"), "{uris:?}");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(rules[i]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("rotate"));
    }
    validate_against_schema(&d.path().join("out.sarif"));
}

/// Validates with the OASIS SARIF 2.1.0 schema fetched by
/// `tests/sarif/fetch-schema.sh` (`PALISADE_SARIF_SCHEMA`) and Python's
/// `jsonschema`. Skipped with a note when neither is set up, except in CI
/// (`CI` set), where it must run.
fn validate_against_schema(file: &Path) {
    let schema = std::env::var_os("PALISADE_SARIF_SCHEMA")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/sarif/sarif-schema-2.1.0.json");
            p.exists().then_some(p)
        });
    let Some(schema) = schema else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must validate SARIF: run tests/sarif/fetch-schema.sh"
        );
        eprintln!("skipped schema validation: run tests/sarif/fetch-schema.sh");
        return;
    };
    let o = Command::new("python3")
        .args([
            "-c",
            "import json,sys,jsonschema\n\
             s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2]))\n\
             jsonschema.validators.validator_for(s)(s).validate(d)\nprint('valid')",
        ])
        .arg(&schema)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    assert!(
        o.status.success(),
        "SARIF does not validate: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn pem_key() -> String {
    let body: String = (0..20)
        .map(|i| {
            let line: String = (0..64)
                .map(|j| char::from(b"Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc"[(i * 5 + j * 3) % 32]))
                .collect();
            line + "\n"
        })
        .collect();
    format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n")
}

#[test]
fn baseline_hides_reviewed_findings_and_reports_new_ones() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("a.py"), db_url(OLD)).unwrap();
    let o = scan_in(p, &["--write-baseline", "baseline.json", "a.py"]);
    assert_eq!(o.status.code(), Some(0));
    let baseline = std::fs::read_to_string(p.join("baseline.json")).unwrap();
    assert!(!baseline.contains(OLD), "the baseline holds no secret");
    let o = scan_in(p, &["--baseline", "baseline.json", "a.py"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 hidden by the baseline"));
    // The same secret moved to another file stays hidden; a new one is not.
    std::fs::write(p.join("b.py"), format!("{}{}", db_url(OLD), db_url(NEW))).unwrap();
    let o = scan_in(
        p,
        &["--baseline", "baseline.json", "--format", "json", "b.py"],
    );
    assert_eq!(o.status.code(), Some(1));
    let f = json_lines(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["line"], 2);
    // A broken baseline is an error, not "no findings".
    std::fs::write(p.join("bad.json"), "{").unwrap();
    let o = scan_in(p, &["--baseline", "bad.json", "a.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json"));
}

#[test]
fn palisade_allow_on_the_line_drops_only_that_finding() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let text = format!(
        "{}  # palisade:allow test fixture\n{}{}  # gitleaks:allow\n{}  # pragma: allowlist secret\n",
        db_url(OLD).trim_end(),
        db_url(NEW),
        db_url(NEW).trim_end(),
        db_url(NEW).trim_end(),
    );
    std::fs::write(p.join("t.py"), text).unwrap();
    let o = scan_in(p, &["--format", "json", "t.py"]);
    let f = json_lines(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["line"], 2);
}

#[test]
fn stdin_identical_files_and_human_output_with_rotation_advice() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir_all(p.join("x/y")).unwrap();
    std::fs::write(p.join("x/one.env"), db_url(OLD)).unwrap();
    std::fs::write(p.join("x/y/two.env"), db_url(OLD)).unwrap();
    std::fs::write(
        p.join("x/bin.dat"),
        b"\0\x01postgres://app:Zr7qLm2Xv9Tk@db/app",
    )
    .unwrap();
    let o = scan_in(p, &["x"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("one.env:1:"), "{out}");
    assert!(
        out.contains("two.env:1:"),
        "identical files are each reported: {out}"
    );
    assert!(!out.contains("bin.dat"), "binary skipped: {out}");
    assert!(out.contains("How to revoke or rotate"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 binary"));
    assert_never_shown(&o);

    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["scan", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("first\n{}", db_url(NEW)).as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let f = json_lines(&o);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0]["path"].as_str(), f[0]["line"].as_u64()),
        (Some("-"), Some(2))
    );
    assert!(f[0]["rotate"]
        .as_str()
        .is_some_and(|r| r.contains("password")));
}

#[test]
fn fail_on_high_ignores_lower_confidence_findings() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("c.py"), db_url(OLD)).unwrap(); // medium
    assert_eq!(
        scan_in(d.path(), &["--fail-on", "high", "c.py"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        scan_in(d.path(), &["--fail-on", "medium", "c.py"])
            .status
            .code(),
        Some(1)
    );
}

/// The shipped `.pre-commit-hooks.yaml`, run by the real pre-commit
/// framework (`pre-commit try-repo`) in a project whose staged change adds a
/// secret. Skipped with a note when pre-commit is not installed, except in
/// CI, where scripts/test.sh installs it.
#[test]
fn pre_commit_framework_runs_the_shipped_hook() {
    let have = Command::new("pre-commit").arg("--version").output();
    if !have.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the pre-commit hook test (pip install pre-commit)"
        );
        eprintln!("skipped: pre-commit is not installed");
        return;
    }
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_palisade")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let d = repo();
    let p = d.path();
    let run = |p: &Path| {
        Command::new("pre-commit")
            .args(["try-repo", "--verbose"])
            .arg(&ours)
            .arg("palisade-secrets")
            .current_dir(p)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", p.join(".pre-commit-home"))
            .output()
            .expect("run pre-commit")
    };
    std::fs::write(p.join(".gitignore"), ".pre-commit-home/\n").unwrap();
    std::fs::write(p.join("clean.py"), "print('hi')\n").unwrap();
    git(p, &["add", "."]);
    let o = run(p);
    assert!(
        o.status.success(),
        "clean change passes: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    std::fs::write(p.join("app.py"), db_url(NEW)).unwrap();
    git(p, &["add", "app.py"]);
    let o = run(p);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("secret.database.postgres"), "{out}");
    assert!(!out.contains(NEW), "{out}");
}

/// Attack: a staged file whose text makes `git diff` print what looks like a
/// file header (`+++ b/…`) and a hunk header right before the secret.
#[test]
fn staged_lines_that_mimic_diff_headers_cannot_hide_a_secret() {
    let d = repo();
    let p = d.path();
    std::fs::write(p.join("README.md"), "hello\n").unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "init"]);
    std::fs::write(
        p.join("notes.txt"),
        format!("++ b/decoy.txt\n@@ -1 +1 @@\n{}", db_url(NEW)),
    )
    .unwrap();
    git(p, &["add", "notes.txt"]);
    let o = scan_in(p, &["--staged", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = json_lines(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0]["path"].as_str(), f[0]["line"].as_u64()),
        (Some("notes.txt"), Some(3))
    );
}
