"""Every entity of every subgraph, every field, every role: what a caller reads of an object does not depend on the
path that reached it.

For each type a subgraph resolves as an entity, and each field it contributes, the subgraph's `_entities` (called
directly, as a client that skips the gateway would) shows a caller exactly what the gateway's root query for the
same object shows them (`user(id:)`, `company(id:)`, `role(id:)`, `serviceItem(id:)`, `ticket(id:)`): a field
shown on one path and hidden (null) on the other fails, and an object the root query does not give the caller
shows nothing through `_entities`. Fields every member of the company sees whatever the path (a person's name,
say) are listed apart and must stay within the company. Callers: each role of the company, another company's
admin and customer, and the platform's root. The fields are read from the live SDL, so a field added later is
probed too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_ast_schema,
    get_named_type,
    parse,
)

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from tests.fixtures.desk import users_and_tickets
from tests.harness import Client, RunningService
from tests.integration.live_stack import eventually
from tests.subgraphs.ia.conftest import IA_SETTINGS
from tests.subgraphs.tickets.harness import Desk, Member, Team

ROOT_FIELD = {"User": "user", "Company": "company", "Role": "role", "ServiceItem": "serviceItem", "Ticket": "ticket"}
# Shown to every member of the object's company whatever the path (a ticket names its people; a person's company
# and role are on their badge), never outside it.
IN_COMPANY = {
    "User": {"id", "firstName", "lastName", "name", "activityStatus", "photoUrl", "company", "role"},
    "Company": {"id", "name", "logoUrl"},
    "Role": {"id", "key", "name", "level", "isSystem", "platformOnly", "scope", "company"},
}
# Non-null "may I" fields: false tells a caller nothing, as an empty non-null list does (chat answers canChat false
# for a ticket its view does not show the caller, since the gateway asks it only of tickets the owner showed them).
FALSE_IS_HIDDEN = {("Ticket", "canChat")}
CREATE_ROLE = "mutation($i: CreateRoleInput!) { createRole(input: $i) { id } }"


@dataclass
class Probed:
    desk: Desk
    gateway: str
    subgraphs: dict[str, RunningService]
    home: Team
    away: Team
    ticket: dict[str, Any]
    objects: dict[str, list[dict[str, Any]]]  # representations to probe, by type
    platform_wide: set[str]  # objects of no company (a global role): every company may see them


@pytest.fixture(scope="module")
async def probed(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                 ) -> AsyncIterator[Probed]:
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets"), seed_catalogue=False
                                 ) as services:
        chat = await services.start(CHAT, tmp_path_factory.mktemp("chat"))
        notifications = await services.start(NOTIFICATIONS, tmp_path_factory.mktemp("notifications"))
        ia = await services.start(IA, tmp_path_factory.mktemp("ia"), **IA_SETTINGS)
        desk = Desk(services.users, services.tickets, services.bus, services.root, services.gateway)
        async with services.gateway() as gateway:
            home, away = await desk.team(), await desk.team()
            ticket = await home.assigned()
            await desk.settle()
            customer = home.customer.through(gateway)
            await eventually(lambda: _chat_ready(customer, ticket["id"]), what="chat knows the ticket")
            await customer.ok("mutation($t: ID!) { sendChatMessage(ticketId: $t, text: \"Still down\") { id } }",
                              {"t": ticket["id"]})
            admin = home.admin.through(gateway)
            global_role = (await admin.ok("query($u: ID!) { user(id: $u) { role { id } } }",
                                          {"u": home.agent.id}))["user"]["role"]["id"]
            own_role = (await admin.ok(CREATE_ROLE, {"i": {"name": "Night shift", "description": "Agents at night",
                                                           "level": 20, "permissions": ["tickets.read"]}}
                                       ))["createRole"]["id"]
            objects = {
                "User": [{"id": home.customer.id}, {"id": home.agent.id}],
                "Company": [{"id": home.id}],
                "Role": [{"id": global_role}, {"id": own_role}],
                "ServiceItem": [{"id": home.item_id}],
                "Ticket": [{"id": ticket["id"], "status": ticket["status"]}],
            }
            subgraphs = {"users": services.users, "tickets": services.tickets, "chat": chat,
                         "notifications": notifications, "ia": ia}
            yield Probed(desk, gateway, subgraphs, home, away, ticket, objects, platform_wide={global_role})


async def _chat_ready(customer: Member, ticket_id: str) -> bool:
    answer = await customer("query($t: ID!) { ticket(id: $t) { canChat } }", {"t": ticket_id})
    return bool(answer.data and answer.data["ticket"] and answer.data["ticket"]["canChat"])


def _schema_of(sdl: str) -> GraphQLSchema:
    document = parse(sdl)
    return build_ast_schema(document, assume_valid=True, assume_valid_sdl=True)


async def entity_types(service: RunningService) -> dict[str, list[str]]:
    """The types `service` resolves as entities, each with the fields it contributes (selections, sub-selected
    where needed); @external fields and fields with required arguments left out."""
    sdl = (await service.client("{ _service { sdl } }")).ok()["_service"]["sdl"]
    schema = _schema_of(sdl)
    found: dict[str, list[str]] = {}
    for definition in parse(sdl).definitions:
        name = getattr(getattr(definition, "name", None), "value", None)
        directives = getattr(definition, "directives", None) or []
        keys = [d for d in directives if d.name.value == "key"]
        if not name or not keys or any("resolvable: false" in str(d.loc.source.body[d.loc.start:d.loc.end])
                                       for d in keys if d.loc):
            continue
        external = {f.name.value for f in getattr(definition, "fields", None) or []
                    if any(d.name.value == "external" for d in f.directives or [])}
        kind = schema.type_map[name]
        assert isinstance(kind, GraphQLObjectType)
        found[name] = [_selection(field_name, field.type) for field_name, field in kind.fields.items()
                       if field_name not in external
                       and not any(isinstance(a.type, GraphQLNonNull) and a.default_value is None
                                   for a in field.args.values())]
    return found


def _selection(name: str, kind: Any) -> str:
    named = get_named_type(kind)
    if not isinstance(named, GraphQLObjectType):
        return name
    inner = "totalCount" if "totalCount" in named.fields else "__typename"
    return f"{name} {{ {inner} }}"


def seen(type_name: str, field: str, shown: dict[str, Any]) -> Any:
    """The shape of `field` of an object as a caller got it, a "may I" field's false counted as hidden."""
    value = shown.get(field)
    return None if value is False and (type_name, field) in FALSE_IS_HIDDEN else shape(value)


def shape(value: Any) -> Any:
    """What a value shows, not what it is (times and counters move between two reads): hidden or shown, a list's
    length, an object's fields."""
    if value is None or value == []:  # a list a caller may not read is empty when it cannot be null
        return None
    if isinstance(value, list):
        return ("list", len(value))
    if isinstance(value, dict):
        return {key: shape(inner) for key, inner in value.items()}
    return "shown"


def callers(probed: Probed) -> dict[str, Client]:
    home, away = probed.home, probed.away
    people = {"admin": home.admin, "agent": home.agent, "other_agent": home.other_agent, "intern": home.intern,
              "customer": home.customer, "colleague": home.colleague, "away_admin": away.admin,
              "away_customer": away.customer}
    chosen = {role: member.client for role, member in people.items()}
    chosen["platform_root"] = probed.desk.root.client
    return chosen


def codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code") for e in body.get("errors") or []}


@pytest.mark.parametrize("service", ["users", "tickets", "chat", "notifications", "ia"])
async def test_entities_show_what_the_root_query_shows(probed: Probed, http: httpx.AsyncClient, service: str) -> None:
    running = probed.subgraphs[service]
    types = await entity_types(running)
    assert types, f"{service} resolves no entity"
    mismatches: list[str] = []
    probes = 0
    for type_name, selections in types.items():
        fields = [s.split(" ", 1)[0] for s in selections]
        selection = " ".join(selections)
        entities_query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on " + type_name
                          + " { " + selection + " } } }")
        root_query = "query($id: ID!) { " + ROOT_FIELD[type_name] + "(id: $id) { " + selection + " } }"
        for representation in probed.objects[type_name]:
            for role, client in callers(probed).items():
                headers = {"authorization": f"Bearer {client.token}"}
                direct = (await http.post(f"{running.url}/graphql", headers=headers, json={
                    "query": entities_query,
                    "variables": {"r": [{"__typename": type_name, **representation}]}})).json()
                root = (await http.post(f"{probed.gateway}/graphql", headers=headers, json={
                    "query": root_query, "variables": {"id": representation["id"]}})).json()
                probes += 1
                where = f"{service} {type_name} {representation['id']} as {role}"
                assert "INTERNAL_SERVER_ERROR" not in codes(direct) | codes(root), (where, direct, root)
                entity = ((direct.get("data") or {}).get("_entities") or [None])[0] or {}
                through_root = (root.get("data") or {}).get(ROOT_FIELD[type_name]) or {}
                outsider = role.startswith("away_") and representation["id"] not in probed.platform_wide
                for field in fields:
                    if field in IN_COMPANY.get(type_name, set()) or field == "id":  # the id is the caller's own
                        if outsider and field != "id" and entity.get(field) is not None:
                            mismatches.append(f"{where}: {field} shown outside the company")
                        continue
                    if seen(type_name, field, entity) != seen(type_name, field, through_root):
                        mismatches.append(f"{where}: {field} is {shape(entity.get(field))} through _entities, "
                                          f"{shape(through_root.get(field))} through {ROOT_FIELD[type_name]}()")
    assert probes >= len(types) * 9
    assert not mismatches, "\n".join(mismatches)


def test_the_probe_reads_every_entity_type_of_the_product() -> None:
    schema_dir = Path(__file__).resolve().parents[2] / "schema"
    entity_types_in_sdl = {line.split()[1] for path in schema_dir.glob("*.graphql") if path.stem != "supergraph"
                           for line in path.read_text().splitlines()
                           if line.startswith("type ") and "@key" in line and "resolvable: false" not in line}
    assert entity_types_in_sdl == set(ROOT_FIELD), "a new entity type needs its root query named here"


@pytest.mark.parametrize("service", ["users", "tickets", "chat", "notifications", "ia"])
async def test_a_malformed_representation_is_bad_user_input(probed: Probed, http: httpx.AsyncClient,
                                                            service: str) -> None:
    """What a client sends as representations is input like any other: a wrong one is refused by name for that
    entity, with the others answered, and never an internal error."""
    running = probed.subgraphs[service]
    [type_name, *_] = await entity_types(running)
    own = {"id": probed.home.admin.id} if type_name == "User" else probed.objects[type_name][0]  # a User: yourself
    good = {"__typename": type_name, **own}
    bad = [{"id": good["id"]}, {"__typename": "Nonesuch", "id": good["id"]}, {"__typename": type_name}, "User", 7]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    body = (await http.post(f"{running.url}/graphql", json={"query": query, "variables": {"r": [good, *bad]}},
                            headers={"authorization": f"Bearer {probed.home.admin.client.token}"})).json()
    assert body["data"]["_entities"][0] == {"__typename": type_name}, body
    assert body["data"]["_entities"][1:] == [None] * len(bad), body
    assert sorted(e["path"][1] for e in body["errors"]) == list(range(1, len(bad) + 1)), body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}, body
