"""Writers, one module per format, registered by name.

A writer turns a `ReportView` into the bytes of one file; the API writes them
atomically.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, ReportgenError

if TYPE_CHECKING:  # the view (pydantic, markdown-it) is not imported just to list the writers
    from ..view import ReportView


@dataclass(frozen=True)
class Format:
    """What a build must know of a format before it imports the format's writer
    (`writers/<name>/`, which checks, as it registers, that it says the same)."""

    #: The files' extension: a build names them, and checks none overwrites its input, first.
    extension: str
    #: The writer registers a `session`. A build imports such a writer, and enters its session,
    #: before it reads the register and before it imports the other writers (python-docx and
    #: openpyxl take a third of a second), so it cannot ask the writers themselves.
    session: bool = False


#: Every format reportgen knows, in build order.
FORMATS = {"docx": Format("docx"), "pdf": Format("pdf", session=True), "xlsx": Format("xlsx"), "html": Format("html")}


class UnknownFormat(ReportgenError, ValueError):
    """A format name reportgen does not know."""

    exit_code = 2

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")


def parse_formats(value: str | Iterable[str] | None) -> list[str]:
    """The formats asked for, in the order asked, checked: "docx, .PDF" or ["docx", "pdf"];
    none (or nothing) means every format. Raises `UnknownFormat`."""
    if isinstance(value, str):
        value = value.split(",")
    names = [n.strip().lower().lstrip(".") for n in value or () if n.strip()]
    for name in names:
        if name not in FORMATS:
            raise UnknownFormat(name)
    return list(dict.fromkeys(names)) or list(FORMATS)


@dataclass(frozen=True)
class Options:
    """Settings a writer may use; each ignores what it does not need.

    `warnings` is where a writer says what the user should know of an output it still wrote
    (what it left out of a reference document, say): it appends `Diagnostic`s (severity
    "warning"), and a build gives each register a list of its own (`BuildResult.warnings`)."""

    reference_docx: Path | None = None
    warnings: list[Diagnostic] = field(default_factory=list, compare=False, repr=False)

    def warn(self, message: str, file: str | Path | None = None) -> None:
        self.warnings.append(Diagnostic(message, "warning", file=str(file) if file is not None else None))


@dataclass(frozen=True)
class Writer:
    name: str
    extension: str
    description: str
    render: Callable[[ReportView, Options], bytes]
    #: Optional: a context manager a build enters before it reads the register, whose
    #: `begin(view, options)` starts rendering (in other processes, say) and returns a
    #: function that finishes and returns the bytes, so other formats are written meanwhile.
    session: Callable[[], Any] | None = None


_REGISTRY: dict[str, Writer] = {}


def register(name: str, extension: str, description: str, session: Callable[[], Any] | None = None):
    """Decorator: register `render(view, options) -> bytes` as the writer for `name`."""

    if FORMATS[name] != Format(extension, session is not None):
        raise TypeError(f"the {name} writer's extension or session is not the one FORMATS says")

    def deco(fn: Callable[[ReportView, Options], bytes]):
        _REGISTRY[name] = Writer(name, extension, description, fn, session)
        return fn

    return deco


def _load(names: Iterable[str] | None = None) -> None:
    for name in FORMATS if names is None else names:
        if name not in _REGISTRY:
            importlib.import_module(f"{__name__}.{name}")


def available() -> dict[str, Writer]:
    """Every writer, in build order (importing them all)."""
    _load()
    return {n: _REGISTRY[n] for n in FORMATS}


def get(name: str) -> Writer:
    """One writer, importing only its own module. Raises `UnknownFormat`."""
    if name not in FORMATS:
        raise UnknownFormat(name)
    _load([name])
    return _REGISTRY[name]
