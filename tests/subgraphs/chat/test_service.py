"""The chat subgraph run alone from the command line (`aurontek serve chat`), and what its SDL promises the gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.harness import Client, free_port
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.users.test_service import stop, wait_ready
from tests.supergraph.gateway_harness import plan_text

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPH = (ROOT / "schema" / "supergraph.graphql").read_text()


async def test_runs_alone(chat_desk: ChatDesk, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMQP_URL"}
    env.update({"MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": "standalone_", "AURONTEK_DATA_DIR": str(tmp_path),
                "AUTH_JWKS_URL": f"{chat_desk.users.url}/.well-known/jwks.json", "LOG_FORMAT": "console"})
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "chat", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(http, url, process)
        assert (await http.get(f"{url}/health")).json() == {"status": "ok", "service": "chat"}
        assert (await http.get(f"{url}/ready")).json()["checks"] == {"database": True, "events": True}
        team = await chat_desk.team()
        policy = await Client(http, url, team.customer.client.token)("{ chatPolicy { writableStatuses } }")
        assert policy.ok()["chatPolicy"]["writableStatuses"] == ["OPEN", "IN_PROGRESS", "ON_HOLD"]
    finally:
        output = stop(process)
    assert process.returncode == 0, output
    assert "service started" in output


@pytest.mark.parametrize(("selection", "fetches"), [
    ("text author { name } ticket { title }", []),  # provided by chat: no entity fetch per event
    ("id author { id firstName lastName }", []),  # the parts of the name too
    ("text author { name email } ticket { title status }", ["users", "tickets"]),
])
def test_the_common_live_selection_needs_no_entity_fetch(selection: str, fetches: list[str]) -> None:
    plan = plan_text(SUPERGRAPH, "subscription($t: ID!) { messageAdded(ticketId: $t) { " + selection + " } }")
    assert 'Fetch(service: "chat")' in plan
    assert [s for s in ("users", "tickets") if f'Fetch(service: "{s}")' in plan] == fetches
