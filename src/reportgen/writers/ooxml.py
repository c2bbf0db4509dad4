"""Make an OOXML package (.docx/.xlsx) byte-for-byte reproducible.

python-docx and openpyxl stamp every zip entry with the current time; this
rewrites the package with one fixed timestamp, in the same entry order. A writer
that must change a part after its library wrote it (the Excel writer's cached
formula values) passes `edit`, called with each part's name and bytes as it is
copied, so the package is rewritten once.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable


def normalise(data: bytes, when: dt.date, edit: Callable[[str, bytes], bytes] | None = None) -> bytes:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            part = src.read(info.filename)
            if edit is not None:
                part = edit(info.filename, part)
            dst.writestr(zi, part, compresslevel=6)
    return out.getvalue()
