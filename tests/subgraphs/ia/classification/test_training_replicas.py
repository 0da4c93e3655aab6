"""Training with two IA replicas on one database and one model directory: each version of a company's labels
(the trigger) is trained once between them, and both then serve what was trained."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from subgraphs.ia.classification.training import Trainer
from subgraphs.ia.deps import IaDeps
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_id
from tests.harness import RunningService, eventually, start_service
from tests.subgraphs.ia.classification.test_training import label
from tests.subgraphs.ia.conftest import IA_SETTINGS

HOUR = timedelta(hours=1)  # IA_SETTINGS' debounce: labels settle an hour after their last change


@pytest.fixture
async def replicas(mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> AsyncIterator[list[RunningService]]:
    """Two IA services on one database and one data directory (the model volume they share), their background
    trainers running."""
    settings: dict[str, Any] = {**IA_SETTINGS, "mongodb_database_prefix": f"t{new_id()[-8:]}_", "data_dir": tmp_path}
    started = [await start_service(IA, mongo_url=mongo_url, http=http, **settings) for _ in range(2)]
    try:
        yield started
    finally:
        clock.reset()
        for service in started:
            await service.stop()


def deps(service: RunningService) -> IaDeps:
    return service.runtime.state["ia"]


async def passes(trainers: list[Trainer]) -> list[str]:
    """One pass of each replica's trainer at once (racing each other, and their background passes, for the same
    due companies); what they trained."""
    trained = await asyncio.gather(*(trainer.train_due() for trainer in trainers))
    return [company for companies in trained for company in companies]


async def trained(trainers: list[Trainer], company: str, version: int) -> None:
    """Passes of both replicas until the version is trained (by any pass, ours or a background one), then one more
    of each: the replica that did not train it serves what the other saved."""

    async def done() -> bool:
        await passes(trainers)
        return trainers[0].state(company).get("version") == version

    await eventually(done, what=f"version {version} trained")
    await passes(trainers)


async def test_each_version_of_the_labels_trains_once_and_every_replica_serves_it(
    replicas: list[RunningService], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="subgraphs.ia.classification.training")
    trainers = [deps(replica).trainer for replica in replicas]
    db = replicas[0].runtime.db
    company = new_id()
    clock.freeze(clock.now())

    await label(db, company, 24)  # version 1: Access and Hardware
    assert await passes(trainers) == []  # still settling
    clock.advance(HOUR + timedelta(seconds=1))
    await trained(trainers, company, 1)
    for replica in replicas:
        served = await deps(replica).models.get(company, "category")
        assert served is not None and served.classifier.labels == ["Access", "Hardware"]

    await label(db, company, 30)  # version 2: Printing too
    clock.advance(HOUR + timedelta(seconds=1))
    await trained(trainers[::-1], company, 2)
    for replica in replicas:  # the replica that had loaded version 1 serves version 2 now
        served = await deps(replica).models.get(company, "category")
        assert served is not None and served.classifier.labels == ["Access", "Hardware", "Printing"]

    runs = [r for r in caplog.records if r.getMessage() == "triage trained" and getattr(r, "companyId", "") == company]
    assert len(runs) == 2, "each version of the labels trains once"
