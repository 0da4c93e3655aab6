"""Who people are, as far as notifications need to know: a read model fed by the users service's events."""
