"""Resolve a FieldSet (`@key`/`@requires`/`@provides` `fields:`) against one subgraph's types."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError
from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode, TokenKind
from graphql.language.parser import Parser

from supergraph.composition.model import Field, Subgraph
from supergraph.composition.type_refs import base_name

COMPOSITE_KINDS = ("object", "interface", "union")


@dataclass(frozen=True)
class Selected:
    """A field a FieldSet selects, and how it was selected."""

    field: Field
    has_selection: bool
    has_arguments: bool
    under_external: bool  # some enclosing selected field is @external
    depth: int


class FieldSetError(Exception):
    """The FieldSet does not parse or selects what the type does not have."""


def parse_field_set(text: str) -> SelectionSetNode:
    try:
        parser = Parser("{" + text + "}", no_location=True)
        parser.expect_token(TokenKind.SOF)
        selection_set = parser.parse_selection_set()
        parser.expect_token(TokenKind.EOF)
        return selection_set
    except GraphQLError as error:
        raise FieldSetError(f"invalid syntax: {error.message}") from error


def select(subgraph: Subgraph, parent: str, text: str) -> list[Selected]:
    """Every field `text` selects from type `parent`, outermost first; raises FieldSetError."""
    found: list[Selected] = []
    _walk(subgraph, parent, parse_field_set(text), found, under_external=False, depth=0)
    return found


def _walk(
    subgraph: Subgraph,
    parent: str,
    selection_set: SelectionSetNode,
    found: list[Selected],
    *,
    under_external: bool,
    depth: int,
) -> None:
    for node in selection_set.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else parent
            if condition not in subgraph.types:
                raise FieldSetError(f'Unknown type "{condition}"')
            _walk(
                subgraph,
                condition,
                node.selection_set,
                found,
                under_external=under_external,
                depth=depth,
            )
            continue
        if not isinstance(node, FieldNode):
            raise FieldSetError("fragment spreads are not allowed")
        if node.name.value == "__typename":
            continue
        field = _field(subgraph, parent, node.name.value)
        found.append(Selected(field, node.selection_set is not None, bool(node.arguments), under_external, depth))
        target = subgraph.types.get(base_name(field.type))
        is_composite = target is not None and target.kind in COMPOSITE_KINDS
        if is_composite and node.selection_set is None:
            raise FieldSetError(f'Field "{field.name}" of type "{field.type}" must have a selection of subfields')
        if not is_composite and node.selection_set is not None:
            raise FieldSetError(
                f'Field "{field.name}" must not have a selection since type "{field.type}" has no subfields'
            )
        if node.selection_set is not None and target is not None:
            _walk(
                subgraph,
                target.name,
                node.selection_set,
                found,
                under_external=under_external or field.external,
                depth=depth + 1,
            )


def _field(subgraph: Subgraph, parent: str, name: str) -> Field:
    type_def = subgraph.types.get(parent)
    field = type_def.fields.get(name) if type_def else None
    if field is None:
        raise FieldSetError(
            f'Cannot query field "{name}" on type "{parent}" (if the field is defined in another '
            "subgraph, you need to add it to this subgraph with @external)."
        )
    return field


def select_or_none(subgraph: Subgraph, parent: str, text: str) -> list[Selected] | None:
    try:
        return select(subgraph, parent, text)
    except FieldSetError:
        return None
