"""Helpers for composition tests: fixture SDL sets, inline SDLs, SDL normalising, npm install."""

from __future__ import annotations

import json
from pathlib import Path

from graphql import parse, print_ast
from graphql.language import (
    DirectiveNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputValueDefinitionNode,
    SchemaDefinitionNode,
    UnionTypeDefinitionNode,
)

from supergraph.composition import SubgraphSource
from tests.supergraph.npm_packages import install_npm_packages

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[2]
NPM_CACHE = REPO / ".aurontek" / "npm"  # gitignored; reused across runs
REFERENCE_PACKAGES = {
    "@apollo/composition": "2.14.4",  # Elastic License 2.0: run here, never committed
    "@theguild/federation-composition": "0.27.0",
    "graphql": "16.15.0",
}


def load_set(name: str) -> list[SubgraphSource]:
    """A fixture set: one SDL file per subgraph, named after it, routed at http://<name>/graphql."""
    files = sorted((FIXTURES / name).glob("*.graphql"))
    return [SubgraphSource(f.stem, f"http://{f.stem}/graphql", f.read_text()) for f in files]


def normalise_sdl(sdl: str, *, drop: tuple[str, ...] = ()) -> str:
    """Print SDL with definitions, fields, arguments, values and directives sorted.

    `drop` names definitions to leave out (spec machinery one composer prints and another not).
    """
    blocks = []
    for node in parse(sdl, no_location=True).definitions:
        name = getattr(node, "name", None)
        if name is None or name.value not in drop:
            blocks.append(_definition(node))
    return "\n".join(sorted(blocks))


def _directives(nodes) -> str:
    return " ".join(sorted(_directive(d) for d in nodes or ()))


def _directive(node: DirectiveNode) -> str:
    args = sorted(f"{a.name.value}: {print_ast(a.value)}" for a in node.arguments or ())
    return f"@{node.name.value}" + (f"({', '.join(args)})" if args else "")


def _input_value(node: InputValueDefinitionNode) -> str:
    default = f" = {print_ast(node.default_value)}" if node.default_value else ""
    directives = _directives(node.directives)
    return f"{_described(node)}{node.name.value}: {print_ast(node.type)}{default} {directives}"


def _described(node) -> str:
    description = getattr(node, "description", None)
    return f"{json.dumps(description.value.strip())} " if description else ""


def _member(node) -> str:
    if isinstance(node, FieldDefinitionNode):
        args = ", ".join(sorted(_input_value(a) for a in node.arguments or ()))
        return f"{_described(node)}{node.name.value}({args}): {print_ast(node.type)} {_directives(node.directives)}"
    if isinstance(node, InputValueDefinitionNode):
        return _input_value(node)
    return f"{_described(node)}{node.name.value} {_directives(node.directives)}"


def _definition(node) -> str:
    if isinstance(node, SchemaDefinitionNode):
        roots = sorted(f"{o.operation.value}: {o.type.name.value}" for o in node.operation_types)
        return f"schema {_directives(node.directives)} {{ {', '.join(roots)} }}"
    head = f"{node.kind} {getattr(node, 'name', None) and node.name.value}"
    if hasattr(node, "locations"):
        args = ", ".join(sorted(_input_value(a) for a in node.arguments or ()))
        locations = " | ".join(sorted(loc.value for loc in node.locations))
        return f"{head}({args}) repeatable={node.repeatable} on {locations}"
    parts = [_described(node) + head]
    parts += sorted(i.name.value for i in getattr(node, "interfaces", None) or ())
    parts.append(_directives(node.directives))
    if isinstance(node, UnionTypeDefinitionNode):
        parts.append(" | ".join(sorted(t.name.value for t in node.types or ())))
    members = node.values if isinstance(node, EnumTypeDefinitionNode) else getattr(node, "fields", None)
    parts += [f"\n  {m}" for m in sorted(_member(m) for m in members or ())]
    return " ".join(parts)


ALL_IMPORTS = (
    '"@key", "@shareable", "@external", "@requires", "@provides", "@override", '
    '"@inaccessible", "@tag", "@interfaceObject", "@extends"'
)


def fed2(body: str, version: str = "2.9") -> str:
    """A Federation 2 subgraph SDL: `body` under a federation `@link` importing every directive."""
    link = f"https://specs.apollo.dev/federation/v{version}"
    return f'extend schema @link(url: "{link}", import: [{ALL_IMPORTS}])\n{body}'


def sources(**sdls: str) -> list[SubgraphSource]:
    return [SubgraphSource(name, f"http://{name}/graphql", sdl) for name, sdl in sdls.items()]


def block(sdl: str, header: str) -> str:
    """The printed definition starting with `header` (e.g. "type User"), up to its blank line."""
    start = sdl.index(header + "\n") if header + "\n" in sdl else sdl.index(header + " ")
    end = sdl.find("\n\n", start)
    return sdl[start : end if end >= 0 else None].rstrip()


def line(sdl: str, header: str, field: str) -> str:
    """The printed line of `field` inside the definition starting with `header`."""
    for text in block(sdl, header).splitlines():
        if text.strip().startswith((f"{field}:", f"{field}(", f"{field} ")) or text.strip() == field:
            return text.strip()
    raise AssertionError(f"{field} not in {header}")


def install_reference_packages() -> Path:
    return install_npm_packages(NPM_CACHE.name, REFERENCE_PACKAGES, "reference composer")
