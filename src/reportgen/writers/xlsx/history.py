"""The History sheet (built with --previous only): each entry's scores by quarter, and a chart.

After the Register. An Excel table finance can sort and filter, a row per entry of this quarter's
register, then one per entry of an earlier quarter closed since (the view's `History.closed`): its
ID, type and title, then a column per quarter the build was given, oldest first, headed by the
quarter's period, holding the entry's current score then as a number (an empty cell where it was
not in that quarter's register, or had no score: a gap, never a zero), coloured by band (rules that
leave an empty cell alone); then how long it has been in its present band (`Very high since Q4
2017/18 (3 quarters)`, or `Closed: last in Q1 2018/19`) and its move over the quarters, as the view
words them (`EntryHistory.band_since`, `.span`; where the whole span is last quarter's move, that
move).

Under it, a small table of how many entries of each quarter's register were in each band: each
count a formula over the quarter's column of the table above (`formulas.count_in_band`), its value
(the view's `History.band_counts`) cached in the file for readers that do not calculate; and a
native stacked column chart drawn from those cells, so an edited score recounts and redraws it.
The chart keeps a copy of the numbers (`numCache`/`strCache`) for programs that draw a chart
without calculating, and its text alternative is the view's `History.text` (`describe_chart`, a
work-around: openpyxl cannot give a chart one).

The sheet is for reading: import takes the register from the Register's table, by its name, and
never from these tables (`importers/xlsx.py`).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumFmt,
    NumRef,
    NumVal,
    StrData,
    StrRef,
    StrVal,
)
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.descriptors import Typed
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import ClosedEntry, EntryView, ReportView, long_date
from . import formulas
from . import layout as lay
from .style import MIN_PRINT_SCALE, PRINTABLE_PX, argb, column_px, number_band_rules, print_setup, put_text

SHEET = words.HISTORY_SHEET
HEADER_ROW = 5  # the title block takes rows 1-3
#: ID, Type, Title; a column per quarter; In Band Since, Trend Over the Quarters.
LEAD = (("id", 9.0, "rg short"), ("kind", 12.5, "rg short"), ("title", 40.0, "rg text"))
QUARTER_WIDTH = 11.0
TAIL = (("band_since", 24.0, "rg text"), ("span", 30.0, "rg text"))
#: The widest the text columns grow to hold their longest text on one line.
GROW_TO = {"title": 40.0, "band_since": 44.0, "span": 48.0}
#: The chart's size, in centimetres.
CHART_WIDTH, CHART_HEIGHT = 18.0, 8.5
#: The height A4 landscape leaves inside print_setup's top and bottom margins (0.7 inch), in points.
PRINTABLE_PT = 210 / 25.4 * 72 - 2 * 0.7 * 72
DEFAULT_ROW_PT = 12.75


class _Labels(DataLabelList):
    """Data labels whose number format is not the cells' (`sourceLinked="0"`): openpyxl's
    `DataLabelList` writes a format code only, which LibreOffice then ignores for the cells' own,
    and shows each empty band's "0". Its elements as openpyxl's, the format a `NumFmt` element."""

    numFmt = Typed(expected_type=NumFmt, allow_none=True)
    __elements__ = DataLabelList.__elements__
    __nested__ = tuple(n for n in DataLabelList.__nested__ if n != "numFmt")


def _span(ev: EntryView) -> str:
    """The entry's move over the quarters: the view's span, else (its first score was last
    quarter's) last quarter's move, with its lead: `Since Q4 2017/18: ▼ Down from 25 (better)`."""
    h = ev.history
    if h is not None and h.span is not None:
        return h.span.text
    line = ev.trend_line("current", "current")
    return line.text if line is not None else ""


def _quarter_headings(quarters: tuple[str, ...]) -> list[str]:
    """The quarters as column headings: their periods, each unique and not empty (an Excel table
    needs that of its headings)."""
    taken = {h.lower() for h in words.HISTORY_COLUMNS.values()}
    out = []
    for i, q in enumerate(quarters, 1):
        text = " ".join(q.split()) or f"Quarter {i}"
        while text.lower() in taken:
            text = f"{text} ({i})"
        taken.add(text.lower())
        out.append(text)
    return out


def _table(ws: Worksheet, name: str, ref: str, style: str) -> None:
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)


def add_history_sheet(wb: Workbook, view: ReportView) -> tuple[Worksheet, dict[str, tuple[str, int]]] | None:
    """The History sheet, right after the Register (none without --previous), and its formula
    cells' values {reference: (formula, value)}, for `formulas.fill_cached`."""
    if view.history is None:
        return None
    at = wb.sheetnames.index(words.REGISTER_SHEET) + 1 if words.REGISTER_SHEET in wb.sheetnames else None
    ws = wb.create_sheet(SHEET, at)
    return ws, history_sheet(ws, view)


def history_sheet(ws: Worksheet, view: ReportView) -> dict[str, tuple[str, int]]:
    history = view.history
    assert history is not None
    quarters = _quarter_headings(history.quarters)
    n_q = len(quarters)
    first_q = len(LEAD) + 1  # the first quarter's column
    last_col = len(LEAD) + n_q + len(TAIL)
    rows = [_row(ev, n_q) for ev in view.entries()] + [_closed_row(c) for c in history.closed]
    widths = []
    for key, width, _ in LEAD + TAIL:
        texts = [r[key] for r in rows if r[key]]
        widths.append(lay.width_to_fit(texts, width, GROW_TO[key], lines=1) if key in GROW_TO else width)
    widths[len(LEAD) : len(LEAD)] = [QUARTER_WIDTH] * n_q
    total = sum(widths)

    put_text(ws.cell(1, 1), f"{words.HISTORY_HEADING}: {view.heading}", "rg title")
    ws.row_dimensions[1].height = 20
    reg = view.register
    put_text(
        ws.cell(2, 1),
        f"Period: {reg.period}    Report date: {long_date(view.date)}    {n_q} quarters, from {history.quarters[0]}",
        "rg subtitle",
    )
    note = (
        "Each entry's current score in each quarter, oldest first, coloured by band as on the "
        f"'{words.KEY_SHEET}' sheet; entries closed since an earlier quarter come after this quarter's. An empty "
        "cell: the entry was not in that quarter's register, or had no score then. "
        f"'{words.HISTORY_COLUMNS['band_since']}' says how long its score has been in its present band. The table "
        "under it counts each quarter's scores in each band, and the chart draws those counts: edit a score and "
        f"both follow. For reading: reportgen's import reads the '{words.REGISTER_SHEET}' sheet, not this one."
    )
    put_text(ws.cell(3, 1), note, "rg note wrap")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    ws.row_dimensions[3].height = lay.note_height(note, total)

    # The entries' table.
    headings = (
        [words.HISTORY_COLUMNS[k] for k, _, _ in LEAD] + quarters + [words.HISTORY_COLUMNS[k] for k, _, _ in TAIL]
    )
    caps = [lay.chars_per_line(w, bold=True) for w in widths]
    lines = 1
    for j, h in enumerate(headings, 1):
        put_text(ws.cell(HEADER_ROW, j), h, "rg header")
        lines = max(lines, lay.line_count(h, caps[j - 1]))
    ws.row_dimensions[HEADER_ROW].height = lay.row_height(lines) + 2
    for i, row in enumerate(rows):
        r = HEADER_ROW + 1 + i
        height = lay.row_height(1)
        for j, (key, _, style) in enumerate(LEAD, 1):
            height = max(height, _put(ws.cell(r, j), row[key], style, widths[j - 1]))
        for k, score in enumerate(row["scores"]):
            cell = ws.cell(r, first_q + k)
            cell.value = score  # None: an empty cell, never a zero
            cell.style = "rg score"
        for j, (key, _, style) in enumerate(TAIL, first_q + n_q):
            height = max(height, _put(ws.cell(r, j), row[key], style, widths[j - 1]))
        ws.row_dimensions[r].height = height
    last_row = HEADER_ROW + max(1, len(rows))
    if not rows:  # a table needs a body row
        for j in range(1, last_col + 1):
            ws.cell(last_row, j).style = "rg text"
    _table(ws, words.HISTORY_TABLE, f"A{HEADER_ROW}:{get_column_letter(last_col)}{last_row}", "TableStyleMedium2")
    scores_ref = f"{get_column_letter(first_q)}{HEADER_ROW + 1}:{get_column_letter(first_q + n_q - 1)}{last_row}"
    for rule in number_band_rules(view.bands, f"{get_column_letter(first_q)}{HEADER_ROW + 1}"):
        ws.conditional_formatting.add(scores_ref, rule)
    ws.freeze_panes = f"{get_column_letter(first_q)}{HEADER_ROW + 1}"
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w

    # The entries in each band by quarter, the chart's data: the band's name in the Title column,
    # its counts under the quarters, each a count of the quarter's column above.
    cached: dict[str, tuple[str, int]] = {}
    heading_row = last_row + 2
    put_text(ws.cell(heading_row, 1), words.BAND_COUNTS_HEADING, "rg heading")
    ws.row_dimensions[heading_row].height = 18
    top = heading_row + 1
    name_col = first_q - 1
    put_text(ws.cell(top, name_col), words.BAND_COLUMN, "rg header")
    for k, q in enumerate(quarters):
        put_text(ws.cell(top, first_q + k), q, "rg header")
    for b, (band, counts) in enumerate(history.band_counts, 1):
        cell = ws.cell(top + b, name_col)
        put_text(cell, band.name, "rg short")
        # The band's colour, as a key to the chart's.
        cell.fill = PatternFill("solid", start_color=argb(band.colour), end_color=argb(band.colour))
        cell.font = Font(name=cell.font.name, size=cell.font.size, bold=True, color=argb(band.text_colour))
        for k, n in enumerate(counts):
            letter = get_column_letter(first_q + k)
            formula = formulas.count_in_band(f"${letter}${HEADER_ROW + 1}:${letter}${last_row}", band.min, band.max)
            cell = ws.cell(top + b, first_q + k, f"={formula}")
            cell.style = "rg number"
            cached[cell.coordinate] = (formula, n)
    bottom = top + max(1, len(history.band_counts))
    ref = f"{get_column_letter(name_col)}{top}:{get_column_letter(first_q + n_q - 1)}{bottom}"
    _table(ws, words.BAND_COUNTS_TABLE, ref, "TableStyleLight1")

    ws.add_chart(_chart(view, quarters, top, name_col, first_q), f"A{bottom + 2}")
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}", view.full_title, title_cols=len(LEAD))
    if not _fits_one_page(ws, bottom + 1):
        # The band table and its chart on a page of their own, never cut between two.
        ws.row_breaks.append(Break(id=heading_row - 1))
    return cached


def _fits_one_page(ws: Worksheet, last_row: int) -> bool:
    """Whether rows 1 to `last_row` and the chart under them print on one page at the scale
    print_setup fits the sheet's width to (row heights as set, else the default)."""
    width = sum(column_px(ws, c) for c in range(1, ws.max_column + 1))
    scale = max(MIN_PRINT_SCALE, min(1.0, PRINTABLE_PX / width))
    dims = ws.row_dimensions  # .get: looking a row up must not add it
    rows = sum(getattr(dims.get(r), "height", None) or DEFAULT_ROW_PT for r in range(1, last_row + 1))
    return rows + CHART_HEIGHT / 2.54 * 72 <= PRINTABLE_PT / scale


def _row(ev: EntryView, n_q: int) -> dict:
    """An entry's row: its texts by column key, and its scores by quarter (None: a gap)."""
    h = ev.history
    return {
        "id": ev.id,
        "kind": words.KIND_WORDS[ev.kind],
        "title": ev.title,
        "scores": [sv.score if sv is not None else None for sv in h.scores] if h is not None else [None] * n_q,
        "band_since": h.band_since if h is not None else "",
        "span": _span(ev),
    }


def _closed_row(c: ClosedEntry) -> dict:
    """An entry closed since an earlier quarter: its scores then, a gap this quarter."""
    return {
        "id": c.id,
        "kind": words.KIND_WORDS[c.kind],
        "title": c.title,
        "scores": [sv.score if sv is not None else None for sv in c.history.scores],
        "band_since": c.history.band_since,
        "span": "",
    }


def _put(cell, text: str, style: str, width: float) -> float:
    """Put text in a cell; return the height its row needs for it."""
    if not text:
        cell.style = style
        return lay.row_height(1)
    put_text(cell, text, style)
    return lay.row_height(lay.line_count(text, lay.chars_per_line(width, bold=style == "rg short")))


def _chart(view: ReportView, quarters: list[str], top: int, name_col: int, first_q: int) -> BarChart:
    """A stacked column chart of the band table: a column per quarter, a segment per band in the
    band's colour, each labelled with its count. Its references are absolute, to this sheet."""
    history = view.history
    assert history is not None
    sheet = quote_sheetname(SHEET)
    n_q = len(quarters)
    lo, hi = get_column_letter(first_q), get_column_letter(first_q + n_q - 1)
    cats = AxDataSource(
        strRef=StrRef(
            f=f"{sheet}!${lo}${top}:${hi}${top}",
            strCache=StrData(ptCount=n_q, pt=[StrVal(idx=k, v=q) for k, q in enumerate(quarters)]),
        )
    )
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.roundedCorners = False
    chart.title = words.BAND_COUNTS_HEADING
    chart.y_axis.title = words.CHART_VALUE_AXIS
    # Titles and the legend beside the plot, not over it (Excel's reading where openpyxl says nothing).
    chart.title.overlay = False
    chart.y_axis.title.overlay = False
    chart.x_axis.axPos = "b"
    chart.y_axis.numFmt = "0"
    # openpyxl 3.1 leaves <c:delete> out, and Excel then hides both axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.legend.overlay = False
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    name_letter = get_column_letter(name_col)
    for b, (band, counts) in enumerate(history.band_counts):
        row = top + 1 + b
        series = Series(
            idx=b,
            order=b,
            tx=SeriesLabel(
                strRef=StrRef(f=f"{sheet}!${name_letter}${row}", strCache=StrData(ptCount=1, pt=[StrVal(v=band.name)]))
            ),
            cat=cats,
            val=NumDataSource(
                numRef=NumRef(
                    f=f"{sheet}!${lo}${row}:${hi}${row}",
                    numCache=NumData(
                        formatCode="General", ptCount=n_q, pt=[NumVal(idx=k, v=n) for k, n in enumerate(counts)]
                    ),
                )
            ),
        )
        colour = band.colour.lstrip("#").upper()
        series.graphicalProperties = GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill="FFFFFF"))
        # Each segment's count on it; a band with none in a quarter shows no "0" (format `0;;;`).
        series.dLbls = _Labels(
            numFmt=NumFmt(formatCode="0;;;", sourceLinked=False),
            showLegendKey=False,
            showVal=True,
            showCatName=False,
            showSerName=False,
            showPercent=False,
            showBubbleSize=False,
        )
        chart.series.append(series)
    return chart


#: openpyxl's frame of a chart on a drawing: `<cNvPr id="1" name="Chart 1"/>`, with no description.
_FRAME = re.compile(rb'<cNvPr id="(\d+)" name="Chart (\d+)"/>')


def describe_chart(xml: bytes, text: str) -> bytes:
    """The drawing's chart given its text alternative (`descr`, what Excel's Alt Text and screen
    readers read). openpyxl writes a chart's frame with an id and a name only, and no way to give
    it one; raises if openpyxl ever writes the frame another way, so the chart never loses it."""
    done = 0

    def put(m: re.Match[bytes]) -> bytes:
        nonlocal done
        done += 1
        name, descr = quoteattr(words.BAND_COUNTS_HEADING), quoteattr(text)
        return b'<cNvPr id="%s" name=%s descr=%s/>' % (m.group(1), name.encode("utf-8"), descr.encode("utf-8"))

    out = _FRAME.sub(put, xml)
    if done != 1:
        raise RuntimeError(
            f'openpyxl wrote {done} chart frames in the form <cNvPr id=.. name="Chart n"/>, not one: the History '
            "chart's text alternative could not be written (see writers/xlsx/history.py)"
        )
    return out


def is_drawing(name: str) -> bool:
    """A drawing part of the package (the History sheet's chart is the workbook's only one)."""
    return re.fullmatch(r"xl/drawings/drawing\d+\.xml", name) is not None
