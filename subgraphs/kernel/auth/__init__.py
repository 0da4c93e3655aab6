"""Identity shared by every service: principals, permissions and access-token verification."""

from subgraphs.kernel.auth.principal import Principal

__all__ = ["Principal"]
