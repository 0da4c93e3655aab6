"""The tickets subgraph run alone from the command line: `aurontek serve tickets`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.harness import Client, free_port
from tests.subgraphs.tickets.harness import Desk
from tests.subgraphs.users.test_service import wait_ready

ROOT = Path(__file__).resolve().parents[3]


async def test_runs_alone_with_the_default_catalogue(desk: Desk, mongo_url: str, http: httpx.AsyncClient,
                                                     tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMQP_URL"}
    env.update({"MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": "standalone_", "AURONTEK_DATA_DIR": str(tmp_path),
                "AUTH_JWKS_URL": f"{desk.users.url}/.well-known/jwks.json", "LOG_FORMAT": "console",
                "DEFAULT_TIMEZONE": "Europe/Madrid"})
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "tickets", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(http, url, process)
        assert (await http.get(f"{url}/health")).json() == {"status": "ok", "service": "tickets"}
        assert (await http.get(f"{url}/ready")).json()["checks"] == {"database": True, "events": True}
        team = await desk.team()
        customer = Client(http, url, team.customer.client.token)
        items = (await customer("{ serviceItems { name platformWide } }")).ok()["serviceItems"]
        assert len(items) == 13 and all(i["platformWide"] for i in items)
        calendar = (await customer("{ deskSettings { calendar { timezone } } }")).ok()["deskSettings"]
        assert calendar == {"calendar": {"timezone": "Europe/Madrid"}}
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode()
    assert "service started" in output.decode()
