"""Reading supergraphs: join v0.1 with `@core`, renamed specs, keys and field owners."""

from __future__ import annotations

from supergraph.api_schema import api_schema_sdl
from supergraph.model import build_model

JOIN_V01 = """
schema
  @core(feature: "https://specs.apollo.dev/core/v0.1")
  @core(feature: "https://specs.apollo.dev/join/v0.1")
{ query: Query }

directive @core(feature: String!) repeatable on SCHEMA
directive @join__owner(graph: join__Graph!) on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on OBJECT | INTERFACE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet) on FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
scalar join__FieldSet
enum join__Graph {
  USERS @join__graph(name: "users" url: "http://users/graphql")
  TICKETS @join__graph(name: "tickets" url: "http://tickets/graphql")
}

type Query {
  me: User @join__field(graph: USERS)
  tickets: [Ticket] @join__field(graph: TICKETS)
}

type User @join__owner(graph: USERS) @join__type(graph: USERS, key: "id") @join__type(graph: TICKETS, key: "id") {
  id: ID!
  name: String
  tickets: [Ticket] @join__field(graph: TICKETS)
}

type Ticket { id: ID! title: String }
"""

RENAMED = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", as: "fed", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", as: "hidden", for: SECURITY)
  @link(url: "https://specs.apollo.dev/tag/v0.3")
{ query: Query }

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @fed__type(graph: fed__Graph!, key: fed__FieldSet, resolvable: Boolean = true) repeatable on OBJECT
directive @fed__field(graph: fed__Graph, external: Boolean) repeatable on FIELD_DEFINITION
directive @fed__graph(name: String!, url: String!) on ENUM_VALUE
directive @hidden on FIELD_DEFINITION | OBJECT | ENUM_VALUE
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT
scalar fed__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum fed__Graph { A @fed__graph(name: "a", url: "http://a") B @fed__graph(name: "b", url: "http://b") }

type Query @fed__type(graph: A) @fed__type(graph: B) {
  users: [User] @fed__field(graph: A)
  audit: Audit @fed__field(graph: B) @hidden
}
type User @fed__type(graph: A, key: "id") @fed__type(graph: B, key: "id", resolvable: false) @tag(name: "public") {
  id: ID!
  level: Level @fed__field(graph: A)
}
enum Level @fed__type(graph: A) { LOW HIGH SECRET @hidden }
type Audit @fed__type(graph: B) @hidden { id: ID! }
"""


def test_join_v01_owner_and_value_types() -> None:
    model = build_model(JOIN_V01)
    user = model.types["User"]
    assert model.graphs == {"USERS": "users", "TICKETS": "tickets"}
    assert user.fields["name"].resolvable_in == {"users"}
    assert user.fields["tickets"].resolvable_in == {"tickets"}
    assert {k.fields for k in user.resolvable_keys("tickets")} == {"id"}
    # a type without join__type is a value type every subgraph can resolve
    assert model.types["Ticket"].fields["title"].resolvable_in == {"users", "tickets"}


def test_renamed_specs_and_resolvable_false() -> None:
    model = build_model(RENAMED)
    user = model.types["User"]
    assert user.resolvable_keys("a")[0].fields == "id"
    assert user.resolvable_keys("b") == ()
    assert model.urls == {"a": "http://a", "b": "http://b"}


def test_api_schema_drops_machinery_and_inaccessible_elements() -> None:
    sdl = api_schema_sdl(RENAMED)
    served, _, sdl = sdl.partition(") on FRAGMENT_SPREAD | INLINE_FRAGMENT\n\n")
    assert "directive @defer(" in served  # the gateway's own: incremental delivery
    assert sdl == (
        "type Query {\n  users: [User]\n}\n\n"
        "type User {\n  id: ID!\n  level: Level\n}\n\n"
        "enum Level {\n  LOW\n  HIGH\n}"
    )
