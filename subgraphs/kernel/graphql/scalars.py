"""The `DateTime` every subgraph reads and writes: ISO 8601, in UTC once read, within bounds every date sum fits.

A date-time without an offset is taken as UTC (clients that drop the `Z` mean it); one outside [1970, 9000) is
refused as the caller's BAD_USER_INPUT naming the bounds, since sums such as an SLA deadline or a period in a
desk's own time zone would overflow near the ends of Python's calendar (year 1 and 9999).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from graphql import StringValueNode, ValueNode

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
BOUNDS = f"between {EARLIEST:%Y-%m-%dT%H:%M:%SZ} and {LATEST:%Y-%m-%dT%H:%M:%SZ}"


def parse_datetime(value: object) -> datetime:
    """A client's date-time, in UTC; ValueError (which GraphQL reports as the input's error) when it is none."""
    if not isinstance(value, str):
        raise ValueError("a DateTime is an ISO 8601 string such as 2026-03-01T09:30:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 date-time such as 2026-03-01T09:30:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"a DateTime must lie {BOUNDS}") from None
    if not EARLIEST <= parsed < LATEST:
        raise ValueError(f"a DateTime must lie {BOUNDS}")
    return parsed


def parse_datetime_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> datetime:
    """The same, written in the query itself."""
    if not isinstance(node, StringValueNode):
        raise ValueError("a DateTime is an ISO 8601 string such as 2026-03-01T09:30:00Z")
    return parse_datetime(node.value)


def serialize_datetime(value: datetime) -> str:
    return value.isoformat()


DateTime = strawberry.scalar(
    name="DateTime",
    description=f"An ISO 8601 date-time; without an offset it is read as UTC. Accepted {BOUNDS}.",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
    parse_literal=parse_datetime_literal,
)
