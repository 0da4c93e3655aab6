"""Images and files in chat: typed by their whole bytes, size-limited, stored under random keys and read
through the gateway's origin with short-lived signed links, minted only for those who may read the chat."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.kernel.files.links import FileLinks
from tests.fixtures.desk import FILE_LINK_SECRET, users_and_tickets
from tests.subgraphs.chat.harness import ENTITY, SEND_FILE, ChatDesk, b64
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.kernel.cloudinary_server import fake_cloudinary
from tests.subgraphs.kernel.files.test_content import ELF, pdf
from tests.subgraphs.tickets.harness import Team
from tests.subgraphs.tickets.ticket.test_creation import PNG

PDF = pdf()
MESSAGES = """query($t: ID!) { ticket(id: $t) { id messages(first: 5) { edges { node { id file { url } } } } } }"""


async def send_file(desk: ChatDesk, team: Team, ticket_id: str, **file: object):  # type: ignore[no-untyped-def]
    return await desk.talk(team.customer)(SEND_FILE, {"t": ticket_id, "i": file})


def key_of(url: str) -> str:
    return urlsplit(url).path.split("/files/chat/", 1)[1]


async def test_an_image_is_shown_inline_and_served_through_the_gateway(
        chat_desk: ChatDesk, team: Team, gateway_url: str, http: httpx.AsyncClient) -> None:
    ticket = await ticket_for(chat_desk, team)
    customer = team.customer.through(gateway_url)
    file_input = {"name": "C:\\Users\\me\\screen.pdf", "contentBase64": b64(PNG), "caption": " the error "}
    sent = (await customer(SEND_FILE, {"t": ticket["id"], "i": file_input})).ok()["sendChatFile"]
    assert sent["kind"] == "IMAGE" and sent["text"] == "the error"
    file = sent["file"]
    assert (file["name"], file["contentType"], file["size"]) == ("screen.pdf", "image/png", len(PNG))
    assert file["url"].startswith(f"{gateway_url}/files/chat/chat/{team.id}/{ticket['id']}/")
    served = await http.get(file["url"])
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png" and served.headers["x-content-type-options"] == "nosniff"
    [event] = await chat_desk.events("chat.message_added", messageId=sent["id"])
    assert event["data"]["kind"] == "image" and "url" not in event["data"]["file"]  # each reader gets a link
    read = await customer.ok(MESSAGES, {"t": ticket["id"]})
    [link] = [e["node"]["file"]["url"] for e in read["ticket"]["messages"]["edges"] if e["node"]["id"] == sent["id"]]
    assert key_of(link) == key_of(file["url"]) and (await http.get(link)).content == PNG


async def test_chat_file_links_are_signed_short_lived_and_only_for_readers(
        chat_desk: ChatDesk, team: Team, gateway_url: str, http: httpx.AsyncClient) -> None:
    ticket = await ticket_for(chat_desk, team)
    sent = (await send_file(chat_desk, team, ticket["id"], name="report.pdf", contentBase64=b64(PDF))).ok()
    url = sent["sendChatFile"]["file"]["url"]
    assert (await http.get(url)).content == PDF
    links = FileLinks(service="chat", secret=FILE_LINK_SECRET.encode(), public_url=gateway_url, ttl_seconds=900)
    expired = links.url(key_of(url), expires=1_000_000_000)
    tampered = url.replace("signature=", "signature=0")
    bare = url.split("?", 1)[0]
    for refused in (expired, tampered, bare, f"{chat_desk.chat.url}/files/{key_of(url)}"):
        answer = await http.get(refused)
        assert answer.status_code == 403 and PDF not in answer.content, refused
    stranger = await chat_desk.team()
    direct = await chat_desk.talk(stranger.customer)(ENTITY, {"t": ticket["id"]})
    [entity] = (direct.data or {}).get("_entities") or [None]
    assert entity is None or entity.get("messages") is None  # another company's reader gets no file, no link
    outside = await stranger.customer.through(gateway_url)(MESSAGES, {"t": ticket["id"]})
    assert "/files/" not in str(outside.data) + str(outside.errors)


async def test_text_hiding_a_program_is_refused_whatever_its_name(chat_desk: ChatDesk, team: Team,
                                                                  gateway_url: str) -> None:
    ticket = await ticket_for(chat_desk, team)
    notes = b"minutes of the meeting\n" * 200 + ELF  # 4.6 KiB of text, then a program
    refused = await team.customer.through(gateway_url)(SEND_FILE, {"t": ticket["id"], "i": {
        "name": "notes.txt", "contentBase64": b64(notes)}})
    assert refused.code() == "BAD_USER_INPUT", refused.errors
    assert refused.errors[0]["extensions"]["reason"] == "FILE_TYPE_UNSUPPORTED"
    assert refused.errors[0]["extensions"]["field"] == "contentBase64"
    assert await chat_desk.events("chat.message_added", ticketId=ticket["id"], kind="file") == []


async def test_other_files_by_what_their_bytes_are(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    pdf = (await send_file(chat_desk, team, ticket["id"], name="invoice.png", contentBase64=b64(PDF))).ok()
    text = (await send_file(chat_desk, team, ticket["id"], name="log", contentBase64=b64(b"line 1\nline 2\n"))).ok()
    assert (pdf["sendChatFile"]["kind"], pdf["sendChatFile"]["file"]["contentType"]) == ("FILE", "application/pdf")
    assert text["sendChatFile"]["file"]["contentType"] == "text/plain" and text["sendChatFile"]["text"] == ""


async def test_refused_files_name_every_problem(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    cases = [
        ({"name": "app.exe", "contentBase64": b64(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff")}, ["contentBase64"]),
        ({"name": "big.png", "contentBase64": b64(PNG + b"\x00" * (2 * 1024 * 1024))}, ["contentBase64"]),
        ({"name": "x.png", "contentBase64": "not base64!"}, ["contentBase64"]),
        ({"name": "  ", "contentBase64": b64(PNG), "caption": "c" * 4001}, ["name", "caption"]),
    ]
    for file, fields in cases:
        refused = await send_file(chat_desk, team, ticket["id"], **file)
        assert refused.code() == "BAD_USER_INPUT", refused.errors
        extensions = refused.errors[0]["extensions"]
        assert extensions.get("fields", [extensions.get("field")]) == fields
    assert await chat_desk.events("chat.message_added", ticketId=ticket["id"], kind="file") == []


async def test_on_cloudinary_a_chat_file_is_private_and_linked_signed_to_readers_only(
        mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    """With CLOUDINARY_URL, chat stores files as authenticated assets and each reader gets a signed download link
    that expires; the link's signature is checked by Cloudinary (here a local server speaking its API), and a
    person who may not read the chat gets no link."""
    async with fake_cloudinary() as cloud, users_and_tickets(mongo_url, http, tmp_path,
                                                             cloudinary_url=cloud.cloudinary_url) as services:
        chat = await services.start(CHAT, tmp_path / "chat", cloudinary_url=cloud.cloudinary_url)
        desk = ChatDesk(services.users, services.tickets, chat, services.bus, services.root, services.gateway)
        team, stranger = await desk.team(), await desk.team()
        async with services.gateway() as gateway_url:
            ticket = await ticket_for(desk, team)
            customer = team.customer.through(gateway_url)
            sent = (await customer.ok(SEND_FILE, {"t": ticket["id"], "i": {
                "name": "report.pdf", "contentBase64": b64(PDF)}}))["sendChatFile"]
            [asset] = [a for key, a in cloud.assets.items() if key.startswith(f"aurontek/chat/{team.id}/")]
            assert asset.type == "authenticated" and asset.resource_type == "raw"  # never publicly delivered
            url = sent["file"]["url"]
            assert url.startswith(f"{cloud.url}/v1_1/demo-cloud/raw/download?") and "expires_at=" in url
            assert (await http.get(url)).content == PDF
            assert (await http.get(url.replace("signature=", "signature=0"))).status_code == 401
            read = await team.agent.through(gateway_url).ok(MESSAGES, {"t": ticket["id"]})
            [link] = [e["node"]["file"]["url"] for e in read["ticket"]["messages"]["edges"]
                      if e["node"]["id"] == sent["id"]]
            assert (await http.get(link)).content == PDF
            outside = await stranger.customer.through(gateway_url)(MESSAGES, {"t": ticket["id"]})
            assert "download" not in str(outside.data) + str(outside.errors)
