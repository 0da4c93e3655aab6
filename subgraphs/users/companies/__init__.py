"""Companies: the tenants, their licence, access code, contacts and life cycle."""
