"""State shared by the merge stages: subgraphs in order, the supergraph being built, findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from supergraph.composition.model import Field, Marks, Subgraph, TypeDef
from supergraph.composition.supergraph_model import Supergraph
from supergraph.composition.types import CompositionError

Position = Literal["Input", "Output", "Both"]


@dataclass
class MergeContext:
    subgraphs: Sequence[Subgraph]  # sorted by name: the order Apollo merges (and prints) in
    supergraph: Supergraph
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    enum_usages: dict[str, tuple[Position, str]] = field(default_factory=dict)  # name -> (pos, example)

    def graph(self, index: int) -> str:
        return self.supergraph.graphs[index].enum_name

    def name(self, index: int) -> str:
        return self.subgraphs[index].name

    def error(self, code: str, message: str, subgraphs: Sequence[str] = (), *coordinates: str) -> None:
        self.errors.append(CompositionError(code, message, tuple(subgraphs), coordinates))

    def types_named(self, name: str, kind: str) -> list[TypeDef | None]:
        """The type in each subgraph (None where absent or of another kind)."""
        found: list[TypeDef | None] = []
        for subgraph in self.subgraphs:
            type_def = subgraph.types.get(name)
            found.append(type_def if type_def is not None and merge_kind(type_def) == kind else None)
        return found

    def record_enum_usage(self, type_ref_base: str, position: Position, coordinate: str) -> None:
        merged = self.supergraph.types.get(type_ref_base)
        if merged is None or merged.kind != "enum":
            return
        previous = self.enum_usages.get(type_ref_base)
        if previous is None:
            self.enum_usages[type_ref_base] = (position, coordinate)
        elif previous[0] != position:
            self.enum_usages[type_ref_base] = ("Both", previous[1])


def merge_kind(type_def: TypeDef) -> str:
    """An @interfaceObject is an object in its subgraph but merges into an interface."""
    return "interface" if type_def.interface_object else type_def.kind


def subgraph_list(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return "subgraphs " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def merge_description(descriptions: Sequence[str | None]) -> str | None:
    """The most used description wins (an empty one counts least); ties go to the first."""
    counts: dict[str, int] = {}
    for description in descriptions:
        if description is not None:
            counts[description] = counts.get(description, 0) + 1
    if not counts:
        return None
    non_empty = [d for d in counts if d != ""]
    if len(counts) == 1 or len(non_empty) == 1:
        return non_empty[0] if non_empty else ""
    return max(non_empty, key=lambda d: counts[d])


def merge_marks(all_marks: Sequence[Marks]) -> Marks:
    merged = Marks()
    for marks in all_marks:
        merged.inaccessible |= marks.inaccessible
        merged.tags.extend(t for t in marks.tags if t not in merged.tags)
        for applied in marks.kept:
            if all(k.name != applied.name for k in merged.kept):
                merged.kept.append(applied)
    return merged


def present(sources: Sequence[Field | None]) -> list[tuple[int, Field]]:
    return [(i, f) for i, f in enumerate(sources) if f is not None]
