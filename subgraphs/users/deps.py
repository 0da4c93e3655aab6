"""The users service's shared parts, built once at start and reached from any resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.follow import FollowedCache
from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.ratelimit import FailureWindow
from subgraphs.kernel.storage import Storage
from subgraphs.users.security.passwords import Passwords
from subgraphs.users.security.signing import Signer
from subgraphs.users.settings import UsersSettings

# People's documents as this replica last read them (entity fetches of `User` read them most), kept until a
# user event says the person changed; `lastLoginAt`, written without an event, may lag on other replicas for up
# to the cache's minute.
UserDocs = FollowedCache[str, dict[str, Any]]


def _person_of(event: Event) -> tuple[str, ...]:
    person = event.data.get("userId")
    return (f"user:{person}",) if isinstance(person, str) else ()


def new_user_docs() -> UserDocs:
    return FollowedCache(("user.*",), _person_of)


@dataclass
class UsersDeps:
    settings: UsersSettings
    db: Database
    outbox: Outbox
    passwords: Passwords
    signer: Signer
    login_failures: FailureWindow
    reset_requests: FailureWindow
    storage: Storage
    user_docs: UserDocs = field(default_factory=new_user_docs)


def deps_of(ctx: RequestContext) -> UsersDeps:
    return ctx.runtime.state["users"]
