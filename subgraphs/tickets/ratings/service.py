"""Rating a resolved ticket: once per ticket, by its creator, changeable for a while."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.tickets import validation
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.ticket.changes import Edit, Ticket, change
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import Status

RATEABLE = (Status.RESOLVED.value, Status.CLOSED.value)


def _check(ticket: Ticket, actor: Principal, score: int, window: timedelta) -> None:
    if ticket["creatorId"] != actor.user_id:
        raise Forbidden("only the person who opened the ticket rates it")
    if ticket["status"] not in RATEABLE or ticket.get("mergedIntoId") or ticket.get("resolvedAt") is None:
        raise BadUserInput("a ticket is rated once it is resolved", field="id")
    if not 1 <= score <= 5:
        raise BadUserInput("the score goes from 1 to 5", field="score")
    rating = ticket.get("rating")
    if rating is not None and clock.now() > rating["ratedAt"] + window:
        raise BadUserInput(f"a rating can be changed for {window.days} days after it was given", field="score")


async def rate(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, score: int,
               comment: str | None) -> Ticket:
    async def plan(ticket: Ticket) -> Edit:
        _check(ticket, actor, score, timedelta(days=deps.settings.rating_change_window_days))
        remark = validation.optional_line(comment, field="comment", max_length=2000)
        before = ticket.get("rating")
        now = clock.now()
        rating = {"score": score, "comment": remark, "ratedAt": before["ratedAt"] if before else now,
                  "updatedAt": now, "agentId": ticket.get("resolverId")}
        data = {"score": score, "comment": remark, "agentId": rating["agentId"], "changed": before is not None,
                "previousScore": before["score"] if before else None}
        return Edit("rated", set={"rating": rating},
                    changes=[FieldChange("rating", before["score"] if before else None, score)],
                    events=[(ticket_events.RATED, data)], at=now)

    return await change(deps, tenancy, actor, ticket_id, plan)
