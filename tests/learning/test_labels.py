"""Labels from moderator actions: a reject's typed reason decides the heads; the queue pre-selects it."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from moderation.db import session_scope
from moderation.learning.labelrows import label_rows
from moderation.moderator.models import Label
from tests.moderator.helpers import bearer, held, login, moderator, token
from tests.moderator.test_browser import _login, _page, browser, live  # noqa: F401  (fixtures)

HEADS = ("toxicity", "identity_hate", "spam", "gambling_promo")


@pytest.mark.parametrize(("status", "reason", "auto", "expected"), [
    ("rejected", "toxic", ["identity_hate"], (1, None, 0, 0)),
    ("rejected", "identity_hate", ["toxic"], (1, 1, 0, 0)),
    ("rejected", "spam", ["toxic"], (None, None, 1, None)),
    ("rejected", "gambling_promo", ["spam"], (None, None, 1, 1)),
    ("rejected", "other", ["toxic"], (None, None, None, None)),
    ("rejected", "", ["identity_hate"], (1, 1, 0, 0)),  # untyped (older clients): toxic, plus what held it
    ("rejected", "kasar sekali", ["toxic"], (1, None, 0, 0)),
    ("spam", "", ["gambling_promo"], (None, None, 1, 1)),
    ("published", "", ["toxic"], (0, 0, 0, 0)),
])
def test_label_heads_from_a_decision(app: Flask, status: str, reason: str, auto: list[str], expected: tuple[Any, ...]) -> None:
    cid = held(app, reasons=auto)
    response = app.test_client().post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": status, "reason": reason},
                                      headers=bearer(token(app)))
    assert response.status_code == 200, response.json
    with session_scope(app) as session:
        label = session.scalars(select(Label).where(Label.comment_id == cid)).one()
        assert tuple(getattr(label, h) for h in HEADS) == expected
        assert (label.source, label.site_id, label.reason, label.moderator_id) == ("moderator", "news", reason, None)
        rows = label_rows(session, "news")
    # A label that tells nothing about any head is no training row.
    assert len(rows) == (0 if expected == (None,) * 4 else 1)


def test_the_queue_preselects_the_reason_that_held_it(app: Flask) -> None:
    moderator(app)
    held(app, "slot gacor maxwin", reasons=["too_many_links", "gambling_promo"])
    held(app, "bukan apa apa", reasons=["first_time_author"])
    client = app.test_client()
    login(client)
    html = client.get("/moderation/queue").get_data(as_text=True)
    assert '<option value="gambling_promo" selected>' in html and '<option value="toxic" selected>' in html


@pytest.mark.browser
@pytest.mark.slow
def test_reject_key_sends_the_preselected_reason(browser: Any, live: tuple[Any, str]) -> None:  # noqa: F811
    app, base = live
    moderator(app)
    cid = held(app, "slot gacor maxwin daftar", reasons=["gambling_promo"], scores={"gambling_promo": 0.99})
    page = _page(browser)
    _login(page, base)
    page.wait_for_selector(f"#c{cid}.focused")
    assert page.locator(f"#reject-reason-{cid}").input_value() == "gambling_promo"
    page.keyboard.press("r")
    page.wait_for_selector(f"#c{cid}", state="detached")
    with session_scope(app) as session:
        label = session.scalars(select(Label).where(Label.comment_id == cid)).one()
        assert (label.status, label.reason, label.spam, label.gambling_promo, label.toxicity) == (
            "rejected", "gambling_promo", 1, 1, None)
    assert not page.errors, page.errors

