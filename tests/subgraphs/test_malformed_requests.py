"""Every subgraph, sent directly what no GraphQL client should send: a JSON body that is not an object, or a string
holding a lone UTF-16 surrogate (not a character, so not storable or printable). Each answers 400 with a GraphQL
error and a stable code, as the gateway does, never a 500 or INTERNAL_SERVER_ERROR."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.harness import RunningService, start_service

SERVICES = {"users": USERS, "tickets": TICKETS, "chat": CHAT, "notifications": NOTIFICATIONS, "ia": IA}
LONE = b'"\\ud800"'  # JSON's escape for half of a UTF-16 surrogate pair, with no other half
TYPE = b'"query": "query($x: String!) { __type(name: $x) { name } }"'


@pytest.fixture(scope="module", params=list(SERVICES))
async def service(request: pytest.FixtureRequest, mongo_url: str, http: httpx.AsyncClient,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningService]:
    definition: SubgraphDefinition = SERVICES[request.param]
    running = await start_service(definition, mongo_url=mongo_url, http=http,
                                  data_dir=tmp_path_factory.mktemp(request.param))
    yield running
    await running.stop()


async def post(service: RunningService, http: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await http.post(f"{service.url}/graphql", content=body, headers={"content-type": "application/json"})


def codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


@pytest.mark.parametrize("body", [b"[]", b'[{"query": "{ __typename }"}]', b'"{ __typename }"', b"1", b"null"])
async def test_a_body_that_is_not_an_object_is_a_bad_request(service: RunningService, http: httpx.AsyncClient,
                                                             body: bytes) -> None:
    response = await post(service, http, body)
    assert response.status_code == 400 and codes(response) == ["BAD_REQUEST"], response.text
    assert "JSON object" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("body", [
    b"{" + TYPE + b', "variables": {"x": ' + LONE + b"}}",
    b"{" + TYPE + b', "variables": {"x": "ok", "nested": [{"y": ' + LONE + b"}]}}",
    b'{"query": "{ __typename }", "operationName": ' + LONE + b"}",
    b'{"query": "{ __typename } # \\udfff"}',
])
async def test_a_lone_surrogate_is_bad_user_input(service: RunningService, http: httpx.AsyncClient,
                                                  body: bytes) -> None:
    response = await post(service, http, body)
    assert response.status_code == 400 and codes(response) == ["BAD_USER_INPUT"], response.text
    assert "surrogate" in response.json()["errors"][0]["message"]


async def test_graphqls_own_escape_of_a_lone_surrogate_fails_to_parse(service: RunningService,
                                                                      http: httpx.AsyncClient) -> None:
    """Inline in the query, GraphQL's own `\\ud800` escape is a syntax error (the spec's rule), said as such."""
    response = await post(service, http, b'{"query": "{ __type(name: \\"\\\\ud800\\") { name } }"}')
    assert codes(response) == ["GRAPHQL_PARSE_FAILED"] and "Unicode escape" in response.text, response.text


async def test_a_surrogate_pair_is_a_character_and_welcome(service: RunningService, http: httpx.AsyncClient) -> None:
    body = b"{" + TYPE + b', "variables": {"x": "\\ud83d\\ude00"}}'
    response = await post(service, http, body)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
