"""The resolver context alias and small helpers shared by the types."""

from __future__ import annotations

from strawberry.types import Info

from subgraphs.kernel.graphql.context import RequestContext

Ctx = Info[RequestContext, None]


def api_label(target: str, value: str) -> str:
    """A type or priority in the spelling of the Ticket's own enums (REQUEST, CRITICAL); categories as they are."""
    return value.upper() if target in ("type", "priority") else value
