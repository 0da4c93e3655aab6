"""Shapes merged subgraph data into the client's response: its fields and aliases only,
enum values checked, nulls propagated as the spec says (section 6.4.4)."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_abstract_type,
)

from supergraph.planning.operation import Field, Fragment, Selection

_MISSING = object()
_BUBBLE = object()  # a non-null position resolved to null: the parent must become null


class Projector:
    """Projects one response; collected fields are cached on the (cached) operation."""

    def __init__(self, schema: GraphQLSchema, variables: dict[str, Any], errors: list[dict], cache: dict):
        self.schema = schema
        self.cache = cache  # owned by the cached operation, whose selection lists it keys
        self.variables = variables
        self.errors = errors
        self._errored_paths = {tuple(e["path"]) for e in errors if e.get("path")}

    def root(self, data: dict[str, Any], root_type: GraphQLObjectType, selections: list[Selection]):
        result = self.object(data, root_type, selections, [])
        return None if result is _BUBBLE else result

    def object(self, obj: dict, type_: Any, selections: list[Selection], path: list) -> Any:
        out: dict[str, Any] = {}
        fields = type_.fields
        for key, field in self.collect(selections, type_).items():
            if field.conditions and not self.included(field):
                continue
            if field.name == "__typename":
                out[key] = type_.name
                continue
            if field.name in ("__schema", "__type"):
                out[key] = obj.get(key)  # answered by graphql-core from the API schema
                continue
            definition = fields.get(field.name)
            if definition is None:
                continue
            value = obj.get(key, _MISSING)
            if value is _MISSING:
                # the planner's alias for a field whose type differs per fragment
                value = obj.get(f"{key}__{type_.name}")
            value = self.value(value, definition.type, field, path, key, type_)
            if value is _BUBBLE:
                return _BUBBLE
            out[key] = value
        return out

    def value(self, value: Any, type_: Any, field: Field, path: list, key: Any, parent) -> Any:
        if isinstance(type_, GraphQLNonNull):
            result = self.value(value, type_.of_type, field, path, key, parent)
            if result is None or result is _BUBBLE:
                if result is None:
                    self.null_error(path, key, parent, field)
                return _BUBBLE
            return result
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return None
            here = [*path, key]
            items = [self.value(item, type_.of_type, field, here, i, parent) for i, item in enumerate(value)]
            return None if any(item is _BUBBLE for item in items) else items
        if isinstance(type_, GraphQLEnumType):
            if value not in type_.values:
                self.errors.append(
                    {
                        "message": f'Enum "{type_.name}" cannot represent value: {value!r}',
                        "path": [*path, key],
                    }
                )
                return None
            return value
        if field.selections is None:
            return value
        if not isinstance(value, dict):
            return None
        runtime = type_
        if is_abstract_type(type_):
            typename = value.get("__typename")
            runtime = self.schema.type_map.get(typename) if typename else type_
            if runtime is None:
                # an @inaccessible type must never reach the client
                self.errors.append(
                    {
                        "message": f'Abstract type "{type_.name}" resolved to a type the API does not expose.',
                        "path": [*path, key],
                    }
                )
                return None
            if not isinstance(runtime, GraphQLObjectType):
                runtime = type_
        result = self.object(value, runtime, field.selections, [*path, key])
        return None if result is _BUBBLE else result

    def null_error(self, path: list, key: Any, parent, field: Field) -> None:
        where = (*path, key)
        if where in self._errored_paths or any(where[: len(p)] == p for p in self._errored_paths):
            return
        if any(not e.get("path") for e in self.errors):
            return  # a failed fetch already explains the missing data
        self.errors.append(
            {
                "message": f"Cannot return null for non-nullable field {parent.name}.{field.name}.",
                "path": list(where),
            }
        )
        self._errored_paths.add(where)

    def included(self, field: Field) -> bool:
        return all(bool(self.variables.get(name)) == include for name, include in field.conditions)

    def collect(self, selections: list[Selection], type_) -> dict[str, Field]:
        key = (id(selections), type_.name)
        fields = self.cache.get(key)
        if fields is None:
            fields = {}
            self._collect(selections, type_, (), fields)
            self.cache[key] = fields
        return fields

    def _collect(self, selections, type_, conditions, fields) -> None:
        for selection in selections:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_):
                    self._collect(selection.selections, type_, conditions + selection.conditions, fields)
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


def _with_conditions(field: Field, conditions) -> Field:
    if not conditions:
        return field
    return Field(
        field.key, field.name, field.arguments, conditions + field.conditions, field.selections, field.args_text
    )


def _merge(first: Field, second: Field, conditions) -> Field:
    second = _with_conditions(second, conditions)
    common = tuple(c for c in first.conditions if c in second.conditions)
    if first.selections is None:
        return Field(first.key, first.name, first.arguments, common, None, first.args_text)
    extra_first = tuple(c for c in first.conditions if c not in common)
    extra_second = tuple(c for c in second.conditions if c not in common)
    children = [Fragment(None, extra_first, first.selections), Fragment(None, extra_second, second.selections or [])]
    return Field(first.key, first.name, first.arguments, common, children, first.args_text)
