"""The query planner: a chain of named phases from a normalized operation to a `QueryPlan`."""

from __future__ import annotations

from dataclasses import replace

from supergraph.model import SupergraphModel
from supergraph.planning.collect import collect_fields
from supergraph.planning.groups import Group
from supergraph.planning.nodes import QueryPlan
from supergraph.planning.operation import Condition, Field, Operation, Selection
from supergraph.planning.schedule import schedule, schedule_deferred, schedule_subscription
from supergraph.planning.walk import INF, PlanningError, Step, Walker

__all__ = ["PlanningError", "plan_operation"]


def plan_operation(model: SupergraphModel, operation: Operation) -> QueryPlan:
    """Plan an operation: walk it into fetch groups, then schedule them."""
    walker = Walker(model)
    if operation.kind == "mutation":
        steps = build_mutation_steps(walker, operation)
    elif operation.kind == "subscription":
        groups = build_query_groups(walker, operation)
        if len([g for g in groups if not g.entity]) != 1:
            raise PlanningError("a subscription selects exactly one root field")
        return QueryPlan(operation.kind, schedule_subscription(groups, operation))
    elif operation.defers:
        first, later = schedule_deferred(build_query_groups(walker, operation), operation)
        return QueryPlan(operation.kind, first, later)
    else:
        steps = [build_query_groups(walker, operation)]
    return QueryPlan(operation.kind, schedule(steps, operation))


def _root_type(model: SupergraphModel, operation: Operation) -> str:
    if operation.kind == "mutation" and model.mutation_type:
        return model.mutation_type
    if operation.kind == "subscription" and model.subscription_type:
        return model.subscription_type
    return model.query_type


def _root_fields(walker: Walker, operation: Operation) -> tuple[str, list[Field]]:
    root = _root_type(walker.model, operation)
    fields = collect_fields(walker.model, operation.selections, root)
    return root, [f for f in fields.values() if not f.name.startswith("__")]


def build_query_groups(walker: Walker, operation: Operation) -> list[Group]:
    """Root fields grouped by the subgraph chosen for each; one fetch per subgraph."""
    root, fields = _root_fields(walker, operation)
    info = walker.types[root]
    roots: dict[tuple[str, tuple[Condition, ...]], Group] = {}
    for whole in fields:
        finfo = info.fields[whole.name]
        used = [g.subgraph for g in roots.values()]
        for graph, field in split_root_field(walker, root, whole, used):
            key = (graph, field.conditions)
            group = roots.get(key)
            if group is None:
                group = roots[key] = walker.new_group(graph, (), False, field.conditions)
            walker.plan_local(group, group.selection, info, finfo, field, Step())
    return list(walker.groups)


def split_root_field(walker: Walker, root: str, field: Field, used: list[str]) -> list[tuple[str, Field]]:
    """The root field with its subgraph; when no one subgraph can complete it (a shareable
    value type spread over subgraphs), its sub-fields shared out among subgraphs."""
    try:
        return [(choose_root_subgraph(walker, root, field, used), field)]
    except PlanningError:
        if field.selections is None:
            raise
    finfo = walker.types[root].fields[field.name]
    if walker.types[finfo.named_type].is_abstract:
        raise PlanningError(f"cannot plan {root}.{field.name} from any subgraph")
    parts: dict[str, list[Selection]] = {}
    for sub in collect_fields(walker.model, field.selections or [], finfo.named_type).values():
        part = replace(field, selections=[sub])
        graph = choose_root_subgraph(walker, root, part, [*used, *parts])
        parts.setdefault(graph, []).append(sub)
    return [(graph, replace(field, selections=subs)) for graph, subs in parts.items()]


def build_mutation_steps(walker: Walker, operation: Operation) -> list[list[Group]]:
    """Mutation fields run in order; neighbours on the same subgraph share one fetch."""
    root, fields = _root_fields(walker, operation)
    info = walker.types[root]
    steps: list[list[Group]] = []
    current: Group | None = None
    for field in fields:
        finfo = info.fields[field.name]
        graph = choose_root_subgraph(walker, root, field, [current.subgraph] if current else [])
        if current is None or (current.subgraph, current.conditions) != (graph, field.conditions):
            start = len(walker.groups)
            current = walker.new_group(graph, (), False, field.conditions)
            steps.append([])
        else:
            start = len(walker.groups)
        walker.plan_local(current, current.selection, info, finfo, field, Step())
        if current not in steps[-1]:
            steps[-1].append(current)
        steps[-1].extend(walker.groups[max(start, current.id + 1) :])
    return steps


def choose_root_subgraph(walker: Walker, root: str, field: Field, preferred: list[str]) -> str:
    """The subgraph that resolves the root field with the fewest entity jumps below it."""
    finfo = walker.types[root].fields[field.name]
    candidates = sorted(finfo.resolvable_in, key=walker._order.__getitem__)
    if not candidates:
        raise PlanningError(f"no subgraph resolves {root}.{field.name}")
    scored = []
    for graph in candidates:
        cost = 0 if field.selections is None else walker.child_cost(graph, root, finfo, field, (), 0)
        source = finfo.sources.get(graph)
        provides = source is not None and source.provides is not None
        # on a tie, a subgraph that @provides the sub-selection was meant to serve it
        scored.append((cost, not provides, graph not in preferred, walker._order[graph], graph))
    best = min(scored)
    if best[0] >= INF:
        raise PlanningError(f"cannot plan {root}.{field.name} from any subgraph")
    return best[-1]
