"""A company's triage state, for its administrators."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.ia.classification.status import TriageStatus


@strawberry.type(description="One target's classifier: how many examples it learnt from and its labels.")
class TriageTarget:
    target: str
    examples: int
    labels: list[str]


@strawberry.type(description="Where a company's triage stands.")
class TriageModel:
    company_id: strawberry.ID
    labelled_tickets: int = strawberry.field(description="Tickets whose labels a person stands behind "
                                                         "(corrected by an agent, or resolved).")
    trained: bool = strawberry.field(description="False while the catalogue is the only guide.")
    trained_at: datetime | None
    targets: list[TriageTarget]

    @classmethod
    def of(cls, status: TriageStatus) -> TriageModel:
        state = status.state
        targets = [TriageTarget(target=name, examples=found["examples"], labels=found["labels"])
                   for name, found in (state.get("targets") or {}).items()]
        trained_at = datetime.fromisoformat(state["trainedAt"]) if state.get("trainedAt") else None
        return cls(company_id=strawberry.ID(status.company_id), labelled_tickets=status.labelled,
                   trained=bool(targets), trained_at=trained_at, targets=targets)
