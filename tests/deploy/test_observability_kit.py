"""The operations kit (deploy/observability/): Prometheus's own tools check the scrape configuration and the alert
rules and run the rules' unit tests (each alert fires on the series it watches for and stays silent on healthy
ones); the dashboards and alerts only name metrics the services export; the compose profile mounts what exists."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from telemetry import metrics

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "deploy" / "observability"
DASHBOARDS = KIT / "grafana" / "dashboards"
PROFILE = ("otel-collector", "jaeger", "prometheus", "grafana")


def _promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("promtool (Debian's prometheus) is not installed: ./scripts/install installs it")
    pytest.skip("promtool (Debian's prometheus) is not installed: ./scripts/install installs it")


def _promtool_run(*arguments: str, cwd: Path = KIT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_promtool(), *arguments], cwd=cwd, capture_output=True, text=True, check=False)


def exported() -> set[str]:
    """Every series name the services export (a histogram's _bucket, _sum and _count; a counter's _total)."""
    names: set[str] = {"up"}
    for family in vars(metrics).values():
        describe = getattr(family, "describe", None)
        if describe is None or not getattr(family, "_name", "").startswith("aurontek_"):
            continue
        for metric in describe():
            kind = metric.type
            if kind == "counter":
                names.add(f"{metric.name}_total")
            elif kind == "histogram":
                names.update(f"{metric.name}{suffix}" for suffix in ("_bucket", "_sum", "_count"))
            else:
                names.add(metric.name)
    return names


def names_in(expression: str) -> set[str]:
    """The metric names a PromQL expression reads (identifiers followed by a selector, range or operator)."""
    stripped = re.sub(r'"[^"]*"', '""', expression)
    found = set(re.findall(r"\b(aurontek_[a-z0-9_]+|up)\b", stripped))
    return found


def test_promtool_accepts_the_rules_and_the_scrape_configuration() -> None:
    rules = _promtool_run("check", "rules", "alerts.yml")
    assert rules.returncode == 0 and "SUCCESS: 7 rules found" in rules.stdout, rules.stdout + rules.stderr
    config = _promtool_run("check", "config", "--syntax-only", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr


def test_each_alert_fires_on_its_series_and_stays_silent_on_healthy_ones() -> None:
    run = _promtool_run("test", "rules", "alerts.test.yml")
    assert run.returncode == 0 and "SUCCESS" in run.stdout, run.stdout + run.stderr
    tests = yaml.safe_load((KIT / "alerts.test.yml").read_text())["tests"]
    alerts = {rule["alert"] for group in yaml.safe_load((KIT / "alerts.yml").read_text())["groups"]
              for rule in group["rules"]}
    fired = {case["alertname"] for test in tests for case in test["alert_rule_test"] if case["exp_alerts"]}
    silent = {case["alertname"] for test in tests for case in test["alert_rule_test"] if not case["exp_alerts"]}
    assert fired == alerts and silent == alerts


def test_the_alert_tests_fail_when_an_alert_does_not_fire(tmp_path: Path) -> None:
    """Not vacuous: with one expected alert taken out of a case where it fires, promtool reports a failure."""
    shutil.copy(KIT / "alerts.yml", tmp_path / "alerts.yml")
    tests = yaml.safe_load((KIT / "alerts.test.yml").read_text())
    outbox = next(test for test in tests["tests"] if test["name"] == "an outbox that does not drain")
    firing = next(case for case in outbox["alert_rule_test"] if case["exp_alerts"])
    firing["exp_alerts"] = []
    (tmp_path / "alerts.test.yml").write_text(yaml.safe_dump(tests))
    run = _promtool_run("test", "rules", "alerts.test.yml", cwd=tmp_path)
    assert run.returncode != 0 and "AurontekOutboxStuck" in run.stdout + run.stderr


def test_dashboards_and_alerts_read_only_metrics_the_services_export() -> None:
    known = exported()
    assert {"aurontek_gateway_requests_total", "aurontek_outbox_pending",
            "aurontek_gateway_subgraph_fetch_duration_seconds_bucket"} <= known
    used: dict[str, set[str]] = {}
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard: dict[str, Any] = json.loads(path.read_text())
        assert dashboard["uid"] and dashboard["title"] and dashboard["panels"], path.name
        for panel in dashboard["panels"]:
            assert panel["targets"], (path.name, panel["title"])
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == "prometheus"
                used.setdefault(path.name, set()).update(names_in(target["expr"]))
    assert set(used) == {"gateway.json", "events.json", "live.json", "mail.json", "ia.json"}
    for rule in (rule for group in yaml.safe_load((KIT / "alerts.yml").read_text())["groups"]
                 for rule in group["rules"]):
        used.setdefault("alerts.yml", set()).update(names_in(rule["expr"]))
    unknown = {name: sorted(names - known) for name, names in used.items() if names - known}
    assert unknown == {}


def test_the_datasources_are_the_ones_the_dashboards_name() -> None:
    sources = yaml.safe_load((KIT / "grafana" / "provisioning" / "datasources" / "datasources.yml").read_text())
    assert {source["uid"]: source["url"] for source in sources["datasources"]} == {
        "prometheus": "http://prometheus:9090", "jaeger": "http://jaeger:16686"}
    provider = yaml.safe_load((KIT / "grafana" / "provisioning" / "dashboards" / "dashboards.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_the_compose_profile_runs_the_kit_from_these_files_and_publishes_nothing_public() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in PROFILE:
        service = services[name]
        assert service["profiles"] == ["observability"], name
        assert ":" in service["image"] and not service["image"].endswith(":latest"), name  # pinned
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, volume)
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", [])), name
    scraped = {job["job_name"]: job["static_configs"][0]["targets"][0]
               for job in yaml.safe_load((KIT / "prometheus.yml").read_text())["scrape_configs"]}
    for job, target in scraped.items():
        host, port = target.split(":")
        assert host == job and services[job]["environment"]["PORT"] == port
    assert set(scraped) == {"gateway", "users", "tickets", "chat", "notifications", "ia"}
    collector = yaml.safe_load((KIT / "otel-collector.yaml").read_text())
    assert collector["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in str(services["gateway"].get("environment"))  # off by default


def test_the_proxy_never_serves_metrics_to_the_internet() -> None:
    conf = (ROOT / "deploy" / "nginx" / "templates" / "default.conf.template").read_text()
    assert "location = /metrics { return 404; }" in conf
    config = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "base" / "config.yaml").read_text().split("---")[0])
    assert config["data"]["METRICS_LISTEN"] == "0.0.0.0:9464"  # behind the ingress, only the metrics port has them
