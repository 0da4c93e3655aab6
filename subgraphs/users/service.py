"""The users service as the kernel runs it: schema, settings, start-up and the JWKS route."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from identity import KeySource
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.ratelimit import FailureWindow
from subgraphs.kernel.runtime import Runtime
from subgraphs.users import store
from subgraphs.users.auth.principal import follow_principals, load_principal
from subgraphs.users.deps import UsersDeps
from subgraphs.users.graphql.schema import build_schema
from subgraphs.users.security.passwords import Passwords
from subgraphs.users.security.signing import Signer
from subgraphs.users.seed import seed
from subgraphs.users.settings import UsersSettings

RESET_REQUESTS_PER_HOUR = 5


async def setup(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, UsersSettings)
    await store.ensure_indexes(runtime.db)
    signer = Signer(runtime.db, issuer=settings.auth_issuer, audience=settings.auth_audience,
                    max_age=timedelta(days=settings.signing_key_max_age_days), token_ttl=settings.access_token_ttl)
    await signer.load()
    login_failures = FailureWindow(runtime.db, collection=store.LOGIN_FAILURES, limit=settings.login_max_failures,
                                   window=timedelta(seconds=settings.login_failure_window))
    reset_requests = FailureWindow(runtime.db, collection="reset_requests", limit=RESET_REQUESTS_PER_HOUR,
                                   window=timedelta(hours=1))
    await login_failures.ensure_indexes()
    await reset_requests.ensure_indexes()
    deps = UsersDeps(
        settings=settings, db=runtime.db, outbox=runtime.outbox, signer=signer,
        passwords=Passwords(memory_kib=settings.password_hash_memory_kib, time_cost=settings.password_hash_time_cost),
        login_failures=login_failures, reset_requests=reset_requests, storage=runtime.storage,
    )
    runtime.state["users"] = deps
    follow_principals(runtime)
    runtime.outbox.committed.append(deps.user_docs.forget)
    runtime.follow(deps.user_docs.follower)
    await seed(deps)


def key_source(runtime: Runtime) -> KeySource:
    """The users service verifies with its own public keys, straight from the key ring."""
    return runtime.state["users"].signer.verification_keys


def routes(runtime: Runtime) -> list[BaseRoute]:
    async def jwks(_: Request) -> Response:
        signer = runtime.state["users"].signer
        return JSONResponse(signer.jwks, headers={"Cache-Control": "public, max-age=300"})

    return [Route("/.well-known/jwks.json", jwks)]


DEFINITION = SubgraphDefinition(
    name="users",
    build_schema=build_schema,
    settings_class=UsersSettings,
    setup=setup,
    routes=routes,
    key_source=key_source,
    principal_loader=load_principal,
)
