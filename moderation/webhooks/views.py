"""The unsubscribe link of notification mails (RFC 8058 one-click: POST unsubscribes, GET asks first)."""
from __future__ import annotations

from flask import Blueprint, render_template

from moderation.db import get_session
from moderation.extensions import get_settings as _settings
from moderation.models import Author, utcnow
from moderation.webhooks import mail

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> tuple[str, int, dict[str, str]]:
    """A page with one button; link scanners that follow GETs unsubscribe nobody."""
    valid = mail.author_from_token(_settings(), token) is not None
    return (render_template("notifications/unsubscribe.html", token=token, valid=valid, done=False),
            200 if valid else 404, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> tuple[str, int, dict[str, str]]:
    """Stop all notification mail to this author (the signed token is the only credential)."""
    author_id = mail.author_from_token(_settings(), token)
    session = get_session()
    author = session.get(Author, author_id) if author_id is not None else None
    if author is None:
        return (render_template("notifications/unsubscribe.html", token=token, valid=False, done=False), 404,
                {"Cache-Control": "no-store"})
    if author.notify_off_at is None:
        author.notify_off_at = utcnow()
        session.commit()
    return (render_template("notifications/unsubscribe.html", token=token, valid=True, done=True), 200,
            {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
