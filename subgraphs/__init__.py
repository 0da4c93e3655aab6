"""The five AURONTEK subgraphs and the small kernel they share."""
