"""Merge one field of an object or interface type and decide its `@join__field`s."""

from __future__ import annotations

from collections.abc import Sequence

from supergraph.composition.context import (
    MergeContext,
    merge_description,
    merge_marks,
    present,
    subgraph_list,
)
from supergraph.composition.merge_arguments import merge_arguments, merge_type_reference
from supergraph.composition.model import Field
from supergraph.composition.override import OverrideOutcome, resolve_override
from supergraph.composition.supergraph_model import JoinField, MergedField
from supergraph.composition.type_refs import is_strict_subtype


def merge_output_field(
    ctx: MergeContext,
    parent: str,
    is_interface: bool,
    sources: Sequence[Field | None],
    type_present: Sequence[bool],
) -> MergedField:
    name = next(f for f in sources if f is not None).name
    coordinate = f"{parent}.{name}"
    merged = MergedField(name)
    outcome = resolve_override(ctx, coordinate, sources, is_interface)
    defined = present(sources)
    resolving = [(i, f) for i, f in defined if not f.external]
    if not resolving:
        ctx.error(
            "EXTERNAL_MISSING_ON_BASE",
            f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
            f"listed ({subgraph_list([ctx.name(i) for i, _ in defined])}).",
            [ctx.name(i) for i, _ in defined],
            coordinate,
        )
    _check_merged_directives_on_external(ctx, defined)
    merged.description = merge_description([f.description for _i, f in resolving])
    merged.marks = merge_marks([f.marks for _i, f in resolving])
    merged.arguments = merge_arguments(ctx, coordinate, resolving)
    typed = [(i, f.type) for i, f in (resolving or defined)]
    merged.type, all_equal = merge_type_reference(ctx, coordinate, typed, input_position=False)
    _check_external_types(ctx, coordinate, merged.type, all_equal, defined)
    if _needs_join_field(sources, type_present, all_equal, outcome):
        merged.joins = _join_fields(ctx, sources, all_equal, outcome)
    if not is_interface:
        check_field_sharing(ctx, coordinate, sources, outcome)
    return merged


def _check_merged_directives_on_external(ctx: MergeContext, defined: list[tuple[int, Field]]) -> None:
    for index, field in defined:
        if field.external and ctx.subgraphs[index].is_fed2 and (field.marks.inaccessible or field.marks.tags):
            directive = "@inaccessible" if field.marks.inaccessible else "@tag"
            ctx.error(
                "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                f'[{ctx.name(index)}] Cannot apply merged directive {directive} to external field "{field.coordinate}"',
                [ctx.name(index)],
                field.coordinate,
            )


def _check_external_types(
    ctx: MergeContext,
    coordinate: str,
    merged: str,
    all_equal: bool,
    defined: list[tuple[int, Field]],
) -> None:
    wrong = [
        (i, f.type)
        for i, f in defined
        if f.external
        and f.type != merged
        and (all_equal or not is_strict_subtype(merged, f.type, ctx.supergraph.is_possible_type))
    ]
    if wrong:
        listed = ", ".join(f'type "{t}" in subgraph "{ctx.name(i)}"' for i, t in wrong)
        ctx.error(
            "EXTERNAL_TYPE_MISMATCH",
            f'Type of field "{coordinate}" is incompatible across subgraphs (where marked '
            f'@external): it has type "{merged}" in the supergraph but {listed}',
            [ctx.name(i) for i, _ in wrong],
            coordinate,
        )


def _needs_join_field(
    sources: Sequence[Field | None],
    type_present: Sequence[bool],
    all_equal: bool,
    outcome: OverrideOutcome,
) -> bool:
    """A field resolved alike by every subgraph that has its type needs no @join__field."""
    if not all_equal or outcome.any:
        return True
    for index, field in enumerate(sources):
        if field is not None and index not in outcome.unused_overridden:
            if field.external or field.provides is not None or field.requires is not None:
                return True
        elif type_present[index]:
            return True
    return False


def _join_fields(
    ctx: MergeContext, sources: Sequence[Field | None], all_equal: bool, outcome: OverrideOutcome
) -> list[JoinField]:
    joins = []
    for index, field in enumerate(sources):
        label = outcome.labels.get(index)
        if field is None or (index in outcome.unused_overridden and label is None):
            continue
        joins.append(
            JoinField(
                ctx.graph(index),
                requires=field.requires,
                provides=field.provides,
                type=None if all_equal else field.type,
                external=field.external,
                override=field.override if ctx.subgraphs[index].is_fed2 else None,
                used_overridden=index in outcome.used_overridden,
                override_label=label,
            )
        )
    return joins


def check_field_sharing(
    ctx: MergeContext, coordinate: str, sources: Sequence[Field | None], outcome: OverrideOutcome
) -> None:
    """A field resolved by several subgraphs must be @shareable in all of them."""
    resolving: list[str] = []
    not_shareable: list[str] = []
    shareable = 0
    for index, field in enumerate(sources):
        if field is None or index in outcome.used_overridden | outcome.unused_overridden:
            continue
        if field.fully_external:
            continue
        resolving.append(ctx.name(index))
        if field.shareable:
            shareable += 1
        else:
            not_shareable.append(ctx.name(index))
    if not_shareable and (shareable or len(not_shareable) > 1):
        where = subgraph_list(not_shareable) if shareable else "all of them"
        ctx.error(
            "INVALID_FIELD_SHARING",
            f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is '
            f"resolved from {subgraph_list(resolving)} and defined as non-shareable in {where}",
            resolving,
            coordinate,
        )
