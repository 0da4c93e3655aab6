"""Gateway load benchmark on the classic four-subgraph federation demo."""
