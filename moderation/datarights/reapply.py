"""Re-apply logged erasures, e.g. after restoring a backup taken before them."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.datarights import erase as erasure
from moderation.datarights.models import PrivacyLogEntry
from moderation.models import Author
from moderation.settings import Settings


@dataclass
class Reapplied:
    """How many logged erasures were read and how many authors were erased again."""

    logged: int = 0
    erased: int = 0
    comments: int = 0


def logged_erasures(session: Session, settings: Settings) -> dict[tuple[str, str], str]:
    """(site, tag) -> mode, from the database log and the log file together."""
    found: dict[tuple[str, str], str] = {}
    path = erasure.log_path(settings)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                found[(entry["site"], entry["tag"])] = entry["mode"]
    for site_id, tag, mode in session.execute(select(PrivacyLogEntry.site_id, PrivacyLogEntry.tag, PrivacyLogEntry.mode)
                                              .where(PrivacyLogEntry.action == "erase",
                                                     PrivacyLogEntry.tag.is_not(None))):
        found[(site_id, str(tag))] = mode
    return found


def reapply(session: Session, settings: Settings) -> Reapplied:
    """Erase again every stored author whose email matches a logged erasure; commits per author."""
    wanted = logged_erasures(session, settings)
    result = Reapplied(logged=len(wanted))
    keys = [k for k in (settings.secrets.blind_index_key, settings.secrets.previous_blind_index_key) if k]
    sites = {site for site, _ in wanted}
    for author in list(session.scalars(select(Author).where(Author.site_id.in_(sites), Author.email_enc != b"")
                                       .order_by(Author.id))):
        email = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(author.site_id, author.email_bidx))
        for key in keys:
            tag = privacy.erasure_tag(key, author.site_id, email)
            mode = wanted.get((author.site_id, tag))
            if mode is None:
                continue
            done = erasure.erase_author(session, settings, author.site_id, author, "delete" if mode == "delete"
                                        else "anonymise", tag, "reapply")
            session.commit()
            result.erased += 1
            result.comments += len(done.ids)
            break
    if result.erased:
        erasure.scrub_files(session)
    return result
