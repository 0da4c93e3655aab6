"""The planner's walk: assigns each client field to a subgraph fetch, adding entity jumps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from supergraph.model import FieldInfo, SupergraphModel, TypeInfo
from supergraph.planning.collect import collect_fields
from supergraph.planning.groups import Group, RepDraft, RepFragmentDraft
from supergraph.planning.operation import Condition, Field, Selection, field_selections
from supergraph.planning.provides import Provided, provided_field
from supergraph.planning.reach import INF as INF
from supergraph.planning.reach import Reach, concrete_selections, exact_selections, requires_here
from supergraph.planning.subselection import SubSelection

Drafts = list[RepDraft | RepFragmentDraft]
Planned = tuple[set[Group], Drafts]
LocalPlanned = tuple[set[Group], RepDraft]
_MAX_DEPTH = 24


class PlanningError(Exception):
    """The operation cannot be planned against this supergraph."""


@dataclass(frozen=True, slots=True)
class Step:
    """Where the walk stands: the response path (`@` for a list level), what an enclosing `@provides` makes local
    in the current fetch, the `@skip`/`@include` conditions over it, and how many entity jumps led here."""

    path: tuple[str, ...] = ()
    provided: Provided = ()
    conditions: tuple[Condition, ...] = ()
    depth: int = 0

    def jumped(self) -> Step:
        """One entity jump further."""
        return replace(self, depth=self.depth + 1)

    def entered(self) -> Step:
        """In a fetch of another subgraph, one jump further: the parent fetch's `@provides` no longer applies."""
        return replace(self, provided=(), depth=self.depth + 1)


def list_depth(type_ref: str) -> int:
    return type_ref.count("[")


class Walker(Reach):
    """Walks the operation once, filling fetch groups."""

    def __init__(self, model: SupergraphModel) -> None:
        super().__init__(model)
        self.groups: list[Group] = []
        self._entity_groups: dict[tuple[str, tuple[str, ...], frozenset[Group], tuple[Condition, ...], int], Group] = {}
        self._peers: dict[int, frozenset[str]] = {}  # selection id -> subgraphs sharing it

    # groups ------------------------------------------------------------------------------

    def new_group(self, subgraph: str, path: tuple[str, ...], entity: bool,
                  conditions: tuple[Condition, ...] = ()) -> Group:
        group = Group(len(self.groups), subgraph, path, entity, tuple(conditions))
        self.groups.append(group)
        return group

    def entity_group(self, subgraph: str, path: tuple[str, ...], deps: set[Group], conditions: tuple[Condition, ...],
                     names: dict[str, str]) -> Group:
        """The entity fetch for these dependencies, shared unless two `@requires` need the
        same field with different arguments (one representation cannot carry both)."""
        base = (subgraph, path, frozenset(deps), tuple(conditions))
        index = 0
        while True:
            group = self._entity_groups.get((*base, index))
            if group is None:
                group = self._entity_groups[(*base, index)] = self.new_group(subgraph, path, True, conditions)
                group.deps = set(deps)
            if _compatible(group.rep_names, names):
                group.rep_names.update(names)
                return group
            index += 1

    # fields of one object type -----------------------------------------------------------

    def plan_object(
        self,
        group: Group,
        target: SubSelection,
        type_name: str,
        fields: dict[str, Field],
        step: Step,
        requires_met: bool = False,
    ) -> Planned:
        if step.depth > _MAX_DEPTH:
            raise PlanningError(f"cannot plan fields of {type_name}: entity jumps do not end")
        info = self.types[type_name]
        producers: set[Group] = set()
        drafts: Drafts = []
        remote: list[Field] = []
        for field in fields.values():
            if field.name == "__typename":
                sub = target.add_field(field.key, "__typename", "", field.conditions)
                producers.add(group)
                drafts.append(RepDraft("__typename", sub))
                continue
            finfo = info.fields.get(field.name)
            if finfo is None:
                continue
            split = self.split(group.subgraph, info, finfo, field, step.provided)
            if split is not None:
                field, elsewhere = split
                remote.append(elsewhere)
            if self.is_local(group.subgraph, info, finfo, field, step.provided, requires_met):
                local, draft = self.plan_local(group, target, info, finfo, field, step)
                producers |= local
                drafts.append(draft)
            else:
                remote.append(field)
        if remote:
            p, d = self.plan_remote(group, target, type_name, remote, step)
            producers |= p
            drafts.extend(d)
        return producers, drafts

    def is_local(self, subgraph: str, info: TypeInfo, finfo: FieldInfo, field: Field, provided: Provided,
                 requires_met: bool = False) -> bool:
        if not requires_met and requires_here(finfo, subgraph):
            return False  # its required fields must be fetched first, then passed back
        if subgraph in finfo.resolvable_in:
            local = True
        else:
            local = provided_field(self.model, provided, info.name, field.name)[0]
        if not local or field.selections is None:
            return local
        if self.child_cost(subgraph, info.name, finfo, field, provided, 0) < INF:
            return True
        # the sub-selection cannot be completed from here: resolve the field elsewhere if we can
        return not any(
            self.child_cost(other, info.name, finfo, field, (), 0) < INF
            for other, _ in self.destinations(subgraph, info, field, provided)
        )

    def split(self, subgraph: str, info: TypeInfo, finfo: FieldInfo, field: Field, provided: Provided
              ) -> tuple[Field, Field] | None:
        """A field resolvable here whose sub-selection is only partly reachable from here is
        cut in two: what this subgraph can complete, and the rest fetched through the
        parent entity from another subgraph (e.g. a value type spread over subgraphs)."""
        if field.selections is None or subgraph not in finfo.resolvable_in:
            return None
        child = self.types[finfo.named_type]
        if child.is_abstract or requires_here(finfo, subgraph):
            return None
        if self.child_cost(subgraph, info.name, finfo, field, provided, 0) < INF:
            return None
        below = provided_field(self.model, provided, info.name, field.name)[1]
        fields = collect_fields(self.model, field.selections, child.name)
        here: list[Selection] = []
        there: list[Selection] = []
        for key, sub in fields.items():
            cost = self.cost(subgraph, child.name, {key: sub}, below, 1)
            (here if cost < INF else there).append(sub)
        if not here or not there:
            return None
        return replace(field, selections=here), replace(field, selections=there)

    def plan_local(self, group: Group, target: SubSelection, info: TypeInfo, finfo: FieldInfo, field: Field,
                   step: Step) -> LocalPlanned:
        composite = field.selections is not None
        sub = target.add_field(field.key, field.name, field.args_text, field.conditions, composite)
        if not composite:
            return {group}, RepDraft(field.name, sub)
        below = provided_field(self.model, step.provided, info.name, field.name)[1]
        source = finfo.sources.get(group.subgraph)
        if source is not None and source.provides is not None:
            below = (*below, source.provides)
        child = Step(step.path + (sub.key,) + ("@",) * list_depth(finfo.type_ref), below,
                     step.conditions + field.conditions, step.depth)
        assert sub.selection is not None
        self._peers[id(sub.selection)] = self.peers(group.subgraph, info, finfo, target)
        # the subgraph may declare a narrower type (`@join__field(type:)`), e.g. a member
        child_type = finfo.named_type
        if source is not None and source.type_name:
            child_type = source.type_name.strip("[]!")
        producers, drafts = self.plan_selection(group, sub.selection, child_type, field.selections or [], child)
        return {group} | producers, RepDraft(field.name, sub, drafts)

    def peers(self, subgraph: str, info: TypeInfo, finfo: FieldInfo, target: SubSelection) -> frozenset[str]:
        """The subgraphs that could equally have served this field here: any that resolves
        it on an entity (or root) type, else those that also served its parent."""
        if info.keys or info.name == self.model.query_type:
            return frozenset(
                g for g in finfo.resolvable_in if g == subgraph or info.resolvable_keys(g) or not info.keys
            )
        parent = self._peers.get(id(target))
        return finfo.resolvable_in if parent is None else parent & finfo.resolvable_in

    def allowed_runtimes(self, info: TypeInfo, target: SubSelection) -> frozenset[str] | None:
        """At a field shareable among subgraphs whose abstract types differ, only the types
        every one of them can return are planned (a shareable field resolves alike anywhere)."""
        peers = self._peers.get(id(target))
        if not peers or len(peers) < 2:
            return None
        allowed = info.possible
        for graph in peers:
            allowed = allowed & self._runtimes_in(info, graph)
        return allowed

    def _runtimes_in(self, info: TypeInfo, graph: str) -> frozenset[str]:
        if graph in info.possible_in:
            return info.possible_in[graph]
        return info.possible if graph in info.graphs else frozenset()

    def plan_selection(self, group: Group, target: SubSelection, type_name: str, selections: list[Selection],
                       step: Step) -> Planned:
        """Plans a client selection set on any composite type."""
        info = self.types[type_name]
        if info.is_abstract:
            return self.plan_abstract(group, target, info, selections, step)
        fields = collect_fields(self.model, selections, type_name)
        return self.plan_object(group, target, type_name, fields, step)

    # abstract types ----------------------------------------------------------------------

    def plan_abstract(self, group: Group, target: SubSelection, info: TypeInfo, selections: list[Selection],
                      step: Step) -> Planned:
        if group.subgraph in info.interface_object_in:
            return self.plan_interface_object(group, target, info, selections, step)
        target.add_typename()
        producers: set[Group] = {group}
        drafts: Drafts = [RepDraft("__typename", target.fields["__typename"])]
        runtimes = sorted(info.possible_in.get(group.subgraph, ()))
        allowed = self.allowed_runtimes(info, target)
        if allowed is not None:
            runtimes = [r for r in runtimes if r in allowed]
        if not runtimes and info.kind == "interface":
            # no implementation here: the interface's own fields must still be reachable
            fields = collect_fields(self.model, exact_selections(selections, info.name), info.name)
            self.plan_object(group, SubSelection(), info.name, fields, step)
        for runtime in runtimes:
            fields = collect_fields(self.model, selections, runtime)
            if not fields:
                continue
            fragment = target.fragment(runtime)
            if id(target) in self._peers:
                self._peers[id(fragment)] = self._peers[id(target)]
            p, d = self.plan_object(group, fragment, runtime, fields, step)
            producers |= p
            drafts.append(RepFragmentDraft(runtime, d))
        self.alias_clashes(group.subgraph, target)
        return producers, drafts

    def alias_clashes(self, subgraph: str, target: SubSelection) -> None:
        """Same response key, different types across fragments is invalid GraphQL in the
        subgraph: later ones get the alias `key__Type`, which the projection reads back."""
        seen: dict[str, str] = {}
        for type_name, fragment in target.fragments.items():
            info = self.types[type_name]
            for key, sub in list(fragment.selection.fields.items()):
                finfo = info.fields.get(sub.name)
                if finfo is None:
                    continue
                source = finfo.sources.get(subgraph)
                type_ref = source.type_name if source is not None and source.type_name else finfo.type_ref
                first = seen.setdefault(key, type_ref)
                if first != type_ref:
                    alias = f"{key}__{type_name}"
                    del fragment.selection.fields[key]
                    sub.key = alias
                    fragment.selection.fields[alias] = sub

    def plan_interface_object(self, group: Group, target: SubSelection, info: TypeInfo, selections: list[Selection],
                              step: Step) -> Planned:
        """Here the interface is an object type (`@interfaceObject`): the concrete type and
        the implementations' own fields come from a subgraph that knows them."""
        direct = collect_fields(self.model, exact_selections(selections, info.name), info.name)
        concrete = concrete_selections(selections, info.name)
        wants_typename = any(f.name == "__typename" for f in direct.values())
        fields = {k: f for k, f in direct.items() if f.name != "__typename"}
        producers, drafts = self.plan_object(group, target, info.name, fields, step)
        if not concrete and not wants_typename:
            return producers, drafts
        owner = self.interface_owner(info)
        if owner is None:
            raise PlanningError(f"no subgraph resolves the concrete types of {info.name}")
        typename = [f for f in direct.values() if f.name == "__typename"]
        wanted: list[Selection] = [*typename, *concrete]
        p, _ = self.jump(group, target, info.name, info.name, owner, [], step,
                         then=lambda g, frag: self.plan_abstract(g, frag, info, wanted, step.entered()))
        return producers | p, drafts

    def interface_owner(self, info: TypeInfo) -> str | None:
        for graph in sorted(info.keys, key=self._order.__getitem__):
            if graph not in info.interface_object_in and info.resolvable_keys(graph):
                return graph
        return None

    # entity jumps ------------------------------------------------------------------------

    def plan_remote(self, group: Group, target: SubSelection, type_name: str, remote: list[Field], step: Step
                    ) -> Planned:
        info = self.types[type_name]
        producers: set[Group] = set()
        drafts: Drafts = []
        provided = step.provided
        pending = self.split_remote(group.subgraph, info, remote, provided)
        while pending:
            options: dict[tuple[str, str], list[Field]] = {}
            for field, only in pending:
                for destination in self.destinations(group.subgraph, info, field, provided):
                    if only is not None and destination != only:
                        continue
                    if only is not None or self.reachable(destination, field):
                        options.setdefault(destination, []).append(field)
            if not options:
                names = ", ".join(f.name for f, _ in pending)
                raise PlanningError(f"cannot resolve {type_name}.{{{names}}} from {group.subgraph}")
            best = max(options, key=lambda d: (len(options[d]), self._key_local(group, info, d), -self._order[d[0]]))
            chosen = options[best]
            pending = [(f, only) for f, only in pending if f not in chosen]
            p, d = self.jump(group, target, type_name, best[1], best[0], chosen, step)
            producers |= p
            drafts.extend(d)
        return producers, drafts

    def split_remote(self, subgraph: str, info: TypeInfo, remote: list[Field], provided: Provided
                     ) -> list[tuple[Field, tuple[str, str] | None]]:
        """Remote fields paired with a forced destination when no single subgraph can complete
        a field's sub-selection: its sub-fields are then shared out among subgraphs."""
        pending: list[tuple[Field, tuple[str, str] | None]] = []
        for field in remote:
            destinations = list(self.destinations(subgraph, info, field, provided))
            if field.selections is None or any(self.reachable(d, field) for d in destinations):
                pending.append((field, None))
                continue
            child = self._field_info(destinations[0][1], field).named_type if destinations else None
            if child is None or self.types[child].is_abstract:
                pending.append((field, None))
                continue
            parts: dict[tuple[str, str], list[Selection]] = {}
            for sub in collect_fields(self.model, field.selections, child).values():
                part = replace(field, selections=[sub])
                home = next((d for d in destinations if self.reachable(d, part)), destinations[0])
                parts.setdefault(home, []).append(sub)
            pending.extend((replace(field, selections=subs), home) for home, subs in parts.items())
        return pending

    def _key_local(self, group: Group, info: TypeInfo, destination: tuple[str, str]) -> int:
        keys = self.types[destination[1]].resolvable_keys(destination[0])
        return int(any(self.key_cost(group.subgraph, info.name, k) == 0 for k in keys))

    def jump(
        self,
        group: Group,
        target: SubSelection,
        type_name: str,
        entity_type: str,
        subgraph: str,
        fields: list[Field],
        step: Step,
        then: Callable[[Group, SubSelection], Planned] | None = None,
    ) -> Planned:
        """Fetch `fields` of the objects at `path` from `subgraph` through `_entities`."""
        keys = self.types[entity_type].resolvable_keys(subgraph)
        key = min(keys, key=lambda k: self.key_cost(group.subgraph, type_name, k))
        target.add_typename()
        deps: set[Group] = {group}
        base: Drafts = [RepDraft("__typename", target.fields["__typename"])]
        key_fields = collect_fields(self.model, field_selections(key.selection), type_name)
        p, d = self.plan_object(group, target, type_name, key_fields, step.jumped())
        deps |= p
        base.extend(d)
        batches: list[Batch] = []
        einfo = self.types[entity_type]
        for field in fields:
            source = einfo.fields[field.name].sources.get(subgraph) if field.name in einfo.fields else None
            field_deps: set[Group] = set()
            drafts: Drafts = []
            if source is not None and source.requires is not None:
                needed = collect_fields(self.model, field_selections(source.requires), type_name)
                field_deps, drafts = self.plan_object(group, target, type_name, needed, step.jumped())
            _place(batches, field, field_deps, drafts)
        if not batches:
            batches.append(([], set(), []))
        producers: set[Group] = set()
        out: Drafts = []
        typename_as = entity_type if entity_type != type_name else None
        for batch_fields, batch_deps, batch_drafts in batches:
            requires = base + batch_drafts
            # a fetch only for conditional fields runs under their shared condition
            shared = _shared_conditions(batch_fields)
            when = step.conditions + tuple(c for c in shared if c not in step.conditions)
            child = self.entity_group(subgraph, step.path, deps | batch_deps, when, _names(requires))
            child.add_requires(type_name, typename_as, requires)
            fragment = child.selection.fragment(entity_type)
            if then is not None:
                p, d = then(child, fragment)
            else:
                wanted = {f.key: f for f in batch_fields}
                p, d = self.plan_object(child, fragment, entity_type, wanted, step.entered(), True)
            producers |= p | {child}
            out.extend(d)
        return producers, out


def _shared_conditions(fields: list[Field]) -> tuple[Condition, ...]:
    if not fields:
        return ()
    return tuple(c for c in fields[0].conditions if all(c in f.conditions for f in fields[1:]))


def _names(drafts: Drafts) -> dict[str, str]:
    return {d.name: d.sub.key for d in drafts if isinstance(d, RepDraft) and d.sub is not None}


def _compatible(first: dict[str, str], second: dict[str, str]) -> bool:
    return all(first.get(name, source) == source for name, source in second.items())


Batch = tuple[list[Field], set[Group], Drafts]


def _place(batches: list[Batch], field: Field, deps: set[Group], drafts: Drafts) -> None:
    """Adds a field to the first batch whose representation it does not contradict."""
    names = _names(drafts)
    for batch_fields, batch_deps, batch_drafts in batches:
        if _compatible(_names(batch_drafts), names):
            batch_fields.append(field)
            batch_deps |= deps
            batch_drafts.extend(drafts)
            return
    batches.append(([field], set(deps), list(drafts)))
