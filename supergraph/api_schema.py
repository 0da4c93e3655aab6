"""Derives the client-facing API schema from a supergraph: no join/link machinery, nothing
`@inaccessible`."""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    GraphQLDeferDirective,
    GraphQLSchema,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    build_ast_schema,
    parse,
    print_schema,
)
from graphql.language import Visitor, visit
from graphql.language.visitor import REMOVE

from supergraph.model.links import LinkedSpec, linked_specs

_SPEC_HOST = "specs.apollo.dev"


def api_schema_sdl(supergraph_sdl: str) -> str:
    """The API schema of a supergraph as SDL, as the schema registry stores it."""
    return print_schema(api_schema(supergraph_sdl))


def api_schema(supergraph: str | DocumentNode) -> GraphQLSchema:
    """The API schema of a supergraph, ready for validation and introspection, with the directives the gateway
    serves itself (`@defer`: incremental delivery)."""
    document = parse(supergraph, no_location=True) if isinstance(supergraph, str) else supergraph
    schema = build_ast_schema(api_document(document), assume_valid_sdl=True)
    if any(d.name == "defer" for d in schema.directives):
        return schema
    arguments: dict[str, Any] = dict(schema.to_kwargs())
    arguments["directives"] = (*schema.directives, GraphQLDeferDirective)
    return GraphQLSchema(**arguments)


def api_document(document: DocumentNode) -> DocumentNode:
    """The supergraph document with the machinery and the inaccessible elements removed."""
    specs = [s for s in linked_specs(document).values() if _SPEC_HOST in s.url or not s.url]
    machinery = _Machinery(specs)
    inaccessible = specs_named(specs, "inaccessible")
    hidden_types = _inaccessible_types(document, inaccessible)
    return visit(document, _Strip(machinery, inaccessible, hidden_types))


def specs_named(specs: list[LinkedSpec], name: str) -> str | None:
    for spec in specs:
        if spec.name == name:
            return spec.directive(name)
    return None


class _Machinery:
    """Recognises the names that belong to linked specs."""

    def __init__(self, specs: list[LinkedSpec]) -> None:
        self.prefixes = (*(f"{s.prefix}__" for s in specs), "core__", "link__", "join__")
        self.names = {s.prefix for s in specs} | {"core", "link"}
        self.names |= {alias.lstrip("@") for s in specs for alias in s.imports.values()}

    def owns(self, name: str) -> bool:
        return name in self.names or name.startswith(self.prefixes)


def _inaccessible_types(document: DocumentNode, inaccessible: str | None) -> set[str]:
    hidden: set[str] = set()
    if inaccessible is None:
        return hidden
    for node in document.definitions:
        directives = getattr(node, "directives", None) or ()
        name = getattr(node, "name", None)
        if name is not None and any(d.name.value == inaccessible for d in directives):
            if not isinstance(node, DirectiveDefinitionNode):
                hidden.add(name.value)
    return hidden


class _Strip(Visitor):
    """Removes spec machinery and inaccessible elements in one pass."""

    def __init__(self, machinery: _Machinery, inaccessible: str | None, hidden: set[str]):
        super().__init__()
        self.machinery = machinery
        self.inaccessible = inaccessible
        self.hidden = hidden

    def _hidden(self, node) -> bool:
        if self.inaccessible is None:
            return False
        return any(d.name.value == self.inaccessible for d in node.directives or ())

    def enter_directive_definition(self, node, *_):
        return REMOVE if self.machinery.owns(node.name.value) else None

    def enter_directive(self, node, *_):
        return REMOVE if self.machinery.owns(node.name.value) else None

    def enter_schema_definition(self, node: SchemaDefinitionNode, *_):
        return None

    def enter_schema_extension(self, node: SchemaExtensionNode, *_):
        return None

    def _enter_type(self, node, *_):
        name = node.name.value
        if name in self.hidden or self.machinery.owns(name):
            return REMOVE
        return None

    enter_object_type_definition = _enter_type
    enter_object_type_extension = _enter_type
    enter_interface_type_definition = _enter_type
    enter_interface_type_extension = _enter_type
    enter_union_type_definition = _enter_type
    enter_union_type_extension = _enter_type
    enter_enum_type_definition = _enter_type
    enter_enum_type_extension = _enter_type
    enter_scalar_type_definition = _enter_type
    enter_scalar_type_extension = _enter_type
    enter_input_object_type_definition = _enter_type
    enter_input_object_type_extension = _enter_type

    def _enter_member(self, node, *_):
        return REMOVE if self._hidden(node) else None

    enter_field_definition = _enter_member
    enter_input_value_definition = _enter_member
    enter_enum_value_definition = _enter_member

    def enter_named_type(self, node, key, parent, *_):
        # union members and implemented interfaces that are hidden disappear with them
        if node.name.value in self.hidden and key is not None and isinstance(key, int):
            return REMOVE
        return None
