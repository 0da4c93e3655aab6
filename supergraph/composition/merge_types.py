"""Merge every named type of the subgraphs into the supergraph, in the order Apollo does."""

from __future__ import annotations

from supergraph.composition.context import (
    MergeContext,
    merge_description,
    merge_kind,
    merge_marks,
    subgraph_list,
)
from supergraph.composition.merge_enums import merge_enum
from supergraph.composition.merge_fields import merge_output_field
from supergraph.composition.merge_inputs import merge_input
from supergraph.composition.model import Field, TypeDef
from supergraph.composition.supergraph_model import JoinType, MergedType

_KIND_NAMES = {
    "object": "Object Type",
    "interface": "Interface Type",
    "union": "Union Type",
    "enum": "Enum Type",
    "input": "Input Object Type",
    "scalar": "Scalar Type",
}


def merge_types(ctx: MergeContext) -> None:
    _add_types_shallow(ctx)
    merged_types = list(ctx.supergraph.types.values())
    for merged in merged_types:
        sources = ctx.types_named(merged.name, merged.kind)
        _merge_common(ctx, merged, sources)
        if merged.kind in ("object", "interface"):
            _merge_implements(ctx, merged, sources)
        elif merged.kind == "union":
            _merge_members(ctx, merged, sources)
    order = ("scalar", "input", "interface", "object")
    for kind in order:
        for merged in merged_types:
            if merged.kind == kind:
                _merge_by_kind(ctx, merged, ctx.types_named(merged.name, kind))
    for merged in merged_types:
        if merged.kind == "enum":
            merge_enum(ctx, merged, ctx.types_named(merged.name, "enum"))


_INTERFACE_OBJECT = "Interface Object Type (Object Type with @interfaceObject)"


def _add_types_shallow(ctx: MergeContext) -> None:
    labels: dict[str, dict[str, list[str]]] = {}  # type -> kind label -> subgraphs
    for subgraph in ctx.subgraphs:
        for type_def in subgraph.types.values():
            label = _INTERFACE_OBJECT if type_def.interface_object else _KIND_NAMES[type_def.kind]
            labels.setdefault(type_def.name, {}).setdefault(label, []).append(subgraph.name)
            if type_def.name not in ctx.supergraph.types:
                kind = merge_kind(type_def)
                ctx.supergraph.types[type_def.name] = MergedType(type_def.name, kind)  # type: ignore[arg-type]
    for name, by_label in labels.items():
        subgraphs = [s for names in by_label.values() for s in names]
        if len({"Interface Type" if k == _INTERFACE_OBJECT else k for k in by_label}) > 1:
            parts = [f"{_article(k)} {k} in {subgraph_list(v)}" for k, v in by_label.items()]
            ctx.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" has mismatched kind: it is defined as ' + " but ".join(parts),
                subgraphs,
                name,
            )
        elif set(by_label) == {_INTERFACE_OBJECT}:
            ctx.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'Type "{name}" is declared with @interfaceObject in all the subgraphs in which '
                f"it is defined (it is defined in {subgraph_list(subgraphs)} but should be "
                "defined as an interface in at least one subgraph)",
                subgraphs,
                name,
            )


def _article(label: str) -> str:
    return "an" if label[0] in "AEIOU" else "a"


def _merge_common(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    defining = [(i, t) for i, t in enumerate(sources) if t is not None]
    merged.description = merge_description([t.description for _i, t in defining])
    merged.marks = merge_marks([t.marks for _i, t in defining])
    for index, type_def in defining:
        graph = ctx.graph(index)
        if not type_def.keys:
            merged.joins.append(JoinType(graph, interface_object=type_def.interface_object))
        for key in type_def.keys:
            merged.joins.append(
                JoinType(graph, key.fields, key.of_extension, key.resolvable, type_def.interface_object)
            )


def _merge_implements(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    for index, type_def in enumerate(sources):
        for interface in type_def.interfaces if type_def is not None else ():
            merged.implements.append((ctx.graph(index), interface))
            if interface not in merged.interfaces:
                merged.interfaces.append(interface)


def _merge_members(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    names = list(dict.fromkeys(m for t in sources if t is not None for m in t.members))
    for member in names:
        for index, type_def in enumerate(sources):
            if type_def is not None and member in type_def.members:
                merged.members.append((ctx.graph(index), member))


def _merge_by_kind(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    if merged.kind == "input":
        merge_input(ctx, merged, sources)
    elif merged.kind in ("object", "interface"):
        _merge_fields(ctx, merged, sources)


def _merge_fields(ctx: MergeContext, merged: MergedType, sources: list[TypeDef | None]) -> None:
    present = [s.types.get(merged.name) is not None for s in ctx.subgraphs]
    names = list(dict.fromkeys(f for t in sources if t is not None for f in t.fields))
    for name in names:
        fields: list[Field | None] = [t.fields.get(name) if t is not None else None for t in sources]
        merged.fields[name] = merge_output_field(ctx, merged.name, merged.kind == "interface", fields, present)
    if not merged.fields and merged.name not in ("Query",):
        del ctx.supergraph.types[merged.name]
