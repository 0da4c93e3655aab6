"""Account mail from the users service's events: welcome with a set-password link, reset link,
password changed, access code changed; in each person's language, to them and no one else."""

from __future__ import annotations

import re

from subgraphs.notifications import store
from tests.fixtures.users import CREATE_USER, PASSWORD, Tenant, unique
from tests.harness import Client, eventually
from tests.subgraphs.notifications.conftest import Stack

RESET = "mutation($c: String, $e: String!) { requestPasswordReset(input: {accessCode: $c, email: $e}) }"
CHANGE = "mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) }"
REGENERATE = "mutation($c: ID!) { regenerateAccessCode(companyId: $c) { accessCode } }"
LINK = re.compile(r"https?://\S+token=[\w.-]+")


async def test_welcome_carries_a_set_password_link_and_never_a_password(stack: Stack, tenant: Tenant) -> None:
    email = f"{unique('new')}@welcome.test"
    user = (await tenant.admin.client(CREATE_USER, {"input": {
        "email": email, "firstName": "Noa", "lastName": "Link", "language": "en"}})).ok()["createUser"]

    [mail] = await stack.mailbox.wait_for(email, "welcome")
    text, html = mail.part("plain"), mail.part("html")
    assert mail.message["Subject"] == "Welcome to AURONTEK"
    assert text.startswith("Hello Noa,") and "Choose your password" in text
    [link] = LINK.findall(text)
    assert "/set-password?token=" in link and link in html
    assert mail.message["Content-Language"] == "en"
    assert "password:" not in text.lower() and PASSWORD not in text
    # Security mail goes by e-mail only: nothing in the new person's inbox.
    assert await stack.db[store.NOTIFICATIONS].count_documents({"recipientId": user["id"]}) == 0


async def test_welcome_without_link_when_the_admin_set_the_password_in_spanish(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "agent")
    [mail] = await stack.mailbox.wait_for(person.email, "welcome")
    assert mail.message["Subject"] == "Te damos la bienvenida a AURONTEK"
    assert "token=" not in mail.part("plain") and tenant.name in mail.part("plain")


async def test_password_reset_link_goes_to_the_account_only(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "customer", language="en")
    colleague = await stack.factory.person(tenant, "customer")
    anonymous = Client(stack.users.client.http, stack.users.url)
    (await anonymous(RESET, {"c": tenant.access_code, "e": person.email})).ok()

    [mail] = await stack.mailbox.wait_for(person.email, "password_reset")
    assert mail.message["Subject"] == "Reset your AURONTEK password"
    [link] = LINK.findall(mail.part("plain"))
    assert "/reset-password?token=" in link and link in mail.part("html")
    await stack.settled()
    assert stack.mailbox.to(colleague.email, "password_reset") == []
    assert stack.mailbox.to(tenant.admin.email, "password_reset") == []


async def test_a_changed_password_is_reported_to_its_owner(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "agent")
    (await person.client(CHANGE, {"c": PASSWORD, "n": "An0ther-Good-Passw0rd"})).ok()
    [mail] = await stack.mailbox.wait_for(person.email, "password_changed")
    assert mail.message["Subject"] == "Tu contraseña de AURONTEK cambió"
    assert "Si no fuiste tú" in mail.part("plain") and "An0ther" not in mail.part("plain")


async def test_access_code_notice_reaches_the_company_contacts_without_the_code(stack: Stack) -> None:
    contact = f"{unique('boss')}@contact.test"
    tenant = await stack.factory.tenant(contacts=[{"name": "Boss", "email": contact}])
    member = await stack.factory.person(tenant, "customer")
    code = (await tenant.admin.client(REGENERATE, {"c": tenant.id})).ok()["regenerateAccessCode"]["accessCode"]

    company_mailbox = f"it@{tenant.name.replace(' ', '').lower()}.test"
    for address in (company_mailbox, contact):
        [mail] = await stack.mailbox.wait_for(address, "access_code_changed")
        assert tenant.name in mail.message["Subject"]
        assert code not in mail.part("plain") and code not in mail.part("html")
    await stack.settled()
    assert stack.mailbox.to(member.email, "access_code_changed") == []


async def test_people_are_kept_as_the_users_service_tells(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "agent")
    (await tenant.admin.client("mutation($id: ID!) { updateUser(id: $id, input: {language: \"en\"}) { id } }",
                               {"id": person.id})).ok()

    async def english() -> bool:
        row = await stack.db[store.PEOPLE].find_one({"_id": person.id})
        return bool(row) and row["language"] == "en"

    await eventually(english, what="language change synced")
    (await tenant.admin.client("mutation($id: ID!) { deactivateUser(id: $id) { id } }", {"id": person.id})).ok()

    async def inactive() -> bool:
        row = await stack.db[store.PEOPLE].find_one({"_id": person.id})
        return bool(row) and row["status"] == "inactive"

    await eventually(inactive, what="deactivation synced")


async def test_a_deleted_person_is_forgotten_and_told_nothing_more(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "customer")
    await stack.known(person)
    await stack.desk.raise_("ticket.created", stack.desk.ticket(tenant.id, person.id), actor_id=person.id)
    await stack.settled()
    assert await stack.db[store.NOTIFICATIONS].count_documents({"recipientId": person.id}) == 1
    (await tenant.admin.client("mutation($id: ID!) { deleteUser(id: $id) }", {"id": person.id})).ok()

    async def forgotten() -> bool:
        return await stack.db[store.NOTIFICATIONS].count_documents({"recipientId": person.id}) == 0

    await eventually(forgotten, what="inbox erased")
    later = await stack.desk.raise_("ticket.status_changed", stack.desk.ticket(tenant.id, person.id), actor_id=None,
                                    **{"from": "open", "to": "closed", "reason": None})
    await stack.settled()
    assert await stack.deliveries(later.id) == set()
