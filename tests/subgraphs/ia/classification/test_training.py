"""Background training: once labels settle (debounce), with enough of them, once per version of the labels."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from subgraphs.ia import store
from subgraphs.ia.classification.training import Trainer, TrainingPolicy
from subgraphs.ia.triage import SPARSE_MEMBERS, TriageConfig, TriageModels
from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.ia.triage.examples import TICKETS


async def label(db: Database, company_id: str, count: int) -> None:
    texts = [(text, category) for category, texts in TICKETS.items() for text in texts][:count]
    for text, category in texts:
        await db[store.TICKETS].insert_one({"_id": new_id(), "companyId": company_id, "title": text,
                                            "description": "", "category": category, "type": "incident",
                                            "priority": "low", "labelled": "resolved", "labelledAt": clock.now()})
    await db[store.TRAINING].update_one({"_id": company_id}, {"$inc": {"version": 1},
                                                              "$set": {"changedAt": clock.now()}}, upsert=True)


async def test_trains_once_labels_settle_and_again_only_when_they_change(ia_desk: IaDesk, tmp_path: Path,
                                                                        frozen: None) -> None:
    db = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_training")
    models = TriageModels(tmp_path, config=TriageConfig(members=SPARSE_MEMBERS, folds=3))
    trainer = Trainer(db, models, TrainingPolicy(min_labelled=10, debounce=timedelta(minutes=1), max_examples=100))
    clock.freeze(clock.now())
    busy, quiet = new_id(), new_id()
    await label(db, busy, 24)
    await label(db, quiet, 4)  # too few to train on
    assert await trainer.train_due() == []  # labels still changing
    clock.advance(timedelta(seconds=61))
    assert await trainer.train_due() == [busy]
    assert await trainer.train_due() == []  # nothing new
    state = trainer.state(busy)
    assert state["version"] == 1 and state["targets"]["category"]["labels"] == ["Access", "Hardware"]
    assert "type" not in state["targets"]  # one type among the examples: nothing to learn
    assert await models.get(busy, "category") is not None and await models.get(quiet, "category") is None
    await label(db, busy, 30)
    clock.advance(timedelta(seconds=61))
    assert await trainer.train_due() == [busy] and trainer.state(busy)["version"] == 2
    # Another replica (or a restart) finds what this one trained: it does not train again.
    again = Trainer(db, TriageModels(tmp_path, config=models.config), trainer.policy)
    assert await again.train_due() == []
    models.close()
