#!/usr/bin/env python3
"""What the dependency gate (issue #7) adds to a hook call.

Times the real `palisade hook claude-code` (release build), spawn to exit,
exactly as bench/hook_latency.py does (same event JSON, same spawn through
subprocess.run with pipes and no timeout= polling, same verdict parsing), on:

  git-status        Bash `git status`: not a package command, the gate's fast
                    path; the baseline the other cases are compared with
  npm-warm          Bash `npm install left-pad`, registry facts already in the
                    on-disk cache (filled by one untimed call first)
  npm-cold-mock     the same, cache emptied before each call (untimed): one
                    HTTP look-up against a mock npm registry on 127.0.0.1
  npm-offline       the same with `use_registry = false`: malicious lookup,
                    typosquat and source checks only
  pip-mal-offline   Bash `pip install aaiohttp` (a known-malicious name in the
                    embedded snapshot), `use_registry = false`
  pip-mal-cold-mock the same with the registry on (mock PyPI, which has no such
                    project), cache emptied before each call
  edit-other        Edit of notes.md (not a manifest): the baseline for Edits,
                    which pay for the secret checks of issue #5 whatever the file
  edit-pkg-warm     Edit of package.json adding one dependency
                    (`"right-pad": "^1.0.0"`), registry facts cached
  npm-real-cold     (separately, --real-n runs) `npm install left-pad` against
                    the real https://registry.npmjs.org, cache emptied before
                    each call: network

The mock registry is Python's http.server in a thread of this process,
serving a small npm packument (4 versions, 2019-2021, no install scripts) for
left-pad and right-pad, and 404 for everything else. Each case has its own
isolated HOME / XDG dirs; the user's palisade.toml sets `[supply.registries]`
to the mock (or `use_registry = false`).

Cases are run round-robin (one call of each, then the next round), after
warm-up calls, so machine noise falls on all of them alike.

Standard library only (Python 3.11+). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hook_latency as hl  # noqa: E402  (event, Hook, verdict_of, summary, machine_info, ...)

REPO = hl.REPO
START = "<!-- supply-latency:start -->"
END = "<!-- supply-latency:end -->"


# --------------------------------------------------------------------------
# Mock registry
# --------------------------------------------------------------------------

def packument(name: str) -> bytes:
    versions = {}
    time = {"created": "2019-01-10T10:00:00.000Z", "modified": "2021-03-01T10:00:00.000Z"}
    for i, v in enumerate(["1.0.0", "1.1.0", "1.2.0", "1.3.0"]):
        versions[v] = {
            "name": name, "version": v, "description": "pad a string", "license": "MIT",
            "main": "index.js", "scripts": {"test": "node test.js"}, "dependencies": {},
            "_id": f"{name}@{v}",
            "dist": {"shasum": "0" * 40, "integrity": "sha512-" + "A" * 86 + "==",
                     "tarball": f"https://registry.npmjs.org/{name}/-/{name}-{v}.tgz"},
        }
        time[v] = f"{2019 + i // 2}-0{1 + i}-10T10:00:00.000Z"
    return json.dumps({"_id": name, "name": name, "dist-tags": {"latest": "1.3.0"},
                       "versions": versions, "time": time}).encode()


class MockRegistry:
    def __init__(self) -> None:
        docs = {"/npm/left-pad": packument("left-pad"), "/npm/right-pad": packument("right-pad")}
        self.hits = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                outer.hits += 1
                body = docs.get(self.path.split("?")[0])
                code = 200 if body is not None else 404
                body = body if body is not None else b'{"error":"Not found"}'
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.packument_bytes = len(docs["/npm/left-pad"])

    def close(self) -> None:
        self.server.shutdown()


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

PKG_JSON = '{\n  "name": "demo",\n  "version": "1.0.0",\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  }\n}\n'

# id: (label, tool, input(project), home kind, cache: "warm" | "cold")
CASES = {
    "git-status": ("Bash `git status` (no install: fast path)", "Bash",
                   lambda p: {"command": "git status"}, "mock", "warm"),
    "npm-warm": ("Bash `npm install left-pad`, registry facts cached", "Bash",
                 lambda p: {"command": "npm install left-pad"}, "mock", "warm"),
    "npm-cold-mock": ("Bash `npm install left-pad`, cold: mock registry on 127.0.0.1", "Bash",
                      lambda p: {"command": "npm install left-pad"}, "mock", "cold"),
    "npm-offline": ("Bash `npm install left-pad`, `use_registry = false`", "Bash",
                    lambda p: {"command": "npm install left-pad"}, "offline", "warm"),
    "pip-mal-offline": ("Bash `pip install aaiohttp` (malicious), `use_registry = false`", "Bash",
                        lambda p: {"command": "pip install aaiohttp"}, "offline", "warm"),
    "pip-mal-cold-mock": ("Bash `pip install aaiohttp` (malicious), registry on, cold: mock", "Bash",
                          lambda p: {"command": "pip install aaiohttp"}, "mock", "cold"),
    "edit-other": ("Edit of a file that is not a manifest (`notes.md`): Edit baseline", "Edit",
                   lambda p: {"file_path": str(p / "notes.md"),
                              "old_string": "- left-pad",
                              "new_string": "- left-pad\n- right-pad"},
                   "mock", "warm"),
    "edit-pkg-warm": ("Edit package.json adding `right-pad`, registry facts cached", "Edit",
                      lambda p: {"file_path": str(p / "package.json"),
                                 "old_string": '"left-pad": "^1.3.0"',
                                 "new_string": '"left-pad": "^1.3.0",\n    "right-pad": "^1.0.0"'},
                      "mock", "warm"),
}
REAL = ("npm-real-cold", "Bash `npm install left-pad`, cold: real registry.npmjs.org (network)", "Bash",
        lambda p: {"command": "npm install left-pad"}, "real", "cold")


def make_project(root: Path) -> Path:
    p = root / "proj"
    (p / ".git").mkdir(parents=True)
    (p / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (p / "package.json").write_text(PKG_JSON)
    (p / "notes.md").write_text("# Notes\n\nDependencies:\n\n- left-pad\n")
    return p


def make_home(root: Path, name: str, kind: str, mock: MockRegistry, project: Path) -> Path:
    h = hl.make_home(root, name, None, [project])
    cfg = h / ".config" / "palisade"
    cfg.mkdir(parents=True)
    if kind == "mock":
        toml = f'[supply]\n\n[supply.registries]\nnpm = "{mock.base}/npm"\npypi = "{mock.base}/pypi"\n'
    elif kind == "offline":
        toml = "[supply]\nuse_registry = false\n"
    else:  # real: the defaults
        toml = "[supply]\n"
    (cfg / "palisade.toml").write_text(toml)
    return h


def build(args, tmp: Path, mock: MockRegistry):
    binary = Path(args.binary).resolve()
    if not binary.is_file():
        sys.exit(f"palisade binary not found: {binary} (cargo build --release -p palisade-cli)")
    project = make_project(tmp)
    managed = tmp / "managed-empty"
    managed.mkdir()
    argv = [str(binary), "hook", "claude-code", "--managed-dir", str(managed)]
    cases = dict(CASES)
    if args.real_n > 0:
        cases[REAL[0]] = REAL[1:]
    hooks = {}
    for cid, (label, tool, inp, kind, cache) in cases.items():
        home = make_home(tmp, cid, kind, mock, project)
        h = hl.Hook(cid, argv, "*", home, project, "", label, "palisade")
        h.payload = hl.event(tool, inp(project), project, 0)
        h.cache_kind = cache
        if cache == "cold":
            cdir = home / ".cache" / "palisade"
            h.reset = lambda cdir=cdir: shutil.rmtree(cdir, ignore_errors=True)
        hooks[cid] = h
    version = hl.version_of([str(binary), "--version"], next(iter(hooks.values())).env) + hl.git_rev()
    return hooks, version


def timed(h: hl.Hook, n: int, record: bool) -> None:
    for _ in range(n):
        wall, cpu, cp = h.run(h.payload)
        if not record:
            continue
        h.samples.setdefault(h.name, []).append(wall)
        h.cpu.setdefault(h.name, []).append(cpu)
        v = hl.verdict_of(cp)
        h.verdicts.setdefault(h.name, {})
        h.verdicts[h.name][v] = h.verdicts[h.name].get(v, 0) + 1
        if v.startswith("error") and h.name not in h.errors:
            h.errors[h.name] = cp.stderr.decode(errors="replace")[-400:]


def reasons_of(h: hl.Hook) -> str:
    """The rule ids in one answer (what the gate found)."""
    _, _, cp = h.run(h.payload)
    out = cp.stdout.decode(errors="replace") + cp.stderr.decode(errors="replace")
    ids = sorted(set(re.findall(r"supply\.[a-z-]+", out)))
    return ", ".join(ids) if ids else "–"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(REPO / "target/release/palisade"))
    ap.add_argument("--n", type=int, default=300, help="timed calls per case (default 300)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--real-n", type=int, default=5,
                    help="calls against the real npm registry, cache emptied each time (0: skip)")
    ap.add_argument("--docs", metavar="FILE", help="replace the supply-latency block in FILE")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--keep-tmp", action="store_true")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, hl._hung)

    tmp = Path(tempfile.mkdtemp(prefix="palisade-supply-bench-"))
    mock = MockRegistry()
    try:
        hooks, version = build(args, tmp, mock)
        load_before = hl.loadavg()
        date = _dt.datetime.now(_dt.timezone.utc).strftime("%a %b %e %H:%M:%S UTC %Y")
        found = {}
        for h in hooks.values():
            found[h.name] = reasons_of(h)  # also fills the warm caches
            if h.name != REAL[0]:
                timed(h, args.warmup, False)
        mock.hits = 0
        order = [c for c in hooks if c != REAL[0]]
        for r in range(args.n):
            k = r % len(order)
            for cid in order[k:] + order[:k]:
                timed(hooks[cid], 1, True)
        mock_hits = mock.hits
        if REAL[0] in hooks:
            timed(hooks[REAL[0]], args.real_n, True)
        load_after = hl.loadavg()
    finally:
        mock.close()
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)

    rows = []
    for cid, h in hooks.items():
        s = hl.summary(h.samples.get(cid, []))
        c = hl.summary(h.cpu.get(cid, []))
        bid = baseline_of(cid)
        base = hl.summary(hooks[bid].samples[bid])
        base_cpu = hl.summary(hooks[bid].cpu[bid])
        rows.append({"id": cid, "label": h.note, "wall": s, "cpu": c,
                     "verdicts": h.verdicts.get(cid, {}), "rules": found[cid],
                     "errors": h.errors.get(cid), "baseline": bid,
                     "delta_p50_ms": round(s["p50_ms"] - base["p50_ms"], 3) if s.get("n") else None,
                     "delta_cpu_p50_ms": round(c["p50_ms"] - base_cpu["p50_ms"], 3) if c.get("n") else None})
    res = {"date": date, "machine": hl.machine_info(), "load_before": load_before, "load_after": load_after,
           "palisade": version, "n": args.n, "warmup": args.warmup, "real_n": args.real_n,
           "mock_packument_bytes": mock.packument_bytes, "mock_requests_during_timing": mock_hits,
           "rows": rows}
    md = render(res)
    print(md)
    out = Path(args.json) if args.json else REPO / "bench" / "results" / (
        "supply_latency-" + _dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"\nwrote {out}", file=sys.stderr)
    if args.docs:
        path = Path(args.docs)
        text = path.read_text()
        if START not in text or END not in text:
            sys.exit(f"{path}: no {START} … {END} block")
        a, rest = text.split(START, 1)
        _, b = rest.split(END, 1)
        path.write_text(a + md + b)
        print(f"updated {path}", file=sys.stderr)
    return 0


def baseline_of(cid: str) -> str:
    """What a case is compared with: the same tool's call that never reaches the gate."""
    return "edit-other" if cid.startswith("edit-") else "git-status"


def render(res: dict) -> str:
    m = res["machine"]
    f = hl.fmt
    lines = [START, "",
             "Generated by `python3 bench/supply_latency.py` — see [bench/README.md](../bench/README.md).", "",
             f"- Date: {res['date']}",
             f"- Machine: {m['nproc']} CPUs, {m['cpu']}, {m['kernel']}, {m['memory']} RAM; "
             f"load average {res['load_before']} before, {res['load_after']} after",
             f"- Binary: {res['palisade']}",
             f"- Runs: N = {res['n']} timed calls per case, round-robin, after {res['warmup']} warm-up calls; "
             f"the real-registry case {res['real_n']} calls after them. Wall time spawn to exit; CPU = the hook "
             "process's user+system time",
             f"- Mock registry: Python http.server on 127.0.0.1, npm packument of {res['mock_packument_bytes']} bytes; "
             f"{res['mock_requests_during_timing']} requests reached it during the timed rounds", "",
             "| case | p50 ms | p90 ms | p99 ms | CPU p50 ms | added p50 (wall) | added CPU p50 | n | verdict | gate findings |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in res["rows"]:
        s, c = r["wall"], r["cpu"]
        if not s.get("n"):
            continue
        v = "/".join(f"{k}" if n == s["n"] else f"{k}×{n}" for k, n in sorted(r["verdicts"].items()))
        base = r["id"] == r["baseline"]
        d = "baseline" if base else f"{r['delta_p50_ms']:+.2f}"
        dc = "baseline" if base else f"{r['delta_cpu_p50_ms']:+.2f}"
        lines.append(f"| {r['label']} | {f(s['p50_ms'])} | {f(s['p90_ms'])} | {f(s['p99_ms'])} | "
                     f"{f(c['p50_ms'])} | {d} | {dc} | {s['n']} | {v} | {r['rules']} |")
    lines += ["", "Added = p50 of the case minus p50 of its baseline (Bash: `git status`, which the gate's "
              "fast path skips; Edit: the Edit of `notes.md`), wall and CPU. The real-registry row is "
              "network-bound and has few runs: read it as an order of magnitude.", "", END]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
