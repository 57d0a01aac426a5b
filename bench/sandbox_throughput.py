#!/usr/bin/env python3
"""Download throughput through a sandbox's network path, over loopback.

A 100 MB file is served by an HTTP server on the host's 127.0.0.1 (a random
port; sendfile, so the server is not the bottleneck) and fetched with curl
from inside each sandbox. What is compared is what a sandboxed
`npm install` or `cargo fetch` pays per byte:

  unconfined        curl straight to the server: the ceiling on this machine.
  palisade-net      `palisade run --allow-network -- curl …`: the host's network
                    as is, no filtering.
  palisade-proxy    palisade's domain allow-list proxy: `palisade run
                    --allow-ip 127.0.0.1 --allow-port {port} -- curl --noproxy '' …`
                    (curl takes the proxy from the environment palisade sets;
                    the loopback origin must be granted as an address, since the
                    proxy refuses loopback otherwise). Path: curl → the
                    sandbox's 127.0.0.1:3128 → bridge → unix socket → proxy →
                    server. `palisade-proxy-connect` is the same with a CONNECT
                    tunnel (`curl -p`, the HTTPS path). Other args:
                    `--palisade-proxy-args '…'`.
                    Enable it once that proxy exists.
  srt               Claude Code's sandbox runtime with
                    {"network": {"allowedDomains": ["127.0.0.1:<port>"]}}: curl
                    inside uses the http_proxy srt sets (an HTTP proxy on
                    localhost:3128 in the sandbox, relayed by socat over a unix
                    socket to srt's Node proxy on the host). `srt` forwards the
                    plain-HTTP request; `srt-connect` makes curl open a CONNECT
                    tunnel instead (`-p`), the path HTTPS downloads take.
  codex             not measured: with network access on, `codex sandbox` has no
                    proxy in the path (the command uses the host network), so it
                    would be `unconfined` again; its managed proxy needs a
                    configured network policy (not set up here).

MB/s = curl's own %{speed_download} (bytes / transfer time), 10^6 bytes per
MB; "wall" adds the sandbox's start-up. Median of --runs (default 5)
downloads per tool, interleaved.

  python3 bench/sandbox_throughput.py
  python3 bench/sandbox_throughput.py --palisade-proxy-args '--allow-domain 127.0.0.1:{port}'
"""
from __future__ import annotations

import argparse
import http.server
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sandbox_tools as st  # noqa: E402


def serve(blob: Path) -> http.server.ThreadingHTTPServer:
    size = blob.stat().st_size

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            with blob.open("rb") as f:
                self.connection.sendfile(f)
            self.close_connection = True

        def log_message(self, *a):  # noqa: ARG002
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--palisade", type=Path, default=st.ROOT / "target" / "release" / "palisade")
    ap.add_argument("--mb", type=int, default=100, help="download size in MB (10^6 bytes)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--palisade-proxy-args", default="--allow-ip 127.0.0.1 --allow-port {port}",
                    help="enable the palisade-proxy row: `palisade run ARGS -- curl --noproxy '' URL`; "
                         "{port} is replaced by the server's port")
    ap.add_argument("--workdir", type=Path, default=Path("/var/tmp"))
    ap.add_argument("--out", type=Path, default=st.HERE / "results" / "sandbox-throughput.json")
    ap.add_argument("--docs", type=Path, default=None,
                    help="replace the <!-- sandbox-throughput:start/end --> block of this file")
    a = ap.parse_args()

    palisade = a.palisade.resolve()
    work = Path(tempfile.mkdtemp(prefix="palisade-bench-tput-", dir=a.workdir))
    blob = work / "blob.bin"
    with blob.open("wb") as f:
        chunk = bytes(range(256)) * 4096  # 1 MiB, incompressible enough for a plain copy
        left = a.mb * 1_000_000
        while left > 0:
            f.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
    srv = serve(blob)
    port = srv.server_address[1]
    url = f"http://127.0.0.1:{port}/blob.bin"
    curl = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{speed_download}"]

    n = st.node()
    settings = work / "srt-allow.json"
    settings.write_text(json.dumps(st.srt_settings(["."], [f"127.0.0.1:{port}"])))
    srt = [n, str(st.SRT_JS), "--settings", str(settings), "--"]
    rows: dict[str, tuple[str, list[str]]] = {
        "unconfined": ("unconfined (curl → server)", [*curl, "--noproxy", "*", url]),
        "palisade-net": ("palisade run --allow-network (host network, no proxy)",
                         [str(palisade), "run", "--allow-network", "--", *curl, "--noproxy", "*", url]),
    }
    if a.palisade_proxy_args:
        extra = shlex.split(a.palisade_proxy_args.replace("{port}", str(port)))
        rows["palisade-proxy"] = (f"palisade run {a.palisade_proxy_args} (its proxy, HTTP forward)",
                                  [str(palisade), "run", *extra, "--", *curl, "--noproxy", "", url])
        rows["palisade-proxy-connect"] = ("palisade, the same with a CONNECT tunnel (`curl -p`, the HTTPS path)",
                                          [str(palisade), "run", *extra, "--", *curl, "--noproxy", "", "-p", url])
    if st.SRT_JS.exists():
        rows["srt"] = ('srt, allowedDomains ["127.0.0.1:<port>"] (HTTP forward through its proxy)',
                       [*srt, *curl, "--noproxy", "", url])
        rows["srt-connect"] = ("srt, the same with a CONNECT tunnel (`curl -p`, the HTTPS path)",
                               [*srt, *curl, "--noproxy", "", "-p", url])
    if a.only:
        rows = {k: v for k, v in rows.items() if k in a.only}

    load_before = st.loadavg()
    data: dict[str, list[dict]] = {k: [] for k in rows}
    errors: dict[str, str] = {}
    try:
        for r in range(a.runs + 1):  # run 0 is a warm-up
            for k, (_, argv) in rows.items():
                t0 = time.perf_counter()
                p = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=600)
                wall = time.perf_counter() - t0
                parts = p.stdout.split()
                if p.returncode != 0 or len(parts) != 3 or parts[0] != "200" \
                        or int(float(parts[1])) != a.mb * 1_000_000:
                    errors[k] = f"rc {p.returncode}, curl said {p.stdout!r}, stderr {p.stderr[-300:]!r}"
                    continue
                if r > 0:
                    data[k].append({"wall_s": wall, "bytes_per_s": float(parts[2])})
            print(f"[sandbox-throughput] run {r}/{a.runs}", file=sys.stderr)
    finally:
        srv.shutdown()
        srv.server_close()
        shutil.rmtree(work, ignore_errors=True)

    res = {"machine": st.machine(), "load_before": load_before, "load_after": st.loadavg(),
           "mb": a.mb, "runs": a.runs, "versions": st.versions(palisade),
           "rows": {k: {"label": rows[k][0], "runs": data[k], "error": errors.get(k)} for k in rows}}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2))
    md = markdown(res)
    print(md)
    if a.docs:
        if st.write_docs_block(a.docs, "sandbox-throughput", md):
            print(f"[sandbox-throughput] updated {a.docs}", file=sys.stderr)
        else:
            print(f"[sandbox-throughput] no sandbox-throughput markers in {a.docs}; not changed", file=sys.stderr)
    return 0


def markdown(res: dict) -> str:
    m = res["machine"]
    out = [f"Generated by `python3 bench/sandbox_throughput.py` on {m['date']}; load average "
           f"{res['load_before']} before, {res['load_after']} after. {res['mb']} MB over loopback, "
           f"median of {res['runs']} downloads per row (after one warm-up).", "",
           "| path | MB/s (median) | MB/s (min–max) | wall s (median, with start-up) |",
           "|---|---:|---:|---:|"]
    for k, r in res["rows"].items():
        runs = r["runs"]
        if not runs:
            out.append(f"| {r['label']} | failed: {r['error']} | | |")
            continue
        mbs = [x["bytes_per_s"] / 1e6 for x in runs]
        walls = [x["wall_s"] for x in runs]
        out.append(f"| {r['label']} | {st.percentile(mbs, 0.5):.0f} | {min(mbs):.0f}–{max(mbs):.0f} | "
                   f"{st.percentile(walls, 0.5):.3f} |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
