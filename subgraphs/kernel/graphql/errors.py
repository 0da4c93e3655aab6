"""Gives every GraphQL error a stable `extensions.code`, and masks unexpected ones."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.kernel.errors import AppError, ErrorCode
from subgraphs.kernel.events.bus import transient
from subgraphs.kernel.logging import get_logger
from telemetry import metrics, tracing

log = get_logger("subgraphs.errors")

INTERNAL_MESSAGE = "Internal server error"
UNAVAILABLE_MESSAGE = "Try again in a moment: the service could not complete this just now"


def classify(error: GraphQLError) -> None:
    """Set `extensions.code` on `error` in place; hide the details of errors nobody meant to show."""
    original = error.original_error
    if isinstance(original, AppError):
        error.extensions = {**(error.extensions or {}), **original.as_extensions()}
        return
    if error.extensions and "code" in error.extensions:
        return
    if original is None or isinstance(original, GraphQLError) or _refused_input(error):
        error.extensions = {**(error.extensions or {}), "code": _request_error_code(error)}
        return
    if transient(original):  # the database away a moment, or a write conflict that outlasted the retries
        log.warning("a request met a passing database failure", extra={"path": error.path, "error": repr(original)})
        error.message = UNAVAILABLE_MESSAGE
        error.extensions = {"code": str(ErrorCode.SERVICE_UNAVAILABLE)}
    else:
        # logged once, with the trace id the client is given: a user's screenshot of the error finds this line
        log.error("unexpected error in a resolver", exc_info=(type(original), original, original.__traceback__),
                  extra={"path": error.path})
        error.message = INTERNAL_MESSAGE
        error.extensions = {"code": str(ErrorCode.INTERNAL_SERVER_ERROR)}
    ids = tracing.log_ids()
    if ids is not None:
        error.extensions["traceId"] = ids[0]


_INPUT_MESSAGES = ("got invalid value", "Expected a value of", "Expected value of type", "cannot represent")


def _refused_input(error: GraphQLError) -> bool:
    """A value in the query itself that a scalar refused (graphql-core keeps the scalar's ValueError as the
    original error); a resolver's error always has its field's path."""
    return not error.path and isinstance(error.original_error, ValueError | TypeError) and any(
        part in error.message for part in _INPUT_MESSAGES)


def _request_error_code(error: GraphQLError) -> str:
    """Errors raised before execution: syntax, validation, or variable values."""
    message = error.message
    if message.startswith("Syntax Error"):
        return str(ErrorCode.GRAPHQL_PARSE_FAILED)
    if message.startswith("Variable '$") or any(part in message for part in _INPUT_MESSAGES):
        return str(ErrorCode.BAD_USER_INPUT)
    return str(ErrorCode.GRAPHQL_VALIDATION_FAILED)


class ErrorCodes(SchemaExtension):
    """Every error's code, and each operation counted and timed by name and outcome (the first error's code)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            for error in result.errors:
                classify(error)
        runtime = getattr(self.execution_context.context, "runtime", None)
        if runtime is not None:
            service = runtime.name
            operation = metrics.subgraph_operation(self.execution_context.operation_name)
            first = result.errors[0].extensions if result is not None and result.errors else None
            code = metrics.code_label((first or {}).get("code")) if result is not None and result.errors else "OK"
            metrics.child(metrics.SUBGRAPH_REQUESTS, service, operation, code).inc()
            metrics.child(metrics.SUBGRAPH_DURATION, service, operation).observe(time.perf_counter() - started)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result of a subscription (over a WebSocket), before it is sent."""
        for error in getattr(result, "errors", None) or ():
            classify(error)
        yield
