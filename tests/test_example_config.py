"""config/moderation.example.toml documents every setting with its default, and nothing else."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from moderation.settings import Settings, SiteSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "moderation.example.toml"
# "# key = value" and "# [table]" lines are optional settings shown commented out.
COMMENTED_SETTING = re.compile(r"^# (\[[a-z_.]+\]|[a-z_]+ = .*)$")


def leaves(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested tables to dotted paths; lists and scalars are leaves."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat |= leaves(value, path + ".")
        else:
            flat[path] = value
    return flat


def uncommented(text: str) -> str:
    return "\n".join(m.group(1) if (m := COMMENTED_SETTING.match(line)) else line for line in text.splitlines())


def test_active_values_are_the_defaults() -> None:
    active = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert Settings.model_validate(active) == Settings()
    assert set(leaves(active)) <= set(leaves(Settings().model_dump()))
    unset = {k for k, v in leaves(Settings().model_dump()).items() if v is None}
    assert not unset & set(leaves(active)), "settings that default to unset stay commented out"


def test_every_setting_is_documented_with_its_default() -> None:
    full = tomllib.loads(uncommented(EXAMPLE.read_text(encoding="utf-8")))
    Settings.model_validate(full)  # extra="forbid": an unknown or misspelt key fails here
    documented = leaves({k: v for k, v in full.items() if k != "sites"})
    defaults = leaves(Settings().model_dump())
    defaults.pop("sites")
    assert set(documented) == set(defaults)
    # A setting whose default is "unset" (None) is shown commented out with an example value.
    assert {k: v for k, v in documented.items() if defaults[k] is not None} == {
        k: v for k, v in defaults.items() if v is not None}
    assert full["sites"], "the example shows how to declare a site"
    for site in full["sites"].values():
        assert set(site) == set(SiteSettings.model_fields)


def test_every_setting_has_a_comment() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        key = re.match(r"^(?:# )?([a-z_]+) = ", line)
        if key is None or lines[number - 1].startswith(("[", "# [")):
            continue  # the first key of a table is explained by the table's comment
        previous = lines[number - 1]
        assert previous.startswith("#") or re.match(r"^[a-z_]+ = ", previous), f"line {number + 1}: {line}"
