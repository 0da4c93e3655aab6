"""A tiny subgraph on the kernel, for testing the kernel's HTTP shell, errors and token checks."""

from __future__ import annotations

import strawberry

from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.errors import Conflict
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.graphql.schema import SubgraphSchema


@strawberry.type
class Caller:
    user_id: str
    company_id: str
    permissions: list[str]


@strawberry.type
class Query:
    @strawberry.field
    def whoami(self, info: strawberry.Info[RequestContext, None]) -> Caller:
        principal = info.context.require()
        return Caller(user_id=principal.user_id, company_id=principal.company_id,
                      permissions=sorted(principal.permissions))

    @strawberry.field
    def client_ip(self, info: strawberry.Info[RequestContext, None]) -> str:
        return info.context.client_ip

    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def clash(self) -> str:
        raise Conflict("already taken", field="name")

    @strawberry.field
    def echo(self, count: int) -> int:
        return count


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query)


DEFINITION = SubgraphDefinition(name="probe", build_schema=build_schema)
