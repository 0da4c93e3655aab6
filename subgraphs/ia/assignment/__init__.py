"""Fair auto-assignment: who may take a ticket, how busy and how trustworthy each agent is, and who gets it."""
