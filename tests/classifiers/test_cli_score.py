"""`moderation score` contract through classifiers.cli.main."""

from __future__ import annotations

import io
import json
import sys

import pytest

from classifiers.cli import main

KEYS = ("toxicity", "identity_hate", "spam", "gambling_promo")


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def _run(monkeypatch, capsys, data: bytes, *args: str) -> tuple[int, list[dict], str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    code = main(["score", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_lines_in_order_with_all_fields(monkeypatch, capsys) -> None:
    texts = ["dasar anjing goblok lu", "Terima kasih atas beritanya", "", "you are an idiot and everyone here knows it"]
    code, rows, _ = _run(monkeypatch, capsys, "\n".join(texts).encode() + b"\n")
    assert code == 0 and len(rows) == len(texts)
    for row in rows:
        assert all(0.0 <= row[k] <= 1.0 for k in KEYS)
        assert row["language"] in ("id", "en", "other")
    assert rows[0]["toxicity"] > rows[1]["toxicity"]
    assert rows[3]["language"] == "en"


def test_jsonl_with_metadata(monkeypatch, capsys) -> None:
    lines = [{"text": "halo semua", "website": "http://x.example", "fill_seconds": 1.5},
             {"text": "you stupid idiot", "unknown_key": 3}]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    code, rows, _ = _run(monkeypatch, capsys, data, "--jsonl")
    assert code == 0 and len(rows) == 2
    assert rows[1]["toxicity"] > 0.5


def test_bad_utf8_is_exit_2_with_line_number(monkeypatch, capsys) -> None:
    code, rows, err = _run(monkeypatch, capsys, b"fine\nbad \xff\xfe here\n")
    assert code == 2 and rows == []
    assert "line 2" in err and "UTF-8" in err


@pytest.mark.parametrize(("data", "why"), [
    (b'{"text": "ok"}\n{"text": oops}\n', "invalid JSON"),
    (b'{"text": "ok"}\n{"body": "no text"}\n', "'text'"),
    (b'{"text": "ok"}\n{"text": 5}\n', "'text'"),
    (b'{"text": "ok"}\n[1, 2]\n', "JSON object"),
])
def test_bad_jsonl_is_exit_2_with_line_number(monkeypatch, capsys, data: bytes, why: str) -> None:
    code, rows, err = _run(monkeypatch, capsys, data, "--jsonl")
    assert code == 2 and rows == []
    assert "line 2" in err and why in err
