"""Shapes merged subgraph data into the client's response: its fields and aliases only,
enum values checked, nulls propagated as the spec says (section 6.4.4).

One pass over the response; each (selection set, runtime type) is compiled once into a list
of `Shape`s cached with the operation, so the per-object work is a few dict lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_abstract_type,
)

from supergraph.errors import ErrorCode
from supergraph.planning.operation import Condition, Field, Fragment, Selection

_MISSING = object()
_BUBBLE = object()  # a non-null position resolved to null: the parent must become null
BUBBLE = _BUBBLE

TYPENAME, LEAF, ENUM, COMPOSITE, INTROSPECTION = range(5)

# a response path as a linked list (parent, key): built for free, flattened only for errors
Path = tuple[Any, Any] | None


def _flatten(path: Path) -> list:
    keys: list = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys


@dataclass(slots=True)
class Shape:
    """One client field of one runtime type, with its type's wrappers unpacked."""

    key: str
    name: str
    kind: int
    nonnull: bool
    items: tuple[bool, ...]  # one entry per list level: whether its items are non-null
    conditions: tuple[Condition, ...]
    parent: str
    fallback: str  # the planner's alias when the field's type differs between fragments
    named: Any = None
    enum_values: Any = None
    selections: list[Selection] | None = None


class Projector:
    """Projects one response."""

    def __init__(self, schema: GraphQLSchema, variables: dict[str, Any], errors: list[dict], cache: dict):
        self.schema = schema
        self.variables = variables
        self.errors = errors
        self.cache = cache  # owned by the cached operation, whose selection lists it keys
        self._errored = {tuple(e["path"]) for e in errors if e.get("path")}
        self._unpathed = any(not e.get("path") for e in errors)

    def root(self, data: dict[str, Any], root_type: GraphQLObjectType, selections: list[Selection]):
        result = self.object(data, root_type, selections, None)
        return None if result is _BUBBLE else result

    def object(self, obj: dict, type_: Any, selections: list[Selection], path: Path) -> Any:
        out: dict[str, Any] = {}
        for shape in self.shapes(selections, type_):
            if shape.conditions and not self.included(shape.conditions):
                continue
            kind = shape.kind
            if kind == TYPENAME:
                out[shape.key] = shape.parent
                continue
            value = obj.get(shape.key, _MISSING)
            if value is _MISSING:
                value = obj.get(shape.fallback)
            if kind == LEAF and not shape.items and value is not None:
                out[shape.key] = value
                continue
            if kind == INTROSPECTION:
                out[shape.key] = value  # answered by graphql-core from the API schema
                continue
            value = self.complete(value, shape, 0, path, shape.key)
            if value is _BUBBLE:
                return _BUBBLE
            out[shape.key] = value
        return out

    def complete(self, value: Any, shape: Shape, depth: int, path: Path, key: Any) -> Any:
        nonnull = shape.nonnull if depth == 0 else shape.items[depth - 1]
        if value is None:
            if nonnull:
                self.null_error((path, key), shape)
                return _BUBBLE
            return None
        if depth < len(shape.items):
            if not isinstance(value, list):
                return _BUBBLE if nonnull else None
            here = (path, key)
            items = []
            for index, item in enumerate(value):
                result = self.complete(item, shape, depth + 1, here, index)
                if result is _BUBBLE:
                    return _BUBBLE if nonnull else None
                items.append(result)
            return items
        result = self.leaf_or_object(value, shape, path, key)
        if result is None and nonnull:
            return _BUBBLE
        return result

    def leaf_or_object(self, value: Any, shape: Shape, path: Path, key: Any) -> Any:
        if shape.kind == LEAF:
            return value
        if shape.kind == ENUM:
            if value in shape.enum_values:
                return value
            message = f'Enum "{shape.named.name}" cannot represent value: {value!r}'
            self.errors.append(_invalid(message, _flatten((path, key))))
            return None
        if not isinstance(value, dict):
            return None
        runtime = shape.named
        if is_abstract_type(runtime):
            typename = value.get("__typename")
            runtime = self.schema.type_map.get(typename) if typename else shape.named
            if runtime is None:
                # an @inaccessible type must never reach the client
                message = f'Abstract type "{shape.named.name}" resolved to a type the API does not expose.'
                self.errors.append(_invalid(message, _flatten((path, key))))
                return None
            if not isinstance(runtime, GraphQLObjectType):
                runtime = shape.named
        result = self.object(value, runtime, shape.selections or [], (path, key))
        return None if result is _BUBBLE else result

    def null_error(self, path: Path, shape: Shape) -> None:
        if self._unpathed:
            return  # a failed fetch already explains the missing data
        where = _flatten(path)
        if any(tuple(where[: len(p)]) == p for p in self._errored):
            return
        message = f"Cannot return null for non-nullable field {shape.parent}.{shape.name}."
        self.errors.append(_invalid(message, where))
        self._errored.add(tuple(where))

    def included(self, conditions: tuple[Condition, ...]) -> bool:
        return all(bool(self.variables.get(name)) == include for name, include in conditions)

    def shapes(self, selections: list[Selection], type_) -> list[Shape]:
        key = (id(selections), type_.name)
        shapes = self.cache.get(key)
        if shapes is None:
            fields: dict[str, Field] = {}
            self._collect(selections, type_, (), fields)
            shapes = self.cache[key] = [s for s in (_shape(f, type_) for f in fields.values()) if s]
            self.cache[(key, "keep")] = selections  # keeps the id stable while cached
        return shapes

    def _collect(self, selections, type_, conditions, fields) -> None:
        for selection in selections:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_):
                    inner = conditions + selection.conditions
                    self._collect(selection.selections, type_, inner, fields)
                continue
            if selection.key in fields:
                fields[selection.key] = _merge(fields[selection.key], selection, conditions)
            else:
                fields[selection.key] = _with_conditions(selection, conditions)

    def _applies(self, condition: str | None, type_) -> bool:
        if condition is None or condition == type_.name:
            return True
        abstract = self.schema.type_map.get(condition)
        return abstract is not None and is_abstract_type(abstract) and self.schema.is_sub_type(abstract, type_)


def _invalid(message: str, path: list) -> dict[str, Any]:
    """A value the subgraphs' answers put where the API schema does not allow it (a null in a non-null field, an enum
    value it does not have): the client's error, with the stable code every error carries."""
    return {"message": message, "path": path, "extensions": {"code": ErrorCode.SUBGRAPH_INVALID_RESPONSE.value}}


def _shape(field: Field, parent) -> Shape | None:
    common = (field.conditions, parent.name, f"{field.key}__{parent.name}")
    if field.name == "__typename":
        return Shape(field.key, field.name, TYPENAME, True, (), *common)
    if field.name in ("__schema", "__type"):
        return Shape(field.key, field.name, INTROSPECTION, False, (), *common)
    definition = parent.fields.get(field.name)
    if definition is None:
        return None
    type_ = definition.type
    nonnull = isinstance(type_, GraphQLNonNull)
    type_ = type_.of_type if nonnull else type_
    items: list[bool] = []
    while isinstance(type_, GraphQLList):
        inner = type_.of_type
        items.append(isinstance(inner, GraphQLNonNull))
        type_ = inner.of_type if isinstance(inner, GraphQLNonNull) else inner
    if isinstance(type_, GraphQLEnumType):
        kind, enum_values = ENUM, frozenset(type_.values)
    elif field.selections is None:
        kind, enum_values = LEAF, None
    else:
        kind, enum_values = COMPOSITE, None
    return Shape(
        field.key,
        field.name,
        kind,
        nonnull,
        tuple(items),
        *common,
        named=type_,
        enum_values=enum_values,
        selections=field.selections,
    )


def _with_conditions(field: Field, conditions) -> Field:
    if not conditions:
        return field
    return Field(
        field.key,
        field.name,
        field.arguments,
        conditions + field.conditions,
        field.selections,
        field.args_text,
    )


def _merge(first: Field, second: Field, conditions) -> Field:
    second = _with_conditions(second, conditions)
    common = tuple(c for c in first.conditions if c in second.conditions)
    if first.selections is None:
        return Field(first.key, first.name, first.arguments, common, None, first.args_text)
    extra_first = tuple(c for c in first.conditions if c not in common)
    extra_second = tuple(c for c in second.conditions if c not in common)
    children: list[Selection] = [
        Fragment(None, extra_first, first.selections),
        Fragment(None, extra_second, second.selections or []),
    ]
    return Field(first.key, first.name, first.arguments, common, children, first.args_text)
