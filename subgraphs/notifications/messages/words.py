"""Small translated words the templates need: ticket states, priorities, SLA clocks."""

from __future__ import annotations

LANGUAGES = ("es", "en")

STATUS = {
    "es": {"open": "abierto", "in_progress": "en curso", "on_hold": "en espera", "resolved": "resuelto",
           "closed": "cerrado", "cancelled": "cancelado", "reopened": "reabierto"},
    "en": {"open": "open", "in_progress": "in progress", "on_hold": "on hold", "resolved": "resolved",
           "closed": "closed", "cancelled": "cancelled", "reopened": "reopened"},
}
PRIORITY = {
    "es": {"low": "baja", "medium": "media", "high": "alta", "critical": "crítica"},
    "en": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
}
SLA_CLOCK = {
    "es": {"response": "primera respuesta", "resolution": "resolución"},
    "en": {"response": "first response", "resolution": "resolution"},
}


def language_of(value: str | None, default: str) -> str:
    """A language we write in: the person's own when we have it, else `default`."""
    return value if value in LANGUAGES else default


def word(table: dict[str, dict[str, str]], language: str, key: str | None) -> str:
    """The translation of `key`, or the key itself (lower-cased, underscores as spaces) when unknown."""
    if not key:
        return ""
    return table[language].get(str(key).lower(), str(key).replace("_", " ").lower())
