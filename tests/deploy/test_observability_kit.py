"""The operations kit (deploy/observability/): Prometheus's own tools check the scrape configuration and the alert
rules and run the rules' unit tests (each alert fires on the series it watches for and stays silent on healthy
ones); the dashboards and alerts only name metrics of the contract, which the services export; the compose profile
mounts what exists."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from subgraphs.kernel.settings import DEFAULT_PORTS
from telemetry import metrics

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "deploy" / "observability"
DASHBOARDS = KIT / "grafana" / "dashboards"
PROFILE = ("otel-collector", "jaeger", "prometheus", "grafana")
JOBS = ("gateway", "users", "tickets", "chat", "notifications", "ia")
INSTALL_HINT = "promtool (Debian's prometheus) is not installed: ./scripts/install installs it"

# The metric names the services promise (README "Metrics"); a histogram's series are its _bucket, _sum and _count.
HISTOGRAMS = ("aurontek_gateway_request_duration_seconds", "aurontek_gateway_subgraph_fetch_duration_seconds",
              "aurontek_subgraph_request_duration_seconds", "aurontek_db_command_duration_seconds",
              "aurontek_mail_send_duration_seconds", "aurontek_ia_triage_confidence")
CONTRACT = frozenset({
    "up",
    "aurontek_gateway_requests_total", "aurontek_gateway_errors_total", "aurontek_gateway_subgraph_fetch_errors_total",
    "aurontek_gateway_plan_cache_total", "aurontek_gateway_websockets_open", "aurontek_gateway_subscriptions_open",
    "aurontek_gateway_slow_consumer_closes_total", "aurontek_gateway_http_responses_total",
    "aurontek_subgraph_requests_total", "aurontek_db_command_failures_total",
    "aurontek_outbox_pending", "aurontek_outbox_oldest_age_seconds",
    "aurontek_events_published_total", "aurontek_events_consumed_total", "aurontek_events_retried_total",
    "aurontek_events_dead_lettered_total", "aurontek_live_deliveries_total",
    "aurontek_mail_sent_total", "aurontek_mail_failures_total", "aurontek_mail_queue_depth",
    "aurontek_ia_queue_depth", "aurontek_ia_training_runs_total",
    *(f"{name}{suffix}" for name in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")),
})


def _promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(INSTALL_HINT)
    pytest.skip(INSTALL_HINT)


def _promtool_run(*arguments: str, cwd: Path = KIT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_promtool(), *arguments], cwd=cwd, capture_output=True, text=True, check=False)


def _rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load((KIT / "alerts.yml").read_text())["groups"] for rule in group["rules"]]


def _alert_tests() -> dict[str, Any]:
    return yaml.safe_load((KIT / "alerts.test.yml").read_text())


def _dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def exported() -> set[str]:
    """Every series name the services' code registers (a histogram's _bucket, _sum and _count; a counter's _total)."""
    names: set[str] = {"up"}
    for family in vars(metrics).values():
        describe = getattr(family, "describe", None)
        if describe is None or not getattr(family, "_name", "").startswith("aurontek_"):
            continue
        for metric in describe():
            if metric.type == "counter":
                names.add(f"{metric.name}_total")
            elif metric.type == "histogram":
                names.update(f"{metric.name}{suffix}" for suffix in ("_bucket", "_sum", "_count"))
            else:
                names.add(metric.name)
    return names


def names_in(expression: str) -> set[str]:
    """The metric names a PromQL expression reads (label values, which may look like names, left out)."""
    return set(re.findall(r"\b(aurontek_[a-z0-9_]+|up)\b", re.sub(r'"[^"]*"', '""', expression)))


def test_names_in_finds_metrics_and_ignores_label_values() -> None:
    expression = 'sum by (le) (rate(aurontek_a_bucket{code="aurontek_not_a_metric"}[5m])) / up'
    assert names_in(expression) == {"aurontek_a_bucket", "up"}


def test_the_contract_is_what_the_services_export() -> None:
    """A metric renamed in the code, or in the contract, fails here: the dashboards would go blank."""
    known = exported()
    assert sorted(CONTRACT - known) == [] and sorted(known - CONTRACT) == []


def test_promtool_accepts_the_rules_and_the_scrape_configuration() -> None:
    rules = _promtool_run("check", "rules", "alerts.yml")
    found = f"SUCCESS: {len(_rules())} rules found"
    assert rules.returncode == 0 and found in rules.stdout, rules.stdout + rules.stderr
    # not --syntax-only: the rule file the configuration names is found (beside it) and checked too
    config = _promtool_run("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    assert "SUCCESS: 1 rule files found" in config.stdout and "Checking alerts.yml" in config.stdout, config.stdout


def test_prometheus_scrapes_every_service_every_15_seconds() -> None:
    config = yaml.safe_load((KIT / "prometheus.yml").read_text())
    assert config["global"]["scrape_interval"] == "15s" and config["rule_files"] == ["alerts.yml"]
    scraped = {job["job_name"]: job for job in config["scrape_configs"]}
    assert tuple(scraped) == JOBS
    for name, job in scraped.items():
        assert job.get("metrics_path", "/metrics") == "/metrics", name
        assert job["static_configs"] == [{"targets": [f"{name}:{DEFAULT_PORTS[name]}"]}], name


def test_each_alert_fires_on_its_series_and_stays_silent_on_healthy_ones() -> None:
    run = _promtool_run("test", "rules", "alerts.test.yml")
    assert run.returncode == 0 and "SUCCESS" in run.stdout, run.stdout + run.stderr
    rules = {rule["alert"]: rule for rule in _rules()}
    cases = [case for test in _alert_tests()["tests"] for case in test["alert_rule_test"]]
    assert {case["alertname"] for case in cases if case["exp_alerts"]} == set(rules)
    assert {case["alertname"] for case in cases if not case["exp_alerts"]} == set(rules)
    for case in (case for case in cases if case["exp_alerts"]):
        rule = rules[case["alertname"]]
        for expected in case["exp_alerts"]:  # the exact alert an operator gets: labels and both texts
            assert expected["exp_labels"]["severity"] == rule["labels"]["severity"], case["alertname"]
            assert set(expected["exp_annotations"]) == {"summary", "description"}, case["alertname"]


def test_every_alert_says_how_bad_and_what_to_look_at() -> None:
    rules = _rules()
    assert {rule["alert"] for rule in rules} == {
        "AurontekGateway5xx", "AurontekGatewayErrorRatioHigh", "AurontekGatewayLatencyHigh", "AurontekOutboxStuck",
        "AurontekEventDeadLettered", "AurontekMailFailing", "AurontekServiceDown"}
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"] and len(rule["annotations"]["description"]) > 60, rule["alert"]
    latency = next(rule for rule in rules if rule["alert"] == "AurontekGatewayLatencyHigh")
    assert "histogram_quantile(0.99," in latency["expr"] and latency["expr"].rstrip().endswith("> 0.5")
    assert latency["for"] == "10m"


@pytest.mark.parametrize("alert", [rule["alert"] for rule in _rules()])
def test_the_alert_tests_fail_when_an_alert_does_not_fire(alert: str, tmp_path: Path) -> None:
    """Not vacuous: expecting silence where the alert fires makes promtool report a failure naming it."""
    shutil.copy(KIT / "alerts.yml", tmp_path / "alerts.yml")
    tests = copy.deepcopy(_alert_tests())
    firing = next(case for test in tests["tests"] for case in test["alert_rule_test"]
                  if case["alertname"] == alert and case["exp_alerts"])
    firing["exp_alerts"] = []
    (tmp_path / "alerts.test.yml").write_text(yaml.safe_dump(tests))
    run = _promtool_run("test", "rules", "alerts.test.yml", cwd=tmp_path)
    assert run.returncode != 0 and alert in run.stdout + run.stderr, run.stdout + run.stderr


def test_the_alert_tests_fail_when_a_threshold_is_loosened(tmp_path: Path) -> None:
    """The firing series sit near the thresholds: a p99 target of 5 s instead of 0.5 s is caught."""
    rules = (KIT / "alerts.yml").read_text()
    assert rules.count(") > 0.5\n") == 1
    (tmp_path / "alerts.yml").write_text(rules.replace(") > 0.5\n", ") > 5\n"))
    shutil.copy(KIT / "alerts.test.yml", tmp_path / "alerts.test.yml")
    run = _promtool_run("test", "rules", "alerts.test.yml", cwd=tmp_path)
    assert run.returncode != 0 and "AurontekGatewayLatencyHigh" in run.stdout + run.stderr


def test_a_missing_promtool_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="scripts/install"):
        _promtool()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="scripts/install"):
        _promtool()


def test_every_dashboard_panel_graphs_promql_from_the_provisioned_prometheus() -> None:
    dashboards = _dashboards()
    assert set(dashboards) == {"gateway.json", "events.json", "live.json", "mail.json", "ia.json"}
    assert len({dashboard["uid"] for dashboard in dashboards.values()}) == len(dashboards)
    for name, dashboard in dashboards.items():
        assert dashboard["title"] and 36 <= dashboard["schemaVersion"] <= 41, name
        assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"]), name
        for panel in dashboard["panels"]:
            where = (name, panel["title"])
            assert panel["type"] in ("timeseries", "stat") and panel["description"], where
            assert panel["datasource"]["uid"] == "prometheus" and set(panel["gridPos"]) == {"h", "w", "x", "y"}, where
            assert panel["targets"], where
            assert len({target["refId"] for target in panel["targets"]}) == len(panel["targets"]), where
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == "prometheus" and names_in(target["expr"]), where


def test_dashboards_and_alerts_read_only_metrics_of_the_contract() -> None:
    used: dict[str, set[str]] = {}
    for name, dashboard in _dashboards().items():
        for target in (target for panel in dashboard["panels"] for target in panel["targets"]):
            used.setdefault(name, set()).update(names_in(target["expr"]))
    for rule in _rules():
        used.setdefault("alerts.yml", set()).update(names_in(rule["expr"]))
    assert {name: sorted(names - CONTRACT) for name, names in used.items() if names - CONTRACT} == {}
    # each dashboard is about what its name says
    assert "aurontek_outbox_oldest_age_seconds" in used["events.json"]
    assert "aurontek_gateway_slow_consumer_closes_total" in used["live.json"]
    assert "aurontek_mail_failures_total" in used["mail.json"] and "aurontek_ia_queue_depth" in used["ia.json"]
    assert "aurontek_gateway_request_duration_seconds_bucket" in used["gateway.json"]


def test_the_datasources_are_the_ones_the_dashboards_name() -> None:
    sources = yaml.safe_load((KIT / "grafana" / "provisioning" / "datasources" / "datasources.yml").read_text())
    assert {source["uid"]: (source["type"], source["url"]) for source in sources["datasources"]} == {
        "prometheus": ("prometheus", "http://prometheus:9090"), "jaeger": ("jaeger", "http://jaeger:16686")}
    provider = yaml.safe_load((KIT / "grafana" / "provisioning" / "dashboards" / "dashboards.yml").read_text())
    assert provider["providers"][0]["type"] == "file"
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_the_collector_receives_otlp_and_sends_batched_traces_to_jaeger() -> None:
    collector = yaml.safe_load((KIT / "otel-collector.yaml").read_text())
    protocols = collector["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"].endswith(":4317") and protocols["http"]["endpoint"].endswith(":4318")
    assert collector["exporters"]["otlp/jaeger"] == {"endpoint": "jaeger:4317", "tls": {"insecure": True}}
    traces = collector["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"] and "batch" in traces["processors"]
    assert traces["exporters"] == ["otlp/jaeger"]  # the debug exporter is defined but off
    assert "debug" in collector["exporters"]


def test_the_compose_profile_runs_the_kit_from_these_files_and_publishes_nothing_public() -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    for name in PROFILE:
        service = services[name]
        assert service["profiles"] == ["observability"], name
        assert ":" in service["image"] and not service["image"].endswith(":latest"), name  # pinned
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists() and volume.endswith(":ro"), (name, volume)
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", [])), name
    mounted = {volume.split(":")[0] for name in PROFILE for volume in services[name].get("volumes", [])}
    for path in ("otel-collector.yaml", "prometheus.yml", "alerts.yml", "grafana/dashboards"):
        assert f"./deploy/observability/{path}" in mounted, path
    for name in (name for name, service in services.items() if "observability" not in service.get("profiles", [])):
        assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in str(service.get("environment")), name  # tracing off by default


def test_jaeger_keeps_its_spans_where_its_unprivileged_user_may_write() -> None:
    """jaegertracing/all-in-one runs as uid 10001 and only its /tmp (mode 1777) is writable: a named volume mounted
    there takes that mode; anywhere else it is root's and Badger stops at start on "permission denied"."""
    jaeger = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["jaeger"]
    assert jaeger["volumes"] == ["jaeger-data:/tmp"]
    environment = jaeger["environment"]
    assert environment["SPAN_STORAGE_TYPE"] == "badger" and environment["BADGER_EPHEMERAL"] == "false"
    for key in ("BADGER_DIRECTORY_VALUE", "BADGER_DIRECTORY_KEY"):
        assert environment[key].startswith("/tmp/"), key


def test_the_proxy_never_serves_metrics_to_the_internet() -> None:
    conf = (ROOT / "deploy" / "nginx" / "templates" / "default.conf.template").read_text()
    assert "location = /metrics { return 404; }" in conf
    config = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "base" / "config.yaml").read_text().split("---")[0])
    assert config["data"]["METRICS_LISTEN"] == "0.0.0.0:9464"  # behind the ingress, only the metrics port has them
