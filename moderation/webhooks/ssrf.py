"""SSRF guard for receiver URLs: check every resolved address once, and connect only to a checked one.

The same `resolve()` runs when an endpoint is saved (so a refused URL is refused with its reason)
and before every attempt; the sender then connects to `Target.address` itself, never resolving the
name again, so DNS rebinding between the check and the connect has nothing to win.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from moderation.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[Any]]

# Ranges `is_global` does not cover, or that embed another address (NAT64, 6to4, Teredo).
EXTRA_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
    "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "2002::/16", "fc00::/7", "fe80::/10", "ff00::/8",
))
MAX_URL = 2048


class Blocked(ValueError):
    """The URL or an address it resolves to may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked receiver: connect to `address`, send Host/SNI `host`."""

    scheme: str
    host: str
    port: int
    path: str
    address: str
    addresses: tuple[str, ...]


def _networks(settings: Settings) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.webhook_allow_networks]


def canonical(address: IPAddress) -> IPAddress:
    """IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def allow_listed(address: IPAddress, settings: Settings) -> bool:
    """True when an operator allowed this address's network (webhook_allow_networks)."""
    address = canonical(address)
    return any(address.version == net.version and address in net for net in _networks(settings))


def refusal(address: IPAddress, settings: Settings) -> str | None:
    """Why this address may not receive webhooks, or None when it may."""
    address = canonical(address)
    if allow_listed(address, settings):
        return None
    kinds = [("loopback", address.is_loopback), ("unspecified", address.is_unspecified),
             ("link-local", address.is_link_local), ("multicast", address.is_multicast),
             ("private", address.is_private)]
    for kind, hit in kinds:
        if hit:
            return f"{address} is a {kind} address"
    if not address.is_global or any(address.version == net.version and address in net for net in EXTRA_BLOCKED):
        return f"{address} is not a public address"
    return None


def _odd_notation(host: str) -> bool:
    """2130706433, 0x7f000001, 127.1, 0177.0.0.1: numeric forms other than plain dotted decimal."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return True
    return False


def parse(url: str, settings: Settings) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable URL, before any lookup."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise Blocked(f"must be an absolute https:// URL of at most {MAX_URL} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise Blocked("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Blocked(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("https", "http"):
        raise Blocked("must start with https://")
    if parts.username is not None or parts.password is not None:
        raise Blocked("must not contain a user name or password")
    host = parts.hostname or ""
    if not host:
        raise Blocked("has no host name")
    if _odd_notation(host):
        raise Blocked(f"host {host!r} is a non-standard IP address notation; write an address as a.b.c.d")
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port, path


def resolve(url: str, settings: Settings, resolver: Resolver = socket.getaddrinfo) -> Target:
    """Check the URL and every address its host resolves to (one lookup); Blocked says why not."""
    scheme, host, port, path = parse(url, settings)
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Blocked(f"host {host!r} does not resolve ({exc})") from None
    addresses: list[str] = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise Blocked(f"host {host!r} does not resolve")
    parsed = [ipaddress.ip_address(a) for a in addresses]
    for address in parsed:
        reason = refusal(address, settings)
        if reason:
            raise Blocked(f"{reason}; allow its network in webhook_allow_networks if this receiver is yours")
    listed = all(allow_listed(a, settings) for a in parsed)
    if scheme == "http" and not (settings.webhook_allow_http or listed):
        raise Blocked("must use https:// (plain http only for webhook_allow_networks or with webhook_allow_http)")
    if port not in settings.webhook_allowed_ports and not listed:
        allowed = ", ".join(str(p) for p in settings.webhook_allowed_ports)
        raise Blocked(f"port {port} is not allowed (webhook_allowed_ports: {allowed})")
    return Target(scheme, host, port, path, addresses[0], tuple(addresses))
