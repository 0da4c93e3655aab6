"""Sentence embeddings of tickets: the encoder, and each company's vectors searched by cosine similarity."""
