"""The `notifications:` section of handbook.yml: read strictly, with positions; off when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.notify.settings import EventKind, Notifications, SettingsError, read_notifications

GOOD = """\
fiscal_year_start: 2
notifications:
  enabled: true
  channels:
    tech-reviews:
      webhook_env: SLACK_WEBHOOK_TECH_REVIEWS
    red-accounts:
      webhook_env: SLACK_WEBHOOK_RED_ACCOUNTS
  routes:
    review-in-review: [tech-reviews]
    review-decided: [tech-reviews]
    account-red: [red-accounts]
    account-left-red: [red-accounts]
    renewal-window: [red-accounts]
    overdue-digest: [tech-reviews]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handbook.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_configuration_file_means_notifications_are_off(tmp_path):
    settings = read_notifications(tmp_path / "handbook.yml")
    assert settings == Notifications()
    assert settings.enabled is False
    assert settings.channels_for(EventKind.REVIEW_DECIDED) == []


def test_a_file_without_the_section_means_notifications_are_off(tmp_path):
    settings = read_notifications(write(tmp_path, "fiscal_year_start: 2\nholidays: [2026-12-25]\n"))
    assert settings.enabled is False


def test_the_section_routes_each_event_to_its_channels_and_other_keys_are_left_alone(tmp_path):
    settings = read_notifications(write(tmp_path, GOOD))
    assert settings.enabled is True
    assert [c.name for c in settings.channels_for(EventKind.ACCOUNT_RED)] == ["red-accounts"]
    assert settings.channels_for(EventKind.REVIEW_DECIDED)[0].webhook_env == "SLACK_WEBHOOK_TECH_REVIEWS"


def test_a_route_to_an_undefined_channel_is_reported_at_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("account-red: [red-accounts]", "account-red: [red-acounts]"))
    with pytest.raises(SettingsError) as caught:
        read_notifications(path)
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (12, 19)
    assert problem.field == "notifications.routes.account-red[0]"
    assert "'red-acounts' is not a channel" in problem.message
    assert "red-accounts" in problem.hint


def test_an_unknown_event_name_is_reported_with_the_known_ones(tmp_path):
    path = write(tmp_path, GOOD.replace("account-left-red:", "account-green:"))
    with pytest.raises(SettingsError) as caught:
        read_notifications(path)
    [problem] = caught.value.diagnostics
    assert problem.line == 13 and problem.field == "notifications.routes.account-green"
    assert "review-decided" in problem.hint


def test_a_webhook_must_come_from_a_slack_webhook_secret_not_any_variable(tmp_path):
    path = write(tmp_path, GOOD.replace("SLACK_WEBHOOK_RED_ACCOUNTS", "GITHUB_TOKEN"))
    with pytest.raises(SettingsError) as caught:
        read_notifications(path)
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.field) == (8, "notifications.channels.red-accounts.webhook_env")
    assert "SLACK_WEBHOOK_" in problem.message


def test_a_webhook_address_written_into_the_repository_is_refused(tmp_path):
    address = "webhook: https://hooks.slack.com/services/T/B/x"
    path = write(tmp_path, GOOD.replace("webhook_env: SLACK_WEBHOOK_TECH_REVIEWS", address))
    with pytest.raises(SettingsError) as caught:
        read_notifications(path)
    missing, unknown = caught.value.diagnostics
    assert unknown.field == "notifications.channels.tech-reviews.webhook" and unknown.line == 6
    assert "unknown field" in unknown.message and "webhook_env" in unknown.hint
    assert missing.field == "notifications.channels.tech-reviews.webhook_env" and missing.line == 5


def test_a_yes_no_that_is_not_one_is_reported(tmp_path):
    with pytest.raises(SettingsError) as caught:
        read_notifications(write(tmp_path, "notifications:\n  enabled: maybe\n"))
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column, problem.field) == (2, 12, "notifications.enabled")
    assert "true or false" in problem.hint


def test_broken_yaml_is_one_positioned_error(tmp_path):
    with pytest.raises(SettingsError) as caught:
        read_notifications(write(tmp_path, "notifications:\n  enabled: [true\n"))
    [problem] = caught.value.diagnostics
    assert problem.path.endswith("handbook.yml") and problem.line >= 2


def test_the_section_must_be_a_mapping(tmp_path):
    with pytest.raises(SettingsError) as caught:
        read_notifications(write(tmp_path, "notifications: yes\n"))
    [problem] = caught.value.diagnostics
    assert problem.line == 1 and problem.field == "notifications"


def test_a_channel_named_twice_in_a_route_gets_the_event_once(tmp_path):
    text = GOOD.replace("review-decided: [tech-reviews]", "review-decided: [tech-reviews, tech-reviews]")
    settings = read_notifications(write(tmp_path, text))
    assert [c.name for c in settings.channels_for(EventKind.REVIEW_DECIDED)] == ["tech-reviews"]


def test_a_channel_has_no_settings_but_its_webhook_secret(tmp_path):
    text = GOOD.replace(
        "      webhook_env: SLACK_WEBHOOK_TECH_REVIEWS\n",
        "      webhook_env: SLACK_WEBHOOK_TECH_REVIEWS\n      name: x\n",
    )
    with pytest.raises(SettingsError) as caught:
        read_notifications(write(tmp_path, text))
    [problem] = caught.value.diagnostics
    assert problem.field == "notifications.channels.tech-reviews.name" and problem.line == 7
