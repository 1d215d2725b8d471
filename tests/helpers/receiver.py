"""A real webhook receiver on 127.0.0.1 for tests: scripted answers, every request recorded.

Each scripted step is a status code or one of: "hang" (read the request, never answer until
released), "garbage" (bytes that are not HTTP), "huge" (200 with a 100 MB body, streamed),
("redirect", location), (status, {headers}, body). After the script, it answers `default`.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)


class Receiver:
    """Start with `Receiver(script).start()`; `url` is its address; `close()` stops it."""

    def __init__(self, script: list[Any] | None = None, default: Any = 200, port: int = 0) -> None:
        self.script = list(script or [])
        self.default = default
        self.requests: list[Seen] = []
        self.processed: set[str] = set()  # webhook-ids acted on once (the receiver's idempotency)
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def next_step(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver.lock:
                    receiver.requests.append(seen)
                step = receiver.next_step()
                if step == "hang":
                    receiver.release.wait(120)
                    return
                if step == "garbage":
                    self.wfile.write(b"\x00\xffnot http at all\r\n\r\n")
                    self.close_connection = True
                    return
                if step == "huge":
                    self._huge()
                    return
                if isinstance(step, tuple) and step[0] == "redirect":
                    self._answer(302, {"Location": step[1]}, b"")
                    return
                status, headers, payload = step if isinstance(step, tuple) else (step, {}, b"ok")
                if 200 <= status < 300:
                    with receiver.lock:
                        receiver.processed.add(seen.headers.get("webhook-id", ""))
                self._answer(status, headers, payload)

            def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _huge(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(100 * 1024 * 1024))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    for _ in range(1600):
                        self.wfile.write(chunk)
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler
