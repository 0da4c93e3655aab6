"""The shared kernel: settings, database, events, identity, tenancy, errors and the HTTP shell."""
