"""`moderation privacy export|erase`: everything of one email on one site, nothing of anyone else; erasure is idempotent."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from moderation.datarights.models import PrivacyLogEntry
from moderation.db import session_scope
from moderation.models import AuditEntry, Author, Comment
from moderation.moderator.models import Label
from moderation.webhooks.models import WebhookDelivery, WebhookMessage
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

SITE = "news"
THREAD = "https://news.example/berita/1"
OTHER_THREAD = "https://news.example/berita/2"


def seed(app: Flask) -> dict[str, Any]:
    """Three authors on `news` (one also on `other`), replies across authors, an edit, a subscription."""
    ids: dict[str, Any] = {}
    ids["siti1"] = make_comment(app, "Setuju sekali dengan artikel ini.", email="siti@example.com", name="Siti Aminah",
                                website="https://siti.example", site_id=SITE, thread_uri=THREAD, ip_prefix="203.0.113.0/24",
                                notify_replies=True)
    ids["budi1"] = make_comment(app, "Saya tidak setuju, Siti.", email="budi@example.org", name="Budi Santoso",
                                site_id=SITE, thread_uri=THREAD, parent_id=ids["siti1"])
    ids["siti2"] = make_comment(app, "Terima kasih atas tanggapannya.", email="Siti@Example.com ", name="Siti A.",
                                site_id=SITE, thread_uri=OTHER_THREAD, parent_id=None)
    ids["siti3"] = make_comment(app, "Balasan untuk Siti sendiri.", email="siti@example.com", name="Siti Aminah",
                                site_id=SITE, thread_uri=THREAD, parent_id=ids["siti1"])
    ids["ani1"] = make_comment(app, "Komentar Ani di situs lain.", email="ani@example.net", name="Ani",
                               site_id="other", thread_uri="https://other.example/a")
    ids["siti_other"] = make_comment(app, "Siti di situs lain.", email="siti@example.com", name="Siti Aminah",
                                     site_id="other", thread_uri="https://other.example/a")
    for key in ("siti1", "budi1", "siti3"):
        assert decide_comment(app, ids[key], "published")
    assert decide_comment(app, ids["siti2"], "held", ("toxic",))
    with session_scope(app) as session:
        session.add(AuditEntry(comment_id=ids["siti2"], actor="mod:rina", action="edit", from_status="held",
                               to_status="pending", reason="edited by a moderator",
                               details={"previous_body": "Teks lama Siti."}))
    return ids


def cli(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["privacy", *args])
    assert result.exit_code == 0, result.output
    return result


def export(app: Flask, email: str, site: str = SITE) -> dict[str, Any]:
    return json.loads(cli(app, "export", "--site", site, "--email", email).output)


@pytest.mark.parametrize(("email", "site", "expected", "names"), [
    ("siti@example.com", SITE, ["siti1", "siti2", "siti3"], {"Siti Aminah", "Siti A."}),
    ("  SITI@example.COM", SITE, ["siti1", "siti2", "siti3"], {"Siti Aminah", "Siti A."}),
    ("budi@example.org", SITE, ["budi1"], {"Budi Santoso"}),
    ("ani@example.net", SITE, [], set()),
    ("ani@example.net", "other", ["ani1"], {"Ani"}),
    ("siti@example.com", "other", ["siti_other"], {"Siti Aminah"}),
    ("nobody@example.com", SITE, [], set()),
])
def test_export_has_every_comment_of_that_email_and_nothing_of_others(
        app_factory, email: str, site: str, expected: list[str], names: set[str]) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(privacy={"erasure_log_file": ""})
    ids = seed(app)
    document = export(app, email, site)
    assert [c["id"] for c in document["comments"]] == [ids[k] for k in expected]
    assert {c["name"] for c in document["comments"]} == names
    raw = json.dumps(document, ensure_ascii=False)
    with session_scope(app) as session:
        bodies = {cid: body for cid, body in session.execute(select(Comment.id, Comment.body))}
    for key, cid in ids.items():
        assert (bodies[cid] in raw) == (key in expected), key
    for address in {"siti@example.com", "budi@example.org", "ani@example.net"} - {email.strip().lower()}:
        assert address not in raw.lower()
    assert "rina" not in raw  # a moderator's name is someone else's data
    assert (document["author"] is None) == (not expected)


def test_export_holds_status_thread_edit_history_and_subscriptions(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    ids = seed(app)
    comments = {c["id"]: c for c in export(app, "siti@example.com")["comments"]}
    first, second = comments[ids["siti1"]], comments[ids["siti2"]]
    assert (first["status"], second["status"]) == ("published", "held")
    assert first["thread"]["uri"] == THREAD and second["thread"]["uri"] == OTHER_THREAD
    assert first["ip_prefix"] == "203.0.113.0/24" and first["website"] == "https://siti.example"
    assert second["edit_history"] == [{"at": second["edit_history"][0]["at"], "by": "moderator",
                                       "previous_body": "Teks lama Siti."}]
    assert second["reasons"] == ["toxic"]
    document = export(app, "siti@example.com")
    assert [s["comment_id"] for s in document["notification_subscriptions"]] == [ids["siti1"]]


def rows(app: Flask) -> dict[int, Comment]:
    with session_scope(app) as session:
        return {c.id: c for c in session.scalars(select(Comment))}


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_erase_both_modes_and_a_second_run_changes_nothing(app_factory, tmp_path, mode: str) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(privacy={"erasure_log_file": str(tmp_path / "erasures.jsonl")})
    ids = seed(app)
    first = json.loads(cli(app, "erase", "--site", SITE, "--email", "siti@example.com", "--mode", mode).output)
    assert first["found"] is True
    after = rows(app)
    budi = after[ids["budi1"]]
    assert budi.name == "Budi Santoso" and budi.parent_id == ids["siti1"]
    if mode == "anonymise":
        assert first["anonymised"] == 3
        for key in ("siti1", "siti2", "siti3"):
            comment = after[ids[key]]
            assert (comment.name, comment.website, comment.ip_prefix) == ("anonim", "", "")
        assert after[ids["siti1"]].body == "Setuju sekali dengan artikel ini."
    else:
        # siti1 has Budi's reply: a stub; siti3 and siti2 (no replies, no labels) are gone.
        assert (first["stubs"], first["deleted"]) == (1, 2)
        assert ids["siti2"] not in after and ids["siti3"] not in after
        assert (after[ids["siti1"]].body, after[ids["siti1"]].name) == ("[komentar dihapus]", "anonim")
    assert after[ids["siti_other"]].name == "Siti Aminah"  # the other site is not touched
    assert export(app, "siti@example.com")["comments"] == []
    snapshot = {cid: (c.name, c.body, c.status, c.website) for cid, c in rows(app).items()}
    second = json.loads(cli(app, "erase", "--site", SITE, "--email", "siti@example.com", "--mode", mode).output)
    assert second["found"] is False and second["anonymised"] == second["deleted"] == second["stubs"] == 0
    assert {cid: (c.name, c.body, c.status, c.website) for cid, c in rows(app).items()} == snapshot
    with session_scope(app) as session:
        log = list(session.scalars(select(PrivacyLogEntry).where(PrivacyLogEntry.action == "erase")))
        assert len(log) == 1 and log[0].mode == mode and log[0].tag
        assert "siti" not in json.dumps(log[0].details).lower()
        author_ids = select(Comment.author_id).where(Comment.id == ids["budi1"])
        assert session.scalar(select(func.count()).select_from(Author).where(Author.email_bidx.like("erased:%"))) == 1
        assert session.scalar(select(func.count()).select_from(Author).where(Author.id.in_(author_ids))) == 1
    lines = (tmp_path / "erasures.jsonl").read_text().splitlines()
    assert len(lines) == 1 and "siti" not in lines[0]


def test_delete_keeps_labelled_text_hidden_when_the_site_says_so(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    ids = seed(app)
    with session_scope(app) as session:
        session.add(Label(comment_id=ids["siti2"], site_id=SITE, status="rejected", toxicity=1))
    cli(app, "erase", "--site", SITE, "--email", "siti@example.com", "--mode", "delete")
    kept = rows(app)[ids["siti2"]]
    assert (kept.status, kept.name, kept.body) == ("deleted", "anonim", "Terima kasih atas tanggapannya.")
    with session_scope(app) as session:
        details = session.scalars(select(AuditEntry.details).where(AuditEntry.comment_id == ids["siti2"])).all()
        assert all("previous_body" not in d for d in details)


def test_erase_removes_webhook_and_mail_rows_about_the_author(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    ids = seed(app)
    from moderation.webhooks.events import record
    from moderation.webhooks.models import WebhookEndpoint

    with session_scope(app) as session:
        session.add(WebhookEndpoint(site_id=SITE, url="https://hooks.example/in", event_types=["comment.published",
                                    "comment.replied"], secret_fp="fp-1"))
        session.flush()
        for key in ("siti1", "budi1"):
            record(session, "comment.published", ids[key])
    with session_scope(app) as session:
        before = session.scalar(select(func.count()).select_from(WebhookMessage))
        assert before == 3  # siti1 published, budi1 published, siti1 replied (by budi1)
    cli(app, "erase", "--site", SITE, "--email", "siti@example.com", "--mode", "anonymise")
    with session_scope(app) as session:
        left = list(session.scalars(select(WebhookMessage)))
        assert [(m.event_type, m.comment_id) for m in left] == [("comment.published", ids["budi1"])]
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
        assert "Siti" not in json.dumps([m.payload for m in left])


@pytest.mark.parametrize(("args", "message"), [
    (["export", "--site", "nope", "--email", "a@example.com"], "No such site"),
    (["export", "--site", SITE, "--email", "not-an-email"], "email"),
    (["erase", "--site", SITE, "--email", "a@example.com", "--mode", "burn"], "--mode"),
])
def test_bad_arguments_are_named(app_factory, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    seed(app)
    result = app.test_cli_runner().invoke(args=["privacy", *args])
    assert result.exit_code != 0 and message in result.output


def backup(app: Flask, database_url: str, tmp_path: Path) -> Path:
    """A copy of the database as it is now: the SQLite file, or a pg_dump."""
    if database_url.startswith("sqlite"):
        with app.extensions["db_engine"].connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        target = tmp_path / "backup.sqlite"
        shutil.copyfile(database_url.split("///", 1)[1], target)
        return target
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    target = tmp_path / "backup.sql"
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    target.write_bytes(subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True).stdout)
    return target


def restore(app: Flask, database_url: str, copy: Path) -> None:
    """Put the copy back in place of the current database."""
    app.extensions["db_engine"].dispose()
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("///", 1)[1])
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, path)
        return
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["psql", "-q", url, "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True,
                   capture_output=True)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", str(copy)], check=True, capture_output=True)


def test_reapply_erasures_after_restoring_a_backup(app_factory, tmp_path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """A backup from before the erasure is restored: the log outside the database erases the author again."""
    log_file = tmp_path / "erasures.jsonl"
    app = app_factory(privacy={"erasure_log_file": str(log_file)})
    ids = seed(app)
    copy = backup(app, database_url, tmp_path)
    cli(app, "erase", "--site", SITE, "--email", "siti@example.com", "--mode", "delete")
    restore(app, database_url, copy)  # Siti is back, and the database's own log of the erasure is gone
    restored = app_factory(privacy={"erasure_log_file": str(log_file)})
    assert len(export(restored, "siti@example.com")["comments"]) == 3
    result = cli(restored, "reapply-erasures")
    assert "1 erasures logged; 1 authors erased again (3 comments)" in result.output
    assert export(restored, "siti@example.com")["comments"] == []
    after = rows(restored)
    assert ids["siti2"] not in after and after[ids["siti1"]].body == "[komentar dihapus]"
    assert after[ids["siti_other"]].name == "Siti Aminah"  # the other site's author was not erased
    again = cli(restored, "reapply-erasures")
    assert "1 erasures logged; 0 authors erased again" in again.output
