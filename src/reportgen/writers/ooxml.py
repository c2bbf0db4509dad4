"""Make an OOXML package (.docx/.xlsx) byte-for-byte reproducible.

python-docx and openpyxl stamp every zip entry with the current time; this
rewrites the package with one fixed timestamp, in the same entry order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile


def normalise(data: bytes, when: dt.date) -> bytes:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()
