"""The base classifiers of the stack: each reads one feature block and scores every label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from subgraphs.ia.triage.head import TokenHead


@dataclass(frozen=True)
class MemberSpec:
    """One base classifier: its name, the feature block it reads, and its regularisation strength."""

    name: str
    block: str
    kind: str  # "svm" (linear SVM margins), "logistic" (multinomial logistic regression), "bayes" or "head"
    c: float  # inverse regularisation strength; for "bayes" the smoothing alpha; for "head" the epochs

    def new(self, seed: int) -> Any:
        """An unfitted estimator."""
        if self.kind == "svm":
            return LinearSVC(C=self.c, random_state=seed)
        if self.kind == "logistic":
            return LogisticRegression(C=self.c, max_iter=3000)
        if self.kind == "bayes":
            return ComplementNB(alpha=self.c)
        if self.kind == "head":
            return TokenHead(epochs=int(self.c), seed=seed)
        raise ValueError(f"unknown member kind {self.kind!r}")


def scores(estimator: Any, features: Any) -> np.ndarray:
    """Per-label scores as an (n, labels) array; two-label estimators answer one column, spread here to two."""
    if isinstance(estimator, ComplementNB):
        # Naive Bayes log-probabilities are all near 0 or hugely negative; centred per row they rank like margins.
        values = np.asarray(estimator.predict_log_proba(features), dtype=np.float64)
        return values - values.max(axis=1, keepdims=True)
    values = np.asarray(estimator.decision_function(features), dtype=np.float64)
    if values.ndim == 1:
        values = np.column_stack([-values, values])
    return values


MEMBERS: dict[str, MemberSpec] = {
    spec.name: spec
    for spec in (
        MemberSpec("word_svm", "word", "svm", 0.5),
        MemberSpec("char_svm", "char", "svm", 0.25),
        MemberSpec("word_bayes", "word", "bayes", 0.3),
        MemberSpec("embedding_logistic", "embedding", "logistic", 10.0),
        # A small network on the word-piece vectors after MiniLM's fifth layer, 5 epochs (subgraphs/ia/triage/head.py).
        MemberSpec("token_head", "tokens", "head", 5),
    )
}
