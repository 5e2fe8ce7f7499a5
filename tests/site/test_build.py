"""`handbook build`: the pipeline end to end on real files, and its failures."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from generator.commands import main
from generator.documents.links import generated
from generator.site.build import BuildError, build_site, generate, mkdocs_config
from tests.site import content
from tests.site.conftest import HOSTILE_TITLE, TODAY, BuiltSite, options_for

PICTURES = Path(__file__).parents[1] / "corpus" / "assets-valid" / "reviews" / "img"


def _cli(repo: Path, *extra: str) -> int:
    return main(["build", "--root", str(repo), "--today", TODAY.isoformat(), "--quiet", *extra])


def test_every_document_gets_a_page(sample_site: BuiltSite) -> None:
    for source in ("reviews/tr-0001-air-gap.md", "accounts/northwind-test.md"):
        assert (sample_site.out / source.replace(".md", ".html")).is_file()
        assert (sample_site.options.docs / "pages" / source).is_file()


def test_the_docs_tree_is_plain_mkdocs(sample_site: BuiltSite) -> None:
    tree = sample_site.options.docs
    assert (tree / "mkdocs.yml").is_file()
    assert (tree / "overrides" / "main.html").is_file()
    config = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    assert "docs_dir: pages" in config
    assert "reviews/tr-" not in config  # documents stay out of the nav


def test_an_invalid_document_stops_the_build_with_the_validators_message(
    sample_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = content.review(9, "northwind-test", "Broken", status="sideways")
    content.write_review(sample_repo, bad, "broken")
    assert _cli(sample_repo) == 1
    out = capsys.readouterr()
    assert "reviews/tr-0009-broken.md:" in out.out
    assert "status" in out.out and "'sideways'" in out.out
    assert "not built" in out.err
    assert not (sample_repo / "build" / "site").exists()


def test_a_broken_handbook_yml_stops_the_build_with_its_positioned_message(
    sample_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_repo / "handbook.yml").write_text("fiscal_year_start_month: 0\n", encoding="utf-8")
    assert _cli(sample_repo) == 1
    out = capsys.readouterr()
    assert "handbook.yml:1:26: fiscal_year_start_month: '0' is below the minimum 1" in out.out + out.err
    assert not (sample_repo / "build" / "site").exists()


def test_a_february_fiscal_year_labels_the_tech_win_quarters(sample_repo: Path, tmp_path: Path) -> None:
    (sample_repo / "handbook.yml").write_text("fiscal_year_start_month: 2\n", encoding="utf-8")
    result = build_site(options_for(sample_repo, tmp_path / "out"))
    page = (result.site / "dashboards" / "tech-win.html").read_text(encoding="utf-8")
    assert "this fiscal quarter (2027-Q4)" in page and "next quarter (2028-Q1)" in page


def test_the_cli_prints_where_the_site_is(sample_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(sample_repo) == 0
    out = capsys.readouterr().out
    assert "site built:" in out
    assert str((sample_repo / "build" / "site" / "index.html").resolve()) in out


def test_a_bad_today_is_a_usage_error(sample_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(sample_repo), "--today", "23/11/2026"]) == 2
    assert "--today" in capsys.readouterr().err


def test_a_link_that_goes_nowhere_fails_the_build_naming_file_line_and_column(
    sample_repo: Path, tmp_path: Path
) -> None:
    review = content.review(5, "northwind-test", "Linked")
    content.write_review(sample_repo, review, "linked", "See [the plan](../accounts/no-such-plan.md).\n")
    source = sample_repo / "reviews" / "tr-0005-linked.md"
    line = (
        source.read_text(encoding="utf-8").splitlines().index("See [the plan](../accounts/no-such-plan.md).")
    )
    with pytest.raises(BuildError) as failure:
        build_site(options_for(sample_repo, tmp_path / "out"))
    [problem] = failure.value.problems
    assert problem.endswith(
        f"reviews/tr-0005-linked.md:{line + 1}:16: body: link '../accounts/no-such-plan.md' goes nowhere: "
        "the site has no 'accounts/no-such-plan.md' (check the path: it is relative to this file)"
    )


def test_a_link_to_a_generated_page_that_does_not_exist_is_caught_by_the_build_at_its_line_and_column(
    sample_repo: Path, tmp_path: Path
) -> None:
    body = 'Intro with nobody in it.\n\nAsk <a title="nobody"\n   href="../people/nobody.md">them</a>.\n'
    content.write_review(sample_repo, content.review(5, "northwind-test", "Linked"), "linked", body)
    lines = (sample_repo / "reviews" / "tr-0005-linked.md").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if 'href="../people' in text)
    with pytest.raises(BuildError) as failure:
        build_site(options_for(sample_repo, tmp_path / "out"))
    assert failure.value.problems == [
        f"reviews/tr-0005-linked.md:{line}:10: link '../people/nobody.md' goes nowhere "
        "(no 'people/nobody.md' in the site)"
    ]


def test_links_between_documents_resolve_to_their_pages(sample_repo: Path, tmp_path: Path) -> None:
    review = content.review(5, "northwind-test", "Linked")
    content.write_review(
        sample_repo, review, "linked", "See [the plan](../accounts/northwind-test.md#summary).\n"
    )
    result = build_site(options_for(sample_repo, tmp_path / "out"))
    html = (result.site / "reviews" / "tr-0005-linked.html").read_text(encoding="utf-8")
    assert 'href="../accounts/northwind-test.html#summary"' in html


def test_a_failed_build_leaves_the_last_good_site_in_place(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "out")
    build_site(options)
    before = (options.out / "index.html").read_text(encoding="utf-8")
    content.write_review(sample_repo, content.review(6, "northwind-test", "X"), "x", "[gone](gone.md)\n")
    with pytest.raises(BuildError):
        build_site(options)
    assert (options.out / "index.html").read_text(encoding="utf-8") == before
    assert not (options.out / "reviews" / "tr-0006-x.html").exists()


def test_an_unchanged_repository_rewrites_no_file(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "out")
    _, first = generate(options)
    _, second = generate(options)
    assert first > 0
    assert second == 0


def test_a_removed_document_leaves_the_docs_tree(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "out")
    generate(options)
    (sample_repo / "reviews" / "tr-0002-korean.md").unlink()
    generate(options)
    assert not (options.docs / "pages" / "reviews" / "tr-0002-korean.md").exists()


def test_the_title_reaches_the_theme_escaped(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0003-hostile.html")
    assert "<script>window.__pwned" not in html
    assert "&lt;/title&gt;&lt;script&gt;" in html.split("</title>")[0]


def test_the_hostile_body_is_sanitized_in_the_html(sample_site: BuiltSite) -> None:
    body = sample_site.html("reviews/tr-0003-hostile.html").split('class="hb-body"')[1].split("</article>")[0]
    for needle in ("<script", "<iframe", "onerror", "onclick", "javascript:"):
        assert needle not in body
    assert "<table>" in body and "<code>code</code>" in body


def test_sign_offs_say_not_yet_collected_without_a_ledger(bundled_site: BuiltSite) -> None:
    review = next((bundled_site.out / "reviews").glob("tr-*.html"))
    assert "Sign-offs: not yet collected" in review.read_text(encoding="utf-8")


def test_a_merge_that_bypassed_sign_off_is_flagged_on_its_review(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0001-air-gap.html")
    flag = html.split('class="hb-bypass"')[1].split("</p>")[0]
    assert "bypassed sign-off" in flag and "#5" in flag and "without support" in flag
    assert "#3" not in flag  # the clean merge is not flagged


def test_the_sign_off_audit_lists_every_bypass_newest_first(sample_site: BuiltSite) -> None:
    html = sample_site.html("dashboards/signoff-audit.html")
    rows = html.split('class="hb-table hb-audit"')[1].split("</table>")[0]
    assert rows.index("#5") < rows.index("#4")
    assert 'href="../reviews/tr-0001-air-gap.html"' in rows
    assert "reviews/tr-0099-gone.md <span" in rows and "no longer on main" in rows  # not linked
    assert "vic-vp" in rows


def test_the_sign_off_audit_says_not_yet_collected_without_a_ledger(bundled_site: BuiltSite) -> None:
    html = (bundled_site.out / "dashboards" / "signoff-audit.html").read_text(encoding="utf-8")
    assert "Sign-offs: not yet collected" in html


def test_a_persons_page_lists_the_sign_offs_they_gave_newest_first(sample_site: BuiltSite) -> None:
    html = sample_site.html("people/rita-reviewer.html")
    signed = html.split('hb-signed"')[1].split("</table>")[0]
    assert 'href="../reviews/tr-0001-air-gap.html"' in signed
    assert "<td>product</td>" in signed and "#5" in signed


def test_a_persons_page_lists_pull_requests_waiting_on_them_oldest_first(sample_site: BuiltSite) -> None:
    html = sample_site.html("people/rita-reviewer.html")
    waiting = html.split('hb-waiting"')[1].split("</table>")[0]
    assert waiting.index("#7") < waiting.index("#12")
    assert "&lt;b&gt;answer&lt;/b&gt;" in waiting  # a pull-request title is text, never markup
    assert "14 business days" in waiting  # opened Tuesday 2026-11-03, TODAY is Monday 2026-11-23


def test_an_open_pull_request_shows_on_its_review(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0001-air-gap.html")
    assert "pull request #12" in html and "waits on: <strong>product</strong>" in html


def test_exports_hold_every_documents_front_matter(sample_site: BuiltSite) -> None:
    exports = sample_site.out / "exports"
    reviews = json.loads((exports / "reviews.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in reviews] == ["TR-0001", "TR-0002", "TR-0003"]
    assert reviews[2]["title"] == HOSTILE_TITLE
    accounts = list(csv.DictReader(io.StringIO((exports / "accounts.csv").read_text(encoding="utf-8"))))
    assert {a["id"] for a in accounts} == {"northwind-test", "quiet-co"}
    assert (exports / "opportunities.csv").read_text(encoding="utf-8").startswith("id,account,name")


def test_csv_cells_cannot_become_spreadsheet_formulas(sample_repo: Path, tmp_path: Path) -> None:
    team = {"ae": "bea-ae", "ce": "dan-ce"}
    formula = content.review(7, "quiet-co", '=HYPERLINK("https://x")', author="dan-ce", account_team=team)
    content.write_review(sample_repo, formula, "formula")
    result = build_site(options_for(sample_repo, tmp_path / "out"))
    rows = list(csv.DictReader(io.StringIO((result.site / "exports" / "reviews.csv").read_text())))
    assert next(r for r in rows if r["id"] == "TR-0007")["title"] == '\'=HYPERLINK("https://x")'


def test_the_decision_feed_is_atom_with_one_entry_per_decision(sample_site: BuiltSite) -> None:
    feed = ET.parse(sample_site.out / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{atom}title", "").startswith("TR-0003 approved: </title>")


def test_the_chart_is_static_svg_without_script(sample_site: BuiltSite) -> None:
    svg = (sample_site.out / "dashboards" / "reviews-per-month.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "<script" not in svg
    assert "2026-10" in svg and "2026-11" in svg


def test_the_chart_stays_small_however_far_apart_the_dates(sample_repo: Path, tmp_path: Path) -> None:
    team = {"author": "dan-ce", "account_team": {"ae": "bea-ae", "ce": "dan-ce"}, "status": "draft"}
    old = content.review(
        90, "quiet-co", "Ancient", opened="2000-01-03", decision_needed_by="2000-02-01", **team
    )
    content.write_review(sample_repo, old, "ancient")
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    svg = tree.files["dashboards/reviews-per-month.svg"]
    assert isinstance(svg, str) and len(svg) < 200_000
    assert "2000-01" not in svg and "2026-11" in svg


def test_long_lists_paginate(sample_repo: Path, tmp_path: Path) -> None:
    for number in range(10, 115):
        data = content.review(number, "quiet-co", f"Case {number}", author="dan-ce",
                              account_team={"ae": "bea-ae", "ce": "dan-ce"}, status="draft")  # fmt: skip
        content.write_review(sample_repo, data, f"case-{number}")
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    first = str(tree.files["reviews/index.md"])
    assert "Page 1 of 2 (108 in all)" in first
    assert "reviews/index-page-2.md" in tree.files


def test_files_beside_documents_are_published(sample_repo: Path, tmp_path: Path) -> None:
    (sample_repo / "reviews" / "img").mkdir()
    shutil.copy(PICTURES / "diagram.png", sample_repo / "reviews" / "img" / "diagram.png")
    shutil.copy(PICTURES / "flow.svg", sample_repo / "reviews" / "img" / "flow.svg")
    content.write_review(
        sample_repo, content.review(8, "northwind-test", "Pic"), "pic", "![d](img/diagram.png)\n"
    )
    result = build_site(options_for(sample_repo, tmp_path / "out"))
    for name in ("diagram.png", "flow.svg"):
        assert (result.site / "reviews" / "img" / name).read_bytes() == (PICTURES / name).read_bytes()


def test_a_page_that_could_script_the_site_stops_the_build_and_is_never_published(
    sample_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_repo / "reviews" / "img").mkdir()
    (sample_repo / "reviews" / "img" / "notes.html").write_text("<script>alert(1)</script>\n")
    out = tmp_path / "site"
    assert _cli(sample_repo, "--out", str(out)) == 1
    assert "reviews/img/notes.html:1:1: files of type .html are not published" in capsys.readouterr().out
    assert not out.exists()


def test_a_file_outside_the_repository_never_reaches_the_site(
    sample_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_repo / "reviews" / "img").mkdir()
    (sample_repo / "reviews" / "img" / "p.png").symlink_to("/etc/passwd")
    (sample_repo / "accounts" / "tr-0009-x.md").symlink_to("/etc/hostname")
    out = tmp_path / "site"
    assert _cli(sample_repo, "--out", str(out)) == 1
    printed = capsys.readouterr().out
    assert "reviews/img/p.png:1:1: this is a symbolic link" in printed
    assert "accounts/tr-0009-x.md:1:1: this is a symbolic link" in printed
    assert not out.exists()


def test_relative_folders_build_where_they_say(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample_repo)
    assert main(["build", "--today", TODAY.isoformat(), "--quiet"]) == 0
    assert (sample_repo / "build" / "site" / "index.html").is_file()
    assert not (sample_repo / "build" / "docs" / "build").exists()


def test_what_validation_takes_as_generated_is_what_the_build_generates(sample_site: BuiltSite) -> None:
    pages = sample_site.options.docs / "pages"
    documents = {f"{p.parent.name}/{p.name}" for p in sample_site.root.glob("*/*.md")}
    made = {p.relative_to(pages).as_posix() for p in pages.rglob("*") if p.is_file()}
    assert {path for path in made if not generated(path)} == documents
    assert {path for path in made if generated(path) and "/" not in path} == {"index.md", "feed.xml"}


# --- the technical win on the bundled site -----------------------------------------------------------


def test_the_tech_win_dashboard_shows_arr_slipped_deals_and_what_is_left_of_each_gate(
    bundled_site: BuiltSite,
) -> None:
    page = (bundled_site.out / "dashboards" / "tech-win.html").read_text(encoding="utf-8")
    # Woodgrove's add-on closed on 2026-11-13 without moving: kept, slipped by 10 days.
    assert "Woodgrove Energy — code insights add-on" in page
    assert "slipped 10 days" in page
    assert "EUR\u00a0540,000" in page  # Fabrikam Global Markets (never wrapped)
    assert "to leave Trial Execution: trial readout delivered; customer confirmed the technical win" in page
    assert "set 5 days ago" in page  # Fabrikam's next step, set on 2026-11-18


def test_the_tech_win_dashboard_is_ranked_by_revenue_at_stake(bundled_site: BuiltSite) -> None:
    page = (bundled_site.out / "dashboards" / "tech-win.html").read_text(encoding="utf-8")
    # Fabrikam (EUR 540,000, at 1.08 to the dollar in handbook.yml) before Adventure Works (USD 84,000).
    assert page.index("Fabrikam Bank — Global Markets") < page.index("Adventure Works — batch changes add-on")


def test_each_ce_has_a_tech_win_page_and_a_section_on_their_person_page(bundled_site: BuiltSite) -> None:
    ce_page = (bundled_site.out / "dashboards" / "tech-win" / "ravi-menon.html").read_text(encoding="utf-8")
    assert "Fabrikam Bank — Global Markets" in ce_page and "Woodgrove Energy" in ce_page
    assert "Adventure Works" not in ce_page
    person = (bundled_site.out / "people" / "ravi-menon.html").read_text(encoding="utf-8")
    assert 'id="tech-win"' in person and "Fabrikam Bank — Global Markets" in person


def test_an_account_page_totals_its_open_opportunities(bundled_site: BuiltSite) -> None:
    page = (bundled_site.out / "accounts" / "northwind-logistics.html").read_text(encoding="utf-8")
    assert "Total of the 2 open opportunities" in page
    assert "EUR 260,000 · USD 432,000" in page and "1,900 seats" in page
    assert "pre-production:" in page and "TR-0014" in page


def test_the_opportunities_export_carries_arr_seats_and_what_is_left_of_each_gate(
    bundled_site: BuiltSite,
) -> None:
    text = (bundled_site.out / "exports" / "opportunities.csv").read_text(encoding="utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    fabrikam = rows["fabrikam-global-markets"]
    assert (fabrikam["arr"], fabrikam["currency"], fabrikam["seats"]) == ("540000", "EUR", "1800")
    assert fabrikam["gates_missing"] == "trial readout delivered; customer confirmed the technical win"
    assert rows["northwind-fleet-platform-expansion"]["production_review"] == "TR-0014"
    assert rows["northwind-freight-europe"]["key_prospect"] == "yes"


def test_the_stale_plans_page_names_the_internal_qbr_and_the_tier_one_plans_due(
    bundled_site: BuiltSite,
) -> None:
    page = (bundled_site.out / "dashboards" / "stale-plans.html").read_text(encoding="utf-8")
    assert "The internal quarterly business review of 2026-Q4 is on" in page
    assert "in 17 days" in page


def test_in_the_needs_attention_mode_the_tech_win_dashboard_shows_real_gate_violations(
    sample_repo: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    deal = {"id": "q-trial", "name": "Quiet trial", "ce": "dan-ce", "ae": "bea-ae", "sales_stage": 3}
    deal |= {"close_date": "2026-12-15", "tech_win_phase": "trial-deployment", "non_standard": True}
    deal |= {"tdd": "https://docs.example.com/tdd/quiet", "arr": {"amount": "120000", "currency": "USD"}}
    content.write_account(
        sample_repo, content.account("quiet-co", "Quiet Co", ae="bea-ae", ce="dan-ce", opportunities=[deal])
    )
    result = build_site(replace(options_for(sample_repo, tmp_path / "out"), needs_attention=True))
    page = (result.site / "dashboards" / "tech-win.html").read_text(encoding="utf-8")
    violations = page[page.index('id="gate-violations"') :]
    assert "Quiet trial" in violations and "USD\u00a0120,000" in violations
    assert (
        "gate: non-standard requirements need an approved tech review before Trial Deployment" in violations
    )
    assert (
        "gate: gate &#39;champion identified&#39; is not answered: it blocks leaving Initial Conversations"
        in (violations)
    )


def test_a_build_copies_the_theme_files_mkdocs_itself_lists(sample_site: BuiltSite, tmp_path: Path) -> None:
    import jinja2
    from mkdocs.structure.files import Files

    config = mkdocs_config(sample_site.options.docs, tmp_path / "site")
    ours, plain = Files([]), Files([])
    ours.add_files_from_theme(config.theme.get_env(), config)
    plain.add_files_from_theme(jinja2.Environment(loader=jinja2.FileSystemLoader(config.theme.dirs)), config)
    assert [f.src_uri for f in ours] == [f.src_uri for f in plain]
    assert len(plain) > 10


def test_each_page_of_a_folder_shows_its_own_title_in_the_header(sample_site: BuiltSite) -> None:
    # The header is rendered once for a folder's pages (generator/site/plugin.py `shared`).
    pages = sorted((sample_site.out / "reviews").glob("tr-*.html"))
    assert len(pages) >= 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        title = html.split("<title>", 1)[1].split(" - Customer Engineering handbook</title>", 1)[0]
        topic = html.split('data-md-component="header-topic">', 1)[1].split("</span>", 1)[0]
        shown = unescape(" ".join(topic.split()).removeprefix('<span class="md-ellipsis"> '))
        assert shown == unescape(title), page.name
