"""Input types of the chat subgraph's mutations."""

from __future__ import annotations

import strawberry

from subgraphs.chat.graphql.enums import TicketStatus


@strawberry.input(description="A file to send: its name and its bytes in base64; the bytes decide its type.")
class ChatFileInput:
    name: str
    content_base64: str
    caption: str | None = None


@strawberry.input(description="The ticket states in which the company's chats may be read and written.")
class ChatPolicyInput:
    readable_statuses: list[TicketStatus]
    writable_statuses: list[TicketStatus]
