"""Triage fixtures: classifiers trained once per session on the tickets written in examples.py."""

from __future__ import annotations

import pytest

from subgraphs.ia.triage import SPARSE_MEMBERS, TriageClassifier, TriageConfig
from tests.subgraphs.ia.triage.examples import texts_and_labels

SPARSE = TriageConfig(members=SPARSE_MEMBERS, folds=3)
EMBEDDED = TriageConfig(folds=3)


@pytest.fixture(scope="session")
def sparse_classifier() -> TriageClassifier:
    """Word and character n-gram members only: no sentence model, trains in milliseconds."""
    return TriageClassifier(SPARSE).fit(*texts_and_labels())


@pytest.fixture(scope="session")
def embedded_classifier() -> TriageClassifier:
    """The default members, MiniLM embeddings included (the model loads once for the session)."""
    return TriageClassifier(EMBEDDED).fit(*texts_and_labels())
