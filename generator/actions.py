"""Talking to GitHub Actions from a step: workflow commands (annotations) and the job summary."""

from __future__ import annotations

import os
from collections.abc import Mapping


def escape_data(value: str) -> str:
    """A workflow command's message, one line whatever it holds (actions/toolkit command.ts)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value (file=, title=): its separators escaped too."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str, **properties: str | int) -> str:
    """`::name key=value,...::message`, e.g. an `error` or `warning` annotation."""
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + shown if shown else ''}::{escape_data(message)}"


def append_step_summary(markdown: str, env: Mapping[str, str] = os.environ) -> None:
    """Add Markdown to the Actions job summary, when running in Actions (a no-op elsewhere)."""
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(markdown)
