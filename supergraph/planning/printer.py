"""Prints a query plan as indented text, in the manner of other federation gateways."""

from __future__ import annotations

import textwrap

from graphql import parse, print_ast

from supergraph.planning.nodes import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RepFragment,
    RepNode,
    Sequence,
    Subscription,
)


def print_plan(plan: QueryPlan) -> str:
    """The plan as text, e.g. `QueryPlan { Sequence { Fetch(service: "a") {...} } }`."""
    if plan.deferred is not None:  # after the first payload: the fetches only deferred fragments need
        first = "Primary {\n" + _indent(_node(plan.node)) + "\n}" if plan.node is not None else "Primary {\n}"
        later = "Deferred {\n" + _indent(_node(plan.deferred)) + "\n}"
        return "QueryPlan {\n" + _indent(f"Defer {{\n{_indent(first)},\n{_indent(later)}\n}}") + "\n}"
    if plan.node is None:
        return "QueryPlan {\n}"
    return "QueryPlan {\n" + _indent(_node(plan.node)) + "\n}"


def _indent(text: str) -> str:
    return textwrap.indent(text, "  ")


def _node(node: PlanNode) -> str:
    if isinstance(node, Fetch):
        return _fetch(node)
    if isinstance(node, Flatten):
        if node.more_paths:
            paths = ", ".join(f'"{".".join(p)}"' for p in node.paths)
            return f"Flatten(paths: [{paths}]) {{\n" + _indent(_node(node.node)) + "\n}"
        path = ".".join(node.path)
        return f'Flatten(path: "{path}") {{\n' + _indent(_node(node.node)) + "\n}"
    if isinstance(node, Sequence | Parallel):
        name = type(node).__name__
        body = ",\n".join(_node(child) for child in node.nodes)
        return f"{name} {{\n" + _indent(body) + "\n}"
    if isinstance(node, Condition):
        return _condition(node)
    if isinstance(node, Subscription):
        body = "Primary: {\n" + _indent(_node(node.primary)) + "\n}"
        if node.rest is not None:
            body += ",\nRest: {\n" + _indent(_node(node.rest)) + "\n}"
        return "Subscription {\n" + _indent(body) + "\n}"
    raise TypeError(f"not a plan node: {node!r}")


def _condition(node: Condition) -> str:
    if node.if_false is None and node.if_true is not None:
        return f"Include(if: ${node.variable}) {{\n" + _indent(_node(node.if_true)) + "\n}"
    if node.if_true is None and node.if_false is not None:
        return f"Skip(if: ${node.variable}) {{\n" + _indent(_node(node.if_false)) + "\n}"
    parts = [f"Condition(if: ${node.variable}) {{"]
    if node.if_true is not None:
        parts.append(_indent("Then {\n" + _indent(_node(node.if_true)) + "\n}"))
    if node.if_false is not None:
        parts.append(_indent("Else {\n" + _indent(_node(node.if_false)) + "\n}"))
    return "\n".join(parts) + "\n}"


def _fetch(fetch: Fetch) -> str:
    lines = [f'Fetch(service: "{fetch.service}") {{']
    if fetch.requires is not None:
        body = "\n".join(_rep(node) for node in fetch.requires)
        lines.append(_indent("{\n" + _indent(body) + "\n} =>"))
    lines.append(_indent(_pretty_operation(fetch.operation)))
    return "\n".join(lines) + "\n}"


def _rep(node: RepNode) -> str:
    if isinstance(node, RepFragment):
        body = "\n".join(_rep(child) for child in node.selection)
        rename = f" as {node.typename_as}" if node.typename_as else ""
        return f"... on {node.type_condition}{rename} {{\n" + _indent(body) + "\n}"
    text = node.name if node.source == node.name else f"{node.name} <- {node.source}"
    if node.selection:
        body = "\n".join(_rep(child) for child in node.selection)
        return text + " {\n" + _indent(body) + "\n}"
    return text


def _pretty_operation(operation: str) -> str:
    """The compact operation text re-printed one selection per line."""
    return print_ast(parse(operation, no_location=True))
