"""The optional demo tenant, seeded through the public API as an operator would create it."""

from __future__ import annotations

import os
from typing import Any

import httpx

DEMO_PASSWORD = "Demo-Passw0rd-2026"
DEMO_COMPANY = {"name": "Demo Helpdesk", "taxId": "DEMO-0001", "email": "it@demo.aurontek.local", "plan": "YEARLY"}
DEMO_ADMIN = "admin@demo.aurontek.local"
# Care groups as the platform catalogue names them (tickets/catalogue/default_catalogue.json): a ticket raised
# from an item goes to the item's care group, and only agents in that group are routed it.
PEOPLE = [  # (role key, e-mail, first, last, skills, care groups)
    ("agent", "ana.agent@demo.aurontek.local", "Ana", "Agent", ["Networking", "VPN"], ["Infrastructure"]),
    ("agent", "bruno.agent@demo.aurontek.local", "Bruno", "Agent", ["Hardware", "Printers"],
     ["Field Support", "Procurement", "Service Desk"]),
    ("intern", "ines.intern@demo.aurontek.local", "Inés", "Intern", [], ["Service Desk", "Field Support"]),
    ("customer", "carla@demo.aurontek.local", "Carla", "Customer", [], []),
    ("customer", "diego@demo.aurontek.local", "Diego", "Customer", [], []),
]
STAFF = ("agent", "intern")
TICKETS = [  # (customer e-mail, catalogue item, form answers, title, description)
    ("carla@demo.aurontek.local", "Network or VPN down", {"where": "Remote and office"},
     "The VPN drops every few minutes",
     "Since this morning the VPN disconnects about every five minutes, from home and from the office."),
    ("carla@demo.aurontek.local", "New laptop", {"model": 'Standard 14"'}, "New laptop for the sales team",
     "We need one laptop for the new sales colleague starting next Monday."),
    ("diego@demo.aurontek.local", "Printer problem", {"printer": "Second floor, by the meeting room"},
     "Printer on the second floor jams", "The printer near the meeting room jams on every double-sided print."),
]
LOGIN = ("mutation($c: String, $e: String!, $p: String!) { login(input: {accessCode: $c, email: $e, password: $p}) "
         "{ accessToken } }")


class _Api:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client = client
        self.url = f"{url}/graphql"
        self.token: str | None = None

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.client.post(self.url, json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"demo seeding failed: {body['errors'][0]['message']}")
        return body["data"]


async def seed_demo(gateway_url: str) -> list[tuple[str, str, str]]:
    """Create the demo company once; return (who, access code, e-mail) lines to print."""
    async with httpx.AsyncClient(timeout=30) as client:
        api = _Api(client, gateway_url)
        login = await api(LOGIN, c=None, e=os.environ["AURONTEK_ADMIN_EMAIL"], p=os.environ["AURONTEK_ADMIN_PASSWORD"])
        api.token = login["login"]["accessToken"]
        found = await api("query($s: String) { companies(filter: {search: $s}) { edges { node { id accessCode } } } }",
                          s=DEMO_COMPANY["taxId"])
        if found["companies"]["edges"]:
            code = found["companies"]["edges"][0]["node"]["accessCode"]
        else:
            code = await _create(api)
    lines = [("demo company admin", code, DEMO_ADMIN)]
    lines += [(role, code, email) for role, email, *_ in PEOPLE]
    return lines


async def _create(api: _Api) -> str:
    admin = {"email": DEMO_ADMIN, "firstName": "Demo", "lastName": "Admin", "password": DEMO_PASSWORD,
             "language": "en"}
    created = await api("mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id accessCode } } }",
                        i={**DEMO_COMPANY, "admin": admin})
    company = created["createCompany"]["company"]
    roles = {r["key"]: r["id"] for r in (await api("query($c: ID) { roles(companyId: $c) { id key } }",
                                                   c=company["id"]))["roles"]}
    for role, email, first, last, skills, groups in PEOPLE:
        await api("mutation($i: CreateUserInput!) { createUser(input: $i) { id } }", i={
            "companyId": company["id"], "email": email, "firstName": first, "lastName": last, "roleId": roles[role],
            "skills": skills, "careGroups": groups, "password": DEMO_PASSWORD, "language": "es"})
    await _staff_sign_in(api, company["accessCode"])
    await _raise_tickets(api, company["accessCode"])
    return company["accessCode"]


async def _staff_sign_in(api: _Api, code: str) -> None:
    """The demo's agents start the day signed in: signing in makes them AVAILABLE, so routing finds them."""
    for role, email, *_ in PEOPLE:
        if role in STAFF:
            await _Api(api.client, api.url.removesuffix("/graphql"))(LOGIN, c=code, e=email, p=DEMO_PASSWORD)


async def _raise_tickets(api: _Api, code: str) -> None:
    """A few tickets, each raised by a customer from the catalogue item that fits it, as the app would."""
    customer = _Api(api.client, api.url.removesuffix("/graphql"))
    for email, item_name, answers, title, description in TICKETS:
        customer.token = (await customer(LOGIN, c=code, e=email, p=DEMO_PASSWORD))["login"]["accessToken"]
        items = (await customer("{ serviceItems { id name } }"))["serviceItems"]
        item = next(i for i in items if i["name"] == item_name)
        await customer("mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }", i={
            "itemId": item["id"], "title": title, "description": description,
            "answers": [{"key": key, "value": value} for key, value in answers.items()]})
