"""The scoring task and the outbox sweep with a fake model: idempotence, attempt bounds, retries."""
from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from moderation.db import session_scope
from moderation.extensions import get_sessionmaker, get_settings
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, utcnow
from moderation.services import outbox
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from tests.helpers.fakes import FakeModel
from workers import model as model_cache
from workers import scoring, tasks

# Decisions and the sweep are storage code: run them on PostgreSQL too when TEST_DATABASE_URL is set.
pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


@pytest.fixture
def fake_model() -> Any:
    fake = FakeModel()
    model_cache.set_model(fake)
    yield fake
    model_cache.set_model(None)


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    return app_factory(max_score_attempts=3)


def score(app: Flask, comment_id: int) -> str:
    return scoring.score_comment(get_sessionmaker(app), get_settings(app), comment_id)


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
    assert score(app, comment_id) == status
    decision = decision_of(app, comment_id)
    assert decision.status == status
    assert (reason in decision.reasons) if reason else decision.reasons == []
    assert set(decision.scores) == {"toxicity", "identity_hate", "spam", "gambling_promo"}
    assert decision.model_version == "fake-1" and decision.language == "id"
    assert decision.thresholds["toxicity"] == {"hold": 0.65, "action_at": 0.9, "action": "held"}  # the model's points
    assert decision.thresholds["link_limit"] == 2
    assert decision.explanation["toxicity"][0]["feature"] == "goblok"
    assert counts(app, comment_id) == (1, 1, status, 1)


def test_twice_leaves_one_decision(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    assert score(app, comment_id) == "published"
    assert score(app, comment_id) == "skipped"
    assert counts(app, comment_id) == (1, 1, "published", 1)
    assert fake_model.calls == 1


class BarrierModel(FakeModel):
    """Both runs score before either records: the race that redelivery during a slow run creates."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=30)

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        result = super().score(text, **metadata)
        self.barrier.wait()
        return result


def test_concurrent_second_writer_is_a_noop(app: Flask) -> None:
    """Two runs in two threads, each with its own connection, score the same comment at once: one decides."""
    comment_id = make_comment(app)
    model_cache.set_model(BarrierModel(2))
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(score(app, comment_id))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        model_cache.set_model(None)
    assert errors == []
    assert sorted(results) == ["duplicate", "published"]
    assert counts(app, comment_id) == (1, 1, "published", 2)


def test_record_decision_twice_writes_once(app: Flask) -> None:
    comment_id = make_comment(app)
    assert decide_comment(app, comment_id, "published") is True
    assert decide_comment(app, comment_id, "held", ("toxic",)) is False
    assert counts(app, comment_id)[:3] == (1, 1, "published")


def test_an_edit_while_scoring_drops_the_stale_decision(app: Flask, fake_model: FakeModel) -> None:
    """The scorer judged the old text; the author's edit changed it meanwhile: nothing is recorded."""
    comment_id = make_comment(app, "teks lama")
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(body_hmac="edited-meanwhile"))
    with session_scope(app) as session:
        from moderation import policy
        from moderation.services import decisions

        recorded = decisions.record_decision(session, comment_id, make_hmac(app, "teks lama"),
                                             policy.Decision(policy.PUBLISHED), decisions.Outcome())
    assert recorded is False
    assert counts(app, comment_id)[:3] == (0, 0, "pending")


def make_hmac(app: Flask, body: str) -> str:
    from moderation.services.comments import body_hmac

    return body_hmac(get_settings(app), body)


def test_published_counts_for_the_author(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    score(app, comment_id)
    with session_scope(app) as session:
        assert session.scalars(select(Author.published_count)).one() == 1


@pytest.mark.parametrize("status", ["deleted", "published", "held"])
def test_not_pending_is_a_noop(app: Flask, fake_model: FakeModel, status: str) -> None:
    comment_id = make_comment(app, status=status)
    assert score(app, comment_id) == "skipped"
    assert counts(app, comment_id) == (0, 0, status, 0)
    assert fake_model.calls == 0


def test_missing_comment_is_a_noop(app: Flask, fake_model: FakeModel) -> None:
    assert score(app, 424242) == "skipped"


def test_attempts_exhausted_holds_unscored(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app, score_attempts=3)
    assert score(app, comment_id) == "exhausted"
    decision = decision_of(app, comment_id)
    assert (decision.status, decision.reasons) == ("held", ["classifier_unavailable"])
    assert fake_model.calls == 0
    assert counts(app, comment_id) == (1, 1, "held", 4)


def test_classifier_failure_retries_then_holds(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    fake_model.fail_with = [ValueError("broken")] * 3
    for _ in range(2):
        with pytest.raises(scoring.ClassifierFailed):
            score(app, comment_id)
    assert score(app, comment_id) == "exhausted"
    assert counts(app, comment_id) == (1, 1, "held", 3)


def test_task_retries_transient_errors(app: Flask, fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    comment_id = make_comment(app)
    fake_model.fail_with = [OperationalError("SELECT 1", {}, Exception("database is locked"))]
    real = scoring.classify

    def classify_raw(comment: Comment, *args: Any) -> Any:
        # Let the transient DB error escape the ClassifierFailed wrapper, as a real DB error would.
        if fake_model.fail_with:
            raise fake_model.fail_with.pop(0)
        return real(comment, *args)

    monkeypatch.setattr(scoring, "classify", classify_raw)
    with app.app_context():
        result = tasks.score_comment.apply(args=[comment_id])
    assert result.get() == "published"
    assert counts(app, comment_id) == (1, 1, "published", 2)


def test_task_gives_up_after_bounded_retries(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    comment_id = make_comment(app)
    calls = []

    def always_locked(*_args: Any) -> str:
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
    """A publisher that records what the sweep sends (or fails like a broker that is down)."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[int] = []
        self.fail = fail

    def __call__(self, comment_ids: list[int]) -> list[int]:
        if self.fail:
            return []
        self.sent.extend(comment_ids)
        return list(comment_ids)


def _age(app: Flask, comment_id: int, seconds: float) -> None:
    """Move the comment and its outbox rows back in time (created, changed and last sent)."""
    past = utcnow() - timedelta(seconds=seconds)
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=past, updated_at=past))
        rows = OutboxMessage.comment_id == comment_id
        session.execute(update(OutboxMessage).where(rows).values(created_at=past))
        session.execute(update(OutboxMessage).where(rows, OutboxMessage.published_at.is_not(None)).values(published_at=past))


def sweep(app: Flask, publish: Recorder, now: Any = None) -> outbox.SweepResult:
    return outbox.sweep(get_sessionmaker(app), get_settings(app), publish, now=now)


def sent_rows(app: Flask) -> dict[int, tuple[bool, int]]:
    """comment id -> (marked sent, sends) of its outbox row."""
    with session_scope(app) as session:
        return {m.comment_id: (m.published_at is not None, m.attempts) for m in session.scalars(select(OutboxMessage))}


def test_sweep_sends_rows_whose_send_failed_after_the_grace_period(app: Flask) -> None:
    failed_old = make_comment(app, "lama", sent=False)
    failed_new = make_comment(app, "baru", sent=False)
    sent_ok = make_comment(app, "terkirim")
    _age(app, failed_old, 10)
    _age(app, sent_ok, 10)
    publish = Recorder()
    result = sweep(app, publish)
    assert (result.published, result.requeued, publish.sent) == (1, 0, [failed_old])
    assert sent_rows(app) == {failed_old: (True, 1), failed_new: (False, 0), sent_ok: (True, 1)}


def test_sweep_with_broker_down_keeps_rows(app: Flask) -> None:
    comment_id = make_comment(app, sent=False)
    _age(app, comment_id, 10)
    assert sweep(app, Recorder(fail=True)).published == 0
    assert sent_rows(app) == {comment_id: (False, 0)}


def test_a_backlog_is_not_multiplied_by_resends(app: Flask) -> None:
    """A comment still pending after its send is re-sent after pending_requeue_seconds, then twice that."""
    settings = get_settings(app)
    comment_id = make_comment(app)
    _age(app, comment_id, 3600)
    with session_scope(app) as session:
        session.execute(update(OutboxMessage).values(published_at=utcnow() - timedelta(seconds=settings.pending_requeue_seconds + 1)))
    publish = Recorder()
    assert sweep(app, publish).requeued == 1
    assert sweep(app, publish).requeued == 0  # just re-sent: not again
    later = utcnow() + timedelta(seconds=settings.pending_requeue_seconds * 1.5)
    assert sweep(app, publish, now=later).requeued == 0  # the second wait is twice as long
    much_later = utcnow() + timedelta(seconds=settings.pending_requeue_seconds * 2 + 1)
    assert sweep(app, publish, now=much_later).requeued == 1
    assert publish.sent == [comment_id, comment_id]
    assert sent_rows(app) == {comment_id: (True, 3)}


def test_sweep_mixes_failed_stale_fresh_and_exhausted_comments(app: Flask) -> None:
    """One batch: a failed send, a lost message, a fresh comment and an exhausted one, each handled once."""
    failed = make_comment(app, "gagal kirim", sent=False)
    lost = make_comment(app, "pesan hilang")
    fresh = make_comment(app, "baru saja")
    exhausted = make_comment(app, "selalu gagal", score_attempts=3)
    no_row = make_comment(app, "tanpa baris outbox", outbox=False)
    for comment_id in (failed, lost, exhausted, no_row):
        _age(app, comment_id, 3600)
    publish = Recorder()
    result = sweep(app, publish)
    assert (result.published, result.requeued, result.held) == (1, 2, 1)
    assert sorted(publish.sent) == sorted([failed, lost, no_row])
    assert decision_of(app, exhausted).reasons == ["classifier_unavailable"]
    assert counts(app, fresh)[2] == "pending" and fresh not in publish.sent
    rows = sent_rows(app)
    assert rows[failed] == (True, 1) and rows[lost] == (True, 2) and rows[no_row] == (True, 1)
    assert exhausted not in rows  # decided: its message is gone
    assert sweep(app, Recorder()) == outbox.SweepResult()  # everything handled: a second sweep does nothing


def test_two_sweeps_never_overlap(app: Flask) -> None:
    """While one sweep holds the lease another does nothing; once released the next one runs."""
    from moderation import leases

    comment_id = make_comment(app, sent=False)
    _age(app, comment_id, 10)
    sessions = get_sessionmaker(app)
    assert leases.acquire(sessions, outbox.LEASE, "other-host:1", seconds=60)
    assert sweep(app, Recorder()) == outbox.SweepResult(skipped=True)
    leases.release(sessions, outbox.LEASE, "other-host:1")
    assert sweep(app, Recorder()).published == 1


def test_an_expired_lease_is_taken_over(app: Flask) -> None:
    from moderation import leases

    sessions = get_sessionmaker(app)
    assert leases.acquire(sessions, "job", "dead-host:1", seconds=0)
    assert leases.acquire(sessions, "job", "live-host:2", seconds=60)
    assert not leases.acquire(sessions, "job", "third:3", seconds=60)


def test_sweep_task_runs_in_app(app: Flask) -> None:
    with app.app_context():
        assert tasks.sweep_outbox.apply().get() == {"published": 0, "requeued": 0, "held": 0, "skipped": False}


def test_a_decision_removes_the_outbox_row_so_the_sweep_sends_nothing(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app)
    _age(app, comment_id, 3600)
    assert score(app, comment_id) == "published"
    assert sent_rows(app) == {}
    publish = Recorder()
    assert sweep(app, publish) == outbox.SweepResult() and publish.sent == []


def test_explanations_use_the_same_metadata_as_the_scores(app: Flask, fake_model: FakeModel) -> None:
    comment_id = make_comment(app, "dasar goblok", website="https://budi.example")
    assert score(app, comment_id) == "held"
    assert fake_model.metadata == [{"website": True}]
    features = [item["feature"] for item in decision_of(app, comment_id).explanation["toxicity"]]
    assert features == ["goblok", "meta:website"]


class OnePassModel(FakeModel):
    """A model that scores and explains from one featurisation, as the shipped one does."""

    def __init__(self) -> None:
        super().__init__()
        self.passes: list[str] = []

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        self.passes.append("score")
        return super().score(text, **metadata)

    def explain(self, text: str, top_k: int = 5, **metadata: Any) -> dict[str, list[dict[str, Any]]]:
        self.passes.append("explain")
        return super().explain(text, top_k, **metadata)

    def score_and_explain(self, text: str, top_k: int = 5, **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        self.passes.append("both")
        return FakeModel.score(self, text, **metadata), FakeModel.explain(self, text, top_k, **metadata)


def test_one_model_pass_per_comment(app: Flask) -> None:
    model = OnePassModel()
    model_cache.set_model(model)
    try:
        comment_id = make_comment(app, "dasar goblok", website="https://budi.example")
        assert score(app, comment_id) == "held"
    finally:
        model_cache.set_model(None)
    assert model.passes == ["both"] and model.metadata == [{"website": True}]
    features = [item["feature"] for item in decision_of(app, comment_id).explanation["toxicity"]]
    assert features == ["goblok", "meta:website"]
