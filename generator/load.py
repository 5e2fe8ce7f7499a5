"""Strict reading of documents: front matter split, safe YAML with positions.

Every scalar is kept as the text the author wrote (a plain empty value, `~` or
`null` is None), so YAML 1.1 surprises such as `customer: no` becoming False
or `title: 2024-01-01` becoming a date cannot happen; the models convert text
to dates, numbers and booleans where a field asks for them, with clear errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NoReturn

import yaml

from generator.diagnostics import Diagnostic, DocumentError

Kind = Literal["review", "account"]
FieldPath = tuple[str | int, ...]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 12
# libyaml's composer recurses in C: a deeply nested flow collection crashes the
# interpreter. Text that could nest deeper than this is first checked by the
# pure-Python event parser, which is iterative.
_C_SAFE_NESTING_BOUND = 1000

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_KIND_BY_FOLDER: dict[str, Kind] = {"reviews": "review", "accounts": "account"}
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Document:
    """One file as read: its front matter as plain data, with the position of every key and value."""

    path: str
    kind: Kind
    data: dict[str, Any]
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def position(self, path: FieldPath) -> Position:
        """Where the value at `path` is, or the nearest enclosing one that exists."""
        for end in range(len(path), 0, -1):
            found = self.values.get(path[:end])
            if found:
                return found
        return Position(1, 1)

    def key_position(self, path: FieldPath) -> Position:
        return self.keys.get(path) or self.position(path)


def kind_of(path: Path | str) -> Kind | None:
    """A document's kind is the folder it lives in: reviews/ or accounts/."""
    parent = PurePosixPath(Path(path).as_posix()).parent.name
    return _KIND_BY_FOLDER.get(parent)


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when possible."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def _fault(path: str, line: int, column: int, message: str, hint: str = "", fld: str = "") -> NoReturn:
    raise DocumentError(Diagnostic(path, line, column, fld, message, hint))


def read_document(path: Path, *, shown_as: str | None = None) -> Document:
    """Read and parse one document file; raises DocumentError with a positioned message."""
    shown = shown_as or display_path(path)
    kind = kind_of(path)
    if kind is None:
        _fault(
            shown, 1, 1, "not a document folder", "tech reviews live in reviews/, account plans in accounts/"
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            _fault(
                shown,
                1,
                1,
                f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                "move large material (logs, exports) to a link",
            )
        raw = path.read_bytes()
    except OSError as exc:
        _fault(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")
    return parse_document(raw, shown, kind)


def parse_document(raw: bytes, path: str, kind: Kind) -> Document:
    if len(raw) > MAX_FILE_BYTES:
        _fault(
            path,
            1,
            1,
            f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
            "move large material (logs, exports) to a link",
        )
    text = _decode(raw, path)
    front, front_first_line, body, body_line = _split(text, path)
    data, values, keys = parse_front_matter(front, path, front_first_line)
    return Document(path, kind, data, values, keys, body, body_line)


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        _fault(
            path,
            line,
            column,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        _fault(path, line, 1, "the file contains a NUL byte; it looks binary", "save it as plain text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str, path: str) -> tuple[str, int, str, int]:
    """Front matter between a first line `---` and the next `---` (or `...`) line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        _fault(
            path,
            1,
            1,
            "the document does not start with front matter",
            "put '---' on the first line, the fields, then '---' before the text",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return front, 2, body, index + 2
    _fault(
        path,
        len(lines),
        1,
        "the front matter is never closed",
        "end the fields with a line '---' before the text",
    )
    raise AssertionError("unreachable")


def parse_front_matter(
    front: str, path: str, first_line: int = 2
) -> tuple[dict[str, Any], dict[FieldPath, Position], dict[FieldPath, Position]]:
    """Parse front-matter text (which starts at file line `first_line`) into plain data and positions."""
    if _could_be_hostile(front):
        _screen_events(front, path, first_line)
    try:
        root = yaml.compose(front, Loader=_CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        _yaml_fault(exc, path, first_line)
    except yaml.YAMLError as exc:
        _fault(path, first_line, 1, f"the front matter is not valid YAML: {exc}")
    if root is None:
        _fault(path, 1, 1, "the front matter is empty", "add the document's fields between the '---' lines")
    if not isinstance(root, yaml.MappingNode):
        mark = root.start_mark
        _fault(
            path,
            mark.line + first_line,
            mark.column + 1,
            "the front matter must be a mapping of fields (name: value)",
        )
    converter = _Converter(path, first_line)
    data = converter.convert(root, (), 0)
    return data, converter.values, converter.keys


def _could_be_hostile(front: str) -> bool:
    if "&" in front or "*" in front:
        return True  # anchors or aliases may be present: check exactly
    bound = front.count("\n") + front.count("[") + front.count("{") + front.count("- ") + front.count("? ")
    return bound > _C_SAFE_NESTING_BOUND


def _screen_events(front: str, path: str, first_line: int) -> None:
    """Reject anchors, aliases and deep nesting before anything is composed (iterative parser)."""
    depth = 0
    try:
        for event in yaml.parse(front, Loader=yaml.SafeLoader):
            mark = event.start_mark
            where = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
            if isinstance(event, yaml.AliasEvent):
                _fault(
                    path,
                    *where,
                    f"YAML aliases (*{event.anchor}) are not allowed",
                    "write the value out in full",
                )
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                _fault(
                    path,
                    *where,
                    f"YAML anchors (&{event.anchor}) are not allowed",
                    "write the value out in full",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    _fault(
                        path,
                        *where,
                        f"the front matter nests deeper than {MAX_DEPTH} levels",
                        "flatten the structure",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        _yaml_fault(exc, path, first_line)


def _yaml_fault(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> NoReturn:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    _fault(
        path,
        line,
        column,
        f"the front matter is not valid YAML: {problem}{context}",
        "check indentation, colons and quotes on this line",
    )


class _Converter:
    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.values: dict[FieldPath, Position] = {}
        self.keys: dict[FieldPath, Position] = {}
        self.seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> Position:
        return Position(node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def _fail(self, node: yaml.Node, message: str, hint: str = "", fld: FieldPath = ()) -> NoReturn:
        pos = self._pos(node)
        _fault(self.path, pos.line, pos.column, message, hint, dotted(fld))

    def convert(self, node: yaml.Node, where: FieldPath, depth: int) -> Any:
        if id(node) in self.seen:
            # The same node twice means an alias slipped past the screen.
            self._fail(node, "YAML aliases are not allowed", "write the value out in full", where)
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self._fail(
                node, f"the front matter nests deeper than {MAX_DEPTH} levels", "flatten the structure", where
            )
        self.values[where] = self._pos(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                self._fail(node, f"YAML tag {node.tag} is not allowed", "remove the tag", where)
            return [self.convert(item, (*where, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, f"YAML tag {node.tag} is not allowed", "write plain text", where)
        if node.tag == _CORE + "null" and not getattr(node, "style", None):
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, where: FieldPath, depth: int) -> dict[str, Any]:
        if node.tag != _CORE + "map":
            self._fail(node, f"YAML tag {node.tag} is not allowed", "remove the tag", where)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, "a field name must be plain text, not a list or mapping", fld=where)
            key = key_node.value
            if key_node.tag == _CORE + "merge":
                self._fail(
                    key_node, "YAML merge keys (<<) are not allowed", "write the fields out in full", where
                )
            if not key_node.style and key_node.tag != _CORE + "str":
                self._fail(
                    key_node,
                    f"field name {key!r} is read by YAML as a {key_node.tag.removeprefix(_CORE)}, not text",
                    f'use a name made of letters, or quote it: "{key}"',
                    where,
                )
            if key in result:
                first = self.keys[(*where, key)]
                self._fail(
                    key_node,
                    f"duplicate field {key!r} (first given on line {first.line})",
                    "keep one of them",
                    (*where, key),
                )
            self.keys[(*where, key)] = self._pos(key_node)
            result[key] = self.convert(value_node, (*where, key), depth + 1)
        return result


def dotted(path: FieldPath) -> str:
    """('decision', 'deciders', 0) -> 'decision.deciders[0]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def iter_document_files(root: Path) -> Iterator[Path]:
    """All Markdown files under root/reviews and root/accounts, in a stable order."""
    for folder in _KIND_BY_FOLDER:
        directory = root / folder
        if directory.is_dir():
            yield from sorted(p for p in directory.iterdir() if p.suffix == ".md" and p.is_file())
