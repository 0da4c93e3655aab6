"""`aurontek up`: one command starts everything embedded, answers through the gateway, stops on Ctrl-C."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from subgraphs.kernel.embedded_mongo import free_ports
from tests.subgraphs.users.test_accounts import png

ROOT = Path(__file__).resolve().parents[2]


def test_up_serves_the_whole_product_and_stops_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "AMQP_URL", "AURONTEK_ADMIN_PASSWORD",
                                                            "AURONTEK_ADMIN_EMAIL", "PUBLIC_URL")}
    # free ports, so a second checkout's tests (or a running `aurontek up`) on this machine do not collide
    port, *ports = free_ports(6)  # chosen together: one at a time, two could be the same
    names = ("USERS", "TICKETS", "CHAT", "NOTIFICATIONS", "IA")
    env.update({f"{name}_PORT": str(p) for name, p in zip(names, ports, strict=True)})
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "up", "--data-dir", str(tmp_path),
                                "--port", str(port), "--demo"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any("Ctrl-C stops everything" in line for line in lines):
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        output = "".join(lines)
        assert f"GraphiQL:  http://127.0.0.1:{port}/graphql" in output and "admin@aurontek.local" in output
        code = next(line.split("access code ")[1].split()[0] for line in lines if "demo company admin" in line)
        gateway = f"http://127.0.0.1:{port}/graphql"
        login = httpx.post(gateway, json={"query": """mutation($c: String) { login(input: {accessCode: $c,
            email: "carla@demo.aurontek.local", password: "Demo-Passw0rd-2026"}) { accessToken } }""",
            "variables": {"c": code}}).json()
        token = login["data"]["login"]["accessToken"]
        me = httpx.post(gateway, json={"query": "{ me { name company { name } } }"},
                        headers={"authorization": f"Bearer {token}"}).json()
        assert me == {"data": {"me": {"name": "Carla Customer", "company": {"name": "Demo Helpdesk"}}}}
        _demo_routes_its_tickets(gateway, code)
        _a_new_ticket_is_classified(gateway, code, token)
        # file links point at this gateway, which relays them to the service holding the file
        upload = "mutation($u: ID!, $c: String!) { uploadUserPhoto(userId: $u, contentBase64: $c) { photoUrl } }"
        photo = httpx.post(gateway, json={"query": upload, "variables": {
            "u": _my_id(gateway, token), "c": base64.b64encode(png()).decode()}},
            headers={"authorization": f"Bearer {token}"})
        url = photo.json()["data"]["uploadUserPhoto"]["photoUrl"]
        assert url.startswith(f"http://127.0.0.1:{port}/files/users/"), url
        assert httpx.get(url).content == png() and httpx.get(url.split("?")[0]).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert rest.rstrip().endswith("stopped")
    # each service on a database server of its own (SecantusDB runs one server's transactions one at a time)
    assert sorted(p.name for p in (tmp_path / "databases").iterdir() if (p / "db").is_dir()) == [
        "chat", "ia", "notifications", "tickets", "users"]
    assert not (tmp_path / "mongodb").exists()


def _demo_routes_its_tickets(gateway: str, code: str) -> None:
    """The demo's tickets come from the catalogue items that fit them, in care groups its agents belong to,
    and its agents are AVAILABLE without anyone calling setMyActivityStatus."""
    login = httpx.post(gateway, json={"query": """mutation($c: String) { login(input: {accessCode: $c,
        email: "admin@demo.aurontek.local", password: "Demo-Passw0rd-2026"}) { accessToken } }""",
        "variables": {"c": code}}).json()
    headers = {"authorization": f"Bearer {login['data']['login']['accessToken']}"}
    found = httpx.post(gateway, headers=headers, json={"query": """{
        tickets { edges { node { title careGroup item { name } } } }
        users(filter: {activityStatus: AVAILABLE}) { edges { node { email careGroups } } } }"""}).json()["data"]
    tickets = {t["node"]["title"]: (t["node"]["item"]["name"], t["node"]["careGroup"])
               for t in found["tickets"]["edges"]}
    assert tickets == {"The VPN drops every few minutes": ("Network or VPN down", "Infrastructure"),
                       "New laptop for the sales team": ("New laptop", "Procurement"),
                       "Printer on the second floor jams": ("Printer problem", "Field Support")}
    available = {u["node"]["email"]: set(u["node"]["careGroups"]) for u in found["users"]["edges"]}
    assert {"ana.agent@demo.aurontek.local", "bruno.agent@demo.aurontek.local",
            "ines.intern@demo.aurontek.local"} <= set(available)
    for _item, group in tickets.values():
        assert any(group in groups for email, groups in available.items() if ".agent@" in email), group


def _a_new_ticket_is_classified(gateway: str, code: str, token: str) -> None:
    """The IA learnt the catalogue that tickets seeded before the IA was listening (the whole topology is declared
    before anyone publishes), so a ticket the customer raises on a fresh data directory is classified, as the desk
    (who alone sees the IA's triage) finds."""
    headers = {"authorization": f"Bearer {token}"}
    items = httpx.post(gateway, headers=headers, json={"query": "{ serviceItems { id name } }"}).json()
    item = next(i for i in items["data"]["serviceItems"] if i["name"] == "Network or VPN down")
    created = httpx.post(gateway, headers=headers, json={"query": """mutation($i: CreateTicketInput!) {
        createTicket(input: $i) { id } }""", "variables": {"i": {"itemId": item["id"], "title": "Wifi keeps dropping",
        "description": "The office wifi disconnects every few minutes since this morning.",
        "answers": [{"key": "where", "value": "Office, second floor"}]}}}).json()
    assert created.get("data"), created
    ticket = created["data"]["createTicket"]["id"]
    login = httpx.post(gateway, json={"query": """mutation($c: String) { login(input: {accessCode: $c,
        email: "ana.agent@demo.aurontek.local", password: "Demo-Passw0rd-2026"}) { accessToken } }""",
        "variables": {"c": code}}).json()
    desk = {"authorization": f"Bearer {login['data']['login']['accessToken']}"}
    deadline = time.monotonic() + 60
    while True:
        found = httpx.post(gateway, headers=desk, json={"query": """query($t: ID!) { ticket(id: $t) {
            classification { confidence model } } }""", "variables": {"t": ticket}}).json()
        if found["data"]["ticket"]["classification"] is not None:
            return
        assert time.monotonic() < deadline, f"no classification within 60 s: {found}"
        time.sleep(0.5)


def _my_id(gateway: str, token: str) -> str:
    return str(httpx.post(gateway, json={"query": "{ me { id } }"},
                          headers={"authorization": f"Bearer {token}"}).json()["data"]["me"]["id"])
