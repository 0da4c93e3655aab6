"""The tickets subgraph schema."""

from __future__ import annotations

from subgraphs.kernel.graphql.schema import SubgraphSchema
from subgraphs.tickets.graphql.mutation import Mutation
from subgraphs.tickets.graphql.query import Query
from subgraphs.tickets.graphql.subscription import Subscription
from subgraphs.tickets.graphql.types.catalogue import ServiceItem
from subgraphs.tickets.graphql.types.common import Company, User
from subgraphs.tickets.graphql.types.ticket import Ticket


def build_schema() -> SubgraphSchema:
    return SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription,
                          types=[Ticket, ServiceItem, User, Company])
