"""The words of every notice: subject, in-app summary, plain-text and HTML mail, in Spanish and English."""
