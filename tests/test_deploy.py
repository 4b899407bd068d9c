"""docker-compose.yml and the Dockerfile: the services an operator gets, checked without a Docker engine."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from typing import Any

import pytest
import yaml

from bots.settings_doc import settings_rows
from tests.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_app_worker_and_their_stores_with_healthchecks() -> None:
    services = _compose()["services"]
    assert {"app", "worker", "redis", "postgres", "chroma"} <= set(services)
    assert services["app"]["command"] == ["kkini", "serve"]
    assert services["worker"]["command"] == ["kkini", "worker"]
    assert services["chroma"]["profiles"] == ["chroma"]
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    for name in ("app", "worker"):
        env = services[name]["environment"]
        assert env["KKINI_DATABASE__URL"].startswith("postgresql+asyncpg://")
        assert env["KKINI_REDIS__URL"].startswith("redis://")
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}


def test_every_variable_compose_passes_is_a_real_setting() -> None:
    """A misspelt name would be ignored silently by the settings loader; catch it here."""
    known = {name for name, _, _ in settings_rows()}
    text = COMPOSE.read_text(encoding="utf-8")
    used = set(re.findall(r"\b(KKINI_[A-Z0-9_]+)\b", text))
    assert used and used <= known, sorted(used - known)


def test_the_image_installs_the_lock_file_and_runs_as_a_user() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --locked --no-dev" in dockerfile
    assert re.search(r"^USER kkini$", dockerfile, re.MULTILINE)
    packages = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    for package in packages["packages"]:
        assert f"COPY {package} ./{package}" in dockerfile, f"the image lacks the {package} package"


def _compose_client() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_accepts_the_file() -> None:
    client = _compose_client()
    if client is None:
        pytest.skip("no docker compose client on this machine; the structure is checked by the tests above")
    for profile in ([], ["--profile", "chroma"]):
        result = subprocess.run(
            [*client, "-f", str(COMPOSE), *profile, "config", "-q"], capture_output=True, text=True, cwd=REPO_ROOT
        )
        assert result.returncode == 0, result.stderr
