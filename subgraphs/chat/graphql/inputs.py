"""Input types of the chat subgraph's mutations."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload as FileUpload

from subgraphs.chat.graphql.enums import TicketStatus


@strawberry.input(description="A file to send: its name and the file itself (`file`, the GraphQL multipart request "
                               "spec), or, until the next release, its bytes in base64; the bytes decide its type.")
class ChatFileInput:
    name: str
    content_base64: str | None = strawberry.field(
        default=None, deprecation_reason="Send the file itself in `file` (a multipart request).")
    caption: str | None = None
    file: FileUpload | None = None

    async def data(self) -> bytes | None:
        """The file's bytes when it was sent as a file (on the service's disk: the request's size limit bounds it)."""
        return None if self.file is None else await self.file.read()  # type: ignore[attr-defined]  # an UploadFile


@strawberry.input(description="The ticket states in which the company's chats may be read and written.")
class ChatPolicyInput:
    readable_statuses: list[TicketStatus]
    writable_statuses: list[TicketStatus]
