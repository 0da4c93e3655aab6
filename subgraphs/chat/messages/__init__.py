"""Chat messages: sending text and files, editing and deleting one's own, history, system messages."""
