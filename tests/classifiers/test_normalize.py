"""Normalisation table: each evasion trick maps back to the plain form."""

from __future__ import annotations

import pytest

from classifiers.normalize import Lexicon, normalize, normalize_extract

LEX = Lexicon(slang={"gblk": "goblok", "anjg": "anjing", "lu": "kamu"}, known_words=frozenset({"good"}))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("an\u200bji\u200dng", "anjing", id="zero-width"),
        pytest.param("\u0430njing", "anjing", id="homoglyph-cyrillic-a"),
        pytest.param("g\u03bfblok", "goblok", id="homoglyph-greek-omicron"),
        pytest.param("g0bl0k", "goblok", id="leet-digits"),
        pytest.param("b@ngs@t", "bangsat", id="leet-at-sign"),
        pytest.param("4nj1ng", "anjing", id="leet-leading"),
        pytest.param("y0u 4r3 a 57up1d", "you 4r3 a stupid", id="leet-whole-words"),
        pytest.param("w0w! covid19 mp3 4k 10am", "wow ! covid19 mp3 4k 10am", id="leet-codes-stay"),
        pytest.param("anjiiiing", "anjing", id="elongation"),
        pytest.param("goooood", "good", id="elongation-known-double"),
        pytest.param("g o b l o k", "goblok", id="spaced-letters"),
        pytest.param("g.o.b.l.o.k", "goblok", id="dotted-letters"),
        pytest.param("\u3010H\u3011\u3010o\u3011\u3010k\u3011\u3010i\u3011", "hoki", id="bracketed-letters"),
        pytest.param("gblk", "goblok", id="slang-pair"),
        pytest.param("dasar anjg lu", "dasar anjing kamu", id="slang-sentence"),
        pytest.param("\uff47\uff4f\uff42\uff4c\uff4f\uff4b", "goblok", id="nfkc-fullwidth"),
        pytest.param("\U0001d408\U0001d40d\U0001d401", "inb", id="nfkc-math-bold"),
        pytest.param("lihat https://bit.ly/abc123", "lihat xurlx", id="url"),
        pytest.param("cek gacor88.com ya", "cek xurlx ya", id="bare-domain"),
        pytest.param("WA 081234567890", "wa xphonex", id="phone-08"),
        pytest.param("hub +62 812-3456-7890", "hub xphonex", id="phone-plus62"),
        pytest.param("chat wa.me/6281234567890", "chat xurlx", id="whatsapp-link"),
        pytest.param("mail a.b@gmail.com", "mail xemailx", id="email"),
        pytest.param("@budi halo", "xmentionx halo", id="mention"),
        pytest.param("harga 15.000 rupiah", "harga xnumx rupiah", id="number"),
        pytest.param("slot777 2024", "slot777 xnumx", id="digits-in-names-stay"),
        pytest.param("TOLOL!!!!", "tolol !", id="case-and-punctuation-run"),
    ],
)
def test_normalisation_table(raw: str, expected: str) -> None:
    assert normalize(raw, LEX) == expected


def test_plain_numbers_stay_numbers() -> None:
    assert normalize("1 2 3") == "xnumx xnumx xnumx"


def test_cyrillic_text_is_not_folded() -> None:
    assert normalize("\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440") == "\u043f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440"


def test_extracted_spans_feed_signals() -> None:
    _, ext = normalize_extract("WA 081234567890 https://bit.ly/x wa.me/628123456789 @a")
    assert ext.phones == 1 and len(ext.urls) == 2 and ext.mentions == 1


def test_normalize_is_pure() -> None:
    text = "G0BL0K anjiiing https://x.co"
    assert normalize(text, LEX) == normalize(text, LEX)


@pytest.mark.parametrize("raw", [
    "Gak usa ngeless kon. 11 ribu", "g o b l o k lu", "g.o.b.l.o.k", "4nj1iiing b4ngs4t!!!",
    "WA 0812-3456-7890 slot gacor88 bit.ly/x @user", "a b 1 2 3 x y z", "\uff21\uff2e\uff2a\uff29\uff2e\uff27",
    "\u0430njing", "", "   ", "judi bet88 wd depo jp 44d", "mail me a@b.com www.x.org/path"])
def test_token_normalizer_equals_reference(raw: str) -> None:
    from classifiers.normalize import GAMBLING_RE, TokenNormalizer

    lex = Lexicon({"usa": "united state of america", "lu": "kamu"}, frozenset({"good"}))
    words, ext, gambling = TokenNormalizer(lex)(raw)
    ref, ref_ext = normalize_extract(raw, lex)
    assert words == ref.split() and ext == ref_ext
    assert gambling == len(GAMBLING_RE.findall(ref))


def test_language_precheck_defers_unclear_texts() -> None:
    from classifiers.language import quick_language

    assert quick_language("yang itu tidak ada") == "id"
    assert quick_language("this is what they said") == "en"
    assert quick_language("yang the") is None and quick_language("ok") is None
    assert quick_language("\u044d\u0442\u043e yang itu") is None
    # One function word decides unless it is also common elsewhere (Dutch "is", French "lu").
    assert quick_language("mantap banget") == "id" and quick_language("the best") == "en"
    assert quick_language("het is een mooie dag") is None and quick_language("je l'ai lu") is None


def test_leet_words_decoded_when_the_decoded_word_is_known() -> None:
    from classifiers.normalize import Lexicon, normalize_extract

    lexicon = Lexicon({}, frozenset({"are", "idiot", "gue"}))
    text, _ = normalize_extract("y0u 4r3 a 57up1d 1d107 gu3 mp3", lexicon)
    assert text == "you are a stupid idiot gue mp3"
