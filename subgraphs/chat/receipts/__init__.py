"""Read receipts: how far each person has read a ticket's chat, and what is still unread for them."""
