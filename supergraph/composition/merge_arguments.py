"""Merge what fields and arguments share: type references, arguments and default values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from supergraph.composition.context import (
    MergeContext,
    merge_description,
    merge_marks,
    subgraph_list,
)
from supergraph.composition.model import Argument, Field
from supergraph.composition.supergraph_model import MergedArgument
from supergraph.composition.type_refs import base_name, is_non_null, is_strict_subtype


def merge_type_reference(
    ctx: MergeContext,
    coordinate: str,
    typed: Sequence[tuple[int, str]],
    *,
    input_position: bool,
    kind: str = "field",
) -> tuple[str, bool]:
    """Merge (subgraph index, type) pairs; return the merged type and whether all were equal.

    Output positions take the most general type (a subgraph may return a subtype); input
    positions the most restrictive one (every subgraph must accept what clients send).
    """
    merged: str | None = None
    equal, incompatible = True, False
    possible = ctx.supergraph.is_possible_type
    for _index, type_ref in typed:
        if merged is None or merged == type_ref:
            merged = merged or type_ref
        elif is_strict_subtype(merged, type_ref, possible):
            equal = False
            merged = type_ref if input_position else merged
        elif is_strict_subtype(type_ref, merged, possible):
            equal = False
            merged = merged if input_position else type_ref
        else:
            incompatible = True
    assert merged is not None
    ctx.record_enum_usage(base_name(merged), "Input" if input_position else "Output", coordinate)
    if incompatible:
        code = "ARGUMENT_TYPE_MISMATCH" if kind == "argument" else "FIELD_TYPE_MISMATCH"
        ctx.error(
            code,
            _mismatch(
                ctx,
                f'Type of {kind} "{coordinate}" is incompatible across subgraphs: it has ',
                typed,
                lambda t: f'type "{t}"',
            ),
            [ctx.name(i) for i, _ in typed],
            coordinate,
        )
        return merged, False
    if not equal:
        ctx.hints.append(
            f'Type of {kind} "{coordinate}" is inconsistent but compatible across '
            f'subgraphs: the supergraph uses "{merged}".'
        )
    return merged, equal


def _mismatch(
    ctx: MergeContext,
    prefix: str,
    items: Sequence[tuple[int, str | None]],
    show: Callable[[str | None], str],
) -> str:
    groups: dict[str, list[str]] = {}
    for index, value in items:
        groups.setdefault(show(value), []).append(ctx.name(index))
    parts = [f"{shown} in {subgraph_list(names)}" for shown, names in groups.items()]
    return prefix + " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def merge_default(
    ctx: MergeContext, coordinate: str, defaults: Sequence[tuple[int, str | None]], kind: str
) -> str | None:
    """Equal defaults merge; a default in only some subgraphs is dropped; different ones fail."""
    values = {d for _i, d in defaults}
    if len(values) <= 1:
        return next(iter(values), None)
    given = {d for d in values if d is not None}
    if len(given) > 1:
        code = "ARGUMENT_DEFAULT_MISMATCH" if kind == "Argument" else "INPUT_FIELD_DEFAULT_MISMATCH"
        ctx.error(
            code,
            _mismatch(
                ctx,
                f'{kind} "{coordinate}" has incompatible default values across subgraphs: it has ',
                defaults,
                lambda d: f"default value {d}" if d is not None else "no default value",
            ),
            [ctx.name(i) for i, _ in defaults],
            coordinate,
        )
        return next(d for _i, d in defaults if d is not None)
    ctx.hints.append(f'{kind} "{coordinate}" has a default value in only some subgraphs: the supergraph uses none.')
    return None


def merge_arguments(
    ctx: MergeContext, coordinate: str, fields: Sequence[tuple[int, Field]]
) -> dict[str, MergedArgument]:
    """Arguments every definition has; an optional one missing somewhere is dropped."""
    names = list(dict.fromkeys(name for _i, f in fields for name in f.arguments))
    merged: dict[str, MergedArgument] = {}
    for name in names:
        arg_coordinate = f"{coordinate}({name}:)"
        found = [(i, f.arguments[name]) for i, f in fields if name in f.arguments]
        if len(found) < len(fields):
            _report_missing_argument(ctx, arg_coordinate, fields, found, name)
            continue
        merged[name] = _merge_argument(ctx, arg_coordinate, name, found)
    return merged


def _merge_argument(ctx: MergeContext, coordinate: str, name: str, found: list[tuple[int, Argument]]) -> MergedArgument:
    type_ref, _ = merge_type_reference(
        ctx, coordinate, [(i, a.type) for i, a in found], input_position=True, kind="argument"
    )
    return MergedArgument(
        name,
        type_ref,
        merge_default(ctx, coordinate, [(i, a.default) for i, a in found], "Argument"),
        merge_description([a.description for _i, a in found]),
        merge_marks([a.marks for _i, a in found]),
    )


def _report_missing_argument(
    ctx: MergeContext,
    coordinate: str,
    fields: Sequence[tuple[int, Field]],
    found: list[tuple[int, Argument]],
    name: str,
) -> None:
    required = [ctx.name(i) for i, a in found if is_non_null(a.type) and a.default is None]
    missing = [ctx.name(i) for i, f in fields if name not in f.arguments]
    if required:
        ctx.error(
            "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
            f'Argument "{coordinate}" is required in some subgraphs but does not appear in all '
            f"subgraphs: it is required in {subgraph_list(required)} but does not appear in "
            f"{subgraph_list(missing)}",
            required + missing,
            coordinate,
        )
    else:
        ctx.hints.append(
            f'Optional argument "{coordinate}" will not be included in the supergraph '
            f"as it does not appear in {subgraph_list(missing)}."
        )
