"""The IA subgraph run alone from the command line: `aurontek serve ia` loads its model and answers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.harness import Client, cpu_seconds, free_port
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


@contextlib.asynccontextmanager
async def serving_alone(ia_desk: IaDesk, mongo_url: str, http: httpx.AsyncClient, data_dir: Path,
                        output: list[str]) -> AsyncIterator[tuple[str, subprocess.Popen[bytes]]]:
    """`aurontek serve ia` in a process of its own, ready; stopped with Ctrl-C at the end, its log then in `output`."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AMQP_URL"}
    env.update({"MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": "standalone_", "AURONTEK_DATA_DIR": str(data_dir),
                "AUTH_JWKS_URL": f"{ia_desk.users.url}/.well-known/jwks.json", "LOG_FORMAT": "console",
                "IA_TRIAGE_MEMBERS": "word_svm,char_svm"})
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "ia", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(http, url, process)
        yield url, process
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=60)
        output.append(out.decode())


async def test_runs_alone(ia_desk: IaDesk, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    output: list[str] = []
    async with serving_alone(ia_desk, mongo_url, http, tmp_path, output) as (url, process):
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
    text = output[0]
    assert process.returncode == 0, text
    assert "sentence model loaded" in text and "service started" in text
    assert "Loading weights" not in text  # no progress bar in a service's log


async def test_on_its_defaults_it_computes_on_one_core(ia_desk: IaDesk, mongo_url: str, http: httpx.AsyncClient,
                                                       tmp_path: Path) -> None:
    """A search encodes its text with the model: one thread, so the services sharing the host keep their share (a
    second spins while it waits, and costs them about a third more processor for the same text)."""
    team = await ia_desk.team()
    words = "the printer on the third floor jams on every page and the screen then says paper error".split()
    texts = [" ".join((words[shift:] + words[:shift]) * 4) for shift in range(len(words))] * 3  # longer than a ticket
    async with serving_alone(ia_desk, mongo_url, http, tmp_path, []) as (url, process):
        admin = Client(http, url, team.admin.client.token)
        (await admin('{ searchTickets(text: "warm up") { similarity } }')).ok()
        before, started = cpu_seconds(process.pid), time.perf_counter()
        for text in texts:
            (await admin("query ($text: String!) { searchTickets(text: $text) { similarity } }", {"text": text})).ok()
        share = (cpu_seconds(process.pid) - before) / (time.perf_counter() - started)
    # Measured: about 0.9 of a core on one thread, 1.5 on two.
    assert share < 1.15, f"{share:.2f} of a core"
