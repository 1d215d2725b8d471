"""Demo news articles (Indonesian and English) with the embed widget, the count script and a no-JS WordPress-style form."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request
from sqlalchemy.orm import Session

from moderation import antibot, catalog
from moderation.db import get_session
from moderation.extensions import get_settings
from moderation.models import Comment, Site, Status
from moderation.services import authorship, comments, present, sites, submit
from moderation.settings import Settings

bp = Blueprint("demo", __name__)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

ARTICLES = {
    "artikel-1": {
        "lang": "id",
        "kicker": "Ekonomi",
        "headline": "Harga Cabai Rawit di Pasar Induk Turun Jelang Musim Panen Raya",
        "lead": "Pedagang di sejumlah pasar tradisional mencatat penurunan harga hingga 20 persen "
                "dalam sepekan terakhir.",
        "paragraphs": [
            "JAKARTA — Harga cabai rawit merah di Pasar Induk Kramat Jati turun dari Rp 68.000 menjadi "
            "Rp 54.000 per kilogram sejak awal pekan. Pasokan dari sentra produksi di Jawa Tengah dan "
            "Jawa Timur kembali lancar setelah cuaca membaik.",
            "\"Barang datang lebih banyak, pembeli belum banyak, jadi harga kami turunkan,\" kata Siti, "
            "pedagang yang sudah berjualan di pasar itu selama dua belas tahun.",
            "Badan Pangan Nasional memperkirakan harga akan stabil hingga akhir bulan. Warga diimbau "
            "tidak membeli secara berlebihan dan melaporkan kenaikan harga yang tidak wajar.",
        ],
    },
    "article-2": {
        "lang": "en",
        "kicker": "City",
        "headline": "Riverside Night Market Reopens With Stalls for Small Food Vendors",
        "lead": "Forty stalls, half of them reserved for first-time sellers, opened on Friday evening after "
                "a two-month renovation of the riverside square.",
        "paragraphs": [
            "The market runs from six until eleven every Friday and Saturday. Stall fees were lowered for "
            "vendors who sell food they cook themselves, and the city added lighting and a covered seating area.",
            "\"We used to queue for a spot at five in the afternoon,\" said Rahmat, who has sold grilled corn "
            "there for eight years. \"Now the places are assigned a week ahead.\"",
            "The city plans to review the rules after three months and asks visitors to use the bicycle "
            "parking by the bridge.",
        ],
    },
}
DEFAULT_ARTICLE = {
    "lang": "id",
    "kicker": "Nasional",
    "headline": "Warga Gotong Royong Bersihkan Sungai Menjelang Musim Hujan",
    "lead": "Ratusan warga dari lima kelurahan turun ke bantaran sungai pada Minggu pagi.",
    "paragraphs": [
        "Kegiatan yang digelar setiap tahun ini mengangkut lebih dari tiga ton sampah plastik dari aliran sungai.",
        "Ketua RW setempat berharap kegiatan serupa bisa dilakukan setiap bulan, bukan hanya menjelang musim hujan.",
    ],
}
# The demo pages' own policy: strict, and it is what a site embedding the widget needs at least
# (here the service is the page's own origin, so 'self' covers the script and the API).
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'self'; require-trusted-types-for 'script'; trusted-types moderation-widget")


def _demo_site() -> Site:
    session = get_session()
    site = session.get(Site, sites.DEMO_SITE)
    settings = get_settings()
    if site is None:
        if settings.env == "production":
            abort(404)  # production shows the demo only when someone created the demo site
        site = sites.ensure_demo_site(session, settings)
        session.commit()
    return site


def _own_pending(settings: Settings, session: Session, site_id: str, thread: str) -> dict[str, Any] | None:
    """The comment named by ?unapproved=, only for its author (moderation-hash or author cookie) and unpublished."""
    comment_id = request.args.get("unapproved", type=int)
    if not comment_id or comment_id <= 0 or comment_id > comments.MAX_ID:
        return None
    comment = session.get(Comment, comment_id)
    if comment is None or comment.thread.site_id != site_id or comment.thread.uri != thread:
        return None
    if comment.status in (Status.PUBLISHED.value, Status.DELETED.value):
        return None  # published: it is in the list already; deleted: gone
    proved = authorship.check_view_hash(settings, comment.id, request.args.get("moderation-hash")) or (
        submit.cookie_author(settings, request.cookies.get(submit.AUTHOR_COOKIE, ""), site_id) == comment.author_id)
    return present.public_comment(settings, comment) if proved else None


@bp.get("/demo/<slug>")
def article(slug: str) -> Response:
    """A fake news article (Indonesian, or English for article-2) whose comments this service serves."""
    if not SLUG_RE.match(slug):
        abort(404)
    settings = get_settings()
    site = _demo_site()
    thread = f"{request.url_root}demo/{slug}"
    session = get_session()
    sites.ensure_synced(session, settings)
    story = ARTICLES.get(slug, DEFAULT_ARTICLE)
    published = present.tree(settings, comments.published_in_thread(session, site.id, thread))
    others = [(f"{request.url_root}demo/{s}", a["headline"]) for s, a in ARTICLES.items() if s != slug]
    lang = str(story["lang"])
    html = render_template(
        "demo/article.html", article=story, slug=slug, site_id=site.id, thread=thread, lang=lang,
        form_token=antibot.issue_form_token(settings, site.id, thread), published=published, others=others,
        pending=_own_pending(settings, session, site.id, thread), t=catalog.texts(lang, "ui"),
        pages=catalog.texts(lang, "pages"),
    )
    response = make_response(html)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
