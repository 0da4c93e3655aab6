"""E-mail: the queue of deliveries, the message, the transports (SMTP or an outbox directory) and the sender."""
