"""Triage fixtures: classifiers trained once per session on the tickets written in examples.py."""

from __future__ import annotations

import pytest

from subgraphs.ia.triage import TriageClassifier, TriageConfig
from tests.subgraphs.ia.triage.examples import texts_and_labels

SPARSE = TriageConfig(folds=3)
EMBEDDED = TriageConfig(members=(*SPARSE.members, "embedding_logistic"), folds=3)


@pytest.fixture(scope="session")
def sparse_classifier() -> TriageClassifier:
    """The default members (word and character n-grams): no sentence model, trains in milliseconds."""
    return TriageClassifier(SPARSE).fit(*texts_and_labels())


@pytest.fixture(scope="session")
def embedded_classifier() -> TriageClassifier:
    """MiniLM embeddings as a fourth member (the model loads once for the session)."""
    return TriageClassifier(EMBEDDED).fit(*texts_and_labels())
