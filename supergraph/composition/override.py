"""Resolve `@override(from:, label:)` on one field: who keeps resolving it, and what is wrong.

https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/reference/directives#override
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from supergraph.composition.context import MergeContext
from supergraph.composition.model import Field

_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$")
_PERCENT = re.compile(r"^percent\((\d{1,2}(\.\d{1,8})?|100)\)$")


@dataclass
class OverrideOutcome:
    """Per subgraph index: overridden but still used, overridden and unused, and the label."""

    used_overridden: set[int] = field(default_factory=set)
    unused_overridden: set[int] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.used_overridden or self.labels)


def resolve_override(
    ctx: MergeContext, coordinate: str, sources: Sequence[Field | None], is_interface: bool
) -> OverrideOutcome:
    outcome = OverrideOutcome()
    names = [s.name for s in ctx.subgraphs]
    with_override = {i for i, f in enumerate(sources) if f is not None and f.override is not None}
    for index in sorted(with_override):
        field_def = sources[index]
        assert field_def is not None and field_def.override is not None
        here = names[index]
        origin = field_def.override
        if not ctx.subgraphs[index].is_fed2:
            continue
        if is_interface:
            interface_object = ctx.subgraphs[index].types[field_def.parent].interface_object
            code = "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE" if interface_object else "OVERRIDE_ON_INTERFACE"
            ctx.error(
                code,
                f'@override cannot be used on field "{coordinate}" on subgraph "{here}": '
                "@override is not supported on interface type fields or @interfaceObject types.",
                [here],
                coordinate,
            )
        elif origin not in names:
            ctx.error(
                "FROM_SUBGRAPH_DOES_NOT_EXIST",
                f'Source subgraph "{origin}" for field "{coordinate}" on subgraph "{here}" '
                "does not exist: @override(from:) must name a subgraph being composed.",
                [here],
                coordinate,
            )
        elif origin == here:
            ctx.error(
                "OVERRIDE_FROM_SELF_ERROR",
                f'Source and destination subgraphs "{here}" are the same for overridden field "{coordinate}"',
                [here],
                coordinate,
            )
        elif names.index(origin) in with_override:
            ctx.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field "{coordinate}" on subgraph "{here}" is '
                f'also marked with directive @override in subgraph "{origin}". Only one '
                "@override directive is allowed per field.",
                [here, origin],
                coordinate,
            )
        elif sources[names.index(origin)] is None:
            ctx.hints.append(
                f'Field "{coordinate}" on subgraph "{here}" no longer exists in the '
                "from subgraph. The @override directive can be removed."
            )
        else:
            _apply(ctx, outcome, coordinate, sources, index, names.index(origin))
    return outcome


def _apply(
    ctx: MergeContext,
    outcome: OverrideOutcome,
    coordinate: str,
    sources: Sequence[Field | None],
    index: int,
    origin: int,
) -> None:
    overriding, overridden = sources[index], sources[origin]
    assert overriding is not None and overridden is not None
    here, there = ctx.name(index), ctx.name(origin)
    conflict = (
        "requires"
        if overridden.requires is not None
        else "provides"
        if overridden.provides is not None
        else "external"
        if overriding.external
        else None
    )
    if conflict is not None:
        holder = here if conflict == "external" else there
        ctx.error(
            "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'@override cannot be used on field "{coordinate}" on subgraph "{here}" since '
            f'"{coordinate}" on "{holder}" is marked with directive "@{conflict}"',
            [here, there],
            coordinate,
        )
        return
    if overridden.external:
        ctx.hints.append(
            f'Field "{coordinate}" on subgraph "{here}" is not resolved anymore by the '
            f'from subgraph (it is marked "@external" in "{there}"). The @override '
            "directive can be removed."
        )
    elif overridden.used:
        outcome.used_overridden.add(origin)
    else:
        outcome.unused_overridden.add(origin)
    label = overriding.override_label
    if label is None:
        return
    if _LABEL.match(label) or _PERCENT.match(label):
        outcome.labels[index] = outcome.labels[origin] = label
    else:
        ctx.error(
            "OVERRIDE_LABEL_INVALID",
            f'Invalid @override label "{label}" on field "{coordinate}" on subgraph "{here}": '
            "labels must start with a letter and after that may contain alphanumerics, "
            "underscores, minuses, colons, periods, or slashes. Alternatively, labels may be "
            'of the form "percent(x)" where x is a float between 0-100 inclusive.',
            [here],
            coordinate,
        )
