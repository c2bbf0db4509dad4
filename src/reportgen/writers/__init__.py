"""Writers, one module per format, registered by name.

A writer turns a `ReportView` into the bytes of one file; the API writes them
atomically. A format whose module is missing is simply not available.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the view (pydantic, markdown-it) is not imported just to list the writers
    from ..view import ReportView

#: Every format reportgen knows, in build order, with the module that writes it.
FORMATS = {"docx": "docx", "pdf": "pdf", "xlsx": "xlsx", "html": "html"}
#: Formats whose writer has a session to start before anything else (the PDF's typesetting
#: processes): a build imports these first, before the other writers' libraries.
EARLY = ("pdf",)


@dataclass(frozen=True)
class Options:
    """Settings a writer may use; each ignores what it does not need."""

    reference_docx: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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

    def deco(fn: Callable[[ReportView, Options], bytes]):
        _REGISTRY[name] = Writer(name, extension, description, fn, session)
        return fn

    return deco


def _load(names=None) -> None:
    for name, module in FORMATS.items():
        if name in _REGISTRY or (names is not None and name not in names):
            continue
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            # Only "this writer does not exist yet" is silent; a missing dependency is a real error.
            if exc.name != f"{__name__}.{module}":
                raise


def available() -> dict[str, Writer]:
    """The writers that exist, in build order."""
    _load()
    return {n: _REGISTRY[n] for n in FORMATS if n in _REGISTRY}


def present() -> list[str]:
    """The formats whose writer module is installed, in build order, found without importing
    them (so a build can start the PDF's typesetting before python-docx and openpyxl load)."""
    return [
        n
        for n, module in FORMATS.items()
        if n in _REGISTRY or importlib.util.find_spec(f"{__name__}.{module}") is not None
    ]


def get(name: str) -> Writer | None:
    """One writer, importing only its own module."""
    _load([name])
    return _REGISTRY.get(name)
