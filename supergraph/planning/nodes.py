"""The query plan as plain frozen data: fetches and how they are ordered."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RepField:
    """A field copied into an entity representation: `name` read from response key `source`."""

    name: str
    source: str
    selection: tuple[RepNode, ...] | None = None


@dataclass(frozen=True, slots=True)
class RepFragment:
    """Representation fields for objects of one type; `typename_as` renames `__typename`."""

    type_condition: str
    selection: tuple[RepNode, ...]
    typename_as: str | None = None


RepNode = RepField | RepFragment


@dataclass(frozen=True, slots=True)
class Fetch:
    """One request to one subgraph; `requires` set means an `_entities` fetch."""

    service: str
    operation: str
    operation_kind: str = "query"
    variable_usages: tuple[str, ...] = ()
    requires: tuple[RepFragment, ...] | None = None
    operation_name: str | None = None
    id: int = 0


@dataclass(frozen=True, slots=True)
class Flatten:
    """Runs `node` on the objects found at `path` (`@` stands for every list item), and at
    `more_paths` when sibling fetches were merged into one."""

    path: tuple[str, ...]
    node: Fetch
    more_paths: tuple[tuple[str, ...], ...] = ()

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        return (self.path, *self.more_paths)


@dataclass(frozen=True, slots=True)
class Sequence:
    """Runs nodes one after the other."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    """Runs nodes concurrently."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """Runs one branch depending on a boolean variable (`@skip`/`@include`)."""

    variable: str
    if_true: PlanNode | None = None
    if_false: PlanNode | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription: the primary fetch opens the stream, `rest` completes each event."""

    primary: Fetch
    rest: PlanNode | None = None


PlanNode = Fetch | Flatten | Sequence | Parallel | Condition | Subscription


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A whole plan; `node` is None when nothing must be fetched (e.g. only `__typename`). A query with deferred
    fragments has `deferred`: the fetches that only their fields need, run after the first payload (or with the rest
    when the client takes one response)."""

    kind: str
    node: PlanNode | None
    deferred: PlanNode | None = None
