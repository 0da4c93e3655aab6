"""The users subgraph run alone from the command line, on its embedded database, across a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from aurontek.commands.schema import registry
from tests.harness import Client, free_port
from tests.subgraphs.users.conftest import CREATE_COMPANY, LOGIN, PASSWORD

ROOT = Path(__file__).resolve().parents[3]
ADMIN = {"email": "admin@standalone.test", "password": "Standalone-Passw0rd-1"}


def launch(data_dir: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "AMQP_URL")}
    clean.update({"AURONTEK_DATA_DIR": str(data_dir), "AURONTEK_ADMIN_EMAIL": ADMIN["email"],
                  "AURONTEK_ADMIN_PASSWORD": ADMIN["password"], "LOG_FORMAT": "console", **env})
    return subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "users", "--port", str(port)], cwd=ROOT,
                            env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def wait_ready(http: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(process.stdout.read().decode() if process.stdout else "exited")
        try:
            if (await http.get(f"{url}/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("the service did not become ready in 30 s")


def stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output.decode()


async def test_runs_alone_on_the_embedded_database_and_keeps_data(tmp_path: Path, http: httpx.AsyncClient) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = launch(tmp_path, port)
    try:
        await wait_ready(http, url, process)
        assert (await http.get(f"{url}/health")).json() == {"status": "ok", "service": "users"}
        client = Client(http, url)
        sdl = (await client("{ _service { sdl } }")).ok()["_service"]["sdl"]
        assert 'type User @key(fields: "id")' in sdl
        login = (await client(LOGIN, {"email": ADMIN["email"], "password": ADMIN["password"]})).ok()["login"]
        root = client.as_(login["accessToken"])
        company = {"name": "Persisted Co", "taxId": "PERSIST-1", "email": "it@persisted.test",
                   "admin": {"email": "a@persisted.test", "firstName": "A", "lastName": "B", "password": PASSWORD}}
        created = (await root(CREATE_COMPANY, {"input": company})).ok()["createCompany"]["company"]
    finally:
        output = stop(process)
    assert "embedded MongoDB-wire server started" in output and str(tmp_path / "databases" / "users") in output
    assert (tmp_path / "databases" / "users" / "db").is_dir()

    process = launch(tmp_path, port)
    try:
        await wait_ready(http, url, process)
        again = Client(http, url)
        # The same company, code and admin are there after the restart.
        (await again(LOGIN, {"code": created["accessCode"], "email": "a@persisted.test", "password": PASSWORD})).ok()
        # The signing key survived too: a token from before the restart still verifies.
        assert (await root("{ me { email } }")).ok()["me"]["email"] == ADMIN["email"]
    finally:
        stop(process)


@pytest.mark.parametrize(("variable", "value"), [("MONGODB_URL", "http://nope"), ("LOG_LEVEL", "LOUD"),
                                                 ("ACCESS_TOKEN_TTL_SECONDS", "five")])
def test_a_bad_setting_stops_the_start_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    process = launch(tmp_path, free_port(), **{variable: value})
    output, _ = process.communicate(timeout=30)
    assert process.returncode != 0
    assert variable in output.decode()


def test_committed_schema_registry_matches_the_code() -> None:
    for name, content in registry().items():
        committed = (ROOT / "schema" / name).read_text()
        assert committed == content, f"run `aurontek schema` and commit schema/{name}"
