"""`handbook schema`: the JSON Schema editors and check-jsonschema use agrees with the validator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.commands import main

REPO = Path(__file__).resolve().parent.parent
CHECK_JSONSCHEMA = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")


def write_schemas(tmp_path: Path) -> Path:
    out = tmp_path / "schema"
    assert main(["schema", "--out", str(out)]) == 0
    return out


def check(schema: Path, documents: list[Path]) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA, "check-jsonschema is a dev dependency"
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--schemafile", str(schema), *map(str, documents)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_schema_prints_both_kinds_as_valid_draft_2020_12(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(printed) == ["account", "review"]
    for schema in printed.values():
        Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False


@pytest.mark.parametrize(("kind", "folder"), [("review", "reviews"), ("account", "accounts")])
def test_bundled_documents_pass_check_jsonschema(tmp_path: Path, kind: str, folder: str) -> None:
    schemas = write_schemas(tmp_path)
    documents = []
    for source in sorted((REPO / folder).glob("*.md")):
        target = tmp_path / f"{source.stem}.yaml"
        target.write_text(front_matter(source), encoding="utf-8")
        documents.append(target)
    assert documents
    result = check(schemas / f"{kind}.schema.json", documents)
    assert result.returncode == 0, result.stdout + result.stderr


def with_moment(text: str, moment: str) -> str:
    return text.replace("moment: pre-sales", f"moment: {moment}").replace(
        "moment: post-sales", f"moment: {moment}"
    )


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda text: with_moment(text, "mid-sales"), "'mid-sales' is not one of"),
        (lambda text: text + "\ntitel: typo\n", "titel"),
    ],
    ids=["bad-enum", "unknown-field"],
)
def test_check_jsonschema_rejects_what_the_validator_rejects(
    tmp_path: Path, break_it: Callable[[str], str], expected: str
) -> None:
    schemas = write_schemas(tmp_path)
    source = next((REPO / "reviews").glob("*.md"))
    target = tmp_path / "broken.yaml"
    target.write_text(break_it(front_matter(source)), encoding="utf-8")
    result = check(schemas / "review.schema.json", [target])
    assert result.returncode == 1
    assert expected in result.stdout


def test_the_shipped_handbook_yml_passes_check_jsonschema(tmp_path: Path) -> None:
    schemas = write_schemas(tmp_path)
    result = check(schemas / "config.schema.json", [REPO / "handbook.yml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_out_writes_the_handbook_yml_schema_beside_the_documents(tmp_path: Path) -> None:
    schemas = write_schemas(tmp_path)
    assert sorted(p.name for p in schemas.iterdir()) == [
        "account.schema.json",
        "config.schema.json",
        "review.schema.json",
    ]
    Draft202012Validator.check_schema(
        json.loads((schemas / "config.schema.json").read_text(encoding="utf-8"))
    )
