"""The chat subgraph schema."""

from __future__ import annotations

from subgraphs.chat.graphql.mutation import Mutation
from subgraphs.chat.graphql.query import Query
from subgraphs.chat.graphql.subscription import Subscription
from subgraphs.chat.graphql.types import Ticket, User
from subgraphs.kernel.graphql.schema import SubgraphSchema


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription, types=[Ticket, User])
