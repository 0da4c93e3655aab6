"""Reads `@link` / `@core` on the schema to learn the names the specs' elements use here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import DocumentNode, SchemaDefinitionNode, SchemaExtensionNode, ValueNode

_SPEC_URL = re.compile(r"/(?P<name>[A-Za-z0-9_-]+)/v(?P<version>\d+\.\d+)/?$")


@dataclass(slots=True)
class LinkedSpec:
    """One linked spec: its name, version, the prefix of its elements and renamed imports."""

    url: str
    name: str
    version: str
    prefix: str
    imports: dict[str, str] = field(default_factory=dict)  # "@inaccessible" -> "@hidden"

    def directive(self, name: str) -> str:
        """The name a directive of this spec has in this schema."""
        key = f"@{name}"
        if key in self.imports:
            return self.imports[key][1:]
        if name == self.name:
            return self.prefix
        return f"{self.prefix}__{name}"

    def element(self, name: str) -> str:
        """The name a type of this spec has in this schema."""
        return self.imports.get(name, f"{self.prefix}__{name}")


def linked_specs(document: DocumentNode) -> dict[str, LinkedSpec]:
    """All specs the schema links, keyed by spec name (`join`, `link`, `inaccessible`, ...)."""
    specs: dict[str, LinkedSpec] = {}
    for definition in document.definitions:
        if not isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            continue
        for directive in definition.directives or ():
            args = {a.name.value: _plain(a.value) for a in directive.arguments or ()}
            url = args.get("url") or args.get("feature")
            if directive.name.value not in ("link", "core") or not isinstance(url, str):
                continue
            spec = _spec(url, args)
            if spec is not None:
                specs[spec.name] = spec
    specs.setdefault("link", LinkedSpec("", "link", "1.0", "link"))
    return specs


def _spec(url: str, args: dict) -> LinkedSpec | None:
    match = _SPEC_URL.search(url)
    if match is None:
        return None
    name = match["name"]
    prefix = args.get("as") or name
    imports: dict[str, str] = {}
    for item in args.get("import") or ():
        if isinstance(item, str):
            imports[item] = item
        elif isinstance(item, dict) and "name" in item:
            imports[item["name"]] = item.get("as") or item["name"]
    return LinkedSpec(url, name, match["version"], prefix, imports)


def _plain(node: ValueNode) -> object:
    kind = node.kind
    if kind in ("string_value", "enum_value"):
        return node.value  # type: ignore[attr-defined]
    if kind == "boolean_value":
        return node.value  # type: ignore[attr-defined]
    if kind == "list_value":
        return [_plain(v) for v in node.values]  # type: ignore[attr-defined]
    if kind == "object_value":
        return {f.name.value: _plain(f.value) for f in node.fields}  # type: ignore[attr-defined]
    if kind == "int_value":
        return int(node.value)  # type: ignore[attr-defined]
    return None
