"""In-app notifications: each person's inbox, read flags, and the live event a new one raises."""
