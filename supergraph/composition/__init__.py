"""Federation v2 composition: subgraph SDLs in, one supergraph SDL (join and link specs) out."""

from __future__ import annotations

from supergraph.composition.fetch import fetch_subgraph_sdl
from supergraph.composition.pipeline import compose
from supergraph.composition.types import CompositionError, CompositionResult, SubgraphSource

__all__ = [
    "CompositionError",
    "CompositionResult",
    "SubgraphSource",
    "compose",
    "fetch_subgraph_sdl",
]
