"""Strict reading of documents: front matter split, safe YAML with positions.

Every scalar is kept as the text the author wrote (a plain empty value, `~` or
`null` is None), so YAML 1.1 surprises such as `customer: no` becoming False
or `title: 2024-01-01` becoming a date cannot happen; the models convert text
to dates, numbers and booleans where a field asks for them, with clear errors.
"""

from __future__ import annotations

import errno
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, NoReturn

import yaml

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.paths import FOLDERS, kind_of, source_path

# Re-exported: most readers of a file know these from here.
from generator.documents.paths import Kind as Kind
from generator.documents.paths import display_path as display_path
from generator.documents.regular import NotRegular, SymbolicLink, TooLarge, read_regular

FieldPath = tuple[str | int, ...]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 12
# No field needs more: past this a list or mapping is refused once, not reported item by item.
MAX_ITEMS = 1000
# libyaml's composer recurses in C: a deeply nested flow collection crashes the
# interpreter. Text that could nest deeper than this is first checked by the
# pure-Python event parser, which is iterative.
_C_SAFE_NESTING_BOUND = 1000

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG, _MAP_TAG, _SEQ_TAG = _CORE + "str", _CORE + "map", _CORE + "seq"
# First characters of plain text that an implicit resolver (bool, number, null, date...) looks at.
_IMPLICIT_FIRST = frozenset(k for k in _CSafeLoader.yaml_implicit_resolvers if k)
_FAST_RESOLVE = None not in _CSafeLoader.yaml_implicit_resolvers and not _CSafeLoader.yaml_path_resolvers


class _Composer(_CSafeLoader):  # type: ignore[misc]
    """libyaml's composer with the safe resolver's own answers, skipping its Python work where it is known.

    Resolving is a Python call per node: most scalars are text that no implicit resolver looks at
    (quoted, or plain starting with a letter no resolver checks), and there are no path resolvers.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if not _FAST_RESOLVE:
            return super().resolve(kind, value, implicit)
        if kind is yaml.ScalarNode:
            if not implicit[0] or (value and value[0] not in _IMPLICIT_FIRST):
                return _STR_TAG
            return _implicit_tag(value)
        return _MAP_TAG if kind is yaml.MappingNode else _SEQ_TAG

    if _FAST_RESOLVE:  # no path resolvers: nothing to track while descending

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None


# The same plain values come back again and again (handles, statuses, dates): resolved once each.
_implicit_tag = functools.lru_cache(maxsize=8192)(
    functools.partial(yaml.resolver.Resolver().resolve, yaml.ScalarNode, implicit=(True, False))
)
_new_position = tuple.__new__  # Position(...) without the Python-level __new__ of a NamedTuple

# Characters YAML refuses (C0/C1 controls, DEL, non-characters): found first, so the message has a position.
_NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OPENERS = {"quoted scalar": "a quoted text", "flow sequence": "a '[' list", "flow mapping": "a '{' mapping"}
# What a YAML 1.1 resolver makes of an unquoted field name that is not text.
_KEY_READ_AS = {
    "int": "a number",
    "float": "a number",
    "bool": "a true/false value",
    "null": "an empty value",
    "timestamp": "a date",
}


class Position(NamedTuple):
    """A 1-based line and column; a tuple, as a large repository makes millions of them."""

    line: int
    column: int


class Positioned:
    """Where each value and key of a parsed YAML mapping stands: `values` and `keys` by field path."""

    values: dict[FieldPath, Position]
    keys: dict[FieldPath, Position]

    def position(self, path: FieldPath) -> Position:
        """Where the value at `path` is, or the nearest enclosing one that exists."""
        for end in range(len(path), 0, -1):
            found = self.values.get(path[:end])
            if found:
                return found
        return Position(1, 1)

    def key_position(self, path: FieldPath) -> Position:
        return self.keys.get(path) or self.position(path)


@dataclass
class Parsed(Positioned):
    """A YAML file other than a document (the sign-off policy), as read: where each value and key is."""

    path: str
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)


@dataclass
class Document(Positioned):
    """One file as read: its front matter as plain data, with the position of every key and value.

    Positions are found when first asked for (a message about the document needs them), by reading
    the front matter again with the positioned reader: most documents of a run have no fault, and
    a position per value is most of what reading costs.
    """

    path: str
    kind: Kind
    data: dict[str, Any]
    body: str = ""
    body_line: int = 1
    # Its path in the repository (reviews/tr-0001-x.md), whatever the working directory: what pages,
    # exports and the sign-off ledger name it by. `path` is how messages show it.
    source: str = ""
    front: str = field(default="", repr=False)
    front_line: int = 2
    _positions: tuple[dict[FieldPath, Position], dict[FieldPath, Position]] | None = field(
        default=None, repr=False, compare=False
    )

    def _positioned(self) -> tuple[dict[FieldPath, Position], dict[FieldPath, Position]]:
        if self._positions is None:
            _, values, keys = parse_front_matter(self.front, self.path, self.front_line)
            self._positions = (values, keys)
        return self._positions

    @property
    def values(self) -> dict[FieldPath, Position]:
        return self._positioned()[0]

    @values.setter
    def values(self, found: dict[FieldPath, Position]) -> None:
        self._positions = (found, self._positions[1] if self._positions else {})

    @property
    def keys(self) -> dict[FieldPath, Position]:
        return self._positioned()[1]

    @keys.setter
    def keys(self, found: dict[FieldPath, Position]) -> None:
        self._positions = (self._positions[0] if self._positions else {}, found)

    def __getstate__(self) -> dict[str, Any]:
        # Sent between worker processes without its positions: found again where they are needed.
        return {**self.__dict__, "_positions": None}


def _fault(path: str, line: int, column: int, message: str, hint: str = "", fld: str = "") -> NoReturn:
    raise DocumentError(Diagnostic(path, line, column, fld, message, hint))


def read_document(path: Path, *, shown_as: str | None = None, root: Path | None = None) -> Document:
    """Read and parse one document file of the repository at `root`; raises DocumentError with a
    positioned message. Without a root the file belongs to the repository its folder is in."""
    found = document_file(path, shown_as=shown_as, root=root)
    return parse_document(found.raw, found.shown, found.kind, source=found.source)


@dataclass(frozen=True)
class DocumentFile:
    """A document file's bytes, as read, before they are parsed: how messages show it, its kind and
    its path in the repository."""

    raw: bytes
    shown: str
    kind: Kind
    source: str


def document_file(path: Path, *, shown_as: str | None = None, root: Path | None = None) -> DocumentFile:
    """The bytes of one document file of the repository at `root` (see read_document); raises
    DocumentError when the file is no document or cannot be read."""
    shown = shown_as or display_path(path)
    source = source_path(path, root)
    kind = kind_of(source)
    if kind is None:
        parents = PurePosixPath(Path(path).as_posix()).parent.parts
        if parents and parents[-1] in FOLDERS:
            _fault(
                shown,
                1,
                1,
                "a document's file name ends in '.md'",
                f"rename it to {Path(path).stem}.md",
            )
        folder = next((part for part in reversed(parents) if part in FOLDERS), None)
        if folder:
            _fault(
                shown,
                1,
                1,
                f"documents live directly in {folder}/, not in a subfolder",
                f"move it to {folder}/{Path(path).name}",
            )
        _fault(
            shown, 1, 1, "not a document folder", "tech reviews live in reviews/, account plans in accounts/"
        )
    return DocumentFile(read_regular_file(path, shown, MAX_FILE_BYTES, _oversize), shown, kind, source)


SYMLINK = (
    "this is a symbolic link; documents and the files beside them must be regular files in the repository"
)
SYMLINK_HINT = "replace the link with a copy of the file"


def read_regular_file(
    path: Path,
    shown: str,
    limit: int,
    oversize: Callable[[str, int], NoReturn],
    expected: str = "a document file",
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is a DocumentError.

    Symbolic links are refused, not followed: nothing outside the repository may be read as its own
    (documents.regular: a FIFO, device or folder is refused, not read).
    """
    try:
        return read_regular(path, limit)
    except SymbolicLink:
        _fault(shown, 1, 1, SYMLINK, SYMLINK_HINT)
    except NotRegular as exc:
        _fault(shown, 1, 1, f"this is {_article(exc.what)}, not {expected}", "remove or rename it")
    except TooLarge as exc:
        oversize(shown, exc.size)
    except OSError as exc:
        hint = f"make it readable: chmod a+r {shown}" if exc.errno == errno.EACCES else ""
        _fault(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}", hint)


def _article(what: str) -> str:
    return f"a {what}"


def _oversize(path: str, size: int) -> NoReturn:
    _fault(
        path,
        1,
        1,
        f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
        "move large material such as logs or exports to a link",
    )


def parse_document(raw: bytes, path: str, kind: Kind, *, source: str | None = None) -> Document:
    """One document's bytes, shown in messages as `path`; `source` is its path in the repository
    (reviews/x.md), by default `path`."""
    if len(raw) > MAX_FILE_BYTES:
        _oversize(path, len(raw))
    text = _decode(raw, path)
    front, front_first_line, body, body_line = _split(text, path)
    data = front_matter_data(front, path, front_first_line)
    return Document(path, kind, data, body, body_line, source or path, front, front_first_line)


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        _fault(
            path,
            line,
            column,
            f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x} is not valid here",
            "save the file as UTF-8",
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        _fault(path, line, 1, "the file contains a NUL byte; it looks binary", "save it as plain text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str, path: str) -> tuple[str, int, str, int]:
    """Front matter between a first line `---` and the next `---` line.

    A `...` line (YAML's end of document) is refused where it stands: taken as the end, the fields after
    it would silently become body; ignored, GitHub and other readers would disagree about where the
    front matter ends.
    """
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
        marker = lines[index].rstrip()
        if marker == "...":
            _fault(
                path,
                index + 1,
                1,
                "the front matter is closed with '---', not '...'",
                "replace this line with '---', or remove it if more fields follow",
            )
        if marker == "---":
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return front, 2, body, index + 2
    _fault(
        path,
        1,
        1,
        "the front matter opened on line 1 is never closed",
        "end the fields with a line '---' before the text",
    )
    raise AssertionError("unreachable")


def parse_front_matter(
    front: str, path: str, first_line: int = 2
) -> tuple[dict[str, Any], dict[FieldPath, Position], dict[FieldPath, Position]]:
    """Parse front-matter text (which starts at file line `first_line`) into plain data and positions."""
    root = _compose(front, path, first_line)
    converter = _Converter(path, first_line)
    data = converter.convert(root, (), 0)
    return data, converter.values, converter.keys


def front_matter_data(front: str, path: str, first_line: int = 2) -> dict[str, Any]:
    """The data `parse_front_matter` gives, without positions; the same faults, found by it."""
    root = _compose(front, path, first_line)
    try:
        return _plain_mapping(root, 0, set())
    except _Unusual:
        return parse_front_matter(front, path, first_line)[0]


def _compose(front: str, path: str, first_line: int) -> yaml.MappingNode:
    """The front matter's node tree, after the checks that must come before composing it."""
    unprintable = _NOT_YAML_PRINTABLE.search(front)
    if unprintable:
        at = unprintable.start()
        _fault(
            path,
            front.count("\n", 0, at) + first_line,
            at - (front.rfind("\n", 0, at) + 1) + 1,
            f"the front matter contains the control character U+{ord(unprintable.group()):04X}",
            "delete it; most editors do not show it",
        )
    if _could_be_hostile(front):
        _screen_events(front, path, first_line)
    try:
        root = yaml.compose(front, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        _yaml_fault(exc, path, first_line, front)
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
    return root


class _Unusual(Exception):
    """Not the plain text, lists and mappings of a valid front matter: the positioned reader decides."""


_NULL_TAG = _CORE + "null"


def _plain(node: yaml.Node, depth: int, seen: set[int]) -> Any:
    """What _Converter.convert gives for `node`, for the common shapes; _Unusual for anything else."""
    tag = node.tag
    if type(node) is yaml.ScalarNode:
        if tag == _STR_TAG:
            return node.value
        if tag not in _SCALAR_TAGS:
            raise _Unusual
        return None if tag == _NULL_TAG and not node.style else node.value
    if type(node) is yaml.MappingNode:
        return _plain_mapping(node, depth, seen)
    if type(node) is yaml.SequenceNode and tag == _SEQ_TAG:
        if id(node) in seen or depth >= MAX_DEPTH or len(node.value) > MAX_ITEMS:
            raise _Unusual
        seen.add(id(node))
        return [_plain(item, depth + 1, seen) for item in node.value]
    raise _Unusual


def _plain_mapping(node: yaml.Node, depth: int, seen: set[int]) -> dict[str, Any]:
    # Near the depth limit the positioned reader decides (it counts a value one deeper than its mapping).
    if node.tag != _MAP_TAG or id(node) in seen or depth >= MAX_DEPTH or len(node.value) > MAX_ITEMS:
        raise _Unusual
    seen.add(id(node))
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag != _STR_TAG or type(key_node) is not yaml.ScalarNode:
            raise _Unusual
        key = key_node.value
        if key in result:
            raise _Unusual
        if value_node.tag == _STR_TAG and type(value_node) is yaml.ScalarNode:
            result[key] = value_node.value
        else:
            result[key] = _plain(value_node, depth + 1, seen)
    return result


# An anchor (&a) or alias (*a) starts a node: at a line's start, after a space or tab, or after a flow
# indicator or the colon of a flow pair ({"a":*x}). An '&' or '*' inside a word (R&D, AT&T, 4*5) is text.
_BEFORE_A_NODE = frozenset("[]{},:")


def may_hold_anchors(front: str) -> bool:
    """An '&' or '*' stands where a node starts: the text may hold anchors or aliases. Each mark is
    looked at where it is (a regex tried at every position cost more than composing the text)."""
    for mark in "&*":
        at = front.find(mark)
        while at >= 0:
            before = front[at - 1] if at else "\n"
            if before.isspace() or before in _BEFORE_A_NODE:
                return True
            at = front.find(mark, at + 1)
    return False


def _could_be_hostile(front: str) -> bool:
    if may_hold_anchors(front):
        return True  # anchors or aliases may be present: check exactly
    bound = front.count("\n") + front.count("[") + front.count("{") + front.count("- ") + front.count("? ")
    return bound > _C_SAFE_NESTING_BOUND


def _screen_events(front: str, path: str, first_line: int) -> None:
    """Reject anchors, aliases and deep nesting before anything is composed.

    libyaml's event parser is iterative (only its composer recurses) and runs at C speed; where it
    finds the YAML itself broken, the pure-Python parser screens again, so the message is the one
    that parser gives.
    """
    try:
        _screen(yaml.parse(front, Loader=_CSafeLoader), path, first_line)
    except yaml.YAMLError:
        _screen_python(front, path, first_line)


def _screen(events: Iterator[yaml.Event], path: str, first_line: int) -> None:
    depth = 0
    for event in events:
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


def _screen_python(front: str, path: str, first_line: int) -> None:
    try:
        _screen(yaml.parse(front, Loader=yaml.SafeLoader), path, first_line)
    except yaml.MarkedYAMLError as exc:
        _yaml_fault(exc, path, first_line, front)


def _yaml_fault(exc: yaml.MarkedYAMLError, path: str, first_line: int, front: str) -> NoReturn:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else 1
    lines = front.split("\n")
    if mark and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
        _fault(path, line, column, "a tab is used here; YAML indents with spaces", "use spaces instead")
    problem = exc.problem or "invalid YAML"
    if "another document" in problem:
        _fault(
            path,
            line,
            column,
            "a second YAML document starts here; the front matter is one mapping of fields",
            "end the front matter with a line of exactly '---', or remove this line",
        )
    context = f" {exc.context}" if exc.context else ""
    if context and problem.startswith("but "):
        # PyYAML's halves read "expected X" (context) "but found Y" (problem): in that order.
        problem, context = f"{exc.context}, {problem}", ""
    start = exc.context_mark
    opened = next((words for kind, words in _OPENERS.items() if kind in (exc.context or "")), "")
    at_end = "end of stream" in problem or (mark is not None and mark.line >= len(lines) - 1)
    if start and opened and at_end:
        # A quote or bracket that is never closed: the fault is where it opens, not at the end.
        _fault(
            path,
            start.line + first_line,
            start.column + 1,
            f"the front matter is not valid YAML: {opened} opened here is never closed",
            "close it, or check the quotes and brackets on this line",
        )
    if context and start and mark and start.line != mark.line:
        # An unclosed bracket or quote fails lines later: say where it was opened.
        context += f" started on line {start.line + first_line}"
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
        mark = node.start_mark
        return _new_position(Position, (mark.line + self.first_line, mark.column + 1))

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
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return node.value  # text: the common case
        if isinstance(node, yaml.CollectionNode) and len(node.value) > MAX_ITEMS:
            self._fail(
                node,
                f"{'a list' if isinstance(node, yaml.SequenceNode) else 'a mapping'} of "
                f"{len(node.value):,} entries, over the limit of {MAX_ITEMS:,}",
                "move long material to a linked document",
                where,
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                self._fail(node, f"YAML tag {_shown_tag(node.tag)} is not allowed", "remove the tag", where)
            return self._sequence(node, where, depth)
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, f"YAML tag {_shown_tag(node.tag)} is not allowed", "write plain text", where)
        if node.tag == _CORE + "null" and not getattr(node, "style", None):
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, where: FieldPath, depth: int) -> dict[str, Any]:
        if node.tag != _CORE + "map":
            self._fail(node, f"YAML tag {_shown_tag(node.tag)} is not allowed", "remove the tag", where)
        result: dict[str, Any] = {}
        keys, values, seen, first_line = self.keys, self.values, self.seen, self.first_line
        for key_node, value_node in node.value:
            if key_node.tag != _STR_TAG or type(key_node) is not yaml.ScalarNode:
                self._check_key(key_node, where)
            key = key_node.value
            if key in result:
                first = keys[(*where, key)]
                self._fail(
                    key_node,
                    f"duplicate field {key!r}, first given on line {first.line}",
                    "keep one of them",
                    (*where, key),
                )
            path = (*where, key)
            mark = key_node.start_mark
            keys[path] = _new_position(Position, (mark.line + first_line, mark.column + 1))
            value_id = id(value_node)
            if (
                value_node.tag == _STR_TAG
                and type(value_node) is yaml.ScalarNode
                and depth < MAX_DEPTH
                and value_id not in seen
            ):
                # Text, the common case, inline: what convert() does for it, without a call per value.
                seen.add(value_id)
                mark = value_node.start_mark
                values[path] = _new_position(Position, (mark.line + first_line, mark.column + 1))
                result[key] = value_node.value
            else:
                result[key] = self.convert(value_node, path, depth + 1)
        return result

    def _sequence(self, node: yaml.SequenceNode, where: FieldPath, depth: int) -> list[Any]:
        items: list[Any] = []
        values, seen, first_line = self.values, self.seen, self.first_line
        for index, item in enumerate(node.value):
            path = (*where, index)
            item_id = id(item)
            if (
                item.tag == _STR_TAG
                and type(item) is yaml.ScalarNode
                and depth < MAX_DEPTH
                and item_id not in seen
            ):
                seen.add(item_id)  # text inline, as in _mapping
                mark = item.start_mark
                values[path] = _new_position(Position, (mark.line + first_line, mark.column + 1))
                items.append(item.value)
            else:
                items.append(self.convert(item, path, depth + 1))
        return items

    def _check_key(self, key_node: yaml.Node, where: FieldPath) -> None:
        """A field name that is not plain text: a list or mapping, a merge key, or a number/date/boolean."""
        if not isinstance(key_node, yaml.ScalarNode):
            self._fail(
                key_node,
                "a field name must be plain text, not a list or mapping",
                "write a plain name before the colon, like 'title:'",
                where,
            )
        key = key_node.value
        if key_node.tag == _CORE + "merge":
            self._fail(
                key_node, "YAML merge keys (<<) are not allowed", "write the fields out in full", where
            )
        if key_node.tag.removeprefix(_CORE) not in _KEY_READ_AS and key_node.tag != _STR_TAG:
            # An explicit tag such as !!python/name:os.system (its name is often empty): the tag is the fault.
            named = f" on the field name {key!r}" if key else " on a field name"
            self._fail(
                key_node,
                f"YAML tag {_shown_tag(key_node.tag)} is not allowed{named}",
                "remove the tag and write a plain name before the colon, like 'title:'",
                where,
            )
        if not key_node.style and key_node.tag != _CORE + "str":
            read_as = _KEY_READ_AS[key_node.tag.removeprefix(_CORE)]
            self._fail(
                key_node,
                f"field name {key!r} is read by YAML as {read_as}, not text",
                f'quote it if you mean the text: "{key}"',
                where,
            )


def _shown_tag(tag: str) -> str:
    """tag:yaml.org,2002:python/object -> !!python/object, as the author wrote it."""
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def dotted(path: FieldPath) -> str:
    """('decision', 'deciders', 0) -> 'decision.deciders[0]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def iter_document_files(root: Path) -> Iterator[Path]:
    """All document files under root/reviews and root/accounts, in a stable order (see documents.files)."""
    from generator.documents.files import source_files

    yield from source_files(root).documents
