#!/usr/bin/env python3
"""Secret-scanner accuracy: recall and false-positive rate of palisade and the
installed peer scanners on two labelled sets.

    bash bench/install-secret-peers.sh          # peers, once (optional)
    cargo build --release -p palisade-cli
    python3 bench/secrets_accuracy.py           # Markdown table on stdout
    python3 bench/secrets_accuracy.py --json    # the same as JSON
    python3 bench/secrets_accuracy.py --only palisade --only gitleaks

Sets:
  noseyparker  /work/shared/eval/secrets/noseyparker-examples.jsonl, read in
               place (Apache-2.0 data; never copied into this repository)
  vendor       eval/secrets/vendor-formats.jsonl (ours; generated from vendor
               documentation by eval/secrets/generate_vendor_set.py)

Each example is written to its own file in a temporary directory (named
case_NNNNN.<ext>, the extension following the snippet's context for the vendor
set and .txt for the Nosey Parker set), each tool runs once over that
directory, and its findings are mapped back to files. An example counts as
detected when the tool reports at least one finding in its file, whatever the
rule. Recall is over label-1 examples tagged `secret`; the false-positive rate
is over all label-0 examples. Results also go to
bench/results/secrets-accuracy.json (gitignored) with per-provider recall and
the missed / falsely flagged examples per tool.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import secret_tools as st  # noqa: E402

NP_SET = Path(os.environ.get("NP_EXAMPLES", "/work/shared/eval/secrets/noseyparker-examples.jsonl"))
VENDOR_SET = st.ROOT / "eval" / "secrets" / "vendor-formats.jsonl"

EXT = {"python": ".py", "python-dict": ".py", "javascript": ".js", "typescript": ".ts", "go": ".go", "java": ".java",
       "ruby": ".rb", "rust": ".rs", "csharp": ".cs", "php": ".php", "dotenv": ".env", "yaml": ".yaml",
       "k8s-secret": ".yaml", "gha": ".yml", "json": ".json", "shell-history": ".sh", "curl": ".sh", "log": ".log",
       "dockerfile": ".dockerfile", "terraform": ".tf", "toml": ".toml", "ini": ".ini", "xml": ".xml",
       "jupyter": ".ipynb", "config": ".conf", "raw": ".txt", "mixed": ".txt"}


def load(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


def materialise(rows: list[dict], d: Path) -> dict[str, int]:
    d.mkdir(parents=True)
    names = {}
    for i, r in enumerate(rows):
        name = f"case_{i:05d}{EXT.get(r.get('context', 'raw'), '.txt')}"
        (d / name).write_text(r["text"] if r["text"].endswith("\n") else r["text"] + "\n")
        names[name] = i
    return names


def score(rows, names, flagged: set[int]):
    pos = [i for i, r in enumerate(rows) if r["label"] == 1 and "secret" in r.get("categories", [])]
    pos_all = [i for i, r in enumerate(rows) if r["label"] == 1]
    neg = [i for i, r in enumerate(rows) if r["label"] == 0]
    tp = [i for i in pos if i in flagged]
    fp = [i for i in neg if i in flagged]
    # Nosey Parker's negatives are per rule: a Slack bot token is a negative
    # example of its "Slack user token" rule and a positive of another. A
    # negative whose exact text is labelled 1 elsewhere in the set is a real
    # secret; "clean" negatives leave those out.
    positive_texts = {r["text"] for r in rows if r["label"] == 1}
    clean = [i for i in neg if rows[i]["text"] not in positive_texts]
    fp_clean = [i for i in clean if i in flagged]
    by_prov = collections.defaultdict(lambda: [0, 0])
    for i in pos:
        key = rows[i].get("provider") or rows[i].get("rule_name", "?")
        by_prov[key][1] += 1
        by_prov[key][0] += i in flagged
    return {
        "positives": len(pos), "detected": len(tp), "recall": len(tp) / len(pos) if pos else None,
        "positives_all_labels": len(pos_all), "detected_all_labels": sum(i in flagged for i in pos_all),
        "negatives": len(neg), "false_positives": len(fp), "fpr": len(fp) / len(neg) if neg else None,
        "clean_negatives": len(clean), "clean_false_positives": len(fp_clean),
        "clean_fpr": len(fp_clean) / len(clean) if clean else None,
        "by_provider": {k: {"detected": v[0], "of": v[1]} for k, v in sorted(by_prov.items())},
        "missed": [ident(rows[i]) for i in pos if i not in flagged],
        "false_positive_examples": [ident(rows[i]) | {"text": rows[i]["text"][:200]} for i in fp],
    }


def ident(r):
    return {"rule": r.get("rule_id"), "provider": r.get("provider") or r.get("rule_name"),
            "kind": r.get("negative_kind") or r.get("format") or r.get("rule_name")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--palisade", type=Path, default=st.ROOT / "target" / "release" / "palisade")
    ap.add_argument("--only", action="append", default=[], help="tool to run (repeatable, or comma-separated)")
    ap.add_argument("--set", action="append", choices=["noseyparker", "vendor"], default=[])
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    ap.add_argument("--out", type=Path, default=st.HERE / "results" / "secrets-accuracy.json")
    ap.add_argument("--keep-tmp", action="store_true")
    a = ap.parse_args()

    only = [t for o in a.only for t in o.split(",") if t]
    tools = st.available(a.palisade)
    if only:
        tools = {k: v for k, v in tools.items() if k in only}
    missing = [t for t in (only or st.ALL_TOOLS) if t not in tools]
    sets = {}
    if not a.set or "noseyparker" in a.set:
        if NP_SET.exists():
            sets["noseyparker"] = load(NP_SET)
        else:
            print(f"note: {NP_SET} not found; skipping that set", file=sys.stderr)
    if not a.set or "vendor" in a.set:
        sets["vendor"] = load(VENDOR_SET)

    tmp = Path(tempfile.mkdtemp(prefix="secbench-acc-"))
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
               "versions": st.versions(a.palisade), "not_installed": missing, "sets": {}}
    for sname, rows in sets.items():
        d = tmp / sname / "cases"
        names = materialise(rows, d)
        results["sets"][sname] = {"examples": len(rows), "tools": {}}
        for tool, exe in tools.items():
            work = tmp / sname / f"work-{tool}"
            work.mkdir(parents=True)
            print(f"[accuracy] {sname}: {tool} ...", file=sys.stderr)
            r = st.run(tool, exe, d, work)
            flagged = {names[Path(p).name] for p in r.paths if Path(p).name in names}
            s = score(rows, names, flagged)
            s.update({"argv": [str(x).replace(str(tmp), "$TMP") for x in r.argv], "wall_s": round(r.wall_s, 2), "rc": r.rc,
                      "findings": len(r.paths)})
            if not r.paths and r.rc not in (0, 1):
                s["stderr_tail"] = r.stderr_tail
            results["sets"][sname]["tools"][tool] = s
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, indent=2))
    if not a.keep_tmp:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept {tmp}", file=sys.stderr)
    print(json.dumps(results, indent=2) if a.json else markdown(results))


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def markdown(res):
    out = [f"Secret-scanner accuracy, {res['date']} — {res['machine']}", ""]
    for sname, s in res["sets"].items():
        out.append(f"**{sname} set** ({s['examples']} examples)")
        out.append("")
        out.append("| tool | recall (label 1, `secret`) | false-positive rate (label 0) "
                   "| FP rate, clean negatives¹ | findings | scan time |")
        out.append("|---|---|---|---|---|---|")
        for tool, t in s["tools"].items():
            out.append(f"| {tool} | {pct(t['recall'])} ({t['detected']}/{t['positives']}) | "
                       f"{pct(t['fpr'])} ({t['false_positives']}/{t['negatives']}) | "
                       f"{pct(t['clean_fpr'])} ({t['clean_false_positives']}/{t['clean_negatives']}) | "
                       f"{t['findings']} | {t['wall_s']:.2f} s |")
        out.append("")
    out.append("¹ Label-0 examples whose exact text is not labelled 1 elsewhere in the same set "
               "(Nosey Parker's negatives are per rule, so some are real secrets of another kind).")
    out.append("")
    out.append("Versions: " + "; ".join(f"{k} {v}" for k, v in res["versions"].items()))
    if res["not_installed"]:
        out.append("Not installed (not run): " + ", ".join(res["not_installed"]))
    return "\n".join(out)


if __name__ == "__main__":
    main()
