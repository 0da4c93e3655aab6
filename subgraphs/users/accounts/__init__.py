"""User accounts: profiles, status, roles and own permissions, photos and CSV import."""
