"""The workbook's packs (issue 19): Part B's mark and what a selected workbook holds.

Everything shown is the view's (`ReportView.part_b`, `.selection`); this module only draws it.

* **Top lines** (`top_lines`): Part B's "NOT FOR PUBLICATION: exempt information under paragraph 3
  …" and the selection line ("Entries owned by: children; 4 of 15 entries", "Deep dive: CR3") as the
  first rows of the first sheet (the one the workbook opens on) and of the Register, above their
  titles. A public workbook of the whole register has none: its sheets start where they always did.
* **Print header** (`mark_headers`): Part B's mark, bold, above each sheet's own header line, on
  every printed page of every sheet.
* **Properties** (`properties`): Part B's mark in the subject, keywords and description; a
  selection's words in the description.

A deep dive or a filtered register is the usual workbook of the selected entries: the view holds
only them. Import skips the top lines (`importers._common.pack_line`) and warns that a Part B
workbook does not say which information is exempt.
"""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.styles import Font, NamedStyle
from openpyxl.worksheet.worksheet import Worksheet

from ...view import ReportView
from .style import FONT, put_text

PART_B_STYLE = "rg part b"
SELECTION_STYLE = "rg selection"
#: Excel's limit on a header's characters (its codes included), less a margin for the codes.
HEADER_LIMIT = 240


def styles(view: ReportView) -> list[NamedStyle]:
    """The named styles of the top lines: only a workbook that has them gets them."""
    out = []
    if view.part_b:
        out.append(NamedStyle(PART_B_STYLE, font=Font(name=FONT, size=12, bold=True, color="FF9C0006")))
    if view.selection:
        out.append(NamedStyle(SELECTION_STYLE, font=Font(name=FONT, size=11, bold=True)))
    return out


def lines(view: ReportView) -> list[tuple[str, str]]:
    """The top lines as (text, style): Part B's mark, then the selection."""
    out = []
    if view.part_b:
        out.append((view.part_b, PART_B_STYLE))
    if view.selection:
        out.append((view.selection, SELECTION_STYLE))
    return out


def top_lines(ws: Worksheet, view: ReportView) -> int:
    """Write the top lines in the sheet's first rows; return how many rows they take (0: none)."""
    rows = lines(view)
    for r, (text, style) in enumerate(rows, 1):
        put_text(ws.cell(r, 1), text, style)
        ws.row_dimensions[r].height = 18
    return len(rows)


def mark_headers(wb: Workbook, view: ReportView) -> None:
    """Part B's mark, bold, as the first line of every sheet's printed header (the sheet's own
    header line under it, shortened if the two would pass Excel's limit)."""
    if not view.part_b:
        return
    mark = view.part_b.replace("&", "&&")
    for ws in wb.worksheets:
        centre = ws.oddHeader.center
        own = centre.text or ""
        room = HEADER_LIMIT - len(mark) - 10
        if len(own) > room:
            own = own[: max(room - 1, 0)].rstrip("&") + "…"
        centre.text = f"&B{mark}&B" + (f"\n{own}" if own else "")
        centre.size = centre.size or 9


_HEADER = re.compile(rb"<(oddHeader|evenHeader|firstHeader)>[^<]*</\1>")


def header_line_breaks(data: bytes) -> bytes:
    """A header's line break as the character itself in a sheet's XML, as Excel writes it.

    Why: openpyxl writes it as the escape `_x000a_`, which LibreOffice prints as those seven
    characters (Part B's mark would run into the sheet's own header line). Only the header
    elements are touched; a header without a break is left as it is."""
    return _HEADER.sub(lambda m: m.group(0).replace(b"_x000a_", b"\n"), data)


def properties(wb: Workbook, view: ReportView) -> None:
    """Part B's mark in the subject, keywords and description; a selection's words in the description."""
    props = wb.properties
    marked = view.marked_properties(props.subject or "", props.keywords or "", props.description or "")
    props.subject, props.keywords, props.description = marked
