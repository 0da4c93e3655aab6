"""Sign-in: login, sessions with rotating refresh tokens, logout, password reset and lockout."""
