"""Attachments are read through the gateway's origin with short-lived signed links, minted only for
callers who may read the ticket; the file itself must be what it claims to be, from start to end."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from subgraphs.kernel.files.links import FileLinks
from tests.fixtures.desk import FILE_LINK_SECRET, users_and_tickets
from tests.subgraphs.kernel.cloudinary_server import fake_cloudinary
from tests.subgraphs.tickets.harness import CREATE_TICKET, Desk, Team
from tests.subgraphs.tickets.ticket.test_creation import PNG, b64

ATTACHMENTS = "query($id: ID!) { ticket(id: $id) { attachments { name url contentType size } } }"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256))


def key_of(url: str) -> str:
    return urlsplit(url).path.split("/files/tickets/", 1)[1]


async def attached(team: Team, gateway_url: str, *files: tuple[str, bytes]) -> tuple[str, list[dict[str, str]]]:
    """A ticket opened by the customer through the gateway with `files`, and its attachments as read back."""
    customer = team.customer.through(gateway_url)
    ticket = (await customer.ok(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "Printer jams", "description": "See the photo.",
        "attachments": [{"name": name, "contentBase64": b64(data)} for name, data in files]}}))["createTicket"]
    return ticket["id"], (await customer.ok(ATTACHMENTS, {"id": ticket["id"]}))["ticket"]["attachments"]


async def test_an_attachment_is_read_through_the_gateway_with_its_link(desk: Desk, gateway_url: str,
                                                                     http: httpx.AsyncClient) -> None:
    team = await desk.team()
    _, [photo, log] = await attached(team, gateway_url, ("photo.png", PNG), ("log.txt", b"error 42\n"))
    assert photo["url"].startswith(f"{gateway_url}/files/tickets/tickets/{team.id}/")
    assert PNG.hex() not in photo["url"] and ":3002" not in photo["url"]
    served = await http.get(photo["url"])
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png" and served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"] == "inline"
    text = await http.get(log["url"])
    assert text.content == b"error 42\n" and text.headers["content-disposition"] == "attachment"


async def test_the_same_bytes_twice_are_two_unrelated_files(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    _, [first] = await attached(team, gateway_url, ("a.png", PNG))
    _, [second] = await attached(team, gateway_url, ("a.png", PNG))
    assert key_of(first["url"]) != key_of(second["url"])  # knowing the bytes does not name the file


async def test_a_tampered_expired_or_missing_signature_is_refused(desk: Desk, gateway_url: str,
                                                                  http: httpx.AsyncClient) -> None:
    team = await desk.team()
    _, [photo] = await attached(team, gateway_url, ("photo.png", PNG))
    url = urlsplit(photo["url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    base = f"{gateway_url}{url.path}"
    forged = "0" * 64 if query["signature"] != "0" * 64 else "1" * 64
    later = str(int(query["expires"]) + 3600)
    links = FileLinks(service="tickets", secret=FILE_LINK_SECRET.encode(), public_url=gateway_url, ttl_seconds=900)
    expired = links.url(key_of(photo["url"]), expires=1_000_000_000)  # signed right, but long past
    for refused in (f"{base}?expires={query['expires']}&signature={forged}",
                    f"{base}?expires={later}&signature={query['signature']}", base, expired):
        answer = await http.get(refused)
        assert answer.status_code == 403 and PNG not in answer.content, refused
    direct = await http.get(f"{desk.tickets.url}/files/{key_of(photo['url'])}")
    assert direct.status_code == 403  # the subgraph's own port wants the signature too
    assert (await http.get(photo["url"])).status_code == 200


async def test_a_link_is_minted_only_for_those_who_may_read_the_ticket(desk: Desk, gateway_url: str) -> None:
    team, stranger = await desk.team(), await desk.team()
    ticket_id, _ = await attached(team, gateway_url, ("photo.png", PNG))
    for outsider in (stranger.customer, stranger.admin, team.colleague):  # another company; a fellow customer
        read = await outsider.through(gateway_url)(ATTACHMENTS, {"id": ticket_id})
        assert read.data in (None, {"ticket": None}) and "/files/" not in str(read.errors), read
    agent = await team.agent.through(gateway_url).ok(ATTACHMENTS, {"id": ticket_id})
    assert agent["ticket"]["attachments"][0]["url"].startswith(f"{gateway_url}/files/tickets/")


async def test_text_hiding_a_program_after_its_first_kilobytes_is_refused(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    notes = b"meeting notes, nothing to see\n" * 150 + ELF  # 4.5 KiB of text first
    refused = await team.customer.through(gateway_url)(CREATE_TICKET, {"i": {
        "itemId": team.item_id, "title": "Notes", "description": "Attached.",
        "attachments": [{"name": "notes.txt", "contentBase64": b64(notes)}]}})
    assert refused.code() == "BAD_USER_INPUT", refused.errors
    extensions = refused.errors[0]["extensions"]
    assert extensions["reason"] == "FILE_TYPE_UNSUPPORTED" and extensions["field"] == "attachments.contentBase64"
    assert await desk.events("ticket.created", creatorId=team.customer.id) == []


async def test_on_cloudinary_an_attachment_is_private_and_linked_signed(
        mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    async with fake_cloudinary() as cloud, users_and_tickets(mongo_url, http, tmp_path,
                                                             cloudinary_url=cloud.cloudinary_url) as services:
        desk = Desk(services.users, services.tickets, services.bus, services.root)
        team, stranger = await desk.team(), await desk.team()
        async with services.gateway() as gateway_url:
            ticket_id, [photo] = await attached(team, gateway_url, ("photo.png", PNG))
            assert [a.type for a in cloud.assets.values()] == ["authenticated"]  # never publicly delivered
            assert photo["url"].startswith(f"{cloud.url}/v1_1/demo-cloud/image/download?")
            assert "expires_at=" in photo["url"] and (await http.get(photo["url"])).content == PNG
            forged = photo["url"].replace("signature=", "signature=0")
            assert (await http.get(forged)).status_code == 401
            outside = await stranger.customer.through(gateway_url)(ATTACHMENTS, {"id": ticket_id})
            assert "download" not in str(outside.data) + str(outside.errors)


async def test_the_gateway_relays_only_reads_of_a_known_services_files(desk: Desk, gateway_url: str,
                                                                      http: httpx.AsyncClient) -> None:
    team = await desk.team()
    _, [photo] = await attached(team, gateway_url, ("photo.png", PNG))
    assert (await http.head(photo["url"])).headers["content-length"] == str(len(PNG))
    assert (await http.post(photo["url"], content=b"x")).status_code == 405
    path = urlsplit(photo["url"]).path
    assert (await http.get(f"{gateway_url}{path.replace('/files/tickets/', '/files/nosuch/')}")).status_code == 404
    assert (await http.get(f"{gateway_url}/files/tickets/..%2Fgraphql?query=%7B__typename%7D")).status_code == 404
