"""The cluster deployment (deploy/kubernetes): `kubectl kustomize` builds the production overlay, every object
validates against the Kubernetes schemas (strictly: an unknown field is an error), and it keeps the promises the
README makes of it: probes, resources, secrets only referenced, autoscaled gateway and chat, disruption budgets,
WebSocket timeouts at the ingress."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"
VERSION = "1.32.0"  # the oldest minor version still supported when this was written
SERVICES = {"users": 3001, "tickets": 3002, "chat": 3003, "notifications": 3004, "ia": 3005, "gateway": 3000}


def _built(overlay: Path) -> list[dict[str, Any]]:
    if shutil.which("kubectl") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("kubectl is needed to build the kustomization")
        pytest.skip("kubectl is not installed here")
    built = subprocess.run(["kubectl", "kustomize", str(overlay)], check=True, capture_output=True, text=True,
                           timeout=120).stdout
    return [document for document in yaml.safe_load_all(built) if document]


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    return _built(KUBERNETES / "overlays" / "production")


def _of(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


@pytest.mark.parametrize("overlay", ["base", "overlays/production"])
def test_every_object_validates_against_the_kubernetes_schema(overlay: str) -> None:
    objects = _built(KUBERNETES / overlay)
    assert objects
    for item in objects:
        kubernetes_validate.validate(item, VERSION, strict=True)


def test_a_broken_object_is_caught_by_the_schema() -> None:
    broken = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
              "spec": {"replicas": "two", "selector": {}, "template": {}}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_each_service_runs_with_probes_resources_and_referenced_secrets(production: list[dict[str, Any]]) -> None:
    deployments = _of(production, "Deployment")
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["args"] == [name]
        assert container["image"].startswith("aurontek/aurontek-ia:" if name == "ia" else "aurontek/aurontek:")
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"]
        assert {"secretRef": {"name": "aurontek-secrets"}} in container["envFrom"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
        assert port == SERVICES[name]
    assert not _of(production, "Secret"), "secrets are referenced, never kept in the repository"
    config = _of(production, "ConfigMap")["aurontek-config"]["data"]
    assert not any(word in key for key in config for word in ("PASSWORD", "SECRET", "MONGODB_URL")), config


def test_it_survives_a_drained_node_and_grows_with_the_load(production: list[dict[str, Any]]) -> None:
    deployments, budgets = _of(production, "Deployment"), _of(production, "PodDisruptionBudget")
    autoscaled = {h["spec"]["scaleTargetRef"]["name"]: h for h in _of(production, "HorizontalPodAutoscaler").values()}
    assert set(autoscaled) == {"gateway", "chat"}
    assert all(h["spec"]["minReplicas"] >= 2 for h in autoscaled.values())
    for name in set(SERVICES) - {"ia", *autoscaled}:
        assert deployments[name]["spec"]["replicas"] >= 2, name
    assert set(budgets) == set(SERVICES)
    assert deployments["ia"]["spec"]["strategy"]["type"] == "Recreate"  # one replica owns the model volume
    assert all(o["metadata"]["namespace"] == "aurontek" for o in production if o["kind"] != "Namespace")


def test_the_ingress_keeps_websockets_open_and_points_at_the_gateway(production: list[dict[str, Any]]) -> None:
    ingress = _of(production, "Ingress")["aurontek"]
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == "helpdesk.aurontek.example"
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "gateway"
