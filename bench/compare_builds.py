#!/usr/bin/env python3
"""Compares the hook latency of two palisade builds in one run.

Machine speed drifts on a shared VM: two benchmark runs an hour apart can
differ by 1.5x for every hook. To tell whether a change made the hook
slower, run the old and the new binary interleaved, on the same payloads
and the same 200-rule project as bench/hook_latency.py:

    git worktree add /tmp/old <rev>
    CARGO_TARGET_DIR=/tmp/old-target cargo build --release -p palisade-cli --manifest-path /tmp/old/Cargo.toml
    cargo build --release -p palisade-cli
    python3 bench/compare_builds.py /tmp/old-target/release/palisade target/release/palisade

Prints p50/p90/p99 of spawn-to-exit wall time per binary and the ratios.
Standard library only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hook_latency as hl  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", help="the baseline palisade binary")
    ap.add_argument("new", help="the palisade binary under test")
    ap.add_argument("--rounds", type=int, default=150, help="rounds over all payloads (default 150)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="palisade-ab-") as t:
        root = Path(t)
        proj = hl.make_project(root, "proj", hl.policy_rules())
        home = hl.make_home(root, "palisade", None, [proj])
        managed = root / "managed-empty"
        managed.mkdir()
        events = [hl.event(tool, make(proj), proj, i) for i, (_, _, tool, make, _) in enumerate(hl.PAYLOADS)]
        bins = {"old": str(Path(a.old).resolve()), "new": str(Path(a.new).resolve())}
        times: dict[str, list[float]] = {k: [] for k in bins}
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
        for r in range(a.rounds):
            order = list(bins.items()) if r % 2 == 0 else list(reversed(bins.items()))
            for ev in events:
                for k, b in order:
                    t0 = time.perf_counter_ns()
                    subprocess.run([b, "hook", "claude-code", "--managed-dir", str(managed)], input=ev,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=proj, env=env, check=False)
                    times[k].append((time.perf_counter_ns() - t0) / 1e6)
        stats = {}
        for k, v in times.items():
            v.sort()
            n = len(v)
            stats[k] = {q: v[min(n - 1, int(n * f))] for q, f in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))}
            print(f"{k:4} n={n}  p50 {stats[k]['p50']:.2f}  p90 {stats[k]['p90']:.2f}  p99 {stats[k]['p99']:.2f} ms")
        for q in ("p50", "p90", "p99"):
            print(f"new/old {q}: {stats['new'][q] / stats['old'][q]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
