"""Failures become exit codes in one place: code below the command line raises, `main` answers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.authoring.new import write_new
from generator.commands import main
from generator.errors import Exit, GitHubFault, HandbookError, UsageError

GENERATOR = Path(__file__).resolve().parents[1] / "generator"


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(GENERATOR.parent).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(GENERATOR.rglob("*.py"))
    ]


def test_the_exit_codes_are_defined_once_in_errors():
    defined = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        for found in ast.walk(target)
        if isinstance(found, ast.Name) and found.id.startswith("EXIT_")
    ]
    assert defined == []


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {kind.id if isinstance(kind, ast.Name) else ast.unparse(kind) for kind in kinds if kind}


def _reraises(handler: ast.ExceptHandler) -> bool:
    return any(isinstance(node, ast.Raise) for node in ast.walk(handler))


def test_no_command_turns_a_github_fault_or_a_usage_error_into_an_exit_code_but_main():
    handled = {"GitHubFault", "UsageError", "HandbookError"}
    catching = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if name.startswith("generator/commands/")
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _caught(node) & handled and not _reraises(node)
    ]
    assert catching == ["generator/commands/__init__.py:" + str(_main_handler_line())]


def _main_handler_line() -> int:
    tree = ast.parse((GENERATOR / "commands" / "__init__.py").read_text(encoding="utf-8"))
    [main_def] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    [handler] = [
        n for n in ast.walk(main_def) if isinstance(n, ast.ExceptHandler) and "HandbookError" in _caught(n)
    ]
    return handler.lineno


def test_the_failures_carry_their_exit_codes():
    assert (HandbookError.exit_code, UsageError.exit_code, GitHubFault.exit_code) == (1, 2, 3)
    assert issubclass(UsageError, HandbookError) and issubclass(GitHubFault, HandbookError)
    assert int(Exit.INTERRUPTED) == 130


def test_writing_over_an_existing_document_raises_and_prints_nothing(tmp_path, capsys):
    existing = tmp_path / "accounts" / "acme.md"
    existing.parent.mkdir()
    existing.write_text("mine\n", encoding="utf-8")
    with pytest.raises(HandbookError, match="already exists; nothing was written"):
        write_new(existing, "theirs\n")
    assert capsys.readouterr() == ("", "")
    assert existing.read_text(encoding="utf-8") == "mine\n"


def test_a_github_fault_is_one_line_naming_the_command_and_exit_3(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("HANDBOOK_GITHUB_BACKOFF", "0")
    monkeypatch.setenv("HANDBOOK_GITHUB_TRIES", "1")
    out = tmp_path / "ledger.json"
    # Nothing listens on port 9 of this machine: GitHub is unreachable.
    code = main(
        [
            "signoff",
            "collect",
            "--repo",
            "acme/handbook",
            "--api-url",
            "http://127.0.0.1:9",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("handbook: signoff: GitHub: ") and err.count("\n") == 1, err
    assert not out.exists()
