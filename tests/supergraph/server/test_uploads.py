"""Files sent as files (the GraphQL multipart request spec) through the gateway to the subgraph that owns the field:
a ticket's attachment from Apollo Client's upload link reaches storage byte for byte while the gateway process's
memory stays flat; limits, the CSRF rule and malformed forms answer with clear codes and leave no file behind.

The users and tickets services run in this process; the gateway runs as its own process (`aurontek serve gateway`),
so its memory is its own to measure."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from subgraphs.chat.service import DEFINITION as CHAT
from tests.fixtures.desk import Services, users_and_tickets
from tests.harness import RunningService
from tests.subgraphs.tickets.harness import Desk, Team
from tests.subgraphs.users.test_accounts import png
from tests.supergraph.npm_packages import install_npm_packages

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).parent / "reference" / "upload_client.mjs"
PACKAGES = {"@apollo/client": "3.14.1", "graphql": "16.11.0", "apollo-upload-client": "18.0.1"}
CREATE = """mutation($i: CreateTicketInput!) {
  createTicket(input: $i) { id attachments { name size url contentType } } }"""
FIVE_MB = 5 * 1024 * 1024
PREFLIGHT = {"apollo-require-preflight": "true"}


@dataclass
class Stack:
    desk: Desk
    team: Team
    gateway: str
    pid: int
    uploads: Path  # where the gateway keeps a request's files while it runs

    def token(self) -> str:
        return self.team.customer.client.token or ""


@contextlib.asynccontextmanager
async def gateway_process(services: Services, uploads: Path, chat: RunningService, **env: str
                          ) -> AsyncIterator[tuple[str, int]]:
    """The gateway as its own process over the services of this one (whose event loop must keep running: the wait
    is asynchronous)."""
    listing = ",".join(f"{s.runtime.name}={s.url}/graphql" for s in (services.users, services.tickets, chat))
    process = subprocess.Popen(
        [sys.executable, "-m", "aurontek", "serve", "gateway", "--port", str(services.gateway_port)], cwd=ROOT,
        env={**os.environ, "GATEWAY_SUBGRAPHS": listing, "TMPDIR": str(uploads), "LOG_LEVEL": "WARNING",
             "GATEWAY_AUTH_JWKS_URL": f"{services.users.url}/.well-known/jwks.json", **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{services.gateway_port}"
    try:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=1) as client:
            while True:
                assert process.poll() is None, process.stderr.read().decode()[-2000:] if process.stderr else ""
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{url}/health")).json().get("supergraph"):
                        break
                assert time.monotonic() < deadline, "the gateway did not compose"
                await asyncio.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 10)


@pytest.fixture(scope="module")
async def stack(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[Stack]:
    uploads = tmp_path_factory.mktemp("gateway-uploads")
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets"),
                                 max_attachment_bytes=8 * 1024 * 1024) as services:
        chat = await services.start(CHAT, tmp_path_factory.mktemp("chat"))
        desk = Desk(services.users, services.tickets, services.bus, services.root)
        team = await desk.team()
        async with gateway_process(services, uploads, chat, GATEWAY_UPLOAD_MAX_BYTES=str(6 * 1024 * 1024),
                             GATEWAY_UPLOAD_MAX_FILES="2") as (url, pid):
            yield Stack(desk, team, url, pid, uploads)


def _memory(pid: int) -> dict[str, int]:
    """The process's resident memory now and its peak (kB)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def _log(size: int, seed: int) -> bytes:
    """A plain-text log of `size` bytes, different for each seed."""
    generator = random.Random(seed)
    lines = []
    total = 0
    while total < size:
        line = f"{total:09d} worker-{generator.randrange(100)} {generator.getrandbits(64):016x} printer queue stalled\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


def _form(operations: dict[str, Any], mapping: dict[str, list[str]], files: dict[str, tuple[str, bytes, str]]
          ) -> dict[str, Any]:
    return {"data": {"operations": json.dumps(operations), "map": json.dumps(mapping)},
            "files": {name: file for name, file in files.items()}}


def _ticket(stack: Stack, files: int = 1) -> dict[str, Any]:
    return {"query": CREATE, "variables": {"i": {
        "itemId": stack.team.item_id, "title": "The printer log", "description": "Attached, as asked.",
        "attachments": [{"name": f"printer-{n}.log", "file": None} for n in range(files)]}}}


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-uploads", PACKAGES, "Apollo Client's upload link")


async def test_apollo_upload_link_sends_5_mb_that_reach_storage_whole_while_the_gateway_stays_flat(
        stack: Stack, modules: Path, http: httpx.AsyncClient, tmp_path: Path) -> None:

    async def upload(data: bytes, name: str) -> dict[str, Any]:
        path = tmp_path / name
        path.write_bytes(data)
        process = await asyncio.create_subprocess_exec(
            "node", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(modules)})
        request = {"url": f"{stack.gateway}/graphql", "authorization": f"Bearer {stack.token()}", "mutation": CREATE,
                   "variables": {"i": {"itemId": stack.team.item_id, "title": "Printer log",
                                       "description": "The whole log.", "attachments": [{"name": name}]}},
                   "file": {"path": str(path), "name": name, "type": "text/plain"}, "at": "i.attachments.0.file"}
        out, err = await asyncio.wait_for(process.communicate(json.dumps(request).encode()), 60)
        assert out, err.decode()
        return json.loads(out)

    await upload(_log(64 * 1024, 1), "warm-up.log")  # the code paths loaded, the pools open
    before = _memory(stack.pid)
    data = _log(FIVE_MB, 2)
    answer = await upload(data, "full.log")
    after = _memory(stack.pid)
    assert "data" in answer, answer
    [attachment] = answer["data"]["createTicket"]["attachments"]
    assert attachment["name"] == "full.log" and attachment["size"] == FIVE_MB
    assert attachment["contentType"] == "text/plain"
    stored = await http.get(attachment["url"])
    assert stored.status_code == 200 and stored.content == data  # byte for byte
    grown = after["VmHWM"] - before["VmRSS"]
    print(f"gateway RSS {before['VmRSS']} kB before, peak {after['VmHWM']} kB while 5 MiB passed: +{grown} kB")
    assert grown < 2 * 1024, (before, after)  # the file went through a bounded buffer, never whole in memory
    assert list(stack.uploads.iterdir()) == []  # and its copy on the gateway's disk is gone


async def test_without_a_preflight_header_a_form_is_refused_as_csrf(stack: Stack) -> None:
    form = _form(_ticket(stack), {"0": ["variables.i.attachments.0.file"]},
                 {"0": ("a.log", b"hello\n", "text/plain")})
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.gateway}/graphql", **form,
                                   headers={"authorization": f"Bearer {stack.token()}"})
    assert answer.status_code == 400 and answer.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"


@pytest.mark.parametrize(("case", "status", "code"), [
    ("too large", 413, "PAYLOAD_TOO_LARGE"),
    ("too many", 413, "PAYLOAD_TOO_LARGE"),
    ("unmapped file", 400, "BAD_REQUEST"),
    ("file before map", 400, "BAD_REQUEST"),
    ("map names a missing file", 400, "BAD_REQUEST"),
    ("path outside the variables", 400, "BAD_REQUEST"),
    ("batch", 400, "BAD_REQUEST"),
])
async def test_a_form_out_of_bounds_or_out_of_spec_is_refused_and_leaves_no_file(stack: Stack, case: str,
                                                                                 status: int, code: str) -> None:
    one = {"0": ["variables.i.attachments.0.file"]}
    small = ("a.log", b"hello\n", "text/plain")
    if case == "too large":
        form = _form(_ticket(stack), one, {"0": ("big.log", _log(6 * 1024 * 1024 + 1, 3), "text/plain")})
    elif case == "too many":
        form = _form(_ticket(stack, 3), {str(n): [f"variables.i.attachments.{n}.file"] for n in range(3)},
                     {str(n): small for n in range(3)})
    elif case == "unmapped file":
        form = _form(_ticket(stack), one, {"0": small, "7": small})
    elif case == "map names a missing file":
        form = _form(_ticket(stack), {**one, "1": ["variables.i.attachments.0.file"]}, {"0": small})
    elif case == "path outside the variables":
        form = _form(_ticket(stack), {"0": ["query"]}, {"0": small})
    elif case == "batch":
        form = {"data": {"operations": json.dumps([_ticket(stack)]), "map": json.dumps({"0": ["0.variables.x"]})},
                "files": {"0": small}}
    else:  # the file comes first: the spec puts operations and map before the files
        boundary = "b0undary"
        body = (f"--{boundary}\r\ncontent-disposition: form-data; name=\"0\"; filename=\"a.log\"\r\n\r\nhello\r\n"
                f"--{boundary}\r\ncontent-disposition: form-data; name=\"operations\"\r\n\r\n"
                f"{json.dumps(_ticket(stack))}\r\n--{boundary}--\r\n").encode()
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.post(f"{stack.gateway}/graphql", content=body, headers={
                **PREFLIGHT, "authorization": f"Bearer {stack.token()}",
                "content-type": f"multipart/form-data; boundary={boundary}"})
        assert (answer.status_code, answer.json()["errors"][0]["extensions"]["code"]) == (status, code)
        assert list(stack.uploads.iterdir()) == []
        return
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.gateway}/graphql", **form,
                                   headers={**PREFLIGHT, "authorization": f"Bearer {stack.token()}"})
    assert (answer.status_code, answer.json()["errors"][0]["extensions"]["code"]) == (status, code), answer.text
    assert list(stack.uploads.iterdir()) == []


async def test_a_file_the_service_refuses_by_its_content_names_the_field(stack: Stack) -> None:
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
    form = _form(_ticket(stack), {"0": ["variables.i.attachments.0.file"]},
                 {"0": ("tool.log", elf, "text/plain")})
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.gateway}/graphql", **form,
                                   headers={**PREFLIGHT, "authorization": f"Bearer {stack.token()}"})
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"] == "attachments.file"


async def _send(stack: Stack, operations: dict[str, Any], mapping: dict[str, list[str]],
                files: dict[str, tuple[str, bytes, str]], token: str | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.gateway}/graphql", **_form(operations, mapping, files),
                                   headers={**PREFLIGHT, "authorization": f"Bearer {token or stack.token()}"})
    return answer.json()


async def test_a_chat_file_and_a_profile_photo_are_sent_as_files(stack: Stack, http: httpx.AsyncClient) -> None:
    ticket = await _send(stack, _ticket(stack), {"0": ["variables.i.attachments.0.file"]},
                         {"0": ("first.log", b"it started at nine\n", "text/plain")})
    ticket_id = ticket["data"]["createTicket"]["id"]
    photo = png(8, 8)
    send = """mutation($t: ID!, $i: ChatFileInput!) {
      sendChatFile(ticketId: $t, input: $i) { kind file { name contentType size url } } }"""
    deadline = time.monotonic() + 20
    while True:  # chat learns of the ticket from its event
        sent = await _send(stack, {"query": send, "variables": {"t": ticket_id, "i": {"name": "screen.png",
                                                                                       "file": None}}},
                           {"0": ["variables.i.file"]}, {"0": ("screen.png", photo, "image/png")})
        if "errors" not in sent or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert "errors" not in sent, sent
    message = sent["data"]["sendChatFile"]
    assert message["kind"] == "IMAGE" and message["file"]["size"] == len(photo)
    assert (await http.get(message["file"]["url"])).content == photo
    upload = "mutation($id: ID!, $f: Upload) { uploadUserPhoto(userId: $id, file: $f) { photoUrl } }"
    mine = await _send(stack, {"query": upload, "variables": {"id": stack.team.customer.id, "f": None}},
                       {"0": ["variables.f"]}, {"0": ("me.png", photo, "image/png")})
    assert "errors" not in mine, mine
    assert (await http.get(mine["data"]["uploadUserPhoto"]["photoUrl"])).content == photo
    not_a_photo = await _send(stack, {"query": upload, "variables": {"id": stack.team.customer.id, "f": None}},
                              {"0": ["variables.f"]}, {"0": ("me.png", b"%PDF-1.4 not a photo", "image/png")})
    assert not_a_photo["errors"][0]["extensions"]["field"] == "file"
