#!/usr/bin/env python3
"""How long `palisade ui` takes to answer, on a log of N made-up decisions.

Fills a fresh log with `fill_log` (crates/palisade-audit/examples), starts
`palisade ui --json --dir ... --key ...`, and times, over loopback:

- each JSON endpoint (`/api/summary` reads and verifies the whole log;
  `/api/decisions` reads it and filters), R requests each, sequentially;
- with --browser, the whole page in headless Chromium through chromedriver:
  navigation to a filled-in page (summary and first table), R loads, as
  the page's own `performance.now()` when it has rendered everything.

Usage:
  cargo build --release -p palisade-cli -p palisade-audit --example fill_log --bin palisade
  python3 bench/ui_load.py [--n 10000] [--runs 30] [--browser]

Prints a Markdown table; nothing is written to the repository.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def get(port, path, token, header=True):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": f"127.0.0.1:{port}"}
    if header:
        headers["Authorization"] = f"Bearer {token}"
    t = time.perf_counter()
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    c.close()
    assert r.status == 200, (path, r.status, body[:200])
    return ms, len(body)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round((len(xs) - 1) * q)))]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def webdriver(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]


def browser_loads(url, runs):
    driver = shutil.which("chromedriver")
    chromium = shutil.which("chromium")
    if not driver or not chromium:
        sys.exit("--browser needs chromedriver and chromium on PATH")
    port = free_port()
    proc = subprocess.Popen([driver, f"--port={port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                webdriver(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000"]}}}}
        sid = webdriver(base, "POST", "/session", caps)["sessionId"]
        out = []
        for i in range(runs + 2):
            webdriver(base, "POST", f"/session/{sid}/url", {"url": url})
            for _ in range(600):
                ms = webdriver(base, "POST", f"/session/{sid}/execute/sync", {
                    "script": "return document.body.dataset.summary === 'ready' ? "
                              "Number(document.body.dataset.loadMs) : null;", "args": []})
                if ms is not None:
                    break
                time.sleep(0.05)
            if i >= 2:  # two warm-up loads
                out.append(ms)
        webdriver(base, "DELETE", f"/session/{sid}")
        return out
    finally:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="decisions in the log")
    ap.add_argument("--runs", type=int, default=30, help="timed requests per endpoint")
    ap.add_argument("--binary", default=os.path.join(target_dir(), "release", "palisade"))
    ap.add_argument("--fill", default=os.path.join(target_dir(), "release", "examples", "fill_log"))
    ap.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="palisade-ui-bench-")
    logdir, key = os.path.join(tmp, "audit"), os.path.join(tmp, "audit.key")
    subprocess.run([a.fill, logdir, key, str(a.n)], check=True, stdout=subprocess.DEVNULL)
    size = sum(os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir))
    segments = len([f for f in os.listdir(logdir) if f.startswith("segment-")])
    ui = subprocess.Popen([a.binary, "ui", "--json", "--dir", logdir, "--key", key],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(ui.stdout.readline())
        port, token = info["port"], info["token"]
        rows = []
        for path in ["/api/summary", "/api/decisions", "/api/decisions?verdict=deny&since=1d",
                     "/api/decisions?path=ssh&limit=5000"]:
            get(port, path, token)  # warm-up
            ms, n = zip(*(get(port, path, token) for _ in range(a.runs)))
            rows.append((f"`{path}`", statistics.median(ms), pct(ms, 0.9), max(ms), n[0]))
        for path in ["/", "/app.js"]:
            q = f"{path}?token={token}"
            ms, n = zip(*(get(port, q, token, header=False) for _ in range(a.runs)))
            rows.append((f"`{path}`", statistics.median(ms), pct(ms, 0.9), max(ms), n[0]))
        if a.browser:
            loads = browser_loads(info["url"], a.runs)
            rows.append(("whole page in headless Chromium", statistics.median(loads),
                         pct(loads, 0.9), max(loads), None))
    finally:
        ui.kill()
        ui.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    cpus = os.cpu_count()
    model = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    print(f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"- Machine: {cpus} CPUs, {model}, "
          f"Linux {platform.release()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"- Log: {a.n:,} decisions, {size / 1048576:.1f} MiB in {segments} segment(s)")
    print(f"- Runs: {a.runs} sequential requests per row after one warm-up, over loopback\n")
    print("| request | median ms | p90 ms | max ms | bytes |")
    print("|---|---:|---:|---:|---:|")
    for name, med, p90, mx, n in rows:
        print(f"| {name} | {med:.1f} | {p90:.1f} | {mx:.1f} | {'' if n is None else f'{n:,}'} |")


if __name__ == "__main__":
    main()
