//! Shared set-up for the binary's integration tests: an isolated home with
//! a planted SSH key, a git project inside it, and an empty managed layer.

#![allow(dead_code)]

use std::path::PathBuf;

/// A throw-away home, project and managed-settings directory.
pub struct Env {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub proj: PathBuf,
    pub managed: PathBuf,
}

/// Creates `home/proj/.git`, `home/.ssh/id_rsa` and the (empty) managed dir path.
pub fn env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let proj = home.join("proj");
    std::fs::create_dir_all(proj.join(".git")).expect("mkdir");
    std::fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    std::fs::write(home.join(".ssh/id_rsa"), "PRIVATE").expect("write");
    let managed = dir.path().join("managed");
    Env {
        _dir: dir,
        home,
        proj,
        managed,
    }
}
