"""The Celery settings that make a SIGKILLed worker lose nothing, pinned, plus the Redis side."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask import Flask
from redis import Redis

from moderation.queue import SCORE_TASK, SCORING_QUEUE, celery_config, restore_interval
from moderation.settings import SettingsError, load_settings
from tests.conftest import REDIS_URL, make_config


def test_reliability_settings_pinned(app: Flask) -> None:
    conf = app.extensions["celery"].conf
    settings = app.extensions["settings"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True  # Celery's default (False) loses a SIGKILLed task
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    assert conf.task_ignore_result is True and not conf.result_backend
    assert conf.task_serializer == "json" and list(conf.accept_content) == ["json"]
    vt = settings.visibility_timeout
    assert conf.broker_transport_options["visibility_timeout"] == vt
    assert conf.result_backend_transport_options["visibility_timeout"] == vt
    assert conf.visibility_timeout == vt
    assert conf.task_soft_time_limit < conf.task_time_limit < vt
    assert conf.broker_transport_options["unacked_restore_throttle"] == 1
    assert conf.broker_transport_options["unacked_restore_interval"] <= 10
    assert conf.task_routes[SCORE_TASK]["queue"] == SCORING_QUEUE
    assert conf.worker_soft_shutdown_timeout > 0
    assert conf.broker_transport_options["max_retries"] <= 1  # a publish with Redis down fails fast


def test_time_limit_must_stay_below_visibility_timeout() -> None:
    settings = load_settings(test_config={"task_time_limit": 90, "visibility_timeout": 90})
    with pytest.raises(SettingsError, match="visibility_timeout"):
        celery_config(settings)


@pytest.mark.parametrize(("vt", "interval"), [(8, 1), (90, 10), (300, 10), (40, 5)])
def test_restore_sweep_is_short(vt: int, interval: int) -> None:
    assert restore_interval(vt) == interval


def test_small_time_limits_keep_a_soft_limit() -> None:
    conf = celery_config(load_settings(test_config={"task_time_limit": 6, "visibility_timeout": 8}))
    assert 0 < conf["task_soft_time_limit"] < conf["task_time_limit"] == 6


def test_tasks_are_registered_by_name(app: Flask) -> None:
    import workers.tasks  # noqa: F401

    assert SCORE_TASK in app.extensions["celery"].tasks


def test_redis_never_evicts_queued_messages() -> None:
    redis = Redis.from_url(REDIS_URL)
    assert redis.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"


def test_web_process_never_imports_the_model_or_workers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The web side enqueues by task name; loading the classifier there would cost every web worker."""
    config = make_config(f"sqlite:///{tmp_path}/web.sqlite")
    code = (
        "import json, sys\n"
        "from moderation import create_app\n"
        "from moderation.migrate import upgrade\n"
        f"app = create_app(json.loads({json.dumps(json.dumps(config))}))\n"
        "upgrade(app.extensions['db_engine'])\n"
        "app.test_client().get('/api/v1/openapi.json')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('classifiers', 'workers', 'sklearn'))\n"
        "print(json.dumps(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
