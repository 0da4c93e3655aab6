"""The notifications subgraph run alone from the command line, its settings checked at start, and its
committed SDL current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from aurontek.commands.schema import built_subgraphs
from subgraphs.kernel.events.bus import ConsumerSpec
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from tests.harness import Client, free_port, start_service
from tests.subgraphs.users.test_service import ROOT, stop, wait_ready


async def test_runs_alone_on_the_embedded_database(tmp_path: Path, http: httpx.AsyncClient) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start(tmp_path, port)
    try:
        await wait_ready(http, url, process)
        assert (await http.get(f"{url}/health")).json() == {"status": "ok", "service": "notifications"}
        client = Client(http, url)
        sdl = (await client("{ _service { sdl } }")).ok()["_service"]["sdl"]
        assert 'type User @key(fields: "id")' in sdl and "notificationAdded" in sdl
        assert (await client("{ unreadNotificationCount }")).codes == ["UNAUTHENTICATED"]
    finally:
        output = stop(process)
    assert "embedded MongoDB-wire server started" in output


@pytest.mark.parametrize(("variable", "value"), [("SMTP_URL", "http://mail.test"), ("MAIL_MAX_ATTEMPTS", "0"),
                                                 ("DEFAULT_LANGUAGE", "fr"), ("NOTIFY_EVENT_CONCURRENCY", "0")])
def test_a_bad_setting_stops_the_start_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    process = _start(tmp_path, free_port(), **{variable: value})
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert variable in output.decode()


class RecordingBus(InProcessBus):
    """The in-process bus, one event at a time unless a consumer asks for more, keeping what each consumer asked."""

    def __init__(self) -> None:
        super().__init__(width=1)
        self.specs: dict[str, ConsumerSpec] = {}

    def add_consumer(self, spec: ConsumerSpec) -> None:
        self.specs[spec.queue] = spec
        super().add_consumer(spec)


async def test_the_notify_queue_takes_notify_event_concurrency_events_at_once(mongo_url: str,
                                                                             http: httpx.AsyncClient) -> None:
    """NOTIFY_EVENT_CONCURRENCY sets the notify queue's width alone; every other consumer keeps EVENT_CONCURRENCY."""
    bus = RecordingBus()
    await bus.start()
    service = await start_service(NOTIFICATIONS, mongo_url=mongo_url, http=http, bus=bus, notify_concurrency=5)
    try:
        widths = {queue.rsplit(".", 1)[-1]: spec.width_on(1) for queue, spec in bus.specs.items()}
        assert widths.pop("notify") == 5
        assert widths and set(widths.values()) == {1}  # every other consumer, and there are others
    finally:
        await service.stop()
        await bus.close()


def test_a_placeholder_smtp_password_is_refused_in_production(tmp_path: Path) -> None:
    process = _start(tmp_path, free_port(), AURONTEK_ENV="production", MONGODB_URL="mongodb://127.0.0.1:1",
                     FILE_LINK_SECRET="k" * 40, SMTP_URL="smtp://mailer:changeme@mail.test:587")
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0 and "SMTP_URL carries a placeholder password" in output.decode()


def test_committed_sdl_matches_the_code() -> None:
    committed = (ROOT / "schema" / "notifications.graphql").read_text()
    assert committed == built_subgraphs()["notifications"], "run `aurontek schema` and commit schema/"


def _start(data_dir: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "AMQP_URL", "SMTP_URL")}
    clean.update({"AURONTEK_DATA_DIR": str(data_dir), "LOG_FORMAT": "console", **env})
    return subprocess.Popen([sys.executable, "-m", "aurontek", "serve", "notifications", "--port", str(port)],
                            cwd=ROOT, env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
