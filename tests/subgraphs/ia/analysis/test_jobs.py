"""The analysis queue: tasks merge per ticket, a lease keeps a job to one worker, and a change that arrives
while a ticket is being worked is worked again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from subgraphs.ia import store
from subgraphs.ia.analysis import jobs
from subgraphs.kernel import clock
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.harness import in_unit
from tests.subgraphs.ia.harness import IaDesk


@pytest.fixture
async def db(ia_desk: IaDesk) -> AsyncIterator[Database]:
    """A database of its own: the running service's worker would take these jobs."""
    database = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_jobs")
    yield database
    await ia_desk.ia.runtime.client.drop_database(database.name)


async def enqueue(db: Database, **asked: Any) -> None:
    """Tasks asked for as the IA's consumer asks: in a unit of work of its own."""

    async def work(uow: UnitOfWork) -> None:
        jobs.enqueue(db, uow, **asked)

    await in_unit(db, work)


async def finish(db: Database, job: jobs.Job) -> None:
    """As the worker ends a job: in the unit of work that stores what it found."""
    await in_unit(db, jobs.Finish(db, job))


async def test_tasks_merge_and_a_leased_job_is_nobody_elses(db: Database) -> None:
    await enqueue(db, ticket_id="t1", company_id="c1", tasks=[jobs.TRIAGE, jobs.ROUTE])
    await enqueue(db, ticket_id="t1", company_id="c1", tasks=[jobs.TRIAGE])
    await enqueue(db, ticket_id="t2", company_id="c1", tasks=[])  # nothing asked: no job
    [job] = await jobs.claim(db, limit=10)
    assert job["_id"] == "t1" and job["tasks"] == {"triage": 2, "route": 1} and job["attempts"] == 1
    assert await jobs.claim(db, limit=10) == []
    await finish(db, job)
    assert await jobs.pending(db) == 0


async def test_a_change_during_the_work_is_worked_again(db: Database) -> None:
    await enqueue(db, ticket_id="t1", company_id="c1", tasks=[jobs.TRIAGE, jobs.ROUTE])
    [job] = await jobs.claim(db, limit=10)
    await enqueue(db, ticket_id="t1", company_id="c1", tasks=[jobs.TRIAGE])  # the title changed meanwhile
    await finish(db, job)
    [again] = await jobs.claim(db, limit=10)
    assert again["tasks"] == {"triage": 2}
    await finish(db, again)
    assert await jobs.pending(db) == 0


async def test_a_job_that_keeps_failing_is_given_up(db: Database, frozen: None) -> None:
    clock.freeze(clock.now())
    await enqueue(db, ticket_id="t1", company_id="c1", tasks=[jobs.TRIAGE])
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        [job] = await jobs.claim(db, limit=1)
        assert job["attempts"] == attempt
        assert await jobs.give_up_or_retry(db, job) is (attempt == jobs.MAX_ATTEMPTS)
        clock.advance(jobs.LEASE + timedelta(seconds=1))  # the lease runs out: another worker may try
    assert await db[store.JOBS].count_documents({}) == 0
