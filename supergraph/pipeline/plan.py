"""Stage 7: plan the operation (the preparer caches plans by operation text and name)."""

from __future__ import annotations

from supergraph.errors import ErrorCode
from supergraph.model import SupergraphModel
from supergraph.pipeline.types import RequestError
from supergraph.planning.nodes import QueryPlan
from supergraph.planning.operation import Operation
from supergraph.planning.planner import PlanningError, plan_operation


def plan(model: SupergraphModel, operation: Operation) -> QueryPlan:
    try:
        return plan_operation(model, operation)
    except PlanningError as error:
        raise RequestError(str(error), ErrorCode.QUERY_PLANNING_FAILED, status=200) from error
