"""Training examples for one company and one target (category, type or priority), from what the IA has seen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from subgraphs.ia.triage.text import ticket_text


@dataclass
class TrainingSet:
    """Labelled texts keyed by a source id, so a later correction replaces the earlier label of that ticket."""

    _examples: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add_catalogue(self, items: Iterable[Mapping[str, str]], *, label_key: str) -> None:
        """Seed with the service catalogue: each item's name and description labelled by item[label_key]."""
        for item in items:
            label = item.get(label_key)
            text = ticket_text(item.get("name"), item.get("description"))
            if label and text:
                self._examples[f"catalogue:{item.get('id') or text}"] = (text, label)

    def add_ticket(self, ticket_id: str, *, title: str, description: str | None, label: str | None) -> None:
        """Add (or replace) a labelled ticket from the company's history; a ticket without a label is skipped."""
        text = ticket_text(title, description)
        if label and text:
            self._examples[f"ticket:{ticket_id}"] = (text, label)

    def correct(self, ticket_id: str, *, label: str, title: str | None = None, description: str | None = None) -> None:
        """An agent's correction: the ticket's label becomes this one; its text is kept unless given anew."""
        key = f"ticket:{ticket_id}"
        text = ticket_text(title, description) if title or description else self._examples.get(key, ("", ""))[0]
        if text:
            self._examples[key] = (text, label)

    def forget(self, ticket_id: str) -> None:
        """Drop a ticket (deleted, or no longer to learn from)."""
        self._examples.pop(f"ticket:{ticket_id}", None)

    def __len__(self) -> int:
        return len(self._examples)

    def labels(self) -> set[str]:
        """The distinct labels present."""
        return {label for _, label in self._examples.values()}

    def texts_and_labels(self) -> tuple[list[str], list[str]]:
        """What TriageClassifier.fit takes."""
        pairs = list(self._examples.values())
        return [text for text, _ in pairs], [label for _, label in pairs]
