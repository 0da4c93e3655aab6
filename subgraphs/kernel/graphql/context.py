"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import AppError, Forbidden, Unauthenticated
from subgraphs.kernel.tenancy import Tenancy

if TYPE_CHECKING:
    from subgraphs.kernel.runtime import Runtime

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class RequestContext:
    runtime: Runtime
    request_id: str
    client_ip: str
    principal: Principal | None
    auth_error: AppError | None = None
    headers: dict[str, str] = field(default_factory=dict)
    connection_params: dict[str, Any] | None = None  # a WebSocket's `connection_init` payload
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def tenancy(self) -> Tenancy:
        return Tenancy(self.runtime.db, self.principal)

    def require(self, permission: str | None = None, *, company_id: str | None = None) -> Principal:
        """The caller, who must be signed in and (when given) hold `permission` for `company_id`."""
        if self.principal is None:
            if self.auth_error is not None:
                raise self.auth_error
            raise Unauthenticated("authentication required")
        if permission is not None and not self.principal.can(permission, company_id):
            raise Forbidden(f"you lack the permission {permission}", permission=permission)
        return self.principal

    def loader(self, name: str, load: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> DataLoader[K, V]:
        """A DataLoader shared by every resolver of this request (batches entity look-ups)."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load)  # type: ignore[arg-type]
        return self._loaders[name]
