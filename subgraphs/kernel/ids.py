"""Identifiers: documents use ObjectId hex strings (time-ordered, good cursors); events use UUIDs."""

from __future__ import annotations

import uuid

from bson import ObjectId


def new_id() -> str:
    return str(ObjectId())


def new_event_id() -> str:
    return str(uuid.uuid4())


def is_id(value: str) -> bool:
    return ObjectId.is_valid(value) and len(value) == 24
