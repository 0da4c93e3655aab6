"""Which operation a request names: trusted documents (the app's manifest) and automatic persisted queries.

A request names its operation by text (`query`), or by id: `documentId` (GraphQL over HTTP's persisted documents,
optionally `sha256:`-prefixed) or `extensions.persistedQuery.sha256Hash` (Apollo's persisted-queries link).

- The manifest (`GATEWAY_PERSISTED_DOCUMENTS`, JSON: hash -> document, as GraphQL Code Generator's client preset writes
  it) serves ids without reading any text from the wire.
- `GATEWAY_PERSISTED_DOCUMENTS_MODE=require`: only the manifest's documents run. An id it does not hold is
  `PERSISTED_QUERY_NOT_FOUND`; text is served only when it is one of the manifest's documents (a client's retry
  with the text), else `PERSISTED_QUERY_REQUIRED`. Introspection-only documents pass when
  `GATEWAY_PERSISTED_DOCUMENTS_ALLOW_INTROSPECTION` is set (GraphiQL's schema and docs; its other operations not).
- `GATEWAY_APQ`: automatic persisted queries, Apollo's protocol: an unknown hash is `PERSISTED_QUERY_NOT_FOUND`
  (message `PersistedQueryNotFound`), the client sends it again with the text, the gateway checks the text's
  SHA-256 against the hash and keeps it (bounded, least recently used first out). Not with `require`: it would let
  any text in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import FieldNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode, parse

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import GraphQLRequest, RequestError

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_ID = 256
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
REQUIRED = "PERSISTED_QUERY_REQUIRED"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def requested_id(request: GraphQLRequest) -> str | None:
    """The id a request names its operation by, if any; raises `RequestError` for a malformed one."""
    if request.document_id is not None:
        ident = request.document_id
        if not isinstance(ident, str) or not ident:
            raise RequestError("`documentId` must be a non-empty string.", ErrorCode.BAD_REQUEST)
        ident = ident.removeprefix("sha256:")
    else:
        persisted = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        ident = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(ident, str) or not ident or persisted.get("version", 1) != 1:
            raise RequestError("`extensions.persistedQuery` needs version 1 and a sha256Hash string.",
                               ErrorCode.BAD_REQUEST)
    if len(ident) > _MAX_ID:
        raise RequestError(f"A document id is at most {_MAX_ID} characters.", ErrorCode.BAD_REQUEST)
    return ident


def load_manifest(path: str | Path) -> dict[str, str]:
    """The manifest's hash -> document pairs; raises ValueError (naming the file) for anything else, and for a
    SHA-256 key its document does not hash to (a manifest edited by hand, or from another build)."""
    try:
        manifest = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"GATEWAY_PERSISTED_DOCUMENTS: cannot read {path}: {error}") from error
    if not isinstance(manifest, dict) or not all(isinstance(k, str) and k and isinstance(v, str) and v
                                                 for k, v in manifest.items()):
        raise ValueError(f"GATEWAY_PERSISTED_DOCUMENTS: {path} must be a JSON object of id -> document text")
    for key, text in manifest.items():
        if _SHA256.fullmatch(key) and sha256(text) != key:
            raise ValueError(f"GATEWAY_PERSISTED_DOCUMENTS: {path}: the document of {key} hashes to {sha256(text)}")
    return manifest


def introspection_only(text: str) -> bool:
    """Every operation of `text` selects only `__schema`, `__type` and `__typename` at its root."""
    try:
        document = parse(text, no_location=True, max_tokens=15_000)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return False
    for operation in operations:
        selections = list(operation.selection_set.selections)
        while selections:
            selection = selections.pop()
            if isinstance(selection, InlineFragmentNode):
                selections.extend(selection.selection_set.selections)
            elif not isinstance(selection, FieldNode) or selection.name.value not in _INTROSPECTION_FIELDS:
                return False  # a field of the API, or a fragment spread at the root
    return True


class Documents:
    """The gateway's document rules: the manifest, its mode, automatic persisted queries."""

    def __init__(self, manifest: Mapping[str, str] | None = None, *, require: bool = False,
                 allow_introspection: bool = False, apq: bool = False, apq_size: int = 10_000) -> None:
        if require and not manifest:
            raise ValueError("GATEWAY_PERSISTED_DOCUMENTS_MODE=require needs GATEWAY_PERSISTED_DOCUMENTS (a manifest)")
        if require and apq:
            raise ValueError("GATEWAY_APQ registers any text a client sends: it cannot be on with "
                             "GATEWAY_PERSISTED_DOCUMENTS_MODE=require")
        self.manifest = dict(manifest or {})
        self.require = require
        self.allow_introspection = allow_introspection
        self.apq = apq
        self._apq_size = apq_size
        self._registered: OrderedDict[str, str] = OrderedDict()
        self._trusted_texts = {sha256(text) for text in self.manifest.values()}

    @classmethod
    def from_settings(cls, settings: Any) -> Documents:
        manifest = load_manifest(settings.persisted_documents) if settings.persisted_documents else None
        return cls(manifest, require=settings.persisted_documents_mode == "require",
                   allow_introspection=settings.persisted_documents_allow_introspection,
                   apq=settings.apq, apq_size=settings.apq_size)

    def resolve(self, request: GraphQLRequest) -> None:
        """Put the text of the operation `request` names in `request.query`; raises `RequestError` when it names
        none the gateway serves (the codes above), leaving nothing registered."""
        ident = requested_id(request)
        text = None if ident is None else self.manifest.get(ident)
        if ident is not None and text is None and self.apq:
            text = self._automatic(ident, request.query)
        if text is not None:
            request.query = text
            return
        if request.query is not None:  # the text is sent (with an id this gateway does not know, or without one)
            if self.require and not self._trusted(request.query):
                raise RequestError("This API runs only the app's trusted documents: send a documentId.", REQUIRED)
            return
        if ident is not None:  # an id alone, unknown: Apollo's link then sends the text (or gives up, unsupported)
            if not self.manifest and not self.apq:
                raise RequestError("PersistedQueryNotSupported", NOT_SUPPORTED, 200)
            raise RequestError("PersistedQueryNotFound", NOT_FOUND, 200)

    def _trusted(self, text: str) -> bool:
        return sha256(text) in self._trusted_texts or (self.allow_introspection and introspection_only(text))

    def _automatic(self, ident: str, text: str | None) -> str | None:
        if text is None:
            found = self._registered.get(ident)
            if found is not None:
                self._registered.move_to_end(ident)
            return found
        if sha256(text) != ident:
            raise RequestError("The query's SHA-256 is not the persisted query's hash.", HASH_MISMATCH)
        self._registered[ident] = text
        self._registered.move_to_end(ident)
        while len(self._registered) > self._apq_size:
            self._registered.popitem(last=False)
        return text
