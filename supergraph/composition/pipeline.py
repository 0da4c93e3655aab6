"""`compose`: the stages from subgraph SDLs to a supergraph SDL, errors collected on the way."""

from __future__ import annotations

import re
from collections.abc import Sequence

from supergraph.composition.context import MergeContext
from supergraph.composition.facts import derive_facts
from supergraph.composition.fed1 import upgrade_fed1
from supergraph.composition.interface_objects import add_interface_object_fields
from supergraph.composition.merge_types import merge_types
from supergraph.composition.model import Subgraph
from supergraph.composition.printer import print_supergraph
from supergraph.composition.reader import read_subgraph
from supergraph.composition.specs import join_version
from supergraph.composition.subgraph_rules import validate_subgraph
from supergraph.composition.supergraph_model import Graph, Supergraph
from supergraph.composition.types import CompositionError, CompositionResult, SubgraphSource

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionResult:
    """Compose subgraph SDLs into a supergraph SDL (join v0.3+ and link v1.0 specs)."""
    errors = _check_names(subgraphs)
    parsed: list[Subgraph] = []
    for source in sorted(subgraphs, key=lambda s: s.name):
        subgraph, found = read_subgraph(source)
        errors += found
        if subgraph is not None:
            parsed.append(subgraph)
    if errors:
        return CompositionResult(None, tuple(errors))
    errors += _unsupported(parsed)
    errors += _prepare(parsed)
    if errors:
        return CompositionResult(None, tuple(errors))
    ctx = MergeContext(parsed, _empty_supergraph(parsed))
    merge_types(ctx)
    add_interface_object_fields(ctx)
    from supergraph.composition.supergraph_rules import validate_supergraph

    validate_supergraph(ctx)
    if ctx.errors:
        return CompositionResult(None, tuple(ctx.errors), tuple(ctx.hints))
    return CompositionResult(print_supergraph(ctx.supergraph), (), tuple(ctx.hints))


def _check_names(subgraphs: Sequence[SubgraphSource]) -> list[CompositionError]:
    errors = []
    seen: set[str] = set()
    for source in subgraphs:
        if source.name in seen:
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME",
                    f'More than one subgraph is named "{source.name}"',
                    (source.name,),
                )
            )
        elif not source.name or source.name == "_":
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME",
                    f'Invalid subgraph name "{source.name}"',
                    (source.name,),
                )
            )
        seen.add(source.name)
    if not subgraphs:
        errors.append(CompositionError("NO_SUBGRAPHS", "No subgraphs to compose"))
    return errors


def _unsupported(parsed: list[Subgraph]) -> list[CompositionError]:
    """Fail rather than print a supergraph that silently lacks what a subgraph asked for."""
    errors = []
    for subgraph in parsed:
        for name in sorted(subgraph.unsupported):
            errors.append(
                CompositionError(
                    "UNSUPPORTED_FEATURE",
                    f"[{subgraph.name}] @{name} is not supported by this composer yet",
                    (subgraph.name,),
                )
            )
    return errors


def _prepare(parsed: list[Subgraph]) -> list[CompositionError]:
    """Federation 1 upgrade, derived facts, then each subgraph's own rules."""
    errors: list[CompositionError] = []
    for subgraph in parsed:
        derive_facts(subgraph)
    for subgraph in parsed:
        if not subgraph.is_fed2:
            errors += upgrade_fed1(subgraph, parsed)
    for subgraph in parsed:
        derive_facts(subgraph)
        errors += validate_subgraph(subgraph)
    return errors


def _empty_supergraph(parsed: list[Subgraph]) -> Supergraph:
    newest = max(s.version for s in parsed)
    supergraph = Supergraph(_graphs(parsed), join_version(newest))
    for operation in ("query", "mutation", "subscription"):
        for subgraph in parsed:
            if operation in subgraph.roots:
                supergraph.roots[operation] = subgraph.roots[operation]
                break
    supergraph.uses_tag = any(s.uses_tag for s in parsed)
    supergraph.uses_inaccessible = any(s.uses_inaccessible for s in parsed)
    return supergraph


def _graphs(parsed: list[Subgraph]) -> list[Graph]:
    """join__Graph values: the upper-cased name, made a valid enum value and unique."""
    graphs: list[Graph] = []
    taken: set[str] = set()
    for subgraph in parsed:
        base = re.sub(r"[^A-Za-z0-9_]", "_", subgraph.name).upper()
        if not base or base[0].isdigit():
            base = "_" + base
        enum_name, suffix = base, 1
        while enum_name in taken:
            enum_name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(enum_name)
        graphs.append(Graph(enum_name, subgraph.name, subgraph.url))
    return graphs
