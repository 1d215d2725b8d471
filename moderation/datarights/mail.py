"""The service's own mail with an export or erasure link (when notifications.smtp_host is set).

It goes to the address that asked, whether or not that author unsubscribed from reply mail: the
person requested it. The address and the link are put together here, in the delivery worker.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy.orm import Session

from moderation import privacy
from moderation.datarights import links
from moderation.datarights.models import PrivacyRequest
from moderation.models import Author, utcnow
from moderation.services import sites
from moderation.settings import Settings
from moderation.webhooks.mail import Prepared

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "id": {"export": ("Data komentar Anda", "Anda (atau seseorang) meminta salinan data komentar Anda di {site}. "
                      "Unduh di sini (berlaku sampai {expires} UTC):\n{link}"),
           "erase": ("Konfirmasi penghapusan data komentar Anda", "Anda (atau seseorang) meminta penghapusan data "
                     "komentar Anda di {site}. Buka tautan ini untuk mengonfirmasi (berlaku sampai {expires} UTC):\n"
                     "{link}")},
    "en": {"export": ("Your comment data", "You (or someone) asked for a copy of your comment data on {site}. "
                      "Download it here (valid until {expires} UTC):\n{link}"),
           "erase": ("Confirm the erasure of your comment data", "You (or someone) asked to erase your comment data "
                     "on {site}. Open this link to confirm (valid until {expires} UTC):\n{link}")},
}
IGNORE = {"id": "Jika Anda tidak memintanya, abaikan email ini; tidak ada yang berubah.",
          "en": "If you did not ask for this, ignore this mail; nothing changes."}


def prepare(session: Session, settings: Settings, recipient_author_id: int | None, payload: dict[str, Any]) -> Prepared:
    """Compose the link mail for a privacy request delivery."""
    data = payload.get("data") or {}
    request = data.get("request") if isinstance(data, dict) else None
    row = session.get(PrivacyRequest, request.get("id")) if isinstance(request, dict) else None
    author = session.get(Author, recipient_author_id) if recipient_author_id else None
    if row is None or author is None or not author.email_enc or row.author_id != author.id:
        return Prepared(error="the request or its author is gone (purged or erased)")
    language = sites.policy_for(settings, row.site_id).language
    subject, body = TEXTS[language][row.kind]
    expires = links.expires_at(row).strftime("%Y-%m-%d %H:%M")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.notifications.from_address or f"noreply@{settings.host}"
    message["To"] = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(author.site_id,
                                                                                          author.email_bidx))
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="moderation.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body.format(site=row.site_id, expires=expires, link=links.link(settings, row))
                        + "\n\n" + IGNORE[language] + "\n")
    return Prepared(message=message)
