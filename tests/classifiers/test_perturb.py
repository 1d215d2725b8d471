"""Evasion perturbations: what each one does, and that they are deterministic."""

from __future__ import annotations

import re

import pytest

from classifiers.evaluation import perturb as pt

INVERSE_HOMOGLYPHS = {v: k for k, v in pt.HOMOGLYPHS.items()}
INVERSE_HOMOGLYPHS.update({v.upper(): k.upper() for k, v in pt.HOMOGLYPHS.items()})
ZW_RE = re.compile("[" + "".join(pt.ZERO_WIDTH) + "]")


def _collapse(s: str) -> str:
    return re.sub(r"(.)\1{2,}", r"\1", s)


@pytest.mark.parametrize(
    ("fn", "kwargs", "text", "expected"),
    [
        (pt.leet, {}, "dasar goblok", "d454r g0bl0k"),
        (pt.leet, {}, "kamu tolol", "k4mu 70l0l"),
        (pt.leet, {}, "you are a moron", "y0u 4r3 a m0r0n"),  # words under 3 letters are kept
        (pt.spacing, {}, "goblok", "g o b l o k"),
        (pt.spacing, {"rate": 1.0}, "dasar goblok", "d a s a r g o b l o k"),
        (pt.casing, {"rate": 1.0}, "Dasar Goblok", "dASAR gOBLOK"),
        (pt.homoglyphs, {"rate": 1.0}, "ok", "\u043e\u03ba"),
        (pt.leet, {}, "lihat https://slot.example/gacor dan @admin", "l1h47 https://slot.example/gacor d4n @admin"),
        (pt.casing, {"rate": 1.0}, "visit www.Example.com now", "VISIT www.Example.com NOW"),
    ],
)
def test_perturbation_table(fn, kwargs, text, expected):
    assert fn(text, **kwargs) == expected


@pytest.mark.parametrize("text", ["anjing goblok", "you stupid idiot", "slot gacor maxwin hari ini"])
def test_elongation_repeats_one_letter_per_word(text):
    out = pt.elongation(text, rate=1.0)
    assert out != text
    assert _collapse(out) == _collapse(text)
    assert len(out) == len(text) + 3 * len(text.split())


@pytest.mark.parametrize("text", ["dasar anjing goblok", "Fuck off, ASSHOLE"])
def test_homoglyphs_are_reversible_lookalikes(text):
    out = pt.homoglyphs(text, rate=1.0)
    assert out != text
    assert "".join(INVERSE_HOMOGLYPHS.get(c, c) for c in out) == text
    assert all(ord(c) > 127 for c in out if c.lower() in pt.HOMOGLYPHS)


@pytest.mark.parametrize("text", ["dasar anjing goblok", "kill yourself idiot"])
def test_zero_width_is_invisible_insertion(text):
    out = pt.zero_width(text)
    assert ZW_RE.sub("", out) == text
    assert len(ZW_RE.findall(out)) == len(text.split())


def test_spacing_keeps_letters_and_order():
    text = "penulis berita ini goblok sekali"
    out = pt.spacing(text, seed=3)
    assert out.replace(" ", "") == text.replace(" ", "")
    assert re.search(r"(\w )\w \w", out)


@pytest.mark.parametrize("name", sorted(pt.PERTURBATIONS))
def test_deterministic_and_seeded(name):
    texts = [f"dasar anjing goblok nomor {i} kamu tolol sekali bangsat" for i in range(8)]
    first = [pt.perturb(t, name, seed=1) for t in texts]
    assert first == [pt.perturb(t, name, seed=1) for t in texts]
    assert all(a != t for a, t in zip(first, texts))
    if name != "leet":  # leet at full rate has no randomness
        assert first != [pt.perturb(t, name, seed=2) for t in texts]


@pytest.mark.parametrize("name", sorted(pt.PERTURBATIONS))
def test_nothing_to_perturb(name):
    assert pt.perturb("123 !!! :)", name) == "123 !!! :)"
    assert pt.perturb("", name) == ""


def test_unknown_perturbation():
    with pytest.raises(ValueError, match="unknown perturbation"):
        pt.perturb("x", "rot13")
