"""Where a company's triage stands: labelled tickets, and the classifiers this replica serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.classification.labelling import labelled_count
from subgraphs.ia.deps import IaDeps
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.tenancy import Tenancy


@dataclass(frozen=True)
class TriageStatus:
    company_id: str
    labelled: int
    state: dict[str, Any]  # the trainer's summary of its last training ({} before any)


async def triage_status(deps: IaDeps, tenancy: Tenancy, principal: Principal, company_id: str | None
                        ) -> TriageStatus:
    """For the company's administrators (tickets.manage there); FORBIDDEN for anyone else."""
    company = company_id or principal.company_id
    tenancy.of(store.TRAINING, company, permission="tickets.manage")  # the permission check
    try:
        state = deps.trainer.state(company)
    except ValueError:  # not an id this service ever stores a model under
        state = {}
    return TriageStatus(company, await labelled_count(deps.db, company), state)
