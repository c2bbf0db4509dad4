"""The Cards sheet: for a card-layout register, one block per entry, as the council publishes it.

The Register sheet is for sorting and filtering; this sheet is for reading and
printing. Because it is not a table, a long field can run over several rows,
so no text is lost to Excel's largest row height (409 points), which one row
per entry cannot avoid for the longest cells.
"""

from __future__ import annotations

import datetime as dt
import re

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import EntryView, ReportView, ScoreView, long_date
from . import layout as lay
from .style import band_rules, groups_text, owners_text, print_setup, put_text, rich_lines, rich_text

CARDS_SHEET = words.CARDS_SHEET
WIDTHS = (22.0, 52.0, 22.0, 52.0)
#: Lines of wrapped text per row when a long field runs over several rows: short
#: enough that a printed page wastes little when a row moves to the next one.
CHUNK_LINES = 12
_LIST_ITEM = re.compile(r"^\s*(?:•|\d+\.)\s|^\s")


def _scale(sv: ScoreView | None, which: str) -> str:
    """`Likely (4)`, or `4`, or ``."""
    return sv.scale_text(which) if sv else ""


def _score(sv: ScoreView | None) -> int | str | None:
    """The score as a number; a score that could not be read, as written and marked so."""
    if sv is not None and sv.unread:
        return sv.text
    return sv.score if sv is not None else None


def _when(value: dt.date | str | None) -> str:
    """A target date as the card prints it: `31 December 2026`, or as written ("March 2022")."""
    if isinstance(value, dt.date):
        return long_date(value)
    return value or ""


def _notes(ev: EntryView) -> str:
    """The entry's notes, one a line (the target date has a row of its own)."""
    notes = [n for key in ("current", "plan", "id") for n in ev.notes.get(key, ()) if n.field != "target_date"]
    if not notes:
        return ""
    return rich_lines([[(n.text, n.alert, False)] for n in notes])


def _chunks(text: str, cap: int) -> list[tuple[str, int]]:
    """Split `text` at line ends into pieces of at most CHUNK_LINES wrapped lines."""
    out: list[tuple[str, int]] = []
    cur: list[str] = []
    n = 0
    for line in text.split("\n"):
        if not cur and not line.strip():
            continue  # no piece starts with a blank line
        k = max(1, lay.line_count(line, cap))
        if cur and n + k > CHUNK_LINES:
            # A theme heading (a line that is no list item) stays with the items under it.
            carry = [cur.pop()] if len(cur) > 1 and cur[-1].strip() and not _LIST_ITEM.match(cur[-1]) else []
            out.append(("\n".join(cur).rstrip("\n"), sum(max(1, lay.line_count(x, cap)) for x in cur)))
            cur = carry
            n = sum(max(1, lay.line_count(x, cap)) for x in cur)
            if not line.strip():
                continue
        cur.append(line)
        n += k
    if cur:
        out.append(("\n".join(cur).rstrip("\n"), n))
    return out


def _merge(ws: Worksheet, row: int, first: int, last: int, style: str) -> None:
    """Merge columns `first`..`last` of `row`, the covered cells in `style`.

    `Worksheet.merge_cells` compares each new range with every earlier one (quadratic
    over a large register) and then builds border objects cell by cell; these ranges
    are disjoint by construction and the named style already carries the borders."""
    ws.merged_cells.ranges.add(MergedCellRange(ws, f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"))
    for col in range(first + 1, last + 1):
        cell = MergedCell(ws, row, col)
        cell.style = style
        ws._cells[row, col] = cell


def _card(ws: Worksheet, row: int, ev: EntryView) -> int:
    """Write one card from `row`; return the next free row. The labels are the view's, as on
    the Word and PDF cards."""
    e = ev.entry
    label_cap = lay.chars_per_line(WIDTHS[0], bold=True)
    value_cap = lay.chars_per_line(WIDTHS[1])
    wide_cap = lay.chars_per_line(WIDTHS[1] + WIDTHS[2] + WIDTHS[3])
    full_cap = lay.chars_per_line(sum(WIDTHS), bold=True)

    title = f"{ev.label('id')} {e.id}" + (f" – {e.title.strip()}" if e.title and e.title.strip() else "")
    put_text(ws.cell(row, 1), title, "rg card title")
    _merge(ws, row, 1, 4, "rg card title")
    ws.row_dimensions[row].height = lay.row_height(lay.line_count(title, full_cap)) + 6
    row += 1

    L = ev.label
    pairs = [
        (L("current"), _score(ev.current), L("target"), _score(ev.target)),
        (
            L("current_likelihood"),
            _scale(ev.current, "likelihood"),
            L("target_likelihood"),
            _scale(ev.target, "likelihood"),
        ),
        (L("current_impact"), _scale(ev.current, "impact"), L("target_impact"), _scale(ev.target, "impact")),
        (L("residual"), _score(ev.residual), "", ""),
        (
            L("residual_likelihood"),
            _scale(ev.residual, "likelihood"),
            L("residual_impact"),
            _scale(ev.residual, "impact"),
        ),
        (L("owner"), e.owner or "", L("target_date"), _when(e.target_date)),
        (L("target_confidence"), e.target_confidence or "", L("direction"), rich_text(ev.blocks("direction"))),
        (L("types"), "\n".join(ev.types), "", ""),
        # A register that tracks appetite, targets or actions: the view's notes (appetite, gap
        # to target, a late review), bold where they ask for attention, as on the Word card.
        (words.TRACKING_HEADING, _notes(ev), "", ""),
    ]
    for l1, v1, l2, v2 in pairs:
        if v1 in (None, "") and v2 in (None, ""):
            continue
        lines = 1
        for col, (label, value) in enumerate(((l1, v1), (l2, v2))):
            c = 1 + 2 * col
            if label:
                put_text(ws.cell(row, c), label, "rg card label")
                lines = max(lines, lay.line_count(label, label_cap))
            else:
                ws.cell(row, c).style = "rg card label"
            cell = ws.cell(row, c + 1)
            if isinstance(value, int):
                cell.value = value
                cell.style = "rg score"
            elif value:
                put_text(cell, value, "rg text")
                lines = max(lines, lay.line_count(value, value_cap))
            else:
                cell.style = "rg text"
        ws.row_dimensions[row].height = lay.row_height(lines)
        row += 1

    longs = [
        (L("description"), rich_text(ev.blocks("description"))),
        (L("consequences"), rich_text(ev.blocks("consequences"))),
        (L("controls"), groups_text(ev.controls)),
        (L("control_owner"), owners_text(ev.owners("controls"))),
        (L("actions"), groups_text(ev.actions, status=True)),
        (L("action_owner"), owners_text(ev.owners("actions"))),
        (L("progress"), rich_text(ev.blocks("progress"))),
    ]
    for label, text in longs:
        if not text:
            continue
        for i, (piece, lines) in enumerate(_chunks(text, wide_cap)):
            if i == 0:
                put_text(ws.cell(row, 1), label, "rg card label")
                lines = max(lines, lay.line_count(label, label_cap))
            else:
                ws.cell(row, 1).style = "rg card label"
            put_text(ws.cell(row, 2), piece, "rg text")
            _merge(ws, row, 2, 4, "rg text")
            ws.row_dimensions[row].height = lay.row_height(lines)
            row += 1
    return row + 1  # a blank row between cards


def cards_sheet(ws: Worksheet, view: ReportView) -> None:
    put_text(ws.cell(1, 1), view.full_title, "rg title")
    put_text(
        ws.cell(2, 1),
        "One card per risk and opportunity, for reading and printing; sort, filter and edit on the 'Register' sheet.",
        "rg note",
    )
    ws.row_dimensions[1].height = 20
    row = 4
    for ev in view.entries():
        row = _card(ws, row, ev)
    for i, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    # Score cells are the only numbers in columns B and D; text never matches a `between` rule.
    last = max(row, 5)
    for rule in band_rules(view.bands):
        ws.conditional_formatting.add(f"B4:B{last} D4:D{last}", rule)
    print_setup(ws, "1:1", view.full_title)
