"""Plain data describing a parsed supergraph; imports nothing from the package."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLSchema, SelectionSetNode


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One `@key` of a type in one subgraph."""

    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass(frozen=True, slots=True)
class FieldSource:
    """How one subgraph declares a field (one `@join__field`, or the implicit one)."""

    graph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    used_overridden: bool = False
    type_name: str | None = None


@dataclass(slots=True)
class FieldInfo:
    """A field of a supergraph type and the subgraphs that can resolve it."""

    name: str
    type_ref: str
    named_type: str
    sources: dict[str, FieldSource] = field(default_factory=dict)
    resolvable_in: frozenset[str] = frozenset()
    declared: bool = False  # carries `@join__field` (or a v0.1 owner) rather than implicit


@dataclass(slots=True)
class TypeInfo:
    """A supergraph type: its kind, the subgraphs defining it and its keys."""

    name: str
    kind: str  # object | interface | union | enum | scalar | input
    graphs: frozenset[str] = frozenset()
    keys: dict[str, tuple[KeyInfo, ...]] = field(default_factory=dict)
    interface_object_in: frozenset[str] = frozenset()
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    # abstract types: graph -> object types that graph knows as members/implementations
    possible_in: dict[str, frozenset[str]] = field(default_factory=dict)
    possible: frozenset[str] = frozenset()
    # object/interface types: graph -> interfaces it implements in that graph
    implements_in: dict[str, frozenset[str]] = field(default_factory=dict)
    enum_values: frozenset[str] = frozenset()

    @property
    def is_abstract(self) -> bool:
        return self.kind in ("interface", "union")

    def resolvable_keys(self, graph: str) -> tuple[KeyInfo, ...]:
        return tuple(k for k in self.keys.get(graph, ()) if k.resolvable)


@dataclass(slots=True)
class SupergraphModel:
    """Everything the planner and executor need from a supergraph, built once."""

    schema: GraphQLSchema
    graphs: dict[str, str]  # graph enum value -> subgraph name
    urls: dict[str, str]  # graph enum value -> url
    types: dict[str, TypeInfo]
    query_type: str = "Query"
    mutation_type: str | None = None
    subscription_type: str | None = None

    def type(self, name: str) -> TypeInfo:
        return self.types[name]
