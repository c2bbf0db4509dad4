"""Hostile input, made at run time (never committed): zip bombs, huge sheet ranges, registers of
millions of values; and the command run in a child with an address-space limit.

A file here is made small and fast: a bomb's deflate stream is one compressed megabyte repeated,
so a 3 MB file inflates to 3 GB without the test compressing 3 GB.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GB = 2**30


def run_limited(args: list[str], memory_gb: float = 2, timeout: float = 60) -> subprocess.CompletedProcess:
    """`reportgen ARGS` in a child process limited to `memory_gb` of address space (as the acceptance
    checks run it). Raises subprocess.TimeoutExpired past `timeout` seconds."""
    cap = int(memory_gb * GB)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    import reportgen

    src = Path(reportgen.__file__).resolve().parents[1]  # the reportgen under test, in the child too
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=limit,
    )


def problem_lines(proc: subprocess.CompletedProcess) -> list[str]:
    """What the command printed on stderr, less `validate`'s closing count ("x.yaml: 1 error")."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if lines and lines[-1].endswith((": 1 error", " errors")):
        lines = lines[:-1]
    return lines


# --------------------------------------------------------------------------- zip packages


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of head + chunk*times + tail, made without compressing chunk*times:
    after a full flush a compressor forgets what it saw, so one flushed chunk can be repeated.
    Returns (stream, CRC-32 of the inflated bytes, inflated size)."""

    def flushed(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = flushed(head) + flushed(chunk) * times + last.compress(tail) + last.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return stream, crc, len(head) + len(chunk) * times + len(tail)


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> None:
    """A zip of (name, raw deflate data, CRC-32, declared size, compressed size) members, written
    by hand: zipfile cannot store data compressed elsewhere, nor declare a size that lies."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size, _ in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        fields = (0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", *fields) + encoded)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())


def _members_of(package: bytes) -> list[tuple[str, bytes, int, int, int]]:
    members = []
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        for info in zf.infolist():
            content = zf.read(info)
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(content) + c.flush()
            members.append((info.filename, data, zlib.crc32(content), len(content), len(data)))
    return members


def blank_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def docx_bomb(path: Path, inflated: int = 3 * GB, declared: int | None = None) -> Path:
    """A Word document whose word/document.xml inflates to `inflated` bytes (one long paragraph of
    'A's); its zip entry declares `declared` bytes (default: the truth)."""
    members = [m for m in _members_of(blank_docx()) if m[0] != "word/document.xml"]
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>"
    )
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b"A" * 2**20
    stream, crc, size = _deflate_repeated(head, chunk, (inflated - len(head) - len(tail)) // len(chunk), tail)
    members.append(("word/document.xml", stream, crc, size if declared is None else declared, len(stream)))
    _write_zip(path, members)
    return path


def nested_tables_docx(path: Path, depth: int) -> Path:
    """A Word document whose body holds one table nested `depth` tables deep."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    inner = "<w:p><w:r><w:t>Risk ID CR1</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<w:document {w}><w:body>{inner}</w:body></w:document>'
    members = [m for m in _members_of(blank_docx()) if m[0] != "word/document.xml"]
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = xml.encode()
    stream = c.compress(data) + c.flush()
    members.append(("word/document.xml", stream, zlib.crc32(data), len(data), len(stream)))
    _write_zip(path, members)
    return path


# --------------------------------------------------------------------------- workbooks


def workbook_to_last_row(path: Path, how: str) -> Path:
    """A small register workbook whose range reaches Excel's last row, 1,048,576: its Excel table's
    range (how='table'), or, with no table, one formatted empty cell there (how='cell')."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    heads = ["ID", "Type", "Title", "Description", "Risk / Opportunity Type", "Consequences / Benefits"]
    heads += ["Current controls", "Control owner(s)", "Current score", "Current likelihood", "Current impact"]
    heads += ["Mitigating / maximising actions", "Mitigation owner(s)", "Residual score", "Target score"]
    heads += ["Target confidence", "Owner", "Target date", "Direction of travel", "Progress to date"]
    ws.append(heads)
    ws.append(["CR1", "Risk", "Budget", "Delivering a balanced budget", "Economic"] + [None] * 3 + [12])
    ws.append(["CR2", "Risk", "Workforce", "Recruiting social workers", "Operational"] + [None] * 3 + [9])
    if how == "table":
        ws.add_table(Table(displayName="Register", ref="A1:T1048576"))
    else:
        ws.cell(1048576, 1).font = Font(bold=True)
    wb.save(path)
    return path
