"""Reachability and cost estimates: which subgraph can serve a field from where, and how
many entity jumps a choice costs (the planner's walk chooses with these)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from graphql import FieldNode, InlineFragmentNode, SelectionNode, SelectionSetNode

from supergraph.model import FieldInfo, SupergraphModel, TypeInfo
from supergraph.model.types import KeyInfo
from supergraph.planning.collect import collect_fields
from supergraph.planning.operation import Field, Fragment, Selection, field_selections
from supergraph.planning.provides import Provided, provided_field

INF = 10**9


class Reach:
    """Questions about the supergraph the walk asks many times; memoised where it pays."""

    def __init__(self, model: SupergraphModel) -> None:
        self.model = model
        self.types = model.types
        self._order = {name: i for i, name in enumerate(sorted(model.urls))}
        self._enter_memo: dict[tuple[str, str, str, str], bool] = {}

    def destinations(self, subgraph: str, info: TypeInfo, field: Field, provided: Provided = ()
                     ) -> Iterator[tuple[str, str]]:
        """(subgraph, entity type) pairs that can resolve `field` on objects of `info` and
        whose key this subgraph can supply (directly or through one other subgraph)."""
        for graph, entity_type in self._destinations(subgraph, info, field):
            if self.can_enter(subgraph, info.name, graph, entity_type, provided):
                yield graph, entity_type

    def can_enter(self, subgraph: str, type_name: str, graph: str, entity_type: str, provided: Provided = ()) -> bool:
        keys = self.types[entity_type].resolvable_keys(graph)
        if provided and any(self._has_locally(subgraph, type_name, k.selection, provided) for k in keys):
            return True
        memo_key = (subgraph, type_name, graph, entity_type)
        known = self._enter_memo.get(memo_key)
        if known is None:
            self._enter_memo[memo_key] = False  # guards the recursion below
            known = any(self._obtainable(subgraph, type_name, k.selection) for k in keys)
            self._enter_memo[memo_key] = known
        return known

    def _obtainable(self, subgraph: str, type_name: str, selection: SelectionSetNode) -> bool:
        """Whether a field set can be gathered from `subgraph`, each field either there or
        one entity jump away."""
        info = self.types.get(type_name)
        if info is None:
            return False
        for node in selection.selections:
            if not isinstance(node, FieldNode) or node.name.value == "__typename":
                continue
            single = single_selection(node)
            finfo = info.fields.get(node.name.value)
            if finfo is not None and node.selection_set is not None and subgraph in finfo.resolvable_in:
                if self._obtainable(subgraph, finfo.named_type, node.selection_set):
                    continue
            if self._has_locally(subgraph, type_name, single):
                continue
            if not any(
                self._has_locally(subgraph, type_name, via_key.selection) and self._has_locally(via, type_name, single)
                for via in info.keys
                if via != subgraph
                for via_key in info.resolvable_keys(via)
            ):
                return False
        return True

    def _has_locally(self, subgraph: str, type_name: str, selection: SelectionSetNode, provided: Provided = ()
                     ) -> bool:
        """Whether every field of a field set resolves in `subgraph` without a jump."""
        info = self.types.get(type_name)
        if info is None:
            return False
        for node in selection.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                if not self._has_locally(subgraph, condition, node.selection_set, provided):
                    return False
                continue
            if not isinstance(node, FieldNode):
                continue  # field sets (keys, @requires, @provides) hold no named fragments
            name = node.name.value
            if name == "__typename":
                continue
            finfo = info.fields.get(name)
            if finfo is None or subgraph not in finfo.resolvable_in or requires_here(finfo, subgraph):
                if not (provided and provided_field(self.model, provided, type_name, name)[0]):
                    return False
            if node.selection_set is not None and finfo is not None:
                below = provided_field(self.model, provided, type_name, name)[1] if provided else ()
                if not self._has_locally(subgraph, finfo.named_type, node.selection_set, below):
                    return False
        return True

    def _destinations(self, subgraph: str, info: TypeInfo, field: Field) -> Iterator[tuple[str, str]]:
        finfo = info.fields.get(field.name)
        if finfo is None:
            return
        for graph in sorted(finfo.resolvable_in, key=self._order.__getitem__):
            if (graph != subgraph or requires_here(finfo, graph)) and info.resolvable_keys(graph):
                yield graph, info.name
        if finfo.resolvable_in or info.kind != "object":
            return
        # a field an `@interfaceObject` adds to every implementation of its interface
        for interface in self.model.schema.type_map[info.name].interfaces:  # type: ignore[attr-defined]
            iinfo = self.types[interface.name]
            ifield = iinfo.fields.get(field.name)
            if ifield is None:
                continue
            for graph in sorted(ifield.resolvable_in, key=self._order.__getitem__):
                if (graph != subgraph or requires_here(ifield, graph)) and iinfo.resolvable_keys(graph):
                    yield graph, interface.name

    def reachable(self, destination: tuple[str, str], field: Field) -> bool:
        if field.selections is None:
            return True
        finfo = self._field_info(destination[1], field)
        return self.child_cost(destination[0], destination[1], finfo, field, (), 0) < INF

    def _field_info(self, type_name: str, field: Field) -> FieldInfo:
        return self.types[type_name].fields[field.name]

    def key_cost(self, subgraph: str, type_name: str, key: KeyInfo) -> int:
        fields = collect_fields(self.model, field_selections(key.selection), type_name)
        return self.cost(subgraph, type_name, fields, (), 0)

    def cost(self, subgraph: str, type_name: str, fields: dict[str, Field], provided: Provided, depth: int) -> int:
        """Entity jumps needed to resolve `fields` from `subgraph` (INF: impossible)."""
        if depth > 3:
            return 0
        info = self.types[type_name]
        total = 0
        for field in fields.values():
            finfo = info.fields.get(field.name)
            if finfo is not None:
                total += self.field_cost(subgraph, info, finfo, field, provided, depth)
            if total >= INF:
                return INF
        return total

    def field_cost(self, subgraph: str, info: TypeInfo, finfo: FieldInfo, field: Field, provided: Provided,
                   depth: int) -> int:
        """The cheaper of resolving the field here and jumping to a subgraph that has it."""
        best = INF
        local = (subgraph in finfo.resolvable_in and not requires_here(finfo, subgraph)) or provided_field(
            self.model, provided, info.name, field.name
        )[0]
        if local:
            if field.selections is None:
                return 0
            best = self.child_cost(subgraph, info.name, finfo, field, provided, depth + 1)
            if best == 0:
                return 0
        destinations = list(self.destinations(subgraph, info, field, provided))
        for graph, entity_type in destinations:
            if field.selections is None:
                return min(best, 1)
            below = self.child_cost(graph, entity_type, self._field_info(entity_type, field), field, (), depth + 1)
            best = min(best, 1 + below)
        if best >= INF and field.selections is not None and not self.types[finfo.named_type].is_abstract:
            best = self.split_cost(subgraph, local, info, finfo, field, provided, destinations, depth)
        return best

    def split_cost(self, subgraph: str, local: bool, info: TypeInfo, finfo: FieldInfo, field: Field,
                   provided: Provided, destinations: list[tuple[str, str]], depth: int) -> int:
        """The cost when the field's sub-fields are shared out among subgraphs (see `split`)."""
        total = 0
        for sub in collect_fields(self.model, field.selections or [], finfo.named_type).values():
            part = replace(field, selections=[sub])
            best = INF
            if local:
                best = self.child_cost(subgraph, info.name, finfo, part, provided, depth + 1)
            for graph, entity_type in destinations:
                below = self.child_cost(graph, entity_type, self._field_info(entity_type, part), part, (), depth + 1)
                best = min(best, 1 + below)
            total += best
            if total >= INF:
                return INF
        return total

    def child_cost(self, subgraph: str, parent: str, finfo: FieldInfo, field: Field, provided: Provided,
                   depth: int) -> int:
        below = provided_field(self.model, provided, parent, field.name)[1] if provided else ()
        source = finfo.sources.get(subgraph)
        if source is not None and source.provides is not None:
            below = (*below, source.provides)
        info = self.types[finfo.named_type]
        selections = field.selections or []
        if not info.is_abstract:
            fields = collect_fields(self.model, selections, info.name)
            return self.cost(subgraph, info.name, fields, below, depth)
        if subgraph in info.interface_object_in:
            own = collect_fields(self.model, exact_selections(selections, info.name), info.name)
            return self.cost(subgraph, info.name, own, below, depth)
        total = 0
        for runtime in info.possible_in.get(subgraph, ()):
            total += self.cost(subgraph, runtime, collect_fields(self.model, selections, runtime), below, depth)
            if total >= INF:
                return INF
        return total


def single_selection(node: SelectionNode) -> SelectionSetNode:
    return SelectionSetNode(selections=(node,))


def requires_here(finfo: FieldInfo, graph: str) -> bool:
    source = finfo.sources.get(graph)
    return source is not None and source.requires is not None


def exact_selections(selections: list[Selection], type_name: str) -> list[Selection]:
    """The selections that apply to the interface itself (no fragment on another type)."""
    return [s for s in selections if not isinstance(s, Fragment) or s.type_condition in (None, type_name)]


def concrete_selections(selections: list[Selection], type_name: str) -> list[Selection]:
    return [s for s in selections if isinstance(s, Fragment) and s.type_condition not in (None, type_name)]
