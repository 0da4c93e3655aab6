"""Text no person types is refused in every service, the same way, through the gateway: control characters
(NUL, BEL, the ESC of ANSI sequences, DEL) in a ticket's title or a person's name, in variables
or written in the query, and a title made only of zero-width characters. Tabs, line breaks and emoji sequences
joined by zero-width joiners are text."""

from __future__ import annotations

import pytest

from tests.subgraphs.tickets.harness import CREATE_TICKET, Desk

REFUSED = ["a\x00b", "ring \x07", "\x1b[31mred\x1b[0m", "del\x7f", "c1 \x85", "\u200b\u200b", "\ufeff \u200d"]
UPDATE_NAME = "mutation($i: UpdateProfileInput!) { updateMyProfile(input: $i) { firstName } }"


@pytest.mark.parametrize("title", REFUSED)
async def test_a_title_with_control_or_only_invisible_characters_is_refused(desk: Desk, gateway_url: str,
                                                                           title: str) -> None:
    team = await desk.team()
    customer = team.customer.through(gateway_url)
    answer = await customer(CREATE_TICKET, {"i": {"itemId": team.item_id, "title": title, "description": "x"}})
    assert answer.codes == ["BAD_USER_INPUT"], answer.errors
    assert "variables.i.title" in answer.errors[0]["message"], answer.errors
    assert await desk.events("ticket.created", creatorId=team.customer.id) == []


async def test_the_same_written_in_the_query_and_in_other_services(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    customer = team.customer.through(gateway_url)
    inline = ('mutation { createTicket(input: {itemId: "' + team.item_id
              + '", title: "bell \\u0007", description: "x"}) { id } }')
    answer = await customer(inline)
    assert answer.codes == ["BAD_USER_INPUT"] and "U+0007" in answer.errors[0]["message"], answer.errors
    renamed = await customer(UPDATE_NAME, {"i": {"firstName": "\x1b]0;pwned\x07"}})
    assert renamed.codes == ["BAD_USER_INPUT"] and "U+001B" in renamed.errors[0]["message"], renamed.errors


async def test_tabs_line_breaks_and_joined_emoji_are_text(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    customer = team.customer.through(gateway_url)
    description = "Steps:\n\t1. open the VPN\r\n\t2. it drops 👩\u200d💻"
    created = await customer.ok(CREATE_TICKET, {"i": {"itemId": team.item_id, "title": "VPN 👩\u200d💻",
                                                      "description": description}})
    assert created["createTicket"]["title"] == "VPN 👩\u200d💻"
