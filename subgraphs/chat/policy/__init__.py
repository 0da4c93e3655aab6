"""Each company's chat policy: in which ticket states its chats may be read and written."""
