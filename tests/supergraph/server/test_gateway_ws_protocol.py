"""graphql-transport-ws conformance of the gateway's WebSocket endpoint: negotiation, the
connection_init handshake, message validation, operation ids, ping/pong, keep-alive, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from websockets.exceptions import InvalidStatus

from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.ws_client import connect


@pytest.fixture(scope="module")
async def gateway(live: LiveFederation) -> AsyncIterator[RunningGateway]:
    async with live.gateway() as running:
        yield running


async def test_the_subprotocol_is_negotiated(gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url, subprotocols=("graphql-ws", "graphql-transport-ws")) as client:
        assert client.subprotocol == "graphql-transport-ws"


@pytest.mark.parametrize("offered", [None, ("graphql-ws",)])
async def test_without_the_subprotocol_the_socket_closes_4406(gateway: RunningGateway, offered) -> None:
    async with connect(gateway.ws_url, subprotocols=offered) as client:
        assert await client.closed() == (4406, "Subprotocol not acceptable")


async def test_other_paths_do_not_upgrade(gateway: RunningGateway) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(gateway.ws_url.replace("/graphql", "/other")):
            pass
    assert refused.value.response.status_code == 403


async def test_no_connection_init_in_time_closes_4408(live: LiveFederation) -> None:
    async with live.gateway(ws_init_timeout=0.2) as gateway, connect(gateway.ws_url) as client:
        assert await client.closed(timeout=2) == (4408, "Connection initialisation timeout")


async def test_a_second_connection_init_closes_4429(live: LiveFederation, gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url) as client:
        assert (await client.init(live.issuer.bearer()))["type"] == "connection_ack"
        await client.send({"type": "connection_init", "payload": {}})
        assert await client.closed() == (4429, "Too many initialisation requests")


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[]",
        '{"payload": {}}',
        '{"type": "nope"}',
        '{"type": "next", "id": "1", "payload": {}}',  # a server-to-client message
        '{"type": "connection_ack"}',
        '{"type": "connection_init", "payload": "token"}',
        '{"type": "subscribe", "payload": {"query": "{ me { name } }"}}',
        '{"type": "subscribe", "id": "", "payload": {"query": "{ me { name } }"}}',
        '{"type": "subscribe", "id": "1", "payload": {"variables": {}}}',
        '{"type": "subscribe", "id": "1", "payload": {"query": "{ me { name } }", "variables": []}}',
        '{"type": "complete"}',
    ],
)
async def test_invalid_messages_close_4400(live: LiveFederation, gateway: RunningGateway, frame: str) -> None:
    async with connect(gateway.ws_url) as client:
        if "connection_init" not in frame:
            await client.init(live.issuer.bearer())
        await client.send(frame)
        code, reason = await client.closed()
    assert code == 4400
    assert reason and ("Invalid message" in reason or "Unexpected message" in reason)


async def test_subscribe_before_the_acknowledgement_closes_4401(gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url) as client:
        await client.subscribe("1", "{ me { name } }")
        assert await client.closed() == (4401, "Unauthorized")


async def test_a_running_operation_id_closes_4409(live: LiveFederation, gateway: RunningGateway) -> None:
    ticket = new_ticket()
    async with connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("same", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
        await client.subscribe("same", MESSAGE_ADDED, {"t": ticket})
        assert await client.closed() == (4409, "Subscriber for same already exists")
    await live.chat.wait_active(ticket, 0)  # closing the socket ended the upstream subscription


async def test_ping_is_answered_with_pong_echoing_the_payload(live: LiveFederation, gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url) as client:
        await client.send({"type": "ping"})  # allowed before connection_init
        assert await client.receive() == {"type": "pong"}
        await client.init(live.issuer.bearer())
        await client.send({"type": "ping", "payload": {"at": 1}})
        assert await client.receive() == {"type": "pong", "payload": {"at": 1}}
        await client.send({"type": "pong"})  # an unsolicited pong is a heartbeat: ignored
        await client.silent(0.1)


async def test_the_server_pings_and_closes_4408_without_pongs(live: LiveFederation) -> None:
    async with live.gateway(ws_keepalive=0.25) as gateway:
        async with connect(gateway.ws_url) as answering:
            await answering.init(live.issuer.bearer())
            for _ in range(3):  # answered pings keep the socket open
                assert await answering.receive(timeout=1, pings=True) == {"type": "ping"}
                await answering.send({"type": "pong"})
        async with connect(gateway.ws_url) as silent:
            await silent.init(live.issuer.bearer())
            assert await silent.receive(timeout=1, pings=True) == {"type": "ping"}
            code, reason = await silent.closed(timeout=2)
    assert (code, reason) == (4408, "Keep-alive timeout: no pong to the last ping")


async def test_queries_and_mutations_run_over_the_socket(live: LiveFederation, gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("q", "{ me { name } }")
        assert await client.receive() == {"id": "q", "type": "next", "payload": {"data": {"me": {"name": "Ada"}}}}
        assert await client.receive() == {"id": "q", "type": "complete"}
        await client.subscribe("m", 'mutation { rename(name: "Ada L.") { name } }')
        assert await client.receive() == {
            "id": "m", "type": "next", "payload": {"data": {"rename": {"name": "Ada L."}}}
        }
        assert await client.receive() == {"id": "m", "type": "complete"}
        await client.subscribe("q", "{ me { name } }")  # an id may be reused once its operation is over
        assert (await client.receive())["type"] == "next"
    sent = live.users.requests[-1]
    assert sent["headers"]["authorization"].startswith("Bearer ")


async def test_invalid_operations_get_an_error_message_and_the_socket_stays(
    live: LiveFederation, gateway: RunningGateway
) -> None:
    async with connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("bad", "{ nope }")
        error = await client.receive()
        await client.subscribe("parse", "{ me { ")
        parse_error = await client.receive()
        await client.subscribe("vars", MESSAGE_ADDED)  # $t missing
        variables_error = await client.receive()
        await client.subscribe("ok", "{ me { name } }")
        ok = await client.receive()
    assert error["id"] == "bad" and error["type"] == "error"
    assert error["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert parse_error["payload"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert variables_error["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert ok["type"] == "next"


async def test_a_lone_surrogate_in_an_operation_is_that_operations_bad_user_input(
    live: LiveFederation, gateway: RunningGateway
) -> None:
    """JSON can spell half a UTF-16 surrogate pair (`\\ud800`), which is no character: the operation carrying one
    is refused with BAD_USER_INPUT, as over HTTP, and the socket goes on; elsewhere in a message it is a 4400."""
    async with connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.send('{"id": "half", "type": "subscribe", "payload": {"query": "subscription($t: ID!) '
                          '{ messageAdded(ticketId: $t) { text } }", "variables": {"t": "\\ud800"}}}')
        refused = await client.receive()
        await client.subscribe("ok", "{ me { name } }")
        ok = await client.receive()
        await client.send('{"type": "ping", "payload": {"note": "\\udfff"}}')
        code, reason = await client.closed()
    assert refused["id"] == "half" and refused["type"] == "error", refused
    assert refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "surrogate" in str(refused)
    assert ok["id"] == "ok" and ok["type"] == "next"
    assert code == 4400 and reason and "surrogate" in reason


async def test_complete_from_the_client_ends_the_subscription(live: LiveFederation, gateway: RunningGateway) -> None:
    ticket = new_ticket()
    async with connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
        await client.complete("1")
        await live.chat.wait_active(ticket, 0)  # the upstream subscription is torn down
        live.chat.publish(ticket, "nobody listens")
        await client.silent(0.1)  # and no complete is echoed back
        await client.complete("unknown")  # completing an unknown id is harmless
        await client.subscribe("1", "{ me { name } }")
        assert (await client.receive())["type"] == "next"


async def test_operations_per_connection_are_limited(live: LiveFederation) -> None:
    ticket = new_ticket()
    async with live.gateway(ws_max_subscriptions=1) as gateway, connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await client.subscribe("2", MESSAGE_ADDED, {"t": ticket})
        refused = await client.receive()
        await client.complete("1")
        await client.subscribe("3", MESSAGE_ADDED, {"t": ticket})  # room again
        await client.silent(0.1)
    assert refused["id"] == "2" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_connections_are_limited(live: LiveFederation) -> None:
    async with live.gateway(ws_max_connections=1) as gateway, connect(gateway.ws_url) as first:
        await first.init(live.issuer.bearer())
        async with connect(gateway.ws_url) as second:
            assert await second.closed() == (1013, "Too many connections, try again later")
        await first.send({"type": "ping"})
        assert await first.receive() == {"type": "pong"}
