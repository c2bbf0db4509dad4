"""What every rule reads: the register, where its values were in the file, and its entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity
from ..model import Entry, Register, field_key
from ..reader import Loaded, SourceMap, field_words
from .ids import id_problem

if TYPE_CHECKING:
    from .resolve import Resolution

Path = tuple[Any, ...]
KIND = {"risks": "risk", "opportunities": "opportunity"}


@dataclass(frozen=True)
class At:
    """An entry and where it is: `risks`/`opportunities`, its index, and risk or opportunity."""

    list_name: str
    index: int
    entry: Entry

    @property
    def kind(self) -> str:
        return KIND[self.list_name]

    @property
    def path(self) -> Path:
        return (self.list_name, self.index)


@dataclass
class Context:
    """A loaded register as the rules see it. Rules return diagnostics; they never change the register."""

    register: Register
    source: SourceMap

    @classmethod
    def of(cls, loaded: Loaded) -> Context:
        return cls(loaded.register, loaded.source)

    # -- diagnostics
    def diagnostic(
        self, severity: Severity, path: Path, message: str, entry: str | None = None, rest: Path = ()
    ) -> Diagnostic:
        """A finding at the value `path` points to (or the nearest enclosing value the file has)."""
        loc = self.source.value(path)
        return Diagnostic(
            message,
            severity=severity,
            file=self.source.file,
            line=loc[0] if loc else None,
            column=loc[1] if loc else None,
            entry=entry,
            field=field_words(rest) or None,
        )

    def error(self, path: Path, message: str, entry: str | None = None, rest: Path = ()) -> Diagnostic:
        return self.diagnostic("error", path, message, entry, rest)

    def warning(self, path: Path, message: str, entry: str | None = None, rest: Path = ()) -> Diagnostic:
        return self.diagnostic("warning", path, message, entry, rest)

    # -- entries
    def entries(self) -> Iterator[At]:
        """Every risk, then every opportunity."""
        for list_name in KIND:
            for i, e in enumerate(getattr(self.register, list_name)):
                yield At(list_name, i, e)

    def label(self, at: At) -> str:
        """How a diagnostic names an entry: its ID, or `risk 3` when the ID cannot be printed."""
        return at.entry.id if id_problem(at.entry.id) is None else f"{at.kind} {at.index + 1}"

    def key_path(self, at: At, fname: str) -> Path:
        """The path of an entry field as the file wrote it (`current_score` or `current`)."""
        alias = field_key(Entry, fname)
        if at.path + (alias,) in self.source.values:
            return at.path + (alias,)
        return at.path + (fname,)

    @cached_property
    def strings(self) -> list[tuple[Path, str]]:
        """Every piece of text in the register, with its path (field names, not the file's aliases)."""
        out: list[tuple[Path, str]] = []

        def visit(node: Any, path: Path) -> None:
            if isinstance(node, str):
                out.append((path, node))
            elif isinstance(node, dict):
                for k, v in node.items():
                    visit(v, path + (k,))
            elif isinstance(node, list):
                for k, v in enumerate(node):
                    visit(v, path + (k,))

        visit(self.register.model_dump(mode="python", exclude_defaults=False), ())
        return out

    # -- scores
    @cached_property
    def resolution(self) -> Resolution:
        """Every score with its likelihood and impact resolved to numbers, and what did not resolve."""
        from .resolve import resolve_scores

        return resolve_scores(self)
