"""Training each company's classifiers in the background, once its labels have settled.

A company is due when its labels changed (classification/labelling.py) at least `debounce` ago, since
this replica last trained it, and it has `min_labelled` labelled tickets. Training runs on the model
registry's own thread; the classifiers are saved under the data directory with the labels' version,
so a restart does not retrain.

Each version of a company's labels is trained once per model directory: the replica that trains it first
claims it (a `training_runs` row per company and directory, with a lease), and replicas sharing the directory
load what it saved once it is done instead of training it again. A replica with a directory of its own trains
its own copy. A run whose replica died is claimed again once its lease lapses.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from subgraphs.ia import store
from subgraphs.ia.classification.examples import training_sets
from subgraphs.ia.classification.labelling import labelled_count
from subgraphs.ia.triage import TriageModels
from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database
from telemetry import metrics

log = get_logger(__name__)
STATE = "training.json"
DIRECTORY_ID = "directory.id"  # the model directory's own id, shared by the replicas that share the directory
LEASE = timedelta(minutes=30)  # a run not done by then is taken for dead and claimed again


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
        self.instance = new_id()
        self._versions: dict[str, int] = {}
        self._directory: str | None = None

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
            company_id, version = doc["_id"], doc["version"]
            if version <= self._trained_version(company_id):
                continue
            if not await self._claim(company_id, version):
                await self._adopt(company_id)
                continue
            try:
                done = await self.train(company_id, version)
            except Exception:
                metrics.child(metrics.IA_TRAINING, "ia", "failed").inc()
                raise
            metrics.child(metrics.IA_TRAINING, "ia", "trained" if done else "too_few_labels").inc()
            if done:
                trained.append(company_id)
            await self._runs.update_one({"_id": self._run_id(company_id), "by": self.instance, "version": version},
                                        {"$set": {"done": True}})
        return trained

    @property
    def _runs(self) -> AsyncCollection[dict[str, Any]]:
        return self.db[store.TRAINING_RUNS]

    def _run_id(self, company_id: str) -> str:
        return f"{company_id}:{self._directory_id()}"

    def _directory_id(self) -> str:
        """The model directory's id: made by the first replica to use the directory, read by the others."""
        if self._directory is None:
            path = self.models.root / DIRECTORY_ID
            path.parent.mkdir(parents=True, exist_ok=True)
            written = path.with_name(f".{DIRECTORY_ID}.{new_id()}")
            written.write_text(new_id(), encoding="utf-8")
            try:
                os.link(written, path)  # whole or not at all, and only if no replica made it first
            except FileExistsError:
                pass
            finally:
                written.unlink()
            self._directory = path.read_text(encoding="utf-8").strip()
        return self._directory

    async def _claim(self, company_id: str, version: int) -> bool:
        """This replica trains `version` of the company's labels into its directory; False when another replica
        sharing the directory trains it, or did (or a later version)."""
        now = clock.now()
        lapsed = {"version": {"$lte": version}, "done": False, "until": {"$lt": now}}
        try:
            await self._runs.update_one(
                {"_id": self._run_id(company_id), "$or": [{"version": {"$lt": version}}, lapsed]},
                {"$set": {"version": version, "by": self.instance, "until": now + LEASE, "done": False}},
                upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def _adopt(self, company_id: str) -> None:
        """Once another replica is done training the company into the shared directory, serve what it saved."""
        run = await self._runs.find_one({"_id": self._run_id(company_id)})
        if run is not None and run["done"] and run["version"] > self._trained_version(company_id):
            self._versions[company_id] = run["version"]
            self.models.forget(company_id)

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
        path = self._state_path(company_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        written = path.with_name(f".{STATE}.{new_id()}")
        written.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        written.replace(path)  # a replica sharing the directory reads the old summary or the new, never half
        log.info("triage trained", extra={"companyId": company_id, "labelled": labelled,
                                          "targets": sorted(summary["targets"])})
        return True
