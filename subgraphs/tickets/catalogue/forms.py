"""Form templates of catalogue items, and the answers a ticket gives to them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.validation import Problems
from subgraphs.tickets import validation

MAX_FIELDS = 30
MAX_OPTIONS = 50
MAX_ANSWER = 2000
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
T = TypeVar("T")


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    LIST = "list"


@dataclass(frozen=True)
class FieldDraft:
    key: str
    label: str
    kind: FieldKind
    required: bool = False
    options: tuple[str, ...] = ()


def _placed(where: str, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`step(*args, **kwargs)`; its refusal (worded as it is) names the field `where`: one question's part."""
    try:
        return step(*args, **kwargs)
    except BadUserInput as exc:
        raise BadUserInput(exc.message, **{**exc.extensions, "field": where}) from None


def _field(n: int, draft: FieldDraft, problems: Problems) -> dict[str, Any]:
    """The question at index `n` of the form; its problems name `form.<n>.key`, `form.<n>.label`..."""
    key = draft.key.strip()
    if not _KEY.match(key):
        problems.add(f"form key {key!r} must be lower-case letters, digits and _ (starting with a letter)",
                     f"form.{n}.key")
    label = problems.check(_placed, f"form.{n}.label", validation.line, draft.label, field="form.label",
                           max_length=100)
    options = problems.check(_placed, f"form.{n}.options", validation.labels, draft.options, field="form.options",
                             max_items=MAX_OPTIONS, max_length=100) or []
    if draft.kind is FieldKind.LIST and not options:
        problems.add(f"the list question {key!r} needs options", f"form.{n}.options")
    if draft.kind is not FieldKind.LIST and options:
        problems.add(f"only list questions have options ({key!r} is {draft.kind.value})", f"form.{n}.options")
    return {"key": key, "label": label, "kind": draft.kind.value, "required": draft.required, "options": options}


def check_template(drafts: list[FieldDraft], problems: Problems) -> list[dict[str, Any]]:
    """A validated form template; its problems go to `problems`, each naming its question by its index in
    `drafts` (`form.<n>.label`); a key used again names each question that repeats it (`form.<n>.key`)."""
    if len(drafts) > MAX_FIELDS:
        problems.add(f"a form has at most {MAX_FIELDS} questions", "form")
    fields = [_field(n, d, problems) for n, d in enumerate(drafts)]
    seen: set[str] = set()
    for n, question in enumerate(fields):
        if question["key"] in seen:
            problems.add(f"form keys must be unique: {question['key']}", f"form.{n}.key")
        seen.add(question["key"])
    return fields


def _number(raw: str) -> str:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return str(int(value)) if value.is_integer() else repr(value)


def _answer(field: dict[str, Any], raw: str) -> str:
    """The answer to one question, normalised; ValueError when it does not fit the question."""
    kind = FieldKind(field["kind"])
    if kind is FieldKind.NUMBER:
        return _number(raw)
    if kind is FieldKind.DATE:
        return date.fromisoformat(raw).isoformat()
    if kind is FieldKind.LIST:
        return next(o for o in field["options"] if o.lower() == raw.lower())
    if len(raw) > MAX_ANSWER:
        raise ValueError(raw)
    return raw


_EXPECTED = {FieldKind.NUMBER: "a number", FieldKind.DATE: "a date like 2026-03-31", FieldKind.TEXT:
             f"at most {MAX_ANSWER} characters"}


def _refusal(field: dict[str, Any]) -> str:
    kind = FieldKind(field["kind"])
    expected = _EXPECTED.get(kind) or "one of " + ", ".join(field["options"])
    return f"the answer to '{field['label']}' must be {expected}"


def check_answers(template: list[dict[str, Any]], answers: dict[str, str]) -> list[dict[str, Any]]:
    """Answers validated against `template`: every required question answered, each in its kind."""
    problems = Problems()
    by_key = {f["key"]: f for f in template}
    unknown = sorted(set(answers) - set(by_key))
    if unknown:
        problems.add(f"the form has no question {', '.join(unknown)}", "answers")
    result = []
    for field in template:
        raw = (answers.get(field["key"]) or "").strip()
        if not raw:
            if field["required"]:
                problems.add(f"answer the required question '{field['label']}'", "answers")
            continue
        try:
            value = _answer(field, raw)
        except (ValueError, StopIteration):
            problems.add(_refusal(field), "answers")
            continue
        result.append({"key": field["key"], "label": field["label"], "kind": field["kind"], "value": value})
    problems.raise_if_any()
    return result


def answers_map(pairs: list[tuple[str, str]]) -> dict[str, str]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise BadUserInput(f"each question is answered once: {', '.join(repeated)}", field="answers")
    return dict(pairs)
