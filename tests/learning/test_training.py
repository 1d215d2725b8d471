"""Training with feedback (tiny data): stored, evaluated side by side, gated; score --site; continuous learning."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from classifiers.artifacts import loads
from classifiers.training.feedback import gate
from moderation.db import session_scope
from moderation.extensions import get_sessionmaker, get_settings
from moderation.learning import commands, continuous
from moderation.registry import store
from moderation.registry.models import ModelVersion, TrainingRun
from tests.learning.sitedata import comments, write_history
from tests.learning.tinydata import write_base
from tests.moderator.helpers import site


@pytest.fixture
def learning_app(app_factory: Any, tmp_path: Path) -> Flask:
    base = write_base(tmp_path / "datasets")
    # The n-gram stage only (learning.encoder = false): the encoder stage has its own tests.
    app: Flask = app_factory(learning={"data_dir": str(base), "n_features": 4096, "encoder": False,
                                       "continuous_sites": ["news"], "min_new_labels": 50})
    site(app, "news")
    return app


def import_history(app: Flask, path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["import", "wordpress", str(path), "--site", "news"])
    assert result.exit_code == 0, result.output


def test_train_with_feedback_learns_the_sites_words(learning_app: Flask, tmp_path: Path) -> None:
    import_history(learning_app, write_history(tmp_path / "wp.xml", comments(160)))
    result = learning_app.test_cli_runner().invoke(commands.train_feedback, ["--with-feedback", "--site", "news"])
    assert result.exit_code == 0, result.output
    assert "newest labels (32 rows, never trained on)" in result.output and "base datasets' test splits" in result.output
    assert "is now the active model --site news" in result.output
    with session_scope(learning_app) as session:
        version = session.scalars(select(ModelVersion)).one()
        run = session.scalars(select(TrainingRun)).one()
        assert (version.site_id, run.status, run.trigger, run.candidate_id) == ("news", "activated", "cli", version.id)
        assert store.resolve(store.active_map(session), "news") == (version.id, "site")
        assert store.resolve(store.active_map(session), "other") == (None, "shipped")
        evaluation = version.evaluation
        cand, active = evaluation["labels"]["candidate"]["toxicity"], evaluation["labels"]["active"]["toxicity"]
        # The shipped model cannot know the made-up insults; the site's own model learnt them.
        assert cand["roc_auc"] > 0.95 > active["roc_auc"] and cand["n"] == 32
        assert set(evaluation["base"]["candidate"]) == {"davidson-hate-offensive-en", "id-hatespeech-facebook",
                                                         "youtube-spam-collection"}
        assert evaluation["gate"]["passed"] is True
        info = version.info
        assert info["rows"] == {"train": 102, "thresholds": 26, "evaluation": 32}
        assert info["thresholds_from"]["toxicity"].startswith("site rows (26")
        assert set(version.thresholds) == {"toxicity", "identity_hate", "spam", "gambling_promo"}
        assert loads(store.artifact(session, version.id)).encoder is None  # learning.encoder = false
    # `moderation score --site news` scores with that version, output as `moderation score`.
    scored = learning_app.test_cli_runner().invoke(commands.score_registry, ["--site", "news"],
                                                   input="warga zorblax kwimpul\nwarga flimwop tandrak\n")
    lines = [json.loads(x) for x in scored.stdout.splitlines()]
    assert [x["model_version"] for x in lines] == [version.version] * 2
    assert set(lines[0]) == {"toxicity", "identity_hate", "spam", "gambling_promo", "language", "model_version"}
    assert lines[0]["toxicity"] > 0.5 > lines[1]["toxicity"]


def test_training_is_deterministic(learning_app: Flask, tmp_path: Path) -> None:
    import_history(learning_app, write_history(tmp_path / "wp.xml", comments(80)))
    sessions, settings = get_sessionmaker(learning_app), get_settings(learning_app)
    from moderation.learning.trainer import train_site

    first = train_site(sessions, settings, "news", trigger="cli", activation="never")
    second = train_site(sessions, settings, "news", trigger="cli", activation="never")
    assert first.comparison["labels"]["candidate"] == second.comparison["labels"]["candidate"]
    assert (first.status, second.status) == ("stored", "stored") and first.version != second.version


def test_too_few_labels_is_a_clear_refusal(learning_app: Flask, tmp_path: Path) -> None:
    import_history(learning_app, write_history(tmp_path / "wp.xml", comments(6)))
    result = learning_app.test_cli_runner().invoke(commands.train_feedback, ["--with-feedback", "--site", "news"])
    assert result.exit_code == 1 and "6 labels for news; at least 20 are needed" in result.output


@pytest.mark.parametrize(("labels", "base", "passed", "why"), [
    ({"candidate": 0.90, "active": 0.80}, {"candidate": 0.95, "active": 0.955}, True, "+0.1000"),
    ({"candidate": 0.805, "active": 0.80}, {"candidate": 0.95, "active": 0.95}, False, "needs +0.01"),
    ({"candidate": 0.70, "active": 0.80}, {"candidate": 0.95, "active": 0.95}, False, "needs +0.01"),
    ({"candidate": 0.90, "active": 0.80}, {"candidate": 0.93, "active": 0.95}, False, "base tests worse than the tolerance"),
    ({"candidate": None, "active": None}, {"candidate": 0.95, "active": 0.95}, False, "nothing to compare"),
])
def test_gate(labels: dict[str, Any], base: dict[str, float], passed: bool, why: str) -> None:
    def heads(auc: Any) -> dict[str, Any]:
        return {h: {"roc_auc": auc if h == "toxicity" else None} for h in ("toxicity", "identity_hate", "spam", "gambling_promo")}

    comparison = {"labels": {side: heads(labels[side]) for side in labels},
                  "base": {side: {"src": {"roc_auc": base[side]}} for side in base}}
    ok, text = gate(comparison, margin=0.01, tolerance=0.01)
    assert ok is passed and why in text


def test_continuous_learning_refuses_a_worse_challenger(learning_app: Flask, tmp_path: Path) -> None:
    sessions, settings = get_sessionmaker(learning_app), get_settings(learning_app)
    # The champion: trained on the site's real history (2023-2024) and activated.
    import_history(learning_app, write_history(tmp_path / "a.xml", comments(120, seed=1), start_year=2023))
    assert continuous.run(sessions, settings)["news"].startswith("activated")
    with session_scope(learning_app) as session:
        champion = store.active_map(session)["news"]
    assert continuous.run(sessions, settings)["news"] == "waiting: 0 of 50 new labels"
    # Then an older export whose statuses mean the opposite: the challenger learns the wrong words
    # and does worse on the newest labels, so the gate keeps the champion.
    import_history(learning_app, write_history(tmp_path / "b.xml", comments(400, seed=2), start_year=2019, flip=True,
                                               first_id=10_000))
    outcome = continuous.run(sessions, settings)["news"]
    assert outcome.startswith("kept") and "needs +0.01" in outcome
    with session_scope(learning_app) as session:
        assert store.active_map(session)["news"] == champion
        runs = session.scalars(select(TrainingRun).order_by(TrainingRun.id)).all()
        assert [(r.trigger, r.status, r.labels_new) for r in runs] == [("beat", "activated", 120), ("beat", "kept", 400)]
        figures = runs[1].figures
        assert figures["candidate"]["toxicity"] < figures["active"]["toxicity"]


def test_evaluate_feedback_writes_a_report_with_pictures(learning_app: Flask, tmp_path: Path) -> None:
    import_history(learning_app, write_history(tmp_path / "wp.xml", comments(60)))
    out = tmp_path / "report"
    result = learning_app.test_cli_runner().invoke(commands.evaluate_feedback, ["--feedback", "--site", "news", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = (out / "REPORT.md").read_text()
    assert "60 labels" in report and "| toxicity | 60 | 30 |" in report and "import: trash as toxic" in report
    assert (out / "roc.png").stat().st_size > 1000 and (out / "scores_by_reason.png").stat().st_size > 1000
    results = json.loads((out / "results.json").read_text())
    assert results["model_origin"] == "shipped" and results["reasons"]["import: approved"]["n"] == 30


def test_continuous_learning_is_scheduled_only_when_a_site_has_it_on(app_factory: Any) -> None:
    from moderation import queue

    off = app_factory().extensions["celery"].conf
    assert "learn-sites" not in off.beat_schedule
    on = app_factory(learning={"continuous_sites": ["news"], "check_minutes": 30, "train_time_limit": 3600}).extensions["celery"].conf
    entry = on.beat_schedule["learn-sites"]
    assert entry["task"] == queue.LEARN_TASK and entry["schedule"].total_seconds() == 1800
    assert entry["options"]["queue"] == "learning" and entry["options"]["time_limit"] == 3600
    assert on.task_routes[queue.LEARN_TASK] == {"queue": "learning"}


@pytest.mark.parametrize("command", ["train", "score"])
def test_an_unknown_site_is_a_clear_error(learning_app: Flask, command: str) -> None:
    cmd, args = ((commands.train_feedback, ["--with-feedback", "--site", "nope"]) if command == "train"
                 else (commands.score_registry, ["--site", "nope"]))
    result = learning_app.test_cli_runner().invoke(cmd, args, input="teks\n")
    assert result.exit_code == 1 and "Unknown site 'nope'" in result.output
