"""Derive per-field federation facts of one subgraph: effective @external, used, shareable."""

from __future__ import annotations

from supergraph.composition.field_sets import COMPOSITE_KINDS, select_or_none
from supergraph.composition.model import Field, Subgraph
from supergraph.composition.type_refs import base_name


def derive_facts(subgraph: Subgraph) -> None:
    """Run after the Federation 1 upgrade (if any) and before validation and merging."""
    _drop_fake_externals(subgraph)
    for type_def in subgraph.types.values():
        for key in type_def.keys:
            for field in _targets(subgraph, type_def.name, key.fields):
                field.used = field.shareable = True
        for field in type_def.fields.values():
            if field.requires is not None:
                for target in _targets(subgraph, type_def.name, field.requires):
                    target.used = True
            if field.provides is not None:
                _mark_provided(subgraph, field)
        if type_def.kind == "interface":
            for implementation in subgraph.implementations(type_def.name):
                for name in type_def.fields.keys() & implementation.fields.keys():
                    implementation.fields[name].used = True


def _drop_fake_externals(subgraph: Subgraph) -> None:
    """Key fields of a type extension marked @external are not external, for compatibility.

    Federation 1 schemas had to mark them so; Apollo keeps treating them as resolved here.
    """
    for type_def in subgraph.types.values():
        for key in type_def.keys:
            if key.of_extension:
                for selected in select_or_none(subgraph, type_def.name, key.fields) or ():
                    selected.field.external = False


def _mark_provided(subgraph: Subgraph, field: Field) -> None:
    target = subgraph.types.get(base_name(field.type))
    if target is None or target.kind not in COMPOSITE_KINDS:
        return
    for provided in _targets(subgraph, target.name, field.provides or ""):
        provided.used = True
        if provided.external:
            provided.provided = provided.shareable = True


def _targets(subgraph: Subgraph, parent: str, field_set: str) -> list[Field]:
    """The fields a FieldSet selects, plus their implementations when on an interface."""
    found: list[Field] = []
    for selected in select_or_none(subgraph, parent, field_set) or ():
        found.append(selected.field)
        owner = subgraph.types[selected.field.parent]
        if owner.kind == "interface":
            for implementation in subgraph.implementations(owner.name):
                if selected.field.name in implementation.fields:
                    found.append(implementation.fields[selected.field.name])
    return found
