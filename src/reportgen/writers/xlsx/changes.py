"""The Changes sheet (built with --previous only): what changed since last quarter, first in the workbook.

The periods compared, then four small tables: entries new this quarter, entries closed
(in last quarter's register, not this one) with their last score, entries whose current
score moved, largest move first, with the trend in a symbol and words, and entries whose
residual or target score moved, the same way, with a column saying which score. Everything
comes from `ReportView.changes`; nothing is computed here but layout.

The tables are plain ranges with header cells, not Excel tables: the importer and the
acceptance checks take the sheet holding an Excel table to be the register, and that must
stay the Register sheet.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import ChangeItem, ReportView, shorten
from . import layout as lay
from . import packs
from .style import band_rules, print_setup, put_text

CHANGES_SHEET = words.CHANGES_SHEET
#: ID, Type, Title, three number columns (score / from, band / to, change), trend, and which
#: score moved (residual or target moves only: last, so the number columns line up).
WIDTHS = (10.0, 13.0, 52.0, 11.0, 11.0, 10.0, 28.0, 11.0)
TITLE_CHARS = 250


def _table(
    ws: Worksheet, row: int, heading: str, headers: tuple[str, ...], rows: list[tuple], empty: str
) -> tuple[int, list[str]]:
    """A heading, a header row and `rows`; return the next free row and the ranges of score cells."""
    put_text(ws.cell(row, 1), heading, "rg heading")
    ws.row_dimensions[row].height = 18
    row += 1
    if not rows:
        put_text(ws.cell(row, 1), empty, "rg note")
        return row + 2, []
    caps = [lay.chars_per_line(w, bold=True) for w in WIDTHS]
    lines = 1
    for j, h in enumerate(headers, 1):
        put_text(ws.cell(row, j), h, "rg header")
        lines = max(lines, lay.line_count(h, caps[j - 1]))
    ws.row_dimensions[row].height = lay.row_height(lines) + 2
    first = row + 1
    for values in rows:
        row += 1
        lines = 1
        for j, (style, v) in enumerate(values, 1):
            cell = ws.cell(row, j)
            if isinstance(v, str):
                if v:
                    put_text(cell, v, style)
                    cap = lay.chars_per_line(WIDTHS[j - 1], bold=style != "rg text")
                    lines = max(lines, lay.line_count(v, cap))
                else:
                    cell.style = style
            else:
                cell.value = v
                cell.style = style
        ws.row_dimensions[row].height = lay.row_height(lines)
    scored = [j for j, (style, _) in enumerate(rows[0], 1) if style == "rg score"]
    return row + 2, [f"{get_column_letter(j)}{first}:{get_column_letter(j)}{row}" for j in scored]


def _title(text: str) -> str:
    return shorten(text, TITLE_CHARS)


def _score(item: ChangeItem) -> int | None:
    return item.score.score if item.score is not None else None


def _band(item: ChangeItem) -> str:
    return item.score.band_name if item.score is not None else ""


def changes_sheet(ws: Worksheet, view: ReportView, first: bool = False) -> None:
    """The changes; the `first` sheet starts with Part B's mark and the selection line (a pack's)."""
    chg = view.changes
    assert chg is not None
    prev, cur = chg.previous_period, chg.current_period

    top = packs.top_lines(ws, view) if first else 0
    put_text(ws.cell(top + 1, 1), f"Changes since last quarter: {view.heading}", "rg title")
    ws.row_dimensions[top + 1].height = 20
    put_text(ws.cell(top + 2, 1), f"Previous period: {prev}    Current period: {cur}", "rg subtitle")
    put_text(
        ws.cell(top + 3, 1),
        f"{len(chg.new)} new this quarter    {len(chg.closed)} closed    {len(chg.moved)} with a score that moved"
        f"    {len(chg.later_moved)} with a residual or target score that moved",
        "rg subtitle",
    )
    note = (
        "Trends are a symbol and a word: ▲ Up, ▼ Down, ► Level, ★ New. For a risk, down is better; for an "
        f"opportunity, up is better. Scores are coloured by band as on the '{words.KEY_SHEET}' sheet; every "
        f"entry's trend is also on its row of the '{words.REGISTER_SHEET}' sheet."
    )
    put_text(ws.cell(top + 4, 1), note, "rg note wrap")
    ws.merge_cells(start_row=top + 4, start_column=1, end_row=top + 4, end_column=len(WIDTHS))
    ws.row_dimensions[top + 4].height = lay.note_height(note, sum(WIDTHS))
    row = top + 5
    if chg.renamed:
        text = "Matched with last quarter by a near-identical ID: " + ", ".join(
            f"{ident} (was {was})" for ident, was in chg.renamed
        )
        put_text(ws.cell(row, 1), text, "rg note wrap")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
        ws.row_dimensions[row].height = lay.note_height(text, sum(WIDTHS))
        row += 1
    row += 1
    score_ranges: list[str] = []

    def kind(item: ChangeItem) -> str:
        return words.KIND_WORDS[item.kind]

    new_rows = [
        (
            ("rg short", c.id),
            ("rg short", kind(c)),
            ("rg text", _title(c.title)),
            ("rg score", _score(c)),
            ("rg short", _band(c)),
        )
        for c in chg.new
    ]
    row, ranges = _table(
        ws,
        row,
        f"New this quarter ({len(new_rows)})",
        ("ID", "Type", "Title", "Current Score", "Band"),
        new_rows,
        f"None: every entry of {cur} was in {prev}.",
    )
    score_ranges += ranges

    closed_rows = [
        (
            ("rg short", c.id),
            ("rg short", kind(c)),
            ("rg text", _title(c.title)),
            ("rg score", _score(c)),
            ("rg short", _band(c)),
        )
        for c in chg.closed
    ]
    row, ranges = _table(
        ws,
        row,
        f"Closed: in {prev}, not in {cur} ({len(closed_rows)})",
        ("ID", "Type", "Title", "Last Score", "Band"),
        closed_rows,
        f"None: every entry of {prev} is still in {cur}.",
    )
    score_ranges += ranges

    def moves(items: tuple[ChangeItem, ...], which: bool) -> list[tuple]:
        out = []
        for c in items:
            t = c.trend
            if t is None:
                continue
            cells: tuple = (
                ("rg short", c.id),
                ("rg short", kind(c)),
                ("rg text", _title(c.title)),
                ("rg score", t.previous),
                ("rg score", t.current),
                ("rg change", t.delta),
                ("rg text", t.text),
            )
            if which:
                cells += (("rg short", c.which.capitalize()),)
            out.append(cells)
        return out

    moved_rows = moves(chg.moved, which=False)
    row, ranges = _table(
        ws,
        row,
        f"Score moved, largest move first ({len(moved_rows)})",
        ("ID", "Type", "Title", "From", "To", "Change", "Trend"),
        moved_rows,
        f"None: no current score moved between {prev} and {cur}.",
    )
    score_ranges += ranges

    later_rows = moves(chg.later_moved, which=True)
    row, ranges = _table(
        ws,
        row,
        f"Residual or target score moved, largest move first ({len(later_rows)})",
        ("ID", "Type", "Title", "From", "To", "Change", "Trend", "Score"),
        later_rows,
        f"None: no residual or target score moved between {prev} and {cur}.",
    )
    score_ranges += ranges

    for j, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    if score_ranges:
        for rule in band_rules(view.bands):
            ws.conditional_formatting.add(" ".join(score_ranges), rule)
    print_setup(ws, f"{top + 1}:{top + 1}", view.full_title)
