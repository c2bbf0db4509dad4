"""The Summary sheet (a register that tracks appetite, targets or actions): first in the workbook.

The workbook's version of the summary every format opens with (`ReportView.tracking`): the
entries above appetite, the gap to target (largest first), overdue actions, overdue reviews and
target dates passed, each a heading with its count and then one line per entry, as the view
words them. A plain range, not an Excel table: the Register's table stays the workbook's first.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import ReportView, long_date
from . import layout as lay
from . import packs
from .style import print_setup, put_text

SHEET = words.SUMMARY_SHEET
WIDTH = 120.0


def summary_sheet(ws: Worksheet, view: ReportView, first: bool = False) -> None:
    """The summary; the `first` sheet starts with Part B's mark and the selection line (a pack's)."""
    tracking = view.tracking
    assert tracking is not None
    top = packs.top_lines(ws, view) if first else 0
    put_text(ws.cell(top + 1, 1), f"{tracking.heading}: {view.heading}", "rg title")
    ws.row_dimensions[top + 1].height = 20
    reg = view.register
    put_text(ws.cell(top + 2, 1), f"Period: {reg.period}    Report date: {long_date(view.date)}", "rg subtitle")
    sheets = [f"'{words.REGISTER_SHEET}'", f"'{words.ACTIONS_SHEET}'"]
    if reg.appetite is not None:
        sheets.append(f"'{words.APPETITE_SHEET}'")
    levels = f"; the council's appetite levels are on the {sheets[2]} sheet" if len(sheets) > 2 else ""
    note = (
        "As at the report date. Every entry's appetite, gap to target, next action due and overdue actions are "
        f"columns of the {sheets[0]} sheet; each action, with its due date and status, is a row of the "
        f"{sheets[1]} sheet{levels}."
    )
    put_text(ws.cell(top + 3, 1), note, "rg note wrap")
    ws.row_dimensions[top + 3].height = lay.note_height(note, WIDTH)
    cap = lay.chars_per_line(WIDTH)
    row = top + 5
    for label, items in tracking.rows():
        put_text(ws.cell(row, 1), label, "rg heading")
        ws.row_dimensions[row].height = 18
        row += 1
        if not items:
            put_text(ws.cell(row, 1), "None.", "rg note")
            row += 1
        for item in items:
            put_text(ws.cell(row, 1), item, "rg wrap")
            ws.row_dimensions[row].height = lay.row_height(lay.line_count(item, cap))
            row += 1
        row += 1
    ws.column_dimensions["A"].width = WIDTH
    print_setup(ws, f"{top + 1}:{top + 1}", view.full_title)
