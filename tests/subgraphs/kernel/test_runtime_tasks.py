"""Background work a service spawns runs while it runs and is cancelled when it stops."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx

from subgraphs.kernel.runtime import Runtime
from tests.harness import start_service
from tests.subgraphs.kernel.probe import DEFINITION as PROBE


async def test_spawned_work_runs_until_the_service_stops(mongo_url: str, http: httpx.AsyncClient) -> None:
    ticks: list[int] = []
    ticking, finished = asyncio.Event(), asyncio.Event()

    async def setup(runtime: Runtime) -> None:
        async def tick() -> None:
            try:
                while True:
                    ticks.append(len(ticks))
                    if len(ticks) >= 3:
                        ticking.set()
                    await asyncio.sleep(0.01)
            finally:
                finished.set()

        runtime.spawn("ticker", tick)

    service = await start_service(dataclasses.replace(PROBE, setup=setup), mongo_url=mongo_url, http=http)
    await asyncio.wait_for(ticking.wait(), timeout=5)
    await service.stop()
    assert finished.is_set()
    seen = len(ticks)
    await asyncio.sleep(0.05)
    assert len(ticks) == seen
