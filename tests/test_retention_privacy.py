"""Retention of the delivery log, reader reports and export links: exactly what is due goes; the dry run changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from moderation.datarights.models import PrivacyRequest
from moderation.db import session_scope
from moderation.models import utcnow
from moderation.moderator.models import Report
from moderation.services import retention
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage
from tests.conftest import database_urls
from tests.helpers.factories import make_comment

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
NOW = utcnow().replace(microsecond=0)
PERIODS = {"message": 30, "report": 180, "request": 7}  # the defaults
SECOND = timedelta(seconds=1)


def add(app: Flask, kind: str, created: datetime, *, pending: bool = False, resolved: bool = True) -> None:
    with session_scope(app) as session:
        if kind == "message":
            message = WebhookMessage(msg_id=f"msg_{created.timestamp()}_{pending}", site_id="demo",
                                     event_type="comment.published", comment_id=1, payload={}, created_at=created)
            session.add(message)
            session.flush()
            delivery = WebhookDelivery(message_id=message.id, status="pending" if pending else "delivered",
                                       created_at=created)
            session.add(delivery)
            session.flush()
            session.add(WebhookAttempt(delivery_id=delivery.id, attempt=1, outcome="succeeded", started_at=created))
        elif kind == "report":
            session.add(Report(comment_id=1, reason="spam", reader_key=f"r{created.timestamp()}{resolved}",
                               ip_key=f"i{created.timestamp()}{resolved}", created_at=created,
                               resolved_at=created if resolved else None))
        else:
            session.add(PrivacyRequest(site_id="demo", author_id=1, kind="export", created_at=created,
                                       expires_at=created + timedelta(hours=24)))


def remaining(app: Flask, kind: str) -> int:
    model = {"message": WebhookMessage, "report": Report, "request": PrivacyRequest}[kind]
    with session_scope(app) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(("kind", "age", "extra", "gone"), [
    ("message", timedelta(days=30) - SECOND, {}, False),
    ("message", timedelta(days=30), {}, False),           # exactly at the cutoff: stays
    ("message", timedelta(days=30) + SECOND, {}, True),
    ("message", timedelta(days=400), {"pending": True}, False),  # something left to send: stays
    ("report", timedelta(days=180) - SECOND, {}, False),
    ("report", timedelta(days=180), {}, False),
    ("report", timedelta(days=180) + SECOND, {}, True),
    ("report", timedelta(days=400), {"resolved": False}, False),  # still open: stays
    ("request", timedelta(days=7) - SECOND, {}, False),
    ("request", timedelta(days=7), {}, False),
    ("request", timedelta(days=7) + SECOND, {}, True),
])
def test_retention_removes_exactly_what_is_due(app_factory, kind: str, age: timedelta, extra: dict[str, bool],  # type: ignore[no-untyped-def]
                                               gone: bool) -> None:
    app = app_factory()
    make_comment(app, "Komentar untuk laporan.", site_id="demo")
    add(app, kind, NOW - age, **extra)
    add(app, kind, NOW - timedelta(hours=1))  # a recent one always stays
    sessions = app.extensions["db_sessionmaker"]
    settings = app.extensions["settings"]
    field = {"message": "webhook_messages", "report": "reports", "request": "privacy_requests"}[kind]
    planned = retention.plan(sessions, settings, NOW)
    assert getattr(planned, field) == int(gone)
    assert remaining(app, kind) == 2  # the dry run changed nothing
    done = retention.purge(sessions, settings, NOW)
    assert getattr(done, field) == int(gone)
    assert remaining(app, kind) == 2 - int(gone)
    if kind == "message":
        with session_scope(app) as session:
            left = session.scalar(select(func.count()).select_from(WebhookAttempt))
        assert left == 2 - int(gone)
    assert getattr(retention.purge(sessions, settings, NOW), field) == 0  # idempotent


@pytest.mark.parametrize(("setting", "kind"), [({"webhook_log_retention_days": 2}, "message"),
                                               ({"privacy": {"report_retention_days": 2}}, "report"),
                                               ({"privacy": {"request_retention_days": 2}}, "request")])
def test_each_period_is_a_setting_and_the_cli_dry_run_prints_it(app_factory, setting: dict, kind: str) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(**setting)
    make_comment(app, "Komentar untuk laporan.", site_id="demo")
    add(app, kind, utcnow() - timedelta(days=3))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    field = {"message": "webhook_messages", "report": "reports", "request": "privacy_requests"}[kind]
    assert dry.exit_code == 0 and f"{field}: 1 (would go)" in dry.output, dry.output
    assert remaining(app, kind) == 1
    real = runner.invoke(args=["retention", "purge"])
    assert real.exit_code == 0 and f"{field}: 1 (done)" in real.output
    assert remaining(app, kind) == 0
