"""Account triggers from the users service: welcome, password reset and change, access code changed.

All are security mail: e-mail only, sent whatever the preferences say, and never carrying a
password or an access code, only links and notices.
"""

from __future__ import annotations

from subgraphs.kernel.events.envelope import Event
from subgraphs.notifications.messages.words import language_of
from subgraphs.notifications.people.model import Person
from subgraphs.notifications.triggers.lookup import Lookup
from subgraphs.notifications.triggers.notice import Address, Notice


def _from_event(event: Event) -> Person:
    """The person an account event is about, as the event tells it (for people the read model lacks)."""
    data = event.data
    return Person(id=data["userId"], company_id=event.company_id or data.get("companyId") or "",
                  email=data["email"], first_name=data.get("firstName") or "", last_name=data.get("lastName") or "",
                  language=data.get("language") or "", role_key=None, permissions=frozenset(), active=True)


async def _subject(event: Event, look: Lookup) -> Person:
    return await look.person(event.data["userId"]) or _from_event(event)


async def welcome(event: Event, look: Lookup) -> list[Notice]:
    """user.created: a welcome with the set-password link when the person must choose one."""
    person = await _subject(event, look)
    company = await look.directory.company(person.company_id)
    return [Notice("welcome", person, {
        "email": person.email, "company": company.name if company else None,
        "set_password_url": event.data.get("setPasswordUrl"), "expires_at": event.data.get("setPasswordExpiresAt"),
    })]


async def password_reset(event: Event, look: Lookup) -> list[Notice]:
    """password.reset_requested: the reset link, to the account's own address."""
    data = event.data
    person = await _subject(event, look)
    return [Notice("password_reset", person, {
        "email": data["email"], "reset_url": data["resetUrl"], "expires_at": data.get("expiresAt"),
        "requested_from": data.get("requestedFrom"),
    })]


async def password_changed(event: Event, look: Lookup) -> list[Notice]:
    """user.password_changed: tell the owner, so a change they did not make does not go unnoticed."""
    person = await _subject(event, look)
    return [Notice("password_changed", person, {"email": person.email, "changed_at": event.occurred_at})]


async def access_code_changed(event: Event, look: Lookup) -> list[Notice]:
    """company.access_code_changed: a notice (never the code) to the company's address and contacts."""
    data = event.data
    company_id = data["companyId"]
    addresses = dict.fromkeys(a.strip().lower() for a in [data.get("email"), *(data.get("contacts") or [])] if a)
    notices = []
    for address in addresses:
        known = await look.directory.person_by_email(company_id, address)
        language = language_of(known.language if known else None, look.default_language)
        notices.append(Notice("access_code_changed", Address(address, company_id, language),
                              {"company": data.get("name") or "", "changed_at": event.occurred_at}))
    return notices
