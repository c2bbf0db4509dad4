"""Excel workbook: the register as a table finance can sort, filter and total.

Sheets:

* **Register**: a title block, then one Excel table with a row per risk and
  opportunity and a column per field. Scores, likelihoods and impacts are
  numbers in columns of their own, with the labels ("Major/Likely") and the
  band name beside them as text, so colour is never the only signal. Score
  cells are coloured by conditional-formatting rules built from the register's
  bands (an edited score re-colours itself); likelihood, impact and score
  cells carry data validation. A current score with its likelihood and impact is
  the formula likelihood × impact, its value cached in the file (`formulas.py`), so
  an edited likelihood changes the score and its colour. A score a source wrote but
  that could not be read leaves its Score cell empty and shows as written in its
  Rating cell, marked "(as written, not a score)", which import reads back.
  Columns empty for every entry of this register are hidden, not removed, so
  the columns are the same every quarter. Row
  heights are estimated (openpyxl cannot measure text); a cell too long for
  Excel's tallest row (409 points) steps down to 9 or 8 point text.
* **Cards** (card-layout registers only): one block per entry, as published,
  for reading and printing; long fields run over several rows.
* **Key to Scores**: the likelihood x impact matrix as numbers, coloured by
  the same rules, and a legend of the bands.
* **Heat Map**: the same grid with each entry's ID in the cell of its likelihood
  and impact, for current and for residual/target scores; entries with a score
  only are listed under each grid (`grid.py`).
* **Changes** (built with --previous only; first, and the sheet the workbook
  opens on): the periods compared, entries new, closed and moved, largest move
  first, then residual and target moves (`changes.py`). The Register's trend
  columns show each entry's move.
* **Formatting** (hidden; only when some text is bold or italic): where the
  Register's text is bold or italic, for import after a program that drops rich
  text saved the workbook (`formatting.py`).

A register that tracks appetite, targets or actions (`ReportView.tracking`) also has,
and a register that does not has none of it, not even hidden:

* on the **Register**, columns for each entry's appetite level (data: import keeps it
  where it is the entry's own), tolerance and whether it is above appetite, its gap to
  target, its next action due and how many actions are overdue, and its next review
  (data) and whether it is overdue: numbers as numbers, dates as real dates, a flag as
  Yes or No, highlighted by conditional formatting; the level is validated from the
  register's levels (`TRACKING_AFTER`);
* **Summary** (first: the sheet the workbook opens on, before Changes): the view's
  summary of appetite, targets and actions (`summary.py`);
* **Actions** (after the Register, whose table stays the first): one row per action
  group of each entry, an Excel table with its due date as a date, its status
  validated and overdue flagged; import reads due dates and statuses back from it
  (`actions.py`);
* **Appetite** (a register with an `appetite:` only): the levels with their
  tolerances and the level of each risk type, two small Excel tables, and the
  default level; import reads the appetite back from it (`appetite.py`).

A Part B workbook, and one of selected entries (a filter, a deep dive), starts its first sheet and
its Register with Part B's mark and the selection line, and a Part B's every print header with
its mark (`packs.py`); the Register's table moves down under them.

Every text cell is stored as a string (the score formulas are the only formulas), the
output is byte-for-byte reproducible, and styles are a handful of named styles shared by
every cell.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ... import vocabulary as words
from ...view import EntryView, ReportView, ScoreView
from .. import Options, ooxml, register
from . import formulas, grid, packs
from . import layout as lay
from .actions import actions_sheet
from .appetite import appetite_sheet, level_list
from .cards import CARDS_SHEET, cards_sheet
from .changes import CHANGES_SHEET, changes_sheet
from .formatting import formatting_sheet
from .history import add_history_sheet, describe_chart, is_drawing
from .style import (
    BODY_FONT,
    CAUTION,
    STYLE_OF_KIND,
    TEXT_STYLES,
    band_rules,
    date_validation,
    flag_rule,
    groups_text,
    named_styles,
    owners_text,
    print_setup,
    put_text,
    rich_text,
    stop_validation,
    tracking_styles,
)
from .summary import summary_sheet

REGISTER_SHEET = words.REGISTER_SHEET
KEY_SHEET = words.KEY_SHEET
TABLE_NAME = words.REGISTER_TABLE
HEADER_ROW = 5  # the title block takes rows 1-4


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class _Col:
    key: str  # what the column holds: a key of `vocabulary.REGISTER_COLUMNS`, which gives its heading
    width: float
    kind: str  # "text" (wrapped), "short" (wrapped, centred), "score", "likelihood", "impact", "band"
    value: Callable[[EntryView], object]
    grow_to: float = 0  # widen up to this so the tallest cell fits Excel's largest row
    score: str = ""  # for a score's columns: "current", "residual" or "target"

    @property
    def header(self) -> str:
        return words.REGISTER_COLUMNS[self.key]


def _score_cols(name: str) -> list[_Col]:
    def part(attr: str) -> Callable[[EntryView], object]:
        def get(ev: EntryView) -> object:
            sv: ScoreView | None = ev.score(name)
            return getattr(sv, attr) if sv is not None else None

        return get

    def rating(ev: EntryView) -> str:
        """`Major/Likely`: the labels, impact first, as the reports write them after a score; a
        score that could not be read as it was written, marked so (its Score cell stays empty:
        no text in a column of numbers)."""
        sv: ScoreView | None = ev.score(name)
        if sv is not None and sv.unread:
            return sv.text
        if sv is None or not (sv.impact_label and sv.likelihood_label):
            return ""
        return f"{sv.impact_label}/{sv.likelihood_label}"

    return [
        _Col(f"{name}.score", 9, "score", part("score"), score=name),
        _Col(f"{name}.likelihood", 11.5, "likelihood", part("likelihood"), score=name),
        _Col(f"{name}.impact", 9, "impact", part("impact"), score=name),
        _Col(f"{name}.rating", 16, "text", rating, score=name),
        _Col(f"{name}.band", 11, "band", part("band_name"), score=name),
    ]


COLUMNS: tuple[_Col, ...] = (
    _Col("id", 9, "short", lambda ev: ev.entry.id),
    _Col("kind", 12.5, "short", lambda ev: words.KIND_WORDS[ev.kind]),
    _Col("title", 24, "text", lambda ev: ev.entry.title or ""),
    _Col("description", 40, "text", lambda ev: rich_text(ev.blocks("description")), grow_to=60),
    _Col("types", 14, "text", lambda ev: "\n".join(ev.types)),
    _Col("consequences", 45, "text", lambda ev: rich_text(ev.blocks("consequences")), grow_to=80),
    _Col("controls", 55, "text", lambda ev: groups_text(ev.controls), grow_to=100),
    _Col("controls.owner", 20, "text", lambda ev: owners_text(ev.owners("controls"))),
    *_score_cols("current"),
    _Col("actions", 55, "text", lambda ev: groups_text(ev.actions), grow_to=100),
    _Col("actions.owner", 20, "text", lambda ev: owners_text(ev.owners("actions"))),
    *_score_cols("residual"),
    *_score_cols("target"),
    _Col("target_confidence", 12, "text", lambda ev: ev.entry.target_confidence or ""),
    _Col("owner", 20, "text", lambda ev: ev.entry.owner or ""),
    # A target date that is a date is a real Excel date; one written as words ("March 2022") is text.
    _Col("target_date", 12, "text", lambda ev: ev.entry.target_date or ""),
    _Col("direction", 30, "text", lambda ev: rich_text(ev.blocks("direction")), grow_to=60),
    # With --previous: how the scores moved since last quarter, in a symbol and words.
    _Col("trend", 18, "text", lambda ev: ev.trend.text if ev.trend else ""),
    _Col("later_trend", 18, "text", lambda ev: ev.residual_trend.text if ev.residual_trend else ""),
    _Col("progress", 45, "text", lambda ev: rich_text(ev.blocks("progress")), grow_to=90),
)


# The columns of a register that tracks appetite, targets or actions, each after the column it
# belongs with. Numbers are numbers and dates real dates; a flag is a word ("Yes"/"No").


def _level(ev: EntryView) -> str:
    """The level the entry answers to (the view's); an entry's own level even where the view has
    no current score to weigh against it, so that import keeps it."""
    return ev.appetite.level if ev.appetite is not None else (ev.entry.appetite or "")


def _flag(on: bool, applies: bool = True) -> str:
    return (words.YES if on else words.NO) if applies else ""


TRACKING_AFTER: dict[str, tuple[_Col, ...]] = {
    "current.band": (
        _Col("appetite.level", 12, "short", _level),
        _Col("appetite.tolerance", 11, "number", lambda ev: ev.appetite.tolerance if ev.appetite else None),
        _Col(
            "appetite.above",
            11,
            "short",
            lambda ev: _flag(ev.appetite is not None and ev.appetite.above, ev.appetite is not None),
        ),
    ),
    "actions.owner": (
        _Col("actions.next_due", 12, "date", lambda ev: ev.next_due),
        _Col("actions.overdue", 10, "number", lambda ev: ev.overdue_count),
    ),
    "target.band": (_Col("gap", 10, "number", lambda ev: ev.gap),),
    "target_date": (
        _Col("review_by", 12, "date", lambda ev: ev.entry.review_by),
        _Col("review.overdue", 10, "short", lambda ev: _flag(ev.review_overdue, ev.entry.review_by is not None)),
    ),
}


def columns_of(view: ReportView) -> tuple[_Col, ...]:
    """The Register's columns: today's, and a register that tracks appetite, targets or actions
    also has `TRACKING_AFTER`'s (a register without them has not even their headings)."""
    if view.tracking is None:
        return COLUMNS
    return tuple(c for col in COLUMNS for c in (col, *TRACKING_AFTER.get(col.key, ())))


#: The columns printed at the left of every page across when the Register is wider than a page:
#: ID, Type and Title, so each page says which entry a row is.
TITLE_COLS = 3


def _scale_prompt(labels: list[str]) -> str:
    return ", ".join(f"{i} {label}" for i, label in enumerate(labels, 1))[:250]


_NOUNS = {"risk": ("risk", "risks"), "opportunity": ("opportunity", "opportunities")}


def _long_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


# --------------------------------------------------------------------------- register sheet


@dataclass
class _Made:
    """What the Register sheet leaves for later steps: its formulas' values ({cell: (formula,
    value)}, written into the XML by `formulas.fill_cached`) and its rich cells (entry ID, column
    heading, value), recorded on the Formatting sheet; then the History sheet and its formulas'
    values, where there is one."""

    cached: dict[str, tuple[str, int]]
    rich: list[tuple[str, str, CellRichText]]
    history: tuple[Worksheet, dict[str, tuple[str, int]]] | None = None


def _score_formula(ev: EntryView, col: _Col, value: object, row: int, column_of: dict[str, int]) -> str | None:
    """`J6*K6` for a score written as likelihood × impact, else None."""
    if col.kind != "score" or col.score not in formulas.FORMULA_SCORES or not isinstance(value, int):
        return None
    sv = ev.score(col.score)
    if sv is None or not (sv.likelihood and sv.impact) or sv.likelihood * sv.impact != value:
        return None
    return formulas.product(column_of[f"{col.score}.likelihood"], column_of[f"{col.score}.impact"], row)


@dataclass(frozen=True)
class _Layout:
    """The Register table's columns and where they are (`column_of`: a column's key to its
    number, from 1), its header row, and each column's width and how many bold characters fit
    on one of its lines."""

    cols: tuple[_Col, ...]
    column_of: dict[str, int]
    header_row: int
    widths: list[float]
    bold_caps: list[int]


def _register_sheet(ws: Worksheet, view: ReportView) -> _Made:
    """The Register sheet, step by step: the title block, the columns sized to the values, the
    header row, a row per entry, the Excel table, its colours and validation (and the tracking
    columns' highlights), and its print set-up."""
    made = _Made({}, [])
    cols = columns_of(view)
    entries = view.entries()
    header_row = HEADER_ROW + _title_block(ws, view)
    # Values first, to size the columns to them.
    rows = [[col.value(ev) for col in cols] for ev in entries]
    layout = _layout(cols, rows, header_row)
    _header_cells(ws, layout)
    for i, values in enumerate(rows):
        _entry_row(ws, layout, entries[i], values, header_row + 1 + i, made)
    last_row = header_row + max(1, len(rows))
    _table(ws, layout, rows, last_row)
    first = header_row + 1
    for rule in band_rules(view.bands):
        ws.conditional_formatting.add(_ranges(cols, "score", first, last_row), rule)
    _scale_validation(ws, view, cols, first, last_row)
    _type_validation(ws, first, last_row)
    if view.tracking is not None:
        _tracking_rules(ws, view, layout.column_of, first, last_row)
    print_setup(ws, f"{header_row}:{header_row}", view.full_title, title_cols=TITLE_COLS)
    return made


def _title_block(ws: Worksheet, view: ReportView) -> int:
    """Part B's mark and the selection line (a pack's) first, then the title block: organisation,
    title, the facts line (period, report date, counts, the period compared with) and the note on
    scores; above the table, so the table stays a clean range. Returns how many rows the mark and
    selection line took (the table moves down by as many)."""
    reg = view.register
    n_l, n_i = len(reg.scoring.likelihood), len(reg.scoring.impact)
    top = packs.top_lines(ws, view)
    put_text(ws.cell(top + 1, 1), reg.organisation, "rg subtitle")
    put_text(ws.cell(top + 2, 1), view.full_title, "rg title")
    counts = [f"{len(s.entries)} {_NOUNS[s.kind][len(s.entries) != 1]}" for s in view.sections]
    facts = [f"Period: {reg.period}", f"Report date: {_long_date(view.date)}"] + counts
    if view.changes is not None:
        facts.append(f"Trends compared with {view.changes.previous_period}")
    put_text(ws.cell(top + 3, 1), "    ".join(facts), "rg subtitle")
    put_text(
        ws.cell(top + 4, 1),
        f"Scores are likelihood × impact (1 to {n_l * n_i}), coloured by band as on the "
        f"'{KEY_SHEET}' sheet; a current score given with its likelihood and impact is a formula, so it "
        "follows an edit to them. A Rating is the impact/likelihood labels. Columns with no entries in this "
        "register are hidden." + (_TRACKING_NOTE if view.tracking is not None else ""),
        "rg note",
    )
    ws.row_dimensions[top + 2].height = 20
    return top


def _layout(cols: tuple[_Col, ...], rows: list[list[object]], header_row: int) -> _Layout:
    """Each column's width: its own, or, for a column that may grow, widened (up to `grow_to`) so
    its tallest value fits Excel's largest row."""
    widths = []
    for j, col in enumerate(cols):
        w = col.width
        if col.grow_to:
            w = lay.width_to_fit([r[j] for r in rows if r[j]], w, col.grow_to)  # type: ignore[misc]
        widths.append(w)
    bold_caps = [lay.chars_per_line(w, bold=True) for w in widths]
    return _Layout(cols, {col.key: j for j, col in enumerate(cols, 1)}, header_row, widths, bold_caps)


def _header_cells(ws: Worksheet, layout: _Layout) -> None:
    """The header row: each column's heading, the row as tall as the heading with most lines."""
    header_lines = 1
    for j, col in enumerate(layout.cols, 1):
        put_text(ws.cell(layout.header_row, j), col.header, "rg header")
        header_lines = max(header_lines, lay.line_count(col.header, layout.bold_caps[j - 1]))
    ws.row_dimensions[layout.header_row].height = lay.row_height(header_lines) + 2


def _entry_row(ws: Worksheet, layout: _Layout, ev: EntryView, values: list[object], r: int, made: _Made) -> None:
    """One entry's row `r`: text as text (`_text_cell`; a rich cell recorded in `made.rich`), a
    score written as likelihood × impact as that formula (its value in `made.cached`), any other
    value as itself, a date styled as a date; the row as tall as its tallest cell."""
    height = lay.row_height(1)
    for j, (col, v) in enumerate(zip(layout.cols, values)):
        cell = ws.cell(r, j + 1)
        style = STYLE_OF_KIND["date" if isinstance(v, dt.date) else col.kind]
        if isinstance(v, str):
            height = max(height, _text_cell(cell, col, v, style, layout.widths[j], layout.bold_caps[j]))
            if isinstance(cell.value, CellRichText):
                made.rich.append((ev.entry.id, col.header, cell.value))
            continue
        formula = _score_formula(ev, col, v, r, layout.column_of)
        if formula is not None:
            cell.value = f"={formula}"
            made.cached[cell.coordinate] = (formula, v)  # type: ignore[assignment]
        else:
            cell.value = v
        cell.style = style
    ws.row_dimensions[r].height = height


def _text_cell(cell, col: _Col, v: str, style: str, width: float, bold_cap: int) -> float:
    """A text cell, and the height it needs (0 for an empty one, which is only styled): a text
    column's cell too long for Excel's tallest row steps down a size or two (`layout.fit`)."""
    if not v:
        cell.style = style
        return 0.0
    if col.kind == "text":
        size, h = lay.fit(v, width)
        style = TEXT_STYLES[size]
    else:
        h = lay.row_height(lay.line_count(v, bold_cap))
    put_text(cell, v, style)
    return h


def _table(ws: Worksheet, layout: _Layout, rows: list[list[object]], last_row: int) -> None:
    """The Excel table over the header and the entries' rows (with one empty body row where there
    are no entries: a table needs one), the columns' widths, columns empty for every entry hidden
    (not removed: the columns are the same every quarter), and the panes frozen below the header
    and right of ID and Type."""
    header_row = layout.header_row
    if not rows:  # a table needs a body row
        for j, col in enumerate(layout.cols, 1):
            ws.cell(last_row, j).style = STYLE_OF_KIND[col.kind]
    for j, w in enumerate(layout.widths):
        dim = ws.column_dimensions[get_column_letter(j + 1)]
        dim.width = w
        if rows and all(r[j] in (None, "") for r in rows):
            dim.hidden = True
    table = Table(displayName=TABLE_NAME, ref=f"A{header_row}:{get_column_letter(len(layout.cols))}{last_row}")
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleMedium2",
        showRowStripes=True,
        showColumnStripes=False,
        showFirstColumn=False,
        showLastColumn=False,
    )
    ws.add_table(table)
    ws.freeze_panes = f"C{header_row + 1}"


def _ranges(cols: tuple[_Col, ...], kind: str, first: int, last: int) -> str:
    """The ranges of the columns of one kind, rows `first` to `last` (`J6:J20 P6:P20`)."""
    return " ".join(
        f"{get_column_letter(j)}{first}:{get_column_letter(j)}{last}"
        for j, col in enumerate(cols, 1)
        if col.kind == kind
    )


def _scale_validation(ws: Worksheet, view: ReportView, cols: tuple[_Col, ...], first: int, last: int) -> None:
    """Data validation of the likelihood, impact and score columns: a whole number from 1 to the
    top of its scale, the prompt listing the scale's labels (an impact's risk and opportunity
    labels both, where they differ)."""
    scoring = view.register.scoring
    n_l, n_i = len(scoring.likelihood), len(scoring.impact)
    impact_labels = [
        r if r.lower() == o.lower() else f"{r}/{o}" for r, o in zip(scoring.impact, scoring.opportunity_impact)
    ]
    for kind, top, what, labels in (
        ("likelihood", n_l, "Likelihood", scoring.likelihood),
        ("impact", n_i, "Impact", impact_labels),
        ("score", n_l * n_i, "Score", None),
    ):
        if labels:
            prompt = _scale_prompt(list(labels))
            error = f"{what} is a whole number from 1 to {top}: {prompt}"[:250]
        else:
            prompt = f"Likelihood × impact, a whole number from 1 to {top}."
            error = f"A score is a whole number from 1 to {top} (likelihood × impact)."
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="1",
            formula2=str(top),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=f"{what} out of range",
            error=error,
            showInputMessage=True,
            promptTitle=what,
            prompt=prompt,
        )
        for part in _ranges(cols, kind, first, last).split():
            dv.add(part)
        ws.add_data_validation(dv)


def _type_validation(ws: Worksheet, first: int, last: int) -> None:
    """Data validation of the Type column (B): Risk or Opportunity."""
    kinds = DataValidation(
        type="list",
        formula1='"Risk,Opportunity"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Type",
        error="The type is Risk or Opportunity.",
    )
    kinds.add(f"B{first}:B{last}")
    ws.add_data_validation(kinds)


_TRACKING_NOTE = (
    f" {words.TRACKING_COLUMNS['appetite.above']} compares the current score with the tolerance of the entry's "
    f"appetite level (its own, else the strictest of its types', else the default: see the '{words.APPETITE_SHEET}' "
    f"sheet); {words.TRACKING_COLUMNS['gap']} is the current score's distance from the target (else the residual) "
    f"score. Each action's due date and status are on the '{words.ACTIONS_SHEET}' sheet."
)


def _tracking_rules(ws: Worksheet, view: ReportView, column_of: dict[str, int], first: int, last: int) -> None:
    """The tracking columns' highlights (a flag that says Yes, an overdue count above 0, a gap to
    target) and their validation: a level from the register's levels, a review date a date."""

    def span(key: str) -> str:
        letter = get_column_letter(column_of[key])
        return f"{letter}{first}:{letter}{last}"

    yes = f'"{words.YES}"'
    ws.conditional_formatting.add(f"{span('appetite.above')} {span('review.overdue')}", flag_rule("equal", yes))
    ws.conditional_formatting.add(span("actions.overdue"), flag_rule("greaterThan", "0"))
    ws.conditional_formatting.add(span("gap"), flag_rule("greaterThan", "0", CAUTION))
    appetite = view.register.appetite
    if appetite is not None and appetite.levels:
        levels = level_list(appetite)
        error = f"An appetite level is one of the levels on the '{words.APPETITE_SHEET}' sheet."
        stop_validation(ws, [span("appetite.level")], "Appetite level", error, type="list", formula1=levels)
    date_validation(ws, [span("review_by")], "Review date", "The next review is a date, e.g. 31/03/2027.")


# --------------------------------------------------------------------------- key to scores


def _key_sheet(ws: Worksheet, view: ReportView) -> None:
    put_text(ws.cell(1, 1), KEY_SHEET, "rg title")
    put_text(
        ws.cell(2, 1),
        "Score = likelihood × impact. The scale numbers beside the labels are the values of "
        f"the Likelihood and Impact columns on the '{REGISTER_SHEET}' sheet.",
        "rg note",
    )
    ws.row_dimensions[1].height = 20
    top = 4
    bottom, last_col = grid.axes(ws, view, top)
    first_col = grid.FIRST_COL
    for r, row in enumerate(view.matrix):
        for c, cell in enumerate(row.cells):
            ws.cell(top + r, first_col + c, cell.score).style = "rg key score"

    # Legend of the bands, to the right of the matrix.
    lc = last_col + 2
    for k, text in enumerate(("Band", "From", "To")):
        put_text(ws.cell(top, lc + k), text, "rg header")
    for b_i, band in enumerate(view.bands, 1):
        rr = top + b_i
        put_text(ws.cell(rr, lc), band.name, "rg key band")
        ws.cell(rr, lc + 1, band.min).style = "rg key score"
        ws.cell(rr, lc + 2, band.max).style = "rg key score"
    legend_last = top + len(view.bands)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = grid.label_width(view)
    ws.column_dimensions["C"].width = 4
    for c in range(first_col, last_col + 1):
        ws.column_dimensions[get_column_letter(c)].width = max(12, max(len(x) for x in view.likelihood_labels) + 3)
    ws.column_dimensions[get_column_letter(last_col + 1)].width = 4
    ws.column_dimensions[get_column_letter(lc)].width = max(14, max((len(b.name) for b in view.bands), default=8) + 4)
    ws.column_dimensions[get_column_letter(lc + 1)].width = 8
    ws.column_dimensions[get_column_letter(lc + 2)].width = 8

    cf_range = (
        f"{get_column_letter(first_col)}{top}:{get_column_letter(last_col)}{bottom} "
        f"{get_column_letter(lc + 1)}{top + 1}:{get_column_letter(lc + 2)}{legend_last}"
    )
    for rule in band_rules(view.bands):
        ws.conditional_formatting.add(cf_range, rule)
    print_setup(ws, "1:1", view.full_title)


# --------------------------------------------------------------------------- the workbook


def _workbook(view: ReportView) -> tuple[Workbook, Worksheet, _Made]:
    wb = Workbook()
    # The default font sets Excel's unit of column width and what empty cells use: make it
    # the body font, so widths measured in its digits hold in Excel and LibreOffice alike.
    wb._fonts = IndexedList([BODY_FONT])
    wb._named_styles["Normal"].font = BODY_FONT
    for style in named_styles() + (tracking_styles() if view.tracking is not None else []) + packs.styles(view):
        wb.add_named_style(style)
    ws = wb.active
    ws.title = REGISTER_SHEET
    made = _register_sheet(ws, view)
    made.history = add_history_sheet(wb, view)  # after the Register (built with --previous only)
    if view.tracking is not None:
        # After the Register: its table stays the workbook's first (import and readers look for it).
        actions_sheet(wb.create_sheet(words.ACTIONS_SHEET), view)
    if view.layout == "cards":
        cards_sheet(wb.create_sheet(CARDS_SHEET), view)
    if view.register.appetite is not None:
        appetite_sheet(wb.create_sheet(words.APPETITE_SHEET), view)
    _key_sheet(wb.create_sheet(KEY_SHEET), view)
    grid.heatmap_sheet(wb.create_sheet(grid.HEAT_SHEET), view, KEY_SHEET)
    if made.rich:
        formatting_sheet(wb.create_sheet(words.FORMATTING_SHEET), made.rich, view.full_title)
    if view.changes is not None:
        # The changes summary comes first, and is what the workbook opens on.
        # (Part B's mark and the selection line at its top, where it is the first sheet.)
        changes_sheet(wb.create_sheet(CHANGES_SHEET, 0), view, first=view.tracking is None)
    if view.tracking is not None:
        # The summary of appetite, targets and actions comes before it.
        summary_sheet(wb.create_sheet(words.SUMMARY_SHEET, 0), view, first=True)
    wb.active = 0
    packs.mark_headers(wb, view)

    reg = view.register
    when = dt.datetime.combine(view.date, dt.time())
    props = wb.properties
    props.title = view.full_title
    props.subject = f"{reg.title} {reg.period}".strip()
    props.creator = reg.organisation
    props.lastModifiedBy = reg.organisation
    props.description = f"{reg.organisation}: {view.heading}"
    props.keywords = "risk register; opportunities; " + reg.period
    props.language = "en-GB"
    props.created = when
    props.modified = when
    packs.properties(wb, view)
    return wb, ws, made


@register("xlsx", "xlsx", "Excel workbook: the register as a sortable, filterable table, with the Key to Scores")
def render(view: ReportView, options: Options) -> bytes:
    wb, register, made = _workbook(view)
    buf = io.BytesIO()
    # ExcelWriter rather than wb.save(): save() stamps the modified date with the clock. Stored,
    # not compressed: `normalise` compresses every entry once, as it rewrites them.
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    # The formulas' values, which openpyxl cannot write, by the XML part of their sheet, as
    # ExcelWriter named it: the Register's scores, the History sheet's band counts.
    cached = {register.path.lstrip("/"): made.cached}
    if made.history is not None:
        cached[made.history[0].path.lstrip("/")] = made.history[1]

    def cache(name: str, data: bytes) -> bytes:
        """The formulas' values into their sheets' XML (and the History chart's text alternative
        into its drawing); a Part B header's line break as itself (`packs.header_line_breaks`)."""
        if is_drawing(name) and view.history is not None:
            return describe_chart(data, view.history.text)
        if view.part_b and name.startswith("xl/worksheets/"):
            data = packs.header_line_breaks(data)
        return formulas.fill_cached(data, cached[name]) if name in cached else data

    return ooxml.normalise(buf.getvalue(), view.date, edit=cache)
