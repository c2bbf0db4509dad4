"""Import: read a council's existing Word appendix or register workbook into the model.

Importers are readers: each yields a `Register` (plus notes on what it could not
place), and `reportgen.serialise` writes it out. They read what a document shows —
the same code reads reportgen's own output and a clerk-made document.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .. import zipguard
from ..diagnostics import Diagnostic, RegisterError
from ..model import Register

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Imported:
    register: Register
    notes: list[Diagnostic] = field(default_factory=list)  # warnings: unread scores, text that fitted no field


class ImportError_(Exception):
    """The file cannot be imported; the message is one line for the officer."""


#: Names an officer gives a Word or Excel file (an old .doc/.xls is refused with a reason).
_SUFFIXES = {".docx", ".docm", ".xlsx", ".xlsm", ".doc", ".xls"}


def is_document(path: Path) -> bool:
    """Whether `path` is for an importer rather than the YAML/JSON reader: its content is a zip
    or an old Office file (whatever its name), or it is named as a Word or Excel file.
    `import_file` then says exactly what it is, or why it cannot be read."""
    head = b""
    try:
        if path.is_file():  # not a pipe or a device: reading it here would take what the reader needs
            with open(path, "rb") as fh:
                head = fh.read(8)
    except OSError:  # missing, a folder...: whichever reads it says so
        pass
    return head.startswith((b"PK", _OLE)) or path.suffix.lower() in _SUFFIXES


def kind_of(path: Path) -> str:
    """'docx' or 'xlsx', judged by the file's content (not its name)."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ImportError_(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImportError_(f"{name}: is a folder, not a Word or Excel file") from None
    except OSError as exc:
        raise ImportError_(f"{name}: cannot be read: {exc.strerror or exc}") from exc
    if head.startswith(_OLE):
        raise ImportError_(
            f"{name}: is password-protected or in the old .doc/.xls format; "
            "remove the password or save it as .docx/.xlsx, then import it again"
        )
    if not head.startswith(b"PK"):
        raise ImportError_(f"{name}: is not a Word (.docx) or Excel (.xlsx) file")
    # Refuses a zip bomb (and checks every part's CRC) before python-docx or openpyxl read it.
    try:
        names = set(zipguard.check(path))
    except zipguard.PackageError as exc:
        raise ImportError_(str(exc)) from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "EncryptedPackage" in names:
        raise ImportError_(f"{name}: is password-protected; remove the password and import it again")
    raise ImportError_(f"{name}: is a zip file but not a Word (.docx) or Excel (.xlsx) document")


def import_file(
    path: str | Path, like: Register | None = None, progress: Callable[[str], None] | None = None
) -> Imported:
    """Read a .docx appendix or .xlsx register workbook into a register.

    `like` is an existing register whose settings (scoring scheme, column labels,
    organisation...) are kept where the document cannot show them."""
    p = Path(path)
    kind = kind_of(p)
    try:
        if kind == "docx":
            from .docx import read_docx

            return read_docx(p, like, progress)
        from .xlsx import read_xlsx

        return read_xlsx(p, like, progress)
    except (ImportError_, RegisterError):
        raise
    except ValidationError as exc:  # one line, not pydantic's four
        first = exc.errors()[0]
        where = " ".join(str(part) for part in first["loc"])
        raise ImportError_(f"{p}: cannot be read as a register: {exc.title} {where}: {first['msg']}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportError_(f"{p}: cannot be read as a {kind} register: {exc}") from exc
