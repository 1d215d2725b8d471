"""Language identification (id / en / other) with lingua, built once per process.

A cheap pre-check answers first when a text is plainly Indonesian or plainly English: ASCII
only, function words of one language and none of the other (two, or one that is not also
common in another language lingua knows). Everything else (mixed, short, other scripts, other
languages) goes to lingua.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

_STRIP_RE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+")
_WORD_RE = re.compile(r"[a-z']+")
_MAX_CHARS = 300
# Fewer undecided texts than this are sent to lingua inline (a thread is not worth it).
_THREAD_MIN_TEXTS = 16
# Malay and Indonesian share most vocabulary; colloquial Indonesian is often read as Malay.
# A Malay verdict becomes 'id' when lingua still gives Indonesian this much confidence.
MALAY_AS_ID_CONFIDENCE = 0.15
# Function words (no topical words) that are frequent in one language's training texts and
# rare in the other's, excluding words shared with Tagalog, Spanish, Dutch or German.
ID_WORDS = frozenset(
    "yang yg dan ini itu ada bisa dari nya jadi aja gak ga nggak engga tidak tdk juga sama dengan "
    "dgn mau lagi tapi tp apa untuk utk lebih banget bikin kita saya aku gue gw lu kalo kalau klo "
    "udah sudah bukan akan dia karena krn buat dalam atau sih pada masih jangan mereka harus kan "
    "terus adalah hanya kok cuma punya saja pasti selalu emang memang oleh tau pernah dulu coba "
    "seperti tak nih sekarang menjadi gimana sendiri lah pake biar deh malah sebagai paling "
    "belum kami kalian telah bagi agar tersebut sangat".split())
EN_WORDS = frozenset(
    "the to you is and of that for this are with not have your but if just they what was when "
    "about can will don't i'm from who how these his has why them some it's then want think "
    "there their would because should him too still our been than really being can't ain't "
    "does did were you're my she we".split())

# One function word alone decides too, unless it is also common in a language lingua tells
# apart (Dutch/German "is", "was", "we", "will", "been", "kan"; French "lu"; Tagalog "lagi").
# Measured on 14,342 held-out comments labelled id/en: accuracy 0.902 -> 0.920 and the share
# of texts sent to lingua 50 % -> 40 % (two-word rule only before).
ONE_HIT_AMBIGUOUS = frozenset("is was we will been kan lu lagi".split())


@functools.cache
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    langs = [Language.INDONESIAN, Language.ENGLISH, Language.MALAY, Language.TAGALOG,
             Language.SPANISH, Language.FRENCH, Language.GERMAN, Language.DUTCH,
             Language.PORTUGUESE, Language.ARABIC, Language.CHINESE, Language.JAPANESE,
             Language.KOREAN, Language.RUSSIAN, Language.HINDI, Language.THAI]
    # Low-accuracy mode: trigram models only, a fraction of the memory and ~3x faster.
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _prepare(text: str) -> str:
    return _STRIP_RE.sub(" ", text[:_MAX_CHARS])


def quick_language(clean: str) -> str | None:
    """'id' or 'en' when function words make the language plain, else None (ask lingua)."""
    if not clean.isascii():
        return None
    words = set(_WORD_RE.findall(clean.lower()))
    id_hits = words & ID_WORDS
    en_hits = words & EN_WORDS
    if id_hits and not en_hits and (len(id_hits) >= 2 or not id_hits & ONE_HIT_AMBIGUOUS):
        return "id"
    if en_hits and not id_hits and (len(en_hits) >= 2 or not en_hits & ONE_HIT_AMBIGUOUS):
        return "en"
    return None


def _map(lang: Language | None, text: str, malay_id_confidence: Iterator[float] | None = None) -> str:
    """'id' / 'en' / 'other' of a lingua verdict; a Malay verdict takes the next value of
    ``malay_id_confidence`` (precomputed in a batch) or asks lingua now."""
    from lingua import Language

    if lang == Language.INDONESIAN:
        return "id"
    if lang == Language.ENGLISH:
        return "en"
    if lang == Language.MALAY:
        conf = next(malay_id_confidence) if malay_id_confidence is not None else \
            _detector().compute_language_confidence(text, Language.INDONESIAN)
        return "id" if conf >= MALAY_AS_ID_CONFIDENCE else "other"
    return "other"


def detect_language(text: str) -> str:
    """Return 'id', 'en' or 'other' for one text."""
    clean = _prepare(text)
    if not clean.strip():
        return "other"
    return quick_language(clean) or _map(_detector().detect_language_of(clean), clean)


def start_detect_languages(texts: list[str]) -> Callable[[], list[str]]:
    """Start ``detect_languages`` and return a function that waits for and returns its result.

    The pre-check runs now; lingua (which releases the GIL) runs the undecided texts in a
    background thread, so a caller can featurise the batch meanwhile."""
    clean = [_prepare(t) for t in texts]
    out: list[str | None] = [quick_language(c) if c.strip() else "other" for c in clean]
    todo = [i for i, lang in enumerate(out) if lang is None]
    if not todo:
        done = cast(list[str], out)  # every text was decided by the pre-check
        return lambda: done
    detector = _detector()  # built here, never concurrently in the thread
    errors: list[BaseException] = []

    raw: list[str] = []

    def work() -> None:  # lingua calls only: no Python work competing for the GIL
        try:
            from lingua import Language

            texts_todo = [clean[i] for i in todo]
            langs = detector.detect_languages_in_parallel_of(texts_todo)
            malay = [t for t, lang in zip(texts_todo, langs, strict=True) if lang == Language.MALAY]
            conf = iter(detector.compute_language_confidence_in_parallel(malay, Language.INDONESIAN)
                        if malay else ())
            raw.extend(_map(lang, t, conf) for t, lang in zip(texts_todo, langs, strict=True))
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            errors.append(exc)

    if len(todo) < _THREAD_MIN_TEXTS:
        work()
        thread = None
    else:
        thread = threading.Thread(target=work, name="lingua-batch", daemon=True)
        thread.start()

    def result() -> list[str]:
        if thread is not None:
            thread.join()
        if errors:
            raise errors[0]
        for i, lang in zip(todo, raw, strict=True):
            out[i] = lang
        return cast(list[str], out)  # every undecided text now has lingua's verdict

    return result


def detect_languages(texts: list[str]) -> list[str]:
    """Batch version of ``detect_language`` (lingua runs the undecided texts on all cores)."""
    return start_detect_languages(texts)()

