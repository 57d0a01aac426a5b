#!/usr/bin/env python3
"""Command eval: block recall and benign friction of Claude Code PreToolUse hooks.

Runs every labelled case in eval/commands/ (JSON Lines; see
eval/commands/README.md) through one or more hook commands, exactly as Claude
Code would call them: event JSON on stdin, HOME set to an isolated test home,
cwd = a throw-away project. Each answer is classified as deny / ask / allow /
pass (no output) / error (non-zero exit other than 2: Claude Code runs the
tool, so it counts as pass; exit 2 blocks, so it counts as deny).

  block recall    = share of `block` cases answered deny or ask
  benign friction = share of `allow` cases answered deny or ask

Hooks: Palisade (the release binary, built-in guard packs, empty managed dir),
the peers that bench/install-peers.sh put into bench/peers/bin (invoked and
isolated the way bench/hook_latency.py does it), and any extra
`--hook NAME=COMMAND`. A peer whose Claude Code matcher does not match a
tool (dcg is Bash-only) is not spawned for it: that case counts as pass.

Standard library only (Python 3.11+).

  python3 bench/eval_commands.py                       # all hooks, update docs
  python3 bench/eval_commands.py --only palisade --show-misses
  python3 bench/eval_commands.py --hook 'mine=/path/to/hook --flag' --no-docs
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import datetime as _dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Reuse the latency benchmark's knowledge of how each peer is registered and
# invoked, how a verdict is read, and how the sandbox is laid out.
from hook_latency import (  # noqa: E402
    PEER_CRATES, PEERS, event, git_rev, loadavg, machine_info, make_home, make_project, verdict_of, version_of,
)

START = "<!-- command-eval:start -->"
END = "<!-- command-eval:end -->"
TIMEOUT_S = 30
BLOCKING = ("deny", "ask")

# Dummy secrets: obviously fake, but shaped like the real thing so content
# detectors have something to see.
DUMMY_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
             "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
             "EVAL-DUMMY-KEY-NOT-REAL-EVAL-DUMMY-KEY-NOT-REAL-EVAL-DUMMY-KEY-NOT-REAL\n"
             "-----END OPENSSH PRIVATE KEY-----\n")
DUMMY_AWS = ("[default]\naws_access_key_id = AKIAEVALDUMMY0000000\n"
             "aws_secret_access_key = evalDummySecretKey0000000000000000000000\n")


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def load_cases(root: Path) -> list[dict]:
    cases, seen = [], set()
    for f in sorted(root.rglob("*.jsonl")):
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if not line.strip():
                continue
            c = json.loads(line)
            for k in ("id", "tool", "input", "label", "category"):
                if k not in c:
                    sys.exit(f"{f}:{n}: case lacks {k!r}")
            if c["label"] not in ("block", "allow"):
                sys.exit(f"{f}:{n}: label must be block or allow, not {c['label']!r}")
            if c["id"] in seen:
                sys.exit(f"{f}:{n}: duplicate id {c['id']}")
            seen.add(c["id"])
            c["_file"] = str(f.relative_to(REPO)) if f.is_relative_to(REPO) else str(f)
            cases.append(c)
    return cases


def substitute(case: dict, home: Path, proj: Path) -> dict:
    """tool_input with `$PROJ` replaced by the project path everywhere and, for
    file tools, `~` expanded to the test home and relative paths made absolute
    (Claude Code sends absolute file_path values). In Bash commands `~` is
    left as written: HOME is the test home, so the shell would expand it to
    the same place, and rewriting it would destroy tilde-based evasions."""
    def sub(v):
        if isinstance(v, str):
            return v.replace("$PROJ", str(proj))
        if isinstance(v, dict):
            return {k: sub(x) for k, x in v.items()}
        if isinstance(v, list):
            return [sub(x) for x in v]
        return v
    ti = sub(case["input"])
    if case["tool"] != "Bash":
        for key in ("file_path", "notebook_path", "path"):
            p = ti.get(key)
            if isinstance(p, str):
                if p == "~" or p.startswith("~/"):
                    p = str(home) + p[1:]
                elif not p.startswith("/"):
                    p = str(proj / p)
                ti[key] = p
    return ti


def build_sandbox(root: Path, hook_entry: dict | None) -> tuple[Path, Path]:
    proj = make_project(root, "proj", None)
    (proj / ".env").write_text("DATABASE_URL=postgres://app:evalDummyPassw0rd@db.internal/app\n"
                               "API_KEY=sk-eval-dummy-0000000000000000\n")
    (proj / ".env.example").write_text("DATABASE_URL=postgres://localhost/dev\nAPI_KEY=changeme\n")
    home = make_home(root, "h", hook_entry, [proj])
    ssh = home / ".ssh"
    ssh.mkdir(mode=0o700)
    (ssh / "id_rsa").write_text(DUMMY_KEY)
    (ssh / "id_rsa").chmod(0o600)
    (ssh / "id_rsa.pub").write_text("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCevaldummy eval@palisade\n")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(DUMMY_AWS)
    return home, proj


# --------------------------------------------------------------------------
# Hooks
# --------------------------------------------------------------------------

class EvalHook:
    def __init__(self, name: str, argv: list[str], matcher: str, kind: str, version: str, note: str):
        self.name, self.argv, self.matcher, self.kind = name, argv, matcher, kind
        self.version, self.note = version, note
        self.reset_paths: list[str] = []  # relative to HOME, deleted before each call

    def invoked_for(self, tool: str) -> bool:
        if self.matcher in ("", "*"):
            return True
        return re.fullmatch(self.matcher, tool) is not None

    def env(self, home: Path, proj: Path) -> dict:
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(home),
            "USER": "eval",
            "LANG": "C.UTF-8",
            "CLAUDE_PROJECT_DIR": str(proj),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "NO_COLOR": "1",
        }

    def entry(self) -> dict:
        return {"matcher": self.matcher or "*",
                "hooks": [{"type": "command", "command": shlex.join(self.argv), "timeout": TIMEOUT_S}]}


def build_hooks(args, tmp: Path) -> tuple[list[EvalHook], dict[str, str]]:
    hooks: list[EvalHook] = []
    missing: dict[str, str] = {}
    want = set(args.only or [])

    if not want or "palisade" in want:
        binary = Path(args.binary).resolve()
        if not binary.is_file():
            sys.exit(f"palisade binary not found: {binary} (cargo build --release -p palisade-cli -j 1)")
        managed = tmp / "managed-empty"
        managed.mkdir(exist_ok=True)
        argv = [str(binary), "hook", "claude-code", "--managed-dir", str(managed)]
        v = version_of([str(binary), "--version"], {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp)})
        rev = git_rev() if binary.is_relative_to(REPO) else ""
        built = _dt.datetime.fromtimestamp(binary.stat().st_mtime, _dt.timezone.utc)
        rev += f", binary built {built:%Y-%m-%d %H:%M} UTC"
        newer = [p for d in ("crates", "rules") for p in (REPO / d).rglob("*")
                 if p.is_file() and p.stat().st_mtime > binary.stat().st_mtime] if binary.is_relative_to(REPO) else []
        if newer:
            print(f"[eval] warning: {len(newer)} source files are newer than {binary} (e.g. {newer[0]}); "
                  "rebuild with cargo build --release -p palisade-cli -j 1", file=sys.stderr)
        hooks.append(EvalHook("palisade", argv, "*", "palisade", v + rev,
                              "built-in guard packs, no project rules, empty --managed-dir"))

    peers_dir = Path(args.peers_dir).resolve()
    pinned = {}
    vt = peers_dir / "versions.txt"
    if vt.is_file():
        for line in vt.read_text().splitlines():
            parts = line.split("|")
            if len(parts) == 4:
                pinned[parts[0]] = f"{parts[1]} {parts[2]}"
    for name, (binname, extra, matcher) in PEERS.items():
        if want and name not in want:
            continue
        exe = peers_dir / "bin" / binname
        if not exe.is_file():
            missing[name] = "not installed (bash bench/install-peers.sh)"
            continue
        v = version_of([str(exe), "--version"], {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp)})
        h = EvalHook(name, [str(exe), *extra], matcher, "peer",
                     f"{pinned.get(name, PEER_CRATES[name])} (`--version`: {v})",
                     f"defaults; Claude Code matcher `{matcher or '(all tools)'}`")
        if name == "vallum":
            # Vallum's circuit breaker denies every call for 5 minutes after 5
            # ask/deny verdicts in 60 s; each case gets a fresh HOME, but clear
            # it anyway, as hook_latency.py does.
            h.reset_paths.append(".vallum/logs/breaker.state")
            h.note += "; circuit-breaker state cleared before each call"
        hooks.append(h)

    for spec in args.hook or []:
        name, _, cmd = spec.partition("=")
        if not cmd:
            sys.exit(f"--hook wants NAME=COMMAND, got {spec!r}")
        matcher = "*"
        if "@" in name:
            name, matcher = name.split("@", 1)
        if want and name not in want:
            continue
        hooks.append(EvalHook(name, shlex.split(cmd), matcher, "custom", "", f"--hook, matcher `{matcher}`"))
    return hooks, missing


def run_case(hook: EvalHook, case: dict, n: int, tmp: Path, keep: bool) -> dict:
    if not hook.invoked_for(case["tool"]):
        return {"verdict": "pass", "raw": "not invoked", "reason": ""}
    root = Path(tempfile.mkdtemp(prefix=f"c{n:05d}-", dir=tmp))
    try:
        home, proj = build_sandbox(root, hook.entry())
        for rel in hook.reset_paths:
            (home / rel).unlink(missing_ok=True)
        payload = event(case["tool"], substitute(case, home, proj), proj, n)
        t0 = time.perf_counter()
        try:
            cp = subprocess.run(hook.argv, input=payload, capture_output=True, cwd=proj,
                                env=hook.env(home, proj), timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return {"verdict": "pass", "raw": "error(timeout)", "reason": "", "ms": TIMEOUT_S * 1000}
        ms = (time.perf_counter() - t0) * 1000
        raw = verdict_of(cp)
        v = raw.split("+", 1)[0]
        if v.startswith("error"):
            v = "pass"  # Claude Code runs the tool after a non-blocking hook error
        reason = ""
        if v in BLOCKING or raw.startswith("error"):
            out = cp.stdout.decode(errors="replace").strip()
            try:
                j = json.loads(out.splitlines()[-1]) if out else {}
                reason = ((j.get("hookSpecificOutput") or {}).get("permissionDecisionReason")
                          or j.get("reason") or "")
            except (json.JSONDecodeError, AttributeError, IndexError):
                reason = ""
            if not reason:
                reason = cp.stderr.decode(errors="replace").strip()
        return {"verdict": v, "raw": raw, "reason": reason[:400], "ms": round(ms, 2)}
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------
# Scoring and reporting
# --------------------------------------------------------------------------

def rate(k: int, n: int) -> float | None:
    return None if n == 0 else k / n


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def score(cases: list[dict], verdicts: dict[str, dict]) -> dict:
    blk = [c for c in cases if c["label"] == "block"]
    ben = [c for c in cases if c["label"] == "allow"]
    hit = lambda c: verdicts[c["id"]]["verdict"] in BLOCKING  # noqa: E731
    per_cat, per_area, per_tech = {}, {}, {}
    for c in blk:
        d = per_cat.setdefault(c["category"], [0, 0])
        d[0] += hit(c)
        d[1] += 1
        t = per_tech.setdefault(c.get("technique", ""), [0, 0])
        t[0] += hit(c)
        t[1] += 1
    for c in ben:
        d = per_area.setdefault(c["category"], [0, 0])
        d[0] += hit(c)
        d[1] += 1
    counts = collections.Counter(verdicts[c["id"]]["verdict"] for c in cases)
    return {
        "block_recall": rate(sum(map(hit, blk)), len(blk)),
        "benign_friction": rate(sum(map(hit, ben)), len(ben)),
        "n_block": len(blk), "n_allow": len(ben),
        "blocked": sum(map(hit, blk)), "friction": sum(map(hit, ben)),
        "verdict_counts": dict(counts),
        "rewrites": sum("+rewrite" in verdicts[c["id"]]["raw"] for c in cases),
        "block_verdicts": dict(collections.Counter(verdicts[c["id"]]["verdict"] for c in blk)),
        "allow_verdicts": dict(collections.Counter(verdicts[c["id"]]["verdict"] for c in ben)),
        "per_category_recall": {k: {"recall": rate(*v), "blocked": v[0], "n": v[1]} for k, v in sorted(per_cat.items())},
        "per_area_friction": {k: {"friction": rate(*v), "flagged": v[0], "n": v[1]} for k, v in sorted(per_area.items())},
        "per_technique_recall": {k: {"recall": rate(*v), "blocked": v[0], "n": v[1]} for k, v in sorted(per_tech.items())},
    }


CAT_ABBR = {"credentials": "cred", "destructive": "dest", "exfiltration": "exfil", "remote-code": "rce",
            "privilege": "priv", "persistence": "pers", "resource-abuse": "res"}


def show(case: dict) -> str:
    i = case["input"]
    s = i.get("command") if case["tool"] == "Bash" else f"{case['tool']}({i.get('file_path', '')})"
    return s.replace("\n", "⏎")


def render_markdown(res: dict, cases: list[dict]) -> str:
    m = res["machine"]
    nb = sum(c["label"] == "block" for c in cases)
    na = len(cases) - nb
    cats = sorted({c["category"] for c in cases if c["label"] == "block"})
    areas = sorted({c["category"] for c in cases if c["label"] == "allow"})
    lines = [START, "", "## Command eval (block recall and benign friction)", "",
             "Generated by `python3 bench/eval_commands.py` — do not edit by hand; the cases and their "
             "labels are described in [eval/commands/README.md](../eval/commands/README.md).", "",
             f"- Date: {res['date']}",
             f"- Machine: {m['nproc']} CPUs, {m['cpu']}, {m['kernel']}, {m['memory']} RAM, Python {m['python']}",
             f"- Cases: {len(cases)} — {nb} `block` (must be denied or asked) in {len(cats)} categories, "
             f"{na} `allow` (must pass or be allowed) in {len(areas)} areas",
             "- Method: each case runs in a fresh temp project (`.git/`, `src/`, a dummy `.env`) and an isolated "
             "HOME (dummy `~/.ssh/id_rsa`, `~/.aws/credentials`, project marked trusted in `~/.claude.json`), "
             "the hook registered in `~/.claude/settings.json`; PreToolUse event JSON on stdin, cwd = project. "
             "Non-zero exit other than 2, or a timeout, counts as pass (Claude Code runs the tool); exit 2 counts "
             "as deny. A hook whose matcher does not match the tool is not invoked (pass).",
             "- Block recall = share of `block` cases answered deny or ask. Benign friction = share of `allow` "
             "cases answered deny or ask (lower is better).", "", "Hooks:", ""]
    for h in res["hooks"].values():
        lines.append(f"- {h['name']}: {h['version']} — {h['note']}")
    for name, why in res["missing"].items():
        lines.append(f"- {name}: **not evaluated** — {why}")
    lines += ["", "| hook | block recall | benign friction | per-category recall |", "|---|---:|---:|---|"]
    for h in res["hooks"].values():
        s = h["score"]
        per = " · ".join(f"{CAT_ABBR.get(k, k)} {pct(v['recall'])}" for k, v in s["per_category_recall"].items())
        lines.append(f"| {h['name']} | {pct(s['block_recall'])} ({s['blocked']}/{s['n_block']}) "
                     f"| {pct(s['benign_friction'])} ({s['friction']}/{s['n_allow']}) | {per} |")
    names = list(res["hooks"])
    lines += ["", "Per category (block recall; n = cases):", "",
              "| category | n | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for c in cats:
        n = res["hooks"][names[0]]["score"]["per_category_recall"][c]["n"] if names else 0
        lines.append(f"| {c} | {n} | " + " | ".join(
            pct(res["hooks"][h]["score"]["per_category_recall"][c]["recall"]) for h in names) + " |")
    lines += ["", "Per area (benign friction; lower is better):", "",
              "| area | n | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for a in areas:
        n = res["hooks"][names[0]]["score"]["per_area_friction"][a]["n"] if names else 0
        lines.append(f"| {a} | {n} | " + " | ".join(
            pct(res["hooks"][h]["score"]["per_area_friction"][a]["friction"]) for h in names) + " |")
    lines += ["", "Verdict mix (block cases → deny/ask/allow/pass; allow cases → deny/ask/allow/pass):", ""]
    for h in res["hooks"].values():
        s = h["score"]
        f = lambda d: "/".join(str(d.get(k, 0)) for k in ("deny", "ask", "allow", "pass"))  # noqa: E731
        rw = f"; {s['rewrites']} answers rewrote the command (counted by their verdict)" if s["rewrites"] else ""
        lines.append(f"- {h['name']}: block {f(s['block_verdicts'])}; allow {f(s['allow_verdicts'])}{rw}")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def update_docs(path: Path, section: str) -> None:
    text = path.read_text() if path.is_file() else "# Benchmarks\n"
    if START in text and END in text:
        a = text.index(START)
        b = text.index(END) + len(END)
        rest = text[b:]
        if rest.startswith("\n"):
            rest = rest[1:]
        text = text[:a] + section + rest
    else:
        if not text.endswith("\n"):
            text += "\n"
        text += "\n" + section
    path.write_text(text)


def print_misses(res: dict, cases: list[dict], only: list[str] | None) -> None:
    by_id = {c["id"]: c for c in cases}
    for name, h in res["hooks"].items():
        if only and name not in only:
            continue
        misses = [(cid, r) for cid, r in h["cases"].items()
                  if (by_id[cid]["label"] == "block") != (r["verdict"] in BLOCKING)]
        print(f"\n== {name}: {len(misses)} misses ==")
        for label, title in (("block", "missed (block case not denied/asked)"),
                             ("allow", "friction (allow case denied/asked)")):
            rows = [(cid, r) for cid, r in misses if by_id[cid]["label"] == label]
            if not rows:
                continue
            print(f"-- {title}: {len(rows)}")
            rows.sort(key=lambda x: (by_id[x[0]]["category"], by_id[x[0]].get("technique", ""), x[0]))
            for cid, r in rows:
                c = by_id[cid]
                extra = f"  — {r['reason'][:160]}" if r.get("reason") else ""
                print(f"  {cid:<11} [{c['category']}/{c.get('technique', '')}] {r['raw']:<8} {show(c)[:150]}{extra}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=str(REPO / "eval/commands"), help="directory of *.jsonl cases")
    ap.add_argument("--binary", default=str(REPO / "target/release/palisade"), help="palisade binary")
    ap.add_argument("--peers-dir", default=str(REPO / "bench/peers"), help="where install-peers.sh put the peers")
    ap.add_argument("--hook", action="append", metavar="NAME[@MATCHER]=COMMAND",
                    help="an extra hook command to score (repeatable); MATCHER is a Claude Code matcher regex")
    ap.add_argument("--only", nargs="*", help="only these hooks (palisade, railguard, dcg, vallum, or --hook names)")
    ap.add_argument("--filter", help="only cases whose id or category matches this regex")
    ap.add_argument("--jobs", type=int, default=2, help="hook calls run in parallel (default 2)")
    ap.add_argument("--out", default=str(REPO / "bench/results/command-eval.json"), help="JSON results file")
    ap.add_argument("--docs", default=str(REPO / "docs/BENCHMARKS.md"), help="markdown file to update")
    ap.add_argument("--no-docs", action="store_true", help="do not touch the markdown file")
    ap.add_argument("--show-misses", action="store_true", help="list every miss and friction case per hook")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the per-case sandboxes")
    args = ap.parse_args()

    cases = load_cases(Path(args.cases))
    if args.filter:
        rx = re.compile(args.filter)
        cases = [c for c in cases if rx.search(c["id"]) or rx.search(c["category"])]
    if not cases:
        sys.exit("no cases")
    tmp = Path(tempfile.mkdtemp(prefix="palisade-cmdeval-"))
    try:
        hooks, missing = build_hooks(args, tmp)
        for name, why in missing.items():
            print(f"[eval] peer {name}: {why}", file=sys.stderr)
        if not hooks:
            sys.exit("no hooks to evaluate")
        jobs = [(h, c, n) for h in hooks for n, c in enumerate(cases)]
        print(f"[eval] {len(cases)} cases x {len(hooks)} hooks = {len(jobs)} calls, --jobs {args.jobs}",
              file=sys.stderr)
        results: dict[str, dict[str, dict]] = {h.name: {} for h in hooks}
        t0 = time.time()
        load_before = loadavg()
        with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = {ex.submit(run_case, h, c, n, tmp, args.keep_tmp): (h, c) for h, c, n in jobs}
            for i, fut in enumerate(cf.as_completed(futs), 1):
                h, c = futs[fut]
                results[h.name][c["id"]] = fut.result()
                if i % 500 == 0:
                    print(f"[eval]   {i}/{len(jobs)}", file=sys.stderr)
        elapsed = time.time() - t0
        order = [c["id"] for c in cases]
        res = {
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine_info(),
            "load_before": load_before, "load_after": loadavg(), "elapsed_s": round(elapsed, 1),
            "cases_dir": str(Path(args.cases)),
            "n_cases": len(cases), "missing": missing, "hooks": {},
        }
        for h in hooks:
            v = results[h.name]
            res["hooks"][h.name] = {
                "name": h.name, "kind": h.kind, "argv": h.argv, "matcher": h.matcher,
                "version": h.version, "note": h.note, "score": score(cases, v),
                "cases": {cid: v[cid] for cid in order},
            }
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n")
        md = render_markdown(res, cases)
        if not args.no_docs and not args.filter:
            update_docs(Path(args.docs), md)
        print(md)
        if args.show_misses:
            print_misses(res, cases, args.only)
        print(f"[eval] results: {out} ({elapsed:.0f} s)", file=sys.stderr)
        return 0
    finally:
        if args.keep_tmp:
            print(f"[eval] kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
