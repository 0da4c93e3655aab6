"""Triage fixtures: classifiers trained once per session on the tickets written in examples.py."""

from __future__ import annotations

import pytest

from subgraphs.ia.triage import TriageClassifier, TriageConfig
from tests.subgraphs.ia.triage.examples import texts_and_labels

SPARSE = TriageConfig(members=("word_svm", "char_svm"), folds=3)


@pytest.fixture(scope="session")
def sparse_classifier() -> TriageClassifier:
    """Word and character members only: no sentence model, trains in milliseconds."""
    return TriageClassifier(SPARSE).fit(*texts_and_labels())


@pytest.fixture(scope="session")
def stacked_classifier() -> TriageClassifier:
    """The default configuration, MiniLM embeddings included (the model loads once for the session)."""
    return TriageClassifier(TriageConfig(folds=3)).fit(*texts_and_labels())
