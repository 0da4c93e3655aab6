"""Who may read and write a ticket's chat; the check fails closed."""
