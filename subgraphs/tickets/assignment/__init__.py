"""Who works a ticket: assignment, delegation to interns under a tutor, and the IA's suggestions."""
