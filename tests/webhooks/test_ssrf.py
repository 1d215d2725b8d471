"""W5: the SSRF guard refuses internal addresses in every notation and connects only where it checked."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3.util.connection

from moderation.settings import Settings, SettingsError, load_settings
from moderation.webhooks import sender, ssrf
from tests.helpers.receiver import Receiver


def settings(**overrides: Any) -> Settings:
    return load_settings(test_config={"webhook_timeout_seconds": 2.0, **overrides})


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address urllib3 tries to connect to; none is reached (refused at once)."""
    seen: list[tuple[str, int]] = []

    def fake(address: tuple[str, int], *_: Any, **__: Any) -> socket.socket:
        seen.append(address)
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", fake)
    return seen


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/", "loopback"),
        ("https://localhost/", "loopback"),  # a DNS name that resolves to 127.0.0.1
        ("https://2130706433/", "non-standard IP address notation"),
        ("https://0x7f000001/", "non-standard IP address notation"),
        ("https://127.1/", "non-standard IP address notation"),
        ("https://0177.0.0.1/", "non-standard IP address notation"),
        ("https://[::1]/", "loopback"),
        ("https://[::ffff:127.0.0.1]/", "127.0.0.1 is a loopback"),
        ("https://[::ffff:7f00:1]/", "127.0.0.1 is a loopback"),
        ("https://10.0.0.1/", "private"),
        ("https://172.16.5.4/", "private"),
        ("https://192.168.1.1/", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://100.64.0.1/", "not a public address"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://224.0.0.1/", "multicast"),
        ("https://[fe80::1]/", "link-local"),
        ("https://[fc00::1]/", "private"),
        ("https://[::]/", "unspecified"),
        ("https://[64:ff9b::7f00:1]/", "not a public address"),
        ("https://user:pw@93.184.216.34/", "user name or password"),
        ("http://93.184.216.34/", "must use https://"),
        ("ftp://93.184.216.34/", "must start with https://"),
        ("https://93.184.216.34:22/", "port 22 is not allowed"),
        ("https:///nohost", "no host name"),
        ("https://bad host/", "spaces"),
    ],
)
def test_refused_before_any_connect(url: str, reason: str, connects: list[tuple[str, int]]) -> None:
    with pytest.raises(ssrf.Blocked, match=reason):
        ssrf.resolve(url, settings())
    result = sender.post(url, b"{}", {}, settings())
    assert not result.ok and result.error.startswith("refused:") and reason in result.error
    assert connects == []


def test_name_with_one_internal_address_among_public_ones_is_refused() -> None:
    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ("93.184.216.34", "10.1.2.3")]

    with pytest.raises(ssrf.Blocked, match=r"10\.1\.2\.3 is a private"):
        ssrf.resolve("https://hooks.example/", settings(), resolver)


def test_connects_to_the_checked_address_after_one_lookup(connects: list[tuple[str, int]]) -> None:
    """DNS rebinding: the second answer would be loopback, but there is no second lookup."""
    answers = iter(["93.184.216.34", "127.0.0.1"])
    calls: list[str] = []

    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    result = sender.post("https://hooks.example/receive", b"{}", {}, settings(), resolver)
    assert calls == ["hooks.example"]
    assert connects == [("93.184.216.34", 443)]
    assert not result.ok and "no network" in result.error


def test_allow_listed_receiver_gets_the_request_through_the_pinned_address(receiver: Receiver) -> None:
    calls: list[str] = []

    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    config = settings(webhook_allow_networks=["127.0.0.0/8"])
    result = sender.post(f"http://hooks.test:{receiver.port}/hook?x=1", b'{"a":1}', {"webhook-id": "msg_1"},
                         config, resolver)
    assert result.ok and result.peer == "127.0.0.1" and calls == ["hooks.test"]
    seen = receiver.requests[0]
    assert seen.path == "/hook?x=1" and seen.headers["host"] == f"hooks.test:{receiver.port}"
    assert seen.body == b'{"a":1}' and seen.headers["webhook-id"] == "msg_1"


def test_allow_list_is_needed_for_loopback(receiver: Receiver) -> None:
    assert "loopback" in sender.post(receiver.url, b"{}", {}, settings()).error
    assert receiver.requests == []
    assert sender.post(receiver.url, b"{}", {}, settings(webhook_allow_networks=["127.0.0.1/32"])).ok
    assert len(receiver.requests) == 1
    # The allow-list opens those networks only, not odd spellings of them.
    with pytest.raises(ssrf.Blocked, match="non-standard"):
        ssrf.resolve(f"http://2130706433:{receiver.port}/", settings(webhook_allow_networks=["127.0.0.0/8"]))


def test_redirect_is_a_failure_and_is_not_followed() -> None:
    server = Receiver([("redirect", "http://169.254.169.254/latest/meta-data/")]).start()
    try:
        result = sender.post(server.url, b"{}", {}, settings(webhook_allow_networks=["127.0.0.1/32"]))
    finally:
        server.close()
    assert result.status == 302 and not result.ok
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("step", "check"),
    [
        ("hang", lambda r: r.status is None and "timed out after 1 s" in r.error),
        ("garbage", lambda r: r.status is None and r.error),
        ("huge", lambda r: r.status == 200 and len(r.body) == sender.RESPONSE_BYTES),
        ((503, {"Retry-After": "7"}, b"busy"), lambda r: r.status == 503 and r.retry_after == 7 and r.body == b"busy"),
    ],
)
def test_bad_receivers_are_recorded_and_bounded(step: Any, check: Any) -> None:
    server = Receiver([step]).start()
    started = time.monotonic()
    try:
        result = sender.post(server.url, b"{}", {}, settings(webhook_allow_networks=["127.0.0.1/32"],
                                                             webhook_timeout_seconds=1.0))
    finally:
        server.close()
    assert check(result), result
    assert time.monotonic() - started < 10


def test_allow_networks_from_the_environment(tmp_path: Any) -> None:
    loaded = load_settings(environ={"MODERATION_WEBHOOK_ALLOW_NETWORKS": '["127.0.0.0/8"]'}, root=tmp_path)
    assert loaded.webhook_allow_networks == ["127.0.0.0/8"]
    with pytest.raises(SettingsError, match="not a CIDR"):
        load_settings(test_config={"webhook_allow_networks": ["127.0.0.300/8"]})


def test_retry_after_http_date() -> None:
    assert sender.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert sender.parse_retry_after("soon") is None
