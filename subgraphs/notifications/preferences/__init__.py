"""Each person's choice of channels per kind of notice, with defaults and mandatory security mail."""
