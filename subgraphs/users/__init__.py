"""The users subgraph (port 3001): companies (tenants), users, roles, permissions and sign-in."""
