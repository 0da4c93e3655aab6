"""The notifications service as the kernel runs it: schema, settings, the consumer and the background senders."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.events.broadcast import start_feed
from subgraphs.kernel.runtime import Runtime
from subgraphs.notifications import store
from subgraphs.notifications.chat.flush import UnreadFlusher
from subgraphs.notifications.consumer import PATTERNS, RETIRED, Consumer, wanted
from subgraphs.notifications.dispatch import Dispatcher
from subgraphs.notifications.graphql.schema import build_schema
from subgraphs.notifications.inbox import live
from subgraphs.notifications.mail.queue import MailQueue
from subgraphs.notifications.mail.sender import Sender
from subgraphs.notifications.mail.transport import DirectoryTransport, SmtpTransport, Transport
from subgraphs.notifications.messages.render import Renderer
from subgraphs.notifications.settings import NotificationsSettings
from telemetry import metrics


def transport(settings: NotificationsSettings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url, timeout=settings.smtp_timeout, ca_file=settings.smtp_tls_ca_file)
    return DirectoryTransport(settings.outbox_dir)


async def setup(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, NotificationsSettings)
    await store.ensure_indexes(runtime.db)
    dispatcher = Dispatcher(runtime.db, Renderer(app_url=settings.app_url), settings.default_language)
    consumer = Consumer(runtime.db, dispatcher, chat_delay=timedelta(seconds=settings.chat_unread_delay_seconds))
    runtime.consume("notify", PATTERNS, consumer.handle, accepts=wanted, width=settings.notify_concurrency)
    runtime.state["notifications_live"] = await start_feed(runtime, live.CHANNELS, live.routes)
    # A send that outlives its lease is taken for dead and retried elsewhere: give it ample time.
    queue = MailQueue(runtime.db, max_attempts=settings.mail_max_attempts, retry_delay_ms=settings.mail_retry_delay_ms,
                      lease=timedelta(seconds=max(60.0, settings.smtp_timeout * 3)))
    sender = Sender(queue, transport(settings), sender=settings.mail_from,
                    poll_interval=settings.mail_poll_interval_ms / 1000)
    for n in range(settings.mail_senders):
        runtime.spawn(f"mail-sender-{n}", sender.run)

    async def mail_depth() -> None:
        metrics.child(metrics.MAIL_QUEUE, "notifications").set(await queue.depth())

    runtime.samplers.append(mail_depth)
    flusher = UnreadFlusher(runtime.outbox, dispatcher, interval=_scan_interval(settings.chat_unread_delay_seconds))
    runtime.spawn("chat-unread", flusher.run)


def _scan_interval(delay: float) -> float:
    """How often due chat batches are looked for: a fraction of the delay, between 50 ms and 30 s."""
    return min(30.0, max(0.05, delay / 4))


DEFINITION = SubgraphDefinition(
    name="notifications",
    build_schema=build_schema,
    settings_class=NotificationsSettings,
    setup=setup,
    consumers=(("notify", PATTERNS),),
    retired_bindings=(("notify", RETIRED),),
)
