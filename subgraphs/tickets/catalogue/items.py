"""A catalogue item's details, validated into a document ready to store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subgraphs.kernel.validation import Problems
from subgraphs.tickets import validation
from subgraphs.tickets.catalogue.forms import FieldDraft, check_template
from subgraphs.tickets.catalogue.priority import Level, TicketType, priority_of


@dataclass(frozen=True)
class ItemDraft:
    name: str
    type: TicketType
    category: str
    impact: Level
    urgency: Level
    response_minutes: int
    resolution_minutes: int
    description: str | None = None
    care_group: str | None = None
    form: tuple[FieldDraft, ...] = field(default_factory=tuple)
    active: bool = True


def prepare_item(draft: ItemDraft) -> dict[str, Any]:
    """The stored fields of an item (no id, scope or timestamps); every problem reported at once."""
    problems = Problems()
    name = problems.check(validation.line, draft.name, field="name", max_length=120)
    description = problems.check(validation.optional_text, draft.description, field="description", max_length=1000)
    category = problems.check(validation.line, draft.category, field="category", max_length=50)
    care_group = problems.check(validation.optional_line, draft.care_group, field="careGroup", max_length=50)
    response = problems.check(validation.minutes, draft.response_minutes, field="responseMinutes")
    resolution = problems.check(validation.minutes, draft.resolution_minutes, field="resolutionMinutes")
    if response and resolution and resolution < response:
        problems.add("the resolution target cannot come before the response target", "resolutionMinutes")
    form = check_template(list(draft.form), problems)
    problems.raise_if_any()
    assert name is not None
    return {
        "name": name, "nameKey": name.lower(), "description": description, "type": draft.type.value,
        "category": category, "impact": draft.impact.value, "urgency": draft.urgency.value,
        "priority": priority_of(draft.impact, draft.urgency).value, "responseMinutes": response,
        "resolutionMinutes": resolution, "careGroup": care_group, "form": form, "active": draft.active,
    }


def item_event(item: dict[str, Any]) -> dict[str, Any]:
    """What other services (the IA's triage) learn about an item."""
    keys = ("name", "description", "type", "category", "impact", "urgency", "priority", "careGroup", "active")
    return {"itemId": item["_id"], "companyId": item["companyId"], **{k: item.get(k) for k in keys}}
