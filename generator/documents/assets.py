"""Files beside the documents (reviews/img/plan.png): only inert types are published, byte for byte.

The site is served from one origin, so a file that can run script there (HTML, an SVG with a script,
anything a browser might sniff into HTML) would run with the site's rights. The allow-list is of types
that cannot: raster images and PDF, each checked to be what its name says, and SVG that only draws
(checked element by element against an allow-list, with positions). Anything else is a validation
error at its path, and each file is under a size limit.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import read_regular_file

MAX_ASSET_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class AssetType:
    name: str
    signatures: tuple[tuple[int, bytes], ...]  # (offset, bytes): any one of them


_TYPES = {
    ".png": AssetType("PNG image", ((0, b"\x89PNG\r\n\x1a\n"),)),
    ".jpg": AssetType("JPEG image", ((0, b"\xff\xd8\xff"),)),
    ".jpeg": AssetType("JPEG image", ((0, b"\xff\xd8\xff"),)),
    ".gif": AssetType("GIF image", ((0, b"GIF87a"), (0, b"GIF89a"))),
    ".webp": AssetType("WebP image", ((8, b"WEBP"),)),
    ".avif": AssetType("AVIF image", ((4, b"ftypavif"), (4, b"ftypavis"))),
    ".pdf": AssetType("PDF document", ((0, b"%PDF-"),)),
    ".svg": AssetType("SVG image", ()),
}
ALLOWED = (
    "the site publishes PNG, JPEG, GIF, WebP and AVIF images, PDF, and SVG that only draws; "
    "link anything else"
)

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
# Editors' own namespaces (Inkscape, Sodipodi, RDF metadata): never rendered, never scripted.
_METADATA = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
    }
)
_DRAWING = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop",
    "pattern", "clipPath", "mask", "marker", "filter", "feBlend", "feColorMatrix", "feComponentTransfer",
    "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight",
    "feTile", "feTurbulence", "style", "switch",
}  # fmt: skip
_OWN_PARTS = "an SVG on the site may only refer to its own parts, like '#id'"
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_CSS_HAZARD = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)


def asset_type(path: Path | str) -> AssetType | None:
    return _TYPES.get(Path(path).suffix.lower())


def read_asset(path: Path, shown: str) -> bytes:
    """The bytes of an asset that may be published; raises DocumentError with a positioned message."""
    kind = asset_type(path)
    if kind is None:
        suffix = Path(path).suffix
        what = f"files of type {suffix}" if suffix else "files without an extension"
        _fault(shown, 1, 1, f"{what} are not published", ALLOWED)
    raw = read_regular_file(path, shown, MAX_ASSET_BYTES, _oversize, "a file")
    if kind.signatures and not any(raw[at : at + len(sig)] == sig for at, sig in kind.signatures):
        _fault(
            shown,
            1,
            1,
            f"the file is not a {kind.name}, whatever its name says",
            f"save it as {kind.name.split()[0]}, or name it for what it is",
        )
    if not kind.signatures:
        check_svg(raw, shown)
    return raw


def _fault(path: str, line: int, column: int, message: str, hint: str = "") -> NoReturn:
    raise DocumentError(Diagnostic(path, line, column, "", message, hint))


def _oversize(path: str, size: int) -> NoReturn:
    _fault(
        path,
        1,
        1,
        f"file is {size:,} bytes, over the {MAX_ASSET_BYTES:,}-byte limit for files beside documents",
        "make it smaller, or link large material instead",
    )


class _Refuse(Protocol):
    def __call__(self, message: str, hint: str = "remove it") -> NoReturn: ...


class _Unsafe(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.where = (line, column)
        self.message = message
        self.hint = hint


def check_svg(raw: bytes, shown: str) -> None:
    """An SVG may only draw: allow-listed SVG elements, no event handlers, references only to its own
    parts (`#id`), no DOCTYPE (entities), no processing instructions, no HTML inside."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0
    in_style = False

    def refuse(message: str, hint: str = "remove it") -> NoReturn:
        raise _Unsafe(parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, message, hint)

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, in_style
        namespace, _, local = name.rpartition(" ")
        if depth == 0 and local == "svg" and namespace != _SVG:
            refuse(
                "the SVG does not declare the SVG namespace, so browsers do not draw it",
                f'add xmlns="{_SVG}" to the <svg> element',
            )
        if depth == 0 and (namespace, local) != (_SVG, "svg"):
            refuse(f"the file is not an SVG image (it starts with <{local}>)", "save it as SVG")
        depth += 1
        if namespace in _METADATA:
            return
        if namespace != _SVG or local not in _DRAWING:
            refuse(f"the SVG has a <{local}> element; an SVG on the site may only draw")
        in_style = local == "style"
        for key, value in attributes.items():
            _check_attribute(key, value, refuse)

    def end(name: str) -> None:
        nonlocal depth, in_style
        depth -= 1
        in_style = False

    def text(data: str) -> None:
        if in_style:
            _check_css(data, refuse)

    def doctype(*_: object) -> None:
        # expat is past the name by now: the fault is where the declaration starts.
        at = raw.upper().rfind(b"<!DOCTYPE", 0, parser.CurrentByteIndex + 1)
        if at >= 0:
            line_start = raw.rfind(b"\n", 0, at) + 1
            raise _Unsafe(
                raw.count(b"\n", 0, at) + 1,
                len(raw[line_start:at].decode("utf-8", "replace")) + 1,
                "the SVG declares a DOCTYPE; entities and external definitions are not allowed",
                "remove the <!DOCTYPE ...> line",
            )
        refuse(
            "the SVG declares a DOCTYPE; entities and external definitions are not allowed",
            "remove the <!DOCTYPE ...> line",
        )

    def instruction(target: str, data: str) -> None:
        refuse(f"the SVG has a processing instruction <?{target} ...?>, which could style or script it")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    parser.ExternalEntityRefHandler = lambda *_: refuse("the SVG refers to an external entity")
    try:
        parser.Parse(raw, True)
    except _Unsafe as unsafe:
        _fault(shown, *unsafe.where, unsafe.message, unsafe.hint)
    except xml.parsers.expat.ExpatError as exc:
        _fault(
            shown,
            exc.lineno,
            exc.offset + 1,
            f"the SVG is not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}",
            "save it again from a drawing program",
        )


def _check_attribute(key: str, value: str, refuse: _Refuse) -> None:
    namespace, _, local = key.rpartition(" ")
    if namespace in _METADATA or namespace == _XML:
        return
    if local.lower().startswith("on"):
        refuse(f"the SVG has an '{local}' attribute, which runs script; an SVG on the site may only draw")
    if namespace not in ("", _XLINK):
        refuse(f"the SVG has an attribute '{local}' of an unknown kind ({namespace})")
    if local == "href" and not value.strip().startswith("#"):
        refuse(
            f"the SVG refers to '{value}'; {_OWN_PARTS}",
            "remove the reference",
        )
    if local in ("style", "fill", "stroke", "filter", "clip-path", "mask", "marker-start", "marker-mid",
                 "marker-end", "cursor"):  # fmt: skip
        _check_css(value, refuse)


def _check_css(css: str, refuse: _Refuse) -> None:
    hazard = _CSS_HAZARD.search(css)
    if hazard:
        refuse(f"the SVG's style has '{hazard.group()}'; an SVG on the site may only draw")
    for target in _URL.findall(css):
        if not target.startswith("#"):
            refuse(
                f"the SVG refers to '{target}'; {_OWN_PARTS}",
                "remove the reference",
            )
