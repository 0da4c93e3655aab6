"""Finished spans to the OTLP/HTTP wire, cheaply: the protobuf bytes are written directly.

The SDK's OTLP exporter builds a protobuf message object per span, attribute and value, then serializes them: about
as much interpreter time per span as recording it, spent in the exporter's thread while it holds the interpreter lock
that the gateway's event loop needs. `encode` writes the same `ExportTraceServiceRequest` (opentelemetry-proto's
trace.proto, collector/trace/v1) straight into bytes; resources and instrumentation scopes, a handful per process,
are written once and kept. `SpanExporter` is the SDK's OTLP/HTTP exporter (its endpoint, headers, compression,
timeout and retries from the standard variables) with this encoding in place of the SDK's.

The tests decode what this writes with the opentelemetry-proto package and compare it with the SDK's own encoding.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.trace import SpanKind

log = logging.getLogger(__name__)

_fixed64 = struct.Struct("<Q").pack
_fixed32 = struct.Struct("<I").pack
_double = struct.Struct("<d").pack
_SMALL = [bytes((value,)) for value in range(128)]
_KINDS = {SpanKind.INTERNAL: 1, SpanKind.SERVER: 2, SpanKind.CLIENT: 3, SpanKind.PRODUCER: 4, SpanKind.CONSUMER: 5}
# Span.flags: the W3C flags are not repeated here (as the SDK writes it); bit 8 says bit 9 is set, bit 9 that the
# parent came from another process
_HAS_IS_REMOTE, _IS_REMOTE = 0x100, 0x200


def _varint(value: int) -> bytes:
    if 0 <= value < 128:
        return _SMALL[value]
    if value < 0:
        value += 1 << 64  # int64: two's complement in ten bytes
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _tag(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _delimited(tag: bytes, payload: bytes) -> bytes:
    return tag + _varint(len(payload)) + payload


# field tags: (message, field) -> bytes; wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
_REQUEST_RESOURCE_SPANS = _tag(1, 2)
_RESOURCE_SPANS_RESOURCE, _RESOURCE_SPANS_SCOPE_SPANS, _RESOURCE_SPANS_SCHEMA = _tag(1, 2), _tag(2, 2), _tag(3, 2)
_RESOURCE_ATTRIBUTES, _RESOURCE_DROPPED = _tag(1, 2), _tag(2, 0)
_SCOPE_SPANS_SCOPE, _SCOPE_SPANS_SPANS, _SCOPE_SPANS_SCHEMA = _tag(1, 2), _tag(2, 2), _tag(3, 2)
_SCOPE_NAME, _SCOPE_VERSION, _SCOPE_ATTRIBUTES = _tag(1, 2), _tag(2, 2), _tag(3, 2)
_SPAN_TRACE_ID, _SPAN_ID, _SPAN_TRACE_STATE, _SPAN_PARENT = _tag(1, 2), _tag(2, 2), _tag(3, 2), _tag(4, 2)
_SPAN_NAME, _SPAN_KIND, _SPAN_START, _SPAN_END = _tag(5, 2), _tag(6, 0), _tag(7, 1), _tag(8, 1)
_SPAN_ATTRIBUTES, _SPAN_DROPPED_ATTRIBUTES, _SPAN_EVENTS, _SPAN_DROPPED_EVENTS = (_tag(9, 2), _tag(10, 0),
                                                                                  _tag(11, 2), _tag(12, 0))
_SPAN_LINKS, _SPAN_DROPPED_LINKS, _SPAN_STATUS, _SPAN_FLAGS = _tag(13, 2), _tag(14, 0), _tag(15, 2), _tag(16, 5)
_EVENT_TIME, _EVENT_NAME, _EVENT_ATTRIBUTES, _EVENT_DROPPED = _tag(1, 1), _tag(2, 2), _tag(3, 2), _tag(4, 0)
_LINK_TRACE_ID, _LINK_SPAN_ID, _LINK_TRACE_STATE, _LINK_ATTRIBUTES, _LINK_DROPPED, _LINK_FLAGS = (
    _tag(1, 2), _tag(2, 2), _tag(3, 2), _tag(4, 2), _tag(5, 0), _tag(6, 5))
_STATUS_MESSAGE, _STATUS_CODE = _tag(2, 2), _tag(3, 0)
_KEY_VALUE_KEY, _KEY_VALUE_VALUE = _tag(1, 2), _tag(2, 2)
_ANY_STRING, _ANY_BOOL, _ANY_INT, _ANY_DOUBLE, _ANY_ARRAY, _ANY_BYTES = (_tag(1, 2), _tag(2, 0), _tag(3, 0),
                                                                         _tag(4, 1), _tag(5, 2), _tag(7, 2))
_ARRAY_VALUES = _tag(1, 2)
_TRUE, _FALSE = _ANY_BOOL + b"\x01", _ANY_BOOL + b"\x00"
_EMPTY_STATUS = _SPAN_STATUS + b"\x00"  # a status with no code and no message


def _string(tag: bytes, value: str) -> bytes:
    data = value.encode("utf-8")
    return tag + _varint(len(data)) + data


def _any_value(value: Any) -> bytes:
    if isinstance(value, str):
        return _string(_ANY_STRING, value)
    if isinstance(value, bool):  # before int: a bool is an int
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        return _ANY_INT + _varint(value)
    if isinstance(value, float):
        return _ANY_DOUBLE + _double(value)
    if isinstance(value, bytes):
        return _delimited(_ANY_BYTES, value)
    if isinstance(value, (list, tuple)):
        return _delimited(_ANY_ARRAY, b"".join(_delimited(_ARRAY_VALUES, _any_value(item)) for item in value))
    return _string(_ANY_STRING, str(value))


def _pair(tag: bytes, key: str, value: Any) -> bytes:
    return _delimited(tag, _string(_KEY_VALUE_KEY, key) + _delimited(_KEY_VALUE_VALUE, _any_value(value)))


# Attributes repeat from span to span (a subgraph's name, a route, an operation's type): each (key, value) of a
# plain kind is written once and kept, up to _KEPT of them; values longer than _KEPT_LENGTH are written every time.
_KEPT, _KEPT_LENGTH = 4096, 128
_written_pairs: dict[tuple[bytes, str, type, Any], bytes] = {}
_written_names: dict[str, bytes] = {}
_PLAIN = (str, int, bool)


def _attributes(tag: bytes, attributes: Mapping[str, Any] | None) -> bytes:
    if not attributes:
        return b""
    out = []
    for key, value in attributes.items():
        kind = type(value)
        if kind not in _PLAIN or (kind is str and len(value) > _KEPT_LENGTH):
            out.append(_pair(tag, key, value))
            continue
        found = _written_pairs.get((tag, key, kind, value))  # the type too: True == 1
        if found is None:
            if len(_written_pairs) >= _KEPT:
                _written_pairs.clear()
            found = _written_pairs[(tag, key, kind, value)] = _pair(tag, key, value)
        out.append(found)
    return b"".join(out)


def _name(name: str) -> bytes:
    found = _written_names.get(name)
    if found is None:
        if len(_written_names) >= _KEPT:
            _written_names.clear()
        found = _written_names[name] = _string(_SPAN_NAME, name)
    return found


def _trace_state(state: Any) -> str:
    return ",".join(f"{key}={value}" for key, value in state.items()) if state else ""


_LOCAL_FLAGS = _SPAN_FLAGS + _fixed32(_HAS_IS_REMOTE)
_REMOTE_FLAGS = _SPAN_FLAGS + _fixed32(_HAS_IS_REMOTE | _IS_REMOTE)
_KIND_BYTES = {kind: _SPAN_KIND + _SMALL[number] for kind, number in _KINDS.items()}


def _flags(parent: Any) -> bytes:
    return _fixed32(_HAS_IS_REMOTE | _IS_REMOTE if parent is not None and parent.is_remote else _HAS_IS_REMOTE)


def _span(span: ReadableSpan) -> bytes:
    context: Any = span.get_span_context()  # a finished span always has one
    parts = [_SPAN_TRACE_ID + b"\x10" + context.trace_id.to_bytes(16, "big"),
             _SPAN_ID + b"\x08" + context.span_id.to_bytes(8, "big")]
    state = _trace_state(context.trace_state)
    if state:
        parts.append(_string(_SPAN_TRACE_STATE, state))
    parent = span.parent
    if parent is not None:
        parts.append(_SPAN_PARENT + b"\x08" + parent.span_id.to_bytes(8, "big"))
    parts.append(_name(span.name))
    parts.append(_KIND_BYTES[span.kind])
    parts.append(_SPAN_START + _fixed64(span.start_time or 0))
    parts.append(_SPAN_END + _fixed64(span.end_time or 0))
    parts.append(_attributes(_SPAN_ATTRIBUTES, span.attributes))
    if span.dropped_attributes:
        parts.append(_SPAN_DROPPED_ATTRIBUTES + _varint(span.dropped_attributes))
    for event in span.events:
        body = _EVENT_TIME + _fixed64(event.timestamp) + _string(_EVENT_NAME, event.name)
        body += _attributes(_EVENT_ATTRIBUTES, event.attributes)
        if event.dropped_attributes:
            body += _EVENT_DROPPED + _varint(event.dropped_attributes)
        parts.append(_delimited(_SPAN_EVENTS, body))
    if span.dropped_events:
        parts.append(_SPAN_DROPPED_EVENTS + _varint(span.dropped_events))
    for link in span.links:
        body = (_LINK_TRACE_ID + b"\x10" + link.context.trace_id.to_bytes(16, "big")
                + _LINK_SPAN_ID + b"\x08" + link.context.span_id.to_bytes(8, "big"))
        body += _attributes(_LINK_ATTRIBUTES, link.attributes)
        if link.dropped_attributes:
            body += _LINK_DROPPED + _varint(link.dropped_attributes)
        body += _LINK_FLAGS + _flags(link.context)
        parts.append(_delimited(_SPAN_LINKS, body))
    if span.dropped_links:
        parts.append(_SPAN_DROPPED_LINKS + _varint(span.dropped_links))
    status = span.status
    if status is not None:
        code = status.status_code.value
        if code or status.description:
            body = _string(_STATUS_MESSAGE, status.description) if status.description else b""
            parts.append(_delimited(_SPAN_STATUS, body + (_STATUS_CODE + _varint(code) if code else b"")))
        else:
            parts.append(_EMPTY_STATUS)
    parts.append(_REMOTE_FLAGS if parent is not None and parent.is_remote else _LOCAL_FLAGS)
    return b"".join(parts)


# resources and scopes, written once: (the object, kept so that its id is not reused while cached; its bytes)
_written: dict[int, tuple[Any, bytes]] = {}


def _once(value: Any, write: Any) -> bytes:
    found = _written.get(id(value))
    if found is None or found[0] is not value:
        if len(_written) > 256:  # providers are made once per service; this only guards against a leak
            _written.clear()
        found = _written[id(value)] = (value, write(value))
    return found[1]


def _resource(resource: Any) -> bytes:
    return _attributes(_RESOURCE_ATTRIBUTES, resource.attributes)


def _scope(scope: Any) -> bytes:
    body = _string(_SCOPE_NAME, scope.name) if scope.name else b""
    if scope.version:
        body += _string(_SCOPE_VERSION, scope.version)
    return body + _attributes(_SCOPE_ATTRIBUTES, scope.attributes)


def encode_span(span: ReadableSpan) -> bytes:
    """One span as it sits in its scope's list of an `ExportTraceServiceRequest`: written when the span ends, so
    that what waits for the next export is bytes (nothing for the garbage collector to look through)."""
    return _delimited(_SCOPE_SPANS_SPANS, _span(span))


def request(spans: Iterable[tuple[Any, Any, bytes]]) -> bytes:
    """An `ExportTraceServiceRequest` of spans written by `encode_span`, each with its resource and scope: grouped
    by resource, then by scope."""
    grouped: dict[int, tuple[Any, dict[int, tuple[Any, list[bytes]]]]] = {}
    for resource, scope, written in spans:
        scopes = grouped.get(id(resource))
        if scopes is None:
            scopes = grouped[id(resource)] = (resource, {})
        found = scopes[1].get(id(scope))
        if found is None:
            found = scopes[1][id(scope)] = (scope, [])
        found[1].append(written)
    out = []
    for resource, by_scope in grouped.values():
        body = [_delimited(_RESOURCE_SPANS_RESOURCE, _once(resource, _resource))]
        for scope, written_spans in by_scope.values():
            scope_body = [_delimited(_SCOPE_SPANS_SCOPE, _once(scope, _scope))] if scope is not None else []
            scope_body.extend(written_spans)
            if scope is not None and scope.schema_url:
                scope_body.append(_string(_SCOPE_SPANS_SCHEMA, scope.schema_url))
            body.append(_delimited(_RESOURCE_SPANS_SCOPE_SPANS, b"".join(scope_body)))
        if resource.schema_url:
            body.append(_string(_RESOURCE_SPANS_SCHEMA, resource.schema_url))
        out.append(_delimited(_REQUEST_RESOURCE_SPANS, b"".join(body)))
    return b"".join(out)


def encode(spans: Iterable[ReadableSpan]) -> bytes:
    """An `ExportTraceServiceRequest` of `spans`, serialized."""
    return request((span.resource, span.instrumentation_scope, encode_span(span)) for span in spans)


class SpanExporter(OTLPSpanExporter):
    """The SDK's OTLP/HTTP span exporter, writing its requests with `encode` (or taking spans already written)."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            data = encode(spans)
        except Exception:
            log.exception("could not encode %d spans", len(spans))
            return SpanExportResult.FAILURE
        return self.send(data, len(spans))

    def export_written(self, spans: Sequence[tuple[Any, Any, bytes]]) -> SpanExportResult:
        """Spans written by `encode_span`, each with its resource and scope."""
        return self.send(request(spans), len(spans))

    def send(self, data: bytes, count: int) -> SpanExportResult:
        if self._shutdown:
            return SpanExportResult.FAILURE
        if 0 < self._max_request_size < len(data):
            log.warning("dropped %d spans: %d bytes is over the request limit", count, len(data))
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS if self._client.export(data).success else SpanExportResult.FAILURE
