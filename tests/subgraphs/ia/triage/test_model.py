"""TriageClassifier: training, predictions and their confidences, errors, save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from subgraphs.ia.triage import Prediction, TriageClassifier, TriageConfig, needing_review
from tests.subgraphs.ia.triage.conftest import SPARSE
from tests.subgraphs.ia.triage.examples import UNSEEN, texts_and_labels

TEXTS = [text for text, _ in UNSEEN]
EXPECTED = [label for _, label in UNSEEN]


@pytest.mark.parametrize("fixture", ["sparse_classifier", "embedded_classifier"])
def test_predicts_unseen_tickets(fixture: str, request: pytest.FixtureRequest) -> None:
    classifier: TriageClassifier = request.getfixturevalue(fixture)
    predictions = classifier.predict(TEXTS)
    assert [prediction.label for prediction in predictions] == EXPECTED
    assert all(isinstance(prediction, Prediction) for prediction in predictions)
    assert all(0.0 <= prediction.confidence <= 1.0 for prediction in predictions)


def test_probabilities_are_a_distribution_over_the_labels(embedded_classifier: TriageClassifier) -> None:
    probabilities = embedded_classifier.predict_proba(TEXTS)
    assert embedded_classifier.labels == ["Access", "Hardware", "Printing", "Purchase"]
    assert probabilities.shape == (len(TEXTS), 4)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    predictions = embedded_classifier.predict(TEXTS)
    assert [p.confidence for p in predictions] == pytest.approx(list(probabilities.max(axis=1)))


def test_below_threshold_is_left_to_a_person(sparse_classifier: TriageClassifier) -> None:
    clear, vague = sparse_classifier.predict(["printer jams, print queue stuck, toner low", "hello, thanks"])
    assert clear.label == "Printing"
    assert clear.confidence > vague.confidence
    threshold = (clear.confidence + vague.confidence) / 2
    assert clear.is_confident(threshold)
    assert not vague.is_confident(threshold)
    assert needing_review([clear, vague], threshold) == [1]
    assert needing_review([clear, vague], 0.0) == []


def test_labels_are_any_strings_and_two_are_enough() -> None:
    texts = ["server down, outage, urgent", "everything is down, critical outage"] * 3
    texts += ["small cosmetic typo on the intranet page", "minor question when you have time"] * 3
    labels = ["P1 - urgent", "P1 - urgent"] * 3 + ["p4 low", "p4 low"] * 3
    classifier = TriageClassifier(SPARSE).fit(texts, labels)
    assert classifier.labels == ["P1 - urgent", "p4 low"]
    assert classifier.predict(["critical outage, server down"])[0].label == "P1 - urgent"


def test_a_label_seen_once_still_trains() -> None:
    texts, labels = texts_and_labels()
    classifier = TriageClassifier(SPARSE).fit([*texts, "the coffee machine is broken"], [*labels, "Facilities"])
    assert "Facilities" in classifier.labels
    assert classifier.predict(["cannot print, printer jams"])[0].label == "Printing"


def test_refuses_bad_training_input() -> None:
    with pytest.raises(ValueError, match="two distinct labels"):
        TriageClassifier(SPARSE).fit(["a", "b"], ["Access", "Access"])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        TriageClassifier(SPARSE).fit(["a", "b"], ["Access"])
    with pytest.raises(RuntimeError, match="not trained"):
        TriageClassifier(SPARSE).predict(["a"])
    with pytest.raises(ValueError, match="unknown or no members"):
        TriageConfig(members=("word_svm", "gpt"))


def test_no_texts_no_predictions(sparse_classifier: TriageClassifier) -> None:
    assert sparse_classifier.predict([]) == []


@pytest.mark.parametrize("fixture", ["sparse_classifier", "embedded_classifier"])
def test_save_and_load_round_trip(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    classifier: TriageClassifier = request.getfixturevalue(fixture)
    classifier.save(tmp_path / "model")
    loaded = TriageClassifier.load(tmp_path / "model")
    assert loaded.config == classifier.config
    assert loaded.labels == classifier.labels
    assert np.allclose(loaded.predict_proba(TEXTS), classifier.predict_proba(TEXTS))


def test_load_refuses_another_format(sparse_classifier: TriageClassifier, tmp_path: Path) -> None:
    sparse_classifier.save(tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format": 1', '"format": 99'))
    with pytest.raises(ValueError, match="format 99"):
        TriageClassifier.load(tmp_path)
