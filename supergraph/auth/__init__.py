"""Who is calling: access tokens verified with the users service's public keys (JWKS)."""
