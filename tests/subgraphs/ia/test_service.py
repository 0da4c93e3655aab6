"""The IA subgraph run alone from the command line: `aurontek serve ia` loads its model and answers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.harness import Client, free_port
from tests.subgraphs.ia.harness import IaDesk

ROOT = Path(__file__).resolve().parents[3]


async def wait_ready(http: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes], timeout: float = 180
                     ) -> None:
    """The model loads before the service answers: seconds, or a minute on a busy machine."""
    async with asyncio.timeout(timeout):
        while True:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode() if process.stdout else "exited")
            try:
                if (await http.get(f"{url}/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)


async def test_runs_alone(ia_desk: IaDesk, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMQP_URL"}
    env.update({"MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": "standalone_", "AURONTEK_DATA_DIR": str(tmp_path),
                "AUTH_JWKS_URL": f"{ia_desk.users.url}/.well-known/jwks.json", "LOG_FORMAT": "console",
                "IA_TRIAGE_MEMBERS": "word_svm,char_svm"})
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "ia", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(http, url, process)
        assert (await http.get(f"{url}/health")).json() == {"status": "ok", "service": "ia"}
        assert (await http.get(f"{url}/ready")).json()["checks"] == {"database": True, "events": True}
        team = await ia_desk.team()
        admin = Client(http, url, team.admin.client.token)
        model = (await admin("{ triageModel { labelledTickets trained targets { target } } }")).ok()
        assert model == {"triageModel": {"labelledTickets": 0, "trained": False, "targets": []}}
        hits = (await admin('{ searchTickets(text: "printer jams") { similarity } }')).ok()
        assert hits == {"searchTickets": []}
        anonymous = await Client(http, url)('{ searchTickets(text: "printer") { similarity } }')
        assert anonymous.codes == ["UNAUTHENTICATED"]
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    text = output.decode()
    assert process.returncode == 0, text
    assert "sentence model loaded" in text and "service started" in text
    assert "Loading weights" not in text  # no progress bar in a service's log
