"""Input normalisation shared by the tickets service's operations."""

from __future__ import annotations

from collections.abc import Iterable

from subgraphs.kernel.errors import BadUserInput


def line(value: str | None, *, field: str, max_length: int = 200, min_length: int = 1) -> str:
    """One line of text, inner whitespace collapsed."""
    cleaned = " ".join((value or "").split())
    if not min_length <= len(cleaned) <= max_length:
        raise BadUserInput(f"{field} must have between {min_length} and {max_length} characters", field=field)
    return cleaned


def optional_line(value: str | None, *, field: str, max_length: int = 200) -> str | None:
    cleaned = " ".join((value or "").split())
    return line(cleaned, field=field, max_length=max_length) if cleaned else None


def text(value: str | None, *, field: str, max_length: int = 10_000, min_length: int = 1) -> str:
    """Free text: line breaks kept, surrounding blank space removed."""
    cleaned = (value or "").strip()
    if not min_length <= len(cleaned) <= max_length:
        raise BadUserInput(f"{field} must have between {min_length} and {max_length} characters", field=field)
    return cleaned


def optional_text(value: str | None, *, field: str, max_length: int = 1000) -> str | None:
    """Free text that may be left out: line breaks kept, None when only blank space is given."""
    cleaned = (value or "").strip()
    return text(cleaned, field=field, max_length=max_length) if cleaned else None


def labels(values: Iterable[str] | None, *, field: str, max_items: int = 20, max_length: int = 50) -> list[str]:
    """Tags, categories and care groups: trimmed, de-duplicated case-insensitively, order kept."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in values or ():
        label = line(raw, field=field, max_length=max_length)
        if label.lower() not in seen:
            seen.add(label.lower())
            result.append(label)
    if len(result) > max_items:
        raise BadUserInput(f"{field} may hold at most {max_items} entries", field=field)
    return result


def minutes(value: int, *, field: str, maximum: int = 90 * 24 * 60) -> int:
    if not 1 <= value <= maximum:
        raise BadUserInput(f"{field} must be between 1 and {maximum} minutes", field=field)
    return value
