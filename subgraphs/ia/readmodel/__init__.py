"""What the IA knows of other services' data: tickets, replies, people and the catalogue, kept from events."""
