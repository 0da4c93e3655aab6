"""Composition errors carry Apollo's codes and name the subgraphs, types and fields involved."""

from __future__ import annotations

from composition_support import fed2, sources

from supergraph.composition import CompositionError, SubgraphSource, compose


def errors_of(**sdls: str) -> tuple[CompositionError, ...]:
    result = compose(sources(**sdls))
    assert result.supergraph_sdl is None
    assert result.errors
    return result.errors


def only(errors: tuple[CompositionError, ...], code: str) -> CompositionError:
    found = [e for e in errors if e.code == code]
    assert len(found) == 1, [str(e) for e in errors]
    return found[0]


QUERY = "type Query { me: User }"
USER = 'type User @key(fields: "id") { id: ID! name: String }'


def test_non_shareable_field_resolved_in_two_subgraphs() -> None:
    error = only(errors_of(users=fed2(USER + QUERY), tickets=fed2(USER)), "INVALID_FIELD_SHARING")

    assert error.subgraphs == ("tickets", "users")
    assert error.coordinates == ("User.name",)
    assert '"User.name"' in error.message and '"tickets" and "users"' in error.message


def test_key_naming_a_missing_field() -> None:
    error = only(
        errors_of(users=fed2('type User @key(fields: "uuid") { id: ID! } ' + QUERY)),
        "KEY_INVALID_FIELDS",
    )

    assert error.subgraphs == ("users",)
    assert '[users] On type "User", for @key(fields: "uuid")' in error.message
    assert 'Cannot query field "uuid" on type "User"' in error.message


def test_key_selecting_a_list() -> None:
    error = only(
        errors_of(users=fed2('type User @key(fields: "ids") { ids: [ID!]! } ' + QUERY)),
        "KEY_FIELDS_SELECT_INVALID_TYPE",
    )

    assert error.coordinates == ("User.ids",)
    assert "List" in error.message


def test_requires_naming_a_missing_field() -> None:
    sdl = fed2('type User @key(fields: "id") { id: ID! greeting: String @requires(fields: "nick") } ' + QUERY)

    error = only(errors_of(users=sdl), "REQUIRES_INVALID_FIELDS")

    assert error.coordinates == ("User.greeting",)
    assert '"nick"' in error.message and "[users]" in error.message


def test_requires_on_a_field_that_is_not_external() -> None:
    sdl = fed2(
        'type User @key(fields: "id") { id: ID! name: String greeting: String @requires(fields: "name") } ' + QUERY
    )

    error = only(errors_of(users=sdl), "REQUIRES_FIELDS_MISSING_EXTERNAL")

    assert error.coordinates == ("User.greeting", "User.name")
    assert "not marked @external" in error.message


def test_provides_naming_a_missing_field_and_on_a_leaf() -> None:
    sdl = fed2(
        'type User @key(fields: "id") { id: ID! } '
        'type Query { me: User @provides(fields: "nick") count: Int @provides(fields: "x") }'
    )

    errors = errors_of(users=sdl)

    assert only(errors, "PROVIDES_INVALID_FIELDS").coordinates == ("Query.me",)
    assert only(errors, "PROVIDES_ON_NON_OBJECT_FIELD").coordinates == ("Query.count",)


def test_unused_external() -> None:
    sdl = fed2('type User @key(fields: "id") { id: ID! name: String @external } ' + QUERY)

    error = only(errors_of(users=sdl, accounts=fed2(USER)), "EXTERNAL_UNUSED")

    assert error.subgraphs == ("users",) and error.coordinates == ("User.name",)


def test_override_from_an_unknown_subgraph() -> None:
    sdl = fed2('type User @key(fields: "id") { id: ID! name: String @override(from: "acounts") } ' + QUERY)

    error = only(errors_of(users=sdl), "FROM_SUBGRAPH_DOES_NOT_EXIST")

    assert error.subgraphs == ("users",) and error.coordinates == ("User.name",)
    assert '"acounts"' in error.message


def test_override_from_itself() -> None:
    sdl = fed2('type User @key(fields: "id") { id: ID! name: String @override(from: "users") } ' + QUERY)

    assert only(errors_of(users=sdl), "OVERRIDE_FROM_SELF_ERROR").coordinates == ("User.name",)


def test_conflicting_field_types() -> None:
    error = only(
        errors_of(
            a=fed2("type Query { n: Int @shareable }"),
            b=fed2("type Query { n: String @shareable }"),
        ),
        "FIELD_TYPE_MISMATCH",
    )

    assert error.subgraphs == ("a", "b") and error.coordinates == ("Query.n",)
    assert 'type "Int" in subgraph "a"' in error.message
    assert 'type "String" in subgraph "b"' in error.message


def test_type_kind_mismatch() -> None:
    error = only(
        errors_of(
            a=fed2("type Query { a: Int } type Thing { x: Int }"),
            b=fed2("type Query { b: Int } interface Thing { x: Int }"),
        ),
        "TYPE_KIND_MISMATCH",
    )

    assert error.coordinates == ("Thing",)
    assert 'an Object Type in subgraph "a" but an Interface Type in subgraph "b"' in error.message


def test_enum_used_as_input_and_output_with_different_values() -> None:
    error = only(
        errors_of(
            a=fed2("enum Mode { FAST SLOW } type Query { a(m: Mode): Mode }"),
            b=fed2("enum Mode { FAST } type Query { b: Int }"),
        ),
        "ENUM_VALUE_MISMATCH",
    )

    assert error.coordinates == ("Mode.SLOW",)
    assert 'defined in subgraph "a" but not in subgraph "b"' in error.message


def test_required_input_field_missing_elsewhere() -> None:
    error = only(
        errors_of(
            a=fed2("input F { a: Int! b: Int } type Query { a(f: F): Int }"),
            b=fed2("input F { b: Int } type Query { b(f: F): Int }"),
        ),
        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
    )

    assert error.coordinates == ("F.a",) and error.subgraphs == ("a", "b")


def test_external_everywhere() -> None:
    sdl = fed2(
        'type User @key(fields: "id") { id: ID! name: String @external '
        'hello: String @requires(fields: "name") } ' + QUERY
    )

    error = only(errors_of(users=sdl), "EXTERNAL_MISSING_ON_BASE")

    assert error.coordinates == ("User.name",)


def test_interface_field_not_implemented() -> None:
    error = only(
        errors_of(
            a=fed2("interface I { x: Int } type T implements I { x: Int } type Query { i: I }"),
            b=fed2("interface I { x: Int y: Int } type U implements I { x: Int y: Int } type Query { u: U }"),
        ),
        "INTERFACE_FIELD_NO_IMPLEM",
    )

    assert error.coordinates == ("I.y", "T")
    assert 'type "T", which implements "I" only in subgraph "a"' in error.message


def test_syntax_errors_and_unknown_versions_name_the_subgraph() -> None:
    result = compose(
        [
            SubgraphSource("broken", "http://broken", "type Query {"),
            SubgraphSource("future", "http://future", fed2("type Query { a: Int }", "2.99")),
        ]
    )

    codes = {e.code: e for e in result.errors}
    assert codes["INVALID_GRAPHQL"].subgraphs == ("broken",)
    assert codes["UNKNOWN_FEDERATION_LINK_VERSION"].subgraphs == ("future",)


def test_all_errors_are_collected() -> None:
    errors = errors_of(
        users=fed2('type User @key(fields: "uuid") { id: ID! } ' + QUERY),
        tickets=fed2('type Ticket @key(fields: "nope") { id: ID! } type Query { t: Ticket }'),
    )

    assert [e.subgraphs for e in errors] == [("tickets",), ("users",)]


def test_directives_not_composed_yet_fail_loudly() -> None:
    sdl = fed2("type Query { a: Int @authenticated }", "2.5").replace('"@key"', '"@authenticated", "@key"')

    error = only(errors_of(a=sdl), "UNSUPPORTED_FEATURE")

    assert error.subgraphs == ("a",) and "@authenticated" in error.message
