"""scripts/codegen: GraphQL Code Generator's client preset over codegen.yml, on a copy of the repository's
schema and operations; it passes as they are and fails when an operation no longer validates."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.supergraph.npm_packages import unavailable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """codegen.yml, schema/api.graphql and schema/operations copied to a scratch directory."""
    if shutil.which("npm") is None:
        unavailable("GraphQL Code Generator", "node and npm are not installed")
    shutil.copy(ROOT / "codegen.yml", tmp_path / "codegen.yml")
    (tmp_path / "schema").mkdir()
    shutil.copy(ROOT / "schema" / "api.graphql", tmp_path / "schema" / "api.graphql")
    shutil.copytree(ROOT / "schema" / "operations", tmp_path / "schema" / "operations")
    return tmp_path


def codegen(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "scripts" / "codegen"), str(directory)], capture_output=True, text=True,
                          timeout=600, check=False)


def test_the_operations_generate_typed_documents(project: Path) -> None:
    done = codegen(project)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    generated = (project / "web" / "src" / "gql" / "graphql.ts").read_text()
    assert "export type LoginMutation" in generated and "export const TicketDetailDocument" in generated
    # custom scalars are typed, never `any`
    assert "Date: { input: string; output: string; }" in generated
    assert "DateTime: { input: string; output: string; }" in generated
    assert "input: any" not in generated and "output: any" not in generated


def test_the_committed_trusted_documents_are_what_the_operations_give(project: Path) -> None:
    """The gateway's manifest (schema/persisted-documents.json) is regenerated from schema/operations and compared:
    an operation changed without running ./scripts/codegen fails here, before the app and the gateway disagree."""
    done = codegen(project)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    generated = json.loads((project / "schema" / "persisted-documents.json").read_text())
    committed = json.loads((ROOT / "schema" / "persisted-documents.json").read_text())
    assert generated == committed, "schema/persisted-documents.json is stale: run ./scripts/codegen and commit it"
    assert all(hashlib.sha256(text.encode()).hexdigest() == key for key, text in committed.items())
    operations = sum(text.count("\nquery ") + text.count("\nmutation ") + text.count("\nsubscription ")
                     + text.startswith(("query ", "mutation ", "subscription "))
                     for text in (path.read_text() for path in (ROOT / "schema" / "operations").glob("*.graphql")))
    assert len(committed) == operations  # one trusted document per operation the app sends
    assert all("__typename" in text for text in committed.values())  # what Apollo Client's cache asks for
    # a changed operation gives another manifest
    tickets = project / "schema" / "operations" / "tickets.graphql"
    tickets.write_text(tickets.read_text().replace("query TicketDetail(", "query TicketDetail2(", 1))
    assert codegen(project).returncode == 0
    assert json.loads((project / "schema" / "persisted-documents.json").read_text()) != committed


def test_a_custom_scalar_without_a_type_fails_codegen(project: Path) -> None:
    schema = project / "schema" / "api.graphql"
    schema.write_text(schema.read_text() + '\n"""Money in cents."""\nscalar Money\n')
    done = codegen(project)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert "Money" in output


def test_an_operation_that_no_longer_validates_fails_codegen(project: Path) -> None:
    (project / "schema" / "operations" / "broken.graphql").write_text(
        "query BrokenTicket($id: ID!) { ticket(id: $id) { reference titel } }\n")
    done = codegen(project)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert 'Cannot query field "titel" on type "Ticket"' in output and "broken.graphql" in output
    assert not (project / "web" / "src" / "gql").exists()
