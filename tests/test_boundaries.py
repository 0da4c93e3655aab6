"""Who may import whom: the gateway imports no subgraph, no subgraph imports another (the kernel is shared), and
the identity package both sides use imports neither. A dependency the other way would make a service's change
break another's deployment, or pull a service's code into the gateway's process. `telemetry` (traces and metrics),
like `identity`, serves both sides and imports neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("users", "tickets", "chat", "notifications", "ia")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _refused(package: str) -> tuple[str, ...]:
    if package in ("identity", "telemetry"):
        return ("subgraphs", "supergraph", "aurontek")
    if package == "supergraph":
        return ("subgraphs", "aurontek")
    if package == "subgraphs.kernel":
        return ("supergraph", "aurontek", *(f"subgraphs.{name}" for name in SERVICES))
    service = package.removeprefix("subgraphs.")
    return ("supergraph", "aurontek", *(f"subgraphs.{name}" for name in SERVICES if name != service))


@pytest.mark.parametrize("package", ["identity", "telemetry", "supergraph", "subgraphs.kernel",
                                     *(f"subgraphs.{name}" for name in SERVICES)])
def test_a_package_imports_only_what_it_may(package: str) -> None:
    refused = _refused(package)
    crossings = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package.replace(".", "/")).rglob("*.py")
        for name in _imports(path)
        if any(name == other or name.startswith(f"{other}.") for other in refused)
    )
    assert crossings == []
