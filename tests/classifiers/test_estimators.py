"""scikit-learn estimator contract for our custom estimator(s)."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

from classifiers.features import CommentFeaturizer


def test_featurizer_passes_check_estimator() -> None:
    # on_skip=None: the only skip is the array-API check (needs SCIPY_ARRAY_API), not ours.
    results = check_estimator(CommentFeaturizer(n_features=64), on_skip=None, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])) for r in results if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) > 30


def test_featurizer_on_texts_is_deterministic_and_cloneable() -> None:
    texts = ["dasar g0bl0k lu", "Terima kasih beritanya", "slot gacor WA 081234567890"]
    a = CommentFeaturizer(n_features=2**10).fit(texts).transform(texts)
    b = clone(CommentFeaturizer(n_features=2**10)).fit(texts).transform(texts)
    assert a.shape == (3, 2**10 + CommentFeaturizer().fit(texts).n_signals_)
    assert np.array_equal(a.toarray(), b.toarray())
