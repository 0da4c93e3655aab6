"""Give implementations the fields that `@interfaceObject` subgraphs add to their interface.

A subgraph using @interfaceObject resolves the field for every implementation without
knowing them, so the supergraph lists it on each one with a bare `@join__field`.
"""

from __future__ import annotations

import copy

from supergraph.composition.context import MergeContext
from supergraph.composition.supergraph_model import JoinField, MergedField


def add_interface_object_fields(ctx: MergeContext) -> None:
    for merged in list(ctx.supergraph.types.values()):
        if merged.kind != "object":
            continue
        for interface_name in merged.interfaces:
            interface = ctx.supergraph.types.get(interface_name)
            for field in interface.fields.values() if interface is not None else ():
                if field.name in merged.fields or not _provided_by_interface_object(ctx, interface_name, field.name):
                    continue
                added = MergedField(
                    field.name,
                    field.type,
                    field.description,
                    copy.deepcopy(field.arguments),
                    marks=copy.deepcopy(field.marks),
                )
                added.joins = [JoinField(None)]
                merged.fields[field.name] = added


def _provided_by_interface_object(ctx: MergeContext, interface: str, field_name: str) -> bool:
    for subgraph in ctx.subgraphs:
        type_def = subgraph.types.get(interface)
        if type_def is not None and type_def.interface_object:
            field = type_def.fields.get(field_name)
            if field is not None and not field.external:
                return True
    return False
