"""The service catalogue: the shipped default, company items, forms, priority, archiving and bulk import."""

from __future__ import annotations

from typing import Any

from subgraphs.tickets.catalogue.priority import Level, Priority, priority_of
from tests.subgraphs.tickets.harness import CREATE_ITEM, CREATE_TICKET, Desk, Team, item_input

ITEMS = """query($f: ServiceItemFilter, $c: ID) { serviceItems(filter: $f, companyId: $c) {
  id name platformWide priority active form { key kind required options } } }"""
ITEM = "query($id: ID!) { serviceItem(id: $id) { id name company { id } } }"
UPDATE = "mutation($id: ID!, $i: ServiceItemInput!) { updateServiceItem(id: $id, input: $i) { id active priority } }"
IMPORT = """mutation($items: [ServiceItemInput!]!, $p: Boolean! = false) {
  importServiceItems(items: $items, platformWide: $p) {
    createdCount created { id name } errors { row name reasons } } }"""
FORM = [
    {"key": "office", "label": "Office", "kind": "LIST", "required": True, "options": ["Madrid", "Bogotá"]},
    {"key": "devices", "label": "How many devices?", "kind": "NUMBER", "required": True},
    {"key": "since", "label": "Since when?", "kind": "DATE"},
    {"key": "notes", "label": "Anything else", "kind": "TEXT"},
]


async def test_the_default_catalogue_is_offered_to_every_company(desk: Desk) -> None:
    team = await desk.team()
    items = (await team.customer.ok(ITEMS))["serviceItems"]
    shipped = [i for i in items if i["platformWide"]]
    assert len(shipped) == 13
    assert {"Password reset", "New laptop", "Network or VPN down"} <= {i["name"] for i in shipped}
    laptop = next(i for i in shipped if i["name"] == "New laptop")
    assert laptop["form"][0] == {"key": "model", "kind": "LIST", "required": True,
                                 "options": ['Standard 14"', 'Performance 16"', 'Ultralight 13"']}
    assert next(i for i in shipped if i["name"] == "E-mail not working")["priority"] == "CRITICAL"
    # Each shipped item was announced once, so the IA's triage knows the catalogue too.
    announced = await desk.events("catalogue.item_created", companyId=None)
    assert {e["data"]["itemId"] for e in announced} >= {i["id"] for i in shipped}
    assert len([e for e in announced if e["data"]["name"] == "New laptop"]) == 1


def test_the_priority_matrix() -> None:
    rows = {impact: [priority_of(impact, urgency) for urgency in (Level.HIGH, Level.MEDIUM, Level.LOW)]
            for impact in (Level.HIGH, Level.MEDIUM, Level.LOW)}
    assert rows == {
        Level.HIGH: [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM],
        Level.MEDIUM: [Priority.HIGH, Priority.MEDIUM, Priority.LOW],
        Level.LOW: [Priority.MEDIUM, Priority.LOW, Priority.LOW],
    }


async def test_a_company_item_is_its_own(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    created = (await team.admin.ok(CREATE_ITEM, {"i": item_input(impact="HIGH", urgency="LOW", form=FORM)}))
    item = created["createServiceItem"]
    assert item["priority"] == "MEDIUM"
    assert item["id"] in {i["id"] for i in (await team.customer.ok(ITEMS))["serviceItems"]}
    assert item["id"] not in {i["id"] for i in (await other.customer.ok(ITEMS))["serviceItems"]}
    assert (await other.admin.ok(ITEM, {"id": item["id"]}))["serviceItem"] is None
    assert (await team.customer.ok(ITEM, {"id": item["id"]}))["serviceItem"]["company"] == {"id": team.id}
    event = (await desk.events("catalogue.item_created", itemId=item["id"]))[0]
    assert event["companyId"] == team.id and event["data"]["priority"] == "medium"


async def test_an_items_description_keeps_its_line_breaks(desk: Desk) -> None:
    """What to try first, one step a line, as the administrator wrote it; blank space around it goes."""
    team = await desk.team()
    written = "Before raising one:\n1. Restart the laptop.\n2. Plug in the cable."
    created = await team.admin.ok(CREATE_ITEM, {"i": item_input(description=f"  {written}\n\n")})
    item_id = created["createServiceItem"]["id"]
    read = "query($id: ID!) { serviceItem(id: $id) { description } }"
    assert (await team.customer.ok(read, {"id": item_id}))["serviceItem"]["description"] == written
    cleared = await team.admin.ok(UPDATE, {"id": item_id, "i": item_input(description=" \n ")})
    assert cleared["updateServiceItem"]["id"] == item_id
    assert (await team.customer.ok(read, {"id": item_id}))["serviceItem"]["description"] is None


async def test_every_problem_with_an_item_is_named_at_once(desk: Desk) -> None:
    team = await desk.team()
    bad = item_input(name=" ", responseMinutes=600, resolutionMinutes=60, form=[
        {"key": "Bad Key", "label": "x", "kind": "TEXT"},
        {"key": "office", "label": "Office", "kind": "LIST"},
        {"key": "office", "label": "Again", "kind": "NUMBER", "options": ["1"]},
    ])
    result = await team.admin(CREATE_ITEM, {"i": bad})
    assert result.codes == ["BAD_USER_INPUT"]
    reasons = result.errors[0]["extensions"]["reasons"]
    assert reasons == [
        "name must have between 1 and 120 characters",
        "the resolution target cannot come before the response target",
        "form key 'Bad Key' must be lower-case letters, digits and _ (starting with a letter)",
        "the list question 'office' needs options",
        "only list questions have options ('office' is number)",
        "form keys must be unique: office",
    ]
    # each reason with the field it is about: a question's by its place in the form (the repeat names the later one)
    assert result.errors[0]["extensions"]["problems"] == [
        {"field": "name", "message": reasons[0]}, {"field": "resolutionMinutes", "message": reasons[1]},
        {"field": "form.0.key", "message": reasons[2]}, {"field": "form.1.options", "message": reasons[3]},
        {"field": "form.2.options", "message": reasons[4]}, {"field": "form.2.key", "message": reasons[5]},
    ]
    assert result.errors[0]["extensions"]["fields"] == ["name", "resolutionMinutes", "form.0.key", "form.1.options",
                                                        "form.2.options", "form.2.key"]
    taken = item_input(name="Printer jam")
    (await team.admin.ok(CREATE_ITEM, {"i": taken}))
    assert (await team.admin(CREATE_ITEM, {"i": {**taken, "name": "printer JAM"}})).codes == ["CONFLICT"]


async def test_a_questions_problems_name_that_question(desk: Desk) -> None:
    team = await desk.team()
    two_bad = item_input(form=[{"key": "Where", "label": "Office", "kind": "TEXT"},
                               {"key": "office", "label": "Office", "kind": "LIST"}])
    result = await team.admin(CREATE_ITEM, {"i": two_bad})
    assert result.codes == ["BAD_USER_INPUT"]
    extensions = result.errors[0]["extensions"]
    assert extensions["problems"] == [
        {"field": "form.0.key",
         "message": "form key 'Where' must be lower-case letters, digits and _ (starting with a letter)"},
        {"field": "form.1.options", "message": "the list question 'office' needs options"},
    ]
    assert extensions["fields"] == ["form.0.key", "form.1.options"] and "field" not in extensions
    # a label too long and an option too long, worded as before; a key used three times: each repeat named
    long = item_input(form=[{"key": "a", "label": "x" * 101, "kind": "TEXT"},
                            {"key": "a", "label": "A", "kind": "LIST", "options": ["ok", "y" * 101]},
                            {"key": "b", "label": "B", "kind": "TEXT"}, {"key": "a", "label": "C", "kind": "TEXT"}])
    problems = (await team.admin(CREATE_ITEM, {"i": long})).errors[0]["extensions"]["problems"]
    assert problems == [
        {"field": "form.0.label", "message": "form.label must have between 1 and 100 characters"},
        {"field": "form.1.options", "message": "form.options must have between 1 and 100 characters"},
        {"field": "form.1.options", "message": "the list question 'a' needs options"},
        {"field": "form.1.key", "message": "form keys must be unique: a"},
        {"field": "form.3.key", "message": "form keys must be unique: a"},
    ]
    # a single problem is still named as the `field`, and listed in `problems` too
    one = (await team.admin(CREATE_ITEM, {"i": item_input(form=[{"key": "k", "label": " ", "kind": "DATE"}])}))
    assert one.errors[0]["extensions"]["field"] == "form.0.label"
    assert one.errors[0]["extensions"]["problems"] == [
        {"field": "form.0.label", "message": "form.label must have between 1 and 100 characters"}]


async def test_platform_wide_items_are_for_platform_staff(desk: Desk) -> None:
    team = await desk.team()
    assert (await team.admin(CREATE_ITEM, {"i": item_input(), "p": True})).codes == ["FORBIDDEN"]
    assert (await team.agent(CREATE_ITEM, {"i": item_input()})).codes == ["FORBIDDEN"]
    root = await desk.platform_root()
    shared = (await root.ok(CREATE_ITEM, {"i": item_input(), "p": True}))["createServiceItem"]
    assert shared["id"] in {i["id"] for i in (await team.customer.ok(ITEMS))["serviceItems"]}
    assert (await team.admin(UPDATE, {"id": shared["id"], "i": item_input()})).codes == ["FORBIDDEN"]


async def test_an_archived_item_takes_no_new_tickets(desk: Desk) -> None:
    team = await desk.team()
    assert (await team.agent(UPDATE, {"id": team.item_id, "i": item_input(active=False)})).codes == ["FORBIDDEN"]
    archived = (await team.admin.ok(UPDATE, {"id": team.item_id, "i": item_input(active=False, impact="HIGH")}))
    assert archived["updateServiceItem"] == {"id": team.item_id, "active": False, "priority": "CRITICAL"}
    assert team.item_id not in {i["id"] for i in (await team.customer.ok(ITEMS))["serviceItems"]}
    listed = (await team.admin.ok(ITEMS, {"f": {"includeInactive": True}}))["serviceItems"]
    assert team.item_id in {i["id"] for i in listed}
    assert (await team.customer(ITEMS, {"f": {"includeInactive": True}})).codes == ["FORBIDDEN"]
    refused = await team.customer(CREATE_TICKET, {"i": {"itemId": team.item_id, "title": "t", "description": "d"}})
    assert refused.codes == ["BAD_USER_INPUT"] and refused.errors[0]["extensions"]["field"] == "itemId"


async def test_bulk_import_creates_the_valid_rows_and_reports_the_others(desk: Desk) -> None:
    team = await desk.team()
    rows = [item_input(name="Monitor flickers"), item_input(name="Badge lost", type="REQUEST"),
            item_input(name="Monitor flickers"), item_input(name="Bad form", form=[{"key": "9", "label": "x",
                                                                                   "kind": "TEXT"}]),
            item_input(name="Meeting room screen")]
    report = (await team.admin.ok(IMPORT, {"items": rows}))["importServiceItems"]
    assert report["createdCount"] == 3
    assert [c["name"] for c in report["created"]] == ["Monitor flickers", "Badge lost", "Meeting room screen"]
    assert report["errors"] == [
        {"row": 3, "name": "Monitor flickers", "reasons": ["the catalogue already has an item named Monitor flickers"]},
        {"row": 4, "name": "Bad form",
         "reasons": ["form key '9' must be lower-case letters, digits and _ (starting with a letter)"]},
    ]
    again = (await team.admin.ok(IMPORT, {"items": [item_input(name="Badge lost")]}))["importServiceItems"]
    assert again["createdCount"] == 0 and again["errors"][0]["row"] == 1
    assert (await team.agent(IMPORT, {"items": rows})).codes == ["FORBIDDEN"]
    assert len(await desk.events("catalogue.item_created", companyId=team.id)) == 1 + 3


async def _ticket_with(team: Team, item_id: str, answers: list[dict[str, Any]]) -> Any:
    return await team.customer(CREATE_TICKET, {"i": {"itemId": item_id, "title": "Need access", "description": "d",
                                                      "answers": answers}})


async def test_a_ticket_answers_its_items_form(desk: Desk) -> None:
    team = await desk.team()
    item = (await team.admin.ok(CREATE_ITEM, {"i": item_input(form=FORM)}))["createServiceItem"]
    refused = await _ticket_with(team, item["id"], [
        {"key": "office", "value": "Paris"}, {"key": "since", "value": "yesterday"}, {"key": "colour", "value": "red"}])
    assert refused.codes == ["BAD_USER_INPUT"]
    assert refused.errors[0]["extensions"]["reasons"] == [
        "the form has no question colour", "the answer to 'Office' must be one of Madrid, Bogotá",
        "answer the required question 'How many devices?'",
        "the answer to 'Since when?' must be a date like 2026-03-31"]
    wrong_number = await _ticket_with(team, item["id"], [{"key": "office", "value": "madrid"},
                                                         {"key": "devices", "value": "two"}])
    assert "must be a number" in wrong_number.errors[0]["message"]
    created = await _ticket_with(team, item["id"], [{"key": "office", "value": "bogotá"},
                                                    {"key": "devices", "value": " 3.0 "},
                                                    {"key": "since", "value": "2026-03-02"}])
    ticket_id = created.ok()["createTicket"]["id"]
    answers = (await team.customer.ok("query($id: ID!) { ticket(id: $id) { answers { key label kind value } } }",
                                      {"id": ticket_id}))["ticket"]["answers"]
    assert answers == [{"key": "office", "label": "Office", "kind": "LIST", "value": "Bogotá"},
                       {"key": "devices", "label": "How many devices?", "kind": "NUMBER", "value": "3"},
                       {"key": "since", "label": "Since when?", "kind": "DATE", "value": "2026-03-02"}]


PAGE = """query($f: ServiceItemFilter, $c: ID, $first: Int, $after: String) {
  serviceItemPage(filter: $f, companyId: $c, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name active platformWide } } } }"""


async def test_the_catalogue_comes_a_cursor_page_at_a_time_by_name(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    own = [(await team.admin.ok(CREATE_ITEM, {"i": item_input(name=f"Zz paged {n}")}))["createServiceItem"]["id"]
           for n in range(3)]
    mine = (await other.admin.ok(CREATE_ITEM, {"i": item_input(name="Zz paged other")}))["createServiceItem"]["id"]
    await team.admin.ok(UPDATE, {"id": own[1], "i": item_input(name="Zz paged 1", active=False)})
    every = [i["name"] for i in (await team.admin.ok(ITEMS, {"f": {"includeInactive": True}}))["serviceItems"]]

    seen: list[dict[str, Any]] = []
    after = None
    while True:  # four at a time, the archived item too, the platform's and the company's own in one order
        page = (await team.admin.ok(PAGE, {"f": {"includeInactive": True}, "first": 4, "after": after}))[
            "serviceItemPage"]
        assert page["totalCount"] == len(every) and len(page["edges"]) <= 4
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [i["name"] for i in seen] == every  # by name, each once, none missing
    assert set(own) <= {i["id"] for i in seen} and mine not in {i["id"] for i in seen}
    assert any(i["platformWide"] for i in seen) and not next(i for i in seen if i["id"] == own[1])["active"]

    # the customer's pages: the active items only; archived ones are the managers'
    offered = (await team.customer.ok(PAGE, {"f": {"search": "Zz paged"}}))["serviceItemPage"]
    assert [e["node"]["name"] for e in offered["edges"]] == ["Zz paged 0", "Zz paged 2"]
    assert (await team.customer(PAGE, {"f": {"includeInactive": True}})).codes == ["FORBIDDEN"]
    # another company's catalogue is not read by naming it, and a made-up cursor or page size is refused
    assert (await other.admin(PAGE, {"c": team.id})).codes == ["FORBIDDEN"]
    bad = await team.admin(PAGE, {"after": "not-a-cursor"})
    assert bad.codes == ["BAD_USER_INPUT"] and bad.errors[0]["extensions"]["field"] == "after"
    assert (await team.admin(PAGE, {"first": 1000})).codes == ["BAD_USER_INPUT"]
