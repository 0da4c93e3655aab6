"""Images and files in chat: typed by their bytes, size-limited, stored by the storage adapter and served."""

from __future__ import annotations

import httpx

from tests.subgraphs.chat.harness import SEND_FILE, ChatDesk, b64
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Team
from tests.subgraphs.tickets.ticket.test_creation import PNG

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def send_file(desk: ChatDesk, team: Team, ticket_id: str, **file: object):  # type: ignore[no-untyped-def]
    return await desk.talk(team.customer)(SEND_FILE, {"t": ticket_id, "i": file})


async def test_an_image_is_shown_inline_and_served(chat_desk: ChatDesk, team: Team, http: httpx.AsyncClient) -> None:
    ticket = await ticket_for(chat_desk, team)
    sent = (await send_file(chat_desk, team, ticket["id"], name="C:\\Users\\me\\screen.pdf", contentBase64=b64(PNG),
                            caption=" the error ")).ok()["sendChatFile"]
    assert sent["kind"] == "IMAGE" and sent["text"] == "the error"
    file = sent["file"]
    assert (file["name"], file["contentType"], file["size"]) == ("screen.pdf", "image/png", len(PNG))
    served = await http.get(file["url"])
    assert served.status_code == 200 and served.content == PNG
    [event] = await chat_desk.events("chat.message_added", messageId=sent["id"])
    assert event["data"]["kind"] == "image" and event["data"]["file"]["url"] == file["url"]


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
