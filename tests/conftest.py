"""Shared fixtures: real files in tmp_path, the fake GitHub server, the built site."""

from __future__ import annotations

pytest_plugins = ["tests.fakegithub.plugin", "tests.fakeslack.plugin"]
