"""Every event's name and payload type, in one place: producers build them, consumers parse them, and in every
environment but production each event a unit of work emits is checked against its contract before it is written
(an event without a contract is refused too), so a payload change breaks the producer's own tests, not another
service's read model.

One module per publishing service's domain: `tickets`, `ia` (its events about tickets), `catalogue`, `users`,
`chat`, `notifications`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from subgraphs.kernel.events.contracts import catalogue, chat, ia, notifications, tickets, users

CONTRACTS: dict[str, type] = {
    **tickets.CONTRACTS, **ia.CONTRACTS, **catalogue.CONTRACTS, **users.CONTRACTS, **chat.CONTRACTS,
    **notifications.CONTRACTS,
}


def register(type: str, contract: type) -> None:
    """A contract for an event type outside the product's own (a test of the event machinery uses its own)."""
    if CONTRACTS.get(type, contract) is not contract:
        raise ValueError(f"the event {type!r} has a contract already")
    CONTRACTS[type] = contract


class ContractBroken(Exception):
    """An event whose payload does not match its contract, or that has none."""


_checking = True


def check_events(on: bool) -> None:
    """Whether `check` looks at payloads at all (the runtime turns it off in production)."""
    global _checking
    _checking = on


@cache
def _adapter(contract: type) -> TypeAdapter[Any]:
    return TypeAdapter(contract)


def problems(type: str, data: Any) -> list[str]:
    """What is wrong with `data` as the payload of `type`; empty when it keeps the contract."""
    contract = CONTRACTS.get(type)
    if contract is None:
        return [f"no contract for the event {type!r} (add it to subgraphs/kernel/events/contracts)"]
    try:
        _adapter(contract).validate_python(data)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc'])) or '(payload)'}: {e['msg']}" for e in error.errors()]
    return []


def check(type: str, data: Any) -> None:
    """Raise `ContractBroken` when `data` breaks the contract of `type` (unless checking is off)."""
    if not _checking:
        return
    found = problems(type, data)
    if found:
        raise ContractBroken(f"{type}: " + "; ".join(found))
