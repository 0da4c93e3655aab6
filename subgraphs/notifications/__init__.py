"""The notifications subgraph: in-app notifications, e-mail and preferences, fed by events."""
