"""Ticket triggers: each ticket event reaches the right people, by mail and in-app, and no one else.

The events are raised as the tickets service raises them (its ticket snapshot plus each type's
fields); the people are real accounts made through the users service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from subgraphs.kernel.events.envelope import Event
from tests.fixtures.users import Person, Tenant
from tests.subgraphs.notifications.conftest import Stack

BOTH = ("email", "in_app")


@dataclass
class Desk:
    tenant: Tenant
    creator: Person  # a customer
    agent: Person
    other_agent: Person  # works here, on none of these tickets
    intern: Person
    watcher: Person  # a customer following the ticket
    deputy: Person  # a second company admin
    english: Person  # an agent who reads English
    outsider: Person  # an admin of another company
    platform: Person  # platform support staff (may work any company's tickets)

    @property
    def admin(self) -> Person:
        return self.tenant.admin

    def ticket(self, stack: Stack, **fields: Any) -> dict[str, Any]:
        return stack.desk.ticket(self.tenant.id, self.creator.id, **{"watcherIds": [self.watcher.id], **fields})


@pytest.fixture(scope="module")
async def desk(stack: Stack) -> Desk:
    tenant, elsewhere = await stack.factory.tenant(), await stack.factory.tenant()
    platform_company = Tenant("company_hq", "Platform HQ", "", stack.factory.root)
    roles = {"creator": "customer", "agent": "agent", "other_agent": "agent", "intern": "intern",
             "watcher": "customer", "deputy": "company_admin"}
    people = Desk(
        tenant, **{name: await stack.factory.person(tenant, role) for name, role in roles.items()},
        english=await stack.factory.person(tenant, "agent", language="en"), outsider=elsewhere.admin,
        platform=await stack.factory.person(platform_company, "platform_agent"),
    )
    await stack.known(people.creator, people.agent, people.other_agent, people.intern, people.watcher, people.deputy,
                      people.english, people.admin, people.outsider, people.platform)
    return people


def to(*people: Person, kind: str, channels: tuple[str, ...] = BOTH) -> set[tuple[str, str, str]]:
    return {(channel, p.id, kind) for p in people for channel in channels}


async def delivered(stack: Stack, event: Event) -> set[tuple[str, str, str]]:
    await stack.settled()
    return await stack.deliveries(event.id)


async def test_a_new_ticket_is_confirmed_to_its_creator_only(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack)
    event = await stack.desk.raise_("ticket.created", ticket, actor_id=desk.creator.id)
    assert await delivered(stack, event) == to(desk.creator, kind="ticket_created")
    [mail] = stack.mailbox.to(desk.creator.email, "ticket_created")[-1:]
    assert mail.message["Subject"] == f"Recibimos tu ticket {ticket['reference']}"
    assert "Prioridad: alta" in mail.part("plain")


async def test_an_assignment_reaches_the_agent_and_the_creator(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.english.id, status="in_progress")
    event = await stack.desk.raise_("ticket.assigned", ticket, actor_id=desk.admin.id, previousAssigneeId=None,
                                    automatic=False)
    assert await delivered(stack, event) == to(desk.english, desk.creator, kind="ticket_assigned")
    [to_agent] = stack.mailbox.to(desk.english.email, "ticket_assigned")[-1:]
    assert to_agent.message["Subject"] == f"Ticket {ticket['reference']} was assigned to you"
    [to_creator] = stack.mailbox.to(desk.creator.email, "ticket_assigned")[-1:]
    assert to_creator.message["Subject"] == f"Tu ticket {ticket['reference']} ya tiene agente"
    assert desk.english.email not in to_creator.part("plain")


async def test_who_acts_hears_nothing_of_it_and_an_unassignment_tells_no_one(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.agent.id)
    taken = await stack.desk.raise_("ticket.assigned", ticket, actor_id=desk.agent.id)
    assert await delivered(stack, taken) == to(desk.creator, kind="ticket_assigned")
    dropped = await stack.desk.raise_("ticket.assigned", {**ticket, "assigneeId": None}, actor_id=desk.admin.id,
                                      previousAssigneeId=desk.agent.id)
    assert await delivered(stack, dropped) == set()


async def test_a_state_change_reaches_the_creator(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.agent.id, status="on_hold")
    event = await stack.desk.raise_("ticket.status_changed", ticket, actor_id=desk.agent.id,
                                    **{"from": "in_progress", "to": "on_hold", "reason": "Waiting for the part"})
    assert await delivered(stack, event) == to(desk.creator, kind="ticket_status_changed")
    [mail] = stack.mailbox.to(desk.creator.email, "ticket_status_changed")[-1:]
    assert "«en curso» a «en espera»" in mail.part("plain") and "Waiting for the part" in mail.part("plain")
    cancelled = await stack.desk.raise_("ticket.status_changed", ticket, actor_id=desk.creator.id,
                                        **{"from": "open", "to": "cancelled", "reason": None})
    assert await delivered(stack, cancelled) == set()


async def test_a_delegation_reaches_the_intern_and_the_tutor(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.intern.id, tutorId=desk.agent.id)
    by_admin = await stack.desk.raise_("ticket.delegated", ticket, actor_id=desk.admin.id, internId=desk.intern.id,
                                       tutorId=desk.agent.id)
    assert await delivered(stack, by_admin) == to(desk.intern, desk.agent, kind="ticket_delegated")
    by_tutor = await stack.desk.raise_("ticket.delegated", ticket, actor_id=desk.agent.id, internId=desk.intern.id,
                                       tutorId=desk.agent.id)
    assert await delivered(stack, by_tutor) == to(desk.intern, kind="ticket_delegated")


async def test_a_public_reply_reaches_every_participant_but_its_author(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.intern.id, tutorId=desk.agent.id)
    event = await stack.desk.raise_("ticket.commented", ticket, actor_id=desk.intern.id, commentId="c1",
                                    authorId=desk.intern.id, internal=False, excerpt="Try <b>restarting</b> it",
                                    mentionIds=[])
    assert await delivered(stack, event) == to(desk.creator, desk.agent, desk.watcher, kind="ticket_commented")
    [mail] = stack.mailbox.to(desk.watcher.email, "ticket_commented")[-1:]
    assert "Try <b>restarting</b> it" in mail.part("plain")
    assert "Try &lt;b&gt;restarting&lt;/b&gt; it" in mail.part("html")  # what people wrote is never markup


async def test_an_internal_note_reaches_agents_only(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.intern.id, tutorId=desk.agent.id)
    event = await stack.desk.raise_("ticket.commented", ticket, actor_id=desk.intern.id, commentId="c2",
                                    authorId=desk.intern.id, internal=True, excerpt="Customer is grumpy",
                                    mentionIds=[])
    assert await delivered(stack, event) == to(desk.agent, kind="ticket_commented")
    assert all("grumpy" not in m.part("plain") for m in stack.mailbox.to(desk.creator.email))


async def test_mentions_reach_the_mentioned_and_not_twice(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.agent.id)
    comment = {"commentId": "c3", "authorId": desk.agent.id, "internal": False,
               "excerpt": "@Other can you check the toner?"}  # both events carry the comment's excerpt
    replied = await stack.desk.raise_("ticket.commented", ticket, actor_id=desk.agent.id, **comment,
                                      mentionIds=[desk.other_agent.id, desk.watcher.id])
    mentioned = await stack.desk.raise_("ticket.mentioned", ticket, actor_id=desk.agent.id, **comment,
                                        mentionedUserId=desk.other_agent.id)
    # The watcher is mentioned too, but only ticket.commented named them: no reply notice for them here.
    assert await delivered(stack, replied) == to(desk.creator, kind="ticket_commented")
    assert await delivered(stack, mentioned) == to(desk.other_agent, kind="ticket_mentioned")
    [mail] = stack.mailbox.to(desk.other_agent.email, "ticket_mentioned")[-1:]
    assert "can you check the toner?" in mail.part("plain")


async def test_a_mention_in_an_internal_note_never_reaches_a_customer(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.agent.id)
    event = await stack.desk.raise_("ticket.mentioned", ticket, actor_id=desk.agent.id, commentId="c4",
                                    authorId=desk.agent.id, internal=True, mentionedUserId=desk.watcher.id)
    assert await delivered(stack, event) == set()


async def test_a_rating_reaches_the_agent_who_resolved_it(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.agent.id, status="resolved")
    event = await stack.desk.raise_("ticket.rated", ticket, actor_id=desk.creator.id, score=5,
                                    comment="Quick and kind", agentId=desk.agent.id, changed=False, previousScore=None)
    assert await delivered(stack, event) == to(desk.agent, kind="ticket_rated")
    [mail] = stack.mailbox.to(desk.agent.email, "ticket_rated")[-1:]
    assert "5/5" in mail.message["Subject"] and "Quick and kind" in mail.part("plain")


@pytest.mark.parametrize(("type", "kind"), [("ticket.sla_warning", "sla_warning"),
                                            ("ticket.sla_breached", "sla_breached")])
async def test_sla_news_reaches_the_assignee_and_the_company_admins(stack: Stack, desk: Desk, type: str,
                                                                    kind: str) -> None:
    ticket = desk.ticket(stack, assigneeId=desk.english.id, status="in_progress")
    event = await stack.desk.raise_(type, ticket, actor_id=None, kind="resolution",
                                    dueAt="2026-03-02T17:00:00+00:00")
    assert await delivered(stack, event) == to(desk.english, desk.admin, desk.deputy, kind=kind)
    [mail] = stack.mailbox.to(desk.english.email, kind)[-1:]
    assert "resolution deadline" in mail.message["Subject"] and "2026-03-02 17:00 UTC" in mail.part("plain")


async def test_only_the_tickets_company_and_platform_staff_hear_about_it(stack: Stack, desk: Desk) -> None:
    # A ticket snapshot naming someone of another company (never expected, but never leaked either).
    ticket = desk.ticket(stack, assigneeId=desk.platform.id, watcherIds=[desk.outsider.id])
    event = await stack.desk.raise_("ticket.commented", ticket, actor_id=desk.creator.id, commentId="c5",
                                    authorId=desk.creator.id, internal=False, excerpt="Any news?", mentionIds=[])
    assert await delivered(stack, event) == to(desk.platform, kind="ticket_commented")


async def test_a_redelivered_event_notifies_once(stack: Stack, desk: Desk) -> None:
    ticket = desk.ticket(stack)
    event = await stack.desk.raise_("ticket.created", ticket, actor_id=desk.creator.id)
    await stack.settled()
    # Even with its processed-marker gone, the delivery keys keep a second copy out.
    await stack.db["processed_events"].delete_many({"_id": {"$regex": event.id}})
    await stack.bus.publish(event)
    await stack.bus.publish(event)
    assert await delivered(stack, event) == to(desk.creator, kind="ticket_created")
    mails = [m for m in stack.mailbox.to(desk.creator.email, "ticket_created")
             if ticket["reference"] in m.message["Subject"]]
    assert len(mails) == 1
