"""Opening tickets: references, validation, attachments checked by content, watchers, and the event."""

from __future__ import annotations

import asyncio
import base64

from subgraphs.kernel import clock
from tests.subgraphs.tickets.harness import CREATE_TICKET, Desk

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
ATTACHMENTS = "query($id: ID!) { ticket(id: $id) { attachments { name url contentType size uploadedBy { id } } } }"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_references_count_per_company_and_year_without_twins(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    year = clock.now().year
    first = [(await team.ticket())["reference"] for _ in range(2)]
    assert first == [f"TKT-{year}-000001", f"TKT-{year}-000002"]
    assert (await other.ticket())["reference"] == f"TKT-{year}-000001"
    together = await asyncio.gather(*(team.ticket() for _ in range(12)))
    numbers = sorted(int(t["reference"].rsplit("-", 1)[1]) for t in together)
    assert numbers == list(range(3, 15))  # no twins, and no gaps when every creation succeeds
    found = await team.customer.ok("query($r: String!) { ticketByReference(reference: $r) { id } }",
                                   {"r": together[0]["reference"].lower()})
    assert found["ticketByReference"]["id"] == together[0]["id"]
    assert (await other.customer.ok("query($r: String!) { ticketByReference(reference: $r) { id } }",
                                    {"r": together[0]["reference"]}))["ticketByReference"] is None


async def test_a_new_ticket_carries_its_item_and_raises_its_event(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket(title="  VPN   drops\tevery hour ", description="Since Monday.\nOnly on Wi-Fi.",
                               tags=["vpn", "VPN", "wifi"], watcherIds=[team.colleague.id])
    assert ticket["title"] == "VPN drops every hour" and ticket["tags"] == ["vpn", "wifi"]
    assert (ticket["status"], ticket["priority"], ticket["type"], ticket["careGroup"]) == \
        ("OPEN", "HIGH", "INCIDENT", "Network")
    assert ticket["watchers"] == [{"id": team.colleague.id}]
    event = (await desk.events("ticket.created", ticketId=ticket["id"]))[0]
    assert event["companyId"] == team.id and event["actorId"] == team.customer.id
    data = event["data"]
    assert (data["reference"], data["creatorId"], data["itemId"], data["watcherIds"], data["description"]) == \
        (ticket["reference"], team.customer.id, team.item_id, [team.colleague.id], "Since Monday.\nOnly on Wi-Fi.")
    seen = (await team.colleague.ok("query($id: ID!) { ticket(id: $id) { id } }", {"id": ticket["id"]}))["ticket"]
    assert seen == {"id": ticket["id"]}


async def test_every_problem_with_a_new_ticket_is_named_at_once(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    result = await team.customer(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "", "description": "x" * 20_001, "tags": [f"t{n}" for n in range(21)],
        "watcherIds": [other.customer.id], "attachments": [{"name": "a.txt", "contentBase64": "not base64!"}]}})
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["reasons"] == [
        "title must have between 1 and 200 characters", "description must have between 1 and 20000 characters",
        "tags may hold at most 20 entries", f"no active person of this company has the id {other.customer.id}",
        "a.txt is not valid base64"]
    assert result.errors[0]["extensions"]["fields"] == ["title", "description", "tags", "watcherIds",
                                                        "attachments.contentBase64"]
    assert await desk.events("ticket.created", creatorId=team.customer.id) == []


async def test_attachments_are_checked_by_their_content_and_size(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket(attachments=[{"name": "C:\\Users\\me\\screenshot.pdf", "contentBase64": b64(PNG)},
                                            {"name": "log.txt", "contentBase64": b64(b"error 42\n")}])
    files = (await team.customer.ok(ATTACHMENTS, {"id": ticket["id"]}))["ticket"]["attachments"]
    assert [(f["name"], f["contentType"], f["size"]) for f in files] == [
        ("screenshot.pdf", "image/png", len(PNG)), ("log.txt", "text/plain", 9)]
    assert files[0]["uploadedBy"] == {"id": team.customer.id}
    assert files[0]["url"].startswith(f"{desk.tickets.runtime.settings.public_url}/files/tickets/")  # signed links
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    too_big = b"a" * (2 * 1024 * 1024 + 1)
    refused = await team.customer(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "t", "description": "d",
        "attachments": [{"name": "setup.exe", "contentBase64": b64(program)},
                        {"name": "huge.txt", "contentBase64": b64(too_big)},
                        {"name": "empty.txt", "contentBase64": ""}]}})
    assert refused.errors[0]["extensions"]["reasons"] == [
        "setup.exe is not an image, PDF, ZIP or plain-text file", "huge.txt must hold between 1 byte and 2048 KiB",
        "empty.txt must hold between 1 byte and 2048 KiB"]
