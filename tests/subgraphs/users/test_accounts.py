"""User accounts: create, update, activity, skills, deactivate, delete, photos."""

from __future__ import annotations

import base64
import struct
import zlib
from urllib.parse import urlsplit

import httpx

from tests.harness import Client, RunningService
from tests.subgraphs.users.conftest import CREATE_USER, LOGIN, PASSWORD, Factory, Person, Tenant, last_event

USER = (
    "query($id: ID!) { user(id: $id) {"
    " id email name phone jobTitle language activityStatus status skills careGroups photoUrl } }"
)
UPDATE = (
    "mutation($id: ID!, $input: UpdateUserInput!) {"
    " updateUser(id: $id, input: $input) { email phone skills careGroups jobTitle } }"
)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def test_create_user_emits_a_snapshot(users_service: RunningService, tenant: Tenant) -> None:
    roles = (await tenant.admin.client("{ roles { id key } }")).ok()["roles"]
    agent_role = next(r["id"] for r in roles if r["key"] == "agent")
    payload = {"email": "Mixed.Case@Example.TEST", "firstName": " Lia ", "lastName": "Agent", "roleId": agent_role,
               "phone": "600 111 222", "jobTitle": "Level 2", "language": "en",
               "skills": ["Networking", "networking", "VPN"], "careGroups": ["Infra"], "password": PASSWORD}
    created = (await tenant.admin.client(CREATE_USER, {"input": payload})).ok()["createUser"]
    assert created["email"] == "mixed.case@example.test" and created["role"]["key"] == "agent"
    user = (await tenant.admin.client(USER, {"id": created["id"]})).ok()["user"]
    assert user["name"] == "Lia Agent" and user["skills"] == ["Networking", "VPN"] and user["careGroups"] == ["Infra"]
    assert user["activityStatus"] == "OFFLINE" and user["status"] == "ACTIVE"
    event = await last_event(users_service, "user.created", userId=created["id"])
    assert event["companyId"] == tenant.id and event["data"]["roleKey"] == "agent"
    assert "tickets.work" in event["data"]["permissions"] and event["data"]["skills"] == ["Networking", "VPN"]


async def test_email_is_unique_case_insensitively_within_a_company(tenant: Tenant, factory: Factory) -> None:
    first = {"email": "dup@example.test", "firstName": "A", "lastName": "B", "password": PASSWORD}
    (await tenant.admin.client(CREATE_USER, {"input": first})).ok()
    again = await tenant.admin.client(CREATE_USER, {"input": {**first, "email": "DUP@example.TEST"}})
    assert again.codes == ["CONFLICT"] and again.errors[0]["extensions"]["field"] == "email"
    other = await factory.tenant()  # another company may have the same address
    assert (await other.admin.client(CREATE_USER, {"input": first})).ok()


async def test_invalid_fields_are_all_reported(tenant: Tenant) -> None:
    bad = {"email": "nope", "firstName": "", "lastName": "X", "phone": "abc", "language": "fr"}
    result = await tenant.admin.client(CREATE_USER, {"input": bad})
    assert result.codes == ["BAD_USER_INPUT"]
    reasons = result.errors[0]["extensions"]["reasons"]
    assert len(reasons) == 4, reasons
    # each reason with the field it is about, in the same order
    problems = result.errors[0]["extensions"]["problems"]
    assert [p["field"] for p in problems] == ["email", "firstName", "phone", "language"]
    assert [p["message"] for p in problems] == reasons


async def test_update_user_and_own_profile(factory: Factory, tenant: Tenant, users_service: RunningService) -> None:
    agent = await factory.person(tenant, "agent")
    updated = await tenant.admin.client(UPDATE, {"id": agent.id, "input": {
        "phone": "+1 (555) 010-9999", "skills": ["Printers"], "careGroups": ["Desk"], "jobTitle": "Senior"}})
    assert updated.ok()["updateUser"]["skills"] == ["Printers"]
    event = await last_event(users_service, "user.updated", userId=agent.id)
    assert event["data"]["changed"] == ["careGroups", "jobTitle", "phone", "skills"]
    # Agents edit their own profile, but not their own skills.
    profile = "mutation($i: UpdateProfileInput!) { updateMyProfile(input: $i) { firstName language } }"
    assert (await agent.client(profile, {"i": {"firstName": "Renamed", "language": "en"}})).ok()["updateMyProfile"] == {
        "firstName": "Renamed", "language": "en"}
    assert (await agent.client(UPDATE, {"id": agent.id, "input": {"skills": ["Everything"]}})).codes == ["FORBIDDEN"]


async def test_activity_status(factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    mutation = "mutation($s: ActivityStatus!) { setMyActivityStatus(status: $s) { activityStatus } }"
    assert (await agent.client(mutation, {"s": "BUSY"})).ok()["setMyActivityStatus"]["activityStatus"] == "BUSY"
    assert (await agent.client(mutation, {"s": "ASLEEP"})).codes == ["BAD_USER_INPUT"]
    listed = await tenant.admin.client("{ users(filter: {activityStatus: BUSY}) { edges { node { id } } } }")
    assert [e["node"]["id"] for e in listed.ok()["users"]["edges"]] == [agent.id]


async def test_deactivate_reactivate_and_delete(users_service: RunningService, factory: Factory, tenant: Tenant,
                                                anonymous: Client) -> None:
    person = await factory.person(tenant, "customer")
    deactivate = "mutation($id: ID!) { deactivateUser(id: $id) { status } }"
    assert (await tenant.admin.client(deactivate, {"id": person.id})).ok()["deactivateUser"]["status"] == "INACTIVE"
    assert (await person.client("{ me { id } }")).codes == ["UNAUTHENTICATED"]
    login = {"code": tenant.access_code, "email": person.email, "password": PASSWORD}
    assert (await Client(anonymous.http, anonymous.url)(LOGIN, login)).codes == ["FORBIDDEN"]
    await last_event(users_service, "user.deactivated", userId=person.id)
    (await tenant.admin.client("mutation($id: ID!) { reactivateUser(id: $id) { status } }", {"id": person.id})).ok()
    assert (await Client(anonymous.http, anonymous.url)(LOGIN, login)).ok()
    assert (await tenant.admin.client("mutation($id: ID!) { deleteUser(id: $id) }", {"id": person.id})).ok()
    assert (await tenant.admin.client(USER, {"id": person.id})).ok()["user"] is None
    assert (await Client(anonymous.http, anonymous.url)(LOGIN, login)).codes == ["UNAUTHENTICATED"]
    # The address is free again after deletion.
    again = {"email": person.email, "firstName": "Back", "lastName": "Again", "password": PASSWORD}
    assert (await tenant.admin.client(CREATE_USER, {"input": again})).ok()


async def test_the_last_company_admin_cannot_be_removed(tenant: Tenant, factory: Factory, root: Person) -> None:
    second = await factory.person(tenant, "company_admin")
    deactivate = "mutation($id: ID!) { deactivateUser(id: $id) { status } }"
    assert (await second.client(deactivate, {"id": second.id})).codes == ["BAD_USER_INPUT"]  # not oneself
    assert (await second.client(deactivate, {"id": tenant.admin.id})).ok()
    # `second` is now the company's only active administrator: even the platform may not remove them.
    for mutation in (deactivate, "mutation($id: ID!) { deleteUser(id: $id) }"):
        result = await root.client(mutation, {"id": second.id})
        assert result.codes == ["CONFLICT"], mutation
    roles = (await root.client("query($c: ID) { roles(companyId: $c) { id key } }", {"c": tenant.id})).ok()["roles"]
    customer = next(r["id"] for r in roles if r["key"] == "customer")
    demote = "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }"
    assert (await root.client(demote, {"u": second.id, "r": customer})).codes == ["CONFLICT"]
    assert (await second.client("{ me { status } }")).ok()["me"]["status"] == "ACTIVE"


async def test_photo_upload_checks_content_and_size(users_service: RunningService, http: httpx.AsyncClient,
                                                    factory: Factory, tenant: Tenant) -> None:
    person = await factory.person(tenant, "customer")
    upload = "mutation($id: ID!, $c: String!) { uploadUserPhoto(userId: $id, contentBase64: $c) { photoUrl } }"
    image = png()
    url = (await person.client(upload, {"id": person.id, "c": base64.b64encode(image).decode()})).ok()
    link = urlsplit(url["uploadUserPhoto"]["photoUrl"])  # on the gateway's origin, which relays it here
    assert link.path.startswith(f"/files/users/photos/{tenant.id}/") and "signature=" in link.query
    key = link.path.removeprefix("/files/users/")
    photo = await http.get(f"{users_service.url}/files/{key}?{link.query}")
    assert photo.status_code == 200 and photo.content == image and photo.headers["content-type"] == "image/png"
    assert (await http.get(f"{users_service.url}/files/{key}")).status_code == 403  # no signature, no photo
    fake = base64.b64encode(b"<script>alert(1)</script>").decode()  # text dressed as an image
    assert (await person.client(upload, {"id": person.id, "c": fake})).codes == ["BAD_USER_INPUT"]
    assert (await person.client(upload, {"id": person.id, "c": "@@not base64@@"})).codes == ["BAD_USER_INPUT"]
    huge = base64.b64encode(png() + b"\x00" * (2 * 1024 * 1024)).decode()
    assert (await person.client(upload, {"id": person.id, "c": huge})).codes == ["BAD_USER_INPUT"]
    escape = await http.get(f"{users_service.url}/files/..%2F..%2Fsecrets")
    assert escape.status_code == 403


async def test_users_listing_filters_and_pages(factory: Factory, tenant: Tenant) -> None:
    agents = [await factory.person(tenant, "agent", skills=["Printers"], careGroups=["Desk"]) for _ in range(3)]
    await factory.person(tenant, "customer")
    listing = """query($f: UserFilter, $after: String) { users(filter: $f, first: 2, after: $after) {
      totalCount edges { node { id email } } pageInfo { hasNextPage endCursor } } }"""
    by_skill = (await tenant.admin.client(listing, {"f": {"skill": "Printers"}})).ok()["users"]
    assert by_skill["totalCount"] == 3 and by_skill["pageInfo"]["hasNextPage"]
    rest = (await tenant.admin.client(listing, {"f": {"skill": "Printers"}, "after": by_skill["pageInfo"]["endCursor"]})
            ).ok()["users"]
    seen = {e["node"]["id"] for e in by_skill["edges"] + rest["edges"]}
    assert seen == {a.id for a in agents} and not rest["pageInfo"]["hasNextPage"]
    search = (await tenant.admin.client(listing, {"f": {"search": agents[0].email.split("@")[0].upper()}})).ok()
    assert [e["node"]["id"] for e in search["users"]["edges"]] == [agents[0].id]
    injection = (await tenant.admin.client(listing, {"f": {"search": ".*"}})).ok()["users"]["totalCount"]
    assert injection == 0  # the search text is literal, not a pattern
    role_id = (await tenant.admin.client("{ roles { id key } }")).ok()["roles"]
    agent_role = next(r["id"] for r in role_id if r["key"] == "agent")
    by_role = (await tenant.admin.client(listing, {"f": {"roleId": agent_role}})).ok()["users"]["totalCount"]
    assert by_role == 3
    role = (await tenant.admin.client("query($id: ID!) { role(id: $id) { name holderCount } }", {"id": agent_role}))
    assert role.ok()["role"] == {"name": "Agent", "holderCount": 3}
    count_users = "query($id: ID!) { company(id: $id) { users(first: 50) { totalCount } } }"
    company_users = await tenant.admin.client(count_users, {"id": tenant.id})
    assert company_users.ok()["company"]["users"]["totalCount"] == 5
    too_many = await tenant.admin.client(listing.replace("first: 2", "first: 1000"), {})
    assert too_many.codes == ["BAD_USER_INPUT"]
