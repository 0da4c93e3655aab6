"""The per-person send limit (a sliding window): RATE_LIMITED with retryAfter, across every ticket one writes in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from subgraphs.kernel import clock
from tests.subgraphs.chat.harness import TYPING, ChatDesk, send
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Team


def next_window(into: int) -> datetime:
    """`into` seconds into the next 10 s window (ahead of the clock: tokens issued now stay valid)."""
    return datetime.fromtimestamp((clock.now().timestamp() // 10 + 1) * 10 + into, UTC)


async def test_a_fast_sender_is_told_when_to_try_again(chat_desk: ChatDesk, team: Team, frozen: None) -> None:
    first, second = await ticket_for(chat_desk, team), await ticket_for(chat_desk, team)
    clock.freeze(next_window(3))
    limit = chat_desk.chat.runtime.settings.rate_limit_messages  # type: ignore[attr-defined]
    for n in range(limit):
        assert not (await send(chat_desk, team.agent, (first, second)[n % 2]["id"], f"n{n}")).errors
    refused = await send(chat_desk, team.agent, first["id"], "one too many")
    assert refused.code() == "RATE_LIMITED" and refused.errors[0]["extensions"]["retryAfter"] == 10
    assert not (await send(chat_desk, team.customer, first["id"], "others may still talk")).errors
    clock.advance(timedelta(seconds=9))
    assert (await send(chat_desk, team.agent, first["id"], "still too soon")).code() == "RATE_LIMITED"
    clock.advance(timedelta(seconds=1))
    assert not (await send(chat_desk, team.agent, first["id"], "the window slid on")).errors


async def test_typing_signals_are_limited_too(chat_desk: ChatDesk, team: Team, frozen: None) -> None:
    ticket = await ticket_for(chat_desk, team)
    clock.freeze(next_window(0))
    talk = chat_desk.talk(team.customer)
    codes = [(await talk(TYPING, {"t": ticket["id"], "on": True})).codes for _ in range(21)]
    assert codes[:20] == [[]] * 20 and codes[20] == ["RATE_LIMITED"]


async def test_over_the_limit_a_sender_still_hears_first_what_else_is_wrong(chat_desk: ChatDesk, team: Team,
                                                                             frozen: None) -> None:
    """The recent messages are counted while access is checked (`sending.limited`), but the answer keeps its order:
    an unknown ticket or an empty text is said before the limit."""
    ticket = await ticket_for(chat_desk, team)
    clock.freeze(next_window(3) + timedelta(minutes=1))  # past the windows of the tests before
    limit = chat_desk.chat.runtime.settings.rate_limit_messages  # type: ignore[attr-defined]
    for n in range(limit):
        assert not (await send(chat_desk, team.agent, ticket["id"], f"n{n}")).errors
    unknown = str(ObjectId.from_datetime(datetime.now(UTC) - timedelta(hours=1)))  # not fresh: answered at once
    assert (await send(chat_desk, team.agent, unknown, "to nowhere")).code() == "NOT_FOUND"
    assert (await send(chat_desk, team.agent, ticket["id"], "   ")).code() == "BAD_USER_INPUT"
    assert (await send(chat_desk, team.agent, ticket["id"], "one too many")).code() == "RATE_LIMITED"
