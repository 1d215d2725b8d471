"""The scoring task and the outbox sweep with a fake model: idempotence, attempt bounds, retries."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from moderation import policy
from moderation.db import session_scope
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, utcnow
from moderation.services import decisions
from tests.conftest import database_urls
from tests.helpers.factories import make_comment
from tests.helpers.fakes import FakeModel
from workers import model as model_cache
from workers import scoring, tasks


# Decisions and the sweep are storage code: run them on PostgreSQL too when TEST_DATABASE_URL is set.
pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


@pytest.fixture
def fake_model() -> Any:
    fake = FakeModel()
    model_cache.set_model_for_tests(fake)
    yield fake
    model_cache.set_model_for_tests(None)


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    return app_factory(max_score_attempts=3)


def counts(app: Flask, comment_id: int) -> tuple[int, int, str, int]:
    with session_scope(app) as session:
        n_decisions = session.scalar(select(func.count()).select_from(Decision).where(Decision.comment_id == comment_id))
        n_audit = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.comment_id == comment_id))
        comment = session.get(Comment, comment_id)
        return n_decisions, n_audit, comment.status, comment.score_attempts


def decision_of(app: Flask, comment_id: int) -> Decision:
    with session_scope(app) as session:
        return session.scalars(select(Decision).where(Decision.comment_id == comment_id)).one()


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("Artikel yang bagus, terima kasih.", "published", None),
        ("dasar goblok", "held", "toxic"),
        ("Slot gacor maxwin https://gacor88.example", "spam", "gambling_promo"),
        ("Bagus https://a.example https://b.example https://c.example", "held", "too_many_links"),
    ],
)
def test_scores_and_records_everything(app: Flask, fake_model: FakeModel, body: str, status: str, reason: str | None) -> None:
    comment_id = make_comment(app, body)
    assert scoring.score_comment(app, comment_id) == status
    decision = decision_of(app, comment_id)
    assert decision.status == status
    assert (reason in decision.reasons) if reason else decision.reasons == []
    assert set(decision.scores) == {"toxicity", "identity_hate", "spam", "gambling_promo"}
    assert decision.model_version == "fake-1" and decision.language == "id"
    assert decision.thresholds["toxicity"] == app.extensions["settings"].policy.toxicity.model_dump()
    assert decision.explanation["toxicity"][0]["feature"] == "goblok"
    assert counts(app, comment_id) == (1, 1, status, 1)


def test_twice_leaves_one_decision(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    assert scoring.score_comment(app, comment_id) == "published"
    assert scoring.score_comment(app, comment_id) == "skipped"
    assert counts(app, comment_id) == (1, 1, "published", 1)
    assert fake_model.calls == 1


def test_concurrent_second_writer_is_a_noop(app: Flask, fake_model: FakeModel) -> None:
    """Two runs that both scored (redelivery while the first was still running): one decision wins."""
    comment_id = make_comment(app)
    with session_scope(app) as session:
        first = decisions.record_decision(session, comment_id, policy.Decision("published"), decisions.Outcome())
        second = decisions.record_decision(session, comment_id, policy.Decision("held", ["toxic"]), decisions.Outcome())
    assert (first, second) == (True, False)
    assert counts(app, comment_id)[:3] == (1, 1, "published")


def test_published_counts_for_the_author(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    scoring.score_comment(app, comment_id)
    with session_scope(app) as session:
        assert session.scalars(select(Author.published_count)).one() == 1


@pytest.mark.parametrize("status", ["deleted", "published", "held"])
def test_not_pending_is_a_noop(app: Flask, fake_model: FakeModel, status: str) -> None:
    comment_id = make_comment(app, status=status)
    assert scoring.score_comment(app, comment_id) == "skipped"
    assert counts(app, comment_id) == (0, 0, status, 0)
    assert fake_model.calls == 0


def test_missing_comment_is_a_noop(app: Flask, fake_model: FakeModel) -> None:
    assert scoring.score_comment(app, 424242) == "skipped"


def test_attempts_exhausted_holds_unscored(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app, score_attempts=3)
    assert scoring.score_comment(app, comment_id) == "exhausted"
    decision = decision_of(app, comment_id)
    assert (decision.status, decision.reasons) == ("held", ["classifier_unavailable"])
    assert fake_model.calls == 0
    assert counts(app, comment_id) == (1, 1, "held", 4)


def test_classifier_failure_retries_then_holds(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    fake_model.fail_with = [ValueError("broken")] * 3
    for _ in range(2):
        with pytest.raises(scoring.ClassifierFailed):
            scoring.score_comment(app, comment_id)
    assert scoring.score_comment(app, comment_id) == "exhausted"
    assert counts(app, comment_id) == (1, 1, "held", 3)


def test_task_retries_transient_errors(app: Flask, fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    comment_id = make_comment(app)
    fake_model.fail_with = [OperationalError("SELECT 1", {}, Exception("database is locked"))]
    real = scoring.classify

    def classify_raw(comment: Comment) -> Any:
        # Let the transient DB error escape the ClassifierFailed wrapper, as a real DB error would.
        if fake_model.fail_with:
            raise fake_model.fail_with.pop(0)
        return real(comment)

    monkeypatch.setattr(scoring, "classify", classify_raw)
    with app.app_context():
        result = tasks.score_comment.apply(args=[comment_id])
    assert result.get() == "published"
    assert counts(app, comment_id) == (1, 1, "published", 2)


def test_task_gives_up_after_bounded_retries(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    comment_id = make_comment(app)
    calls = []

    def always_locked(_app: Flask, _id: int) -> str:
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(scoring, "score_comment", always_locked)
    with app.app_context():
        result = tasks.score_comment.apply(args=[comment_id])
    assert isinstance(result.result, OperationalError)
    assert len(calls) == tasks.MAX_RETRIES + 1


def test_backoff_stays_below_visibility_timeout(app: Flask) -> None:
    with app.app_context():
        assert [tasks.backoff(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert max(tasks.queue.retry_countdown(n, 8) for n in range(50)) == 4


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[int] = []
        self.fail = fail

    def __call__(self, session: Any, ids: list[int]) -> int:
        if self.fail:
            return 0
        self.sent.extend(ids)
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(published_at=utcnow()))
        session.commit()
        return len(ids)


def _age(app: Flask, comment_id: int, seconds: float) -> None:
    past = utcnow() - timedelta(seconds=seconds)
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=past, updated_at=past))
        session.execute(update(OutboxMessage).where(OutboxMessage.comment_id == comment_id).values(created_at=past))


def test_sweep_publishes_unsent_outbox_rows(app: Flask) -> None:
    fresh = make_comment(app, "baru")
    old = make_comment(app, "lama")
    _age(app, old, 10)
    publish = Recorder()
    with session_scope(app) as session:
        result = decisions.sweep(session, app.extensions["settings"], publish)
    assert result.published == 1 and len(publish.sent) == 1
    with session_scope(app) as session:
        sent = session.scalars(select(OutboxMessage.comment_id).where(OutboxMessage.published_at.is_not(None))).all()
    assert sent == [old] and fresh != old


def test_sweep_with_broker_down_keeps_rows(app: Flask) -> None:
    comment_id = make_comment(app)
    _age(app, comment_id, 10)
    with session_scope(app) as session:
        assert decisions.sweep(session, app.extensions["settings"], Recorder(fail=True)).published == 0
        assert session.scalars(select(OutboxMessage.published_at)).one() is None


def test_sweep_requeues_stale_pending_once(app: Flask) -> None:
    """A Redis that lost its data lost the message: the pending row is re-published, once per period."""
    comment_id = make_comment(app)
    with session_scope(app) as session:
        session.execute(update(OutboxMessage).values(published_at=utcnow() - timedelta(seconds=3600)))
    _age(app, comment_id, 3600)
    publish = Recorder()
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        assert decisions.sweep(session, settings, publish).requeued == 1
    with session_scope(app) as session:
        assert decisions.sweep(session, settings, publish).requeued == 0  # just re-sent: not again
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_sweep_holds_exhausted_comments(app: Flask) -> None:
    comment_id = make_comment(app, outbox=False, score_attempts=3)
    _age(app, comment_id, 3600)
    with session_scope(app) as session:
        result = decisions.sweep(session, app.extensions["settings"], Recorder())
    assert (result.held, result.requeued) == (1, 0)
    assert decision_of(app, comment_id).reasons == ["classifier_unavailable"]


def test_sweep_task_runs_in_app(app: Flask) -> None:
    with app.app_context():
        assert tasks.sweep_outbox.apply().get() == {"published": 0, "requeued": 0, "held": 0}


def test_decision_closes_the_outbox_row_so_the_sweep_sends_nothing(app: Flask, fake_model: FakeModel) -> None:
    """The request leaves its outbox row open; the worker's decision transaction closes it."""
    comment_id = make_comment(app)
    _age(app, comment_id, 3600)
    assert scoring.score_comment(app, comment_id) == "published"
    with session_scope(app) as session:
        assert session.scalars(select(OutboxMessage.published_at)).one() is not None
    publish = Recorder()
    with session_scope(app) as session:
        result = decisions.sweep(session, app.extensions["settings"], publish)
    assert (result.published, result.requeued, publish.sent) == (0, 0, [])
