"""The sender: claims queued mail, hands it to the transport and records the outcome."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from typing import Any

from subgraphs.kernel.logging import get_logger
from subgraphs.notifications.mail.message import build
from subgraphs.notifications.mail.queue import MailQueue, MailStatus
from subgraphs.notifications.mail.transport import MailRefused, Transport
from telemetry import metrics

log = get_logger(__name__)
SERVICE = "notifications"  # the metrics' service label


class Sender:
    """What every sender task of an instance shares (`run` is spawned `MAIL_SENDERS` times): the queue, the
    transport, and whether the queue was just found empty.

    While mail is due, every task claims and sends on its own. Once a look finds nothing, the tasks wait out the
    poll interval together and then one of them looks for all: an idle instance asks the database once an interval,
    not once per task (eight tasks at 1 s, three reads a look, read it 24 times a second to find nothing).
    A look that finds mail wakes the others at once."""

    def __init__(self, queue: MailQueue, transport: Transport, *, sender: str, poll_interval: float) -> None:
        self.queue = queue
        self.transport = transport
        self.sender = sender
        self.poll_interval = poll_interval
        self._quiet_until = 0.0  # (monotonic) the last look found nothing: until then no task looks again
        self._looking = False  # one task is taking the look after a quiet spell; the others wait for what it finds
        self._found = asyncio.Event()  # set (and cleared) as a claim takes a mail: the waiting tasks go back to work

    async def run(self) -> None:
        """Send whatever is due, for as long as the service runs."""
        while True:
            wait = self._quiet_until - time.monotonic()
            if wait > 0 or self._looking:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._found.wait(), wait if wait > 0 else self.poll_interval)
                continue
            after_quiet = self._looking = self._quiet_until > 0
            try:
                found = await _uninterrupted(self.send_next())
            finally:
                if after_quiet:
                    self._looking = False
            if not found:
                self._quiet_until = time.monotonic() + self.poll_interval

    async def send_next(self) -> bool:
        """Claim the next due mail and try it; False when none is due (or the database is away)."""
        try:
            row = await self.queue.claim()
        except Exception as exc:
            log.warning("mail queue unavailable", extra={"error": repr(exc)})
            return False
        if row is None:
            return False
        if self._quiet_until:
            self._quiet_until = 0.0
            self._found.set()
            self._found.clear()
        try:
            await self.attempt(row)
        except Exception as exc:  # the outcome could not be recorded; the lease hands the row on
            log.error("mail outcome not recorded", extra={"deliveryId": row["_id"], "error": repr(exc)})
        return True

    async def attempt(self, row: dict[str, Any]) -> MailStatus:
        """One try at one delivery."""
        context = {"deliveryId": row["_id"], "kind": row["kind"], "attempt": row["attempts"]}
        started = time.perf_counter()
        try:
            await self.transport.send(build(row, sender=self.sender), key=row["_id"])
        except MailRefused as exc:
            _measured(started, sent=False)
            log.error("mail refused for good", extra={**context, "error": str(exc)})
            return await self.queue.failed(row, str(exc), final=True)
        except Exception as exc:  # a server away or saying "not now": retried with backoff
            _measured(started, sent=False)
            status = await self.queue.failed(row, _describe(exc), final=False)
            log.warning("mail not sent", extra={**context, "error": _describe(exc), "status": str(status)})
            return status
        _measured(started, sent=True)
        await self.queue.sent(row)
        return MailStatus.SENT


def _measured(started: float, *, sent: bool) -> None:
    metrics.child(metrics.MAIL_DURATION, SERVICE, "sent" if sent else "failed").observe(time.perf_counter() - started)
    (metrics.MAIL_SENT if sent else metrics.MAIL_FAILURES).labels(SERVICE).inc()


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _uninterrupted(work: Coroutine[Any, Any, bool]) -> bool:
    """Run `work` to its end even when the service stops meanwhile: a claimed mail is always settled,
    so none is left marked as being sent (which would hold it back until its lease lapsed)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise
