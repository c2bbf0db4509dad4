"""Word (.docx) and Excel (.xlsx) files are zip packages: refuse one whose parts would unpack
to more than any register document needs (a "zip bomb") before anything reads them.

The one place for the check. The importers call it (`importers.kind_of`) before python-docx
or openpyxl open a document, and the Word writer before it opens a `--reference-docx`
(`writers.docx._open`): both libraries read a part whole into memory, so a 3 MB file whose
document.xml inflates to 3 GB took 6 GB to open.

Both the sizes the package declares and what its parts really inflate to are checked: every
part is inflated once, a megabyte at a time, counting, and stops at the limit (which also
checks each part's CRC, as `zipfile.testzip` did). Python's zipfile reads no further than a
part's declared size, and a part that claims less than it holds fails its CRC: "damaged".
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .diagnostics import Diagnostic, RegisterError

MiB = 2**20
#: Largest size one part may unpack to. A 5000-entry register's own Word document.xml is
#: 37 MB and its worksheet 23 MB; a logo or photo in a house template is a few MB.
MAX_PART_BYTES = 128 * MiB
#: Largest size the whole package may unpack to.
MAX_TOTAL_BYTES = 256 * MiB
#: Most parts a package may hold; Word and Excel write a few dozen.
MAX_PARTS = 10_000

_CHUNK = MiB


class PackageError(RegisterError):
    """A .docx/.xlsx that is refused before it is opened: one diagnostic naming the file."""


def _declared(info: zipfile.ZipInfo) -> int:
    """The size a part says it unpacks to (which may be a lie)."""
    return info.file_size


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1e6 else f"{size / 1e6:.1f} MB"


def check(
    path: str | Path,
    what: str = "a Word (.docx) or Excel (.xlsx) file",
    needs: str | None = None,
    advice: str = "save it again from Word or Excel",
) -> list[str]:
    """The names of the parts of the package at `path`, once it is known to be safe to open.

    Raises `PackageError` (one line: the file, what is wrong, what to do) for a file that is
    not a zip package, is damaged, lacks the part `needs`, or would unpack to more than
    MAX_PART_BYTES for a part or MAX_TOTAL_BYTES in all."""
    name = str(path)

    def refuse(message: str) -> PackageError:
        return PackageError([Diagnostic(message, file=name)])

    def too_big(part: str, size: int | None, limit: int, of: str) -> PackageError:
        unpacks = f"would unpack to {_mb(size)}, more than" if size is not None else "unpacks to more than"
        return refuse(
            f"{part} {unpacks} the {limit // MiB} MiB limit for {of}, so it was not opened "
            "(a file like this may be a 'zip bomb', made to exhaust the computer's memory)"
        )

    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(4)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except IsADirectoryError:
        raise refuse(f"is a folder, not {what}") from None
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from exc
    if not head.startswith(b"PK"):
        raise refuse(f"is not {what}; {advice}")
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise refuse(
                    f"holds {len(infos):,} parts, more than the limit of {MAX_PARTS:,} for a document, "
                    "so it was not opened"
                )
            names = [i.filename for i in infos]
            if needs is not None and needs not in names:
                raise refuse(f"is not {what}; {advice}")
            # What the package declares, before inflating anything.
            for info in infos:
                if _declared(info) > MAX_PART_BYTES:
                    raise too_big(info.filename, _declared(info), MAX_PART_BYTES, "one part of a document")
            declared = sum(_declared(i) for i in infos)
            if declared > MAX_TOTAL_BYTES:
                raise too_big("its parts", declared, MAX_TOTAL_BYTES, "a whole document")
            # What the parts really inflate to: never more than the limits, whatever they claim.
            total = 0
            for info in infos:
                part = 0
                with zf.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        part += len(chunk)
                        total += len(chunk)
                        if part > MAX_PART_BYTES:
                            raise too_big(info.filename, None, MAX_PART_BYTES, "one part of a document")
                        if total > MAX_TOTAL_BYTES:
                            raise too_big("its parts", None, MAX_TOTAL_BYTES, "a whole document")
    except PackageError:
        raise
    except zipfile.BadZipFile as exc:
        bad = str(exc).split("'")[1] if str(exc).count("'") >= 2 else None
        where = f"{bad} cannot be read" if bad else "its zip container cannot be read"
        raise refuse(f"is damaged ({where}); {advice}") from None
    except RuntimeError:  # zipfile: an encrypted part
        raise refuse("is password-protected; remove the password and try again") from None
    except (EOFError, OSError, ValueError, NotImplementedError, zlib.error):
        raise refuse(f"is damaged (its zip container cannot be read); {advice}") from None
    return names
