"""Composition succeeds for each federation directive and prints the join facts it implies."""

from __future__ import annotations

from composition_support import block, fed2, line, sources
from graphql import build_schema

from supergraph.composition import compose


def compose_ok(**sdls: str) -> str:
    result = compose(sources(**sdls))
    assert result.errors == (), [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    build_schema(result.supergraph_sdl)  # the supergraph is itself a valid schema
    return result.supergraph_sdl


def test_key_compound_and_multiple_keys_and_resolvable_false() -> None:
    sdl = compose_ok(
        users=fed2(
            'type User @key(fields: "id") @key(fields: "org { id } email") '
            "{ id: ID! email: String! org: Org! } type Org @shareable { id: ID! } "
            "type Query { me: User }"
        ),
        tickets=fed2('type User @key(fields: "id", resolvable: false) { id: ID! } type Query { owner: User }'),
    )

    user = block(sdl, "type User")
    assert '@join__type(graph: USERS, key: "id")' in user
    assert '@join__type(graph: USERS, key: "org { id } email")' in user
    assert '@join__type(graph: TICKETS, key: "id", resolvable: false)' in user
    assert line(sdl, "type User", "email") == "email: String! @join__field(graph: USERS)"
    assert line(sdl, "type User", "id") == "id: ID!"


def test_shareable_value_type_needs_no_join_field() -> None:
    sdl = compose_ok(
        a=fed2("type Money @shareable { amount: Int currency: String } type Query { a: Money }"),
        b=fed2("type Money @shareable { amount: Int currency: String } type Query { b: Money }"),
    )

    assert "@join__type(graph: A)\n  @join__type(graph: B)" in block(sdl, "type Money")
    assert line(sdl, "type Money", "amount") == "amount: Int"


def test_external_requires_and_provides() -> None:
    sdl = compose_ok(
        products=fed2(
            'type Product @key(fields: "upc") { upc: String! weight: Int price: Int @shareable } '
            "type Query { top: [Product] }"
        ),
        inventory=fed2(
            'type Product @key(fields: "upc") { upc: String! weight: Int @external '
            'price: Int @external estimate: Int @requires(fields: "price weight") }'
        ),
        reviews=fed2(
            'type Review { body: String product: Product @provides(fields: "price") } '
            'type Product @key(fields: "upc") { upc: String! price: Int @external } '
            "type Query { reviews: [Review] }"
        ),
    )

    assert line(sdl, "type Product", "estimate") == (
        'estimate: Int @join__field(graph: INVENTORY, requires: "price weight")'
    )
    assert line(sdl, "type Product", "price") == (
        "price: Int @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS) "
        "@join__field(graph: REVIEWS, external: true)"
    )
    assert line(sdl, "type Review", "product") == ('product: Product @join__field(graph: REVIEWS, provides: "price")')


def test_override_moves_the_field_and_drops_the_old_source() -> None:
    sdl = compose_ok(
        old=fed2('type User @key(fields: "id") { id: ID! score: Int } type Query { u: User }'),
        new=fed2('type User @key(fields: "id") { id: ID! score: Int @override(from: "old") }'),
    )

    assert line(sdl, "type User", "score") == 'score: Int @join__field(graph: NEW, override: "old")'


def test_override_of_a_used_field_keeps_it_as_used_overridden() -> None:
    sdl = compose_ok(
        old=fed2('type User @key(fields: "id email") { id: ID! email: String } type Query { u: User }'),
        new=fed2('type User @key(fields: "id") { id: ID! email: String @override(from: "old") }'),
    )

    assert line(sdl, "type User", "email") == (
        'email: String @join__field(graph: NEW, override: "old") @join__field(graph: OLD, usedOverridden: true)'
    )


def test_progressive_override_label_uses_join_v0_4() -> None:
    sdl = compose_ok(
        old=fed2('type User @key(fields: "id") { id: ID! score: Int } type Query { u: User }', "2.7"),
        new=fed2(
            'type User @key(fields: "id") { id: ID! score: Int @override(from: "old", label: "percent(5)") }',
            "2.7",
        ),
    )

    assert '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)' in sdl
    assert line(sdl, "type User", "score") == (
        'score: Int @join__field(graph: NEW, override: "old", overrideLabel: "percent(5)") '
        '@join__field(graph: OLD, overrideLabel: "percent(5)")'
    )


def test_inaccessible_and_tag_are_kept_with_their_spec_links() -> None:
    sdl = compose_ok(
        a=fed2(
            'type Query { a(x: Int @tag(name: "arg")): Secret @tag(name: "public") } '
            "type Secret @inaccessible { v: Int } enum Level { LOW HIGH @inaccessible }"
        ),
    )

    assert '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)' in sdl
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in sdl
    assert "directive @inaccessible on FIELD_DEFINITION" in sdl
    assert block(sdl, "type Secret").endswith("@inaccessible\n{\n  v: Int\n}")
    assert line(sdl, "type Query", "a") == ('a(x: Int @tag(name: "arg")): Secret @tag(name: "public")')
    assert line(sdl, "enum Level", "HIGH") == "HIGH @join__enumValue(graph: A) @inaccessible"


def test_interface_object_fields_reach_every_implementation() -> None:
    sdl = compose_ok(
        assets=fed2(
            'interface Asset @key(fields: "id") { id: ID! } '
            'type Laptop implements Asset @key(fields: "id") { id: ID! cpu: String } '
            "type Query { asset: Asset }"
        ),
        warranty=fed2('type Asset @key(fields: "id") @interfaceObject { id: ID! ends: String }'),
    )

    asset = block(sdl, "interface Asset")
    assert '@join__type(graph: ASSETS, key: "id")' in asset
    assert '@join__type(graph: WARRANTY, key: "id", isInterfaceObject: true)' in asset
    assert line(sdl, "interface Asset", "ends") == "ends: String @join__field(graph: WARRANTY)"
    assert line(sdl, "type Laptop", "ends") == "ends: String @join__field"
    assert '@join__implements(graph: ASSETS, interface: "Asset")' in block(sdl, "type Laptop")


def test_unions_and_output_enums_merge_every_member_and_value() -> None:
    sdl = compose_ok(
        a=fed2(
            "type T @shareable { x: Int } type U @shareable { y: Int } union R = T "
            "enum Color { RED } type Query { r: R c: Color }"
        ),
        b=fed2(
            "type U @shareable { y: Int } type T @shareable { x: Int } union R = U "
            "enum Color { BLUE } "
            "type Query { r2: R c2: Color }"
        ),
    )

    union = block(sdl, "union R")
    assert '@join__unionMember(graph: A, member: "T")' in union
    assert '@join__unionMember(graph: B, member: "U")' in union
    assert union.endswith("= T | U")
    assert line(sdl, "enum Color", "BLUE") == "BLUE @join__enumValue(graph: B)"


def test_input_types_and_input_enums_keep_what_all_subgraphs_accept() -> None:
    sdl = compose_ok(
        a=fed2("input F { a: Int b: String } enum Mode { FAST SLOW } type Query { q(f: F, m: Mode): Int }"),
        b=fed2("input F { a: Int! c: Int } enum Mode { FAST } type Query { q2(f: F, m: Mode): Int }"),
    )

    assert line(sdl, "input F", "a") == (
        'a: Int! @join__field(graph: A, type: "Int") @join__field(graph: B, type: "Int!")'
    )
    assert "b:" not in block(sdl, "input F") and "c:" not in block(sdl, "input F")
    assert "SLOW" not in block(sdl, "enum Mode")


def test_output_types_merge_to_the_common_supertype() -> None:
    sdl = compose_ok(
        a=fed2("type Query { n: String! @shareable }"),
        b=fed2("type Query { n: String @shareable }"),
    )

    assert line(sdl, "type Query", "n") == (
        'n: String @join__field(graph: A, type: "String!") @join__field(graph: B, type: "String")'
    )


def test_descriptions_defaults_and_deprecations_are_kept() -> None:
    sdl = compose_ok(
        a=fed2(
            '"""Where work is tracked."""\ntype Query { list("how many" first: Int = 10): '
            '[Int] old: Int @deprecated(reason: "gone") }'
        ),
    )

    assert '"""Where work is tracked."""\ntype Query' in sdl
    assert '"""how many"""' in sdl and "first: Int = 10" in sdl
    assert line(sdl, "type Query", "old") == 'old: Int @deprecated(reason: "gone")'


def test_renamed_roots_and_subscriptions() -> None:
    sdl = compose_ok(
        a=fed2(
            "schema { query: RootQuery mutation: RootMutation } "
            "type RootQuery { a: Int } type RootMutation { setA(v: Int): Int }"
        ),
        b=fed2("type Query { b: Int } type Subscription { changed: Int }"),
    )

    assert "query: Query\n  mutation: Mutation\n  subscription: Subscription" in sdl
    assert "RootQuery" not in sdl
    assert line(sdl, "type Mutation", "setA") == "setA(v: Int): Int"


def test_federation_machinery_is_removed() -> None:
    subgraph = fed2(
        "scalar _Any union _Entity = User type _Service { sdl: String! } "
        'type User @key(fields: "id") { id: ID! } '
        "type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! "
        "me: User }",
        "2.11",
    )

    sdl = compose_ok(users=subgraph)

    for name in (
        "_Any",
        "_Entity",
        "_Service",
        "_entities",
        "_service",
        "federation__",
        "FieldSet!",
    ):
        assert name not in sdl


def test_join_version_follows_the_newest_federation_version() -> None:
    body = "type Query { a: Int }"
    for version, join in (("2.3", "v0.3"), ("2.7", "v0.4"), ("2.11", "v0.5")):
        sdl = compose_ok(a=fed2(body, version))
        assert f'@link(url: "https://specs.apollo.dev/join/{join}", for: EXECUTION)' in sdl


def test_type_extension_in_federation_2_is_marked() -> None:
    sdl = compose_ok(
        a=fed2('type User @key(fields: "id") { id: ID! name: String } type Query { u: User }'),
        b=fed2('extend type User @key(fields: "id") { id: ID! age: Int }'),
    )

    assert '@join__type(graph: B, key: "id", extension: true)' in block(sdl, "type User")


def test_renamed_and_namespaced_federation_directives() -> None:
    sdl = compose_ok(
        a='extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", as: "fed", '
        'import: [{name: "@key", as: "@entity"}])\n'
        'type User @entity(fields: "id") { id: ID! name: String @fed__shareable } '
        "type Query { u: User }",
        b=fed2('type User @key(fields: "id") { id: ID! name: String @shareable }'),
    )

    assert '@join__type(graph: A, key: "id")' in block(sdl, "type User")
    assert line(sdl, "type User", "name") == "name: String"


def test_ten_subgraphs_with_four_hundred_types_compose() -> None:
    """Every subgraph's fields join one User; how long it takes is the gateway benchmark's to say, not a test's."""
    subgraphs = {
        f"s{i}": fed2(
            f'type User @key(fields: "id") {{ id: ID! f{i}: String }} '
            f"type Query {{ q{i}: User }} "
            + " ".join(f"type T{i}_{j} {{ a: Int b(x: Int): String }}" for j in range(40))
        )
        for i in range(10)
    }

    sdl = compose_ok(**subgraphs)

    user = block(sdl, "type User")
    assert all(f"f{i}: String" in user for i in range(10))
    assert all(f"type T{i}_39" in sdl for i in range(10))
