#!/usr/bin/env python3
"""Hook latency with and without telemetry configured (issue #8).

Usage: python3 bench/ship_overhead.py [path/to/palisade] [N]

Three settings, calls interleaved round-robin, each in its own HOME:
  off       no [telemetry]
  stamped   [telemetry] set, the stamp is fresh: the hook only stats it
  spawning  [telemetry] set, the stamp removed before each call (untimed):
            the hook starts the detached shipper on every call (worst case)
The endpoint is a closed port on 127.0.0.1, so the shippers fail at once.
Wall time from spawn to exit, as Claude Code sees it.
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

exe = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/palisade")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
root = tempfile.mkdtemp()
homes = {}
for name in ["off", "stamped", "spawning"]:
    home = os.path.join(root, name)
    os.makedirs(os.path.join(home, "proj/.git"))
    os.makedirs(os.path.join(home, ".config/palisade"))
    if name != "off":
        with open(os.path.join(home, ".config/palisade/palisade.toml"), "w") as f:
            f.write(f'[telemetry]\notlp_endpoint = "http://127.0.0.1:{port}"\ninterval = "1h"\n')
    homes[name] = home
payload = lambda home: json.dumps({"session_id": "s", "transcript_path": "/dev/null",
    "cwd": os.path.join(home, "proj"), "permission_mode": "default", "hook_event_name": "PreToolUse",
    "tool_name": "Bash", "tool_input": {"command": "ls -la src"}, "tool_use_id": "t"}).encode()
def call(name):
    home = homes[name]
    if name == "spawning":
        try: os.remove(os.path.join(home, ".local/state/palisade/audit/ship-started"))
        except FileNotFoundError: pass
    env = {"HOME": home, "PATH": os.environ.get("PATH", "")}
    t = time.perf_counter()
    subprocess.run([exe, "hook", "claude-code", "--managed-dir", os.path.join(root, "managed")],
                   input=payload(home), env=env, cwd=os.path.join(home, "proj"),
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return (time.perf_counter() - t) * 1000
times = {k: [] for k in homes}
for _ in range(20):
    for k in homes: call(k)
for _ in range(n):
    for k in homes: times[k].append(call(k))
q = lambda v, p: sorted(v)[min(len(v) - 1, int(p * len(v)))]
print(f"N = {n} per setting; load average {os.getloadavg()}")
print("| setting | p50 ms | p90 ms | p99 ms |\n|---|---:|---:|---:|")
for k, v in times.items():
    print(f"| {k} | {statistics.median(v):.2f} | {q(v, .9):.2f} | {q(v, .99):.2f} |")
shutil.rmtree(root, ignore_errors=True)
