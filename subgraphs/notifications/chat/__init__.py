"""Chat messages left unread for a while: batched into one notice per ticket and person."""
