"""Stage 5: plan the operation; plans are cached by operation text and name."""

from __future__ import annotations

from collections import OrderedDict

from supergraph.model import SupergraphModel
from supergraph.pipeline.types import PreparedOperation, RequestError
from supergraph.planning.nodes import QueryPlan
from supergraph.planning.operation import Operation
from supergraph.planning.planner import PlanningError, plan_operation


def plan(model: SupergraphModel, operation: Operation) -> QueryPlan:
    try:
        return plan_operation(model, operation)
    except PlanningError as error:
        raise RequestError(str(error), "QUERY_PLANNING_FAILED", status=200) from error


class PlanCache:
    """A bounded LRU of prepared operations keyed by (operation text, operation name)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str | None], PreparedOperation] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, query: str, operation_name: str | None) -> PreparedOperation | None:
        entry = self._entries.get((query, operation_name))
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end((query, operation_name))
        self.hits += 1
        return entry

    def put(self, query: str, operation_name: str | None, prepared: PreparedOperation) -> None:
        self._entries[(query, operation_name)] = prepared
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
