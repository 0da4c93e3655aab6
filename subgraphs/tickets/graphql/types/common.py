"""References to other subgraphs' entities, and the resolver context alias."""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from subgraphs.kernel.graphql.context import RequestContext

Ctx = Info[RequestContext, None]


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)],
                             description="A person (the users subgraph).")
class User:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)],
                             description="A company (the users subgraph).")
class Company:
    id: strawberry.ID


def user(user_id: str | None) -> User | None:
    return User(id=strawberry.ID(user_id)) if user_id else None


def users(user_ids: list[str]) -> list[User]:
    return [User(id=strawberry.ID(u)) for u in user_ids]
