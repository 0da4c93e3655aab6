"""The largest attachment the tickets service takes (2 MiB) goes through the gateway as a client sends it: base64
makes it 2.8 MB of request body, which the gateway's 1 MiB body limit refused before the service ever saw it."""

from __future__ import annotations

import httpx

from tests.subgraphs.tickets.harness import CREATE_TICKET, Desk
from tests.subgraphs.tickets.ticket.test_creation import b64

LARGEST = 2 * 1024 * 1024  # MAX_ATTACHMENT_BYTES' default


async def test_the_largest_allowed_attachment_goes_through_the_gateway(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    customer = team.customer.through(gateway_url)
    raised = await customer(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "Full log attached", "description": "The whole log, as asked.",
        "attachments": [{"name": "full.log", "contentBase64": b64(b"x" * LARGEST)}]}})
    assert not raised.errors, raised.errors
    one_more = await customer(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "Too big", "description": "One byte over.",
        "attachments": [{"name": "over.log", "contentBase64": b64(b"x" * (LARGEST + 1))}]}})
    # refused by the service that knows its rule, with the reason, not by the gateway's size limit
    assert one_more.codes == ["BAD_USER_INPUT"]
    assert one_more.errors[0]["extensions"]["reasons"] == ["over.log must hold between 1 byte and 2048 KiB"]


async def test_a_body_past_the_gateways_limit_is_refused_with_a_clear_answer(gateway_url: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{gateway_url}/graphql", content=b'{"query": "' + b"x" * (5 * 1024 * 1024) + b'"}',
                                   headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["extensions"]["code"]
