"""`handbook protect apply|audit`: branch protection through the API; `handbook signoff audit`
(alias `protect merges`): merges that bypassed sign-off."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.commands import main
from generator.github.protection import SIGNOFF_CHECK, audit, desired
from generator.signoff.ledger import Ledger, MergedChange, SignOff, save_ledger
from tests.fakegithub import FakeGitHub
from tests.workflows.protection import environments, protections, reported

REPO = "acme/handbook"
APP_ID = 424242


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    for name in ("GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_STEP_SUMMARY", "HANDBOOK_SIGNOFF_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("HANDBOOK_GITHUB_BACKOFF", "0")


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo("acme", "handbook")
    return fake_github


def protect(fake: FakeGitHub, action: str, *extra: str) -> int:
    return main(["protect", action, "--repo", REPO, "--api-url", fake.base_url, *extra])


def gaps(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("✗")]


def test_an_unprotected_branch_fails_the_audit(fake, capsys):
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 1
    assert gaps(capsys.readouterr().out) == [
        "✗ branch protection: none (want a protection rule on the branch)",
        "✗ environment signoff: none (want an environment holding the key)",
    ]


def test_apply_then_audit_is_clean(fake, capsys):
    assert protect(fake, "apply", "--app-id", str(APP_ID)) == 0
    capsys.readouterr()
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 0
    out = capsys.readouterr().out
    assert gaps(out) == []
    assert f"✓ required check {SIGNOFF_CHECK}: from app {APP_ID}" in out


def test_apply_sends_the_settings_the_readme_lists(fake):
    protect(fake, "apply", "--app-id", str(APP_ID))
    [put] = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/protection")]
    assert put.path == "/repos/acme/handbook/branches/main/protection"
    reviews = put.json["required_pull_request_reviews"]
    assert reviews["dismiss_stale_reviews"] and reviews["require_last_push_approval"]
    assert reviews["require_code_owner_reviews"]
    assert reviews["bypass_pull_request_allowances"] == {"users": [], "teams": [], "apps": []}
    assert put.json["enforce_admins"] is True
    assert {"context": SIGNOFF_CHECK, "app_id": APP_ID} in put.json["required_status_checks"]["checks"]


def test_a_sign_off_check_any_source_may_set_is_a_gap(fake, capsys):
    settings = desired(APP_ID)
    settings["required_status_checks"] = {"strict": True, "contexts": [SIGNOFF_CHECK, "validate documents"]}
    protections(fake)[(REPO, "main")] = reported(settings)
    environments(fake)[(REPO, "signoff")] = {
        "rule": {"protected_branches": False, "custom_branch_policies": True},
        "policies": [{"id": 1, "name": "main", "type": "branch"}],
    }
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 1
    assert gaps(capsys.readouterr().out) == [
        f"✗ required check {SIGNOFF_CHECK}: from any source (want from the sign-off App ({APP_ID}))"
    ]


@pytest.mark.parametrize(
    ("setting", "value", "gap"),
    [
        ("dismiss_stale_reviews", False, "✗ dismiss stale approvals on push: off (want on)"),
        ("require_last_push_approval", False, "✗ approval of the last push: off (want on)"),
        ("require_code_owner_reviews", False, "✗ review from code owners: off (want on)"),
        (
            "bypass_pull_request_allowances",
            {"users": ["boss"]},
            "✗ no bypass of pull requests: boss (want nobody)",
        ),
    ],
)
def test_each_loosened_review_setting_is_reported(setting, value, gap):
    settings = desired(APP_ID)
    settings["required_pull_request_reviews"][setting] = value
    found = [f.text() for f in audit(reported(settings), APP_ID) if not f.ok]
    assert found == [gap]


def test_admins_exempt_from_the_rules_is_a_gap():
    settings = desired(APP_ID)
    settings["enforce_admins"] = False
    assert [f.text() for f in audit(reported(settings), APP_ID) if not f.ok] == [
        "✗ rules apply to admins: off (want on)"
    ]


def test_apply_without_the_app_id_is_a_usage_error(fake, capsys):
    assert protect(fake, "apply") == 2
    assert "--app-id" in capsys.readouterr().err
    assert not [r for r in fake.requests if r.method == "PUT"]


def test_apply_dry_run_prints_the_settings_and_changes_nothing(fake, capsys):
    assert protect(fake, "apply", "--app-id", str(APP_ID), "--dry-run") == 0
    assert json.loads(capsys.readouterr().out) == desired(APP_ID)
    assert fake.requests == []


def test_a_token_without_admin_rights_gets_a_clear_message_and_exit_3(fake, capsys):
    fake.fail(r"GET /repos/acme/handbook/branches/main/protection", 403)
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 3
    assert "Administration: read" in capsys.readouterr().err


def test_a_github_outage_is_exit_3(fake, capsys):
    fake.fail(r"PUT /repos/acme/handbook/branches/main/protection", 502)
    assert protect(fake, "apply", "--app-id", str(APP_ID)) == 3
    assert "GitHub" in capsys.readouterr().err


# --- merges that bypassed sign-off ------------------------------------------------------------------

MERGED = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)


def ledger_with(tmp_path, *changes: MergedChange):
    ledger = Ledger(repository=REPO, documents={"reviews/tr-0001-acme.md": list(changes)})
    path = tmp_path / "ledger.json"
    save_ledger(ledger, path)
    return path


def change(number: int, *, missing: list[str], title: str = "Approve TR-0001") -> MergedChange:
    return MergedChange(
        pull_request=number,
        title=title,
        url=f"https://github.com/{REPO}/pull/{number}",
        author="cedric",
        merged_at=MERGED,
        required=["product", "ce-vp"],
        signoffs=[SignOff(role="product", login="pat", approved_at=MERGED)],
        missing=missing,
    )


def test_a_bypassed_merge_is_flagged_as_a_warning_annotation(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    path = ledger_with(tmp_path, change(3, missing=[]), change(5, missing=["ce-vp"], title="Sneak | it `in`"))
    assert main(["protect", "merges", "--ledger", str(path), "--format", "github"]) == 0
    out = capsys.readouterr().out
    [warning] = [line for line in out.splitlines() if line.startswith("::warning")]
    assert "file=reviews/tr-0001-acme.md" in warning
    assert "pull request #5 was merged on 2026-01-12 without ce-vp" in warning
    assert "#3" not in out
    assert "| #5 Sneak \\| it \\`in\\` | 2026-01-12 | ce-vp |" in summary.read_text()


def test_a_ledger_without_bypasses_says_so(tmp_path, capsys):
    path = ledger_with(tmp_path, change(3, missing=[]))
    assert main(["protect", "merges", "--ledger", str(path)]) == 0
    assert "every merge carried its sign-offs" in capsys.readouterr().out


def test_a_missing_or_broken_ledger_is_a_usage_error(tmp_path, capsys):
    assert main(["protect", "merges", "--ledger", str(tmp_path / "none.json")]) == 2
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["protect", "merges", "--ledger", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert "no sign-off ledger" in err and "not a valid sign-off ledger" in err


def test_the_signoff_environment_open_to_any_branch_is_a_gap(fake, capsys):
    protect(fake, "apply", "--app-id", str(APP_ID))
    capsys.readouterr()
    environments(fake)[("acme/handbook", "signoff")]["rule"] = None
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 1
    assert gaps(capsys.readouterr().out) == [
        "✗ environment signoff deployment branches: any branch (want main only)"
    ]


def test_the_signoff_environment_open_to_another_branch_is_a_gap(fake, capsys):
    protect(fake, "apply", "--app-id", str(APP_ID))
    capsys.readouterr()
    environments(fake)[("acme/handbook", "signoff")]["policies"].append(
        {"id": 9, "name": "release/*", "type": "branch"}
    )
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 1
    assert gaps(capsys.readouterr().out) == [
        "✗ environment signoff deployment branches: main, release/* (want main only)"
    ]


def test_a_missing_signoff_environment_is_a_gap(fake, capsys):
    protect(fake, "apply", "--app-id", str(APP_ID))
    capsys.readouterr()
    environments(fake).clear()
    assert protect(fake, "audit", "--app-id", str(APP_ID)) == 1
    assert "✗ environment signoff: none" in capsys.readouterr().out


def test_signoff_audit_is_the_ledger_audit_and_protect_merges_its_old_spelling(tmp_path, capsys):
    path = ledger_with(tmp_path, change(5, missing=["ce-vp"]))
    assert main(["signoff", "audit", "--ledger", str(path)]) == 0
    new = capsys.readouterr().out
    assert main(["protect", "merges", "--ledger", str(path)]) == 0
    assert capsys.readouterr().out == new
    assert "pull request #5 was merged on 2026-01-12 without ce-vp" in new
