"""The base classifiers of the stack: each reads one feature block and scores every label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


@dataclass(frozen=True)
class MemberSpec:
    """One base classifier: its name, the feature block it reads, and its regularisation strength."""

    name: str
    block: str
    kind: str  # "svm" (linear SVM margins) or "logistic" (multinomial logistic regression)
    c: float

    def new(self, seed: int) -> Any:
        """An unfitted estimator."""
        if self.kind == "svm":
            return LinearSVC(C=self.c, random_state=seed)
        if self.kind == "logistic":
            return LogisticRegression(C=self.c, max_iter=3000)
        raise ValueError(f"unknown member kind {self.kind!r}")


def scores(estimator: Any, features: Any) -> np.ndarray:
    """Per-label scores as an (n, labels) array; two-label estimators answer one column, spread here to two."""
    values = np.asarray(estimator.decision_function(features), dtype=np.float64)
    if values.ndim == 1:
        values = np.column_stack([-values, values])
    return values


MEMBERS: dict[str, MemberSpec] = {
    spec.name: spec
    for spec in (
        MemberSpec("word_svm", "word", "svm", 0.5),
        MemberSpec("char_svm", "char", "svm", 0.25),
        MemberSpec("embedding_logistic", "embedding", "logistic", 10.0),
    )
}
