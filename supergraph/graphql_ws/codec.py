"""Decoding and validating incoming messages; encoding outgoing ones."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, cast

import orjson

from supergraph.graphql_ws.messages import Message


class InvalidMessage(Exception):
    """A frame that is not a valid message of the protocol (closes with 4400)."""


class LoneSurrogate(InvalidMessage):
    """JSON whose strings spell half a UTF-16 surrogate pair (`"\\ud800"`): no character, so no input. A
    `subscribe` so spoilt is refused as that operation's BAD_USER_INPUT (`operation_id`), as over HTTP."""

    def __init__(self, operation_id: str | None) -> None:
        super().__init__("Invalid message received: a string holds a lone UTF-16 surrogate, which is not a character")
        self.operation_id = operation_id


def decode(raw: str | bytes, accepted: Collection[str]) -> Message:
    """The message in `raw`, checked field by field; only types in `accepted` pass."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _why_not_json(raw) from None
    if not isinstance(value, dict):
        raise InvalidMessage("Invalid message received: not an object")
    kind = value.get("type")
    if not isinstance(kind, str) or not kind:
        raise InvalidMessage("Invalid message received: no type")
    if kind not in accepted:
        raise InvalidMessage(f"Unexpected message of type {kind[:40]} received")
    if kind in ("connection_init", "connection_ack", "ping", "pong"):
        _optional_object(value, "payload", kind)
        return cast(Message, value)
    _id(value, kind)
    if kind == "subscribe":
        _subscribe_payload(value.get("payload"))
    elif kind == "next" and not isinstance(value.get("payload"), dict):
        raise InvalidMessage("Invalid message received: next without a payload object")
    elif kind == "error" and not _formatted_errors(value.get("payload")):
        raise InvalidMessage("Invalid message received: error without GraphQL errors")
    return cast(Message, value)


def _id(value: dict[str, Any], kind: str) -> None:
    if not isinstance(value.get("id"), str) or not value["id"]:
        raise InvalidMessage(f"Invalid message received: {kind} needs a non-empty string id")


def _optional_object(value: dict[str, Any], name: str, kind: str) -> None:
    if value.get(name) is not None and not isinstance(value[name], dict):
        raise InvalidMessage(f"Invalid message received: {kind} {name} must be an object")


def _subscribe_payload(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise InvalidMessage("Invalid message received: subscribe without a payload object")
    named = isinstance(payload.get("documentId"), str) or (
        isinstance(payload.get("extensions"), dict) and "persistedQuery" in payload["extensions"])
    if not isinstance(payload.get("query"), str) and not (payload.get("query") is None and named):
        raise InvalidMessage("Invalid message received: subscribe payload needs a query string (or a documentId)")
    for name in ("variables", "extensions"):
        _optional_object(payload, name, "subscribe")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise InvalidMessage("Invalid message received: subscribe operationName must be a string")


def _formatted_errors(payload: Any) -> bool:
    return (
        isinstance(payload, list)
        and bool(payload)
        and all(isinstance(e, dict) and "message" in e for e in payload)
    )


def encode(message: Message) -> str:
    return orjson.dumps(message).decode()


def next_frame(operation_id: str, payload_json: str) -> str:
    """A `next` message around an already-serialized payload: one serialization per event,
    however many clients receive it."""
    return '{"id":' + orjson.dumps(operation_id).decode() + ',"type":"next","payload":' + payload_json + "}"


def _why_not_json(raw: str | bytes) -> InvalidMessage:
    """orjson refuses lone surrogates where Python's json takes them: that tells them from malformed JSON."""
    try:
        value = json.loads(raw)
    except ValueError:
        return InvalidMessage("Invalid message received: not JSON")
    operation_id = value.get("id") if isinstance(value, dict) and value.get("type") == "subscribe" else None
    return LoneSurrogate(operation_id if isinstance(operation_id, str) and operation_id.isprintable() else None)
