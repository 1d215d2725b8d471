"""Comment body to safe HTML with nh3 (S1 allow-list), plus small text facts used as signals."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

LINK_RE = re.compile(r"(?i)(?:\bhttps?://|\bwww\.|<a\s)[^\s<>\"']*")
BLOCK_RE = re.compile(r"(?i)<(?:p|pre|blockquote|ul|ol)\b")


def clean(html: str) -> str:
    """Sanitise HTML to the allow-list; idempotent."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL)


def body_html(body: str) -> str:
    """Render a stored body: sanitise, then turn blank lines into paragraphs and newlines into <br>."""
    safe = clean(body.replace("\r\n", "\n"))
    if BLOCK_RE.search(safe):
        # The author wrote block markup; keep their structure rather than re-wrapping it.
        return safe
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", safe) if p.strip()]
    return clean("".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs))


def count_links(*texts: str) -> int:
    """How many links the texts contain (URLs, www. hosts and <a> tags)."""
    return sum(len(LINK_RE.findall(text)) for text in texts)


def safe_website(url: str) -> str:
    """The website only if it is an http(s) URL with a host; else empty."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.hostname else ""
