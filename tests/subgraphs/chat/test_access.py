"""Who may read and write a ticket's chat, in which states (per-company policy), and that the check fails closed."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from subgraphs.chat.access.service import readable_chat, readable_or_none, writable_chat
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy
from tests.harness import free_port
from tests.subgraphs.chat.harness import POLICY, ChatDesk, chat_view, send, sent
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Member, Team
from tests.subgraphs.tickets.ticket.test_status import move

UNWATCH = "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { id } }"
POLICY_QUERY = "query($c: ID) { chatPolicy(companyId: $c) { companyId readableStatuses writableStatuses customised } }"


async def refusal(desk: ChatDesk, member: Member, ticket_id: str) -> str | None:
    """The code a send is refused with, or None when it went through."""
    result = await send(desk, member, ticket_id, f"from {member.role}")
    return result.code() if result.errors else None


async def test_participants_and_admins_only(chat_desk: ChatDesk, team: Team) -> None:
    watcher = await chat_desk.person(team.tenant, "customer")
    other = await chat_desk.team()
    ticket = await ticket_for(chat_desk, team, watcherIds=[watcher.id])
    for member in (team.customer, team.agent, watcher, team.admin):
        assert await refusal(chat_desk, member, ticket["id"]) is None
    assert await refusal(chat_desk, team.other_agent, ticket["id"]) == "FORBIDDEN"  # sees the ticket, not its chat
    for stranger in (team.colleague, team.intern, other.admin, other.agent):  # may not even know it exists
        assert await refusal(chat_desk, stranger, ticket["id"]) == "NOT_FOUND"
        assert await chat_view(chat_desk, stranger, ticket["id"]) is None
    assert await refusal(chat_desk, team.customer, chat_desk.ghost()) == "NOT_FOUND"
    view = await chat_view(chat_desk, team.other_agent, ticket["id"])
    assert view == {"unreadCount": None, "canChat": False, "chatReceipts": None, "messages": None}


async def test_a_watcher_who_stops_watching_leaves_the_chat(chat_desk: ChatDesk, team: Team) -> None:
    watcher = await chat_desk.person(team.tenant, "customer")
    await chat_desk.settle()
    ticket = await ticket_for(chat_desk, team, watcherIds=[watcher.id])
    assert await refusal(chat_desk, watcher, ticket["id"]) is None
    await team.customer.ok(UNWATCH, {"id": ticket["id"], "u": watcher.id})
    await chat_desk.settle()
    assert await refusal(chat_desk, watcher, ticket["id"]) == "NOT_FOUND"


async def test_by_default_writable_while_worked_and_read_only_once_done(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    for status in ("IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED"):
        await move(team.admin, ticket["id"], status, reason="waiting" if status == "ON_HOLD" else None)
        await chat_desk.settle()
        code = await refusal(chat_desk, team.customer, ticket["id"])
        view = await chat_view(chat_desk, team.customer, ticket["id"])
        assert view is not None and view["messages"] is not None  # the record stays readable
        if status in ("RESOLVED", "CLOSED"):
            assert code == "FORBIDDEN" and view["canChat"] is False
        else:
            assert code is None and view["canChat"] is True
    cancelled = await ticket_for(chat_desk, team)
    await move(team.customer, cancelled["id"], "CANCELLED")
    await chat_desk.settle()
    result = await send(chat_desk, team.agent, cancelled["id"], "too late")
    assert result.code() == "FORBIDDEN" and "CANCELLED" in result.errors[0]["message"]


async def test_each_company_sets_its_own_policy(chat_desk: ChatDesk) -> None:
    team, other = await chat_desk.team(), await chat_desk.team()
    talk = chat_desk.talk(team.admin)
    assert (await talk(POLICY_QUERY)).ok()["chatPolicy"] == {
        "companyId": team.id, "customised": False, "readableStatuses": ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED",
                                                                        "CLOSED", "CANCELLED"],
        "writableStatuses": ["OPEN", "IN_PROGRESS", "ON_HOLD"]}
    wanted = {"readableStatuses": ["OPEN", "IN_PROGRESS", "RESOLVED"], "writableStatuses": ["OPEN", "RESOLVED"]}
    changed = (await talk(POLICY, {"i": wanted})).ok()["updateChatPolicy"]
    assert changed == {"companyId": team.id, "customised": True, **wanted}
    resolved = await ticket_for(chat_desk, team)
    await move(team.admin, resolved["id"], "RESOLVED")
    working = await ticket_for(chat_desk, team)
    await move(team.admin, working["id"], "IN_PROGRESS")
    await chat_desk.settle()
    assert await refusal(chat_desk, team.customer, resolved["id"]) is None  # writable after all
    assert await refusal(chat_desk, team.customer, working["id"]) == "FORBIDDEN"  # read only now
    held = await ticket_for(chat_desk, team)
    await move(team.admin, held["id"], "ON_HOLD", reason="parts")
    await chat_desk.settle()
    view = await chat_view(chat_desk, team.customer, held["id"])
    assert view is not None and view["messages"] is None  # not even readable in this company
    assert (await chat_desk.talk(other.admin)(POLICY_QUERY)).ok()["chatPolicy"]["customised"] is False
    other_ticket = await ticket_for(chat_desk, other)
    await move(other.admin, other_ticket["id"], "RESOLVED")
    await chat_desk.settle()
    assert await refusal(chat_desk, other.customer, other_ticket["id"]) == "FORBIDDEN"


RESET = "mutation($c: ID) { resetChatPolicy(companyId: $c) { companyId readableStatuses writableStatuses customised } }"


async def test_an_administrator_puts_the_default_policy_back(chat_desk: ChatDesk) -> None:
    """Back to the default at once, for the company's administrators and the platform's only; asked twice, the same
    answer."""
    team, other = await chat_desk.team(), await chat_desk.team()
    talk = chat_desk.talk(team.admin)
    default = (await talk(POLICY_QUERY)).ok()["chatPolicy"]
    (await talk(POLICY, {"i": {"readableStatuses": ["OPEN", "IN_PROGRESS"], "writableStatuses": ["OPEN"]}})).ok()
    working = await ticket_for(chat_desk, team)
    await move(team.admin, working["id"], "IN_PROGRESS")
    await chat_desk.settle()
    assert await refusal(chat_desk, team.customer, working["id"]) == "FORBIDDEN"  # read only under its own policy

    assert (await chat_desk.talk(team.agent)(RESET)).codes == ["FORBIDDEN"]
    assert (await chat_desk.talk(other.admin)(RESET, {"c": team.id})).codes == ["FORBIDDEN"]
    assert (await talk(POLICY_QUERY)).ok()["chatPolicy"]["customised"] is True  # the refusals changed nothing

    assert (await talk(RESET)).ok()["resetChatPolicy"] == default
    assert (await talk(POLICY_QUERY)).ok()["chatPolicy"] == default
    assert await refusal(chat_desk, team.customer, working["id"]) is None  # writable again, at once
    assert (await talk(RESET)).ok()["resetChatPolicy"] == default

    (await chat_desk.talk(other.admin)(POLICY, {"i": {"readableStatuses": ["OPEN"], "writableStatuses": []}})).ok()
    root = await chat_desk.platform_root()
    assert (await chat_desk.talk(root)(RESET, {"c": other.id})).ok()["resetChatPolicy"]["customised"] is False
    assert (await chat_desk.talk(other.admin)(POLICY_QUERY)).ok()["chatPolicy"]["customised"] is False


async def test_only_company_administrators_change_the_policy(chat_desk: ChatDesk, team: Team) -> None:
    other = await chat_desk.team()
    wanted = {"readableStatuses": ["OPEN"], "writableStatuses": ["OPEN"]}
    assert (await chat_desk.talk(team.agent)(POLICY, {"i": wanted})).code() == "FORBIDDEN"
    assert (await chat_desk.talk(other.admin)(POLICY, {"i": wanted, "c": team.id})).code() == "FORBIDDEN"
    assert (await chat_desk.talk(other.admin)(POLICY_QUERY, {"c": team.id})).code() == "FORBIDDEN"
    unreadable = {"readableStatuses": ["OPEN"], "writableStatuses": ["OPEN", "ON_HOLD"]}
    refused = await chat_desk.talk(team.admin)(POLICY, {"i": unreadable})
    assert refused.code() == "BAD_USER_INPUT" and "ON_HOLD" in refused.errors[0]["message"]
    assert (await chat_desk.talk(team.admin)(POLICY_QUERY)).ok()["chatPolicy"]["customised"] is False


async def test_platform_administrators_reach_any_company_chat(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    root = await chat_desk.platform_root()
    message = await sent(chat_desk, root, ticket["id"], "Platform here")
    view = await chat_view(chat_desk, team.customer, ticket["id"])
    assert view is not None and message["id"] in str(view)


async def test_an_unreachable_database_refuses_access_it_never_grants(chat_desk: ChatDesk, team: Team) -> None:
    """The check fails closed: an error reaching the read model is a refusal, never a pass."""
    ticket = await ticket_for(chat_desk, team)
    principal = Principal(user_id=team.customer.id, company_id=team.id, permissions=frozenset({"tickets.create"}))
    working = Tenancy(chat_desk.chat.runtime.db, principal)
    assert (await readable_chat(working, principal, ticket["id"])).read
    dead: AsyncMongoClient[dict] = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=200)
    away = Tenancy(Database(dead, chat_desk.chat.runtime.db.name), principal)
    try:
        for check in (readable_chat, writable_chat, readable_or_none):
            with pytest.raises(Exception, match=r"127\.0\.0\.1"):
                await check(away, principal, ticket["id"])
    finally:
        await dead.close()
