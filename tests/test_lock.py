"""The hash-locked install of the privileged jobs: requirements/signoff.txt matches pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "signoff.txt"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s\\;]+)")


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes), from pip-compile's output."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        pin = _PIN.match(line)
        if pin:
            current = canonicalize_name(pin["name"])
            entries[current] = (pin["version"], [])
        elif current and "--hash=sha256:" in line:
            entries[current][1].append(line.split("--hash=sha256:")[1].strip(" \\"))
    return entries


def test_every_dependency_of_the_package_is_locked_at_a_version_it_allows():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    pins = locked()
    for text in dependencies:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {LOCK.name}: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{requirement.name}=={pins[name][0]} does not satisfy {requirement.specifier}: run `make lock`"
        )


def test_every_locked_package_carries_hashes():
    pins = locked()
    assert len(pins) > 20
    for name, (_, hashes) in pins.items():
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name


def test_the_build_backend_is_locked_too():
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    pins = locked()
    for text in backend:
        assert canonicalize_name(Requirement(text).name) in pins


@pytest.mark.parametrize("workflow", ["signoff.yml", "publish.yml", "remind.yml"])
def test_jobs_that_hold_a_key_or_a_write_token_install_only_from_the_lock(workflow):
    data = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            script = str(step.get("run") or "")
            for line in script.splitlines():
                if "pip install" in line:
                    hashed = "--require-hashes -r requirements/signoff.txt" in line
                    local_only = "--no-deps" in line and "--no-build-isolation" in line
                    assert hashed or local_only, f"{workflow}: {line.strip()}"
