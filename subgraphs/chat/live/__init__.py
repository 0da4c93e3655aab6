"""Live side of chat: the instance's feed, typing indicators, and the per-ticket streams subscriptions read."""
