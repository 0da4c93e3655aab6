"""The composed supergraph before printing: merged types carrying their `join__` facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from supergraph.composition.model import Kind, Marks


@dataclass
class Graph:
    enum_name: str  # the join__Graph value, e.g. USERS
    name: str
    url: str


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass
class JoinField:
    graph: str | None  # None: the bare `@join__field` of a field an @interfaceObject adds
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None


@dataclass
class MergedArgument:
    name: str
    type: str
    default: str | None = None
    description: str | None = None
    marks: Marks = field(default_factory=Marks)


@dataclass
class MergedField:
    name: str
    type: str = ""
    description: str | None = None
    arguments: dict[str, MergedArgument] = field(default_factory=dict)
    default: str | None = None
    joins: list[JoinField] = field(default_factory=list)
    marks: Marks = field(default_factory=Marks)


@dataclass
class MergedValue:
    name: str
    description: str | None = None
    graphs: list[str] = field(default_factory=list)
    marks: Marks = field(default_factory=Marks)


@dataclass
class MergedType:
    name: str
    kind: Kind
    description: str | None = None
    joins: list[JoinType] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)  # (graph, interface)
    interfaces: list[str] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    members: list[tuple[str, str]] = field(default_factory=list)  # (graph, member)
    values: dict[str, MergedValue] = field(default_factory=dict)
    marks: Marks = field(default_factory=Marks)

    @property
    def member_names(self) -> list[str]:
        return list(dict.fromkeys(member for _graph, member in self.members))


@dataclass
class Supergraph:
    graphs: list[Graph]
    join_version: str  # "0.3", "0.4" or "0.5"
    types: dict[str, MergedType] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    uses_tag: bool = False
    uses_inaccessible: bool = False

    def is_possible_type(self, abstract: str, candidate: str) -> bool:
        """Whether `candidate` implements interface (or is a member of union) `abstract`."""
        target = self.types.get(abstract)
        found = self.types.get(candidate)
        if target is None or found is None:
            return False
        if target.kind == "union":
            return candidate in target.member_names
        return target.kind == "interface" and abstract in found.interfaces
