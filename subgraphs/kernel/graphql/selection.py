"""What a request selects of a type: lets a resolver start a read a later field needs beside its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def asks_for(info: Any, type_name: str, field: str) -> bool:
    """Whether the resolving field's selection asks for `field` in a fragment on `type_name`, as an entity fetch
    (`_entities { ... on Ticket { unreadCount } }`) does. `@skip` and `@include` are not evaluated: a skipped field
    counts as asked, which costs at most a read not used.
    """

    def walk(selections: Iterable[Selection], on: bool) -> bool:
        for selection in selections:
            if isinstance(selection, SelectedField):
                if on and selection.name == field:
                    return True
            elif isinstance(selection, (InlineFragment, FragmentSpread)):
                inner = on if selection.type_condition is None else selection.type_condition == type_name
                if walk(selection.selections, inner):
                    return True
        return False

    fields = (selected for selected in info.selected_fields if isinstance(selected, SelectedField))
    return any(walk(selected.selections, False) for selected in fields)
