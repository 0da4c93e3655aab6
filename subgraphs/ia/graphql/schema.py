"""The IA subgraph schema."""

from __future__ import annotations

from subgraphs.ia.graphql.query import Query
from subgraphs.ia.graphql.types.assignment import User
from subgraphs.ia.graphql.types.ticket import Ticket
from subgraphs.kernel.graphql.schema import SubgraphSchema


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query, types=[Ticket, User])
