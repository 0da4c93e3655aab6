"""One chat message followed across every hop in one trace: the browser's request, the gateway, the chat subgraph,
its outbox relay, the RabbitMQ publish, the consumers (notifications, tickets), and the live delivery to a subscriber
on each of two gateways.

Layout: `deployed(replicas=2)`, every service its own `aurontek serve` process with tracing on
(`OTEL_EXPORTER_OTLP_ENDPOINT` at a receiver in this test, which decodes the real OTLP/HTTP protobuf). Side A and
side B each have users, tickets, chat, notifications and a gateway; the customer listens on gateway A, the agent on
gateway B. The agent's message goes through gateway A with a `traceparent` of its own, as the web app sends one.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fixtures.otlp import ReceivedSpan, Receiver, otlp_receiver
from tests.integration.processes import Deployment, deployed, own_vhost, ticket_on
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp

SEND = "mutation SendMessage($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
# author.email is users' own field: each delivery is completed with an entity fetch, which joins the trace too
LISTEN = "subscription Listen($t: ID!) { messageAdded(ticketId: $t) { text author { name email } } }"
TRACED = {"OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_TRACES_SAMPLER": "always_on"}


@pytest.fixture
async def traced(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path
                 ) -> AsyncIterator[tuple[Deployment, Receiver]]:
    async with otlp_receiver() as receiver, own_vhost(amqp_url) as vhost:
        env = {**TRACED, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url}
        services = ("users", "tickets", "chat", "notifications", "gateway")
        async with deployed(vhost, mongo_url, http, tmp_path, replicas=2,
                            env={name: env for name in services}) as deployment:
            yield deployment, receiver


def one(spans: list[ReceivedSpan], what: str, **match: str) -> ReceivedSpan:
    found = [span for span in spans if all(getattr(span, key) == value for key, value in match.items())]
    assert len(found) == 1, f"{what}: {len(found)} spans match {match}: {[(s.service, s.name) for s in spans]}"
    return found[0]


def parent_of(span: ReceivedSpan, spans: list[ReceivedSpan]) -> ReceivedSpan:
    parents = [candidate for candidate in spans if candidate.span_id == span.parent_id]
    assert len(parents) == 1, f"the parent of {span.service} {span.name} is not in the trace"
    return parents[0]


async def test_one_trace_covers_a_chat_message_from_the_browser_to_both_gateways_sockets(
        traced: tuple[Deployment, Receiver], http: httpx.AsyncClient) -> None:
    deployment, receiver = traced
    gateway_a, gateway_b = (instance["gateway"] for instance in deployment.instances)
    ticket = await ticket_on(deployment, http)
    trace_id, browser_span = secrets.token_hex(16), secrets.token_hex(8)

    async with connect(gateway_a.url.replace("http", "ws") + "/graphql") as customer, \
            connect(gateway_b.url.replace("http", "ws") + "/graphql") as agent:
        for client, person in ((customer, ticket.customer), (agent, ticket.agent)):
            assert (await client.init(f"Bearer {person.client.token}"))["type"] == "connection_ack"
        [heard_by_customer] = await listening(customer, (LISTEN, {"t": ticket.id}))
        [heard_by_agent] = await listening(agent, (LISTEN, {"t": ticket.id}))

        sent = await http.post(f"{gateway_a.url}/graphql", json={
            "query": SEND, "operationName": "SendMessage", "variables": {"t": ticket.id, "x": "Rebooting the VPN"}},
            headers={"authorization": f"Bearer {ticket.agent.client.token}",
                     "traceparent": f"00-{trace_id}-{browser_span}-01"})
        assert sent.status_code == 200 and "errors" not in sent.json(), sent.text
        for client, operation in ((customer, heard_by_customer), (agent, heard_by_agent)):
            while (frame := await client.receive(timeout=20))["payload"]["data"]["messageAdded"]["text"] \
                    != "Rebooting the VPN":
                assert frame["id"] == operation
            assert "extensions" not in frame["payload"], frame  # the trace context is the gateway's, not the client's

    def deliveries() -> list[ReceivedSpan]:
        return [s for s in receiver.trace(trace_id) if s.name == "subscription deliver"]

    def complete() -> bool:  # each process exports on its own schedule: wait for the last hop of each
        spans = receiver.trace(trace_id)
        # the chat message's own handling: notifications' handling of the ticket.updated it led to is in the trace too
        sent = {s.attributes.get("messaging.message.id") for s in spans if s.name == "chat.message_added publish"}
        consumers = {s.service for s in spans if s.kind == "CONSUMER" and s.name.endswith(" process")
                     and s.attributes.get("messaging.message.id") in sent}
        names = {s.name for s in spans}
        ids = {s.span_id for s in spans} | {browser_span}
        return (all(s.parent_id in ids for s in spans)  # no span waits for its parent's export
                and len(deliveries()) >= 2 and {"notifications", "tickets"} <= consumers
                and {"mutation SendMessage", "outbox relay chat.message_added", "chat.message_added publish",
                     "outbox relay ticket.updated", "ticket.updated publish"} <= names
                and sum(s.name == "subscription next" for s in spans) >= 2)
    await receiver.wait_for(complete, what=f"the message's trace {trace_id}")
    spans = receiver.trace(trace_id)

    # the browser's request → gateway A → chat
    request = one(spans, "the gateway's request", service="gateway", kind="SERVER")
    assert request.parent_id == browser_span and request.name == "mutation SendMessage"
    assert request.attributes["graphql.operation.name"] == "SendMessage"
    fetch = one(spans, "the fetch to chat", name="fetch chat", kind="CLIENT")
    assert parent_of(fetch, spans) is request and fetch.attributes["aurontek.fetch.kind"] == "root"
    assert fetch.instance == request.instance
    mutation = one(spans, "chat's request", service="chat", kind="SERVER")
    assert parent_of(mutation, spans) is fetch
    assert mutation.attributes["graphql.operation.name"].startswith("SendMessage__chat")  # as the gateway names it
    commands = {s.name for s in spans if s.service == "chat" and s.attributes.get("db.system") == "mongodb"
                and parent_of(s, spans) is mutation}
    assert {"bulkWrite", "commitTransaction"} <= commands, commands  # the message and its outbox row, one statement

    # the outbox relay → RabbitMQ → each consumer
    relay = one(spans, "the outbox relay", service="chat", name="outbox relay chat.message_added")
    assert parent_of(relay, spans) is mutation
    publish = one(spans, "the publish", service="chat", name="chat.message_added publish", kind="PRODUCER")
    assert parent_of(publish, spans) is relay
    assert publish.attributes["messaging.system"] == "rabbitmq"
    message = publish.attributes["messaging.message.id"]
    handling: dict[str, ReceivedSpan] = {}
    for service in ("notifications", "tickets"):
        handled = [s for s in spans if s.service == service and s.kind == "CONSUMER"
                   and s.attributes.get("messaging.message.id") == message]
        assert len(handled) == 1, f"{service} handled the message {len(handled)} times in its trace"
        handling[service] = handled[0]
        assert parent_of(handled[0], spans) is publish, f"{service}'s handling is not a child of the publish"
        assert any(parent_of(s, spans) is handled[0] for s in spans if s.attributes.get("db.system") == "mongodb"), \
            f"{service}'s writes are not in its handling's span"
    # and what the handling raised goes on in the same trace: tickets answers the message with ticket.updated
    replied = one(spans, "tickets' ticket.updated", service="tickets", name="ticket.updated publish")
    relayed = parent_of(replied, spans)
    assert relayed.name == "outbox relay ticket.updated" and parent_of(relayed, spans) is handling["tickets"]

    # live: each chat instance's `next` → each gateway's completion of it → each socket
    sockets = deliveries()
    assert len(sockets) == 2 and len({s.instance for s in sockets}) == 2, "one delivery on each gateway"
    for socket in sockets:
        event = parent_of(socket, spans)
        assert event.name == "subscription event" and event.service == "gateway" and event.instance == socket.instance
        upstream = parent_of(event, spans)
        assert upstream.service == "chat" and upstream.name == "subscription next"
        assert parent_of(upstream, spans) in (mutation, publish)  # the early live copy, or the outbox's
        entity = [s for s in spans if s.name == "fetch users" and s.parent_id == event.span_id]
        assert len(entity) == 1 and entity[0].attributes["aurontek.fetch.kind"] == "entities"
    # gateway B's subscription runs on chat B, which heard the message from chat A through the broker
    assert len({parent_of(parent_of(s, spans), spans).instance for s in sockets}) == 2
