#!/usr/bin/env python3
"""Sandbox start-up benchmark: `palisade run` vs. bubblewrap, `codex sandbox`
and Claude Code's `srt`, in one run.

For each tool (see sandbox_tools.py for the exact invocations) and each
command (`true`, and `git status` in a generated git repository of 1000
files), the wall time from spawn to exit: time.perf_counter_ns() around
subprocess.run(), stdout to /dev/null, stderr captured. The tools run in
interleaved rounds (one run of every tool, then the next round, each round
starting one tool further along), so machine noise falls on all of them
alike, after a few untimed warm-up runs each.

Standard library only (Python 3.11+). See bench/README.md.

  python3 bench/sandbox_startup.py                       # N = 50 per tool and command
  python3 bench/sandbox_startup.py --n 200 --only palisade bwrap
  python3 bench/sandbox_startup.py --docs docs/BENCHMARKS.md   # also refresh the doc's table
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sandbox_tools as st  # noqa: E402

GOALS_MS = {"true": 5.0, "git status": 6.0}  # issue #6, palisade run medians


def make_repo(parent: Path, files: int) -> Path:
    """A git repository with `files` committed files in 20 directories, then 3
    of them modified and 2 untracked files added, so `git status` has
    something to say. Deterministic content."""
    repo = Path(tempfile.mkdtemp(prefix="palisade-bench-repo-", dir=parent))
    dirs = 20
    for i in range(files):
        d = repo / f"src{i % dirs:02d}"
        d.mkdir(exist_ok=True)
        body = "".join(f"fn f{i}_{k}(x: u32) -> u32 {{ x.wrapping_mul({k + 3}) ^ {i} }}\n" for k in range(16))
        (d / f"mod{i:04d}.rs").write_text(body)
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    def git(*a):
        subprocess.run(["git", "-C", str(repo), *a], check=True, env=env, capture_output=True)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "generated")
    for i in (1, files // 2, files - 1):
        p = repo / f"src{i % dirs:02d}" / f"mod{i:04d}.rs"
        p.write_text(p.read_text() + "// changed\n")
    (repo / "notes.txt").write_text("untracked\n")
    (repo / "src00" / "new.rs").write_text("fn new() {}\n")
    git("status")  # refresh the index once, untimed
    return repo


def run_once(argv: list[str], cwd: Path) -> tuple[int, int, int, str]:
    """(wall ns, CPU ns, exit status, stderr tail). CPU = user + system time of
    the process and every descendant it waited for (wait4), which machine load
    disturbs far less than wall time."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter_ns()
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-400:].decode(errors="replace")
    return t1 - t0, int((ru.ru_utime + ru.ru_stime) * 1e9), p.returncode, tail


def summarize(ns: list[int]) -> dict:
    ms = [x / 1e6 for x in ns]
    return {"n": len(ms), "p50": st.percentile(ms, 0.5), "p90": st.percentile(ms, 0.9),
            "mean": sum(ms) / len(ms) if ms else float("nan"), "min": min(ms) if ms else float("nan")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--palisade", type=Path, default=st.ROOT / "target" / "release" / "palisade")
    ap.add_argument("--n", type=int, default=50, help="timed runs per tool and command (default 50)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None, help="tool names (see sandbox_tools.py)")
    ap.add_argument("--files", type=int, default=1000, help="files in the generated git repository")
    ap.add_argument("--workdir", type=Path, default=Path("/var/tmp"),
                    help="where the generated repository goes (default /var/tmp)")
    ap.add_argument("--out", type=Path, default=st.HERE / "results" / "sandbox-startup.json")
    ap.add_argument("--docs", type=Path, default=None,
                    help="replace the <!-- sandbox-startup:start/end --> block of this file")
    ap.add_argument("--keep", action="store_true", help="keep the generated repository")
    a = ap.parse_args()

    palisade = a.palisade.resolve()
    work = Path(tempfile.mkdtemp(prefix="palisade-bench-sandbox-", dir=a.workdir))
    want = a.only or ["unconfined", "palisade", "palisade-net", "bwrap", "codex", "codex-native", "srt"]
    tools = st.tools(palisade, work / "settings", want)
    missing = [w for w in want if w not in tools]
    repo = make_repo(work, a.files)
    cmds = {"true": ["true"], "git status": ["git", "status"]}
    load_before = st.loadavg()

    # warm-up; a tool that fails here is reported and dropped
    failed: dict[str, str] = {}
    for name, t in tools.items():
        for label, cmd in cmds.items():
            for _ in range(a.warmup):
                _, _, rc, err = run_once(t.argv(cmd, repo), repo)
                if rc != 0:
                    failed[name] = f"`{label}` exited {rc}: {err.strip()}"
                    break
    for name in failed:
        print(f"[sandbox-startup] {name} failed in warm-up: {failed[name]}", file=sys.stderr)
        tools.pop(name)

    times: dict[str, dict[str, list[int]]] = {n: {c: [] for c in cmds} for n in tools}
    cpu: dict[str, dict[str, list[int]]] = {n: {c: [] for c in cmds} for n in tools}
    order = list(tools)
    t_start = time.time()
    for r in range(a.n):
        rot = order[r % len(order):] + order[: r % len(order)]
        for label, cmd in cmds.items():
            for name in rot:
                ns, cpu_ns, rc, err = run_once(tools[name].argv(cmd, repo), repo)
                if rc != 0:
                    print(f"[sandbox-startup] {name} `{label}` exited {rc}: {err}", file=sys.stderr)
                times[name][label].append(ns)
                cpu[name][label].append(cpu_ns)
        if (r + 1) % 10 == 0:
            print(f"[sandbox-startup] round {r + 1}/{a.n} ({time.time() - t_start:.0f} s)", file=sys.stderr)
    load_after = st.loadavg()

    res = {
        "machine": st.machine(), "load_before": load_before, "load_after": load_after,
        "n": a.n, "warmup": a.warmup, "files": a.files, "versions": st.versions(palisade),
        "tools": {n: {"label": t.label, "invocation": t.shown(), "note": t.note} for n, t in tools.items()},
        "failed": failed, "missing": missing,
        "results": {n: {c: summarize(v) | {"cpu_p50": st.percentile([x / 1e6 for x in cpu[n][c]], 0.5)}
                        for c, v in per.items()} for n, per in times.items()},
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2))
    md = markdown(res)
    print(md)
    if a.docs:
        if st.write_docs_block(a.docs, "sandbox-startup", md):
            print(f"[sandbox-startup] updated {a.docs}", file=sys.stderr)
        else:
            print(f"[sandbox-startup] no sandbox-startup markers in {a.docs}; not changed", file=sys.stderr)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"[sandbox-startup] kept {work}", file=sys.stderr)
    return 0


def markdown(res: dict) -> str:
    m = res["machine"]
    out = [
        f"Generated by `python3 bench/sandbox_startup.py` on {m['date']}: {m['cpus']} CPUs, {m['model']}, "
        f"Linux {m['kernel']}; load average {res['load_before']} before, {res['load_after']} after. "
        f"N = {res['n']} timed runs per tool and command in interleaved rounds, after {res['warmup']} "
        f"warm-up runs; wall time from spawn to exit. `git status` runs in a generated repository of "
        f"{res['files']} committed files (3 modified, 2 untracked). CPU = user + system time of the "
        f"tool and the descendants it waited for (wait4). For bwrap and srt (which runs bwrap) that leaves "
        f"out the command itself: it runs as PID 1 of a new PID namespace, whose time bwrap never collects "
        f"with wait, so their CPU is the sandbox's own cost only (a 300 ms busy loop adds ~0 ms there, "
        f"~300 ms for the others).",
        "",
    ]
    base = res["results"].get("unconfined", {})
    for cmd in ("true", "git status"):
        out += [f"`{cmd}`:", "",
                "| tool | median ms | p90 ms | mean ms | min ms | median − unconfined | CPU median ms |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for name, per in res["results"].items():
            s = per[cmd]
            extra = ""
            if base and name != "unconfined":
                extra = f"{s['p50'] - base[cmd]['p50']:+.1f} ms"
            out.append(f"| {res['tools'][name]['label']} | {s['p50']:.2f} | {s['p90']:.2f} | "
                       f"{s['mean']:.2f} | {s['min']:.2f} | {extra} | {s['cpu_p50']:.2f} |")
        out.append("")
    p = res["results"].get("palisade")
    if p:
        goals = [f"`{c}` median {p[c]['p50']:.2f} ms (goal ≤ {g:g} ms: {'met' if p[c]['p50'] <= g else 'NOT met'})"
                 for c, g in GOALS_MS.items()]
        out += ["palisade run: " + "; ".join(goals) + ".", ""]
    out += ["Invocations (CMD = `true` or `git status`, run in the repository):", ""]
    for name, t in res["tools"].items():
        out.append(f"- {t['label']}: `{t['invocation']}`" + (f" ({t['note']})" if t["note"] else ""))
    if res["failed"]:
        out += ["", "Failed (dropped): " + "; ".join(f"{k}: {v}" for k, v in res["failed"].items())]
    if res["missing"]:
        out += ["", "Not installed: " + ", ".join(res["missing"])]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
