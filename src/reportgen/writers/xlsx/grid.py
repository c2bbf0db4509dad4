"""The likelihood x impact grid, shared by the Key to Scores and the Heat Map sheets.

Both sheets draw the same geometry: impact rows highest first with their labels (column B)
and scale numbers (column C), likelihood columns from D with their scale numbers and labels
below, and the axis titles IMPACT (rotated, column A) and LIKELIHOOD. The scale numbers stay
visible because the heat map's colours are computed from them (see `heatmap_sheet`).

The Heat Map sheet places each entry's ID, as text, in the cell of its likelihood and
impact (one ID a line), one grid for current scores and one for residual/target scores
where the register has them; an entry with a score but no likelihood/impact is listed
under the grid as "score only", never guessed into a cell. Its cells hold text, so the
Key's `cellIs between` rules cannot colour them: an expression rule per band over the
grid compares the product of the row's impact number and the column's likelihood number
with the band, so each cell takes the colour of its position in the Key whatever it holds.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import HeatMap, ReportView
from . import layout as lay
from .style import print_setup, product_band_rules, put_text

HEAT_SHEET = words.HEAT_SHEET
FIRST_COL = 4  # D: A axis title, B impact labels, C impact numbers


def label_lines(view: ReportView) -> int:
    return max((row.label.count("\n") + 1 for row in view.matrix), default=1)


def axes(ws: Worksheet, view: ReportView, top: int, heights: list[float] | None = None) -> tuple[int, int]:
    """Draw the grid's labels, scale numbers and axis titles with its first impact row at `top`;
    return (bottom row, last likelihood column). `heights` are the grid rows' heights (default:
    tall enough for the labels)."""
    matrix = view.matrix
    for r, row in enumerate(matrix):
        rr = top + r
        put_text(ws.cell(rr, 2), row.label, "rg key label")
        ws.cell(rr, 3, row.impact).style = "rg key scale"
    bottom = top + len(matrix) - 1
    base = max(36, lay.row_height(label_lines(view)) + 6)
    for i, rr in enumerate(range(top, bottom + 1)):
        ws.row_dimensions[rr].height = max(base, heights[i]) if heights else base
    put_text(ws.cell(top, 1), "IMPACT", "rg key axis vertical")
    ws.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
    last_col = FIRST_COL + len(view.likelihood_labels) - 1
    for c, label in enumerate(view.likelihood_labels):
        ws.cell(bottom + 1, FIRST_COL + c, c + 1).style = "rg key scale"
        put_text(ws.cell(bottom + 2, FIRST_COL + c), label.upper(), "rg key axis")
    put_text(ws.cell(bottom + 3, FIRST_COL), "LIKELIHOOD", "rg key axis")
    ws.merge_cells(start_row=bottom + 3, start_column=FIRST_COL, end_row=bottom + 3, end_column=last_col)
    ws.row_dimensions[bottom + 2].height = 18
    return bottom, last_col


def label_width(view: ReportView) -> float:
    """Column B: wide enough for the longest impact label line."""
    longest = max((len(line) for row in view.matrix for line in row.label.split("\n")), default=10)
    return min(45, max(16, longest * 1.05 + 3))


# --------------------------------------------------------------------------- heat map


def _cell_width(view: ReportView) -> float:
    """Grid columns: each ID on one line where it can be (up to 24 units)."""
    ids = [p.label for hm in view.heatmaps for placed in hm.cells.values() for p in placed]
    longest = max([len(x) for x in view.likelihood_labels] + [len(i) * 1.1 for i in ids] + [9])
    return min(24.0, max(12.0, longest + 3))


def _grid(ws: Worksheet, view: ReportView, hm: HeatMap, top: int, width: float) -> int:
    """One heat map with its heading at `top`; return the last row used."""
    placed = sum(len(v) for v in hm.cells.values())
    parts = [f"{placed} placed by likelihood and impact"]
    if hm.score_only:
        parts.append(f"{len(hm.score_only)} with a score only")
    if hm.unplaced:
        parts.append(f"{len(hm.unplaced)} not placed")
    put_text(ws.cell(top, 1), f"Heat map: {hm.title} ({', '.join(parts)})", "rg heading")
    ws.row_dimensions[top].height = 18
    grid_top = top + 1
    cap = lay.chars_per_line(width, bold=True)
    texts: list[list[str]] = []
    for mrow in view.matrix:
        texts.append(["\n".join(hm.labels(cell.likelihood, cell.impact)) for cell in mrow.cells])
    heights = [lay.row_height(max([lay.line_count(t, cap) for t in line] + [1])) + 6 for line in texts]
    bottom, last_col = axes(ws, view, grid_top, heights)
    for r, line in enumerate(texts):
        for c, text in enumerate(line):
            cell = ws.cell(grid_top + r, FIRST_COL + c)
            if text:
                put_text(cell, text, "rg heat cell")
            else:
                cell.style = "rg heat cell"
    first, last = get_column_letter(FIRST_COL), get_column_letter(last_col)
    # Relative to the range's top-left cell: the row's impact number in column C, the column's
    # likelihood number in the row under the grid.
    for rule in product_band_rules(view.bands, f"$C{grid_top}", f"{first}${bottom + 1}"):
        ws.conditional_formatting.add(f"{first}{grid_top}:{last}{bottom}", rule)
    row = bottom + 4
    lists = hm.lists()
    if not lists:
        return bottom + 3
    span = label_width(view) + 4 + width * (last_col - FIRST_COL + 1)
    for heading, why, listed in lists:
        text = f"{heading} ({why}): {listed}"
        put_text(ws.cell(row, 2), text, "rg wrap")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_col)
        ws.row_dimensions[row].height = lay.row_height(lay.line_count(text, lay.chars_per_line(span)))
        row += 1
    return row - 1


def heatmap_sheet(ws: Worksheet, view: ReportView, key_sheet: str) -> None:
    put_text(ws.cell(1, 1), HEAT_SHEET, "rg title")
    ws.row_dimensions[1].height = 20
    width = _cell_width(view)
    last_col = FIRST_COL + len(view.likelihood_labels) - 1
    note = (
        "Each entry's ID sits in the cell of its likelihood and impact, one a line; opportunities are marked "
        f"'(opportunity)'. Cells are coloured by band as on the '{key_sheet}' sheet, from the scale numbers "
        "beside the labels. An entry with a score but no likelihood and impact is listed under its grid as "
        "'score only'."
    )
    put_text(ws.cell(2, 1), note, "rg note wrap")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    ws.row_dimensions[2].height = lay.note_height(note, 6 + label_width(view) + 4 + width * len(view.likelihood_labels))
    row = 4
    if not view.heatmaps:
        put_text(ws.cell(row, 1), "No entry in this register has a score.", "rg wrap")
    for i, hm in enumerate(view.heatmaps):
        if i:
            ws.row_breaks.append(Break(id=row - 1))  # each grid on a page of its own
        row = _grid(ws, view, hm, row, width) + 3
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = label_width(view)
    ws.column_dimensions["C"].width = 4
    for c in range(FIRST_COL, FIRST_COL + len(view.likelihood_labels)):
        ws.column_dimensions[get_column_letter(c)].width = width
    print_setup(ws, "1:1", view.full_title)
