"""Writes a transaction defers to its end, sent there as one statement.

SecantusDB runs the statements of all transactions one at a time (benchmarks/workload/RESULTS.md), so every
statement a transaction saves shortens every other transaction's wait. A unit of work's inserts, updates and
deletes whose results it does not need, its events' outbox rows and an event's processed-marker go to the server
as one client-level `bulkWrite` (MongoDB 8.0's, which SecantusDB serves too), in the order they were asked for,
whenever they would otherwise take more than one statement; a server without that command gets one `insert` a run
of inserts into one collection, one `update` an update and one `delete` a delete; a lone write of a transaction that
sent nothing else goes outside it. The first write that fails stops the rest, and the transaction writes nothing.
An update or a delete that must find its document (a write guarded by the version it read) raises its caller's
exception when it found none, and the transaction writes nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pymongo import DeleteOne, InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.client_session_shared import _TxnState
from pymongo.errors import BulkWriteError, ClientBulkWriteException, DuplicateKeyError, OperationFailure
from pymongo.results import DeleteResult, UpdateResult

from subgraphs.kernel.mongo import Database, Document

BULK_WRITE_WIRE_VERSION = 25  # MongoDB 8.0
DUPLICATE_KEY = (11000, 11001)
Update = Mapping[str, Any] | Sequence[Mapping[str, Any]]  # operators, or a pipeline


class Rows(Protocol):
    """A company's view of a collection, which stamps the company on what is inserted and scopes every filter."""

    def stamped(self, document: dict[str, Any]) -> tuple[AsyncCollection[Document], dict[str, Any]]: ...

    def scoped(self, filter: Mapping[str, Any]) -> tuple[AsyncCollection[Document], dict[str, Any]]: ...


@dataclass
class Write:
    rows: AsyncCollection[Document]
    document: dict[str, Any]  # an insert's document, or an update's or a delete's filter
    update: Update | None = None
    upsert: bool = False
    delete: bool = False
    duplicate: Callable[[], Exception] | None = None  # what a taken unique key means here (None: a failure)
    unmatched: Callable[[], Exception] | None = None  # what a write that found no document means (None: nothing)

    @property
    def inserts(self) -> bool:
        return self.update is None and not self.delete

    def model(self) -> InsertOne[Document] | UpdateOne | DeleteOne:
        if self.delete:
            return DeleteOne(self.document, namespace=self.rows.full_name)
        if self.update is None:
            return InsertOne(self.document, namespace=self.rows.full_name)
        return UpdateOne(self.document, self.update, upsert=self.upsert, namespace=self.rows.full_name)


class Deferred:
    """The writes of one transaction, kept for its end."""

    def __init__(self) -> None:
        self.writes: list[Write] = []

    def insert(self, rows: AsyncCollection[Document] | Rows, documents: tuple[dict[str, Any], ...],
               duplicate: Callable[[], Exception] | None) -> None:
        for document in documents:
            collection, stamped = (rows, document) if isinstance(rows, AsyncCollection) else rows.stamped(document)
            self.writes.append(Write(collection, stamped, duplicate=duplicate))

    def update(self, rows: AsyncCollection[Document] | Rows, filter: Mapping[str, Any], update: Update,
               upsert: bool, unmatched: Callable[[], Exception] | None) -> None:
        collection, scoped = (rows, dict(filter)) if isinstance(rows, AsyncCollection) else rows.scoped(filter)
        self.writes.append(Write(collection, scoped, update, upsert, unmatched=unmatched))

    def delete(self, rows: AsyncCollection[Document] | Rows, filter: Mapping[str, Any],
               unmatched: Callable[[], Exception] | None) -> None:
        collection, scoped = (rows, dict(filter)) if isinstance(rows, AsyncCollection) else rows.scoped(filter)
        self.writes.append(Write(collection, scoped, delete=True, unmatched=unmatched))

    async def send(self, db: Database, session: AsyncClientSession) -> None:
        """Send what was kept, in order, inside `session`'s transaction; nothing is kept after. One write in a
        transaction that has sent nothing else (an event's marker, for a handler that found nothing to do) goes
        outside it: a write of one document is atomic alone, and the transaction then costs the server nothing."""
        writes, self.writes = self.writes, []
        inside: AsyncClientSession | None = None if len(writes) == 1 and _sent_nothing(session) else session
        statements = _statements(writes)
        if len(statements) > 1 and await _bulk_writes(db):
            await _in_one(db, session, writes)
            return
        for statement in statements:
            first = statement[0]
            result: DeleteResult | UpdateResult
            if first.delete:
                result = await first.rows.delete_one(first.document, session=inside)
            elif first.update is not None:
                result = await first.rows.update_one(first.document, first.update, upsert=first.upsert,
                                                     session=inside)
            else:
                try:
                    await first.rows.insert_many([w.document for w in statement], ordered=True, session=inside)
                except BulkWriteError as exc:
                    raise _failure(statement, exc.details["writeErrors"][0], exc) from None
                continue
            if first.unmatched is not None and _found_nothing(result):
                raise first.unmatched()


def _sent_nothing(session: AsyncClientSession) -> bool:
    """Whether no command has gone out in `session`'s transaction yet: pymongo starts a transaction on the server
    with its first command. Read from the session's state (pymongo's own, not public API); when that cannot be
    read, as if something had gone out."""
    transaction = getattr(session, "_transaction", None)
    return getattr(transaction, "state", None) == _TxnState.STARTING


def _statements(writes: list[Write]) -> list[list[Write]]:
    """The writes as a server without bulkWrite takes them: a run of inserts into one collection is one insert, an
    update one update, a delete one delete."""
    statements: list[list[Write]] = []
    for write in writes:
        last = statements[-1][-1] if statements else None
        if (write.inserts and last is not None and last.inserts
                and last.rows.full_name == write.rows.full_name):
            statements[-1].append(write)
        else:
            statements.append([write])
    return statements


async def _in_one(db: Database, session: AsyncClientSession, writes: list[Write]) -> None:
    guarded = [(n, w.unmatched) for n, w in enumerate(writes) if w.unmatched is not None]
    try:
        # each write's own result only where one is checked: the server sends a row a write then
        result = await db.client.bulk_write([w.model() for w in writes], session=session, ordered=True,
                                            verbose_results=bool(guarded))
    except ClientBulkWriteException as exc:
        if isinstance(exc.error, BaseException):
            raise exc.error from None  # the command's own failure (a write conflict: the transaction is retried)
        if exc.error:  # the same, as the server's reply
            raise OperationFailure(exc.error.get("errmsg", ""), exc.error.get("code"), exc.error) from None
        raise _failure(writes, exc.details["writeErrors"][0], exc) from None
    for n, unmatched in guarded:
        write = writes[n]
        if _found_nothing(result.delete_results[n] if write.delete else result.update_results[n]):
            raise unmatched()


def _found_nothing(result: DeleteResult | UpdateResult) -> bool:
    """Whether an update or a delete found no document (an upsert that inserted one found it)."""
    if isinstance(result, DeleteResult):
        return not result.deleted_count
    return not result.matched_count and result.upserted_id is None


def _failure(writes: list[Write], error: Mapping[str, Any], exc: Exception) -> Exception:
    """The exception for the write error of one of `writes` (its position: `idx` from a bulkWrite, `index` from an
    insert)."""
    write = writes[error["idx"] if "idx" in error else error["index"]]
    if error.get("code") in DUPLICATE_KEY:
        return write.duplicate() if write.duplicate else DuplicateKeyError(error.get("errmsg", ""), 11000, error)
    return OperationFailure(error.get("errmsg", str(exc)), error.get("code"), error)


async def _bulk_writes(db: Database) -> bool:
    """Whether the server takes a client-level bulkWrite (asked once a database)."""
    if db.bulk_writes is None:
        hello = await db.client.admin.command("hello")
        db.bulk_writes = int(hello.get("maxWireVersion", 0)) >= BULK_WRITE_WIRE_VERSION
    return db.bulk_writes
