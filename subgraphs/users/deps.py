"""The users service's shared parts, built once at start and reached from any resolver."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.ratelimit import FailureWindow
from subgraphs.kernel.storage import Storage
from subgraphs.users.security.passwords import Passwords
from subgraphs.users.security.signing import Signer
from subgraphs.users.settings import UsersSettings


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


def deps_of(ctx: RequestContext) -> UsersDeps:
    return ctx.runtime.state["users"]
