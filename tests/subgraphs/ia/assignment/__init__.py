"""Fair auto-assignment: its rules, a simulation, and routing end to end."""
