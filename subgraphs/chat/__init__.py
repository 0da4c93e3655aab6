"""The chat subgraph (port 3003): messages per ticket, read receipts, typing, live subscriptions."""
