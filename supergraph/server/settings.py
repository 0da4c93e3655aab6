"""Gateway settings from the environment (`GATEWAY_*`), each with a laptop-friendly default."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from identity.settings import IdentitySettings
from supergraph.server.cors import CorsPolicy

DEFAULT_SUBGRAPHS = (
    "users=http://127.0.0.1:3001/graphql,"
    "tickets=http://127.0.0.1:3002/graphql,"
    "chat=http://127.0.0.1:3003/graphql,"
    "notifications=http://127.0.0.1:3004/graphql,"
    "ia=http://127.0.0.1:3005/graphql"
)


class GatewaySettings(IdentitySettings):
    """Every gateway setting; validated once at start."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST", "HOST"))
    port: int = Field(default=3000, ge=0, le=65535, validation_alias=AliasChoices("GATEWAY_PORT", "PORT"))
    # production turns introspection and GraphiQL off unless they are set
    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("GATEWAY_ENVIRONMENT", "AURONTEK_ENV"))
    supergraph: str | None = None  # a supergraph SDL file; when unset, compose `subgraphs`
    subgraphs: str = DEFAULT_SUBGRAPHS  # name=url,name=url
    poll_interval: float = Field(default=10.0, gt=0)  # seconds between SDL polls when composing
    subgraph_timeout: float = Field(default=30.0, gt=0, le=600)  # seconds per subgraph request
    max_depth: int = Field(default=15, ge=0)  # 0: off (as for every limit)
    max_aliases: int = Field(default=30, ge=0)
    max_root_fields: int = Field(default=20, ge=0)
    max_cost: int = Field(default=1_000_000, ge=0)
    default_list_size: int = Field(default=10, ge=1)
    introspection: bool | None = None  # unset: on, except in production
    # largest request body (and WebSocket message): the subgraphs' own 4 MiB, so the largest file a service takes
    # (2 MiB, 2.8 MB once base64) reaches it and is judged by its rule there
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=64, le=64 * 1024 * 1024)
    csrf_prevention: bool = True
    # web app origins other than the gateway's own that may call the API from a browser, HTTP and WebSocket
    # (comma-separated; `*` within one DNS label for previews): supergraph/server/cors.py
    cors_origins: str = ""
    # file uploads (the GraphQL multipart request spec): each file on disk while its request runs, passed on to the
    # subgraph whose field takes it; the largest file and how many one request may send
    uploads: bool = True
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1, le=4 * 1024 * 1024 * 1024)
    upload_max_files: int = Field(default=10, ge=1, le=1000)
    graphiql: bool | None = None  # GraphiQL for a browser's GET /graphql; unset: on, except in production
    graphiql_assets: str = ""  # its browser files (node_modules); empty: where ./scripts/install puts them
    web: bool = True  # the web app at / (and its page paths) for a browser
    web_dir: str = ""  # its build; empty: web/dist, where ./scripts/install builds it
    plan_cache_size: int = Field(default=1024, ge=1)
    # trusted documents (supergraph/server/documents.py): the app's manifest (hash -> document, from codegen), and
    # whether only its documents run; automatic persisted queries (Apollo's protocol) and how many texts they keep
    persisted_documents: str = ""
    persisted_documents_mode: Literal["allow", "require"] = "allow"
    persisted_documents_allow_introspection: bool = False
    apq: bool = False
    apq_size: int = Field(default=10_000, ge=1, le=1_000_000)
    # pooled keep-alive connections to subgraphs, all hosts together
    pool_size: int = Field(default=256, ge=0)
    dedupe_requests: bool = True  # identical in-flight client queries share one execution
    dedupe_subgraph_requests: bool = True  # identical in-flight subgraph queries share one
    # proxies in front of the gateway whose X-Forwarded-For is believed (comma-separated)
    trusted_proxies: str = "127.0.0.1,::1"
    # identity (the access token of a WebSocket's connection_init, checked with the users' JWKS): the AUTH_*
    # settings every service shares, from IdentitySettings
    # subscriptions: graphql-transport-ws on /graphql
    # seconds to send connection_init, else close 4408
    ws_init_timeout: float = Field(default=3.0, gt=0, le=60)
    # seconds between server pings; no pong by the next one closes 4408; 0: off
    ws_keepalive: float = Field(default=15.0, ge=0, le=3600)
    # messages waiting per connection; one more closes it 1008 "slow consumer"
    ws_send_queue: int = Field(default=256, ge=1)
    # open WebSockets; more are closed 1013 (try again later)
    ws_max_connections: int = Field(default=10_000, ge=1)
    # operations running at once on one connection
    ws_max_subscriptions: int = Field(default=100, ge=1)
    # subscriptions over HTTP (supergraph/server/streams.py): seconds between heartbeats of a quiet stream
    stream_heartbeat: float = Field(default=12.0, gt=0, le=300)
    ws_compression: bool = False  # permessage-deflate: less traffic, more CPU per message
    # seconds to flush queued messages when closing a socket
    ws_close_timeout: float = Field(default=5.0, ge=0, le=60)
    # security events (sign-out, deactivation, ...) that close ended sessions' sockets: RabbitMQ and the services'
    # exchange; unset: sockets end with their token (aurontek up wires its in-process bus instead)
    amqp_url: str | None = None
    events_exchange: str = "aurontek.events"
    # events a shared subscription may hold while completing earlier ones
    subscription_backlog: int = Field(default=1000, ge=1)
    # subscription events completed at once across callers (each a caller's own entity fetches)
    subscription_completions: int = Field(default=64, ge=1, le=10_000)
    # seconds a caller's entity answers serve its next live events (0: every event asks again), and how many kept
    subscription_answer_ttl: float = Field(default=30.0, ge=0, le=3600)
    subscription_answers: int = Field(default=20_000, ge=1, le=1_000_000)

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        CorsPolicy.parse(value)  # a ValueError names the entry that is not an origin
        return value

    @model_validator(mode="after")
    def _production_defaults(self) -> GatewaySettings:
        """Introspection and GraphiQL show the whole API to anyone: off in production unless set."""
        for name in ("introspection", "graphiql"):
            if getattr(self, name) is None:
                setattr(self, name, self.environment != "production")
        return self

    @property
    def introspection_on(self) -> bool:
        return bool(self.introspection)

    @property
    def graphiql_on(self) -> bool:
        return bool(self.graphiql)

    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.trusted_proxies.split(",") if part.strip())

    def subgraph_list(self) -> list[tuple[str, str]]:
        """`subgraphs` parsed into (name, url) pairs."""
        pairs = []
        for item in self.subgraphs.split(","):
            if item.strip():
                name, _, url = item.strip().partition("=")
                if not url:
                    raise ValueError(f"GATEWAY_SUBGRAPHS entry {item!r} is not name=url")
                pairs.append((name.strip(), url.strip()))
        return pairs
