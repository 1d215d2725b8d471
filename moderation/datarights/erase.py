"""Erasure: anonymise (keep the text, drop the person) or delete an author's comments on one site.

Idempotent: the author row loses its email and index, so a second erasure finds nobody and changes
nothing. The webhook and mail log rows about the author's comments go too, and the privacy log
keeps a keyed tag of the email (never the email or its blind index) for `reapply-erasures`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.datarights.lookup import check_email, find_author
from moderation.datarights.models import PrivacyLogEntry, PrivacyRequest
from moderation.imports.models import ImportedComment
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status, Thread, utcnow
from moderation.moderator.models import Ban, Label, Report
from moderation.services import sites
from moderation.settings import Settings
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage

Mode = Literal["anonymise", "delete"]
MODES: tuple[Mode, ...] = ("anonymise", "delete")
ANONYMOUS = {"id": "anonim", "en": "anonymous"}
REMOVED = {"id": "[komentar dihapus]", "en": "[comment removed]"}


@dataclass
class Erased:
    """What one erasure changed (all zero when nothing was stored)."""

    site: str
    mode: str
    found: bool = False
    anonymised: int = 0
    stubs: int = 0
    deleted: int = 0
    kept_for_labels: int = 0
    webhook_messages: int = 0
    deliveries: int = 0
    requests: int = 0
    ids: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """JSON-ready, without the comment ids (they stay in the caller's hands)."""
        data = asdict(self)
        data.pop("ids")
        return data


def log_path(settings: Settings) -> Path:
    """Where the erased-author log outside the database lives."""
    configured = settings.privacy.erasure_log_file
    return Path(configured) if configured else Path(settings.instance_path) / "erasures.jsonl"


def _webhook_rows(session: Session, author_id: int, ids: list[int], request_ids: list[int]) -> tuple[int, int]:
    """Delete every message, delivery and attempt about these comments or to this author."""
    about = [WebhookMessage.comment_id.in_(ids),
             (WebhookMessage.event_type == "comment.replied") & WebhookMessage.related_id.in_(ids)]
    if request_ids:
        about.append(WebhookMessage.event_type.like("privacy.%") & WebhookMessage.related_id.in_(request_ids))
    messages = list(session.scalars(select(WebhookMessage.id).where(or_(*about)))) if ids or request_ids else []
    deliveries = list(session.scalars(select(WebhookDelivery.id).where(or_(
        WebhookDelivery.message_id.in_(messages), WebhookDelivery.recipient_author_id == author_id))))
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(deliveries)))
    session.execute(delete(WebhookMessage).where(WebhookMessage.id.in_(messages)))
    return len(messages), len(deliveries)


def _drop_rows(session: Session, ids: list[int]) -> None:
    for model in (OutboxMessage, AuditEntry, Decision, Label, Report, ImportedComment):
        session.execute(delete(model).where(model.comment_id.in_(ids)).execution_options(synchronize_session=False))
    session.execute(update(Ban).where(Ban.comment_id.in_(ids)).values(comment_id=None))
    session.execute(delete(Comment).where(Comment.id.in_(ids)).execution_options(synchronize_session=False))


def _delete_mode(session: Session, settings: Settings, site_id: str, ids: list[int], result: Erased,
                 language: str) -> None:
    left = list(ids)
    while left:  # leaves first: the author's own replies do not keep their parent a stub
        children = set(session.scalars(select(Comment.parent_id).where(Comment.parent_id.in_(left))))
        labelled = set(session.scalars(select(Label.comment_id).where(Label.comment_id.in_(left))))
        keep_text = sites.policy_for(settings, site_id).erased_label_text
        leaves = [cid for cid in left if cid not in children and not (keep_text and cid in labelled)]
        if not leaves:
            break
        _drop_rows(session, leaves)
        result.deleted += len(leaves)
        left = [cid for cid in left if cid not in leaves]
    if not left:
        return
    children = set(session.scalars(select(Comment.parent_id).where(Comment.parent_id.in_(left))))
    stubs = [cid for cid in left if cid in children]
    hidden = [cid for cid in left if cid not in children]
    if stubs:  # replies stay under a "comment removed" stub; its old text is gone, so are its labels
        session.execute(update(Comment).where(Comment.id.in_(stubs)).values(
            body=REMOVED[language], body_hmac=None, updated_at=Comment.updated_at))
        for model in (Decision, Label):
            session.execute(delete(model).where(model.comment_id.in_(stubs)))
        result.stubs += len(stubs)
    if hidden:  # labelled text kept for training, never shown again
        session.execute(update(Comment).where(Comment.id.in_(hidden)).values(status=Status.DELETED.value))
        result.kept_for_labels += len(hidden)
    # Edit history held old texts; neither stubs nor hidden rows keep them.
    session.execute(update(AuditEntry).where(AuditEntry.comment_id.in_(left)).values(details={}))


def erase_author(session: Session, settings: Settings, site_id: str, author: Author | None, mode: Mode,
                 tag: str | None, actor: str, moderator_id: int | None = None) -> Erased:
    """Erase one author's data on a site in the caller's transaction; the privacy log gets `tag`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    result = Erased(site=site_id, mode=mode)
    if author is None:
        return result
    result.found = True
    language = sites.policy_for(settings, site_id).language
    ids = list(session.scalars(select(Comment.id).join(Thread, Thread.id == Comment.thread_id)
                               .where(Comment.author_id == author.id, Thread.site_id == site_id)))
    result.ids = ids
    request_ids = list(session.scalars(select(PrivacyRequest.id).where(PrivacyRequest.author_id == author.id)))
    result.webhook_messages, result.deliveries = _webhook_rows(session, author.id, ids, request_ids)
    session.execute(delete(PrivacyRequest).where(PrivacyRequest.id.in_(request_ids)))
    result.requests = len(request_ids)
    # The person goes in both modes: name, website, address range, request signals, subscriptions.
    session.execute(update(Comment).where(Comment.id.in_(ids)).values(
        name=ANONYMOUS[language], website="", ip_prefix="", signals={}, notify_replies=False,
        edit_token_hash="", updated_at=Comment.updated_at).execution_options(synchronize_session=False))
    if mode == "anonymise":
        result.anonymised = len(ids)
    else:
        _delete_mode(session, settings, site_id, ids, result, language)
    session.execute(update(Author).where(Author.id == author.id).values(
        email_bidx=f"erased:{author.id}", email_enc=b"", notify_off_at=utcnow()))
    session.add(PrivacyLogEntry(site_id=site_id, action="erase", tag=tag, mode=mode, actor=actor,
                                moderator_id=moderator_id, details=result.summary()))
    session.flush()
    session.expire_all()
    return result


def write_log_line(settings: Settings, site_id: str, tag: str, mode: str) -> None:
    """Append the erasure to the log outside the database (survives restoring an older backup)."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"site": site_id, "tag": tag, "mode": mode, "at": utcnow().isoformat()}) + "\n")


def scrub_files(session: Session) -> None:
    """SQLite: move the WAL into the database file (zeroed by secure_delete) and truncate the WAL."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def erase(session: Session, settings: Settings, site_id: str, email: str, mode: Mode, actor: str = "cli",
          moderator_id: int | None = None) -> Erased:
    """Erase everything stored about `email` on `site_id`; commits; twice in a row changes nothing more."""
    email = check_email(email)
    author = find_author(session, settings, site_id, email)
    tag = privacy.erasure_tag(settings.secrets.blind_index_key, site_id, email)
    result = erase_author(session, settings, site_id, author, mode, tag, actor, moderator_id)
    session.commit()
    if result.found:
        write_log_line(settings, site_id, tag, mode)
        scrub_files(session)
    return result


def erased_count(session: Session, site_id: str) -> int:
    """Erasures logged for a site."""
    return session.scalar(select(func.count()).select_from(PrivacyLogEntry)
                          .where(PrivacyLogEntry.site_id == site_id, PrivacyLogEntry.action == "erase")) or 0
