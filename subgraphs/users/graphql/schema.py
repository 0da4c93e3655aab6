"""The users subgraph schema."""

from __future__ import annotations

from subgraphs.kernel.graphql.schema import SubgraphSchema
from subgraphs.users.graphql.mutation import Mutation
from subgraphs.users.graphql.query import Query
from subgraphs.users.graphql.types import Company, Role, User


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query, mutation=Mutation, types=[User, Company, Role])
