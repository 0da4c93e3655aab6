"""The tickets service's own read model of people, fed by the users service's events."""
