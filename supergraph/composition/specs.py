"""The `link`, `join`, `tag` and `inaccessible` spec definitions a supergraph carries.

https://specs.apollo.dev/join/v0.5 (v0.3 and v0.4 are subsets), https://specs.apollo.dev/link/v1.0
"""

from __future__ import annotations

from supergraph.composition.model import Version

LINK_URL = "https://specs.apollo.dev/link/v1.0"
TAG_URL = "https://specs.apollo.dev/tag/v0.3"
INACCESSIBLE_URL = "https://specs.apollo.dev/inaccessible/v0.2"

_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | "
    "ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
INACCESSIBLE_DIRECTIVE = f"directive @inaccessible on {_LOCATIONS}"
TAG_DIRECTIVE = f"directive @tag(name: String!) repeatable on {_LOCATIONS} | SCHEMA"
LINK_DIRECTIVE = (
    "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA"
)
LINK_TYPES = (
    "scalar link__Import",
    'enum link__Purpose {\n  """\n  `SECURITY` features provide metadata necessary to securely '
    'resolve fields.\n  """\n  SECURITY\n\n  """\n  `EXECUTION` features provide metadata '
    'necessary for operation execution.\n  """\n  EXECUTION\n}',
)


def join_version(federation: Version) -> str:
    """The join spec version Apollo composition emits for the newest federation version used."""
    if federation >= (2, 8):
        return "0.5"
    if federation >= (2, 7):
        return "0.4"
    return "0.3"


def join_directives(version: str) -> list[str]:
    field_args = (
        "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
        "external: Boolean, override: String, usedOverridden: Boolean"
    )
    if version >= "0.4":
        field_args += ", overrideLabel: String"
    if version >= "0.5":
        field_args += ", contextArguments: [join__ContextArgument!]"
    directives = [
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
        f"directive @join__field({field_args}) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, "
        "extension: Boolean! = false, resolvable: Boolean! = true, "
        "isInterfaceObject: Boolean! = false) repeatable on OBJECT | "
        "INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
    ]
    if version >= "0.4":
        directives.append(
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: "
            "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
        )
    return directives


def join_types(version: str) -> list[str]:
    types = ["scalar join__FieldSet"]
    if version >= "0.4":
        types.append("scalar join__DirectiveArguments")
    if version >= "0.5":
        types.append("scalar join__FieldValue")
        types.append(
            "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n"
            "  selection: join__FieldValue!\n}"
        )
    return types
