"""Store an export's comments with their statuses, and those statuses as labels (source `import`).

Imported comments are not re-scored: they keep the status the site gave them. Emails are encrypted
and indexed like any other, IPs truncated. A comment already imported (same site, source and the
source's comment id) is skipped, so re-running an import adds nothing twice. The caller owns the
transaction and commits once: an error leaves nothing half imported.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import NotFound
from moderation.imports.models import ImportedComment
from moderation.imports.records import TRASH, ImportFileError, Record
from moderation.models import Author, Comment, Site, Status, Thread, table_of
from moderation.moderator import labels
from moderation.moderator.models import Label
from moderation.services.comments import body_hmac, text_signals
from moderation.signals import Signals

TrashAs = Literal["toxic", "spam", "ignore"]
BATCH = 1000
# The export's meaning -> our status. Held comments go to the moderators' queue unscored.
STATUS = {"published": Status.PUBLISHED.value, "held": Status.HELD.value, "spam": Status.SPAM.value,
          TRASH: Status.REJECTED.value, "post-trashed": Status.REJECTED.value}


@dataclass
class Summary:
    """What an import did."""

    read: int = 0
    imported: Counter[str] = field(default_factory=Counter)
    already: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    new_threads: int = 0
    new_authors: int = 0
    orphans: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def label_of(record: Record, trash_as: TrashAs) -> tuple[str, dict[str, int | None], str] | None:
    """(label status, per-head values, reason) of an imported status; None when it says nothing final."""
    if record.status == "published":
        return Status.PUBLISHED.value, labels.heads(Status.PUBLISHED.value, []), "import: approved"
    if record.status == "spam":
        return Status.SPAM.value, labels.heads(Status.SPAM.value, []), "import: spam"
    if record.status == TRASH and trash_as == "toxic":
        return Status.REJECTED.value, labels.heads(Status.REJECTED.value, []), "import: trash as toxic"
    if record.status == TRASH and trash_as == "spam":
        return Status.REJECTED.value, labels.heads(Status.SPAM.value, []), "import: trash as spam"
    return None  # held (undecided), trash the site says means nothing, comments of trashed posts


def check_unique(records: Sequence[Record]) -> None:
    """The same source id twice in one file is an error naming both lines."""
    seen: dict[str, int] = {}
    for r in records:
        if r.source_id in seen:
            raise ImportFileError(f"line {r.line}", f"comment id {r.source_id!r} already appears on line {seen[r.source_id]}")
        seen[r.source_id] = r.line


def _threads(session: Session, site_id: str, records: Sequence[Record], summary: Summary) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for r in records:
        wanted.setdefault(r.thread_uri, r.thread_title)
    known: dict[str, int] = {}
    uris = list(wanted)
    for i in range(0, len(uris), BATCH):
        stmt = select(Thread.uri, Thread.id).where(Thread.site_id == site_id, Thread.uri.in_(uris[i:i + BATCH]))
        known.update((uri, tid) for uri, tid in session.execute(stmt).all())
    missing = [{"site_id": site_id, "uri": uri, "title": wanted[uri]} for uri in uris if uri not in known]
    for i in range(0, len(missing), BATCH):
        chunk = missing[i:i + BATCH]
        ids = session.scalars(insert(Thread).returning(Thread.id, sort_by_parameter_order=True), chunk).all()
        known.update({row["uri"]: tid for row, tid in zip(chunk, ids, strict=True)})
    summary.new_threads = len(missing)
    return known


def _authors(session: Session, settings: Any, site_id: str, records: Sequence[Record], summary: Summary) -> dict[str, int]:
    """Blind index -> author id; authors created (email encrypted) on first sight."""
    emails: dict[str, str] = {}
    for r in records:
        bidx = privacy.blind_index(settings, r.email) if r.email else ""
        emails.setdefault(bidx, r.email)
    known: dict[str, int] = {}
    for bidx, aid in session.execute(select(Author.email_bidx, Author.id).where(Author.site_id == site_id)):
        known[bidx] = aid
    missing: list[dict[str, Any]] = [{"site_id": site_id, "email_bidx": bidx,
                "email_enc": privacy.encrypt_email(settings, email, privacy.author_aad(site_id, bidx)) if email else b""}
               for bidx, email in emails.items() if bidx not in known]
    for i in range(0, len(missing), BATCH):
        chunk = missing[i:i + BATCH]
        ids = session.scalars(insert(Author).returning(Author.id, sort_by_parameter_order=True), chunk).all()
        known.update({str(row["email_bidx"]): aid for row, aid in zip(chunk, ids, strict=True)})
    summary.new_authors = len(missing)
    return {email: known[privacy.blind_index(settings, email) if email else ""] for email in {r.email for r in records}}


def import_records(session: Session, settings: Any, site_id: str, source: str, records: Sequence[Record],
                   trash_as: TrashAs = "toxic", progress: Callable[[int], None] | None = None) -> Summary:
    """Store the records not imported before; returns what was done. The caller commits."""
    if session.get(Site, site_id) is None:
        raise NotFound(f"Unknown site {site_id!r}.", {"site": f"unknown site {site_id!r}; create it with `moderation create-site`"})
    check_unique(records)
    summary = Summary(read=len(records))
    mapped = dict(session.execute(select(ImportedComment.source_id, ImportedComment.comment_id)
                                  .where(ImportedComment.site_id == site_id, ImportedComment.source == source)).all())
    todo = [r for r in records if r.source_id not in mapped]
    summary.already = len(records) - len(todo)
    if not todo:
        return summary
    threads = _threads(session, site_id, todo, summary)
    authors = _authors(session, settings, site_id, todo, summary)
    comments = table_of(Comment)
    published: Counter[int] = Counter()
    for i in range(0, len(todo), BATCH):
        chunk = todo[i:i + BATCH]
        rows = []
        for r in chunk:
            status = STATUS[r.status]
            rows.append({"thread_id": threads[r.thread_uri], "author_id": authors[r.email], "name": r.name or "Anonymous",
                         "website": r.website, "body": r.body, "body_hmac": body_hmac(settings, r.body), "status": status,
                         "ip_prefix": privacy.truncate_ip(r.ip),
                         "signals": Signals(**text_signals(r.body, r.website)).to_json(), "edit_token_hash": "",
                         "created_at": r.created_at, "updated_at": r.created_at, "decided_at": r.created_at})
            if status == Status.PUBLISHED.value:
                published[authors[r.email]] += 1
            summary.imported[status] += 1
        ids = session.scalars(insert(comments).returning(comments.c.id, sort_by_parameter_order=True), rows).all()
        session.execute(insert(ImportedComment), [{"site_id": site_id, "source": source, "source_id": r.source_id,
                                                   "comment_id": cid, "created_at": r.created_at}
                                                  for r, cid in zip(chunk, ids, strict=True)])
        mapped.update({r.source_id: cid for r, cid in zip(chunk, ids, strict=True)})
        label_rows = []
        for r, cid in zip(chunk, ids, strict=True):
            label = label_of(r, trash_as)
            if label is not None:
                status, heads, reason = label
                summary.labels[reason] += 1
                label_rows.append({"comment_id": cid, "site_id": site_id, "source": "import", "status": status, **heads,
                                   "reason": reason, "moderator_id": None, "model_version": "", "scores": {},
                                   "current": True, "created_at": r.created_at})
        if label_rows:
            session.execute(insert(Label), label_rows)
        if progress is not None:
            progress(len(chunk))
    summary.orphans = _link_parents(session, todo, mapped)
    authors_table = table_of(Author)
    if published:  # published_count drives the first-time-author rule
        session.connection().execute(
            update(authors_table).where(authors_table.c.id == bindparam("aid"))
            .values(published_count=authors_table.c.published_count + bindparam("n")),
            [{"aid": aid, "n": n} for aid, n in published.items()])
    return summary


def _link_parents(session: Session, records: Sequence[Record], mapped: dict[str, int]) -> int:
    """Set parent ids once every comment of the file has one (a reply may come before its parent)."""
    links, orphans = [], 0
    for r in records:
        if r.parent_source_id is None:
            continue
        parent = mapped.get(r.parent_source_id)
        if parent is None:
            orphans += 1  # its parent was deleted before the export: the reply stays, at the top level
        else:
            links.append({"cid": mapped[r.source_id], "pid": parent})
    comments = table_of(Comment)
    stmt = update(comments).where(comments.c.id == bindparam("cid")).values(parent_id=bindparam("pid"))
    for i in range(0, len(links), BATCH):
        session.connection().execute(stmt, links[i:i + BATCH])
    return orphans
