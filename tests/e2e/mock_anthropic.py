#!/usr/bin/env python3
"""Scripted mock of the Anthropic Messages API for Palisade's end-to-end tests.

Standard library only. Serves on 127.0.0.1 and drives a real Claude Code CLI
through a fixed list of tool calls, so a test can watch what Palisade's hook
lets through.

Usage:
    mock_anthropic.py --log REQS.jsonl --scenarios SCENARIOS.json
                      [--port 0] [--port-file FILE] [--pwned-marker PATH]

The chosen port is printed as the first line of stdout (and written to
--port-file if given) once the server is listening.

Scenarios are selected by the first path segment of the request, so point the
agent at ``ANTHROPIC_BASE_URL=http://127.0.0.1:PORT/<scenario>``; Claude Code
keeps the prefix and posts to ``/<scenario>/v1/messages?beta=true``.

SCENARIOS.json maps a scenario name to a list of steps. A step is one tool
call ``{"name": "Bash", "input": {"command": "ls"}}`` or a list of such calls
(sent as parallel tool_use blocks in one assistant turn). The string
``@@PORT@@`` anywhere in a step is replaced by the mock's port.

The answer is stateless: for a *main* request (one that offers tools), the
mock counts the assistant turns in ``messages`` that contain tool_use blocks;
if that count is below the number of steps it answers with the next step as
tool_use, otherwise with the final text ``done``. Requests that offer no tools
(side requests such as title generation) get a short text answer.
``/v1/messages/count_tokens`` gets a token count.

Every request is appended to the log as one JSON object per line:
``{"seq", "method", "path", "scenario", "kind", "headers", "raw", "body",
"reply"}`` where ``raw`` is the request body as text and ``body`` its parsed
JSON (or null). Tests assert on tool_result blocks sent back to the model and
that no planted secret appears in any request.

``GET /install.sh`` (under any prefix) serves a shell script that creates the
--pwned-marker file: it proves a ``curl ... | sh`` never ran.
"""

import argparse
import os
import itertools
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FINAL_TEXT = "done"
SIDE_TEXT = "Palisade e2e"


class State:
    def __init__(self, log_path, scenarios_path, marker):
        self.log_path = log_path
        self.scenarios_path = scenarios_path
        self.marker = marker
        self.port = 0
        self.lock = threading.Lock()
        self.seq = itertools.count(1)
        self.ids = itertools.count(1)
        self._scenarios = None
        self._scenarios_mtime = None

    def scenarios(self):
        """Loads (and reloads on change) the scenario file."""
        if not self.scenarios_path:
            return {}
        with self.lock:
            try:
                mtime = os.stat(self.scenarios_path).st_mtime_ns
            except OSError:
                return self._scenarios or {}
            if self._scenarios is None or mtime != self._scenarios_mtime:
                with open(self.scenarios_path, encoding="utf-8") as f:
                    self._scenarios = json.load(f)
                self._scenarios_mtime = mtime
            return self._scenarios

    def log(self, record):
        line = json.dumps(record, ensure_ascii=False)
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()

    def next_id(self, prefix):
        with self.lock:
            n = next(self.ids)
        return "%s_01E2E%06d%s" % (prefix, n, "x" * 12)


def substitute(value, port):
    text = json.dumps(value)
    text = text.replace("@@PORT@@", str(port))
    return json.loads(text)


def split_scenario(path):
    """'/s1/v1/messages' -> ('s1', '/v1/messages'); '/v1/messages' -> ('', ...)."""
    parts = path.split("/")
    # parts[0] == '' for absolute paths
    if len(parts) > 2 and parts[1] not in ("v1", "install.sh", ""):
        return parts[1], "/" + "/".join(parts[2:])
    return "", path


def count_tool_turns(messages):
    n = 0
    for m in messages or []:
        if m.get("role") != "assistant":
            continue
        content = m.get("content")
        if isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") == "tool_use" for b in content
        ):
            n += 1
    return n


def build_reply(state, scenario, body):
    """Returns (kind, content_blocks, stop_reason, note)."""
    tools = body.get("tools") or []
    messages = body.get("messages") or []
    if not tools:
        return "side", [{"type": "text", "text": SIDE_TEXT}], "end_turn", None
    steps = state.scenarios().get(scenario)
    if steps is None:
        return (
            "main",
            [{"type": "text", "text": "unknown scenario %r; %s" % (scenario, FINAL_TEXT)}],
            "end_turn",
            "unknown-scenario",
        )
    i = count_tool_turns(messages)
    if i >= len(steps):
        return "main", [{"type": "text", "text": FINAL_TEXT}], "end_turn", "final"
    step = substitute(steps[i], state.port)
    calls = step if isinstance(step, list) else [step]
    blocks = []
    for c in calls:
        blocks.append(
            {
                "type": "tool_use",
                "id": state.next_id("toolu"),
                "name": c["name"],
                "input": c.get("input", {}),
            }
        )
    return "main", blocks, "tool_use", "step %d" % i


def sse(event, data):
    return "event: %s\ndata: %s\n\n" % (event, json.dumps(data))


def stream_body(msg_id, model, blocks, stop_reason):
    out = [
        sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": 25,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                        "output_tokens": 1,
                    },
                },
            },
        ),
        sse("ping", {"type": "ping"}),
    ]
    for i, b in enumerate(blocks):
        if b["type"] == "text":
            out.append(
                sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": i,
                     "content_block": {"type": "text", "text": ""}},
                )
            )
            out.append(
                sse(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": i,
                     "delta": {"type": "text_delta", "text": b["text"]}},
                )
            )
        else:
            out.append(
                sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": i,
                     "content_block": {"type": "tool_use", "id": b["id"],
                                       "name": b["name"], "input": {}}},
                )
            )
            js = json.dumps(b["input"])
            # Split the JSON in two deltas, as the real API streams it in pieces.
            half = len(js) // 2
            for piece in (js[:half], js[half:]):
                out.append(
                    sse(
                        "content_block_delta",
                        {"type": "content_block_delta", "index": i,
                         "delta": {"type": "input_json_delta", "partial_json": piece}},
                    )
                )
        out.append(sse("content_block_stop", {"type": "content_block_stop", "index": i}))
    out.append(
        sse(
            "message_delta",
            {"type": "message_delta",
             "delta": {"stop_reason": stop_reason, "stop_sequence": None},
             "usage": {"output_tokens": 12}},
        )
    )
    out.append(sse("message_stop", {"type": "message_stop"}))
    return "".join(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "palisade-mock-anthropic/1"
    state = None  # set in main()

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        return raw.decode("utf-8", errors="replace")

    def _send(self, code, ctype, payload, extra=None):
        data = payload.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", "req_mock")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _record(self, raw, body, scenario, kind, reply):
        self.state.log(
            {
                "seq": next(self.state.seq),
                "time": time.time(),
                "method": self.command,
                "path": self.path,
                "scenario": scenario,
                "kind": kind,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "raw": raw,
                "body": body,
                "reply": reply,
            }
        )

    def do_HEAD(self):
        scenario, _ = split_scenario(urlsplit(self.path).path)
        self._record("", None, scenario, "probe", None)
        self._send(200, "text/plain", "")

    def do_GET(self):
        scenario, rest = split_scenario(urlsplit(self.path).path)
        if rest.endswith("/install.sh"):
            script = "#!/bin/sh\n# Palisade e2e canary: must never run\ntouch '%s'\necho pwned\n" % (
                self.state.marker or "/tmp/palisade-e2e-PWNED")
            self._record("", None, scenario, "install.sh", None)
            self._send(200, "text/x-shellscript", script)
            return
        self._record("", None, scenario, "get", None)
        self._send(200 if rest in ("/", "") else 404, "text/plain", "ok\n")

    def do_POST(self):
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        url = urlsplit(self.path)
        scenario, rest = split_scenario(url.path)
        if rest.endswith("/v1/messages/count_tokens"):
            reply = {"input_tokens": max(1, len(raw) // 4)}
            self._record(raw, body, scenario, "count_tokens", reply)
            self._send(200, "application/json", json.dumps(reply))
            return
        if not rest.endswith("/v1/messages") or not isinstance(body, dict):
            err = {"type": "error", "error": {"type": "not_found_error",
                                              "message": "mock: no route for %s" % self.path}}
            self._record(raw, body, scenario, "unknown", err)
            self._send(404, "application/json", json.dumps(err))
            return
        try:
            kind, blocks, stop_reason, note = build_reply(self.state, scenario, body)
        except Exception as e:  # a broken scenario must show up in the log, not hang the agent
            kind, blocks, stop_reason, note = ("main", [{"type": "text", "text": "mock error: %r" % e}],
                                               "end_turn", "error")
        model = body.get("model") or "claude-mock"
        msg_id = self.state.next_id("msg")
        self._record(raw, body, scenario, kind,
                     {"note": note, "stop_reason": stop_reason, "content": blocks})
        if body.get("stream"):
            self._send(200, "text/event-stream", stream_body(msg_id, model, blocks, stop_reason),
                       {"Cache-Control": "no-cache"})
        else:
            msg = {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                   "content": blocks, "stop_reason": stop_reason, "stop_sequence": None,
                   "usage": {"input_tokens": 25, "output_tokens": 12}}
            self._send(200, "application/json", json.dumps(msg))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True, help="JSON-lines request log (appended)")
    ap.add_argument("--scenarios", help="JSON file: {scenario: [step, ...]}")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--pwned-marker", help="file that GET /install.sh's script creates")
    args = ap.parse_args()

    Handler.state = State(args.log, args.scenarios, args.pwned_marker)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    Handler.state.port = port
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    sys.stdout.write("%d\n" % port)
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
