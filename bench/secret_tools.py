"""How to run each secret scanner over a directory and read back which files it
flagged. Shared by bench/secrets_accuracy.py and bench/secrets_throughput.py.
Standard library only.

Every tool runs with its *default* rules and detection settings; the only
flags are the ones needed to scan a plain directory (not a git repository),
to get machine-readable output, to stay offline (no live validation, no update
check), to use 2 threads where a tool has a thread option, and to report every
match rather than one per distinct secret value (so each file can be scored).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = Path(os.environ.get("SECRET_PEERS_DIR", HERE / "peers" / "secrets"))
THREADS = 2

ALL_TOOLS = ["palisade", "noseyparker", "kingfisher", "gitleaks", "detect-secrets", "ripsecrets"]


@dataclass
class Run:
    tool: str
    argv: list[str]
    wall_s: float
    max_rss_kib: int
    rc: int
    paths: list[str] = field(default_factory=list)  # one entry per finding (paths may repeat)
    stderr_tail: str = ""


def peer_bin(name: str) -> Path | None:
    p = PEERS / "bin" / name
    if p.exists():
        return p
    w = shutil.which(name)
    return Path(w) if w else None


def versions(palisade: Path) -> dict[str, str]:
    out = {}
    try:
        out["palisade"] = subprocess.run([str(palisade), "--version"], capture_output=True, text=True).stdout.strip()
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        out["palisade"] += f" (build of {rev})" if rev else ""
    except OSError:
        pass
    vf = PEERS / "versions.txt"
    if vf.exists():
        for line in vf.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                out[parts[0]] = f"{parts[1]} ({parts[2]})"
    return out


def available(palisade: Path) -> dict[str, Path]:
    tools = {}
    if palisade.exists():
        tools["palisade"] = palisade
    for t in ALL_TOOLS[1:]:
        b = peer_bin(t)
        if b:
            tools[t] = b
    return tools


def timed(argv: list[str], cwd: Path | None = None, stdout_path: Path | None = None,
          env: dict | None = None) -> tuple[float, int, int, str]:
    """Run argv; return (wall seconds, max RSS KiB of the process tree's largest
    child, exit code, stderr tail). stdout goes to stdout_path or /dev/null."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    errf = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=errf, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    errf.seek(0)
    tail = errf.read()[-2000:].decode(errors="replace")
    errf.close()
    return wall, ru.ru_maxrss, p.returncode, tail


def _walk_paths(obj, keys=("path", "File", "file", "filename")):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in keys and isinstance(v, str):
                yield v
            else:
                yield from _walk_paths(v, keys)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_paths(v, keys)


def command(tool: str, exe: Path, target: Path, work: Path) -> tuple[list[str], Path, dict | None]:
    """argv, path where the report lands, env."""
    rep = work / f"{tool}.report"
    env = dict(os.environ)
    if tool == "palisade":
        return [str(exe), "scan", str(target), "--format", "json"], rep, None
    if tool == "gitleaks":
        return [str(exe), "dir", str(target), "--report-format", "json", "--report-path", str(rep),
                "--no-banner", "--exit-code", "0", "--log-level", "error"], rep, None
    if tool == "kingfisher":
        return [str(exe), "scan", str(target), "--no-validate", "--no-dedup", "--no-update-check",
                "--format", "json", "--jobs", str(THREADS)], rep, None
    if tool == "detect-secrets":
        return [str(exe), "scan", "--all-files", str(target)], rep, None
    if tool == "ripsecrets":
        return [str(exe), "--strict-ignore", str(target)], rep, None
    if tool == "noseyparker":
        ds = work / "np.datastore"
        shutil.rmtree(ds, ignore_errors=True)
        env["NP_DATASTORE"] = str(ds)
        return [str(exe), "scan", "--datastore", str(ds), "--jobs", str(THREADS), "--progress", "never",
                "--ignore-certs", str(target)], rep, env
    raise ValueError(tool)


def run(tool: str, exe: Path, target: Path, work: Path) -> Run:
    argv, rep, env = command(tool, exe, target, work)
    stdout_path = None if tool == "gitleaks" else (work / f"{tool}.scan-stdout" if tool == "noseyparker" else rep)
    # run from inside the target: detect-secrets drops paths outside its cwd when cwd is a git work tree
    wall, rss, rc, err = timed(argv, cwd=target, stdout_path=stdout_path, env=env)
    r = Run(tool, argv, wall, rss, rc, stderr_tail=err)
    if tool == "noseyparker":
        ds = env["NP_DATASTORE"]
        # the report step is not part of the timed scan
        subprocess.run([str(exe), "report", "--datastore", ds, "--format", "json", "--progress", "never"],
                       stdout=open(rep, "wb"), stderr=subprocess.DEVNULL)
    r.paths = parse(tool, rep)
    return r


def json_docs(text: str) -> list:
    """All JSON values in text (some tools print more than one document)."""
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        try:
            v, i = dec.raw_decode(text, i)
        except json.JSONDecodeError:
            nl = text.find("\n", i)  # skip a non-JSON line
            if nl < 0:
                return out
            i = nl + 1
            continue
        out.append(v)


def parse(tool: str, rep: Path) -> list[str]:
    if not rep.exists() or rep.stat().st_size == 0:
        return []
    text = rep.read_text(errors="replace")
    if tool == "ripsecrets":
        # one finding per line: PATH:LINE:MATCH (ANSI colour codes stripped)
        import re
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
        out = []
        for line in text.splitlines():
            if ":" in line:
                out.append(line.split(":", 1)[0])
        return out
    if tool == "palisade":
        # JSON document, or JSON lines
        return list(_walk_paths(json_docs(text), keys=("path", "file")))
    doc = json_docs(text)
    if tool == "detect-secrets":
        doc = doc[0]
        return [p for p, hits in doc.get("results", {}).items() for _ in hits]
    if tool == "noseyparker":
        out = []
        for f in doc[0]:
            for m in f.get("matches", []):
                for prov in m.get("provenance", []):
                    if prov.get("kind") == "file" and "path" in prov:
                        out.append(prov["path"])
        return out
    return list(_walk_paths(doc))
