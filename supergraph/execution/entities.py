"""Finds the objects a fetch applies to, builds their representations and merges results."""

from __future__ import annotations

from typing import Any

from supergraph.planning.nodes import RepField, RepFragment, RepNode

Path = tuple[str | int, ...]
_MISSING = object()


def objects_at(data: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects at a flatten path (`@` stands for every list item)."""
    current: list[Any] = [data]
    for segment in path:
        found: list[Any] = []
        if segment == "@":
            for value in current:
                if isinstance(value, list):
                    found.extend(value)
        else:
            for value in current:
                if isinstance(value, dict):
                    child = value.get(segment)
                    if child is not None:
                        found.append(child)
        current = found
    return [value for value in current if isinstance(value, dict)]


def path_to(data: dict[str, Any], path: tuple[str, ...], target: dict[str, Any]) -> Path | None:
    """The response path of one object found at a flatten path (only needed for errors)."""
    current: list[tuple[Any, Path]] = [(data, ())]
    for segment in path:
        found: list[tuple[Any, Path]] = []
        for value, where in current:
            if segment == "@" and isinstance(value, list):
                found.extend((item, (*where, i)) for i, item in enumerate(value))
            elif segment != "@" and isinstance(value, dict) and value.get(segment) is not None:
                found.append((value[segment], (*where, segment)))
        current = found
    return next((where for value, where in current if value is target), None)


def representation(
    obj: dict[str, Any], requires: tuple[RepFragment, ...], possible: dict[str, frozenset[str]]
) -> dict[str, Any] | None:
    """The `_Any` representation of an object, or None when the fetch does not apply to it
    (another type, or a key field missing because an earlier fetch failed)."""
    typename = obj.get("__typename")
    for fragment in requires:
        if typename == fragment.type_condition or typename in possible.get(fragment.type_condition, ()):
            out = _build(obj, fragment.selection, possible)
            if out is None:
                return None
            if fragment.typename_as is not None:
                out["__typename"] = fragment.typename_as
            return out
    return None


def _build(obj: dict[str, Any], nodes: tuple[RepNode, ...], possible) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for node in nodes:
        if isinstance(node, RepFragment):
            typename = obj.get("__typename")
            if typename == node.type_condition or typename in possible.get(node.type_condition, ()):
                inner = _build(obj, node.selection, possible)
                if inner is None:
                    return None
                out.update(inner)
            continue
        value = obj.get(node.source, _MISSING)
        if value is _MISSING:
            return None
        if node.selection is not None and value is not None:
            value = _value(value, node, possible)
            if value is _MISSING:
                return None
        out[node.name] = value
    return out


def _value(value: Any, node: RepField, possible) -> Any:
    if isinstance(value, list):
        items = [_value(item, node, possible) if item is not None else None for item in value]
        return _MISSING if any(item is _MISSING for item in items) else items
    if isinstance(value, dict):
        built = _build(value, node.selection or (), possible)
        return _MISSING if built is None else built
    return value


def merge(target: dict[str, Any], source: dict[str, Any], abstract: frozenset[str]) -> None:
    """Deep-merges a subgraph result into the response object it completes.

    A `__typename` naming an interface (as an `@interfaceObject` subgraph answers) never
    replaces a concrete one, and a concrete one replaces it."""
    for key, value in source.items():
        current = target.get(key)
        if current is None:
            target[key] = value
        elif key == "__typename":
            if current in abstract and value not in abstract:
                target[key] = value
        elif isinstance(current, dict) and isinstance(value, dict):
            merge(current, value, abstract)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            for i, item in enumerate(value):
                if isinstance(item, dict) and isinstance(current[i], dict):
                    merge(current[i], item, abstract)
                elif current[i] is None or not isinstance(current[i], dict):
                    current[i] = item
        else:
            target[key] = value
