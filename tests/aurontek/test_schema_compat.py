"""`aurontek schema compat`: a temporary git repository with a schema registry on main, then a change on a
branch; breaking changes fail unless acknowledged, additive ones pass, dangerous ones are listed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

API = '''\
type Query {
  ticket(id: ID!): Ticket
  tickets(first: Int, status: Status): [Ticket!]!
}

"""A request for help."""
type Ticket {
  id: ID!
  title: String!
  status: Status!
}

enum Status {
  OPEN
  CLOSED
}

input TicketInput {
  title: String!
}
'''
SUBGRAPH = '''\
schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@shareable"]) {
  query: Query
}

type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
  ticket(id: ID!): Ticket
}

type Ticket @key(fields: "id") {
  id: ID!
  title: String!
}

scalar _Any

union _Entity = Ticket

type _Service {
  sdl: String!
}
'''


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main holds schema/api.graphql, schema/tickets.graphql and a supergraph; the work goes on a branch."""
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "api.graphql").write_text(API)
    (tmp_path / "schema" / "tickets.graphql").write_text(SUBGRAPH)
    (tmp_path / "schema" / "supergraph.graphql").write_text("type Query { anything: Int }\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "schema")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "registry")
    git(tmp_path, "checkout", "-q", "-b", "change")
    return tmp_path


def compat(repo: Path, *args: str) -> tuple[int, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    done = subprocess.run([sys.executable, "-m", "aurontek", "schema", "compat", *args], cwd=repo,
                          capture_output=True, text=True, check=False, env=env)
    return done.returncode, done.stdout + done.stderr


def edit(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "schema" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_unchanged_schemas_pass(repo: Path) -> None:
    assert compat(repo) == (0, "schema compat against main: 0 breaking, 0 acknowledged, 0 dangerous\n")


def test_a_removed_field_and_a_required_argument_fail_with_file_line_and_coordinate(repo: Path) -> None:
    edit(repo, "api.graphql", "  title: String!\n  status", "  status")
    edit(repo, "api.graphql", "tickets(first: Int,", "tickets(first: Int!,")
    edit(repo, "tickets.graphql", "  title: String!\n", "  title: String\n")
    status, output = compat(repo)
    assert status == 1, output
    lines = output.splitlines()
    assert "schema/api.graphql:9: BREAKING FIELD_REMOVED Ticket.title: Field Ticket.title was removed. " \
           "(line at main)" in lines
    assert any(line.startswith("schema/api.graphql:3: BREAKING ARG_CHANGED_KIND Query.tickets(first:): ")
               for line in lines), output
    assert any(line.startswith("schema/tickets.graphql:13: BREAKING FIELD_CHANGED_KIND Ticket.title: ")
               for line in lines), output
    assert "schema compat against main: 3 breaking, 0 acknowledged, 0 dangerous" in lines
    assert "acknowledged-changes.txt" in output  # says how to accept one


def test_removed_enum_values_types_and_subgraphs_fail(repo: Path) -> None:
    edit(repo, "api.graphql", "  CLOSED\n", "")
    edit(repo, "api.graphql", "input TicketInput {\n  title: String!\n}\n", "")
    (repo / "schema" / "tickets.graphql").unlink()
    status, output = compat(repo)
    assert status == 1, output
    assert "schema/api.graphql:15: BREAKING VALUE_REMOVED_FROM_ENUM Status.CLOSED: " in output
    assert "schema/api.graphql:18: BREAKING TYPE_REMOVED TicketInput: " in output
    assert "schema/tickets.graphql: BREAKING SUBGRAPH_REMOVED tickets.graphql" in output


def test_additive_changes_pass_and_dangerous_ones_are_listed(repo: Path) -> None:
    edit(repo, "api.graphql", "  status: Status!\n}", "  status: Status!\n  createdAt: String\n}\n\ntype Tag {\n"
                                                      "  name: String!\n}")
    edit(repo, "api.graphql", "  CLOSED\n", "  CLOSED\n  ON_HOLD\n")
    edit(repo, "api.graphql", "tickets(first: Int,", "tickets(first: Int, after: String,")
    (repo / "schema" / "chat.graphql").write_text("type Query { messages: [String!]! }\n")  # a new subgraph
    (repo / "schema" / "supergraph.graphql").write_text("type Query { other: Int }\n")  # not compared
    status, output = compat(repo)
    assert status == 0, output
    assert "schema/api.graphql:21: DANGEROUS VALUE_ADDED_TO_ENUM Status.ON_HOLD: " in output
    assert "schema/api.graphql:3: DANGEROUS OPTIONAL_ARG_ADDED Query.tickets(after:): " in output
    assert output.splitlines()[-1] == "schema compat against main: 0 breaking, 0 acknowledged, 2 dangerous"


def test_an_acknowledged_breaking_change_passes(repo: Path) -> None:
    edit(repo, "api.graphql", "  title: String!\n  status", "  status")
    (repo / "schema" / "acknowledged-changes.txt").write_text(textwrap.dedent("""\
        # reviewed with the change
        Ticket.title FIELD_REMOVED  # the app shows the reference instead
        Query.gone FIELD_REMOVED  # matches nothing any more
    """))
    status, output = compat(repo)
    assert status == 0, output
    assert "schema/api.graphql:9: ACKNOWLEDGED FIELD_REMOVED Ticket.title: " in output
    assert "Query.gone FIELD_REMOVED matches no change against main" in output
    assert output.splitlines()[-1] == "schema compat against main: 0 breaking, 1 acknowledged, 0 dangerous"


def test_the_base_can_be_named_and_an_unknown_one_is_an_error(repo: Path) -> None:
    edit(repo, "api.graphql", "  CLOSED\n", "")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "drop CLOSED")
    assert compat(repo, "--base", "change")[0] == 0
    assert compat(repo, "--base", "main")[0] == 1
    status, output = compat(repo, "--base", "no-such-branch")
    assert status == 2 and "unknown git ref 'no-such-branch'" in output
