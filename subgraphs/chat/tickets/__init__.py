"""What chat knows of tickets: a read model kept from the tickets service's events."""
