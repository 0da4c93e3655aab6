"""Ticket text normalisation: one canonical form for training and prediction alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NUMBER = re.compile(r"\b\d[\d.,:/-]*\b")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, NFKC-fold, and replace URLs, e-mail addresses and numbers by placeholder words."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    # Placeholders keep the signal ("a link was pasted") without one feature per distinct value.
    text = _URL.sub(" urltoken ", text)
    text = _EMAIL.sub(" emailtoken ", text)
    text = _NUMBER.sub(" numtoken ", text)
    return _SPACE.sub(" ", text).strip()


def ticket_text(title: str | None, description: str | None = None) -> str:
    """The text a ticket is classified on: its title, then its description."""
    return " ".join(part.strip() for part in (title, description) if part and part.strip())


def normalise_all(texts: Iterable[str]) -> list[str]:
    """normalise() over many texts."""
    return [normalise(text) for text in texts]
