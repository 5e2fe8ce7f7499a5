"""The sign-off policy is read strictly and every fault is reported at its line, like documents."""

from __future__ import annotations

import pytest

from generator.signoff.policy import PolicyError, parse_policy, path_matches
from tests.signoff.builders import ROOT, shipped_policy

MINIMAL = """\
version: 1
organization: acme
roles:
  ce-vp:
    teams: [ce-vp]
rules:
  - name: approval
    kind: review
    to: [approved]
    require: [ce-vp]
"""


def faults(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.encode(), "policy.yml")
    return [d.text() for d in caught.value.diagnostics]


def test_the_shipped_policy_is_valid_and_names_every_role_of_the_domain():
    policy = shipped_policy()
    assert {
        "product", "engineering", "support", "peer-ce", "ce-vp", "vp-engineering", "sales-vp",
        "ce-leadership", "ae-leadership", "ce-manager", "signoff-admins",
    } <= set(policy.roles)  # fmt: skip
    assert policy.roles["peer-ce"].from_document == "peer_reviewer"


def test_a_minimal_policy_reads():
    policy = parse_policy(MINIMAL.encode())
    assert policy.team("ce-vp") == "acme/ce-vp"
    assert policy.one_role_per_person


def test_a_misspelt_field_is_reported_at_its_line_with_a_suggestion():
    assert faults(MINIMAL.replace("    teams: [ce-vp]", "    teems: [ce-vp]")) == [
        "policy.yml:5:5: roles.ce-vp.teems: unknown field 'teems' (did you mean 'teams'?)"
    ]


def test_a_rule_requiring_an_undefined_role_is_reported_at_the_role():
    assert faults(MINIMAL.replace("require: [ce-vp]", "require: [ce-vpp]")) == [
        "policy.yml:10:15: rules[0].require[0]: no role is called 'ce-vpp' (did you mean 'ce-vp'?)"
    ]


def test_a_team_without_an_organization_is_reported():
    text = MINIMAL.replace("organization: acme\n", "")
    assert faults(text) == [
        "policy.yml:4:13: roles.ce-vp.teams[0]: team 'ce-vp' has no organization "
        "(write it as org/team-slug, or set organization: at the top)"
    ]


def test_from_document_must_name_a_field_that_holds_a_person():
    text = MINIMAL.replace("    teams: [ce-vp]", "    from_document: peer_reviewr")
    assert faults(text) == [
        "policy.yml:5:20: roles.ce-vp.from_document: 'peer_reviewr' is not a document field that names "
        "a person (did you mean 'peer_reviewer'?)"
    ]


def test_review_conditions_on_an_account_rule_are_reported():
    text = MINIMAL.replace("kind: review", "kind: account")
    assert "to, status, from and require_if_asked apply to tech reviews" in faults(text)[0]


def test_a_rule_that_applies_to_nothing_is_reported():
    text = MINIMAL.replace("    kind: review\n    to: [approved]\n", "")
    assert "applies to nothing" in faults(text)[0]


def test_an_unknown_status_is_reported_with_the_choices():
    assert "'approve'" in faults(MINIMAL.replace("to: [approved]", "to: [approve]"))[0]


def test_yaml_anchors_are_refused_like_in_documents():
    text = MINIMAL.replace("teams: [ce-vp]", "teams: &t [ce-vp]")
    assert faults(text) == [
        "policy.yml:5:12: YAML anchors (&t) are not allowed (write the value out in full)"
    ]


def test_broken_yaml_is_reported_at_its_line():
    assert faults(MINIMAL.replace("rules:", "rules: ["))[0].startswith("policy.yml:")


def test_text_that_is_not_utf8_is_reported():
    with pytest.raises(PolicyError) as caught:
        parse_policy(b"version: 1\nroles: \xff\n", "policy.yml")
    assert "not UTF-8" in caught.value.diagnostics[0].message


def test_the_command_checks_a_policy_file(tmp_path, capsys):
    from generator.commands import main

    bad = tmp_path / "policy.yml"
    bad.write_text(MINIMAL.replace("require: [ce-vp]", "require: [nobody]"), encoding="utf-8")
    assert main(["signoff", "policy", str(bad)]) == 1
    assert "no role is called 'nobody'" in capsys.readouterr().out
    assert main(["signoff", "policy", str(ROOT / ".github/signoff-policy.yml")]) == 0


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        (".github/workflows/signoff.yml", ".github/**", True),
        ("generator/signoff/engine.py", "generator/signoff/**", True),
        ("docs/CODEOWNERS", "CODEOWNERS", False),
        ("reviews/tr-0001.md", "reviews/*.md", True),
        ("reviews/old/tr-0001.md", "reviews/*.md", False),
        ("a/b/CODEOWNERS", "**/CODEOWNERS", True),
    ],
)
def test_path_patterns(path, pattern, expected):
    assert path_matches(path, [pattern]) is expected


def test_a_value_of_the_wrong_kind_is_said_as_in_documents():
    text = MINIMAL.replace("    kind: review\n    to: [approved]\n", "    kind: account\n    tier: [gold]\n")
    assert faults(text) == ["policy.yml:9:12: rules[0].tier[0]: 'gold' is not a whole number"]


def test_a_missing_field_says_what_to_add():
    text = MINIMAL.replace("  - name: approval\n    kind: review\n", "  - kind: review\n")
    assert faults(text) == ["policy.yml:7:5: rules[0].name: required field 'name' is missing (add name: ...)"]


def test_an_unknown_field_of_a_rule_lists_the_fields_as_written():
    text = MINIMAL.replace("    to: [approved]\n", "    form: [draft]\n")
    assert faults(text) == ["policy.yml:9:5: rules[0].form: unknown field 'form' (did you mean 'from'?)"]
