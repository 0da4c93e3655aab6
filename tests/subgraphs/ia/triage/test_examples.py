"""TrainingSet: a company's catalogue, labelled history and agents' corrections as training data."""

from __future__ import annotations

from subgraphs.ia.triage import TrainingSet, TriageClassifier
from tests.subgraphs.ia.triage.conftest import SPARSE

CATALOGUE = [
    {"id": "s1", "name": "Password reset", "description": "expired password, locked account", "c": "Access"},
    {"id": "s2", "name": "Laptop repair", "description": "broken screen, keyboard, battery", "c": "Hardware"},
    {"id": "s3", "name": "Printer problem", "description": "paper jam, toner, print queue", "c": "Printing"},
    {"id": "s4", "name": "No category", "description": "skipped"},
]


def test_catalogue_history_and_corrections() -> None:
    examples = TrainingSet()
    examples.add_catalogue(CATALOGUE, label_key="c")
    examples.add_ticket("t1", title="Locked out", description="cannot sign in", label="Access")
    examples.add_ticket("t2", title="Toner empty", description=None, label="Hardware")
    examples.add_ticket("t3", title="Unlabelled", description="no label yet", label=None)
    assert len(examples) == 5
    examples.correct("t2", label="Printing")
    examples.correct("t9", label="Access")  # unknown ticket without text: nothing to learn from
    texts, labels = examples.texts_and_labels()
    assert dict(zip(texts, labels, strict=True))["Toner empty"] == "Printing"
    assert examples.labels() == {"Access", "Hardware", "Printing"}
    examples.forget("t1")
    assert len(examples) == 4

    classifier = TriageClassifier(SPARSE).fit(*examples.texts_and_labels())
    assert classifier.predict(["paper jam in the printer"])[0].label == "Printing"
