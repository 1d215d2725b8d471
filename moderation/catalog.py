"""Public messages in every language: the widget's `static/widget/lang/<code>.json` files, read by the API too.

One file per language holds the widget's texts (`ui`, `count`) and the API's messages: `fields`
(per stable field code, optionally `code.field`) and `messages` (per error key). The widget bundles
the same files, so a reason checked in the browser and the same reason sent by the server read the
same. Adding a language is adding one file.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).resolve().parent / "static" / "widget" / "lang"
DEFAULT = "en"  # an API client that asks for nothing gets English, as before languages existed


@cache
def catalogs() -> dict[str, dict[str, Any]]:
    """code -> parsed language file, for every file in LANG_DIR."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(LANG_DIR.glob("*.json"))}


def languages() -> list[str]:
    """The language codes there is a file for."""
    return list(catalogs())


def negotiate(requested: str | None, accepted: Iterable[tuple[str, float]] = (), fallback: str = DEFAULT) -> str:
    """`lang` if we have it, else the best of Accept-Language (`in` is old Indonesian), else `fallback`."""
    known = catalogs()
    if requested:
        code = requested.strip().lower().replace("_", "-").split("-", 1)[0]
        if code in known:
            return code
    for value, _quality in sorted(accepted, key=lambda item: -item[1]):
        code = value.lower().split("-", 1)[0]
        code = "id" if code == "in" else code
        if code in known:
            return code
    return fallback if fallback in known else DEFAULT


def _format(template: str | None, params: Mapping[str, Any]) -> str | None:
    if template is None:
        return None
    try:
        return template.format_map(dict(params))
    except (KeyError, IndexError, ValueError):
        return None  # a parameter the caller did not give: keep the server's own text


def message(lang: str, key: str, params: Mapping[str, Any] | None = None) -> str | None:
    """The top-level message for `key` in `lang`, or None if the file has none."""
    return _format(catalogs().get(lang, {}).get("messages", {}).get(key), params or {})


def field_message(lang: str, field: str, code: str, params: Mapping[str, Any] | None = None) -> str | None:
    """The reason for a field's `code` (`code.field` first) in `lang`, or None if the file has none."""
    fields = catalogs().get(lang, {}).get("fields", {})
    return _format(fields.get(f"{code}.{field}", fields.get(code)), params or {})


def texts(lang: str, part: str) -> dict[str, str]:
    """A whole part of a language file (e.g. `pages`, the server-rendered pages' texts), English filling gaps."""
    merged = dict(catalogs().get(DEFAULT, {}).get(part, {}))
    merged.update(catalogs().get(lang, {}).get(part, {}))
    return merged
