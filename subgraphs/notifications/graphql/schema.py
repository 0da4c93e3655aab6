"""The notifications subgraph schema."""

from __future__ import annotations

from subgraphs.kernel.graphql.schema import SubgraphSchema
from subgraphs.notifications.graphql.mutation import Mutation
from subgraphs.notifications.graphql.query import Query
from subgraphs.notifications.graphql.subscription import Subscription
from subgraphs.notifications.graphql.types import User


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription, types=[User])
