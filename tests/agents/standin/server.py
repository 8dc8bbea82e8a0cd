"""The loopback HTTP server every vendor stand-in runs in.

    python3 -m tests.agents.standin.server --vendor anthropic --port 0 --ready-file X [--log F]

Binds 127.0.0.1 only (a stand-in must never be reachable from elsewhere), prints the chosen
port and writes it to --ready-file once listening (a test waits for that file rather than
polling the port). Each vendor module (`anthropic`, `openai`, `gemini` in this package)
exposes `handle(h: Handler)`; the helpers below are the whole HTTP surface they need, so the
adapters only translate between their wire format and `script.py`.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Set on shutdown: a "hang" fault blocks on it, so the test's teardown ends it.
STOP = threading.Event()
_log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length on every answer: the CLIs keep connections alive.
    protocol_version = "HTTP/1.1"
    vendor = None  # the adapter module, set by serve()
    log_path: str | None = None
    _body: bytes | None = None

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self.send_text(200, "")

    def _dispatch(self) -> None:
        self._body = None
        try:
            self.vendor.handle(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a killed agent): nothing to answer
        except Exception as e:  # noqa: BLE001 — a stand-in bug must show, not hang the CLI
            self.log({"error": repr(e)})
            self.send_json(500, {"error": {"message": f"stand-in error: {e!r}"}})

    # --- reading ---
    def body_bytes(self) -> bytes:
        if self._body is None:
            n = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(n) if n else b""
        return self._body

    def body_json(self):
        raw = self.body_bytes()
        return json.loads(raw) if raw else {}

    # --- answering ---
    def send_bytes(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status: int, obj, headers: dict | None = None) -> None:
        self.send_bytes(status, json.dumps(obj).encode(), "application/json", headers)

    def send_text(self, status: int, text: str) -> None:
        self.send_bytes(status, text.encode(), "text/plain; charset=utf-8")

    def send_sse(self, events: list[tuple[str | None, object]], headers: dict | None = None) -> None:
        """Server-sent events, all at once: the script knows the whole answer up front, and
        a Content-Length keeps the connection reusable."""
        out = []
        for event, data in events:
            head = f"event: {event}\n" if event else ""
            out.append(f"{head}data: {json.dumps(data)}\n\n")
        self.send_bytes(200, "".join(out).encode(), "text/event-stream", headers)

    def hang(self) -> None:
        """Never answer: hold the connection open until the server stops."""
        self.log({"hang": self.path})
        STOP.wait()

    # --- debugging ---
    def log(self, entry: dict) -> None:
        if not self.log_path:
            return
        entry = {"t": round(time.time(), 3), "method": self.command, "path": self.path, **entry}
        with _log_lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — the stdlib's name
        pass  # the request log above replaces stderr noise


def serve(vendor: str, port: int = 0, log_path: str | None = None) -> ThreadingHTTPServer:
    """A started server (in a daemon thread); `.server_address[1]` is the port."""
    module = importlib.import_module(f"{__package__ or 'tests.agents.standin'}.{vendor}")
    handler = type("VendorHandler", (Handler,), {"vendor": module, "log_path": log_path})
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    httpd.daemon_threads = True  # a hung request must not keep the process alive
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vendor", required=True, help="anthropic | openai | gemini")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--ready-file", help="written with the port once listening")
    ap.add_argument("--log", default=os.environ.get("RENN_STANDIN_LOG"), help="JSON-lines request log")
    args = ap.parse_args()
    httpd = serve(args.vendor, args.port, args.log)
    port = httpd.server_address[1]
    print(port, flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.ready_file)  # atomic: a reader never sees an empty file
    try:
        while not STOP.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        STOP.set()
        httpd.shutdown()


if __name__ == "__main__":
    sys.exit(main())
