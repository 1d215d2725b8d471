"""A demo news article page with the embed widget and a no-JS WordPress-style form fallback."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, make_response, render_template, request

from moderation import antibot
from moderation.db import get_session
from moderation.extensions import get_settings
from moderation.models import Site
from moderation.services import comments, present, sites

bp = Blueprint("demo", __name__)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

ARTICLES = {
    "artikel-1": {
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
}
DEFAULT_ARTICLE = {
    "kicker": "Nasional",
    "headline": "Warga Gotong Royong Bersihkan Sungai Menjelang Musim Hujan",
    "lead": "Ratusan warga dari lima kelurahan turun ke bantaran sungai pada Minggu pagi.",
    "paragraphs": [
        "Kegiatan yang digelar setiap tahun ini mengangkut lebih dari tiga ton sampah plastik dari aliran sungai.",
        "Ketua RW setempat berharap kegiatan serupa bisa dilakukan setiap bulan, bukan hanya menjelang musim hujan.",
    ],
}


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


@bp.get("/demo/<slug>")
def article(slug: str) -> Response:
    """A fake Indonesian news article whose comment section is served by this service."""
    if not SLUG_RE.match(slug):
        abort(404)
    settings = get_settings()
    site = _demo_site()
    thread = f"{request.url_root}demo/{slug}"
    session = get_session()
    sites.ensure_synced(session, settings)
    published = present.tree(settings, comments.published_in_thread(session, site.id, thread))
    html = render_template(
        "demo/article.html", article=ARTICLES.get(slug, DEFAULT_ARTICLE), slug=slug, site_id=site.id,
        thread=thread, form_token=antibot.issue_form_token(settings, site.id, thread),
        published=published, unapproved=request.args.get("unapproved", type=int),
    )
    response = make_response(html)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
