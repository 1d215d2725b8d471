"""`moderation import wordpress|disqus`: statuses kept, labels written, privacy, idempotent, all or nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from moderation import privacy
from moderation.db import session_scope
from moderation.imports.models import ImportedComment
from moderation.models import Author, Comment, Decision, OutboxMessage, Thread
from moderation.moderator.models import Label
from tests.conftest import database_urls
from tests.learning.exports import C, P, disqus, write_wxr
from tests.moderator.helpers import site

LINK = "https://news.example/2024/03/jalan-rusak/"
HISTORY = {LINK: [C("1", "Terima kasih infonya", approved="1", email="budi@example.co.id", ip="203.0.113.77"),
                  C("2", "Setuju dengan pak Budi", approved="1", parent="1", email="sari@example.co.id"),
                  C("3", "slot gacor maxwin daftar sekarang", approved="spam", email="judi@example.com"),
                  C("4", "dasar goblok kamu", approved="trash", email="kasar@example.com"),
                  C("5", "menunggu moderasi", approved="0", email="baru@example.com")],
           "https://news.example/lain/": [C("9", "Berita bagus", approved="1", email="budi@example.co.id")]}


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import", *args])


def count(app: Flask, model: Any) -> int:
    with session_scope(app) as session:
        return int(session.scalar(select(func.count()).select_from(model)))


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_wordpress_import_keeps_statuses_and_writes_labels(app: Flask, tmp_path: Path) -> None:
    site(app, "news")
    result = run(app, "wordpress", str(write_wxr(tmp_path / "wp.xml", HISTORY)), "--site", "news")
    assert result.exit_code == 0, result.output
    assert "imported as published" in result.output and "labels: import: trash as toxic" in result.output
    with session_scope(app) as session:
        rows = {m.source_id: session.get(Comment, m.comment_id) for m in session.scalars(select(ImportedComment))}
        assert {k: c.status for k, c in rows.items()} == {"1": "published", "2": "published", "3": "spam", "4": "rejected",
                                                          "5": "held", "9": "published"}
        assert rows["2"].parent_id == rows["1"].id and rows["1"].parent_id is None
        assert rows["1"].thread_id == rows["2"].thread_id != rows["9"].thread_id
        assert session.get(Thread, rows["1"].thread_id).uri == LINK
        assert rows["1"].ip_prefix == "203.0.113.0/24"
        assert rows["1"].created_at.isoformat() == "2024-03-01T10:00:00+00:00"
        # Email encrypted and indexed like any other: one author for both of Budi's comments.
        author = session.get(Author, rows["1"].author_id)
        settings = app.extensions["settings"]
        assert author.email_bidx == privacy.blind_index(settings, "budi@example.co.id")
        assert b"budi" not in author.email_enc
        assert privacy.decrypt_email(settings, author.email_enc, privacy.author_aad("news", author.email_bidx)) == "budi@example.co.id"
        assert rows["9"].author_id == author.id and author.published_count == 2
        labels = {session.get(Comment, lab.comment_id).body: lab for lab in session.scalars(select(Label))}
        assert {body: (lab.source, lab.status, lab.toxicity, lab.spam) for body, lab in labels.items()} == {
            "Terima kasih infonya": ("import", "published", 0, 0), "Setuju dengan pak Budi": ("import", "published", 0, 0),
            "slot gacor maxwin daftar sekarang": ("import", "spam", None, 1),
            "dasar goblok kamu": ("import", "rejected", 1, 0), "Berita bagus": ("import", "published", 0, 0)}
        assert labels["Berita bagus"].created_at.isoformat() == "2024-03-01T10:00:00+00:00"
        # Not re-scored: no decision, nothing queued.
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_reimport_adds_nothing_twice(app: Flask, tmp_path: Path) -> None:
    site(app, "news")
    path = write_wxr(tmp_path / "wp.xml", HISTORY)
    assert run(app, "wordpress", str(path), "--site", "news").exit_code == 0
    before = (count(app, Comment), count(app, Label), count(app, Author), count(app, Thread))
    again = run(app, "wordpress", str(path), "--site", "news")
    assert again.exit_code == 0 and "already imported (skipped)" in again.output
    assert (count(app, Comment), count(app, Label), count(app, Author), count(app, Thread)) == before
    # A later export with one new reply adds only that reply, threaded under its earlier parent.
    more = {LINK: [*HISTORY[LINK], C("10", "Balasan baru", parent="1")]}
    assert run(app, "wordpress", str(write_wxr(tmp_path / "wp2.xml", more)), "--site", "news").exit_code == 0
    assert count(app, Comment) == before[0] + 1
    with session_scope(app) as session:
        ids = dict(session.execute(select(ImportedComment.source_id, ImportedComment.comment_id)).all())
        assert session.get(Comment, ids["10"]).parent_id == ids["1"]


@pytest.mark.parametrize(("trash_as", "expected"), [("toxic", (1, 0)), ("spam", (None, 1)), ("ignore", None)])
def test_trash_as(app: Flask, tmp_path: Path, trash_as: str, expected: tuple[int | None, int] | None) -> None:
    site(app, "news")
    path = write_wxr(tmp_path / "wp.xml", {LINK: [C("4", "buang", approved="trash")]})
    assert run(app, "wordpress", str(path), "--site", "news", "--trash-as", trash_as).exit_code == 0
    with session_scope(app) as session:
        assert session.scalars(select(Comment.status)).one() == "rejected"
        label = session.scalars(select(Label)).one_or_none()
        assert (None if label is None else (label.toxicity, label.spam)) == expected


def test_truncated_file_imports_nothing_and_says_where(app: Flask, tmp_path: Path) -> None:
    site(app, "news")
    full = write_wxr(tmp_path / "wp.xml", {LINK: [C(str(i), f"komentar {i}") for i in range(1, 60)]}).read_text()
    cut = tmp_path / "cut.xml"
    cut.write_text(full[: len(full) - 300], encoding="utf-8")
    result = run(app, "wordpress", str(cut), "--site", "news")
    assert result.exit_code == 1 and "line " in result.output and "nothing was imported" in result.output
    assert count(app, Comment) == count(app, Label) == count(app, ImportedComment) == 0


def test_a_failure_while_storing_leaves_nothing(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.imports import importer

    site(app, "news")
    monkeypatch.setattr(importer, "BATCH", 2)
    real = importer._link_parents

    def fail(*args: Any) -> int:
        real(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_link_parents", fail)
    result = run(app, "wordpress", str(write_wxr(tmp_path / "wp.xml", HISTORY)), "--site", "news")
    assert result.exit_code == 1
    assert count(app, Comment) == count(app, Label) == count(app, Author) == count(app, Thread) == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--site", "nope"], "Unknown site 'nope'"),
    (["--site", "news", "--trash-as", "maybe"], "Invalid value for '--trash-as'"),
])
def test_bad_arguments(app: Flask, tmp_path: Path, args: list[str], message: str) -> None:
    site(app, "news")
    result = run(app, "wordpress", str(write_wxr(tmp_path / "wp.xml", HISTORY)), *args)
    assert result.exit_code != 0 and message in result.output
    assert count(app, Comment) == 0


def test_duplicate_ids_in_one_file(app: Flask, tmp_path: Path) -> None:
    site(app, "news")
    result = run(app, "wordpress", str(write_wxr(tmp_path / "wp.xml", {LINK: [C("1", "a"), C("1", "b")]})), "--site", "news")
    assert result.exit_code == 1 and "comment id '1' already appears on line" in result.output


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_disqus_import(app: Flask, tmp_path: Path) -> None:
    site(app, "news")
    path = tmp_path / "disqus.xml"
    path.write_text(disqus({"t1": LINK}, [P("100", "<p>Halo semua</p>"), P("101", "<p>Balas</p>", parent="100"),
                                          P("102", "<p>slot gacor</p>", spam="true"), P("103", "<p>kasar</p>", deleted="true")]),
                    encoding="utf-8")
    result = run(app, "disqus", str(path), "--site", "news", "--trash-as", "spam")
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        rows = {m.source_id: session.get(Comment, m.comment_id) for m in session.scalars(select(ImportedComment))}
        assert {k: c.status for k, c in rows.items()} == {"100": "published", "101": "published", "102": "spam", "103": "rejected"}
        assert rows["101"].parent_id == rows["100"].id and rows["100"].ip_prefix == "198.51.100.0/24"
        assert session.scalar(select(func.count()).select_from(Label).where(Label.spam == 1)) == 2
    assert run(app, "disqus", str(path), "--site", "news").exit_code == 0
    assert count(app, Comment) == 4


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_retention_keeps_imported_spam_as_training_data(app: Flask, tmp_path: Path) -> None:
    from moderation.extensions import get_sessionmaker, get_settings
    from moderation.services import retention
    from tests.helpers.retention import old_spam

    site(app, "news")
    assert run(app, "wordpress", str(write_wxr(tmp_path / "wp.xml", HISTORY)), "--site", "news").exit_code == 0
    unlabelled = old_spam(app)
    result = retention.purge(get_sessionmaker(app), get_settings(app))
    # Only the spam nobody labelled goes; the imported (2024) spam stays, scrubbed, with its label.
    assert result.deleted == 1
    with session_scope(app) as session:
        assert session.get(Comment, unlabelled) is None
        spam = session.scalars(select(Comment).where(Comment.body.like("slot gacor%"))).one()
        assert spam.ip_prefix == "" and session.scalar(select(func.count()).select_from(Label).where(Label.spam == 1)) == 1
