"""IA fixtures: the users, tickets and IA services on one in-process bus, with small fast classifiers.

The sentence model loads once for the session (the IA service and the triage tests share it); the
classifiers use the n-gram members only, so a company trains in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.ia.service import DEFINITION as IA
from tests.fixtures.desk import users_and_tickets
from tests.subgraphs.ia.harness import IaDesk

# Training is asked for by the tests (IaDesk.train); the background trainer waits an hour for labels to settle.
IA_SETTINGS = {"triage_members": ["word_svm", "char_svm", "word_bayes"], "train_min_labelled": 8,
               "train_debounce_seconds": 3600, "poll_seconds": 0.2}


@pytest.fixture(scope="session")
async def ia_desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                  ) -> AsyncIterator[IaDesk]:
    # The tests give each company its own catalogue; the platform's default items (which now reach the IA
    # however late it starts) would add their labels to every company's.
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets"), seed_catalogue=False
                                 ) as services:
        ia = await services.start(IA, tmp_path_factory.mktemp("ia"), **IA_SETTINGS)
        yield IaDesk(services.users, services.tickets, ia, services.bus, services.root)
