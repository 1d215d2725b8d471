"""Commands around the service: moderators, secrets, and the process command lines."""
from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from argon2 import PasswordHasher
from click.testing import CliRunner
from flask import Flask

from moderation import processes
from moderation.cli import main
from moderation.db import session_scope
from moderation.models import Moderator
from moderation.settings import check_secrets, load_settings


def test_create_moderator_hashes_with_argon2id(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-moderator", "ana", "--password", "correct horse battery"])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        moderator = session.query(Moderator).filter_by(username="ana").one()
        assert moderator.password_hash.startswith("$argon2id$")
        assert PasswordHasher().verify(moderator.password_hash, "correct horse battery")
    again = runner.invoke(args=["create-moderator", "ana", "--password", "another long one"])
    assert again.exit_code != 0 and "exists" in again.output
    short = runner.invoke(args=["create-moderator", "bob", "--password", "short"])
    assert short.exit_code != 0


def test_init_secrets_writes_private_usable_keys_once(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "inst" / "secrets.toml"
    result = runner.invoke(main, ["init-secrets", "--instance", str(tmp_path / "inst")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    keys = tomllib.loads(target.read_text())
    check_secrets(load_settings(test_config={"secrets": keys}))
    before = target.read_text()
    assert "keeping it" in runner.invoke(main, ["init-secrets", "--instance", str(tmp_path / "inst")]).output
    assert target.read_text() == before


def test_process_command_lines() -> None:
    settings = load_settings(test_config={"host": "0.0.0.0", "port": 8123})
    web = processes.web_argv(settings, 3)
    assert web[1:3] == ["-m", "gunicorn"] and "0.0.0.0:8123" in web and "moderation.wsgi:app" in web
    assert "--access-logfile" not in web  # access logs would record client IPs
    assert web[web.index("--worker-class") + 1] == "sync" and "--threads" not in web
    threaded = processes.web_argv(settings, 3, threads=4)
    assert threaded[threaded.index("--worker-class") + 1] == "gthread" and threaded[threaded.index("--threads") + 1] == "4"
    worker = processes.worker_argv(settings, 2)
    assert worker[worker.index("-Q") + 1] == "scoring,maintenance" and worker[worker.index("-P") + 1] == "prefork"
    assert "beat" in processes.beat_argv(settings, Path("/tmp/x"))
