"""`handbook build --needs-attention`: one invalid document no longer takes the whole site down. Every
valid document is published, each invalid one is listed on a "Needs attention" page with its
diagnostics (and flagged on its own page where it can still be shown), and the run reports them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.commands import main
from tests.site import content
from tests.site.conftest import TODAY


def _build(repo: Path, out: Path, *extra: str) -> int:
    words = ["build", "--root", str(repo), "--today", TODAY.isoformat(), "--quiet", "--out", str(out)]
    return main([*words, "--docs", str(out.parent / "docs"), *extra])


def _text(page: Path) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split())


@pytest.fixture
def broken_repo(sample_repo: Path) -> Path:
    """The sample, plus a review whose front matter is invalid and a plan breaking the gate."""
    content.write_review(
        sample_repo, content.review(9, "northwind-test", "Sideways", status="sideways"), "sideways"
    )
    opportunity = {
        "id": "quiet-trial", "name": "Quiet trial", "ce": "dan-ce", "ae": "bea-ae", "sales_stage": 3,
        "close_date": "2026-12-15", "tech_win_phase": "trial-deployment", "non_standard": True,
    }  # fmt: skip
    content.write_account(
        sample_repo,
        content.account("quiet-co", "Quiet Co", ae="bea-ae", ce="dan-ce", opportunities=[opportunity]),
    )
    content.write_review(
        sample_repo,
        content.review(
            4,
            "quiet-co",
            "Links a broken one",
            author="dan-ce",
            account_team={"ae": "bea-ae", "ce": "dan-ce"},
        ),
        "links",
        "See [the sideways one](tr-0009-sideways.md).\n",
    )
    return sample_repo


def test_by_default_an_invalid_document_still_stops_the_build(broken_repo: Path, tmp_path: Path) -> None:
    assert _build(broken_repo, tmp_path / "site") == 1
    assert not (tmp_path / "site").exists()


def test_every_valid_document_is_published_and_the_invalid_ones_need_attention(
    broken_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert _build(broken_repo, out, "--needs-attention") == 0
    printed = capsys.readouterr().out
    assert "reviews/tr-0009-sideways.md:" in printed and "'sideways' is not one of" in printed
    assert "2 documents need attention: see dashboards/needs-attention.html" in printed
    for page in (
        "reviews/tr-0001-air-gap.html",
        "reviews/tr-0004-links.html",
        "accounts/northwind-test.html",
    ):
        assert (out / page).is_file()
    listed = _text(out / "dashboards" / "needs-attention.html")
    assert "reviews/tr-0009-sideways.md" in listed and "'sideways' is not one of" in listed
    assert "accounts/quiet-co.md" in listed and "Trial Deployment" in listed


def test_a_document_that_cannot_be_shown_keeps_its_page_saying_what_is_wrong(
    broken_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert _build(broken_repo, out, "--needs-attention") == 0
    stub = _text(out / "reviews" / "tr-0009-sideways.html")
    assert "needs attention" in stub.lower() and "'sideways' is not one of" in stub
    assert "Sideways" not in (out / "reviews" / "index.html").read_text(encoding="utf-8")


def test_a_document_that_can_still_be_shown_is_flagged_on_its_page(broken_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(broken_repo, out, "--needs-attention") == 0
    page = (out / "accounts" / "quiet-co.html").read_text(encoding="utf-8")
    flag = page.split('class="hb-attention"')[1].split("</div>")[0]
    assert "Needs attention" in flag and "Trial Deployment" in flag


def test_the_gate_violations_on_the_technical_win_dashboard_are_real_ones(
    broken_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert _build(broken_repo, out, "--needs-attention") == 0
    violations = (
        (out / "dashboards" / "tech-win.html").read_text(encoding="utf-8").split('id="gate-violations"')[1]
    )
    assert "Quiet trial" in violations and "hb-gate" in violations


def test_a_refused_file_is_listed_and_never_published(sample_repo: Path, tmp_path: Path) -> None:
    (sample_repo / "reviews" / "img").mkdir()
    (sample_repo / "reviews" / "img" / "notes.html").write_text("<script>alert(1)</script>\n")
    out = tmp_path / "site"
    assert _build(sample_repo, out, "--needs-attention") == 0
    assert not (out / "reviews" / "img" / "notes.html").exists()
    assert "reviews/img/notes.html" in _text(out / "dashboards" / "needs-attention.html")


def test_github_format_annotates_each_fault_and_summarises_them(
    broken_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(broken_repo)
    assert _build(broken_repo, tmp_path / "site", "--needs-attention", "--format", "github") == 0
    printed = capsys.readouterr().out
    assert "::error file=reviews/tr-0009-sideways.md,line=" in printed
    assert "::error file=accounts/quiet-co.md,line=" in printed
    assert "reviews/tr-0009-sideways.md" in summary.read_text(encoding="utf-8")


def test_with_nothing_wrong_the_page_says_so(sample_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(sample_repo, out, "--needs-attention") == 0
    assert "Nothing needs attention" in _text(out / "dashboards" / "needs-attention.html")


def test_a_link_only_the_build_can_check_puts_its_document_on_the_list_not_the_site_down(
    sample_repo: Path, tmp_path: Path
) -> None:
    body = "Ask [them](../people/nobody.md).\n"
    content.write_review(sample_repo, content.review(5, "northwind-test", "Linked"), "linked", body)
    out = tmp_path / "site"
    assert _build(sample_repo, out, "--needs-attention") == 0
    assert "../people/nobody.md" in _text(out / "reviews" / "tr-0005-linked.html")
    assert "reviews/tr-0005-linked.md" in _text(out / "dashboards" / "needs-attention.html")
    assert (out / "reviews" / "tr-0001-air-gap.html").is_file()


def test_the_home_page_says_how_many_files_need_attention(broken_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(broken_repo, out, "--needs-attention") == 0
    assert "2 files do not pass validation and need attention" in _text(out / "index.html")
