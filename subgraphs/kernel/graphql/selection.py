"""What a request selects of a type: lets a resolver start a read a later field needs beside its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _occurrences(info: Any, type_name: str, field: str, *, direct: bool) -> list[SelectedField]:
    """Where the resolving field's selection asks for `field` of `type_name`: in a fragment on it, and with `direct`
    also as a plain child (a root field returning `type_name`; an entity fetch has only fragments)."""
    found: list[SelectedField] = []

    def walk(selections: Iterable[Selection], on: bool) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                if on and selection.name == field:
                    found.append(selection)
            elif isinstance(selection, (InlineFragment, FragmentSpread)):
                walk(selection.selections, on if selection.type_condition is None
                     else selection.type_condition == type_name)

    for selected in info.selected_fields:
        if isinstance(selected, SelectedField):
            walk(selected.selections, direct)
    return found


def asks_for(info: Any, type_name: str, field: str) -> bool:
    """Whether the resolving field's selection asks for `field` in a fragment on `type_name`, as an entity fetch
    (`_entities { ... on Ticket { unreadCount } }`) does. `@skip` and `@include` are not evaluated: a skipped field
    counts as asked, which costs at most a read not used.
    """
    return bool(_occurrences(info, type_name, field, direct=False))


def asked_once(info: Any, type_name: str, field: str, *, direct: bool = False) -> dict[str, Any] | None:
    """The arguments (variables filled in, by their GraphQL names) of `field` when the selection asks for it exactly
    once, as `asks_for` finds it (`direct`: also as a plain child); None when it is not asked, or asked more than
    once (under aliases, with arguments that may differ)."""
    found = _occurrences(info, type_name, field, direct=direct)
    return dict(found[0].arguments) if len(found) == 1 else None
