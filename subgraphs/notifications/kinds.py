"""What people can be notified about, on which channels, and which mails are mandatory."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


BOTH = frozenset({Channel.IN_APP, Channel.EMAIL})
MAIL_ONLY = frozenset({Channel.EMAIL})


@dataclass(frozen=True)
class Kind:
    key: str
    channels: frozenset[Channel]
    description: str
    # Security mail: the e-mail goes out whatever the person's preferences say.
    mandatory: bool = False


CATALOGUE: tuple[Kind, ...] = (
    Kind("ticket_created", BOTH, "A ticket you opened was registered"),
    Kind("ticket_assigned", BOTH, "A ticket was assigned to you, or yours got an agent"),
    Kind("ticket_status_changed", BOTH, "A ticket you opened changed state"),
    Kind("ticket_delegated", BOTH, "A ticket was delegated to you, or by you as tutor"),
    Kind("ticket_commented", BOTH, "Someone replied on a ticket you take part in"),
    Kind("ticket_mentioned", BOTH, "Someone mentioned you on a ticket"),
    Kind("chat_unread", BOTH, "Chat messages on a ticket stayed unread for a while"),
    Kind("sla_warning", BOTH, "A ticket is close to its SLA deadline"),
    Kind("sla_breached", BOTH, "A ticket missed its SLA deadline"),
    Kind("ticket_rated", BOTH, "A customer rated a ticket you worked"),
    Kind("assignment_needed", BOTH, "No agent could take a new ticket of your company: assign it yourself"),
    Kind("welcome", MAIL_ONLY, "Your account was created: choose a password", mandatory=True),
    Kind("password_reset", MAIL_ONLY, "A link to reset your password", mandatory=True),
    Kind("password_changed", MAIL_ONLY, "Your password was changed", mandatory=True),
    Kind("access_code_changed", MAIL_ONLY, "Your company's access code was changed", mandatory=True),
)

KINDS = {kind.key: kind for kind in CATALOGUE}


def kind(key: str) -> Kind:
    return KINDS[key]
