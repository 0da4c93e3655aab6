"""Merge enum types by how they are used: outputs take every value, inputs the common ones."""

from __future__ import annotations

from supergraph.composition.context import (
    MergeContext,
    merge_description,
    merge_marks,
    subgraph_list,
)
from supergraph.composition.model import TypeDef
from supergraph.composition.supergraph_model import MergedType, MergedValue


def merge_enum(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    position, example = ctx.enum_usages.get(merged.name, ("Output", ""))
    if merged.name not in ctx.enum_usages:
        ctx.hints.append(f'Enum type "{merged.name}" is defined but unused: it keeps every value.')
    defining = [(i, t) for i, t in enumerate(sources) if t is not None]
    names = list(dict.fromkeys(v for _i, t in defining for v in t.values))
    for name in names:
        found = [(i, t.values[name]) for i, t in defining if name in t.values]
        value = MergedValue(
            name,
            merge_description([v.description for _i, v in found]),
            [ctx.graph(i) for i, _ in found],
            merge_marks([v.marks for _i, v in found]),
        )
        missing = [ctx.name(i) for i, t in defining if name not in t.values]
        if missing and position != "Output" and not value.marks.inaccessible:
            where = [ctx.name(i) for i, _ in found]
            if position == "Both":
                ctx.error(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{merged.name}" is used as both input type and output type '
                    f'(for example, "{example}"), but value "{name}" is not defined in all the '
                    f'subgraphs defining "{merged.name}": "{name}" is defined in '
                    f"{subgraph_list(where)} but not in {subgraph_list(missing)}",
                    where + missing,
                    f"{merged.name}.{name}",
                )
            else:
                ctx.hints.append(
                    f'Value "{name}" of enum type "{merged.name}" will not be part of '
                    f"the supergraph as it is not defined in {subgraph_list(missing)}."
                )
                continue
        merged.values[name] = value
    if not merged.values:
        ctx.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{merged.name}" are defined consistently in all '
            "the subgraphs defining that type. As only values common to all subgraphs are "
            "merged, this would result in an empty type.",
            [ctx.name(i) for i, _ in defining],
            merged.name,
        )
