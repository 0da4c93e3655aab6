"""Limit settings and violations; imports nothing from the package."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Configured maxima; 0 turns a limit off."""

    max_depth: int = 15
    max_aliases: int = 30
    max_root_fields: int = 20
    max_cost: int = 1_000_000
    default_list_size: int = 10


@dataclass(frozen=True, slots=True)
class Violation:
    """One exceeded limit, with the stable code clients can match on."""

    code: str
    message: str
