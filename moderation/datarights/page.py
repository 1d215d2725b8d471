"""GET /privacy?site=ID: what the service stores about commenters, in Indonesian or English, with the request form."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale

from moderation.datarights import links
from moderation.datarights.lookup import check_site
from moderation.db import get_session
from moderation.errors import request_language
from moderation.extensions import get_settings
from moderation.services import sites

bp = Blueprint("privacy_page", __name__)


def _render(site_id: str, sent: bool = False) -> str:
    settings, session = get_settings(), get_session()
    site = check_site(session, site_id)
    policy = sites.policy_for(settings, site)
    lang = request_language(policy.language, request.values.get("lang"))
    with force_locale(lang):
        return render_template(
            "privacy/page.html", lang=lang, site_id=site.id, site_name=site.name or site.id, sent=sent,
            raw_days=settings.raw_data_retention_days, log_days=settings.webhook_log_retention_days,
            report_days=settings.privacy.report_retention_days, request_days=settings.privacy.request_retention_days,
            link_hours=f"{settings.privacy.link_ttl_hours:g}", erase_mode=policy.erase_mode)


@bp.get("/privacy")
def privacy() -> str:
    """The page a site links from its comment form."""
    return _render(request.args.get("site", ""))


@bp.post("/privacy")
def privacy_request() -> str:
    """The page's form: the same answer whether or not the address is known."""
    site_id = request.form.get("site", "")
    kind = request.form.get("kind", "")
    session = get_session()
    if kind in ("export", "erase"):
        links.request_link(session, get_settings(), site_id, request.form.get("email", ""), kind)  # type: ignore[arg-type]
        session.commit()
    return _render(site_id, sent=True)
