#!/usr/bin/env python3
"""Palisade's dependency gate vs. `npm audit` and `pip-audit` on the same
lockfiles (issue #7, item 4).

Two small lockfiles are generated:

  npm   package.json + package-lock.json (v3): lodash 4.17.15 and minimist
        1.2.0 (known vulnerabilities), left-pad 1.3.0 (clean), three names of
        the embedded malicious snapshot and two held-out malicious names
  PyPI  requirements.txt (pinned): requests 2.19.0 and urllib3 1.24.1 (known
        vulnerabilities), six 1.16.0 (clean), three embedded and two
        held-out malicious names

Malicious names come from crates/palisade-supply/data/malicious-names.tsv;
"held out" = one of the ~20 % of rows that are not embedded in the binary
(name::held_out), i.e. names reported after the snapshot. Every row used has
`affected = all`, so any version is malicious and the version in the lockfile
(1.0.0) is arbitrary.

Peers, run online (they have no offline mode):
  npm audit --json --package-lock-only     (POSTs to the registry's audit endpoint)
  pip-audit -r requirements.txt --no-deps --disable-pip -s pypi|osv -f json

Palisade, through the real hook (`palisade hook claude-code`, release build):
  per package: a Write of the lockfile whose only change from the file on
  disk is that one package (what the hook sees when an agent adds it), so
  every package gets its own verdict; and once the whole lockfile as a new
  file. Three configurations:
    offline   `use_registry = false`, the embedded database only
    registry  the default public registries (network; a few look-ups)
    import    `use_registry = false` after `palisade db update --from DIR`
              of an OSV directory assembled here (see osv_records())

Standard library only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers" / "supply"
TSV = REPO / "crates" / "palisade-supply" / "data" / "malicious-names.tsv"

# name: (version, integrity or None, label). Integrities of the real
# releases as npm wrote them into a lockfile (`npm install --package-lock-only`).
NPM = {
    "lodash": ("4.17.15", "sha512-8xOcRHvCjnocdS5cpwXQXVzmmh5e5+saE2QGoeQmbKmRS6J3VQppPOIt0MnmE+4xlZoumy0GPG0D0MVIQbNA1A==",
               "vulnerable"),
    "minimist": ("1.2.0", "sha512-7Wl+Jz+IGWuSdgsQEJ4JunV0si/iMhg42MnQQG6h1R6TNeVenp4U9x5CC5v/gYqz/fENLQITAWXidNtVL0NNbw==",
                 "vulnerable"),
    "left-pad": ("1.3.0", "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQGinBN9yTQT3bFlCBy/aVx2HrNcqQGsdot8ghrjyrvMCoEA==",
                 "clean"),
    "webpack-old": ("1.0.0", None, "malicious (embedded)"),
    "dir-size-analyzer": ("1.0.0", None, "malicious (embedded)"),
    "slg-shared-utils": ("1.0.0", None, "malicious (embedded)"),
    "auth0-authz": ("1.0.0", None, "malicious (held out)"),
    "wiki-site": ("1.0.0", None, "malicious (held out)"),
}
PYPI = {
    "requests": ("2.19.0", "vulnerable"),
    "urllib3": ("1.24.1", "vulnerable"),
    "six": ("1.16.0", "clean"),
    "aaiohttp": ("1.0.0", "malicious (embedded)"),
    "urlre": ("1.0.0", "malicious (embedded)"),
    "crypocompare": ("1.0.0", "malicious (embedded)"),
    "craftvirtual": ("1.0.0", "malicious (held out)"),
    "libultratool": ("1.0.0", "malicious (held out)"),
}

# The vulnerability advisories of the import: ids, aliases, severity and first
# fixed version as the GitHub Advisory Database publishes them; the ranges are
# simplified to [0, fixed).
VULNS = [
    ("GHSA-p6mc-m468-83gw", "CVE-2020-8203", "npm", "lodash", "4.17.19", "HIGH", "Prototype Pollution in lodash"),
    ("GHSA-xvch-5gv4-984h", "CVE-2021-44906", "npm", "minimist", "1.2.6", "CRITICAL",
     "Prototype Pollution in minimist"),
    ("GHSA-x84v-xcm2-53pg", "CVE-2018-18074", "PyPI", "requests", "2.20.0", "HIGH",
     "Insufficiently Protected Credentials in Requests"),
    ("GHSA-mh33-7rrq-662w", "CVE-2019-11324", "PyPI", "urllib3", "1.24.2", "HIGH",
     "Improper Certificate Validation in urllib3"),
]


def npm_lock(pkgs: dict) -> tuple[str, str]:
    deps = {n: v[0] for n, v in sorted(pkgs.items())}
    packages = {"": {"name": "demo", "version": "1.0.0", "dependencies": deps}}
    for n, (ver, integ, _) in sorted(pkgs.items()):
        e = {"version": ver, "resolved": f"https://registry.npmjs.org/{n}/-/{n}-{ver}.tgz"}
        if integ:
            e["integrity"] = integ
        packages[f"node_modules/{n}"] = e
    lock = {"name": "demo", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}
    manifest = {"name": "demo", "version": "1.0.0", "dependencies": deps}
    return json.dumps(manifest, indent=2) + "\n", json.dumps(lock, indent=2) + "\n"


def requirements(pkgs: dict) -> str:
    return "".join(f"{n}=={v[0]}\n" for n, v in pkgs.items())


def osv_records(out: Path) -> int:
    """The assembled OSV directory: the four vulnerability advisories above,
    and a MAL record for every malicious name of the two lockfiles, built
    from its row of malicious-names.tsv (id, every version affected), with
    `modified` = the snapshot's date, as a fresh export covering them would
    be."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for gid, cve, eco, name, fixed, sev, summary in VULNS:
        kind = "SEMVER" if eco == "npm" else "ECOSYSTEM"
        rec = {"id": gid, "modified": "2024-01-01T00:00:00Z", "aliases": [cve], "summary": summary,
               "affected": [{"package": {"ecosystem": eco, "name": name},
                             "ranges": [{"type": kind, "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
               "database_specific": {"severity": sev}}
        (out / f"{gid}.json").write_text(json.dumps(rec))
        n += 1
    wanted = {("npm", k) for k, v in NPM.items() if v[2].startswith("malicious")}
    wanted |= {("PyPI", k) for k, v in PYPI.items() if v[1].startswith("malicious")}
    for line in TSV.read_text().splitlines()[1:]:
        c = line.split("\t")
        if (c[0], c[1]) not in wanted:
            continue
        for mid in c[3].split(","):
            rec = {"id": mid, "modified": "2025-06-04T00:00:00Z", "summary": f"Malicious code in {c[1]} ({c[0]})",
                   "affected": [{"package": {"ecosystem": c[0], "name": c[1]},
                                 "ranges": [{"type": "SEMVER" if c[0] == "npm" else "ECOSYSTEM",
                                             "events": [{"introduced": "0"}]}]}]}
            (out / f"{mid}.json").write_text(json.dumps(rec))
            n += 1
    return n


def run(argv, cwd=None, env=None, inp=None, timeout=300):
    try:
        cp = subprocess.run(argv, cwd=cwd, env=env, input=inp, capture_output=True, timeout=timeout)
        return cp.returncode, cp.stdout.decode(errors="replace"), cp.stderr.decode(errors="replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "", str(e)


def last_error(err: str) -> str:
    lines = [ln.strip() for ln in err.strip().splitlines() if ln.strip()]
    m = re.search(r"Failed to resolve '([^']+)'[^)]*", err)
    if m:  # requests/urllib3 name-resolution failure
        return f"cannot resolve {m.group(1)} ({m.group(0)[:120]})"
    for ln in lines:  # an HTTP status says the most
        if re.search(r"\b[45]\d\d\b [A-Z]|ENOTFOUND|EAI_AGAIN", ln):
            return ln[:220]
    for ln in reversed(lines):
        if re.search(r"error|Error|405|Failed|refused|resolve", ln):
            return ln[:220]
    return (lines[-1] if lines else "")[:220]


# --------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------

def npm_audit(d: Path) -> dict:
    rc, out, err = run(["npm", "audit", "--json", "--package-lock-only"], cwd=d)
    res = {"tool": "npm audit", "version": run(["npm", "--version"])[1].strip(), "rc": rc, "per": {}}
    try:
        j = json.loads(out) if out.strip() else {}
    except json.JSONDecodeError:
        j = {}
    if "vulnerabilities" in j:
        for name, v in j["vulnerabilities"].items():
            res["per"][name] = f"{v.get('severity')}"
        res["ran"] = True
    else:
        res["ran"] = False
        res["error"] = last_error(err) or (j.get("error") or {}).get("summary", "")
    return res


def pip_audit(d: Path, service: str) -> dict:
    exe = PEERS / "venv" / "bin" / "pip-audit"
    res = {"tool": f"pip-audit -s {service}", "per": {}, "ran": False}
    if not exe.is_file():
        res["error"] = "not installed (bash bench/install-supply-peers.sh)"
        return res
    res["version"] = run([str(exe), "--version"])[1].strip()
    rc, out, err = run([str(exe), "-r", "requirements.txt", "--no-deps", "--disable-pip", "-s", service,
                        "-f", "json", "--progress-spinner", "off"], cwd=d)
    res["rc"] = rc
    try:
        j = json.loads(out)
    except json.JSONDecodeError:
        res["error"] = last_error(err)
        return res
    res["ran"] = True
    for dep in j.get("dependencies", []):
        if dep.get("skip_reason"):
            res["per"][dep["name"]] = "skipped: " + dep["skip_reason"].split(":")[0]
        else:
            ids = [v["id"] for v in dep.get("vulns", [])]
            res["per"][dep["name"]] = ", ".join(ids) if ids else "no finding"
    return res


# --------------------------------------------------------------------------
# Palisade
# --------------------------------------------------------------------------

class Palisade:
    def __init__(self, binary: Path, root: Path, mode: str, osv_dir: Path | None):
        self.binary, self.mode = binary, mode
        self.home = root / f"home-{mode}"
        (self.home / ".config" / "palisade").mkdir(parents=True)
        toml = "[supply]\nuse_registry = false\n" if mode in ("offline", "import") else "[supply]\n"
        (self.home / ".config" / "palisade" / "palisade.toml").write_text(toml)
        self.managed = root / "managed-empty"
        self.managed.mkdir(exist_ok=True)
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "LANG": "C.UTF-8",
                    "XDG_CONFIG_HOME": str(self.home / ".config"), "XDG_CACHE_HOME": str(self.home / ".cache"),
                    "XDG_DATA_HOME": str(self.home / ".local/share"), "XDG_STATE_HOME": str(self.home / ".local/state"),
                    "NO_COLOR": "1"}
        self.import_note = ""
        if mode == "import" and osv_dir is not None:
            rc, out, err = run([str(binary), "db", "update", "--from", str(osv_dir)], env=self.env)
            note = (out + err).strip().splitlines()[-1] if (out + err).strip() else f"rc {rc}"
            self.import_note = note.replace(str(self.home), "$HOME")

    def write(self, project: Path, file: str, old: str | None, new: str) -> tuple[str, str]:
        """Verdict and reason of the hook on a Write of `file` from `old` (None: no file) to `new`."""
        target = project / file
        if old is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(old)
        ev = {"session_id": "bench", "transcript_path": str(project.parent / "t.jsonl"), "cwd": str(project),
              "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Write",
              "tool_input": {"file_path": str(target), "content": new}, "tool_use_id": "toolu_bench"}
        rc, out, err = run([str(self.binary), "hook", "claude-code", "--managed-dir", str(self.managed)],
                           cwd=project, env=self.env, inp=json.dumps(ev).encode())
        try:
            h = json.loads(out.strip().splitlines()[-1])["hookSpecificOutput"]
            verdict, reason = h.get("permissionDecision", "pass"), h.get("permissionDecisionReason", "")
        except (json.JSONDecodeError, IndexError, KeyError, TypeError):
            verdict, reason = ("deny" if rc == 2 else "pass"), err.strip()
        rules = sorted(set(re.findall(r"rule (supply\.[a-z-]+)", reason)))
        ids = sorted(set(re.findall(r"\b(?:MAL-\d{4}-\d+|GHSA-[a-z0-9-]+|CVE-\d{4}-\d+)", reason)))
        detail = ", ".join(rules + ids)
        return verdict, detail


def short(verdict: str, detail: str) -> str:
    if verdict in ("pass", "allow") or not detail:
        return verdict if verdict != "pass" else "no finding"
    return f"{verdict} ({detail})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(REPO / "target/release/palisade"))
    ap.add_argument("--no-registry", action="store_true", help="skip the palisade run against the real registries")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    binary = Path(args.binary).resolve()
    if not binary.is_file():
        sys.exit(f"palisade binary not found: {binary}")
    tmp = Path(tempfile.mkdtemp(prefix="palisade-supply-audit-"))
    try:
        npm_dir, py_dir = tmp / "npm", tmp / "pypi"
        npm_dir.mkdir()
        py_dir.mkdir()
        manifest, lock = npm_lock(NPM)
        (npm_dir / "package.json").write_text(manifest)
        (npm_dir / "package-lock.json").write_text(lock)
        reqs = requirements(PYPI)
        (py_dir / "requirements.txt").write_text(reqs)
        osv_dir = tmp / "osv"
        n_osv = osv_records(osv_dir)

        peers = {"npm": [npm_audit(npm_dir)], "PyPI": [pip_audit(py_dir, "pypi"), pip_audit(py_dir, "osv")]}

        modes = ["offline", "import"] + ([] if args.no_registry else ["registry"])
        pal = {m: Palisade(binary, tmp, m, osv_dir if m == "import" else None) for m in modes}
        results = {"npm": {}, "PyPI": {}}
        whole = {"npm": {}, "PyPI": {}}
        for m, p in pal.items():
            proj = tmp / f"proj-{m}"
            (proj / ".git").mkdir(parents=True)
            (proj / "package.json").write_text(manifest)
            for name in NPM:
                rest = {k: v for k, v in NPM.items() if k != name}
                results["npm"].setdefault(name, {})[m] = short(*p.write(proj, "package-lock.json",
                                                                        npm_lock(rest)[1], lock))
            whole["npm"][m] = short(*p.write(proj, "package-lock.json", None, lock))
            for name in PYPI:
                rest = {k: v for k, v in PYPI.items() if k != name}
                results["PyPI"].setdefault(name, {})[m] = short(*p.write(proj, "requirements.txt",
                                                                         requirements(rest), reqs))
            whole["PyPI"][m] = short(*p.write(proj, "requirements.txt", None, reqs))
        res = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%a %b %e %H:%M:%S UTC %Y"),
               "palisade": run([str(binary), "--version"])[1].strip(), "osv_records": n_osv,
               "import_note": pal["import"].import_note, "peers": peers, "per_package": results,
               "whole_file": whole, "modes": modes}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    md = render(res)
    print(md)
    out = Path(args.json) if args.json else REPO / "bench" / "results" / (
        "supply_audit-" + _dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


def render(res: dict) -> str:
    lines = [f"- Date: {res['date']}; {res['palisade']}",
             f"- Import: {res['osv_records']} OSV records assembled by the script; `palisade db update`: "
             f"{res['import_note']}", ""]
    for eco, table in (("npm", NPM), ("PyPI", PYPI)):
        peers = res["peers"][eco]
        for p in peers:
            if not p.get("ran"):
                state = f"could not run: `{p.get('error', '')}`"
            elif p["per"] and all(v.startswith("skipped") for v in p["per"].values()):
                state = "ran, but audited no package (every one skipped: `" + next(iter(p["per"].values())) + "`)"
            else:
                state = "ran"
            lines.append(f"- {p['tool']} ({p.get('version', '?')}): {state}")
        lines.append("")
        head = ["package", "version", "label"] + [p["tool"] for p in peers] + [f"palisade {m}" for m in res["modes"]]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for name, spec in table.items():
            ver, label = spec[0], spec[-1]
            cells = [f"`{name}`", ver, label]
            for p in peers:
                cells.append(p["per"].get(name, "–") if p.get("ran") else "did not run")
            for m in res["modes"]:
                cells.append(res["per_package"][eco][name][m])
            lines.append("| " + " | ".join(cells) + " |")
        cells = ["whole file, new", "", ""] + ["" for _ in peers] + [res["whole_file"][eco][m] for m in res["modes"]]
        lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
