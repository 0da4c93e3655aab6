"""The analysis queue: tickets to encode, classify, check for duplicates and route, worked in batches."""
