"""Federation 1 subgraphs (no `@link`): `extend type`, keys on extensions, implicit sharing."""

from __future__ import annotations

from composition_support import block, line, sources

from supergraph.composition import compose

ACCOUNTS = """
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String }
type Money { amount: Int }
"""
REVIEWS = """
extend type Query { topReviewers: [User] }
extend type User @key(fields: "id") {
  id: ID! @external
  name: String @external
  nick: String @requires(fields: "name")
  stale: String @external
}
type Money { amount: Int }
"""


def test_extensions_compose_as_plain_entities() -> None:
    result = compose(sources(accounts=ACCOUNTS, reviews=REVIEWS))

    assert result.errors == ()
    sdl = result.supergraph_sdl or ""
    assert '@join__type(graph: REVIEWS, key: "id")' in block(sdl, "type User")
    assert "extension: true" not in sdl
    assert line(sdl, "type User", "id") == "id: ID!"  # the extension's key field is not external
    assert line(sdl, "type User", "name") == (
        "name: String @join__field(graph: ACCOUNTS) @join__field(graph: REVIEWS, external: true)"
    )
    assert "stale" not in sdl  # an unused @external goes away
    assert line(sdl, "type Money", "amount") == "amount: Int"  # value types are shared


def test_fed1_and_fed2_subgraphs_compose_together() -> None:
    fed2 = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        'type User @key(fields: "id") { id: ID! karma: Int }'
    )

    result = compose(sources(accounts=ACCOUNTS, karma=fed2))

    assert result.errors == ()
    assert line(result.supergraph_sdl or "", "type User", "karma") == ("karma: Int @join__field(graph: KARMA)")


def test_extension_without_a_base_type() -> None:
    result = compose(
        sources(reviews='extend type Review @key(fields: "id") { id: ID! @external } type Query { a: Int }')
    )

    error = next(e for e in result.errors if e.code == "EXTENSION_WITH_NO_BASE")
    assert error.subgraphs == ("reviews",) and error.coordinates == ("Review",)
