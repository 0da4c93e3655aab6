"""The users service's collections and their indexes."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from subgraphs.kernel.mongo import Database

COMPANIES = "companies"
USERS = "users"
ROLES = "roles"
SESSIONS = "sessions"
REFRESH_TOKENS = "refresh_tokens"
PASSWORD_TOKENS = "password_tokens"
LOGIN_FAILURES = "login_failures"

LIVE = {"deleted": False}  # partial-index filter: uniqueness holds among rows not deleted

INDEXES: dict[str, list[IndexModel]] = {
    COMPANIES: [
        IndexModel([("taxId", ASCENDING)], unique=True, partialFilterExpression=LIVE, name="taxId_live"),
        IndexModel([("email", ASCENDING)], unique=True, partialFilterExpression=LIVE, name="email_live"),
        IndexModel(
            [("accessCode", ASCENDING)],
            unique=True,
            partialFilterExpression={"accessCode": {"$type": "string"}},
            name="accessCode",
        ),
        IndexModel([("isPlatform", ASCENDING)]),
    ],
    USERS: [
        # E-mails are stored lower-cased, so this makes them unique case-insensitively per company.
        IndexModel([("companyId", ASCENDING), ("email", ASCENDING)], unique=True, partialFilterExpression=LIVE,
                   name="company_email_live"),
        IndexModel([("companyId", ASCENDING), ("roleId", ASCENDING)]),
        IndexModel([("companyId", ASCENDING), ("_id", DESCENDING)]),
    ],
    ROLES: [
        IndexModel([("companyId", ASCENDING), ("name", ASCENDING)], unique=True, name="company_role_name"),
    ],
    SESSIONS: [IndexModel([("userId", ASCENDING)]), IndexModel([("companyId", ASCENDING)])],
    REFRESH_TOKENS: [IndexModel([("familyId", ASCENDING)]), IndexModel([("expiresAt", ASCENDING)])],
    PASSWORD_TOKENS: [IndexModel([("tokenHash", ASCENDING)], unique=True), IndexModel([("userId", ASCENDING)])],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
