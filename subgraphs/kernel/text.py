"""What every service refuses in text a client sends: characters no person types.

Control characters (C0 and C1: NUL, BEL, the ESC that starts ANSI sequences, DEL...) other than tab and line
breaks, which terminals, logs and mail would act on; and a string made only of invisible characters (zero-width
spaces and joiners, byte-order marks) and blanks, which reads as empty but would count as filled in. Checked once
for every service, on every string of a request's variables (`subgraphs.kernel.http.body_refusal`) and every
string literal of its document (`PlainTextLiterals`), so no field can forget it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

ALLOWED_CONTROLS = frozenset("\t\n\r")


def refusal(value: str) -> str | None:
    """Why `value` is not text a person typed, or None."""
    for index, char in enumerate(value):
        if (char < " " or "\x7f" <= char <= "\x9f") and char not in ALLOWED_CONTROLS:
            return (f"control character U+{ord(char):04X} at position {index}: text may hold tabs and line breaks, "
                    "no other control characters")
    if value and not value.isspace() and all(c.isspace() or unicodedata.category(c) == "Cf" for c in value):
        return "the text holds only invisible characters (zero-width spaces, joiners or marks)"
    return None


def first_refusal(value: Any, path: str) -> str | None:
    """The first string anywhere in `value` (JSON: objects, lists, strings) that `refusal` refuses, with its path."""
    if isinstance(value, str):
        problem = refusal(value)
        return f"{path}: {problem}" if problem else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)  # type: ignore[assignment]
    else:
        return None
    for key, inner in items:
        found = first_refusal(inner, f"{path}.{key}")
        if found:
            return found
    return None


class PlainTextLiterals(ValidationRule):
    """The same for strings written in the document itself."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        problem = refusal(node.value)
        if problem:
            self.report_error(GraphQLError(f"A string in the query is refused: {problem}", node,
                                           extensions={"code": "BAD_USER_INPUT"}))
