"""Comment body to safe HTML with nh3 (an allow-list), and the link count taken from that HTML."""
from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Bare addresses a reader can copy: scheme URLs and www. hosts.
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
BLOCK_RE = re.compile(r"(?i)<(?:p|pre|blockquote|ul|ol)\b")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a reader's text
# must not reorder what is shown around it, so they are dropped from the HTML (the stored text keeps
# them). The widget also renders every body with dir="auto", which isolates it.
BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean(html: str) -> str:
    """Sanitise HTML to the allow-list; idempotent."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL)


@lru_cache(maxsize=2048)  # a thread's page is read far more often than written; bodies are at most a few KB
def body_html(body: str) -> str:
    """Render a stored body: sanitise, then turn blank lines into paragraphs and newlines into <br>."""
    safe = clean(BIDI_CONTROLS_RE.sub("", body.replace("\r\n", "\n")))
    if BLOCK_RE.search(safe):
        # The author wrote block markup; keep their structure rather than re-wrapping it.
        return safe
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", safe) if p.strip()]
    return clean("".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs))


class _LinkCounter(HTMLParser):
    """Counts anchors that keep an href, and bare URLs in text outside anchors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.count = 0
        self._anchor_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._anchor_depth += 1
            if any(name == "href" and value for name, value in attrs):
                self.count += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor_depth:
            self._anchor_depth -= 1

    def handle_data(self, data: str) -> None:
        # An anchor whose text is its own URL is one link, not two.
        if not self._anchor_depth:
            self.count += len(URL_RE.findall(data))


def count_links(html: str, website: str = "") -> int:
    """Links a reader could follow in the sanitised body HTML, plus the website field if it is one."""
    counter = _LinkCounter()
    counter.feed(html)
    counter.close()
    return counter.count + (1 if safe_website(website) else 0)


# Text the sanitiser would only escape: no markup, no entity, no control character but tab and newline.
_PLAIN_RE = re.compile("[<>&\x00-\x08\x0b-\x1f\x7f-\x9f]")


def count_body_links(body: str, website: str = "") -> int:
    """count_links(body_html(body), website), without rendering the HTML when the body is plain text."""
    if _PLAIN_RE.search(body):
        return count_links(body_html(body), website)
    # Plain text renders to itself inside <p> and <br>, which a URL cannot span (it stops at
    # whitespace), so the bare URLs of the text are the links of its HTML.
    text = BIDI_CONTROLS_RE.sub("", body)
    return len(URL_RE.findall(text)) + (1 if safe_website(website) else 0)


def safe_website(url: str) -> str:
    """The website only if it is an http(s) URL with a host; else empty."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.hostname else ""
