"""What the IA service concludes about tickets, applied here: classifications and assignment suggestions."""
