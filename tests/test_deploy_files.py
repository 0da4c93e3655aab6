"""Static checks of the deployment files (no Docker engine runs here to try them)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_services_are_health_checked_and_restart() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        assert service.get("restart") == "unless-stopped", name
        if name != "mailcatcher":
            assert "healthcheck" in service, name
    env = compose["services"]["users"]["environment"]
    assert env["MONGODB_URL"].startswith("mongodb://mongo:") and env["AMQP_URL"].startswith("amqp://")
    published = [p for s in compose["services"].values() for p in s.get("ports", [])]
    assert all(p.startswith("127.0.0.1:") for p in published), "admin UIs stay on the host's loopback"


def test_env_example_holds_no_secret() -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if "PASSWORD=" in line:
            assert line.split("=", 1)[1].startswith("set-"), line


def test_image_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert dockerfile.count("FROM ") >= 2  # multi-stage
    assert "\nUSER aurontek\n" in dockerfile


def test_ci_runs_the_readme_commands() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = " ".join(str(step.get("run", "")) for step in workflow["jobs"]["test"]["steps"])
    assert "./scripts/install" in steps and "./scripts/test" in steps
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/install" in ci and "./scripts/test" in ci
