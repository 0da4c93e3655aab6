"""Gateway settings from the environment (`GATEWAY_*`), each with a laptop-friendly default."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from identity.settings import IdentitySettings

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

    host: str = Field("127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST", "HOST"))
    port: int = Field(3000, validation_alias=AliasChoices("GATEWAY_PORT", "PORT"))
    supergraph: str | None = None  # a supergraph SDL file; when unset, compose `subgraphs`
    subgraphs: str = DEFAULT_SUBGRAPHS  # name=url,name=url
    poll_interval: float = 10.0  # seconds between SDL polls when composing
    subgraph_timeout: float = 30.0  # seconds per subgraph request
    max_depth: int = 15
    max_aliases: int = 30
    max_root_fields: int = 20
    max_cost: int = 1_000_000
    default_list_size: int = 10
    introspection: bool = True
    # largest request body (and WebSocket message): the subgraphs' own 4 MiB, so the largest file a service takes
    # (2 MiB, 2.8 MB once base64) reaches it and is judged by its rule there
    max_body_bytes: int = 4 * 1024 * 1024
    csrf_prevention: bool = True
    graphiql: bool = True  # GraphiQL for a browser's GET /graphql
    graphiql_assets: str = ""  # its browser files (node_modules); empty: where ./scripts/install puts them
    web: bool = True  # the web app at / (and its page paths) for a browser
    web_dir: str = ""  # its build; empty: web/dist, where ./scripts/install builds it
    plan_cache_size: int = 1024
    pool_size: int = 256  # pooled keep-alive connections to subgraphs, all hosts together
    dedupe_requests: bool = True  # identical in-flight client queries share one execution
    dedupe_subgraph_requests: bool = True  # identical in-flight subgraph queries share one
    # proxies in front of the gateway whose X-Forwarded-For is believed (comma-separated)
    trusted_proxies: str = "127.0.0.1,::1"
    # identity (the access token of a WebSocket's connection_init, checked with the users' JWKS): the AUTH_*
    # settings every service shares, from IdentitySettings
    # subscriptions: graphql-transport-ws on /graphql
    ws_init_timeout: float = 3.0  # seconds to send connection_init, else close 4408
    ws_keepalive: float = 15.0  # seconds between server pings; no pong by the next one closes 4408; 0: off
    ws_send_queue: int = 256  # messages waiting per connection; one more closes it 1008 "slow consumer"
    ws_max_connections: int = 10_000  # open WebSockets; more are closed 1013 (try again later)
    ws_max_subscriptions: int = 100  # operations running at once on one connection
    ws_compression: bool = False  # permessage-deflate: less traffic, more CPU per message
    ws_close_timeout: float = 5.0  # seconds to flush queued messages when closing a socket
    # security events (sign-out, deactivation, ...) that close ended sessions' sockets: RabbitMQ and the services'
    # exchange; unset: sockets end with their token (aurontek up wires its in-process bus instead)
    amqp_url: str | None = None
    events_exchange: str = "aurontek.events"
    subscription_backlog: int = 1000  # events a shared subscription may hold while completing earlier ones

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
