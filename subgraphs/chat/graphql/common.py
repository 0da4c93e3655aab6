"""The resolver context alias, and the chat's collection views for one request."""

from __future__ import annotations

from strawberry.types import Info

from subgraphs.kernel.graphql.context import RequestContext

Ctx = Info[RequestContext, None]
