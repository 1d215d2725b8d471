"""Citation links, group-term context, metadata priors: unit checks and shipped-model bounds."""

from __future__ import annotations

import pytest

from classifiers.features import CommentFeaturizer
from classifiers.signals import METADATA_PRIORS, SIGNAL_NAMES, metadata_adjustments
from classifiers.training.synthetic_citations import citation_eval_sentences, citation_training_sentences
from classifiers.urls import is_citation_domain, is_citation_url


@pytest.mark.parametrize("host,expected", [
    ("bps.go.id", True), ("jdih.kemenkeu.go.id", True), ("journal.ugm.ac.id", True), ("census.gov", True),
    ("www.kompas.com", True),
    ("news.detik.com", True), ("bbc.co.uk", True), ("bps.go.id,", True),
    ("bit.ly", False), ("situsgacor.vip", False), ("kompas.com.evil.xyz", False), ("gov.evil.com", False),
])
def test_citation_domains(host: str, expected: bool) -> None:
    assert is_citation_domain(host) is expected


def test_citation_links_are_their_own_placeholder_and_signal() -> None:
    f = CommentFeaturizer(n_features=2**10).fit(["x"])
    tokens, sig = f.parse("Sumber: https://bps.go.id/a dan https://bit.ly/b")
    assert tokens.count("xurlcitex") == 1 and tokens.count("xurlx") == 1
    named = dict(zip(SIGNAL_NAMES, sig))
    assert named["signal:citation_links"] > 0 and named["signal:url_shortener"] == 1.0
    assert is_citation_url("https://www.bps.go.id/x")


def test_group_context_only_when_a_group_is_named() -> None:
    f = CommentFeaturizer(n_features=2**10).fit(["x"])
    assert f.context_words(f.parse("dasar anjing goblok lu")[0]) == []
    assert "goblok" in f.context_words(f.parse("orang batak goblok semua")[0])
    assert dict(zip(SIGNAL_NAMES, f.parse("orang batak goblok semua")[1]))["signal:group_terms"] > 0


def test_citation_sets_are_disjoint() -> None:
    train = {t for t, _, _ in citation_training_sentences()}
    assert not train & {t for t, _, _ in citation_eval_sentences()}


def test_fast_fill_is_no_gambling_prior() -> None:
    assert "gambling_promo" not in METADATA_PRIORS["fast_fill"]
    assert [h for h in metadata_adjustments({"fill_seconds": 0})] == ["spam"]
