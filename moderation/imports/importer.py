"""Store an export's comments with their statuses, and those statuses as labels (source `import`).

Imported comments are not re-scored: they keep the status the site gave them. Emails are encrypted
and indexed like any other, IPs truncated. A comment already imported (same site, source and the
source's comment id) is skipped, so re-running an import adds nothing twice. The caller owns the
transaction and commits once: an error leaves nothing half imported.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import NotFound
from moderation.imports.models import ImportedComment
from moderation.imports.records import TRASH, ImportFileError, Record
from moderation.models import Author, Comment, Site, Status, Thread, table_of, utcnow
from moderation.moderator import labels
from moderation.moderator.models import Label
from moderation.sanitize import safe_website
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


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Plain multi-row INSERTs through the Core table (no RETURNING, which SQLite runs row by row)."""
    table = table_of(model)
    for i in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[i:i + BATCH])


def _threads(session: Session, site_id: str, records: Sequence[Record], summary: Summary) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for r in records:
        wanted.setdefault(r.thread_uri, r.thread_title)

    def known() -> dict[str, int]:
        found: dict[str, int] = {}
        uris = list(wanted)
        for i in range(0, len(uris), BATCH):
            stmt = select(Thread.uri, Thread.id).where(Thread.site_id == site_id, Thread.uri.in_(uris[i:i + BATCH]))
            found.update((uri, tid) for uri, tid in session.execute(stmt).all())
        return found

    before = known()
    missing = [{"site_id": site_id, "uri": uri, "title": title, "created_at": utcnow()}
               for uri, title in wanted.items() if uri not in before]
    _insert(session, Thread, missing)
    summary.new_threads = len(missing)
    return known() if missing else before


def _authors(session: Session, settings: Any, site_id: str, records: Sequence[Record], summary: Summary) -> dict[str, int]:
    """Email -> author id; authors created (email encrypted, keyed index) on first sight."""
    bidx_of = {email: privacy.blind_index(settings, email) if email else "" for email in {r.email for r in records}}

    def known() -> dict[str, int]:
        found: dict[str, int] = {}
        for bidx, aid in session.execute(select(Author.email_bidx, Author.id).where(Author.site_id == site_id)):
            found[bidx] = aid
        return found

    before = known()
    firsts = {bidx: email for email, bidx in bidx_of.items() if bidx not in before}
    missing = [{"site_id": site_id, "email_bidx": bidx, "banned": False, "published_count": 0, "created_at": utcnow(),
                "email_enc": privacy.encrypt_email(settings, email, privacy.author_aad(site_id, bidx)) if email else b""}
               for bidx, email in firsts.items()]
    _insert(session, Author, missing)
    summary.new_authors = len(missing)
    ids = known() if missing else before
    return {email: ids[bidx] for email, bidx in bidx_of.items()}


def _reserve_ids(session: Session, site_id: str, n: int) -> list[int]:
    """n new comment ids. PostgreSQL: from the sequence. SQLite: after the highest, while this transaction
    holds the database's only write lock (taken by the writes before this), so no one else can take them."""
    if session.get_bind().dialect.name == "postgresql":
        stmt = text("SELECT nextval(pg_get_serial_sequence('comments', 'id')) FROM generate_series(1, :n)")
        return [int(v) for v in session.scalars(stmt, {"n": n})]
    session.execute(update(Site).where(Site.id == site_id).values(name=Site.name))  # a write: the write lock is ours
    top = int(session.scalar(select(func.coalesce(func.max(Comment.id), 0))) or 0)
    return list(range(top + 1, top + 1 + n))


_IPV4 = re.compile(r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\."
                   r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")


def ip_prefix(ip: str) -> str:
    """privacy.truncate_ip, with a fast path for plain IPv4 (an export has one per comment)."""
    match = _IPV4.fullmatch(ip)
    return f"{match[1]}.{match[2]}.{match[3]}.0/24" if match else privacy.truncate_ip(ip)


def signals_of(body: str, website: str) -> dict[str, Any]:
    """The stored text signals; the HTML pass only for text that can hold a link."""
    lowered = body.lower()
    if "<" in body or "http" in lowered or "www." in lowered:
        return Signals(**text_signals(body, website)).to_json()
    return Signals(links=1 if safe_website(website) else 0, website_given=bool(website), body_chars=len(body)).to_json()


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
    ids = _reserve_ids(session, site_id, len(todo))
    published: Counter[int] = Counter()
    for i in range(0, len(todo), BATCH):
        chunk, chunk_ids = todo[i:i + BATCH], ids[i:i + BATCH]
        rows: list[dict[str, Any]] = []
        imported: list[dict[str, Any]] = []
        label_rows: list[dict[str, Any]] = []
        for r, cid in zip(chunk, chunk_ids, strict=True):
            status = STATUS[r.status]
            rows.append({"id": cid, "thread_id": threads[r.thread_uri], "author_id": authors[r.email], "parent_id": None,
                         "name": r.name or "Anonymous", "website": r.website, "body": r.body,
                         "body_hmac": body_hmac(settings, r.body), "status": status, "ip_prefix": ip_prefix(r.ip),
                         "signals": signals_of(r.body, r.website), "edit_token_hash": "", "score_attempts": 0,
                         "created_at": r.created_at, "updated_at": r.created_at, "decided_at": r.created_at,
                         "raw_purged_at": None, "priority": 0.0, "version": 0, "report_count": 0})
            imported.append({"site_id": site_id, "source": source, "source_id": r.source_id, "comment_id": cid,
                             "created_at": r.created_at})
            mapped[r.source_id] = cid
            summary.imported[status] += 1
            if status == Status.PUBLISHED.value:
                published[authors[r.email]] += 1
            label = label_of(r, trash_as)
            if label is not None:
                label_status, heads, reason = label
                summary.labels[reason] += 1
                label_rows.append({"comment_id": cid, "site_id": site_id, "source": "import", "status": label_status,
                                   **heads, "reason": reason, "moderator_id": None, "model_version": "", "scores": {},
                                   "current": True, "created_at": r.created_at})
        _insert(session, Comment, rows)
        _insert(session, ImportedComment, imported)
        _insert(session, Label, label_rows)
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
