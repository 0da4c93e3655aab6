"""The IA service's collections and their indexes: read models, vectors, the work queue and decisions."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from subgraphs.kernel.mongo import Database

TICKETS = "tickets"  # read model, from ticket events, with the IA's classification of each
REPLIES = "replies"  # public replies on tickets (never internal notes), for suggested replies
PEOPLE = "people"  # read model, from user events
ROLES = "people_roles"  # custom roles' permissions, to follow a role change to its holders
CATALOGUE = "catalogue"  # read model, from catalogue events
VECTORS = "vectors"  # one sentence embedding per ticket
JOBS = "analysis_jobs"  # tickets waiting to be encoded, classified, checked for duplicates or routed
ACTIVITY = "agent_activity"  # agents' work log: assignments, resolutions, reopens, hand-backs
DECISIONS = "assignment_decisions"  # every routing decision with every candidate's factors
TRAINING = "training"  # per company: how many labelled tickets, and when the labels last changed
TRAINING_RUNS = "training_runs"  # per company and model directory: the labels' version trained (or training) there


def _company(*fields: tuple[str, int], **options: object) -> IndexModel:
    return IndexModel([("companyId", ASCENDING), *fields], **options)  # type: ignore[arg-type]


INDEXES: dict[str, list[IndexModel]] = {
    TICKETS: [
        _company(("assigneeId", ASCENDING), ("status", ASCENDING)),
        _company(("tutorId", ASCENDING), ("status", ASCENDING)),
        _company(("suggestedTo", ASCENDING), ("status", ASCENDING)),
        _company(("labelled", ASCENDING), ("labelledAt", DESCENDING)),
        _company(("creatorId", ASCENDING)),
    ],
    REPLIES: [_company(("ticketId", ASCENDING), ("at", ASCENDING))],
    PEOPLE: [_company(("status", ASCENDING)), IndexModel([("roleId", ASCENDING)])],
    CATALOGUE: [IndexModel([("companyId", ASCENDING), ("active", ASCENDING)])],
    VECTORS: [_company(("at", ASCENDING))],
    JOBS: [IndexModel([("leaseUntil", ASCENDING), ("queuedAt", ASCENDING)])],
    ACTIVITY: [_company(("at", ASCENDING)), _company(("agentId", ASCENDING), ("at", ASCENDING))],
    DECISIONS: [_company(("ticketId", ASCENDING), ("_id", DESCENDING)), _company(("_id", DESCENDING))],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
