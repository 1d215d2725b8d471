"""One HTTP POST to a checked address: no redirects, a total deadline, at most 1 KB of answer read.

urllib3 makes the connection to the address the SSRF guard approved (never to the name), while TLS
still sends the host name (SNI) and verifies the certificate against it. A watchdog closes the
socket at the deadline, so a receiver that drips bytes cannot hold the worker longer than that.
"""
from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from urllib3.connection import HTTPConnection, HTTPSConnection

from moderation.settings import Settings
from moderation.webhooks import ssrf

RESPONSE_BYTES = 1024
USER_AGENT = "moderation-webhooks/1 (Standard Webhooks)"


@dataclass(frozen=True)
class Result:
    """What one attempt saw; `status` is None when no HTTP answer arrived."""

    status: int | None = None
    body: bytes = b""
    error: str = ""
    retry_after: float | None = None
    duration_ms: int = 0
    peer: str = ""
    permanent: bool = False  # retrying cannot help (e.g. the mail server refused the address)

    @property
    def ok(self) -> bool:
        """Only 2xx counts as delivered."""
        return self.status is not None and 200 <= self.status < 300


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _connection(target: ssrf.Target, timeout: float) -> HTTPConnection:
    if target.scheme == "https":
        return HTTPSConnection(target.address, target.port, timeout=timeout, server_hostname=target.host)
    return HTTPConnection(target.address, target.port, timeout=timeout)


def _host_header(target: ssrf.Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def post(url: str, body: bytes, headers: Mapping[str, str], settings: Settings,
         resolver: ssrf.Resolver = socket.getaddrinfo) -> Result:
    """POST `body` to `url` through the SSRF guard; any failure is a Result, never an exception."""
    started = time.monotonic()
    timeout = settings.webhook_timeout_seconds

    def done(**fields: object) -> Result:
        return Result(duration_ms=int((time.monotonic() - started) * 1000), **fields)  # type: ignore[arg-type]

    try:
        target = ssrf.resolve(url, settings, resolver)
    except ssrf.Blocked as exc:
        return done(error=f"refused: {exc}")
    conn = _connection(target, timeout)
    ticket = WATCHDOG.arm(time.monotonic() + timeout, conn)
    try:
        conn.connect()
        peer = conn.sock.getpeername()[0] if conn.sock is not None else ""
        if ssrf.canonical(ipaddress.ip_address(peer)) != ssrf.canonical(ipaddress.ip_address(target.address)):
            return done(error=f"connected to {peer}, not the checked {target.address}")
        all_headers = {"Host": _host_header(target), "User-Agent": USER_AGENT, "Content-Type": "application/json",
                       "Content-Length": str(len(body)), "Accept-Encoding": "identity", **headers}
        conn.request("POST", target.path, body=body, headers=all_headers, preload_content=False, decode_content=False)
        response = conn.getresponse()
        answer = response.read(RESPONSE_BYTES)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return done(status=response.status, body=answer, retry_after=retry_after, peer=peer)
    except Exception as exc:  # noqa: BLE001  (a receiver's garbage or a dropped socket is a failed attempt)
        if time.monotonic() - started >= timeout:
            return done(error=f"timed out after {timeout:g} s")
        return done(error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        WATCHDOG.disarm(ticket)
        # Never read the rest of a large answer: closing drops the connection.
        conn.close()


class Watchdog:
    """One thread per process that shuts down the sockets of attempts past their deadline."""

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, HTTPConnection]] = {}
        self._next = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, deadline: float, conn: HTTPConnection) -> int:
        """Watch `conn` until `deadline` (monotonic); returns a ticket for disarm()."""
        with self._wake:
            if self._thread is None or not self._thread.is_alive():  # also after a fork
                self._thread = threading.Thread(target=self._run, name="webhook-watchdog", daemon=True)
                self._thread.start()
            self._next += 1
            self._armed[self._next] = (deadline, conn)
            self._wake.notify()
            return self._next

    def disarm(self, ticket: int) -> None:
        """The attempt is over."""
        with self._wake:
            self._armed.pop(ticket, None)

    def _run(self) -> None:
        while True:
            with self._wake:
                now = time.monotonic()
                late = [t for t, (deadline, _) in self._armed.items() if deadline <= now]
                expired = [self._armed.pop(t)[1] for t in late]
                soonest = min((d for d, _ in self._armed.values()), default=now + 60)
                if not expired:
                    self._wake.wait(max(0.01, soonest - now))
            for conn in expired:
                sock = conn.sock
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()


def utc_timestamp() -> int:
    """The `webhook-timestamp` of an attempt: integer Unix seconds now."""
    return int(datetime.now(UTC).timestamp())
