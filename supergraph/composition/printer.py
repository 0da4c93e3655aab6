"""Print a composed supergraph as SDL, laid out the way Apollo composition prints it."""

from __future__ import annotations

import json

from graphql.language.block_string import print_block_string

from supergraph.composition import specs
from supergraph.composition.model import Marks
from supergraph.composition.supergraph_model import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedField,
    MergedType,
    MergedValue,
    Supergraph,
)

_KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "union": "union",
    "enum": "enum",
    "input": "input",
    "scalar": "scalar",
}


def print_supergraph(supergraph: Supergraph) -> str:
    directives = [specs.LINK_DIRECTIVE, *specs.join_directives(supergraph.join_version)]
    if supergraph.uses_tag:
        directives.append(specs.TAG_DIRECTIVE)
    if supergraph.uses_inaccessible:
        directives.append(specs.INACCESSIBLE_DIRECTIVE)
    named = [(_spec_name(b), b) for b in [*specs.join_types(supergraph.join_version), *specs.LINK_TYPES]]
    named.append(("join__Graph", _graph_enum(supergraph)))
    named += [(t.name, _type(t)) for t in supergraph.types.values()]
    ordered = sorted([(_spec_name(d), d) for d in directives], key=_sort_key)
    ordered += sorted(named, key=_sort_key)
    return "\n\n".join([_schema(supergraph), *(text for _name, text in ordered)]) + "\n"


def _spec_name(definition: str) -> str:
    return definition.split()[1].lstrip("@").split("(")[0]


def _sort_key(item: tuple[str, str]) -> tuple[str, str]:
    """Definitions sort by name, case-insensitively, as Apollo prints them."""
    return item[0].lower(), item[0]


def _schema(supergraph: Supergraph) -> str:
    links = [
        f'@link(url: "{specs.LINK_URL}")',
        f'@link(url: "https://specs.apollo.dev/join/v{supergraph.join_version}", for: EXECUTION)',
    ]
    if supergraph.uses_tag:
        links.append(f'@link(url: "{specs.TAG_URL}")')
    if supergraph.uses_inaccessible:
        links.append(f'@link(url: "{specs.INACCESSIBLE_URL}", for: SECURITY)')
    roots = [f"  {op}: {name}" for op, name in supergraph.roots.items()]
    return "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + "\n".join(roots) + "\n}"


def _graph_enum(supergraph: Supergraph) -> str:
    values = [
        f"  {g.enum_name} @join__graph(name: {_string(g.name)}, url: {_string(g.url)})" for g in supergraph.graphs
    ]
    return "enum join__Graph {\n" + "\n".join(values) + "\n}"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _description(description: str | None, indent: str = "") -> str:
    if description is None:
        return ""
    lines = print_block_string(description).splitlines()
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def _type(merged: MergedType) -> str:
    header = f"{_KEYWORDS[merged.kind]} {merged.name}"
    if merged.interfaces:
        header += " implements " + " & ".join(merged.interfaces)
    applied = [f"@join__implements(graph: {g}, interface: {_string(i)})" for g, i in merged.implements]
    applied += [_join_type(j) for j in merged.joins]
    applied += [f"@join__unionMember(graph: {g}, member: {_string(m)})" for g, m in merged.members]
    applied += _marks(merged.marks)
    text = _description(merged.description) + header + "".join(f"\n  {a}" for a in applied)
    if merged.kind == "union":
        return text + "\n = " + " | ".join(merged.member_names) if merged.members else text
    if merged.kind == "scalar":
        return text
    body = (
        [_value(v) for v in merged.values.values()]
        if merged.kind == "enum"
        else [_field(f) for f in merged.fields.values()]
    )
    return text + ("\n{\n" if applied else " {\n") + "\n".join(body) + "\n}"


def _join_type(join: JoinType) -> str:
    args = [f"graph: {join.graph}"]
    if join.key is not None:
        args.append(f"key: {_string(join.key)}")
    if join.extension:
        args.append("extension: true")
    if not join.resolvable:
        args.append("resolvable: false")
    if join.interface_object:
        args.append("isInterfaceObject: true")
    return f"@join__type({', '.join(args)})"


def _join_field(join: JoinField) -> str:
    args = [f"graph: {join.graph}"] if join.graph is not None else []
    for name, value in (
        ("requires", join.requires),
        ("provides", join.provides),
        ("type", join.type),
        ("override", join.override),
    ):
        if value is not None:
            args.append(f"{name}: {_string(value)}")
    if join.external:
        args.append("external: true")
    if join.used_overridden:
        args.append("usedOverridden: true")
    if join.override_label is not None:
        args.append(f"overrideLabel: {_string(join.override_label)}")
    return f"@join__field({', '.join(args)})" if args else "@join__field"


def _marks(marks: Marks) -> list[str]:
    applied = ["@inaccessible"] if marks.inaccessible else []
    applied += [f"@tag(name: {_string(tag)})" for tag in marks.tags]
    applied += [f"@{kept.name}{kept.arguments}" for kept in marks.kept]
    return applied


def _field(field: MergedField) -> str:
    line = f"  {field.name}{_arguments(list(field.arguments.values()))}: {field.type}"
    if field.default is not None:
        line += f" = {field.default}"
    applied = [_join_field(j) for j in field.joins] + _marks(field.marks)
    return _description(field.description, "  ") + line + "".join(f" {a}" for a in applied)


def _arguments(arguments: list[MergedArgument]) -> str:
    if not arguments:
        return ""
    printed = []
    for arg in arguments:
        text = f"{arg.name}: {arg.type}" + (f" = {arg.default}" if arg.default is not None else "")
        printed.append(text + "".join(f" {a}" for a in _marks(arg.marks)))
    if all(arg.description is None for arg in arguments):
        return "(" + ", ".join(printed) + ")"
    lines = [_description(a.description, "    ") + f"    {p}" for a, p in zip(arguments, printed, strict=True)]
    return "(\n" + "\n".join(lines) + "\n  )"


def _value(value: MergedValue) -> str:
    applied = [f"@join__enumValue(graph: {g})" for g in value.graphs] + _marks(value.marks)
    return _description(value.description, "  ") + f"  {value.name}" + "".join(f" {a}" for a in applied)
