#!/usr/bin/env python3
"""Secret-scanner throughput: wall time, MB/s, max RSS and findings of palisade
and the installed peer scanners on a large tree and on one small file.

    apt-get install -y linux-source-6.1       # once: /usr/src/linux-source-6.1.tar.xz
    bash bench/install-secret-peers.sh        # peers, once (optional)
    cargo build --release -p palisade-cli
    python3 bench/secrets_throughput.py       # Markdown on stdout, JSON in bench/results/

Targets:
  linux  the Linux kernel source from Debian's linux-source package, extracted
         once into --cache (default /tmp/palisade-bench-cache; never in git)
  small  one ~100 KB file generated here (seeded): Python, JavaScript, YAML and
         shell code with 6 secrets in it

Every number is for the whole process (spawn to exit), with the file cache
warm (the tree is read once before timing). MB/s = bytes of all regular files
under the target / median wall time (1 MB = 10^6 bytes), whatever a tool chose
to skip. Max RSS comes from os.wait4's rusage (the largest of the process and
the children it waited for). Each tool uses 2 threads where it has an option
for it; see secret_tools.py for the exact command lines, which the results
record.

Options: --palisade PATH, --only TOOL (repeatable / comma-separated),
--target linux|small (repeatable), --runs-large N (default 3), --runs-small N
(default 10), --budget S (stop repeating a tool on a target once its runs took
S seconds in total; default 600), --timeout S (one run; default 1200).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import secret_tools as st  # noqa: E402
import secrets_accuracy as sa  # noqa: E402  (machine())


def linux_tree(cache: Path) -> Path:
    tars = sorted(glob.glob("/usr/src/linux-source-*.tar.xz"))
    if not tars:
        sys.exit("no /usr/src/linux-source-*.tar.xz: run `apt-get install -y linux-source-6.1` first")
    tar = Path(tars[-1])
    name = tar.name[: -len(".tar.xz")]
    dest = cache / name
    if not (dest / "Makefile").exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"[throughput] extracting {tar} into {cache} (once)", file=sys.stderr)
        subprocess.run(["tar", "-xJf", str(tar), "-C", str(cache)], check=True)
    return dest


def small_file(d: Path) -> Path:
    """~100 KB of ordinary code with 6 secrets, deterministic."""
    r = random.Random(7)
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    words = ["user", "order", "item", "price", "total", "cache", "client", "config", "request", "result", "value", "index"]
    secrets = [
        f'STRIPE_KEY = "sk_live_{"".join(r.choice(alnum) for _ in range(99))}"',
        f'const slackToken = "xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{"".join(r.choice(alnum) for _ in range(24))}";',
        f'aws_secret_access_key = "{"".join(r.choice(alnum + "+/") for _ in range(40))}"\naws_access_key_id = "AKIA{"".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))}"',
        f'export ANTHROPIC_API_KEY=sk-ant-api03-{"".join(r.choice(alnum + "-_") for _ in range(93))}AA',
        f'DATABASE_URL: "postgresql://app:{"".join(r.choice(alnum) for _ in range(14))}@db.internal:5432/app"',
        f'hf_token = "hf_{"".join(r.choice(alnum[:52]) for _ in range(34))}"',
    ]
    chunks, size, k = [], 0, 0
    while size < 100_000:
        w1, w2, w3 = r.sample(words, 3)
        kind = r.randrange(4)
        if kind == 0:
            c = f"def {w1}_{w2}({w3}, limit={r.randrange(100)}):\n    out = []\n    for {w1} in {w3}:\n        if {w1}.{w2} > limit:\n            out.append({w1})\n    return out\n\n"
        elif kind == 1:
            c = f"export function {w1}{w2.title()}({w3}) {{\n  const {w1} = {w3}.map((x) => x.{w2} * {r.randrange(1, 9)});\n  return {w1}.reduce((a, b) => a + b, 0);\n}}\n\n"
        elif kind == 2:
            c = f"{w1}:\n  {w2}: {r.randrange(10**6)}\n  {w3}: \"{w1}-{r.randrange(1000)}\"\n  enabled: {r.choice(['true', 'false'])}\n"
        else:
            c = f"# {w1} {w2}\nfor f in ./{w3}/*.log; do gzip -9 \"$f\"; done\necho \"{w1} done\" >> /var/log/{w2}.log\n"
        if size > (k + 1) * 100_000 / (len(secrets) + 1) and k < len(secrets):
            c += secrets[k] + "\n"
            k += 1
        chunks.append(c)
        size += len(c.encode())
    p = d / "small-100k.py"
    p.write_text("".join(chunks))
    return p


def tree_bytes(p: Path) -> tuple[int, int]:
    if p.is_file():
        return p.stat().st_size, 1
    total = files = 0
    for root, _, names in os.walk(p):
        for n in names:
            fp = os.path.join(root, n)
            if os.path.isfile(fp) and not os.path.islink(fp):
                total += os.path.getsize(fp)
                files += 1
    return total, files


def warm(p: Path):
    paths = [p] if p.is_file() else (Path(r) / n for r, _, ns in os.walk(p) for n in ns)
    for fp in paths:
        try:
            with open(fp, "rb") as f:
                while f.read(1 << 20):
                    pass
        except OSError:
            pass


def run_once(tool, exe, target, work, timeout):
    argv, rep, env = st.command(tool, exe, target, work)
    stdout_path = None if tool == "gitleaks" else (work / f"{tool}.scan-stdout" if tool == "noseyparker" else rep)
    cwd = target if target.is_dir() else target.parent
    try:
        wall, rss, rc, err = timed_with_timeout(argv, cwd, stdout_path, env, timeout)
    except TimeoutError:
        return None
    if tool == "noseyparker":
        subprocess.run([str(exe), "report", "--datastore", env["NP_DATASTORE"], "--format", "json", "--progress", "never"],
                       stdout=open(rep, "wb"), stderr=subprocess.DEVNULL)
    findings = len(st.parse(tool, rep))
    return {"wall_s": wall, "max_rss_kib": rss, "rc": rc, "findings": findings, "argv": argv}


def timed_with_timeout(argv, cwd, stdout_path, env, timeout):
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > timeout:
            os.killpg(p.pid, 9)
            os.wait4(p.pid, 0)
            raise TimeoutError
        time.sleep(0.002)
    wall = time.perf_counter() - t0
    if stdout_path:
        out.close()
    return wall, ru.ru_maxrss, os.waitstatus_to_exitcode(status), ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--palisade", type=Path, default=st.ROOT / "target" / "release" / "palisade")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--target", action="append", choices=["linux", "small"], default=[])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/palisade-bench-cache"))
    ap.add_argument("--runs-large", type=int, default=3)
    ap.add_argument("--runs-small", type=int, default=10)
    ap.add_argument("--budget", type=float, default=600)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--out", type=Path, default=st.HERE / "results" / "secrets-throughput.json")
    a = ap.parse_args()

    only = [t for o in a.only for t in o.split(",") if t]
    tools = st.available(a.palisade)
    if only:
        tools = {k: v for k, v in tools.items() if k in only}
    tmp = Path(tempfile.mkdtemp(prefix="secbench-tp-"))
    targets = {}
    for t in a.target or ["small", "linux"]:
        if t == "linux":
            targets["linux"] = (linux_tree(a.cache), a.runs_large)
        else:
            d = tmp / "small"
            d.mkdir()
            targets["small"] = (small_file(d), a.runs_small)

    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": sa.machine(),
           "loadavg_start": os.getloadavg(), "versions": st.versions(a.palisade), "threads": st.THREADS,
           "not_installed": [t for t in (only or st.ALL_TOOLS) if t not in tools], "targets": {}}
    for tname, (path, runs) in targets.items():
        nbytes, nfiles = tree_bytes(path)
        warm(path)
        res["targets"][tname] = {"path": str(path), "bytes": nbytes, "files": nfiles, "tools": {}}
        for tool, exe in tools.items():
            samples, spent = [], 0.0
            for i in range(runs):
                work = tmp / f"{tname}-{tool}-{i}"
                work.mkdir()
                print(f"[throughput] {tname}: {tool} run {i + 1}/{runs} ...", file=sys.stderr)
                s = run_once(tool, exe, path, work, a.timeout)
                if s is None:
                    print(f"[throughput]   timed out after {a.timeout:.0f} s", file=sys.stderr)
                    samples.append({"timeout": a.timeout})
                    break
                samples.append(s)
                spent += s["wall_s"]
                subprocess.run(["rm", "-rf", str(work)])
                if spent > a.budget and i + 1 < runs:
                    print(f"[throughput]   {spent:.0f} s spent: no more runs of {tool} on {tname}", file=sys.stderr)
                    break
            ok = [s for s in samples if "wall_s" in s]
            entry = {"runs": len(ok), "timeouts": len(samples) - len(ok),
                     "argv": [str(x).replace(str(tmp), "$TMP") for x in (ok[0]["argv"] if ok else [])]}
            if ok:
                med = statistics.median(s["wall_s"] for s in ok)
                entry.update({"wall_s_median": med, "wall_s_min": min(s["wall_s"] for s in ok),
                              "wall_s_all": [round(s["wall_s"], 4) for s in ok],
                              "mb_per_s": nbytes / 1e6 / med,
                              "max_rss_mib": max(s["max_rss_kib"] for s in ok) / 1024,
                              "findings": ok[0]["findings"], "rc": ok[0]["rc"]})
            res["targets"][tname]["tools"][tool] = entry
    res["loadavg_end"] = os.getloadavg()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2))
    subprocess.run(["rm", "-rf", str(tmp)])
    print(json.dumps(res, indent=2) if a.json else markdown(res))


def fmt_t(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def markdown(res):
    la0, la1 = res["loadavg_start"], res["loadavg_end"]
    out = [f"Secret-scanner throughput, {res['date']} — {res['machine']}; "
           f"load average {la0[0]:.1f} at start, {la1[0]:.1f} at end", ""]
    for tname, t in res["targets"].items():
        out.append(f"**{tname}**: {t['files']} files, {t['bytes'] / 1e6:.1f} MB")
        out.append("")
        out.append("| tool | runs | wall (median) | wall (min) | MB/s | max RSS | findings |")
        out.append("|---|---|---|---|---|---|---|")
        for tool, e in t["tools"].items():
            if not e.get("runs"):
                out.append(f"| {tool} | 0 | timed out | | | | |")
                continue
            out.append(f"| {tool} | {e['runs']} | {fmt_t(e['wall_s_median'])} | {fmt_t(e['wall_s_min'])} | "
                       f"{e['mb_per_s']:.1f} | {e['max_rss_mib']:.0f} MiB | {e['findings']} |")
        out.append("")
    out.append("Versions: " + "; ".join(f"{k} {v}" for k, v in res["versions"].items()))
    if res["not_installed"]:
        out.append("Not installed (not run): " + ", ".join(res["not_installed"]))
    return "\n".join(out)


if __name__ == "__main__":
    main()
