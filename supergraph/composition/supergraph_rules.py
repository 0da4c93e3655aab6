"""Rules checked on the merged supergraph: interfaces fully implemented, entity interfaces whole."""

from __future__ import annotations

from supergraph.composition.context import MergeContext, subgraph_list


def validate_supergraph(ctx: MergeContext) -> None:
    query = ctx.supergraph.types.get("Query")
    if query is None or not query.fields:
        ctx.error(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type.",
        )
    _check_interface_fields(ctx)
    _check_interface_keys(ctx)
    _check_interface_objects(ctx)


def _implementations(ctx: MergeContext, interface: str) -> list[str]:
    return [t.name for t in ctx.supergraph.types.values() if t.kind == "object" and interface in t.interfaces]


def _check_interface_fields(ctx: MergeContext) -> None:
    for merged in ctx.supergraph.types.values():
        for interface_name in merged.interfaces:
            interface = ctx.supergraph.types.get(interface_name)
            for field in interface.fields.values() if interface is not None else ():
                if field.name in merged.fields:
                    continue
                declaring = [
                    s.name for s in ctx.subgraphs if field.name in getattr(s.types.get(interface_name), "fields", {})
                ]
                implementing = [
                    s.name
                    for s in ctx.subgraphs
                    if interface_name in getattr(s.types.get(merged.name), "interfaces", [])
                ]
                ctx.error(
                    "INTERFACE_FIELD_NO_IMPLEM",
                    f'Interface field "{interface_name}.{field.name}" is declared in '
                    f'{subgraph_list(declaring)} but type "{merged.name}", which implements '
                    f'"{interface_name}" only in {subgraph_list(implementing)} does not have '
                    f'field "{field.name}".',
                    declaring + implementing,
                    f"{interface_name}.{field.name}",
                    merged.name,
                )


def _check_interface_keys(ctx: MergeContext) -> None:
    """A subgraph with a resolvable key on an interface must know every implementation."""
    for merged in ctx.supergraph.types.values():
        if merged.kind != "interface":
            continue
        expected = _implementations(ctx, merged.name)
        for subgraph in ctx.subgraphs:
            type_def = subgraph.types.get(merged.name)
            if type_def is None or type_def.kind != "interface":
                continue
            if not any(k.resolvable for k in type_def.keys):
                continue
            known = {t.name for t in subgraph.implementations(merged.name)}
            missing = [name for name in expected if name not in known]
            if missing:
                ctx.error(
                    "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                    f'[{subgraph.name}] Interface type "{merged.name}" has a resolvable key in '
                    f'subgraph "{subgraph.name}" but that subgraph is missing some of the '
                    f'supergraph implementation types of "{merged.name}". Subgraph '
                    f'"{subgraph.name}" should define {", ".join(repr(m) for m in missing)} '
                    f'(and have them implement "{merged.name}").',
                    [subgraph.name],
                    merged.name,
                    *missing,
                )


def _check_interface_objects(ctx: MergeContext) -> None:
    for merged in ctx.supergraph.types.values():
        if merged.kind != "interface":
            continue
        expected = _implementations(ctx, merged.name)
        for subgraph in ctx.subgraphs:
            type_def = subgraph.types.get(merged.name)
            if type_def is None or not type_def.interface_object:
                continue
            defined = [name for name in expected if name in subgraph.types]
            if defined:
                ctx.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'[{subgraph.name}] Interface type "{merged.name}" is defined as an '
                    f'@interfaceObject in subgraph "{subgraph.name}" so that subgraph should not '
                    f'define any of the implementation types of "{merged.name}", but it defines '
                    + ", ".join(f'type "{d}"' for d in defined),
                    [subgraph.name],
                    merged.name,
                    *defined,
                )
