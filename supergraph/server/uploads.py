"""File uploads: the GraphQL multipart request spec (what Apollo Client's upload link sends), read as it streams.

`POST /graphql` with `multipart/form-data`: an `operations` field (the request's JSON, each file's place in its
variables left null), a `map` field (`{"0": ["variables.input.file"], ...}`), then the files. The form is read chunk
by chunk as it arrives: the two fields are kept (no larger than `GATEWAY_MAX_BODY_BYTES`), each file goes to a
temporary file on disk through a buffer of at most one chunk, so a 50 MB file never sits in memory. Each file's
place in the variables then holds an `UploadedFile`; the fetch that sends it passes the file on to its subgraph as
a multipart request of its own, read from disk in chunks (`supergraph.transport.http`). The files are deleted when
the request ends.

Refused with a clear code: without a CSRF preflight header (as any form post: `CSRF_BLOCKED`), a file over
`GATEWAY_UPLOAD_MAX_BYTES` or more than `GATEWAY_UPLOAD_MAX_FILES` files (`PAYLOAD_TOO_LARGE`, 413), a form that is
not what the spec says (`BAD_REQUEST`: no `operations` or `map` before the files, a file the map does not name, a
map entry with no file, a path that is not in the variables), a batch of operations (not served).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from python_multipart.multipart import MultipartParser, parse_options_header

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import GraphQLRequest, RequestError
from supergraph.server.http import body_chunks
from supergraph.transport.uploads import UploadedFile

FIELDS = ("operations", "map")


@dataclass
class UploadLimits:
    max_file_bytes: int
    max_files: int
    max_fields_bytes: int


@dataclass
class _Form:
    """The form being read: its fields so far, the files written, the part in progress."""

    limits: UploadLimits
    directory: str | None
    fields: dict[str, bytearray] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    mapping: dict[str, list[str]] | None = None  # file field -> variable paths (known once the map is read)
    header_name: bytes = b""
    header_value: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)
    part: str | None = None
    sink: Any = None  # the bytearray of a field, or the open temporary file of a file
    written: int = 0
    fields_size: int = 0

    def begin(self) -> None:
        self.headers, self.part, self.sink, self.written = {}, None, None, 0

    def header(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name = self.header_value = b""

    def headers_done(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if name in FIELDS and filename is None:
            self.part, self.sink = name, self.fields.setdefault(name, bytearray())
            return
        if self.mapping is None:
            raise RequestError("The form's files must come after its `operations` and `map` fields.",
                               ErrorCode.BAD_REQUEST)
        if name not in self.mapping or name in self.files:
            raise RequestError(f"The form has a file `{name}` that its `map` does not name.", ErrorCode.BAD_REQUEST)
        if len(self.files) >= self.limits.max_files:
            raise RequestError(f"A request may send at most {self.limits.max_files} files.",
                               ErrorCode.PAYLOAD_TOO_LARGE, 413)
        handle = tempfile.NamedTemporaryFile(prefix="upload-", dir=self.directory, delete=False)
        content_type = self.headers.get(b"content-type", b"application/octet-stream").decode("latin-1")
        upload = UploadedFile((filename or b"").decode("utf-8", "replace"), content_type, handle.name)
        self.files[name] = upload
        self.part, self.sink = name, handle

    def data(self, chunk: bytes, start: int, end: int) -> None:
        size = end - start
        if isinstance(self.sink, bytearray):
            self.fields_size += size
            if self.fields_size > self.limits.max_fields_bytes:
                raise RequestError(f"The form's operations and map exceed {self.limits.max_fields_bytes} bytes.",
                                   ErrorCode.PAYLOAD_TOO_LARGE, 413)
            self.sink += chunk[start:end]
            return
        assert self.sink is not None and self.part is not None
        self.written += size
        if self.written > self.limits.max_file_bytes:
            raise RequestError(f"A file may be at most {self.limits.max_file_bytes} bytes.",
                               ErrorCode.PAYLOAD_TOO_LARGE, 413)
        self.sink.write(chunk[start:end])

    def end(self) -> None:
        if self.part == "map" and isinstance(self.sink, bytearray):
            self.mapping = _map(bytes(self.sink))
        elif self.part in self.files:
            assert self.sink is not None and not isinstance(self.sink, bytearray)
            self.files[self.part].size = self.written
            self.sink.close()
        self.sink = None

    def close(self) -> None:
        """Close a file still being written (the form failed in it)."""
        if self.sink is not None and not isinstance(self.sink, bytearray):
            self.sink.close()


def _map(raw: bytes) -> dict[str, list[str]]:
    try:
        mapping = orjson.loads(raw)
    except orjson.JSONDecodeError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
            isinstance(paths, list) and paths and all(isinstance(p, str) for p in paths) for paths in mapping.values()):
        raise RequestError("The form's `map` must be a JSON object of file names to lists of variable paths.",
                           ErrorCode.BAD_REQUEST)
    return mapping


def boundary_of(content_type: str) -> bytes:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise RequestError("A multipart/form-data request needs its boundary.", ErrorCode.BAD_REQUEST)
    return boundary


async def read_form(receive: Callable[[], Awaitable[dict[str, Any]]], content_type: str, limits: UploadLimits,
                    directory: str | None = None) -> tuple[GraphQLRequest, list[UploadedFile]]:
    """The request a multipart form carries, each file's place in its variables holding its `UploadedFile`, and
    the files (to delete when the request ends: they are deleted here when the form is refused)."""
    form = _Form(limits, directory)
    parser = MultipartParser(boundary_of(content_type), callbacks={
        "on_part_begin": form.begin,
        "on_header_field": lambda data, start, end: setattr(form, "header_name", form.header_name + data[start:end]),
        "on_header_value": lambda data, start, end: setattr(form, "header_value", form.header_value + data[start:end]),
        "on_header_end": form.header,
        "on_headers_finished": form.headers_done,
        "on_part_data": form.data,
        "on_part_end": form.end,
    })
    try:
        async for chunk in body_chunks(receive):
            parser.write(chunk)
        parser.finalize()
        return _request(form), list(form.files.values())
    except RequestError:
        form.close()
        discard(list(form.files.values()))
        raise
    except Exception as error:  # the parser's own refusal of a malformed form
        form.close()
        discard(list(form.files.values()))
        raise RequestError(f"The multipart form could not be read: {error}", ErrorCode.BAD_REQUEST) from error


def _request(form: _Form) -> GraphQLRequest:
    if "operations" not in form.fields or form.mapping is None:
        raise RequestError("The form needs its `operations` and `map` fields.", ErrorCode.BAD_REQUEST)
    try:
        operations = orjson.loads(bytes(form.fields["operations"]))
    except orjson.JSONDecodeError as error:
        raise RequestError("The form's `operations` is not JSON.", ErrorCode.BAD_REQUEST) from error
    if isinstance(operations, list):
        raise RequestError("Batched operations are not served: send one operation per request.",
                           ErrorCode.BAD_REQUEST)
    if not isinstance(operations, dict):
        raise RequestError("The form's `operations` must be a JSON object.", ErrorCode.BAD_REQUEST)
    variables = operations.get("variables")
    if variables is None:
        variables = operations["variables"] = {}
    missing = set(form.mapping) - set(form.files)
    if missing:
        raise RequestError(f"The form's map names files it does not send: {sorted(missing)}.", ErrorCode.BAD_REQUEST)
    for name, paths in form.mapping.items():
        for path in paths:
            _place(operations, path, form.files[name])
    return GraphQLRequest(query=operations.get("query"), operation_name=operations.get("operationName"),
                          variables=operations["variables"], extensions=operations.get("extensions"),
                          document_id=operations.get("documentId"))


def _place(operations: dict[str, Any], path: str, upload: UploadedFile) -> None:
    """Put `upload` where `path` (`variables.input.files.0`) says, in place of the null the client sent."""
    keys = path.split(".")
    if keys[0] != "variables" or len(keys) < 2:
        raise RequestError(f"A map path must be in the variables: `{path}`.", ErrorCode.BAD_REQUEST)
    target: Any = operations
    for key in keys[:-1]:
        target = _step(target, key, path)
    last = keys[-1]
    if isinstance(target, list) and last.isdigit() and int(last) < len(target) and target[int(last)] is None:
        target[int(last)] = upload
    elif isinstance(target, dict) and last in target and target[last] is None:
        target[last] = upload
    else:
        raise RequestError(f"A map path names no null in the variables: `{path}`.", ErrorCode.BAD_REQUEST)


def _step(target: Any, key: str, path: str) -> Any:
    if isinstance(target, dict) and isinstance(target.get(key), dict | list):
        return target[key]
    if isinstance(target, list) and key.isdigit() and int(key) < len(target) and isinstance(target[int(key)],
                                                                                           dict | list):
        return target[int(key)]
    raise RequestError(f"A map path is not in the variables: `{path}`.", ErrorCode.BAD_REQUEST)


def discard(files: list[UploadedFile]) -> None:
    for upload in files:
        with contextlib.suppress(OSError):
            os.unlink(upload.path)
