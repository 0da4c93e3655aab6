"""Rules one subgraph must follow on its own: valid @key, @requires, @provides and @external.

Each rule collects errors rather than stopping at the first, naming subgraph, type and field.
"""

from __future__ import annotations

from collections.abc import Iterator

from supergraph.composition.field_sets import COMPOSITE_KINDS, FieldSetError, Selected, select
from supergraph.composition.model import Field, Subgraph, TypeDef
from supergraph.composition.type_refs import base_name, is_list
from supergraph.composition.types import CompositionError


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for type_def in subgraph.types.values():
        errors += _check_keys(subgraph, type_def)
        for field in type_def.fields.values():
            if type_def.kind in ("object", "interface"):
                errors += _check_requires(subgraph, type_def, field)
                errors += _check_provides(subgraph, field)
                errors += _check_external(subgraph, type_def, field)
    errors += _check_interface_keys(subgraph)
    return errors


def _error(code: str, subgraph: Subgraph, message: str, *coordinates: str) -> CompositionError:
    return CompositionError(code, f"[{subgraph.name}] {message}", (subgraph.name,), coordinates)


def _check_keys(subgraph: Subgraph, type_def: TypeDef) -> Iterator[CompositionError]:
    for key in type_def.keys:
        where = f'On type "{type_def.name}", for @key(fields: "{key.fields}")'
        try:
            selected = select(subgraph, type_def.name, key.fields)
        except FieldSetError as error:
            yield _error("KEY_INVALID_FIELDS", subgraph, f"{where}: {error}", type_def.name)
            continue
        for hit in selected:
            yield from _check_key_field(subgraph, where, hit)


def _check_key_field(subgraph: Subgraph, where: str, hit: Selected) -> Iterator[CompositionError]:
    field = hit.field
    if field.arguments:
        message = (
            f"{where}: field {field.coordinate} cannot be included because it has arguments "
            "(fields with argument are not allowed in @key)"
        )
        yield _error("KEY_FIELDS_HAS_ARGS", subgraph, message, field.coordinate)
    target = subgraph.types.get(base_name(field.type))
    if is_list(field.type) or (target is not None and target.kind in ("interface", "union")):
        what = "a List" if is_list(field.type) else f"an {target.kind}" if target.kind == "interface" else "a union"  # type: ignore[union-attr]
        message = f'{where}: field "{field.coordinate}" is {what} type which is not allowed in @key'
        yield _error("KEY_FIELDS_SELECT_INVALID_TYPE", subgraph, message, field.coordinate)


def _check_requires(subgraph: Subgraph, type_def: TypeDef, field: Field) -> Iterator[CompositionError]:
    if field.requires is None:
        return
    where = f'On field "{field.coordinate}", for @requires(fields: "{field.requires}")'
    try:
        selected = select(subgraph, type_def.name, field.requires)
    except FieldSetError as error:
        yield _error("REQUIRES_INVALID_FIELDS", subgraph, f"{where}: {error}", field.coordinate)
        return
    if subgraph.is_fed2:
        yield from _missing_external("REQUIRES", "@requires", subgraph, where, field, selected)


def _check_provides(subgraph: Subgraph, field: Field) -> Iterator[CompositionError]:
    if field.provides is None:
        return
    where = f'On field "{field.coordinate}", for @provides(fields: "{field.provides}")'
    target = subgraph.types.get(base_name(field.type))
    if target is None or target.kind not in COMPOSITE_KINDS:
        message = (
            f'{where}: Invalid @provides directive on field "{field.coordinate}": field has '
            f'type "{field.type}" which is not a Composite Type'
        )
        yield _error("PROVIDES_ON_NON_OBJECT_FIELD", subgraph, message, field.coordinate)
        return
    try:
        selected = select(subgraph, target.name, field.provides)
    except FieldSetError as error:
        yield _error("PROVIDES_INVALID_FIELDS", subgraph, f"{where}: {error}", field.coordinate)
        return
    if subgraph.is_fed2:
        yield from _missing_external("PROVIDES", "@provides", subgraph, where, field, selected)


def _missing_external(
    prefix: str,
    directive: str,
    subgraph: Subgraph,
    where: str,
    field: Field,
    selected: list[Selected],
) -> Iterator[CompositionError]:
    for hit in selected:
        if hit.has_selection or hit.under_external or hit.field.external:
            continue
        message = (
            f'{where}: field "{hit.field.coordinate}" should not be part of a {directive} since '
            "it is already provided by this subgraph (it is not marked @external)"
        )
        yield _error(
            f"{prefix}_FIELDS_MISSING_EXTERNAL",
            subgraph,
            message,
            field.coordinate,
            hit.field.coordinate,
        )


def _check_external(subgraph: Subgraph, type_def: TypeDef, field: Field) -> Iterator[CompositionError]:
    if not field.external:
        return
    if type_def.kind == "interface":
        message = (
            f'Interface type field "{field.coordinate}" is marked @external but @external is '
            "not allowed on interface fields (it is nonsensical)."
        )
        yield _error("EXTERNAL_ON_INTERFACE", subgraph, message, field.coordinate)
    elif not field.used and subgraph.is_fed2:
        message = (
            f'Field "{field.coordinate}" is marked @external but is not used in any federation '
            "directive (@key, @provides, @requires) or to satisfy an interface; the field "
            "declaration has no use and should be removed (or the field should not be @external)."
        )
        yield _error("EXTERNAL_UNUSED", subgraph, message, field.coordinate)


def _check_interface_keys(subgraph: Subgraph) -> Iterator[CompositionError]:
    for interface in subgraph.types.values():
        if interface.kind != "interface":
            continue
        for key in interface.keys:
            wanted = _normalise(key.fields)
            for implementation in subgraph.implementations(interface.name):
                if any(_normalise(k.fields) == wanted for k in implementation.keys):
                    continue
                message = (
                    f'Key @key(fields: "{key.fields}") on interface type "{interface.name}" is '
                    f'missing on implementation type "{implementation.name}".'
                )
                yield _error(
                    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    subgraph,
                    message,
                    interface.name,
                    implementation.name,
                )


def _normalise(field_set: str) -> str:
    return " ".join(field_set.replace("{", " { ").replace("}", " } ").split())
