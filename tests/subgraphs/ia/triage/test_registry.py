"""TriageModels: one classifier per company and target, trained, saved, loaded once and replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from subgraphs.ia.triage import TriageModels
from tests.subgraphs.ia.triage.conftest import SPARSE
from tests.subgraphs.ia.triage.examples import texts_and_labels


async def test_train_then_serve_per_company_and_target(tmp_path: Path) -> None:
    models = TriageModels(tmp_path, config=SPARSE)
    try:
        assert await models.get("acme", "category") is None
        texts, labels = texts_and_labels()
        trained = await models.train("acme", "category", texts, labels)
        assert await models.get("acme", "category") is trained
        assert await models.get("globex", "category") is None
        assert (tmp_path / "acme" / "category" / "manifest.json").is_file()

        # Another process (a fresh registry) loads the saved classifier once and reuses it.
        other = TriageModels(tmp_path, config=SPARSE)
        loaded = await other.get("acme", "category")
        assert loaded is not None and await other.get("acme", "category") is loaded
        [prediction] = await loaded.predict(["printer jams on every page"])
        assert prediction.label == "Printing"
        other.close()

        retrained = await models.train("acme", "category", texts, ["Any" if x == "Purchase" else x for x in labels])
        assert await models.get("acme", "category") is retrained
        assert "Any" in retrained.classifier.labels
    finally:
        models.close()


@pytest.mark.parametrize("company", ["..", "a/b", "", "x" * 200])
def test_ids_cannot_leave_the_root(tmp_path: Path, company: str) -> None:
    with pytest.raises(ValueError, match="safe path part"):
        TriageModels(tmp_path).directory(company, "category")
