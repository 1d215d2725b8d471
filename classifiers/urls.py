"""URL helpers: host of a URL, link shorteners, and citation domains (split out of normalize.py).

Citation domains are hosts a news-site commenter cites as a source: government (.go.id, .gov),
academic (.ac.id, .edu), international bodies (.int) and a short list of major news / reference
sites. Their links become a separate placeholder (``xurlcitex``) and signal, so a comment citing
BPS or Kompas does not look like a link-spam comment. The list is hand-written, not learned.
"""

from __future__ import annotations

import re

SHORTENERS = frozenset(
    "bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly s.id cutt.ly shorturl.at rb.gy "
    "tiny.cc rebrand.ly linktr.ee lnkd.in t.ly v.gd wa.me bit.do shope.ee".split()
)
# Host suffixes of public institutions (matched on label boundaries).
CITATION_SUFFIXES = (
    ".go.id", ".ac.id", ".sch.id", ".mil.id", ".desa.id", ".or.id", ".gov", ".edu", ".int", ".mil",
    ".ac.uk", ".gov.uk", ".nhs.uk", ".gov.au", ".edu.au", ".gc.ca", ".europa.eu", ".gov.sg", ".edu.sg",
    ".gov.my", ".edu.my",
)
# Major news and reference sites (registrable domain; subdomains match too).
CITATION_SITES = frozenset(
    "kompas.com kompas.id detik.com tempo.co cnnindonesia.com cnbcindonesia.com antaranews.com "
    "tribunnews.com liputan6.com kumparan.com republika.co.id katadata.co.id bisnis.com kontan.co.id "
    "thejakartapost.com mediaindonesia.com suara.com okezone.com sindonews.com idntimes.com "
    "tirto.id jawapos.com viva.co.id merdeka.com beritasatu.com voaindonesia.com bbc.com bbc.co.uk "
    "reuters.com apnews.com nytimes.com theguardian.com washingtonpost.com aljazeera.com "
    "wikipedia.org who.int worldbank.org imf.org un.org unicef.org nature.com sciencedirect.com "
    "doi.org pubmed.ncbi.nlm.nih.gov arxiv.org scholar.google.com".split()
)
_SCHEME_RE = re.compile(r"^[a-z]+://")


def url_domain(url: str) -> str:
    """Return the lowercase host of a URL-like string (without ``www.``)."""
    host = _SCHEME_RE.sub("", url.lower()).split("/", 1)[0].split("?", 1)[0]
    return host[4:] if host.startswith("www.") else host


def is_shortener(domain: str) -> bool:
    """True for known link-shortener / redirect hosts."""
    return domain in SHORTENERS


def is_citation_domain(domain: str) -> bool:
    """True for government, academic, international and major news / reference hosts."""
    domain = domain.rstrip(".,;:!?)]}").split(":", 1)[0]
    if domain.endswith(CITATION_SUFFIXES):
        return True
    parts = domain.split(".")
    return any(".".join(parts[i:]) in CITATION_SITES for i in range(len(parts) - 1))


def is_citation_url(url: str) -> bool:
    """True when the URL's host is a citation domain."""
    return is_citation_domain(url_domain(url))
