"""Read a subgraph's `@link`s: its federation version and the names its directives go by.

See https://specs.apollo.dev/link/v1.0: a linked spec's directives are reachable by their
imported name (or alias), or namespaced as `@<prefix>__<name>` when not imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from graphql.language import (
    DirectiveNode,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)

from supergraph.composition.model import Version

FEDERATION_DIRECTIVES = (
    "key",
    "requires",
    "provides",
    "external",
    "tag",
    "extends",
    "shareable",
    "inaccessible",
    "override",
    "composeDirective",
    "interfaceObject",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
)
FEDERATION1_DIRECTIVES = (
    "key",
    "requires",
    "provides",
    "external",
    "extends",
    "tag",
    "inaccessible",
)
LATEST_FEDERATION = (2, 12)
_URL = re.compile(r"^https?://[^/]+/(?:.*/)?(?P<name>[A-Za-z_][\w-]*)/v(?P<major>\d+)\.(?P<minor>\d+)$")


@dataclass
class LinkedNames:
    """What the links of one subgraph say."""

    version: Version = (1, 0)
    # name used in the schema -> canonical federation directive name
    directives: dict[str, str] = field(default_factory=dict)
    # type names that belong to linked specs and are removed from the composed schema
    spec_type_prefixes: set[str] = field(default_factory=lambda: {"link__", "federation__"})
    imported_types: set[str] = field(default_factory=set)
    link_name: str = "link"
    errors: list[str] = field(default_factory=list)


def read_links(directives: Iterable[DirectiveNode]) -> LinkedNames:
    """Collect the `@link` applications on the schema; no federation link means Federation 1."""
    names = LinkedNames()
    links = [d for d in directives if d.name.value in ("link", "core")]
    federation_linked = False
    for link in links:
        args = {arg.name.value: arg.value for arg in link.arguments or ()}
        url = _string(args.get("url")) or _string(args.get("feature")) or ""
        match = _URL.match(url)
        if not match:
            continue
        spec = match["name"]
        version = (int(match["major"]), int(match["minor"]))
        prefix = _string(args.get("as")) or spec
        names.spec_type_prefixes.add(f"{prefix}__")
        if spec == "link":
            names.link_name = prefix
        elif spec == "federation":
            federation_linked = True
            names.version = version
            if not (2, 0) <= version <= LATEST_FEDERATION:
                names.errors.append(f"Invalid version v{version[0]}.{version[1]} for the federation feature")
            _add_spec(names, prefix, FEDERATION_DIRECTIVES, args.get("import"))
        elif spec in ("tag", "inaccessible"):
            _add_spec(names, prefix, (spec,), args.get("import"), bare=spec)
    if not federation_linked:
        names.version = (1, 0)
        for name in FEDERATION1_DIRECTIVES:
            names.directives.setdefault(name, name)
    return names


def _add_spec(
    names: LinkedNames,
    prefix: str,
    known: tuple[str, ...],
    imports: ValueNode | None,
    bare: str | None = None,
) -> None:
    for name in known:
        names.directives[f"{prefix}__{name}"] = name
    if bare is not None:  # a spec's own directive is reachable by the spec's (aliased) name
        names.directives[prefix] = bare
    for original, alias in _imports(imports):
        if original.startswith("@"):
            if original[1:] in known:
                names.directives[alias[1:]] = original[1:]
        else:
            names.imported_types.add(alias)


def _imports(value: ValueNode | None) -> list[tuple[str, str]]:
    if not isinstance(value, ListValueNode):
        return []
    found: list[tuple[str, str]] = []
    for item in value.values:
        if isinstance(item, StringValueNode):
            found.append((item.value, item.value))
        elif isinstance(item, ObjectValueNode):
            entry = {f.name.value: _string(f.value) for f in item.fields}
            if entry.get("name"):
                found.append((entry["name"] or "", entry.get("as") or entry["name"] or ""))
    return found


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None
