"""Queue pages: the tabs with filters, editing a comment, banning, revealing an email (admins)."""
from __future__ import annotations

import json
from typing import Any

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select

from moderation.db import get_session
from moderation.errors import NotFound
from moderation.models import Comment, Site
from moderation.moderator import actions, bans, labels, present
from moderation.moderator import queue as mod_queue
from moderation.moderator.api import query_args, send_after_commit
from moderation.moderator.schemas import TABS, BanIn, QueueQuery, RevealIn
from moderation.moderator.security import settings
from moderation.moderator.ui import bp
from moderation.schemas import parse

REASONS = ("toxic", "identity_hate", "spam", "gambling_promo", "too_many_links", "moderation_word", "blocked_word",
           "first_time_author", "banned_author", "bot_honeypot", "bot_too_fast", "bot_invalid_token",
           "reported_by_readers", "classifier_unavailable")


def _sites(actor: Any) -> list[str]:
    ids = list(get_session().scalars(select(Site.id).order_by(Site.id)))
    return [s for s in ids if actor.allows("view", s)]


@bp.get("/")
def index() -> Any:
    return redirect(url_for("moderator.queue"))


@bp.get("/queue")
def queue() -> str:
    """A tab of the queue, filtered, by priority, one keyset page at a time."""
    actor = g.actor
    q = parse(QueueQuery, query_args())
    conf = settings()
    session = get_session()
    rows, cursor = mod_queue.page(session, actor, q, q.cursor, q.limit or conf.moderator.page_size)
    filters = q.model_dump(mode="json", exclude={"cursor", "limit"}, exclude_none=True)
    return render_template("moderator/queue.html", comments=present.comments(session, conf, rows), next=cursor,
                           q=q, tabs=TABS, reasons=REASONS, reject_reasons=labels.REJECT_REASONS, sites=_sites(actor), filters=filters,
                           filters_json=json.dumps(filters), undo_seconds=conf.moderator.undo_seconds,
                           first_page=not q.cursor)


def _comment(comment_id: int) -> Comment:
    comment = get_session().get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    g.actor.require("view", [comment.thread.site_id])
    return comment


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int) -> Any:
    """Edit the text; the comment is re-scored."""
    comment = _comment(comment_id)
    if request.method == "POST":
        session = get_session()
        version = request.form.get("version", type=int)
        _, message = actions.edit(session, settings(), g.actor, comment_id, request.form.get("body", ""), version)
        session.commit()
        send_after_commit(session, message)
        return redirect(url_for("moderator.queue", status="pending"))
    return render_template("moderator/edit.html", comment=comment)


@bp.post("/comments/<int:comment_id>/ban")
def ban(comment_id: int) -> Any:
    """Ban the author or the address range from the comment card."""
    form = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}
    data = parse(BanIn, form)
    session = get_session()
    bans.ban(session, g.actor, comment_id, data.kind, data.ip_range, data.hours, data.reason)
    session.commit()
    return redirect(url_for("moderator.bans_page"))


@bp.post("/comments/<int:comment_id>/reveal")
def reveal(comment_id: int) -> str:
    """Admins: the full email address, with an audit row."""
    data = parse(RevealIn, {"reason": request.form.get("reason", "")})
    session = get_session()
    comment = _comment(comment_id)
    email = bans.reveal_email(session, settings(), g.actor, comment_id, data.reason)
    session.commit()
    return render_template("moderator/reveal.html", comment=comment, email=email)
