"""Builds a `SupergraphModel` from supergraph SDL (join v0.1 to v0.5, link or core spec)."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    parse,
    print_ast,
)
from graphql.language import TypeDefinitionNode, TypeExtensionNode

from supergraph.model.fieldset import parse_field_set
from supergraph.model.links import LinkedSpec, _plain, linked_specs
from supergraph.model.types import FieldInfo, FieldSource, KeyInfo, SupergraphModel, TypeInfo

_KINDS = {
    "object_type_definition": "object",
    "object_type_extension": "object",
    "interface_type_definition": "interface",
    "interface_type_extension": "interface",
    "union_type_definition": "union",
    "union_type_extension": "union",
    "enum_type_definition": "enum",
    "enum_type_extension": "enum",
    "scalar_type_definition": "scalar",
    "scalar_type_extension": "scalar",
    "input_object_type_definition": "input",
    "input_object_type_extension": "input",
}


class SupergraphError(ValueError):
    """The SDL is not a supergraph this gateway can serve."""


def build_model(sdl: str | DocumentNode) -> SupergraphModel:
    """Parse a supergraph once into the planner's model."""
    document = parse(sdl, no_location=True) if isinstance(sdl, str) else sdl
    specs = linked_specs(document)
    join = specs.get("join")
    if join is None:
        raise SupergraphError("not a supergraph: the schema links no join spec")
    schema = build_ast_schema(document, assume_valid=True, assume_valid_sdl=True)
    graphs, urls = _graphs(document, join)
    names = _Names(join, graphs)
    types: dict[str, TypeInfo] = {}
    for node in _type_nodes(document):
        info = types.get(node.name.value)
        if info is None:
            info = types[node.name.value] = TypeInfo(node.name.value, _KINDS[node.kind])
        _read_type(info, node, names)
    all_graphs = frozenset(graphs.values())
    for info in types.values():
        _finish_type(info, types, all_graphs, schema)
    return SupergraphModel(
        schema=schema,
        graphs=graphs,
        urls={graphs[k]: v for k, v in urls.items()},
        types=types,
        query_type=schema.query_type.name if schema.query_type else "Query",
        mutation_type=schema.mutation_type.name if schema.mutation_type else None,
        subscription_type=schema.subscription_type.name if schema.subscription_type else None,
    )


class _Names:
    """Directive names of the join spec in this schema, and the graph enum mapping."""

    def __init__(self, join: LinkedSpec, graphs: dict[str, str]) -> None:
        self.type = join.directive("type")
        self.field = join.directive("field")
        self.owner = join.directive("owner")
        self.implements = join.directive("implements")
        self.union_member = join.directive("unionMember")
        self.enum_value = join.directive("enumValue")
        self.graphs = graphs


def _graphs(document: DocumentNode, join: LinkedSpec) -> tuple[dict[str, str], dict[str, str]]:
    enum_name = join.element("Graph")
    graph_directive = join.directive("graph")
    graphs: dict[str, str] = {}
    urls: dict[str, str] = {}
    for node in document.definitions:
        if isinstance(node, EnumTypeDefinitionNode) and node.name.value == enum_name:
            for value in node.values or ():
                args = _args(value.directives, graph_directive)
                name = args[0].get("name", value.name.value) if args else value.name.value
                graphs[value.name.value] = str(name)
                urls[value.name.value] = str(args[0].get("url", "")) if args else ""
    if not graphs:
        raise SupergraphError(f"not a supergraph: no `{enum_name}` enum")
    return graphs, urls


def _type_nodes(document: DocumentNode) -> Iterable[TypeDefinitionNode | TypeExtensionNode]:
    for node in document.definitions:
        if node.kind in _KINDS:
            yield node  # type: ignore[misc]


def _args(directives: Iterable[DirectiveNode] | None, name: str) -> list[dict]:
    return [
        {a.name.value: _plain(a.value) for a in d.arguments or ()} for d in directives or () if d.name.value == name
    ]


def _read_type(info: TypeInfo, node, names: _Names) -> None:
    graphs = set(info.graphs)
    keys = {g: list(ks) for g, ks in info.keys.items()}
    interface_objects = set(info.interface_object_in)
    for args in _args(node.directives, names.type):
        graph = names.graphs.get(args.get("graph", ""))
        if graph is None:
            continue
        graphs.add(graph)
        if args.get("key"):
            key = KeyInfo(args["key"], parse_field_set(args["key"]), args.get("resolvable", True))
            keys.setdefault(graph, []).append(key)
        if args.get("isInterfaceObject"):
            interface_objects.add(graph)
    owners = [names.graphs[a["graph"]] for a in _args(node.directives, names.owner) if "graph" in a]
    info.graphs = frozenset(graphs)
    info.keys = {g: tuple(ks) for g, ks in keys.items()}
    info.interface_object_in = frozenset(interface_objects)
    _read_members(info, node, names)
    if isinstance(
        node,
        (ObjectTypeDefinitionNode, ObjectTypeExtensionNode, InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode),
    ):
        for field_node in node.fields or ():
            info.fields[field_node.name.value] = _read_field(field_node, names, owners)
    if isinstance(node, (EnumTypeDefinitionNode, EnumTypeExtensionNode)):
        info.enum_values = info.enum_values | {v.name.value for v in node.values or ()}


def _read_members(info: TypeInfo, node, names: _Names) -> None:
    if isinstance(node, (UnionTypeDefinitionNode, UnionTypeExtensionNode)):
        members: dict[str, set[str]] = {g: set(m) for g, m in info.possible_in.items()}
        for args in _args(node.directives, names.union_member):
            graph = names.graphs.get(args.get("graph", ""))
            if graph is not None:
                members.setdefault(graph, set()).add(args["member"])
        info.possible_in = {g: frozenset(m) for g, m in members.items()}
    implements: dict[str, set[str]] = {g: set(i) for g, i in info.implements_in.items()}
    for args in _args(node.directives, names.implements):
        graph = names.graphs.get(args.get("graph", ""))
        if graph is not None:
            implements.setdefault(graph, set()).add(args["interface"])
    info.implements_in = {g: frozenset(i) for g, i in implements.items()}


def _read_field(node: FieldDefinitionNode, names: _Names, owners: list[str]) -> FieldInfo:
    type_ref = print_ast(node.type)
    info = FieldInfo(node.name.value, type_ref, _named(node.type))
    directives = _args(node.directives, names.field)
    for args in directives:
        graph = names.graphs.get(args.get("graph", ""))
        if graph is None:
            continue
        info.sources[graph] = FieldSource(
            graph=graph,
            requires=parse_field_set(args["requires"]) if args.get("requires") else None,
            provides=parse_field_set(args["provides"]) if args.get("provides") else None,
            external=bool(args.get("external")),
            used_overridden=bool(args.get("usedOverridden")),
            type_name=args.get("type"),
        )
    if directives:
        info.resolvable_in = frozenset(g for g, s in info.sources.items() if not s.external and not s.used_overridden)
        # join v0.1 marks no field external: a field on an owned type is the owner's
        # unless another graph declared it; its `requires`/`provides` still apply.
    elif owners:
        info.resolvable_in = frozenset(owners)
        info.sources = {g: FieldSource(g) for g in owners}
    else:
        info.resolvable_in = frozenset()  # filled from the type's graphs in _finish_type
        info.sources = {}
    info.declared = bool(directives) or bool(owners)
    return info


def _named(node: TypeNode) -> str:
    while isinstance(node, (ListTypeNode, NonNullTypeNode)):
        node = node.type
    return node.name.value  # type: ignore[attr-defined]


def _finish_type(info: TypeInfo, types: dict[str, TypeInfo], all_graphs, schema) -> None:
    if not info.graphs:
        info.graphs = all_graphs
    for field in info.fields.values():
        if not field.declared:
            field.resolvable_in = info.graphs
            field.sources = {g: FieldSource(g) for g in info.graphs}
    if info.kind == "interface":
        _finish_interface(info, types, schema)
    elif info.kind == "union":
        _finish_union(info, types, schema)


def _finish_interface(info: TypeInfo, types: dict[str, TypeInfo], schema) -> None:
    implementations = [t.name for t in schema.get_possible_types(schema.type_map[info.name])]
    info.possible = frozenset(implementations)
    declared = any(types[t].implements_in for t in implementations if t in types)
    possible: dict[str, set[str]] = {}
    for name in implementations:
        impl = types.get(name)
        if impl is None:
            continue
        for graph in impl.graphs:
            if not declared or info.name in impl.implements_in.get(graph, ()):
                possible.setdefault(graph, set()).add(name)
    info.possible_in = {g: frozenset(m) for g, m in possible.items()}


def _finish_union(info: TypeInfo, types: dict[str, TypeInfo], schema) -> None:
    members = [t.name for t in schema.get_possible_types(schema.type_map[info.name])]
    info.possible = frozenset(members)
    if info.possible_in:
        return
    possible: dict[str, set[str]] = {}
    for name in members:
        for graph in types[name].graphs if name in types else ():
            if graph in info.graphs:
                possible.setdefault(graph, set()).add(name)
    info.possible_in = {g: frozenset(m) for g, m in possible.items()}
