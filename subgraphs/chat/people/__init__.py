"""What chat knows of people: a read model of names kept from the users service's events."""
