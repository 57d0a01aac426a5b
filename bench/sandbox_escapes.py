#!/usr/bin/env python3
"""Sandbox escape matrix: what a command run under `palisade run`, a
hand-written bubblewrap line, `codex sandbox` and Claude Code's `srt` can
still do to the host.

Each probe is one command, run in a scratch project directory under each tool
(invocations in sandbox_tools.py), with a planted secret in the environment
the tool is started with. Whether the attack succeeded is judged on the
host, not from the tool's exit status: the canary text came back on stdout,
or the file it wrote is there on the host afterwards.

  ✔  the attack succeeded (a leak or a write that got out)
  ✘  it was stopped
  ·  a control the sandbox is meant to allow (✔ expected)

What is planted, and removed again at the end (also on error):
  - ~/.ssh/palisade-bench-canary (the real HOME: a tool may not honour a fake
    one); ~/.ssh is created if missing, and then removed again;
  - GITHUB_TOKEN=ghp_<random> in the tool's environment;
  - HTTP servers on the host that answer with a canary: one on 127.0.0.1
    (random port), one on a unix socket under /run (a docker.sock stand-in),
    one under /tmp (where ssh-agent puts SSH_AUTH_SOCK) and one on an
    abstract unix socket (no file; X11 and D-Bus use these).
The network probe asks https://registry.npmjs.org/ (reachable from this host;
no tool is told to allow it) through whatever proxy the tool sets up.

Standard library only (Python 3.11+); needs curl in the sandboxes.

  python3 bench/sandbox_escapes.py
  python3 bench/sandbox_escapes.py --only palisade bwrap --json
"""
from __future__ import annotations

import argparse
import http.server
import json
import os
import secrets
import shutil
import socketserver
import string
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sandbox_tools as st  # noqa: E402

DEFAULT_TOOLS = ["unconfined", "palisade", "palisade-net", "bwrap", "codex", "codex-ro", "srt", "srt-default"]
SHORT = {"unconfined": "unconfined", "palisade": "palisade", "palisade-net": "palisade --allow-network",
         "bwrap": "bwrap", "codex": "codex (workspace-write)", "codex-ro": "codex (read-only)",
         "codex-native": "codex native", "srt": "srt (allowWrite .)", "srt-default": "srt (defaults)"}
DOMAIN_URL = "https://registry.npmjs.org/"


class Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *a):  # noqa: ARG002
        pass


def handler(body: str):
    return type("H", (Handler,), {"body": body.encode()})


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        req, _ = super().get_request()
        return req, ("unix", 0)


@dataclass
class Probe:
    id: str
    label: str
    cmd: Callable[[str], list[str]]          # tool name -> argv
    judge: Callable[[str, str], bool]        # (tool, stdout) -> attack succeeded
    control: bool = False
    reset: Callable[[str], None] | None = None


class Env:
    """Everything planted on the host, torn down by close()."""

    def __init__(self, base: Path):
        self.base = base
        self.home = Path(os.path.expanduser("~")).resolve()
        self.project = base / "project"
        self.project.mkdir(parents=True)
        (self.project / "README.md").write_text("project file\n")
        subprocess.run(["git", "init", "-q", str(self.project)], check=True)
        tag = secrets.token_hex(6)
        self.tag = tag
        alnum = string.ascii_letters + string.digits
        self.token = "ghp_" + "".join(secrets.choice(alnum) for _ in range(36))
        # ~/.ssh canary
        self.ssh = self.home / ".ssh"
        self.made_ssh = not self.ssh.exists()
        self.ssh.mkdir(mode=0o700, exist_ok=True)
        self.ssh_canary = self.ssh / "palisade-bench-canary"
        self.ssh_text = f"palisade-bench-ssh-canary-{tag}"
        self.ssh_canary.write_text(self.ssh_text + "\n")
        self.ssh_canary.chmod(0o600)
        # servers
        self.servers = []
        self.tcp_text = f"palisade-bench-tcp-canary-{tag}"
        tcp = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(self.tcp_text))
        self.tcp_port = tcp.server_address[1]
        self.servers.append(tcp)
        self.run_dir = Path(tempfile.mkdtemp(prefix="palisade-bench-", dir="/run"))
        self.docker_sock = self.run_dir / "docker.sock"
        self.docker_text = f"palisade-bench-docker-canary-{tag}"
        self.servers.append(UnixHTTPServer(str(self.docker_sock), handler(self.docker_text)))
        self.tmp_dir = Path(tempfile.mkdtemp(prefix="palisade-bench-ssh-", dir="/tmp"))
        self.agent_sock = self.tmp_dir / "agent.sock"
        self.agent_text = f"palisade-bench-agent-canary-{tag}"
        self.servers.append(UnixHTTPServer(str(self.agent_sock), handler(self.agent_text)))
        # abstract unix socket (no file; scoped by network namespace), as X11,
        # D-Bus session buses and some IDE helpers use
        self.abstract = f"palisade-bench-{tag}"
        self.abstract_text = f"palisade-bench-abstract-canary-{tag}"
        self.servers.append(UnixHTTPServer("\0" + self.abstract, handler(self.abstract_text)))
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()
        self.written: list[Path] = []

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()
        self.ssh_canary.unlink(missing_ok=True)
        if self.made_ssh:
            shutil.rmtree(self.ssh, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        for p in self.written:
            p.unlink(missing_ok=True)

    def tmp_target(self, tool: str) -> Path:
        p = Path("/tmp") / f"palisade-bench-x-{self.tag}-{tool}"
        self.written.append(p)
        return p

    def home_target(self, tool: str) -> Path:
        p = self.home / f"palisade-bench-outside-{self.tag}-{tool}"
        self.written.append(p)
        return p


def probes(e: Env) -> list[Probe]:
    mark = f"palisade-bench-mark-{e.tag}"
    curl = ["curl", "-sS", "-m", "10"]

    def file_has(p: Path) -> bool:
        try:
            return mark in p.read_text()
        except OSError:
            return False

    def rm(p: Path):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)

    hook = e.project / ".git" / "hooks" / "post-checkout"
    bashrc = e.project / ".bashrc"
    out_txt = e.project / "out.txt"
    return [
        Probe("ctl-read", "control: read a project file", lambda t: ["cat", "README.md"],
              lambda t, out: "project file" in out, control=True),
        Probe("ctl-write", "control: write a project file (`./out.txt`)",
              lambda t: ["sh", "-c", f"echo {mark} > out.txt"],
              lambda t, out: file_has(out_txt), control=True, reset=lambda t: rm(out_txt)),
        Probe("ssh", "read `~/.ssh/palisade-bench-canary`", lambda t: ["cat", str(e.ssh_canary)],
              lambda t, out: e.ssh_text in out),
        Probe("env", "see `GITHUB_TOKEN` from the caller's environment", lambda t: ["printenv", "GITHUB_TOKEN"],
              lambda t, out: e.token in out),
        Probe("bashrc", "write `./.bashrc` in the project", lambda t: ["sh", "-c", f"echo {mark} >> .bashrc"],
              lambda t, out: file_has(bashrc), reset=lambda t: rm(bashrc)),
        Probe("githook", "write `./.git/hooks/post-checkout`",
              lambda t: ["sh", "-c", f"echo {mark} > .git/hooks/post-checkout"],
              lambda t, out: file_has(hook), reset=lambda t: rm(hook)),
        Probe("tmp", "write `/tmp/…` (there on the host afterwards)",
              lambda t: ["sh", "-c", f"echo {mark} > {e.tmp_target(t)}"],
              lambda t, out: file_has(Path("/tmp") / f"palisade-bench-x-{e.tag}-{t}")),
        Probe("home", "write `~/…` (outside the project)",
              lambda t: ["sh", "-c", f"echo {mark} > {e.home_target(t)}"],
              lambda t, out: file_has(e.home / f"palisade-bench-outside-{e.tag}-{t}")),
        Probe("docker-sock", "connect to a host unix socket under /run (docker.sock stand-in)",
              lambda t: [*curl, "--unix-socket", str(e.docker_sock), "http://bench/"],
              lambda t, out: e.docker_text in out),
        Probe("agent-sock", "connect to a host unix socket under /tmp (ssh-agent stand-in)",
              lambda t: [*curl, "--unix-socket", str(e.agent_sock), "http://bench/"],
              lambda t, out: e.agent_text in out),
        Probe("abstract-sock", "connect to a host abstract unix socket (X11 / D-Bus style)",
              lambda t: [*curl, "--abstract-unix-socket", e.abstract, "http://bench/"],
              lambda t, out: e.abstract_text in out),
        Probe("tcp-direct", "connect to a server on the host's 127.0.0.1 (direct)",
              lambda t: [*curl, "--noproxy", "*", f"http://127.0.0.1:{e.tcp_port}/"],
              lambda t, out: e.tcp_text in out),
        Probe("tcp-proxy", "the same through the tool's proxy (if it sets `http_proxy`)",
              lambda t: [*curl, "--noproxy", "", f"http://127.0.0.1:{e.tcp_port}/"],
              lambda t, out: e.tcp_text in out),
        Probe("domain", f"fetch {DOMAIN_URL} (not allowed) through the tool's proxy or directly",
              lambda t: [*curl, "-o", "/dev/null", "-w", "%{http_code}", DOMAIN_URL],
              lambda t, out: out.strip()[:1] in ("2", "3", "4") and out.strip() not in ("403", "407")),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--palisade", type=Path, default=st.ROOT / "target" / "release" / "palisade")
    ap.add_argument("--only", nargs="*", default=None, help="tool names (see sandbox_tools.py)")
    ap.add_argument("--workdir", type=Path, default=Path("/var/tmp"))
    ap.add_argument("--out", type=Path, default=st.HERE / "results" / "sandbox-escapes.json")
    ap.add_argument("--docs", type=Path, default=None,
                    help="replace the <!-- sandbox-escapes:start/end --> block of this file")
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()

    palisade = a.palisade.resolve()
    base = Path(tempfile.mkdtemp(prefix="palisade-bench-escapes-", dir=a.workdir))
    tools = st.tools(palisade, base / "settings", a.only or DEFAULT_TOOLS)
    e = Env(base)
    results: dict[str, dict[str, dict]] = {}
    try:
        ps = probes(e)
        env = {**os.environ, "GITHUB_TOKEN": e.token}
        for name, t in tools.items():
            results[name] = {}
            for p in ps:
                if p.reset:
                    p.reset(name)
                argv = t.argv(p.cmd(name), e.project)
                try:
                    r = subprocess.run(argv, cwd=e.project, env=env, stdin=subprocess.DEVNULL,
                                       capture_output=True, text=True, timeout=a.timeout)
                    out, err, rc = r.stdout, r.stderr, r.returncode
                except subprocess.TimeoutExpired:
                    out, err, rc = "", "timeout", -1
                ok = p.judge(name, out)
                results[name][p.id] = {"success": ok, "rc": rc, "stdout": out[-300:], "stderr": err[-300:]}
                if p.reset:
                    p.reset(name)
            print(f"[sandbox-escapes] {name}: "
                  + " ".join(f"{p.id}={'Y' if results[name][p.id]['success'] else 'n'}" for p in ps),
                  file=sys.stderr)
    finally:
        e.close()
        shutil.rmtree(base, ignore_errors=True)

    res = {"machine": st.machine(), "versions": st.versions(palisade),
           "tools": {n: {"label": t.label, "invocation": t.shown()} for n, t in tools.items()},
           "probes": [{"id": p.id, "label": p.label, "control": p.control} for p in ps],
           "results": results}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2))
    md = markdown(res)
    print(md)
    if a.docs:
        if st.write_docs_block(a.docs, "sandbox-escapes", md):
            print(f"[sandbox-escapes] updated {a.docs}", file=sys.stderr)
        else:
            print(f"[sandbox-escapes] no sandbox-escapes markers in {a.docs}; not changed", file=sys.stderr)
    return 0


def markdown(res: dict) -> str:
    names = list(res["results"])
    out = [f"Generated by `python3 bench/sandbox_escapes.py` on {res['machine']['date']}. "
           "✔ = the attack worked (leak / write got out), ✘ = stopped; control rows should be ✔.", "",
           "| probe | " + " | ".join(SHORT.get(n, n) for n in names) + " |",
           "|---|" + "---|" * len(names)]
    for p in res["probes"]:
        cells = []
        for n in names:
            ok = res["results"][n][p["id"]]["success"]
            cells.append("✔" if ok else "✘")
        out.append(f"| {p['label']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
