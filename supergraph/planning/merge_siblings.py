"""Optimisation pass: entity fetches to one subgraph in the same plan step become one fetch
over several paths, so each step sends one `_entities` request per subgraph and the
representations are deduplicated across paths."""

from __future__ import annotations

import copy

from supergraph.planning.groups import Group
from supergraph.planning.subselection import SubSelection


def merge_siblings(level: list[Group]) -> list[Group]:
    """The level's groups with mergeable siblings folded into the first of them."""
    kept: list[Group] = []
    for group in sorted(level, key=lambda g: g.id):
        target = next((k for k in kept if _mergeable(k, group)), None)
        if target is None or not _merge_into(target, group):
            kept.append(group)
    return kept


def _mergeable(first: Group, second: Group) -> bool:
    return (
        first.entity and second.entity and first.subgraph == second.subgraph and first.conditions == second.conditions
    )


def _merge_into(target: Group, other: Group) -> bool:
    """Merge when nothing clashes: the same response key meaning two things, or one type
    needing different representations at the two paths."""
    for key, draft in other.requires.items():
        mine = target.requires.get(key)
        if mine is not None and mine.freeze() != draft.freeze():
            return False
    merged = copy.copy(target.selection)
    merged.fields = dict(target.selection.fields)
    merged.fragments = dict(target.selection.fragments)
    if not _merge_selection(merged, other.selection):
        return False
    target.selection = merged
    for key, draft in other.requires.items():
        target.requires.setdefault(key, draft)
    target.paths.extend(p for p in other.all_paths() if p not in target.all_paths())
    target.deps |= other.deps
    return True


def _merge_selection(into: SubSelection, other: SubSelection) -> bool:
    for key, sub in other.fields.items():
        mine = into.fields.get(key)
        if mine is None:
            into.fields[key] = sub
        elif mine.signature != sub.signature:
            return False
        elif sub.selection is not None and mine.selection is not None:
            copied = SubSelection(dict(mine.selection.fields), dict(mine.selection.fragments))
            if not _merge_selection(copied, sub.selection):
                return False
            into.fields[key] = copy.copy(mine)
            into.fields[key].selection = copied
    for type_name, fragment in other.fragments.items():
        mine_fragment = into.fragments.get(type_name)
        if mine_fragment is None:
            into.fragments[type_name] = fragment
            continue
        copied = SubSelection(dict(mine_fragment.selection.fields), dict(mine_fragment.selection.fragments))
        if not _merge_selection(copied, fragment.selection):
            return False
        into.fragments[type_name] = copy.copy(mine_fragment)
        into.fragments[type_name].selection = copied
    return True
