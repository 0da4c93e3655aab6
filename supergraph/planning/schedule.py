"""Turns fetch groups into plan nodes: fetch texts, then sequence/parallel by dependency level."""

from __future__ import annotations

import re

from graphql import print_ast

from supergraph.planning.groups import Group
from supergraph.planning.merge_siblings import merge_siblings
from supergraph.planning.nodes import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    Sequence,
    Subscription,
)
from supergraph.planning.operation import Operation, is_marker

_VARIABLE = re.compile(r"\$([_A-Za-z][_0-9A-Za-z]*)")
_NOT_NAME = re.compile(r"[^_0-9A-Za-z]")


def schedule(steps: list[list[Group]], operation: Operation) -> PlanNode | None:
    """One node per step (a mutation runs its steps in order), each leveled by dependency."""
    nodes = [n for n in (_schedule_step(step, operation) for step in steps) if n is not None]
    return _wrap(Sequence, nodes)


def deferred(group: Group) -> bool:
    """Only fields of deferred fragments need this fetch: it runs after the first payload is sent."""
    return any(is_marker(condition) for condition in group.conditions)


def schedule_deferred(groups: list[Group], operation: Operation) -> tuple[PlanNode | None, PlanNode | None]:
    """A query with deferred fragments: what runs before the first payload, and what runs after it."""
    first = [g for g in groups if not deferred(g)]
    later = [g for g in groups if deferred(g)]
    return _schedule_step(first, operation), _schedule_step(later, operation)


def schedule_subscription(groups: list[Group], operation: Operation) -> PlanNode:
    """The subscription's root fetch opens the stream; the rest completes each event."""
    primary, *rest = groups
    for group in rest:
        group.deps.discard(primary)  # each event is already in hand when the rest runs
    return Subscription(build_fetch(primary, operation), _schedule_step(rest, operation))


def _schedule_step(groups: list[Group], operation: Operation) -> PlanNode | None:
    live = [g for g in groups if not g.selection.is_empty()]
    levels: dict[int, list[Group]] = {}
    memo: dict[int, int] = {}
    for group in live:
        levels.setdefault(_level(group, memo, set(live)), []).append(group)
    stages = []
    for level in sorted(levels):
        fetches = [_node(g, operation) for g in merge_siblings(levels[level])]
        stages.append(_wrap(Parallel, fetches))
    return _wrap(Sequence, [s for s in stages if s is not None])


def _level(group: Group, memo: dict[int, int], live: set[Group]) -> int:
    if group.id not in memo:
        deps = [d for d in group.deps if d in live and d is not group]
        memo[group.id] = 1 + max((_level(d, memo, live) for d in deps), default=-1)
    return memo[group.id]


def _wrap(kind: type[Sequence] | type[Parallel], nodes: list[PlanNode]) -> PlanNode | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    return kind(tuple(nodes))


def _node(group: Group, operation: Operation) -> PlanNode:
    fetch = build_fetch(group, operation)
    node: PlanNode = Flatten(group.path, fetch, tuple(group.paths)) if group.entity else fetch
    for condition in reversed(group.conditions):
        if is_marker(condition):
            continue  # a deferred fragment's marker: when the fetch runs, not whether
        variable, include = condition
        node = Condition(variable, node, None) if include else Condition(variable, None, node)
    return node


def build_fetch(group: Group, operation: Operation) -> Fetch:
    """The fetch a group becomes: its operation text and the variables it forwards."""
    body = group.selection.print_compact()
    if group.entity:
        body = "{_entities(representations:$representations)" + body + "}"
    used = [v for v in dict.fromkeys(_VARIABLE.findall(body)) if v in operation.variable_definitions]
    definitions = [print_ast(operation.variable_definitions[v]) for v in used]
    if group.entity:
        definitions.insert(0, "$representations:[_Any!]!")
    kind = "query" if group.entity else operation.kind
    name = None
    if operation.name:
        name = f"{operation.name}__{_NOT_NAME.sub('_', group.subgraph)}__{group.id}"
    head = kind + (f" {name}" if name else "")
    if definitions:
        head += "(" + ",".join(definitions) + ")"
    requires = None
    if group.entity:
        requires = tuple(draft.freeze() for draft in group.requires.values())
    return Fetch(
        service=group.subgraph,
        operation=head + body,
        operation_kind=kind,
        variable_usages=tuple(used),
        requires=requires,
        operation_name=name,
        id=group.id,
    )
