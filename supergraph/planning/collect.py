"""Collects the client fields that apply to one concrete type (spec: CollectFields)."""

from __future__ import annotations

from dataclasses import replace

from supergraph.model import SupergraphModel
from supergraph.planning.operation import Condition, Field, Fragment, Selection


def applies(model: SupergraphModel, condition: str | None, type_name: str) -> bool:
    """Whether a fragment on `condition` applies to objects of `type_name`."""
    if condition is None or condition == type_name:
        return True
    info = model.types.get(condition)
    return info is not None and info.is_abstract and type_name in info.possible


def collect_fields(model: SupergraphModel, selections: list[Selection], type_name: str) -> dict[str, Field]:
    """Fields by response key for `type_name`, merging repeated keys and their sub-selections."""
    fields: dict[str, Field] = {}
    _collect(model, selections, type_name, (), fields)
    return fields


def _collect(model: SupergraphModel, selections: list[Selection], type_name: str,
             inherited: tuple[Condition, ...], fields: dict[str, Field]) -> None:
    for selection in selections:
        if isinstance(selection, Fragment):
            if applies(model, selection.type_condition, type_name):
                conditions = inherited + selection.conditions
                _collect(model, selection.selections, type_name, conditions, fields)
            continue
        field = replace(selection, conditions=inherited + selection.conditions)
        existing = fields.get(field.key)
        fields[field.key] = field if existing is None else _merge(existing, field)


def _merge(first: Field, second: Field) -> Field:
    common = tuple(c for c in first.conditions if c in second.conditions)
    if first.selections is None:
        return replace(first, conditions=common)
    children = _push(first.selections, _minus(first.conditions, common))
    children += _push(second.selections or [], _minus(second.conditions, common))
    return replace(first, conditions=common, selections=children)


def _minus(conditions: tuple[Condition, ...], common: tuple[Condition, ...]) -> tuple[Condition, ...]:
    return tuple(c for c in conditions if c not in common)


def _push(selections: list[Selection], conditions: tuple[Condition, ...]) -> list[Selection]:
    if not conditions:
        return list(selections)
    return [Fragment(None, conditions, list(selections))]
