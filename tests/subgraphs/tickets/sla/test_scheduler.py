"""The SLA scheduler: a warning and a breach per deadline, once each, with any number of replicas."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from subgraphs.kernel import clock
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.tickets.sla.scheduler import SlaScheduler
from tests.harness import start_service
from tests.subgraphs.tickets.harness import TICKET, Desk, next_monday
from tests.subgraphs.tickets.ticket.test_status import move


def scheduler(desk: Desk) -> SlaScheduler:
    return desk.tickets.runtime.state["sla_scheduler"]


async def flags(desk: Desk, ticket_id: str) -> list[tuple[str, str]]:
    warned = [("warning", e["data"]["kind"]) for e in await desk.events("ticket.sla_warning", ticketId=ticket_id)]
    breached = [("breached", e["data"]["kind"]) for e in await desk.events("ticket.sla_breached", ticketId=ticket_id)]
    return warned + breached


async def test_each_deadline_warns_then_breaches_once(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()  # response in 60 business minutes, resolution in 480; warnings 60 min ahead
    ticket = await team.assigned()
    for minutes, expected in [
        (0, [("warning", "response")]),  # due at 11:00: already within the hour
        (61, [("warning", "response"), ("breached", "response")]),
        (7 * 60 + 1, [("warning", "response"), ("warning", "resolution"), ("breached", "response")]),
        (8 * 60 + 1, [("warning", "response"), ("warning", "resolution"), ("breached", "response"),
                      ("breached", "resolution")]),
    ]:
        clock.freeze(monday + timedelta(minutes=minutes))
        await scheduler(desk).scan()
        await scheduler(desk).scan()  # a second pass finds nothing new
        assert sorted(await flags(desk, ticket["id"])) == sorted(expected), minutes
    breach = (await desk.events("ticket.sla_breached", ticketId=ticket["id"], kind="resolution"))[0]
    assert breach["actorId"] is None and breach["data"]["assigneeId"] == team.agent.id
    assert breach["data"]["dueAt"] == monday + timedelta(hours=8)
    seen = (await (await desk.renew(team.customer)).ok(TICKET, {"id": ticket["id"]}))["ticket"]["sla"]
    assert seen["responseMet"] is False and seen["resolutionMet"] is False
    assert seen["resolutionBreachedAt"] == (monday + timedelta(minutes=8 * 60 + 1)).isoformat()


async def test_a_ticket_on_hold_or_answered_is_not_flagged(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    held, answered = await team.assigned(), await team.assigned()
    await move(team.agent, held["id"], "ON_HOLD", "waiting for a part")
    await move(team.agent, answered["id"], "RESOLVED")
    clock.freeze(monday + timedelta(days=1, hours=2))  # Tuesday noon: both deadlines long past
    await scheduler(desk).scan()
    assert await flags(desk, held["id"]) == [] and await flags(desk, answered["id"]) == []
    resumed = await move(await desk.renew(team.agent), held["id"], "IN_PROGRESS")
    assert resumed["sla"]["resolutionDueAt"] > clock.now().isoformat()
    await scheduler(desk).scan()
    assert await flags(desk, held["id"]) == [("warning", "response")]  # 60 min were left of it at the hold


async def test_replicas_scanning_together_raise_each_flag_once(desk: Desk, http: httpx.AsyncClient, frozen: None,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    tickets = [await team.assigned() for _ in range(4)]
    clock.freeze(monday + timedelta(hours=9))  # every deadline of the four is past
    prefix = desk.tickets.runtime.settings.mongodb_database_prefix
    replica = await start_service(TICKETS, mongo_url=desk.tickets.runtime.settings.mongodb_url, http=http,
                                  mongodb_database_prefix=prefix, sla_scan_interval_seconds=0.05, seed_catalogue=False)
    try:
        other = replica.runtime.state["sla_scheduler"]
        await asyncio.gather(*(s.scan() for s in (scheduler(desk), other, scheduler(desk), other)))
        scan, went_round = other.scan, asyncio.Event()
        rounds: list[int] = []

        async def counted() -> int:
            changed = await scan()
            rounds.append(changed)
            if len(rounds) == 2:
                went_round.set()
            return changed

        monkeypatch.setattr(other, "scan", counted)
        await asyncio.wait_for(went_round.wait(), 10)  # and the replica's own background loop went round twice since
        for ticket in tickets:
            assert sorted(await flags(desk, ticket["id"])) == [("breached", "resolution"), ("breached", "response")]
    finally:
        await replica.stop()


async def test_the_background_scan_runs_on_its_own(desk: Desk, http: httpx.AsyncClient, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    ticket = await team.assigned()
    clock.freeze(monday + timedelta(hours=2))
    prefix = desk.tickets.runtime.settings.mongodb_database_prefix
    replica = await start_service(TICKETS, mongo_url=desk.tickets.runtime.settings.mongodb_url, http=http,
                                  mongodb_database_prefix=prefix, sla_scan_interval_seconds=0.05, seed_catalogue=False)
    try:
        for _ in range(100):
            if await flags(desk, ticket["id"]):
                break
            await asyncio.sleep(0.05)
        assert await flags(desk, ticket["id"]) == [("breached", "response")]
    finally:
        await replica.stop()


async def test_resolved_tickets_nobody_reopened_close_by_themselves(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    ticket = await team.assigned()
    await move(team.agent, ticket["id"], "RESOLVED")
    clock.freeze(monday + timedelta(days=6))
    await scheduler(desk).scan()
    assert (await (await desk.renew(team.customer)).ok(TICKET, {"id": ticket["id"]}))["ticket"]["status"] == "RESOLVED"
    clock.freeze(monday + timedelta(days=7, minutes=1))
    await scheduler(desk).scan()
    closed = (await (await desk.renew(team.customer)).ok(TICKET, {"id": ticket["id"]}))["ticket"]
    assert closed["status"] == "CLOSED" and closed["allowedTransitions"] == []
    event = (await desk.events("ticket.status_changed", ticketId=ticket["id"], to="closed"))[0]
    assert event["data"]["verb"] == "close_automatically" and event["actorId"] is None
