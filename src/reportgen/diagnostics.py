"""Errors and warnings about a register, in words a risk officer understands."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


def _one_line(text: str) -> str:
    """Text with its line breaks, control, text-direction and invisible characters written as escapes
    (`\\n`, `\\u202e`): a value quoted in a diagnostic can then neither start a line of its own
    (and pass for another diagnostic) nor turn the line around."""
    if text.isprintable():
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in text
    )


@dataclass(frozen=True)
class Diagnostic:
    """One finding: where it is (file, line, column, entry, field) and what is wrong."""

    message: str
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        prefix = "warning: " if self.severity == "warning" else ""
        subject = " ".join(p for p in (self.entry, self.field) if p)
        if subject:
            subject += ": "
        return _one_line(f"{where}{prefix}{subject}{self.message}")


@dataclass
class RegisterError(Exception):
    """A register that cannot be used: carries every error found (and any warnings)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: What could still be read of the register (for checking the rest), if anything.
    partial: Any = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)


class ReportgenError(Exception):
    """An expected failure that is not a register's fault (an output that cannot be written, a
    full disk, a request that contradicts itself): its message is one line the user can act on,
    and the command prints it without a traceback."""

    #: The command's exit status: 1, or 2 for a request that cannot be carried out as given.
    exit_code = 1
    #: More for `--debug` (another process's traceback, say); None when the line says it all.
    details: str | None = None
