"""Notification mail to authors who asked for it, in Indonesian or English, with one-click unsubscribe.

Mail deliveries are rows like webhook deliveries (no endpoint, a recipient author), so they share
the queue, the retries and the log. The address is decrypted here, in the delivery worker, just
before sending; it is never in a task message, in Redis or in a stored payload.
"""
from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.models import Author, Comment, Decision, utcnow
from moderation.settings import Settings
from moderation.webhooks.sender import Result

UNSUBSCRIBE_SALT = "moderation.unsubscribe.v1"

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "id": {
        "comment.published": ("Komentar Anda sudah terbit", "Komentar Anda di \"{title}\" sudah terbit:\n{link}"),
        "comment.rejected": ("Komentar Anda tidak diterbitkan",
                             "Maaf, komentar Anda di \"{title}\" tidak diterbitkan oleh moderator situs ini."),
        "comment.replied": ("{reply_name} membalas komentar Anda",
                            "{reply_name} membalas komentar Anda di \"{title}\":\n{link}"),
        "_greeting": ("Halo {name},", ""),
        "_footer": ("Anda menerima email ini karena mencentang \"beri tahu saya\" saat berkomentar.",
                    "Berhenti menerima email seperti ini: {unsubscribe}"),
    },
    "en": {
        "comment.published": ("Your comment is published", "Your comment on \"{title}\" is published:\n{link}"),
        "comment.rejected": ("Your comment was not published",
                             "Sorry, your comment on \"{title}\" was not published by this site's moderators."),
        "comment.replied": ("{reply_name} replied to your comment",
                            "{reply_name} replied to your comment on \"{title}\":\n{link}"),
        "_greeting": ("Hello {name},", ""),
        "_footer": ("You get this mail because you ticked \"notify me\" when you commented.",
                    "Stop these mails: {unsubscribe}"),
    },
}


@dataclass(frozen=True)
class Prepared:
    """A composed mail, or the reason there is none."""

    message: EmailMessage | None = None
    error: str = ""


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secrets.secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Settings, author_id: int) -> str:
    """A signed token naming the author (no email, no index) for the unsubscribe link."""
    return _serializer(settings).dumps({"a": author_id})


def author_from_token(settings: Settings, token: str) -> int | None:
    """The author id inside a valid unsubscribe token, else None."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        return None
    author = payload.get("a") if isinstance(payload, dict) else None
    return author if isinstance(author, int) else None


def base_url(settings: Settings) -> str:
    """Where readers reach the service (public_url, else host:port)."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def unsubscribe_url(settings: Settings, author_id: int) -> str:
    """The one-click unsubscribe address (RFC 8058: POST to it unsubscribes; GET shows a button)."""
    return f"{base_url(settings)}/notifications/unsubscribe/{unsubscribe_token(settings, author_id)}"


def _email_of(settings: Settings, author: Author) -> str:
    return privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(author.site_id, author.email_bidx))


def author_email(session: Session, settings: Settings, comment_id: int) -> str | None:
    """The email of a comment's author, decrypted (delivery worker only), or None."""
    author = session.scalars(select(Author).join(Comment, Comment.author_id == Author.id)
                             .where(Comment.id == comment_id)).first()
    if author is None or not author.email_enc:
        return None
    return _email_of(settings, author)


def _language(session: Session, comment_id: int) -> str:
    language = session.scalar(select(Decision.language).where(Decision.comment_id == comment_id))
    return "en" if language == "en" else "id"


def _link(thread_uri: str, comment_id: int) -> str:
    return f"{thread_uri}#comment-{comment_id}" if thread_uri.startswith(("http://", "https://")) else thread_uri


def prepare(session: Session, settings: Settings, recipient_author_id: int | None, payload: dict[str, Any]) -> Prepared:
    """Compose the mail for a mail delivery (the recipient's address is decrypted here)."""
    author = session.get(Author, recipient_author_id) if recipient_author_id else None
    if author is None or not author.email_enc:
        return Prepared(error="the author left no email address")
    if author.notify_off_at is not None:
        return Prepared(error="the author unsubscribed")
    event_type, data = payload.get("type", ""), payload.get("data", {})
    subject_id = data.get("comment", {}).get("id")
    texts = TEXTS[_language(session, subject_id)]
    if event_type not in texts:
        return Prepared(error=f"no mail text for {event_type}")
    reply = data.get("reply") or {}
    thread = data.get("thread", {})
    fields = {"name": data.get("comment", {}).get("name", ""), "title": thread.get("title") or thread.get("uri", ""),
              "reply_name": reply.get("name", ""),
              "link": _link(thread.get("uri", ""), reply.get("id") or subject_id),
              "unsubscribe": unsubscribe_url(settings, author.id)}
    subject, text = texts[event_type]
    footer = "\n".join(texts["_footer"]).format(**fields)
    message = EmailMessage()
    message["Subject"] = subject.format(**fields)
    message["From"] = settings.notifications.from_address or f"noreply@{settings.host}"
    message["To"] = _email_of(settings, author)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="moderation.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{fields['unsubscribe']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(f"{texts['_greeting'][0].format(**fields)}\n\n{text.format(**fields)}\n\n-- \n{footer}\n")
    return Prepared(message=message)


def send(settings: Settings, prepared: Prepared) -> Result:
    """Hand one mail to the SMTP server; 5xx answers are permanent, connection trouble is retried."""
    started = time.monotonic()
    if prepared.message is None:
        result = Result(error=f"not sent: {prepared.error}", permanent=True)
    elif not settings.notifications.smtp_host:
        result = Result(error="not sent: notifications.smtp_host is not set", permanent=True)
    else:
        result = _converse(settings, prepared.message)
    return replace(result, duration_ms=int((time.monotonic() - started) * 1000))


def _converse(settings: Settings, message: EmailMessage) -> Result:
    config = settings.notifications
    try:
        smtp_class = smtplib.SMTP_SSL if config.smtp_security == "tls" else smtplib.SMTP
        with smtp_class(config.smtp_host, config.smtp_port, timeout=config.timeout_seconds) as smtp:
            if config.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.smtp_username:
                smtp.login(config.smtp_username, settings.secrets.smtp_password)
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        return Result(status=code, body=reply, error="recipient refused", permanent=code >= 500)
    except smtplib.SMTPResponseException as exc:
        reply = exc.smtp_error if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error).encode()
        return Result(status=exc.smtp_code, body=reply, error="SMTP error", permanent=exc.smtp_code >= 500)
    except (smtplib.SMTPException, OSError) as exc:
        return Result(error=f"{type(exc).__name__}: {exc}"[:500])
    if refused:
        return Result(status=550, error="recipient refused", permanent=True)
    return Result(status=250, body=b"accepted")
