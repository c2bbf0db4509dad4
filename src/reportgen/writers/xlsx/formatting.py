"""A hidden sheet recording where the Register's text is bold or italic, for import.

The Register's cells hold bold and italic as rich-text runs, which Excel and LibreOffice keep.
A program that reads a workbook without them and saves it again drops them all: openpyxl does
unless told `rich_text=True`, and so does pandas. Import then finds plain text only. This sheet
keeps, for each rich cell of the Register, its entry's ID, its column's heading, a check of its
text and its runs: `start:length:how` (`b`, `i` or `bi`), counted in characters of the cell's
text. Import uses a record only where the workbook holds no rich text at all and the cell's text
still passes the check (an edited cell keeps its edit); see `importers/xlsx.py`.

The sheet is hidden, not very hidden, so a curious user can unhide it in Excel.
"""

from __future__ import annotations

import hashlib

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from .style import print_setup, put_text

SHEET = words.FORMATTING_SHEET
HEADINGS = ("ID", "Column", "Text check", "Bold and italic")
FIRST_ROW = 4


def text_check(text: str) -> str:
    """A short check of a cell's text (the importer computes the same)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def runs(rich: CellRichText) -> str:
    """The bold and italic runs of a cell, `start:length:how` separated by spaces."""
    out = []
    at = 0
    for part in rich:
        text = part.text if isinstance(part, TextBlock) else str(part)
        if isinstance(part, TextBlock) and text:
            how = ("b" if part.font.b else "") + ("i" if part.font.i else "")
            if how:
                out.append(f"{at}:{len(text)}:{how}")
        at += len(text)
    return " ".join(out)


def formatting_sheet(ws: Worksheet, cells: list[tuple[str, str, CellRichText]], title: str) -> None:
    """One row per (entry ID, column heading, rich cell value) of the Register."""
    ws.sheet_state = "hidden"
    put_text(ws.cell(1, 1), "Bold and italic of the Register's text", "rg title")
    put_text(
        ws.cell(2, 1),
        "Kept so that reportgen's import can give bold and italic back when a program saved this workbook "
        "without them. Not for editing: an edited cell on the Register keeps its edit.",
        "rg note",
    )
    for j, heading in enumerate(HEADINGS, 1):
        put_text(ws.cell(FIRST_ROW - 1, j), heading, "rg header")
    for i, (ident, heading, rich) in enumerate(cells):
        row = FIRST_ROW + i
        for j, value in enumerate((ident, heading, text_check(str(rich)), runs(rich)), 1):
            put_text(ws.cell(row, j), value, "rg wrap")
    for letter, width in zip("ABCD", (12, 30, 20, 80)):
        ws.column_dimensions[letter].width = width
    print_setup(ws, f"{FIRST_ROW - 1}:{FIRST_ROW - 1}", title)
