//! `palisade run` as attacks: each test first shows the action works
//! unconfined, then that the sandbox stops it (or passes what it should).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn sh(dir: &Path, script: &str, sandboxed: bool, extra: &[&str]) -> Output {
    let mut c = if sandboxed {
        let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
        c.arg("run").args(extra).args(["--", "sh", "-c", script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    };
    c.current_dir(dir)
        .env("GITHUB_TOKEN", "ghp_not_a_real_token_for_tests_0000")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-real-key")
        .env("FOO", "bar")
        .output()
        .expect("run")
}

struct Dirs {
    _t: tempfile::TempDir,
    proj: std::path::PathBuf,
    outside: std::path::PathBuf,
}

fn dirs() -> Dirs {
    let t = tempfile::tempdir().unwrap();
    let proj = t.path().join("proj");
    let outside = t.path().join("outside");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    Dirs {
        proj: proj.canonicalize().unwrap(),
        outside: outside.canonicalize().unwrap(),
        _t: t,
    }
}

#[test]
fn writes_outside_the_project_are_refused_however_they_are_spelled() {
    let d = dirs();
    let target = d.outside.join("pwned");
    for script in [
        format!("echo x > {}", target.display()),
        "echo x > ../outside/pwned".to_string(),
        format!("mkdir {}/newdir", d.outside.display()),
        format!(
            "touch {}/f && mv {}/f {}/moved",
            d.proj.display(),
            d.proj.display(),
            d.outside.display()
        ),
    ] {
        let _ = std::fs::remove_file(&target);
        let _ = std::fs::remove_dir(d.outside.join("newdir"));
        let _ = std::fs::remove_file(d.outside.join("moved"));
        let free = sh(&d.proj, &script, false, &[]);
        assert!(free.status.success(), "works unconfined: {script}");
        for p in ["pwned", "newdir", "moved"] {
            let _ = std::fs::remove_file(d.outside.join(p));
            let _ = std::fs::remove_dir(d.outside.join(p));
        }
        let boxed = sh(&d.proj, &script, true, &[]);
        assert!(!boxed.status.success(), "sandboxed must fail: {script}");
        for p in ["pwned", "newdir", "moved"] {
            assert!(!d.outside.join(p).exists(), "{script} created {p}");
        }
    }
}

#[test]
fn symlink_and_hard_link_escapes_are_refused() {
    let d = dirs();
    std::fs::write(d.outside.join("victim"), "original").unwrap();
    std::os::unix::fs::symlink(&d.outside, d.proj.join("link")).unwrap();
    // A symlink made earlier, and one made during the run.
    for script in [
        "echo pwned > link/victim".to_string(),
        format!("ln -s {} l2 && echo pwned > l2/victim", d.outside.display()),
    ] {
        let _ = std::fs::remove_file(d.proj.join("l2"));
        let boxed = sh(&d.proj, &script, true, &[]);
        assert!(!boxed.status.success(), "{script}");
        assert_eq!(
            std::fs::read_to_string(d.outside.join("victim")).unwrap(),
            "original"
        );
    }
    // A hard link inside the project to a file outside cannot be made.
    let boxed = sh(
        &d.proj,
        &format!("ln {}/victim hard", d.outside.display()),
        true,
        &[],
    );
    assert!(!boxed.status.success());
    assert!(!d.proj.join("hard").exists());
    // Unconfined, the same symlink write works.
    assert!(sh(&d.proj, "echo pwned > link/victim", false, &[])
        .status
        .success());
}

#[test]
fn the_project_and_a_private_tmp_are_writable_and_the_status_passes_through() {
    let d = dirs();
    let o = sh(
        &d.proj,
        "echo ok > inside.txt && echo t > \"$TMPDIR/t\" && cat \"$TMPDIR/t\" && exit 7",
        true,
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "t\n");
    assert_eq!(
        std::fs::read_to_string(d.proj.join("inside.txt")).unwrap(),
        "ok\n"
    );
    // --allow-write adds a root.
    let o = sh(
        &d.proj,
        &format!("echo y > {}/allowed", d.outside.display()),
        true,
        &["--allow-write", d.outside.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Killed by a signal: 128 + N.
    assert_eq!(
        sh(&d.proj, "kill -TERM $$", true, &[]).status.code(),
        Some(143)
    );
    assert_eq!(
        sh(&d.proj, "exec no-such-program-xyz", true, &[])
            .status
            .code(),
        Some(127)
    );
}

#[test]
fn credentials_in_the_environment_do_not_reach_the_command() {
    let d = dirs();
    let script = "echo \"[$GITHUB_TOKEN][$AWS_SECRET_ACCESS_KEY][$FOO][$PATH]\"";
    let free = sh(&d.proj, script, false, &[]);
    assert!(String::from_utf8_lossy(&free.stdout).contains("ghp_not_a_real"));
    let boxed = sh(&d.proj, script, true, &["--verbose"]);
    let out = String::from_utf8_lossy(&boxed.stdout);
    assert!(out.starts_with("[][][]["), "{out}");
    assert!(!out.ends_with("[]\n"), "PATH passes: {out}");
    let err = String::from_utf8_lossy(&boxed.stderr);
    assert!(
        err.contains("GITHUB_TOKEN") && err.contains("AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );
    assert!(
        !err.contains("ghp_not_a_real"),
        "names only, never values: {err}"
    );
    let passed = sh(&d.proj, script, true, &["--env-pass", "FOO"]);
    assert!(String::from_utf8_lossy(&passed.stdout).starts_with("[][][bar]["));
}

/// ptrace, io_uring and process_vm_readv (on the parent: the agent) are
/// refused by the seccomp filter; unconfined they are not (`process_vm_readv`
/// at a bad address fails with EFAULT there, so the call was allowed).
#[cfg(target_arch = "x86_64")]
#[test]
fn the_seccomp_filter_refuses_process_and_kernel_attack_syscalls() {
    let d = dirs();
    let probe = d.proj.join("probe.py");
    std::fs::write(
        &probe,
        r#"import ctypes, ctypes.util, os
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.syscall.restype = ctypes.c_long
def err(r):
    return 0 if r >= 0 else ctypes.get_errno()
out = []
out.append(err(libc.ptrace(0, 0, None, None)))  # PTRACE_TRACEME
buf = ctypes.create_string_buffer(256)
out.append(err(libc.syscall(425, 4, buf)))  # io_uring_setup
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
local = ctypes.create_string_buffer(8)
l = iovec(ctypes.cast(local, ctypes.c_void_p), 8)
rm = iovec(0x10, 8)
out.append(err(libc.syscall(310, os.getppid(), ctypes.byref(l), 1, ctypes.byref(rm), 1, 0)))
print(" ".join(map(str, out)))
"#,
    )
    .unwrap();
    let run = |sandboxed: bool| {
        let o = sh(&d.proj, "python3 probe.py", sandboxed, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let free = run(false);
    let errnos: Vec<i32> = free.split(' ').map(|x| x.parse().unwrap()).collect();
    assert_eq!(errnos[0], 0, "ptrace works unconfined: {free}");
    assert_ne!(
        errnos[2], EPERM,
        "process_vm_readv is allowed unconfined: {free}"
    );
    assert_eq!(run(true), format!("{EPERM} {EPERM} {EPERM}"));
}

/// `EPERM` on Linux.
const EPERM: i32 = 1;

/// `~/.ssh`, `~/.aws`, `~/.netrc` (hidden by default) and a `--deny-read`
/// file cannot be read; unconfined they can.
#[test]
fn credential_paths_and_deny_read_paths_are_hidden() {
    let d = dirs();
    let home = d.outside.join("home");
    for (rel, text) in [
        (".ssh/id_ed25519", "SSH-PRIVATE"),
        (".aws/credentials", "AWS-CREDS"),
        (".netrc", "NETRC-PASSWORD"),
    ] {
        let p = home.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(d.proj.join(".env"), "DOTENV-SECRET").unwrap();
    let script =
        "cat ~/.ssh/id_ed25519 ~/.aws/credentials ~/.netrc .env 2>/dev/null; ls ~/.ssh; true";
    let run = |sandboxed: bool| {
        let mut c = if sandboxed {
            let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
            c.args(["run", "--deny-read", ".env", "--", "sh", "-c", script]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", script]);
            c
        };
        let o = c.current_dir(&d.proj).env("HOME", &home).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let free = run(false);
    for s in [
        "SSH-PRIVATE",
        "AWS-CREDS",
        "NETRC-PASSWORD",
        "DOTENV-SECRET",
        "id_ed25519",
    ] {
        assert!(free.contains(s), "readable unconfined: {s}");
    }
    let boxed = run(true);
    for s in [
        "SSH-PRIVATE",
        "AWS-CREDS",
        "NETRC-PASSWORD",
        "DOTENV-SECRET",
        "id_ed25519",
    ] {
        assert!(!boxed.contains(s), "hidden in the sandbox: {s}: {boxed}");
    }
    // The hidden paths are read-only too: nothing can be planted there.
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["run", "--allow-write"])
        .arg(&home)
        .args(["--", "sh", "-c", "echo evil > ~/.ssh/authorized_keys"])
        .current_dir(&d.proj)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!home.join(".ssh/authorized_keys").exists());
}

/// A server on the host's loopback (a stand-in for a local database, a
/// docker API or a metadata proxy) is reachable unconfined and with
/// `--allow-network`, not from the default sandbox; the sandbox's own
/// loopback still works.
#[test]
fn the_network_is_cut_off_by_default_including_host_loopback() {
    let d = dirs();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            drop(stream);
        }
    });
    let script = format!(
        "python3 -c \"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3); print('host:reached')\nexcept OSError: print('host:refused')\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); socket.create_connection(s.getsockname(), timeout=3); print('own:ok')\""
    );
    let out = |o: Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out(sh(&d.proj, &script, false, &[])).contains("host:reached"));
    let boxed = out(sh(&d.proj, &script, true, &[]));
    assert!(boxed.contains("host:refused"), "{boxed}");
    assert!(
        boxed.contains("own:ok"),
        "the sandbox's loopback works: {boxed}"
    );
    let open = out(sh(&d.proj, &script, true, &["--allow-network"]));
    assert!(open.contains("host:reached"), "{open}");
}

#[test]
fn profiles_change_what_is_writable_and_readable() {
    // read-only: not even the project is writable; the private tmp is.
    let d = dirs();
    let out = sh(
        &d.proj,
        "echo x > mine.txt",
        true,
        &["--profile", "read-only"],
    );
    assert!(!out.status.success(), "{out:?}");
    assert!(!d.proj.join("mine.txt").exists());
    let out = sh(
        &d.proj,
        "echo x > \"$TMPDIR/t\" && cat \"$TMPDIR/t\"",
        true,
        &["--profile", "read-only"],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x\n", "{out:?}");
    // untrusted: all of $HOME is hidden except the project inside it.
    let home = d.outside.join("home");
    let proj = home.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(home.join("notes.txt"), "private").unwrap();
    let run = |profile: &str| {
        Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(["run", "--profile", profile, "--", "sh", "-c"])
            .arg("cat ../notes.txt; echo ok > here.txt && cat here.txt")
            .current_dir(&proj)
            .env("HOME", &home)
            .output()
            .expect("run")
    };
    let out = run("workspace");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("private"),
        "{out:?}"
    );
    let out = run("untrusted");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("private"), "{out:?}");
    assert!(stdout.contains("ok"), "the project stays usable: {out:?}");
    // An unknown profile is a set-up error (exit 2) that lists the built-ins.
    let out = sh(&d.proj, "true", true, &["--profile", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("built-in: workspace"),
        "{out:?}"
    );
}
