"""Fetch groups: the fetches under construction while the planner walks the operation."""

from __future__ import annotations

from dataclasses import dataclass, field

from supergraph.planning.nodes import RepField, RepFragment, RepNode
from supergraph.planning.operation import Condition
from supergraph.planning.subselection import SubField, SubSelection


@dataclass(eq=False, slots=True)
class RepDraft:
    """A representation field whose source key is read from its `SubField` at the end,
    because a later client field may still move an internal field to an alias."""

    name: str
    sub: SubField | None
    selection: list[RepDraft | RepFragmentDraft] | None = None

    def freeze(self) -> RepField:
        source = self.sub.key if self.sub is not None else self.name
        children = _freeze_all(self.selection) if self.selection is not None else None
        return RepField(self.name, source, children)


@dataclass(eq=False, slots=True)
class RepFragmentDraft:
    """Representation fields for objects of one type, under construction."""

    type_condition: str
    selection: list[RepDraft | RepFragmentDraft] = field(default_factory=list)
    typename_as: str | None = None

    def freeze(self) -> RepFragment:
        return RepFragment(self.type_condition, _freeze_all(self.selection), self.typename_as)


def _freeze_all(drafts: list[RepDraft | RepFragmentDraft]) -> tuple[RepNode, ...]:
    nodes: dict[object, RepNode] = {}
    for draft in drafts:
        node = draft.freeze()
        key = (node.name, node.source) if isinstance(node, RepField) else node.type_condition
        previous = nodes.get(key)
        nodes[key] = node if previous is None else _merge(previous, node)
    return tuple(nodes.values())


def _merge(first: RepNode, second: RepNode) -> RepNode:
    if isinstance(first, RepField) and isinstance(second, RepField):
        if first.selection is None or second.selection is None:
            return first
        merged = _freeze_nodes(first.selection + second.selection)
        return RepField(first.name, first.source, merged)
    assert isinstance(first, RepFragment) and isinstance(second, RepFragment)
    return RepFragment(
        first.type_condition,
        _freeze_nodes(first.selection + second.selection),
        first.typename_as,
    )


def _freeze_nodes(nodes: tuple[RepNode, ...]) -> tuple[RepNode, ...]:
    merged: dict[object, RepNode] = {}
    for node in nodes:
        key = (node.name, node.source) if isinstance(node, RepField) else node.type_condition
        previous = merged.get(key)
        merged[key] = node if previous is None else _merge(previous, node)
    return tuple(merged.values())


@dataclass(eq=False, slots=True)
class Group:
    """One future fetch: a subgraph, where its results merge, and what it depends on."""

    id: int
    subgraph: str
    path: tuple[str, ...]
    entity: bool
    conditions: tuple[Condition, ...] = ()
    selection: SubSelection = field(default_factory=SubSelection)
    requires: dict[tuple[str, str | None], RepFragmentDraft] = field(default_factory=dict)
    deps: set[Group] = field(default_factory=set)
    rep_names: dict[str, str] = field(default_factory=dict)  # representation field -> source
    paths: list[tuple[str, ...]] = field(default_factory=list)  # more merge paths (siblings)

    def all_paths(self) -> list[tuple[str, ...]]:
        return [self.path, *self.paths]

    def add_requires(self, type_name: str, typename_as: str | None, drafts: list[RepDraft | RepFragmentDraft]) -> None:
        key = (type_name, typename_as)
        fragment = self.requires.get(key)
        if fragment is None:
            fragment = self.requires[key] = RepFragmentDraft(type_name, [], typename_as)
        fragment.selection.extend(drafts)

    def __repr__(self) -> str:
        return f"Group({self.id}, {self.subgraph}, {'.'.join(self.path)})"
