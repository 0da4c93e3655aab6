"""Input normalisation and validation shared by the users service's operations."""

from __future__ import annotations

import re
from collections.abc import Iterable

from subgraphs.kernel.errors import BadUserInput

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9]{6,17}$")
_TAX_ID = re.compile(r"^[A-Z0-9][A-Z0-9.-]{3,18}[A-Z0-9]$")
LANGUAGES = ("es", "en")


def email(value: str, *, field: str = "email") -> str:
    normalised = value.strip().lower()
    if len(normalised) > 254 or not _EMAIL.match(normalised):
        raise BadUserInput(f"'{value}' is not a valid e-mail address", field=field)
    return normalised


def text(value: str, *, field: str, max_length: int = 100, min_length: int = 1) -> str:
    cleaned = " ".join(value.split())
    if not min_length <= len(cleaned) <= max_length:
        raise BadUserInput(f"{field} must have between {min_length} and {max_length} characters", field=field)
    return cleaned


def optional_text(value: str | None, *, field: str, max_length: int = 200) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return text(cleaned, field=field, max_length=max_length) if cleaned else None


def phone(value: str | None, *, field: str = "phone") -> str | None:
    if value is None or not value.strip():
        return None
    compact = re.sub(r"[\s().-]", "", value)
    if not _PHONE.match(compact):
        raise BadUserInput(f"'{value}' is not a valid phone number", field=field)
    return compact


def tax_id(value: str, *, field: str = "taxId") -> str:
    normalised = value.strip().upper()
    if not _TAX_ID.match(normalised):
        raise BadUserInput("the tax id must be 5 to 20 letters, digits, dots or dashes", field=field)
    return normalised


def language(value: str | None, *, field: str = "language") -> str:
    chosen = (value or "es").strip().lower()
    if chosen not in LANGUAGES:
        raise BadUserInput(f"language must be one of {', '.join(LANGUAGES)}", field=field)
    return chosen


def labels(values: Iterable[str] | None, *, field: str, max_items: int = 30) -> list[str]:
    """Skills and care groups: trimmed, de-duplicated case-insensitively, order kept."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in values or ():
        label = text(raw, field=field, max_length=50)
        if label.lower() not in seen:
            seen.add(label.lower())
            result.append(label)
    if len(result) > max_items:
        raise BadUserInput(f"{field} may hold at most {max_items} entries", field=field)
    return result
