"""The public values of composition: a subgraph's source, an error, and the result."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubgraphSource:
    """One subgraph as composition sees it: its name, routing URL and SDL."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True)
class CompositionError:
    """Why composition failed, with the subgraphs and schema coordinates involved."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    coordinates: tuple[str, ...] = ()  # e.g. ("Product.price",)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass(frozen=True)
class CompositionResult:
    """The supergraph SDL (None when any error was found), the errors, and hints."""

    supergraph_sdl: str | None
    errors: tuple[CompositionError, ...]
    hints: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None and not self.errors
