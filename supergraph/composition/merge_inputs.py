"""Merge input object types: only fields every subgraph defines reach the supergraph."""

from __future__ import annotations

from supergraph.composition.context import (
    MergeContext,
    merge_description,
    merge_marks,
    subgraph_list,
)
from supergraph.composition.merge_arguments import merge_default, merge_type_reference
from supergraph.composition.model import Field, TypeDef
from supergraph.composition.supergraph_model import JoinField, MergedField, MergedType
from supergraph.composition.type_refs import is_non_null


def merge_input(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    defining = [(i, t) for i, t in enumerate(sources) if t is not None]
    names = list(dict.fromkeys(name for _i, t in defining for name in t.fields))
    for name in names:
        found = [(i, t.fields[name]) for i, t in defining if name in t.fields]
        marks = merge_marks([f.marks for _i, f in found])
        if len(found) < len(defining) and not marks.inaccessible:
            _report_missing(ctx, f"{merged.name}.{name}", defining, found)
            continue
        merged.fields[name] = _merge_input_field(ctx, f"{merged.name}.{name}", found)
        merged.fields[name].marks = marks
    if not merged.fields:
        ctx.error(
            "EMPTY_MERGED_INPUT_TYPE",
            f'None of the fields of input object type "{merged.name}" are consistently defined '
            "in all the subgraphs defining that type. As only fields common to all subgraphs "
            "are merged, this would result in an empty type.",
            [ctx.name(i) for i, _ in defining],
            merged.name,
        )


def _merge_input_field(ctx: MergeContext, coordinate: str, found: list[tuple[int, Field]]) -> MergedField:
    field = MergedField(found[0][1].name)
    field.description = merge_description([f.description for _i, f in found])
    field.type, all_equal = merge_type_reference(ctx, coordinate, [(i, f.type) for i, f in found], input_position=True)
    if not all_equal:
        field.joins = [JoinField(ctx.graph(i), type=f.type) for i, f in found]
    field.default = merge_default(ctx, coordinate, [(i, f.default) for i, f in found], "Input field")
    return field


def _report_missing(
    ctx: MergeContext,
    coordinate: str,
    defining: list[tuple[int, TypeDef]],
    found: list[tuple[int, Field]],
) -> None:
    required = [ctx.name(i) for i, f in found if is_non_null(f.type) and f.default is None]
    present = {i for i, _ in found}
    missing = [ctx.name(i) for i, _ in defining if i not in present]
    if required:
        ctx.error(
            "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
            f'Input object field "{coordinate}" is required in some subgraphs but does not '
            f"appear in all subgraphs: it is required in {subgraph_list(required)} but does "
            f"not appear in {subgraph_list(missing)}",
            required + missing,
            coordinate,
        )
    else:
        ctx.hints.append(
            f'Input object field "{coordinate}" will not be added to the supergraph as '
            f"it does not appear in {subgraph_list(missing)}."
        )
