"""Breaking and dangerous changes between two SDL texts, each with its schema coordinate and line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSchema,
    Node,
    build_ast_schema,
    parse,
)
from graphql.language import get_location
from graphql.utilities import BreakingChange, DangerousChange, find_breaking_changes, find_dangerous_changes

# `T.f(a:)` or `@d(a:)`, `@d`, `T.f`: the most specific coordinate a message names comes first
_SPECIFIC = re.compile(r"@?[_A-Za-z]\w*(?:\.[_A-Za-z]\w*)?\([_A-Za-z]\w*:\)|@[_A-Za-z]\w*|[_A-Za-z]\w*\.[_A-Za-z]\w*")
# a member added to or removed from a union or an interface list: the change belongs to the container
_CONTAINER = re.compile(r"(?:union type|implemented by) ([_A-Za-z]\w*)")


@dataclass(frozen=True)
class SchemaChange:
    """One difference that can hurt a client: `severity` is "breaking" or "dangerous"."""

    severity: str
    kind: str  # graphql-core's change type, e.g. FIELD_REMOVED
    coordinate: str  # schema coordinate, e.g. Ticket.title or Query.tickets(first:)
    description: str
    line: int | None  # in the new SDL, or in the old one for what is gone
    in_base: bool  # `line` refers to the old SDL


def buildable(sdl: str) -> tuple[DocumentNode, GraphQLSchema]:
    """A subgraph SDL uses federation directives it does not define: build it without SDL validation,
    which keeps every type, field, argument and enum value for the comparison."""
    document = parse(sdl)
    return document, build_ast_schema(document, assume_valid_sdl=True)


def compare(old_sdl: str, new_sdl: str) -> list[SchemaChange]:
    """The breaking changes, then the dangerous ones, of going from `old_sdl` to `new_sdl`."""
    old_document, old_schema = buildable(old_sdl)
    new_document, new_schema = buildable(new_sdl)
    old_lines, new_lines = coordinate_lines(old_document), coordinate_lines(new_document)
    found: list[tuple[str, BreakingChange | DangerousChange]] = [
        ("breaking", c) for c in find_breaking_changes(old_schema, new_schema)]
    found += [("dangerous", c) for c in find_dangerous_changes(old_schema, new_schema)]
    changes = []
    for severity, change in found:
        where = coordinate_of(change.description)
        line = new_lines.get(where)
        changes.append(SchemaChange(severity, change.type.name, where, change.description,
                                    line if line is not None else old_lines.get(where), line is None))
    return changes


def coordinate_of(description: str) -> str:
    specific = _SPECIFIC.search(description)
    if specific:
        return specific.group()
    container = _CONTAINER.search(description)
    if container:
        return container.group(1)
    return description.removeprefix("Standard scalar ").split()[0].rstrip(".")


def coordinate_lines(document: DocumentNode) -> dict[str, int]:
    """Schema coordinate -> line of its definition (types, fields, arguments, enum and input values)."""
    lines: dict[str, int] = {}
    for definition in document.definitions:
        name = getattr(definition, "name", None)
        if name is None:
            continue
        if isinstance(definition, DirectiveDefinitionNode):
            owner = f"@{name.value}"
            lines.setdefault(owner, _line(definition))
            for arg in definition.arguments or ():
                lines.setdefault(f"{owner}({arg.name.value}:)", _line(arg))
            continue
        lines.setdefault(name.value, _line(definition))
        members = definition.values if isinstance(definition, EnumTypeDefinitionNode | EnumTypeExtensionNode) \
            else getattr(definition, "fields", None)
        for member in members or ():
            coordinate = f"{name.value}.{member.name.value}"
            lines.setdefault(coordinate, _line(member))
            for arg in getattr(member, "arguments", None) or ():
                lines.setdefault(f"{coordinate}({arg.name.value}:)", _line(arg))
    return lines


def _line(node: Node) -> int:
    """The line of the node's name: a description above it is not where the definition is."""
    named = getattr(node, "name", None) or node
    assert named.loc is not None
    return get_location(named.loc.source, named.loc.start).line
