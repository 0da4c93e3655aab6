"""Upgrade a Federation 1 subgraph (no federation `@link`) to Federation 2 semantics.

Federation 1 had no @shareable and relied on `extend type` to mark entities owned
elsewhere; composing such a schema as Federation 2 means: key fields of extensions are not
external, unused @external fields go away, and fields other subgraphs also resolve become
shareable (as Apollo's schema upgrader does).
"""

from __future__ import annotations

from collections.abc import Sequence

from supergraph.composition.field_sets import COMPOSITE_KINDS, select_or_none
from supergraph.composition.model import Subgraph, TypeDef
from supergraph.composition.type_refs import base_name
from supergraph.composition.types import CompositionError


def upgrade_fed1(subgraph: Subgraph, others: Sequence[Subgraph]) -> list[CompositionError]:
    errors = _extensions_without_base(subgraph, others)
    _remove_external_on_extension_keys(subgraph, others)
    _remove_interface_federation_directives(subgraph)
    _remove_inactive_provides_and_requires(subgraph)
    for type_def in subgraph.types.values():
        type_def.has_extension = False
        for key in type_def.keys:
            key.of_extension = False
    errors += _remove_unused_externals(subgraph)
    _add_shareable(subgraph, others)
    return errors


def _is_extension_only(type_def: TypeDef) -> bool:
    return type_def.kind in ("object", "interface") and type_def.has_extension and not type_def.has_definition


def _extensions_without_base(subgraph: Subgraph, others: Sequence[Subgraph]) -> list[CompositionError]:
    errors = []
    for type_def in subgraph.types.values():
        if not _is_extension_only(type_def) or type_def.name in subgraph.roots.values():
            continue
        if any(
            (other_type := other.types.get(type_def.name)) is not None and other_type.has_definition
            for other in others
            if other is not subgraph
        ):
            continue
        message = (
            f'[{subgraph.name}] Type "{type_def.name}" is an extension type, but there is no type '
            f'definition for "{type_def.name}" in any subgraph.'
        )
        errors.append(CompositionError("EXTENSION_WITH_NO_BASE", message, (subgraph.name,), (type_def.name,)))
    return errors


def _remove_external_on_extension_keys(subgraph: Subgraph, others: Sequence[Subgraph]) -> None:
    for type_def in subgraph.types.values():
        if not (_is_extension_only(type_def) or (type_def.has_extension and type_def.name in subgraph.roots.values())):
            continue
        if type_def.keys:
            for key in type_def.keys:
                for selected in select_or_none(subgraph, type_def.name, key.fields) or ():
                    if selected.field.parent == type_def.name:
                        selected.field.external = False
            continue
        for other in others:  # no key here: the key of the type where it is defined counts
            other_type = other.types.get(type_def.name)
            if other is subgraph or other_type is None or not other_type.keys:
                continue
            for selected in select_or_none(other, type_def.name, other_type.keys[0].fields) or ():
                own = type_def.fields.get(selected.field.name)
                if own is not None and selected.field.parent == type_def.name:
                    own.external = False


def _remove_interface_federation_directives(subgraph: Subgraph) -> None:
    for type_def in subgraph.types.values():
        if type_def.kind == "interface":
            type_def.keys.clear()
            for field in type_def.fields.values():
                field.external = False
                field.requires = field.provides = None
        for field in type_def.fields.values():
            target = subgraph.types.get(base_name(field.type))
            if field.provides is not None and (target is None or target.kind not in COMPOSITE_KINDS):
                field.provides = None


def _remove_inactive_provides_and_requires(subgraph: Subgraph) -> None:
    """A @requires/@provides selecting no @external field did nothing in Federation 1."""
    for type_def in subgraph.types.values():
        for field in type_def.fields.values():
            if field.requires is not None:
                selected = select_or_none(subgraph, type_def.name, field.requires)
                if selected is not None and not any(s.field.external for s in selected):
                    field.requires = None
            if field.provides is not None:
                selected = select_or_none(subgraph, base_name(field.type), field.provides)
                if selected is not None and not any(s.field.external for s in selected):
                    field.provides = None


def _remove_unused_externals(subgraph: Subgraph) -> list[CompositionError]:
    from supergraph.composition.facts import derive_facts  # the used marks come from there

    derive_facts(subgraph)
    errors = []
    for type_def in list(subgraph.types.values()):
        if type_def.kind not in ("object", "interface"):
            continue
        for name, field in list(type_def.fields.items()):
            if field.external and not field.used:
                del type_def.fields[name]
        if not type_def.fields and type_def.name not in subgraph.roots.values():
            if _is_referenced(subgraph, type_def.name):
                message = (
                    f"[{subgraph.name}] Type {type_def.name} contains only external fields and all "
                    "those fields are all unused (they do not appear in any @key, @provides or "
                    "@requires)."
                )
                errors.append(
                    CompositionError(
                        "TYPE_WITH_ONLY_UNUSED_EXTERNAL",
                        message,
                        (subgraph.name,),
                        (type_def.name,),
                    )
                )
            else:
                del subgraph.types[type_def.name]
    return errors


def _is_referenced(subgraph: Subgraph, name: str) -> bool:
    for type_def in subgraph.types.values():
        if name in type_def.members or name in type_def.interfaces:
            return True
        for field in type_def.fields.values():
            if base_name(field.type) == name or any(base_name(a.type) == name for a in field.arguments.values()):
                return True
    return False


def _add_shareable(subgraph: Subgraph, others: Sequence[Subgraph]) -> None:
    subscription = subgraph.roots.get("subscription")
    for type_def in subgraph.types.values():
        if type_def.kind != "object" or type_def.name == subscription:
            continue
        in_others = [o for o in others if o is not subgraph and type_def.name in o.types]
        if type_def.keys or type_def.name in subgraph.roots.values():
            for field in type_def.fields.values():
                if any(_resolves(other, type_def.name, field.name) for other in in_others):
                    field.shareable = True
        elif in_others:
            for field in type_def.fields.values():
                field.shareable = True


def _resolves(other: Subgraph, type_name: str, field_name: str) -> bool:
    field = other.field(type_name, field_name)
    return field is not None and (not field.external or field.provided)
