"""Mutable selection sets the planner fills for one subgraph fetch, and their GraphQL text."""

from __future__ import annotations

from dataclasses import dataclass, field

from supergraph.planning.operation import Condition, is_marker


@dataclass(slots=True)
class SubField:
    """A field in a subgraph query."""

    key: str
    name: str
    args_text: str
    conditions: tuple[Condition, ...]
    selection: SubSelection | None = None

    @property
    def signature(self) -> tuple[str, str, tuple[Condition, ...]]:
        return (self.name, self.args_text, self.conditions)


@dataclass(slots=True)
class SubFragment:
    """An inline fragment in a subgraph query."""

    type_condition: str
    selection: SubSelection


@dataclass(slots=True)
class SubSelection:
    """An ordered selection set; fields merge by response key, fragments by type."""

    fields: dict[str, SubField] = field(default_factory=dict)
    fragments: dict[str, SubFragment] = field(default_factory=dict)

    def add_field(
        self,
        key: str,
        name: str,
        args_text: str = "",
        conditions: tuple[Condition, ...] = (),
        composite: bool = False,
    ) -> SubField:
        """The field under `key`, added if absent; a clash of meaning gets a fresh alias. A deferred fragment's marker
        is not a condition a subgraph sees: a field fetched here for the first payload and for a later one alike is
        one field."""
        if conditions and any(is_marker(c) for c in conditions):
            conditions = tuple(c for c in conditions if not is_marker(c))
        existing = self.fields.get(key)
        if existing is not None and existing.signature == (name, args_text, conditions):
            return existing
        if existing is not None:
            key = self._free_alias(name, args_text, conditions)
            existing = self.fields.get(key)
            if existing is not None:
                return existing
        sub = SubField(key, name, args_text, conditions, SubSelection() if composite else None)
        self.fields[key] = sub
        return sub

    def _free_alias(self, name: str, args_text: str, conditions: tuple[Condition, ...]) -> str:
        index = 0
        while True:
            alias = f"_{name}{index}"
            found = self.fields.get(alias)
            if found is None or found.signature == (name, args_text, conditions):
                return alias
            index += 1

    def add_typename(self) -> None:
        self.add_field("__typename", "__typename")

    def fragment(self, type_condition: str) -> SubSelection:
        existing = self.fragments.get(type_condition)
        if existing is None:
            existing = self.fragments[type_condition] = SubFragment(type_condition, SubSelection())
        return existing.selection

    def is_empty(self) -> bool:
        return not self.fields and not any(not f.selection.is_empty() for f in self.fragments.values())

    def print(self, indent: str = "") -> str:
        """GraphQL text of this selection set, braces included."""
        inner = indent + "  "
        lines = []
        for sub in self.fields.values():
            lines.append(inner + _field_text(sub, inner))
        for fragment in self.fragments.values():
            if fragment.selection.is_empty():
                continue
            body = fragment.selection.print(inner)
            lines.append(f"{inner}... on {fragment.type_condition} {body}")
        return "{\n" + "\n".join(lines) + "\n" + indent + "}"

    def print_compact(self) -> str:
        """One-line GraphQL text, as sent to subgraphs."""
        parts = []
        for sub in self.fields.values():
            parts.append(_field_text(sub, None))
        for fragment in self.fragments.values():
            if not fragment.selection.is_empty():
                parts.append(f"...on {fragment.type_condition}{fragment.selection.print_compact()}")
        return "{" + " ".join(parts) + "}"


def _field_text(sub: SubField, indent: str | None) -> str:
    alias = f"{sub.key}: " if sub.key != sub.name else ""
    text = f"{alias}{sub.name}{sub.args_text}"
    for variable, include in sub.conditions:
        text += f" @include(if: ${variable})" if include else f" @skip(if: ${variable})"
    if sub.selection is not None:
        body = sub.selection.print(indent) if indent is not None else sub.selection.print_compact()
        text += " " + body if indent is not None else body
    return text
