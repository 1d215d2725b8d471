"""`moderation rotate-keys` in batches: killed half way (SIGKILL or Ctrl-C) it resumes; no email is lost or double-encrypted."""
from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from moderation import privacy
from moderation.datarights import export as exporting
from moderation.datarights.models import KeyRotation
from moderation.db import session_scope
from moderation.models import Author, Site
from tests.conftest import REDIS_URL, TEST_SECRETS, database_urls
from tests.helpers.factories import make_comment
from tests.helpers.procs import REPO, wait_for, write_config
from tests.public_helpers import SITES, post

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
K2_ACTIVE = {**TEST_SECRETS, "active_email_key": "k2"}
K2_ONLY = {**K2_ACTIVE, "email_keys": {"k2": TEST_SECRETS["email_keys"]["k2"]}}
AUTHORS = 1200


def add_authors(app: Flask, emails: list[str], site: str = "news") -> None:
    settings = app.extensions["settings"]
    rows = []
    for email in emails:
        bidx = privacy.blind_index(settings, email)
        rows.append({"site_id": site, "email_bidx": bidx, "banned": False, "published_count": 0,
                     "email_enc": privacy.encrypt_email(settings, email, privacy.author_aad(site, bidx))})
    with session_scope(app) as session:
        if session.get(Site, site) is None:
            session.add(Site(id=site, origins=["https://news.example"]))
            session.flush()
        session.execute(insert(Author), rows)


def decrypted(app: Flask) -> list[str]:
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        return sorted(privacy.decrypt_email(settings, a.email_enc, privacy.author_aad(a.site_id, a.email_bidx))
                      for a in session.scalars(select(Author)))


def key_ids(app: Flask) -> set[str]:
    with session_scope(app) as session:
        return {privacy.key_id_of(blob) for blob in session.scalars(select(Author.email_enc))}


def cursor(app: Flask) -> int:
    with session_scope(app) as session:
        state = session.get(KeyRotation, "authors")
        return state.cursor if state is not None else 0


def start(tmp_path: Path, database_url: str, pause: float, secrets: dict[str, Any] = K2_ACTIVE) -> subprocess.Popen[bytes]:
    config = write_config(tmp_path / "rotate.toml", {
        "env": "testing", "database_url": database_url, "redis_url": REDIS_URL, "secrets": secrets,
        "instance_path": str(tmp_path / "instance"), "privacy": {"rotation_batch": 50}})
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env.update(MODERATION_CONFIG=str(config), ROTATE_PAUSE=str(pause), PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.rotate_slowly"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def _key(seed: int) -> str:
    return base64.urlsafe_b64encode(bytes([seed]) * 32).decode()


NEW_BIDX = _key(10)
REINDEX = {**K2_ACTIVE, "blind_index_key": NEW_BIDX, "previous_blind_index_key": TEST_SECRETS["blind_index_key"]}


def found(app: Flask, email: str) -> int:
    with session_scope(app) as session:
        return len(exporting.export(session, app.extensions["settings"], "news", email)["comments"])


@pytest.mark.parametrize(("how", "reindex"), [("SIGKILL", False), ("SIGINT", False), ("SIGKILL", True)])
def test_rotation_interrupted_half_way_resumes_and_loses_nothing(app_factory, tmp_path: Path, database_url: str,  # type: ignore[no-untyped-def]
                                                                  how: str, reindex: bool) -> None:
    old = app_factory()
    emails = [f"pembaca{i}@example.com" for i in range(AUTHORS)]
    add_authors(old, emails)
    make_comment(old, "Komentar pertama.", email=emails[0], site_id="news")
    make_comment(old, "Komentar terakhir.", email=emails[-1], site_id="news")
    secrets = REINDEX if reindex else K2_ACTIVE
    # The service runs with the new keys while the rotation does its work, and keeps taking comments.
    service = app_factory(secrets=secrets, sites=SITES, flood_seconds=0)
    client = service.test_client()
    proc = start(tmp_path, database_url, 0.1, secrets)
    try:
        wait_for(lambda: cursor(service) >= 300, 60, 0.02, "the rotation to pass author 300")
        new_emails = [f"baru{i}@example.com" for i in range(5)] + [emails[1]]  # new authors and a known one
        for i, email in enumerate(new_emails):
            response = post(client, email=email, body=f"Komentar baru nomor {i} selama rotasi.")
            assert response.status_code == 202, response.json
        os.killpg(proc.pid, getattr(signal, how))
        output = proc.communicate(timeout=30)[0].decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if how == "SIGINT":
        assert proc.returncode == 130 and "run `moderation rotate-keys` again to resume" in output, output
    else:
        assert proc.returncode == -signal.SIGKILL
    stopped_at = cursor(service)
    assert 300 <= stopped_at < AUTHORS, "stopped half way"
    assert key_ids(service) == {"k1", "k2"}
    everyone = sorted(set(emails + new_emails))
    assert decrypted(service) == everyone  # the known author got no second row
    # Half way, authors under the old index and under the new one are both found.
    assert (found(service, emails[0]), found(service, emails[-1]), found(service, emails[1])) == (1, 1, 1)

    resumed = start(tmp_path, database_url, 0, secrets)
    output = resumed.communicate(timeout=120)[0].decode()
    assert resumed.returncode == 0, output
    assert f"resumed after author {stopped_at}" in output
    after = {**K2_ONLY, "blind_index_key": NEW_BIDX} if reindex else K2_ONLY
    done = app_factory(secrets=after)  # the old email key (and blind-index key) dropped
    assert key_ids(done) == {"k2"}
    assert decrypted(done) == everyone  # none lost, none double-encrypted
    if reindex:
        with session_scope(done) as session:
            stored = set(session.scalars(select(Author.email_bidx)))
        assert stored == {privacy.blind_index(done.extensions["settings"], e) for e in everyone}
    assert (found(done, emails[0]), found(done, emails[-1]), found(done, emails[1])) == (1, 1, 1)
    assert "pembaca" not in output


def test_blind_index_rotation_reads_both_indexes_until_done(app_factory) -> None:  # type: ignore[no-untyped-def]
    old = app_factory()
    first = make_comment(old, "Komentar lama.", email="siti@example.com", site_id="news")
    new_key = NEW_BIDX
    during = app_factory(secrets={**TEST_SECRETS, "blind_index_key": new_key,
                                  "previous_blind_index_key": TEST_SECRETS["blind_index_key"]})
    settings: Any = during.extensions["settings"]
    with session_scope(during) as session:  # found under the old index before the re-index
        assert [c["id"] for c in exporting.export(session, settings, "news", "siti@example.com")["comments"]] == [first]
        assert privacy.lookup_bidx(session, settings, "news", "siti@example.com") != privacy.blind_index(
            settings, "siti@example.com")
    second = make_comment(during, "Komentar baru.", email="budi@example.org", site_id="news")
    result = during.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0 and "re-indexed 1 authors" in result.output, result.output
    after = app_factory(secrets={**TEST_SECRETS, "blind_index_key": new_key})  # previous key removed
    settings = after.extensions["settings"]
    with session_scope(after) as session:
        assert [c["id"] for c in exporting.export(session, settings, "news", "siti@example.com")["comments"]] == [first]
        assert [c["id"] for c in exporting.export(session, settings, "news", "budi@example.org")["comments"]] == [second]
        stored = set(session.scalars(select(Author.email_bidx)))
    assert stored == {privacy.blind_index(settings, e) for e in ("siti@example.com", "budi@example.org")}
