"""IA fixtures: the users, tickets and IA services on one in-process bus, with small fast classifiers.

The sentence model loads once for the session (the IA service and the triage tests share it); the
classifiers use the n-gram members only, so a company trains in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from subgraphs.ia.service import DEFINITION as IA
from subgraphs.kernel import clock
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, sign_in
from tests.harness import start_service
from tests.subgraphs.ia.harness import IaDesk

FAST = {"event_retry_delay_ms": 20}
# Training is asked for by the tests (IaDesk.train); the background trainer waits an hour for labels to settle.
IA_SETTINGS = {"triage_members": ["word_svm", "char_svm", "word_bayes"], "train_min_labelled": 8,
               "train_debounce_seconds": 3600, "poll_seconds": 0.2}


@pytest.fixture(scope="session")
async def ia_desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                  ) -> AsyncIterator[IaDesk]:
    bus = InProcessBus()
    await bus.start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, access_token_ttl=3600, **FAST_HASH, **FAST)
    jwks = f"{users.url}/.well-known/jwks.json"
    tickets = await start_service(TICKETS, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                                  data_dir=tmp_path_factory.mktemp("tickets"), sla_scan_interval_seconds=3600, **FAST)
    ia = await start_service(IA, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                             data_dir=tmp_path_factory.mktemp("ia"), **IA_SETTINGS, **FAST)
    root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    yield IaDesk(users, tickets, ia, bus, root)
    for service in (ia, tickets, users):
        await service.stop()
    await bus.close()


@pytest.fixture
def frozen() -> Iterator[None]:
    """Stop the services' clock where the test puts it (`clock.freeze`); run it again afterwards."""
    try:
        yield
    finally:
        clock.reset()
