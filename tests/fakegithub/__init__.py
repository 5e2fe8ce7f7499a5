"""A fake GitHub REST server for tests: drive the real PyGithub client against `FakeGitHub().base_url`."""

from tests.fakegithub.faults import PRIMARY_RATE_LIMIT, SECONDARY_RATE_LIMIT, Fault
from tests.fakegithub.scenario import fake_sha
from tests.fakegithub.server import FakeGitHub, RecordedRequest
from tests.fakegithub.state import PullFile

__all__ = [
    "PRIMARY_RATE_LIMIT",
    "SECONDARY_RATE_LIMIT",
    "FakeGitHub",
    "Fault",
    "PullFile",
    "RecordedRequest",
    "fake_sha",
]
