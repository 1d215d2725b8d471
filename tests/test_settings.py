"""Settings layering: defaults, TOML files, MODERATION_* environment, and secret checks."""
from __future__ import annotations

import pytest

from moderation.settings import SettingsError, check_secrets, generate_secrets, load_settings


def test_defaults_then_toml_then_env(tmp_path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "moderation.toml").write_text('port = 9000\n[policy]\nlink_limit = 4\n')
    env = {"MODERATION_POLICY__LINK_LIMIT": "5", "REDIS_URL": "redis://example:6379/1"}
    settings = load_settings(environ=env, root=tmp_path)
    assert settings.port == 9000
    assert settings.policy.link_limit == 5
    assert settings.redis_url == "redis://example:6379/1"
    assert settings.policy.max_body_chars == 5000


def test_postgres_url_gets_psycopg_driver() -> None:
    settings = load_settings(test_config={"database_url": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_unknown_key_warns(tmp_path) -> None:
    with pytest.warns(UserWarning, match="unknown setting 'colour'"):
        load_settings(environ={"MODERATION_COLOUR": "red"}, root=tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"secret_key": ""}, "secret_key"),
        ({"active_email_key": "nope"}, "not in email_keys"),
        ({"email_keys": {"k1": "c2hvcnQ="}}, "32 bytes"),
    ],
)
def test_bad_secrets_refused(change: dict, message: str) -> None:
    secrets = generate_secrets() | change
    with pytest.raises(SettingsError, match=message):
        check_secrets(load_settings(test_config={"secrets": secrets}))


def test_blind_index_key_must_differ() -> None:
    secrets = generate_secrets()
    secrets["blind_index_key"] = secrets["email_keys"]["k1"]
    with pytest.raises(SettingsError, match="differ"):
        check_secrets(load_settings(test_config={"secrets": secrets}))


def test_app_builds_and_migrates(app) -> None:  # type: ignore[no-untyped-def]
    assert app.extensions["settings"].env == "testing"
