"""A running service's resources: settings, database, bus, outbox, token verifier, storage."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from identity import JwksKeys, KeySource
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.auth.revocations import PATTERNS as revocation_events
from subgraphs.kernel.auth.revocations import Revocations
from subgraphs.kernel.auth.tokens import TokenVerifier
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.embedded_mongo import EmbeddedMongo, database_dir
from subgraphs.kernel.errors import AppError, Unauthenticated
from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.bus import ConsumerSpec, EventBus
from subgraphs.kernel.events.consumer import Accepts, IdempotentHandler, idempotent
from subgraphs.kernel.events.follow import LiveFollower
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.events.topology import REVOCATIONS, consumers_of, namespace_of, queue_name, whole_topology
from subgraphs.kernel.expiry import sweep_forever
from subgraphs.kernel.files.links import FileLinks
from subgraphs.kernel.mongo import Database, connect
from subgraphs.kernel.orphans import Orphans
from subgraphs.kernel.settings import ServiceSettings
from subgraphs.kernel.storage import CloudinaryStorage, LocalStorage, Storage
from telemetry import metrics, tracing

log = logging.getLogger(__name__)


class Runtime:
    """Built before the server starts; `start()` connects everything, `stop()` lets go in reverse."""

    def __init__(
        self,
        definition: SubgraphDefinition,
        settings: ServiceSettings,
        *,
        port: int,
        host: str | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.host = host or settings.host
        self.port = port
        self.public_url = settings.public_url
        self._shared_bus = bus
        self.bus: EventBus = bus or (
            AmqpBus(settings.amqp_url, exchange=settings.events_exchange, width=settings.event_concurrency,
                    queue_type=settings.amqp_queue_type)
            if settings.amqp_url else InProcessBus(width=settings.event_concurrency)
        )
        self.embedded: EmbeddedMongo | None = None
        self.state: dict[str, Any] = {}  # service-specific resources, set by its setup hook
        self.http = httpx.AsyncClient(timeout=10.0)
        self.storage: Storage = (
            CloudinaryStorage(settings.cloudinary_url, ttl_seconds=settings.file_link_ttl_seconds)
            if settings.cloudinary_url
            else LocalStorage(settings.data_dir / "files" / self.name, self._file_links(settings))
        )
        self.started = False
        self.declared = asyncio.Event()  # set once this instance has declared every service's queues (on the bus)
        self.orphans: Orphans | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._followers: list[LiveFollower] = []
        # what the metrics read from the database every few seconds (a backlog's size, say); setup hooks add theirs
        self.samplers: list[Callable[[], Coroutine[Any, Any, None]]] = []

    def _file_links(self, settings: ServiceSettings) -> FileLinks:
        secret = settings.file_link_secret
        # Unset (outside production): links minted before a restart stop working, which a laptop can live with.
        key = secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
        return FileLinks(service=self.name, secret=key, public_url=settings.public_url,
                         ttl_seconds=settings.file_link_ttl_seconds)

    async def start(self) -> None:
        self._followers = []  # what this start sets up follows the feed (a restart does not double them)
        self.samplers = []
        tracing.configure(self.name)
        metrics.serve_elsewhere()
        tracing.current_service.set(self.name)  # the spans of its background tasks, which inherit this
        url = self.settings.mongodb_url
        if url is None:
            self.embedded = EmbeddedMongo(database_dir(self.settings.data_dir, self.name))
            url = await self.embedded.start()
        self.client = connect(url, app_name=f"aurontek-{self.name}", service=self.name)
        self.db = Database(self.client, self.settings.database_name(self.name))
        orphans = self.orphans = self.db.orphans = Orphans(self.db)  # a dead instance's open transactions, ended
        self.outbox = Outbox(self.db, self.bus, service=self.name, instance=orphans.id)  # a dead holder's lease freed
        orphans.on_dead.append(self.outbox.lapse)
        # every emitted event is checked against its contract, except in production (where it costs and cannot help)
        contracts.check_events(self.settings.environment != "production")
        await self.outbox.ensure_indexes()
        self.revocations: Revocations | None = None
        if self.definition.principal_loader is None:
            # Claims are trusted as signed, so learn which ones a security change made stale.
            self.revocations = Revocations(self.db)
            self.consume(REVOCATIONS, revocation_events, self.revocations.record)
            self.follow(self.revocations.follower)
        if self.definition.setup is not None:
            await self.definition.setup(self)
        keys: KeySource = (
            self.definition.key_source(self)
            if self.definition.key_source
            else JwksKeys(self.settings.auth_jwks_url, self.http, ttl=self.settings.auth_jwks_ttl,
                          min_refresh=self.settings.auth_jwks_min_refresh)
        )
        self.verifier = TokenVerifier(keys, issuer=self.settings.auth_issuer, audience=self.settings.auth_audience,
                                      leeway=self.settings.auth_leeway)
        if self._shared_bus is None:
            await self.bus.start()
        # Every service's queues exist before this one publishes: none of its events is lost to a consumer that
        # starts later (or is deployed for the first time after it).
        await self.bus.declare(whole_topology(namespace_of(self.settings.events_exchange)))
        self.declared.set()
        for follower in self._followers:  # every replica follows the events its caches depend on, live
            self._spawn_follower(follower)
        self.outbox.start()
        self.spawn("expiry", lambda: sweep_forever(self.db))
        self.spawn("instances", orphans.run)
        if metrics.enabled():
            self.samplers.insert(0, self.outbox.sample)
            self.spawn("metrics", self._sample_forever)
        self.started = True
        log.info("service started", extra={"port": self.port, "database": self.db.name})

    async def stop(self) -> None:
        self.started = False
        await self._stop_tasks()
        await self.outbox.stop()
        if self.orphans is not None:
            await self.orphans.leave()
        if self._shared_bus is None:
            await self.bus.close()
        await self.http.aclose()
        await self.client.close()
        if self.embedded is not None:
            self.embedded.stop()

    def follow(self, follower: LiveFollower) -> None:
        """Have `follower` follow the live feed once the bus is up, for as long as the service runs."""
        self._followers.append(follower)
        if self.started:
            self._spawn_follower(follower)

    def _spawn_follower(self, follower: LiveFollower) -> None:
        self.spawn(f"follow {','.join(follower.patterns)}", lambda: follower.run(self.bus))

    def spawn(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
        """Run `work()` in the background for as long as the service runs; `stop()` cancels it first."""
        task = asyncio.create_task(work(), name=f"{self.name}:{name}")
        self._tasks.append(task)
        return task

    async def _stop_tasks(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sample_forever(self) -> None:
        """Refresh the gauges read from the database, every `METRICS_SAMPLE_SECONDS` (never per request)."""
        while True:
            for sample in self.samplers:
                try:
                    await sample()
                except Exception as exc:  # the database away: the gauges keep their last value a while
                    log.debug("a metrics sample failed", extra={"error": repr(exc)})
            await asyncio.sleep(self.settings.metrics_sample_seconds)

    def consume(self, queue: str, patterns: tuple[str, ...], handler: IdempotentHandler,
                accepts: Accepts | None = None, *, width: int | None = None) -> None:
        """A durable, idempotent consumer `aurontek.<service>.<queue>` of events matching `patterns`;
        `accepts` lets it decline, from their content (or a read of its own), events it has nothing to do with;
        `width` events in hand at once instead of the bus's `EVENT_CONCURRENCY`."""
        declared = consumers_of(self.definition)
        if declared.get(queue) != tuple(patterns):
            raise ValueError(f"the {self.name} service consumes {queue} {patterns} but its definition declares "
                             f"{declared.get(queue)}: add it to SubgraphDefinition.consumers")
        name = queue_name(self.name, queue, namespace_of(self.settings.events_exchange))
        self.bus.add_consumer(
            ConsumerSpec(
                queue=name,
                patterns=patterns,
                handler=idempotent(self.outbox, name, handler, accepts),
                max_attempts=self.settings.event_max_attempts,
                retry_delay_ms=self.settings.event_retry_delay_ms,
                width=width,
            )
        )

    async def authenticate(self, authorization: str | None) -> tuple[Principal | None, AppError | None]:
        """The principal behind an `Authorization` header, or the reason there is none."""
        if not authorization:
            return None, None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, Unauthenticated("send the access token as 'Authorization: Bearer <token>'")
        try:
            claims = await self.verifier.verify(token.strip())
            if self.revocations is not None and await self.revocations.is_stale(claims):
                raise Unauthenticated("your access changed since this token was issued; refresh it",
                                      reason="TOKEN_STALE")
            loader = self.definition.principal_loader
            principal = await loader(self, claims) if loader else Principal.from_claims(claims)
        except AppError as exc:
            return None, exc
        return principal, None

    async def ready(self) -> dict[str, bool]:
        return {"database": self.started and await self.db.ping(), "events": self.bus.connected}
