"""Gateway settings from the environment (`GATEWAY_*`), each with a laptop-friendly default."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SUBGRAPHS = (
    "users=http://127.0.0.1:3001/graphql,"
    "tickets=http://127.0.0.1:3002/graphql,"
    "chat=http://127.0.0.1:3003/graphql,"
    "notifications=http://127.0.0.1:3004/graphql,"
    "ia=http://127.0.0.1:3005/graphql"
)


class GatewaySettings(BaseSettings):
    """Every gateway setting; validated once at start."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

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
    max_body_bytes: int = 1_048_576
    csrf_prevention: bool = True
    plan_cache_size: int = 1024
    pool_size: int = 256  # pooled keep-alive connections to subgraphs, all hosts together
    dedupe_requests: bool = True  # identical in-flight client queries share one execution
    dedupe_subgraph_requests: bool = True  # identical in-flight subgraph queries share one
    # proxies in front of the gateway whose X-Forwarded-For is believed (comma-separated)
    trusted_proxies: str = "127.0.0.1,::1"

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
