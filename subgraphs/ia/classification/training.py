"""Training each company's classifiers in the background, once its labels have settled.

A company is due when its labels changed (classification/labelling.py) at least `debounce` ago, since
this replica last trained it, and it has `min_labelled` labelled tickets. Training runs on the model
registry's own thread; the classifiers are saved under the data directory with the labels' version,
so a restart does not retrain. Each replica trains its own copy (one IA replica is the usual set-up:
the model takes half a gigabyte).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.classification.examples import training_sets
from subgraphs.ia.classification.labelling import labelled_count
from subgraphs.ia.triage import TriageModels
from subgraphs.kernel import clock
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database

log = get_logger(__name__)
STATE = "training.json"


@dataclass(frozen=True)
class TrainingPolicy:
    min_labelled: int
    debounce: timedelta
    max_examples: int


class Trainer:
    def __init__(self, db: Database, models: TriageModels, policy: TrainingPolicy) -> None:
        self.db = db
        self.models = models
        self.policy = policy
        self._versions: dict[str, int] = {}

    def state(self, company_id: str) -> dict[str, Any]:
        """What this replica last trained for the company ({} if nothing)."""
        path = self._state_path(company_id)
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def _state_path(self, company_id: str) -> Path:
        return self.models.directory(company_id, "state").parent / STATE

    def _trained_version(self, company_id: str) -> int:
        if company_id not in self._versions:
            self._versions[company_id] = int(self.state(company_id).get("version", 0))
        return self._versions[company_id]

    async def run(self, *, every: float) -> None:
        """Train due companies for as long as the service runs."""
        while True:
            try:
                await self.train_due()
            except Exception as exc:  # a bad company's data must not stop the others' training for good
                log.error("training pass failed", extra={"error": repr(exc)})
            await asyncio.sleep(every)

    async def train_due(self) -> list[str]:
        """Train every company due now; the ones trained."""
        settled = clock.now() - self.policy.debounce
        trained = []
        async for doc in self.db[store.TRAINING].find({"changedAt": {"$lte": settled}}):
            if doc["version"] > self._trained_version(doc["_id"]) and await self.train(doc["_id"], doc["version"]):
                trained.append(doc["_id"])
        return trained

    async def train(self, company_id: str, version: int) -> bool:
        """Train the company's classifiers if it has enough labelled tickets; True if it did."""
        self._versions[company_id] = version  # tried at this version: look again when labels change
        labelled = await labelled_count(self.db, company_id)
        if labelled < self.policy.min_labelled:
            return False
        sets = await training_sets(self.db, company_id, limit=self.policy.max_examples)
        summary: dict[str, Any] = {"version": version, "labelled": labelled, "trainedAt": clock.now().isoformat(),
                                   "targets": {}}
        for target, examples in sets.items():
            if len(examples.labels()) >= 2:
                await self.models.train(company_id, target, *examples.texts_and_labels())
                summary["targets"][target] = {"examples": len(examples), "labels": sorted(examples.labels())}
        self._state_path(company_id).parent.mkdir(parents=True, exist_ok=True)
        self._state_path(company_id).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        log.info("triage trained", extra={"companyId": company_id, "labelled": labelled,
                                          "targets": sorted(summary["targets"])})
        return True
