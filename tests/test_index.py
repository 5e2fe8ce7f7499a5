"""A pull request's documents checked from the files that may matter to them give exactly the faults
of a run that reads every document."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.documents.presearch import PullRequestSearch
from generator.documents.validate import Report, validate_repository
from tests.test_demo import TODAY, demo

CORPUS = Path(__file__).parent / "corpus"
DAY = dt.date.fromisoformat(TODAY)
# Every review and account plan of the broken-document corpus (base/ and each case's files).
POOL = sorted(
    (path.parent.name, path.read_bytes())
    for path in CORPUS.glob("*/*/*.md")
    if path.parent.name in ("reviews", "accounts") and path.is_file() and not path.is_symlink()
)
NAMES = {
    "reviews": [f"tr-000{n}-{slug}.md" for n in (1, 2, 5) for slug in ("acme-air-gapped", "x")],
    "accounts": ["acme-corp.md", "globex.md", "initech.md"],
}
_ID_LINE = re.compile(rb"^(id|customer|  - id|    tech_review|  - key): ([A-Za-z0-9-]+)$", re.MULTILINE)


def _escaped(raw: bytes) -> bytes:
    """The ids and keys written as double-quoted strings with an escape: the same values, other bytes."""
    return _ID_LINE.sub(
        lambda m: m.group(1) + b': "\\x' + b"%02x" % m.group(2)[0] + m.group(2)[1:] + b'"', raw
    )


def _both(root: Path, targets: list[Path]) -> tuple[Report, Report]:
    narrowed = validate_repository(root, targets, today=DAY, narrow=True)
    full = validate_repository(root, targets, today=DAY)
    return narrowed, full


def _same(narrowed: Report, full: Report) -> None:
    assert narrowed.diagnostics == full.diagnostics
    assert narrowed.documents == full.documents


def test_a_pull_request_reads_only_the_documents_its_targets_mention(tmp_path: Path) -> None:
    assert demo(tmp_path, reviews=40, accounts=10, seed=2) == 0
    target = sorted((tmp_path / "reviews").glob("*.md"))[0]
    narrowed = validate_repository(tmp_path, [target], today=DAY, narrow=True)
    values = re.findall(r"^(?:id|customer|  - key): (.+)$", target.read_text(), re.MULTILINE)
    assert len(values) >= 3
    mentioning = {p for p in tmp_path.glob("*/*.md") if any(v in p.read_text() for v in values)}
    read = {Path(item.path).resolve() for item in narrowed.checked}
    assert read <= mentioning
    assert target.resolve() in read
    assert len(read) < 50 / 2


def test_an_escaped_duplicate_id_is_found(tmp_path: Path) -> None:
    for folder in ("reviews", "accounts"):
        (tmp_path / folder).mkdir()
        for path in (CORPUS / "base" / folder).iterdir():
            (tmp_path / folder / path.name).write_bytes(path.read_bytes())
    review = tmp_path / "reviews" / "tr-0001-acme-air-gapped.md"
    (tmp_path / "reviews" / "tr-0001-copy.md").write_bytes(_escaped(review.read_bytes()))
    narrowed, full = _both(tmp_path, [review])
    assert any("already used" in d.message or "also used" in d.message for d in full.diagnostics)
    _same(narrowed, full)


def test_a_dangling_reference_gets_the_hint_that_knows_every_id(tmp_path: Path) -> None:
    assert demo(tmp_path, reviews=20, accounts=5, seed=4) == 0
    target = sorted((tmp_path / "reviews").glob("*.md"))[0]
    text = target.read_text()
    customer = re.search(r"^customer: (.+)$", text, re.MULTILINE)
    assert customer is not None
    target.write_text(text.replace(f"customer: {customer.group(1)}", f"customer: {customer.group(1)}x"))
    narrowed, full = _both(tmp_path, [target])
    assert any("did you mean" in d.hint for d in full.diagnostics)
    _same(narrowed, full)


_FILE = st.tuples(
    st.integers(0, len(POOL) - 1),
    st.integers(0, 5),
    st.sampled_from(["as is", "as is", "escaped", "not UTF-8", "a folder"]),
)


@settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=10),
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    files=st.lists(_FILE, min_size=1, max_size=12), chosen=st.sets(st.integers(0, 11), min_size=1, max_size=5)
)
def test_narrowed_reading_reports_what_reading_everything_reports(
    files: list[tuple[int, int, str]], chosen: set[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        written: list[Path] = []
        for pool_index, name_index, how in files:
            kind, raw = POOL[pool_index]
            names = NAMES[kind]
            path = root / kind / names[name_index % len(names)]
            path.parent.mkdir(exist_ok=True)
            if path.is_dir() or path in written:
                continue
            if how == "a folder":
                path.mkdir()
            else:
                changed = {"escaped": _escaped(raw), "not UTF-8": b"\xff" + raw}.get(how, raw)
                path.write_bytes(changed)
            written.append(path)
        targets = [written[i % len(written)] for i in sorted(chosen)]
        narrowed, full = _both(root, list(dict.fromkeys(targets)))
        _same(narrowed, full)
        assert all(os.path.lexists(p) for p in targets)


def _citing(root: Path, key: str) -> list[Path]:
    """The documents citing `key`, in the listing's order (reviews/, then accounts/)."""
    listed = [*sorted(root.glob("reviews/*.md")), *sorted(root.glob("accounts/*.md"))]
    return [p for p in listed if f"- key: {key}\n" in p.read_text()]


def _cited_gap(root: Path) -> tuple[str, list[Path]]:
    """A demo repository's gap key cited by its first review, and the documents citing it."""
    assert demo(root, reviews=60, accounts=15, seed=5) == 0
    first = (root / "reviews").joinpath(sorted(os.listdir(root / "reviews"))[0])
    key = re.findall(r"- key: (GAP-[0-9]+)\n", first.read_text())[0]
    return key, _citing(root, key)


def test_a_gap_title_conflict_with_a_targets_first_citation_is_found_in_any_later_file(
    tmp_path: Path,
) -> None:
    key, citing = _cited_gap(tmp_path)
    assert len(citing) >= 3
    last = citing[-1]
    last.write_text(re.sub(rf"(- key: {key}\n\s+title: )[^\n]+", r"\1Another title", last.read_text()))
    narrowed, full = _both(tmp_path, [citing[0]])
    assert any(d.path.endswith(last.name) and "has the title" in d.message for d in full.diagnostics)
    _same(narrowed, full)


def test_a_targets_gap_title_is_compared_with_the_first_citation_elsewhere(tmp_path: Path) -> None:
    key, citing = _cited_gap(tmp_path)
    target = citing[-1]
    target.write_text(re.sub(rf"(- key: {key}\n\s+title: )[^\n]+", r"\1Another title", target.read_text()))
    narrowed, full = _both(tmp_path, [target])
    assert any(citing[0].name in d.message for d in full.diagnostics)
    _same(narrowed, full)
    assert len(narrowed.checked) < len(citing)


def test_a_repository_searched_in_two_processes_gives_what_one_process_gives(tmp_path: Path) -> None:
    # Large enough to be searched in two processes (documents.workers.MIN_PER_WORKER each).
    assert demo(tmp_path, reviews=850, accounts=200, seed=6) == 0
    reviews = sorted((tmp_path / "reviews").glob("*.md"))
    key = re.findall(r"- key: (GAP-[0-9]+)\n", reviews[0].read_text())[0]
    later = next(p for p in _citing(tmp_path, key) if p.name > reviews[600].name)
    later.write_text(re.sub(rf"(- key: {key}\n\s+title: )[^\n]+", r"\1Another title", later.read_text()))
    targets = [reviews[0], reviews[700], sorted((tmp_path / "accounts").glob("*.md"))[150]]
    two = validate_repository(tmp_path, targets, today=DAY, narrow=True, workers=2, keep_models=False)
    one = validate_repository(tmp_path, targets, today=DAY, narrow=True, workers=1, keep_models=False)
    full = validate_repository(tmp_path, targets, today=DAY, keep_models=False)
    assert any(later.name in d.path and "has the title" in d.message for d in full.diagnostics)
    assert two.diagnostics == one.diagnostics == full.diagnostics


def _searched_early(root: Path, targets: list[Path], change: Callable[[], object] = lambda: None) -> Report:
    """The check a pull request's `handbook validate` makes: the search begun in a child first, then
    (after `change`, made while the child may be searching) the models' reading of the targets."""
    early = PullRequestSearch(root, targets)
    try:
        time.sleep(0.5)  # the child has listed and searched these few dozen documents long before
        change()
        return validate_repository(root, targets, today=DAY, narrow=True, searched=early.result)
    finally:
        early.cancel()


def test_the_search_begun_early_finds_what_a_search_after_reading_finds(tmp_path: Path) -> None:
    key, citing = _cited_gap(tmp_path)
    last = citing[-1]
    last.write_text(re.sub(rf"(- key: {key}\n\s+title: )[^\n]+", r"\1Another title", last.read_text()))
    targets = [citing[0], sorted((tmp_path / "accounts").glob("*.md"))[3]]
    _same(_searched_early(tmp_path, targets), validate_repository(tmp_path, targets, today=DAY))


def _front(path: Path) -> str:
    return path.read_text().split("\n---\n")[0]


def _mentioning_nothing_of(target: Path, candidates: list[Path]) -> Path:
    """A document whose front matter holds none of the ids the target's front matter mentions: one the
    search for the target's ids does not find."""
    mentions = set(re.findall(r"TR-[0-9]+|GAP-[0-9]+", _front(target)))
    customer = re.findall(r"^customer: (\S+)$", _front(target), re.MULTILINE)
    found = (p for p in candidates if p != target and not any(m in _front(p) for m in [*mentions, *customer]))
    return next(found, target)


def test_a_document_added_while_the_early_search_runs_is_searched_too(tmp_path: Path) -> None:
    assert demo(tmp_path, reviews=30, accounts=8, seed=7) == 0
    reviews = sorted((tmp_path / "reviews").glob("*.md"))
    # A target the next review does not mention: the copy, listed between them, moves the next review
    # and every later file one place on in the listing.
    pairs = itertools.pairwise(reviews)
    target = next(r for r, after in pairs if _mentioning_nothing_of(r, [after]) == after)
    copy = target.with_name(f"{target.stem}x.md")
    early = _searched_early(tmp_path, [target], lambda: copy.write_bytes(target.read_bytes()))
    assert any("also used" in d.message or "already used" in d.message for d in early.diagnostics)
    _same(early, validate_repository(tmp_path, [target], today=DAY))


def test_a_target_changed_while_the_early_search_runs_is_searched_for_what_it_says_now(
    tmp_path: Path,
) -> None:
    assert demo(tmp_path, reviews=30, accounts=8, seed=8) == 0
    reviews = sorted((tmp_path / "reviews").glob("*.md"))
    target = reviews[2]
    other = _mentioning_nothing_of(target, reviews)
    other_id = re.findall(r"^id: (\S+)$", other.read_text(), re.MULTILINE)[0]

    def take_the_others_id() -> None:
        target.write_text(re.sub(r"^id: \S+$", f"id: {other_id}", target.read_text(), count=1, flags=re.M))

    early = _searched_early(tmp_path, [target], take_the_others_id)
    assert any(other.name in d.message for d in early.diagnostics)
    _same(early, validate_repository(tmp_path, [target], today=DAY))


def test_a_folder_of_documents_is_checked_by_reading_every_document(tmp_path: Path) -> None:
    # Searching every file for what hundreds of documents mention costs more than reading them all.
    assert demo(tmp_path, reviews=150, accounts=30, seed=9) == 0
    customers = sorted(p.stem for p in (tmp_path / "accounts").glob("*.md"))[:20]
    reviews = sorted((tmp_path / "reviews").glob("*.md"))
    targets = [p for p in reviews if any(f"customer: {c}\n" in p.read_text() for c in customers)]
    assert len(targets) >= 100
    narrowed, full = _both(tmp_path, targets)
    _same(narrowed, full)
    assert len(narrowed.checked) == 180


def test_a_handful_of_documents_is_checked_by_reading_what_they_mention(tmp_path: Path) -> None:
    assert demo(tmp_path, reviews=150, accounts=30, seed=9) == 0
    targets = sorted((tmp_path / "reviews").glob("*.md"))[:3]
    narrowed, full = _both(tmp_path, targets)
    _same(narrowed, full)
    assert len(narrowed.checked) < 180 / 2


def test_later_citations_written_like_the_targets_first_one_are_not_read(tmp_path: Path) -> None:
    _, citing = _cited_gap(tmp_path)
    assert len(citing) >= 3
    narrowed, full = _both(tmp_path, [citing[0]])
    _same(narrowed, full)
    read = {Path(item.path).name for item in narrowed.checked}
    assert citing[0].name in read and not read >= {p.name for p in citing[1:]}
