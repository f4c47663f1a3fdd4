"""The HTTP plumbing the fake servers share: :func:`serving` runs an app on 127.0.0.1 (an ephemeral port) in a
thread, a :class:`Recorder` logs every request and hands out a queue of faults (429 with Retry-After, 500, a slow
reply, malformed JSON). ``FeedReceiver`` accepts PUT/POST of a feed file behind a bearer token.

The channels' fakes live next to their tests: ``tests/push/woocommerce_server.py``, ``tests/push/shopify_server.py``,
``tests/push/bol_server.py``, ``tests/adapters/etsy_server.py``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse


@dataclass
class Fault:
    kind: str  # "429", "500", "slow", "malformed"
    seconds: float = 0.0


@dataclass
class Recorder:
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0  # every request is slowed by this much (for kill tests)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> Fault | None:
        with self.lock:
            return self.faults.pop(0) if self.faults else None


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        recorder = self.server.recorder
        with recorder.lock:
            recorder.requests.append(
                {"method": method, "path": self.path, "headers": dict(self.headers), "body": body, "at": time.time()}
            )
        if recorder.delay:
            time.sleep(recorder.delay)
        fault = recorder.next_fault()
        if fault is not None:
            if fault.kind == "429":
                return self._reply(429, {"message": "slow down"}, {"Retry-After": str(fault.seconds)})
            if fault.kind == "500":
                return self._reply(500, {"message": "internal error"})
            if fault.kind == "slow":
                time.sleep(fault.seconds)
            if fault.kind == "malformed":
                return self._reply(200, None, raw=b'{"update": [')
        self.server.app(self, method, body)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    recorder: Recorder
    app: Any


@contextmanager
def serving(app: Any, recorder: Recorder) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (an ephemeral port) in a thread; yields the base URL."""
    server = _Server(("127.0.0.1", 0), Handler)
    server.recorder = recorder
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- a plain feed receiver --------------------------------------------------------------------------------------


@dataclass
class FeedReceiver:
    token: str
    files: dict[str, bytes] = field(default_factory=dict)

    def __call__(self, handler: Handler, method: str, body: bytes) -> None:
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return handler._reply(401, {"message": "unauthorised"})
        self.files[urlparse(handler.path).path] = body
        return handler._reply(201, {"stored": len(body)})
