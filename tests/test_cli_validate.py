"""`handbook validate`: exit codes, the three output formats, the step summary, paths given."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.commands import main

BASE = Path(__file__).parent / "corpus" / "base"
GLOBEX = "accounts/globex.md"
TR1 = "reviews/tr-0001-acme-air-gapped.md"
TR2 = "reviews/tr-0002-globex-support-risk.md"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return root


def edit(repo: Path, relative: str, old: str, new: str) -> None:
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def break_three_fields_in_two_files(repo: Path) -> None:
    edit(repo, TR2, "status: draft", "status: nope")
    edit(repo, TR2, "moment: pre-sales", "moment: later")
    edit(repo, GLOBEX, "tier: 3", "tier: 9")


# --- exit codes and the text format ---------------------------------------------------------------


def test_a_valid_repository_exits_0_with_the_summary(repo: Path, capsys) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "4 documents checked, no errors\n"


def test_an_invalid_repository_exits_1_with_sorted_lines_and_the_summary(repo: Path, capsys) -> None:
    break_three_fields_in_two_files(repo)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{GLOBEX}:4:7: tier: '9' is above the maximum 3",
        f"{TR2}:5:9: moment: 'later' is not one of 'pre-sales', 'pre-production' or 'post-sales'",
        f"{TR2}:13:9: status: 'nope' is not one of 'draft', 'in-review', 'approved', 'denied' or 'withdrawn'",
        "4 documents checked, 3 errors in 2 files",
    ]


def test_the_summary_speaks_in_the_singular_for_one(repo: Path, capsys) -> None:
    edit(repo, TR2, "status: draft", "status: nope")
    assert main(["validate", TR2]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 document checked, 1 error in 1 file"


def test_an_unknown_path_is_a_usage_error_exit_2(repo: Path, capsys) -> None:
    assert main(["validate", "reviews/tr-9999-nothing.md"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "handbook: error: reviews/tr-9999-nothing.md: no such file or folder\n")


def test_an_unknown_format_is_a_usage_error_exit_2(repo: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--format", "xml"])
    assert stopped.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_a_folder_given_means_the_documents_in_it(repo: Path, capsys) -> None:
    break_three_fields_in_two_files(repo)
    assert main(["validate", "accounts"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "2 documents checked, 1 error in 1 file"


def test_root_points_at_another_repository(repo: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    edit(repo, TR2, "status: draft", "status: nope")
    assert main(["validate", "--root", "repo"]) == 1
    assert capsys.readouterr().out.startswith("repo/reviews/tr-0002-globex-support-risk.md:13:9: status:")


@pytest.mark.parametrize("spelling", [f"reviews/../{TR2}", f"./{TR2}", "ABSOLUTE"])
def test_a_file_is_checked_however_its_path_is_spelled(repo: Path, spelling: str, capsys) -> None:
    edit(repo, TR2, "status: draft", "status: nope")
    given = str(repo / TR2) if spelling == "ABSOLUTE" else spelling
    assert main(["validate", given]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 document checked, 1 error in 1 file"


def test_a_file_given_from_a_subfolder_is_checked(repo: Path, monkeypatch, capsys) -> None:
    edit(repo, TR2, "status: draft", "status: nope")
    monkeypatch.chdir(repo / "reviews")
    assert main(["validate", "--root", "..", Path(TR2).name]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "../reviews/tr-0002-globex-support-risk.md:13:9: status: 'nope' is not one of "
        "'draft', 'in-review', 'approved', 'denied' or 'withdrawn'",
        "1 document checked, 1 error in 1 file",
    ]


def test_a_link_to_a_device_given_by_name_is_refused_with_a_message_not_read(repo: Path, capsys) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (repo / "reviews" / "tr-0003-zero.md").symlink_to("/dev/zero")
    assert main(["validate", "reviews/tr-0003-zero.md"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "reviews/tr-0003-zero.md:1:1: this is a symbolic link; documents and the files beside them must be "
        "regular files in the repository (replace the link with a copy of the file)",
        "1 document checked, 1 error in 1 file",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_given_by_name_is_refused_without_waiting_for_a_writer(repo: Path, capsys) -> None:
    os.mkfifo(repo / "reviews" / "tr-0003-pipe.md")
    os.mkfifo(repo / "reviews" / "diagram.png")
    assert main(["validate", "reviews/tr-0003-pipe.md", "reviews/diagram.png"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "reviews/diagram.png:1:1: this is a pipe, not a file (remove or rename it)",
        "reviews/tr-0003-pipe.md:1:1: this is a pipe, not a document file (remove or rename it)",
        "1 document checked, 2 errors in 2 files",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_folder_given_means_everything_in_it_pipes_links_and_pictures_too(repo: Path, capsys) -> None:
    os.mkfifo(repo / "reviews" / "tr-0003-pipe.md")
    (repo / "reviews" / "img").mkdir()
    (repo / "reviews" / "img" / "notes.html").write_text("<script>alert(1)</script>")
    (repo / "reviews" / "img" / "p.png").symlink_to("/etc/passwd")
    assert main(["validate", "reviews"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "reviews/img/notes.html:1:1: files of type .html are not published (the site publishes PNG, JPEG, "
        "GIF, WebP and AVIF images, PDF, and SVG that only draws; link anything else)",
        "reviews/img/p.png:1:1: this is a symbolic link; documents and the files beside them must be regular "
        "files in the repository (replace the link with a copy of the file)",
        "reviews/tr-0003-pipe.md:1:1: this is a pipe, not a document file (remove or rename it)",
        "3 documents checked, 3 errors in 3 files",
    ]


def test_a_file_beside_the_documents_given_by_name_is_checked(repo: Path, capsys) -> None:
    (repo / "accounts" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    assert main(["validate", "accounts/logo.svg"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "accounts/logo.svg:1:1: the SVG has an 'onload' attribute, which runs script; an SVG on the site may "
        "only draw (remove it)",
        "0 documents checked, 1 error in 1 file",
    ]


def test_control_characters_from_a_document_are_shown_escaped(repo: Path, capsys) -> None:
    edit(repo, GLOBEX, "ae: gina-ae", 'ae: "gina\\e[2J\\nx"')
    assert main(["validate"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"{GLOBEX}:7:5: ae: 'gina\\x1b[2J\\nx' is not a GitHub handle")


# --- --format github ------------------------------------------------------------------------------


def test_github_format_prints_one_workflow_command_per_error(repo: Path, capsys) -> None:
    break_three_fields_in_two_files(repo)
    assert main(["validate", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"::error file={GLOBEX},line=4,col=7,title=tier::'9' is above the maximum 3"
    assert [line.split(",")[1] for line in lines[:3]] == ["line=4", "line=5", "line=13"]
    assert lines[-1] == "4 documents checked, 3 errors in 2 files"


def test_github_format_escapes_percent_signs_and_line_breaks_in_the_message(repo: Path, capsys) -> None:
    edit(repo, GLOBEX, "ae: gina-ae", 'ae: "50% off\\nnow"')
    assert main(["validate", "--format", "github"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        f"::error file={GLOBEX},line=7,col=5,title=ae::'50%25 off\\nnow' is not a GitHub handle "
        "(letters, digits and single hyphens, at most 39)"
    )


def test_github_format_escapes_a_path_with_commas_and_colons(repo: Path, capsys) -> None:
    weird = "reviews/tr-0003-a,b:c.md"
    shutil.copy(repo / TR2, repo / weird)
    assert main(["validate", "--format", "github", weird]) == 1
    out = capsys.readouterr().out
    assert "\n::error file=reviews/tr-0003-a%2Cb%3Ac.md,line=2,col=5,title=id::" in out


def test_github_format_appends_a_markdown_table_to_the_step_summary(repo: Path, monkeypatch, capsys) -> None:
    summary = repo.parent / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    edit(repo, TR2, "status: draft", "status: a|b")
    assert main(["validate", "--format", "github"]) == 1
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## ❌ Handbook validation\n")
    assert "| file | line | field | problem |" in written
    assert f"| `{TR2}` | 13 | status | 'a\\|b' is not one of" in written


def test_github_format_on_a_clean_repository_writes_a_passing_summary(
    repo: Path, monkeypatch, capsys
) -> None:
    summary = repo.parent / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", "--format", "github"]) == 0
    assert summary.read_text(encoding="utf-8").startswith("## ✅ Handbook validation\n\n4 documents checked")
    assert capsys.readouterr().out == "4 documents checked, no errors\n"


def test_text_and_json_formats_leave_the_step_summary_alone(repo: Path, monkeypatch, capsys) -> None:
    summary = repo.parent / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main(["validate"])
    main(["validate", "--format", "json"])
    assert not summary.exists()


# --- --format json --------------------------------------------------------------------------------


def test_json_format_is_valid_json_with_documents_errors_and_summary(repo: Path, capsys) -> None:
    break_three_fields_in_two_files(repo)
    assert main(["validate", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["documents"] == 4
    assert payload["summary"] == {"documents": 4, "errors": 3, "files_with_errors": 2}
    assert payload["errors"][0] == {
        "path": GLOBEX,
        "line": 4,
        "column": 7,
        "field": "tier",
        "message": "'9' is above the maximum 3",
        "hint": "",
    }
    assert [(e["path"], e["line"]) for e in payload["errors"]] == [(GLOBEX, 4), (TR2, 5), (TR2, 13)]


def test_json_format_keeps_unicode_and_control_characters_as_json_escapes(repo: Path, capsys) -> None:
    edit(repo, GLOBEX, "ae: gina-ae", 'ae: "Zoë\\e"')
    assert main(["validate", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "Zoë\\u001b" in out
    assert json.loads(out)["errors"][0]["message"].startswith("'Zoë\x1b' is not")


def test_html_from_a_document_reaches_the_step_summary_as_text(repo: Path, monkeypatch, capsys) -> None:
    from markdown_it import MarkdownIt

    summary = repo.parent / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    edit(
        repo,
        TR1,
        "peer_reviewer: dan-ce",
        "peer_reviewer: '<img src=x onerror=alert(1)>[a](https://evil.example)'",
    )
    edit(
        repo,
        TR2,
        "status: draft",
        "status: '<script>x</script> **b** ![i](/p.png) &amp;'",
    )
    assert main(["validate", "--format", "github"]) == 1
    html = MarkdownIt("commonmark").enable("table").render(summary.read_text(encoding="utf-8"))
    for tag in ("<img", "<script", "<a "):
        assert tag not in html
    assert "&lt;img src=x onerror=alert(1)&gt;[a](https://evil.example)" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "![i](/p.png) &amp;amp;" in html
    assert html.count("<tr>") == 3  # the header and one row per fault: no cell broke out of the table


def _withdraw_tr1(repo: Path) -> None:
    text = (repo / TR1).read_text(encoding="utf-8")
    text = text.replace(
        "status: approved",
        "status: withdrawn\nwithdrawal:\n  date: 2026-09-19\n  reason: Acme chose another vendor.",
    )
    start = text.index("decision:")
    (repo / TR1).write_text(text[:start] + text[text.index("---", start) :], encoding="utf-8")


def test_a_fault_the_changed_review_causes_in_a_plan_is_also_reported_at_the_review(
    repo: Path, capsys
) -> None:
    _withdraw_tr1(repo)
    assert main(["validate", TR1]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "accounts/acme-corp.md:25:18: opportunities[0].tech_review: TR-0001 is withdrawn, but the "
        "opportunity is in Trial Deployment: non-standard requirements need an approved tech review past "
        "Tech Design & Trial Planning (get the review approved, or move the phase back)",
        f"{TR1}:14:9: status: accounts/acme-corp.md:25:18 links this review from opportunity 'acme-platform' "
        "in Trial Deployment, where non-standard requirements need it approved (keep it approved, or first "
        "move that opportunity's phase back)",
        "1 document checked, 2 errors in 2 files",
    ]


def test_a_review_moved_to_another_customer_is_told_which_plan_still_links_it(repo: Path, capsys) -> None:
    edit(repo, TR1, "customer: acme-corp", "customer: globex")
    assert main(["validate", TR1]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        f"{TR1}:4:11: customer: accounts/acme-corp.md:25:18 links this review from opportunity "
        "'acme-platform', but the review is of 'globex' (link it from that customer's plan instead, or fix "
        "the customer)",
        "1 document checked, 2 errors in 2 files",
    ]


def test_a_changed_review_whose_id_another_file_takes_is_told_at_its_own_id(repo: Path, capsys) -> None:
    shutil.copy(repo / TR1, repo / "reviews" / "tr-0001-acme-copy.md")
    assert main(["validate", TR1]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{TR1}:2:5: id: id 'TR-0001' is also used by reviews/tr-0001-acme-copy.md "
        "(give one of them its own id)",
        "reviews/tr-0001-acme-copy.md:2:5: id: id 'TR-0001' is already used by "
        f"{TR1} (give this document its own id)",
        "1 document checked, 2 errors in 2 files",
    ]


def test_a_root_that_is_not_a_folder_is_a_usage_error_not_a_silent_pass(repo: Path, capsys) -> None:
    assert main(["validate", "--root", GLOBEX]) == 2
    assert capsys.readouterr().err == f"handbook: error: --root {GLOBEX}: no such folder\n"
    if hasattr(os, "mkfifo"):
        os.mkfifo(repo / "pipe")
        assert main(["validate", "--root", "pipe"]) == 2


def test_a_changed_plan_whose_opportunity_id_a_later_plan_uses_is_told_at_its_own_line(
    repo: Path, capsys
) -> None:
    text = (repo / GLOBEX).read_text(encoding="utf-8")
    # Globex's own opportunity, under Acme's opportunity id, in a plan sorted after Acme's.
    (repo / "accounts" / "zeta.md").write_text(
        text.replace("id: globex\n", "id: zeta\n").replace(
            "  - id: globex-team-plan", "  - id: acme-platform"
        ),
        encoding="utf-8",
    )
    assert main(["validate", "accounts/acme-corp.md"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        "accounts/acme-corp.md:17:9: opportunities[0].id: opportunity id 'acme-platform' is also used by "
        "accounts/zeta.md (opportunity ids are unique across accounts)"
    ) in out
