"""The Actions sheet (a register that tracks appetite, targets or actions): one row per action.

Each action group of each entry is a row of an Excel table finance can sort and filter: the
entry's ID and type, the action's number within the entry (its group's place in the Register's
actions cell, counted from 1), its theme, text and owner, its due date as a real Excel date, its
status (validated: Open, In progress, Done) and whether it is overdue (the view's flag, as Yes
or No, highlighted). Nothing is computed here but layout.

Import reads Due, Status and (where the Register's owner cell cannot tell one unthemed group's
owner from another's) Owner back, matched to the Register's action groups by ID and Action No.,
or by the action's text where finance moved the groups about (`importers/xlsx.py`); the text
itself is read from the Register.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...view import EntryView, GroupView, ReportView, long_date
from . import layout as lay
from .style import (
    STYLE_OF_KIND,
    TEXT_STYLES,
    date_validation,
    flag_rule,
    print_setup,
    put_text,
    rich_text,
    stop_validation,
)

SHEET = words.ACTIONS_SHEET
TABLE_NAME = words.ACTIONS_TABLE
HEADER_ROW = 5
#: What each column holds (a key of `vocabulary.ACTION_COLUMNS`), its width and kind of cell.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("id", 9, "short"),
    ("kind", 12.5, "short"),
    ("number", 10, "number"),
    ("theme", 20, "text"),
    ("text", 60, "text"),
    ("owner", 22, "text"),
    ("due", 12, "date"),
    ("status", 13.5, "short"),
    ("overdue", 10, "short"),
)
COLUMN_OF = {key: j for j, (key, _, _) in enumerate(COLUMNS, 1)}


def _values(ev: EntryView, n: int, g: GroupView) -> dict[str, object]:
    return {
        "id": ev.id,
        "kind": words.KIND_WORDS[ev.kind],
        "number": n,
        "theme": (g.theme or "").strip(),
        "text": rich_text(g.blocks),
        "owner": (g.owner or "").strip(),
        "due": g.due,
        "status": words.ACTION_STATUS[g.status] if g.status else "",
        "overdue": words.YES if g.overdue else words.NO,
    }


def actions_sheet(ws: Worksheet, view: ReportView) -> None:
    rows = [_values(ev, n, g) for ev in view.entries() for n, g in enumerate(ev.actions, 1)]
    overdue = sum(1 for r in rows if r["overdue"] == words.YES)
    put_text(ws.cell(1, 1), f"Actions: {view.heading}", "rg title")
    ws.row_dimensions[1].height = 20
    facts = [f"{len(rows)} action{'s' if len(rows) != 1 else ''}", f"{overdue} overdue"]
    facts.append(f"Report date: {long_date(view.date)}")
    put_text(ws.cell(2, 1), "    ".join(facts), "rg subtitle")
    note = (
        "One row per action: each group of an entry's actions, numbered in the order of the "
        f"'{words.REGISTER_SHEET}' sheet's actions cell. An action is overdue when it is due before the report "
        "date and not done. Due, Status and Owner are read back by reportgen's import (the action's text from the "
        f"'{words.REGISTER_SHEET}' sheet); Overdue is computed."
    )
    widths = [w for _, w, _ in COLUMNS]
    put_text(ws.cell(3, 1), note, "rg note wrap")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(COLUMNS))
    ws.row_dimensions[3].height = lay.note_height(note, sum(widths))
    if not rows:
        put_text(ws.cell(HEADER_ROW, 1), "No entry in this register has actions.", "rg wrap")
        print_setup(ws, "1:1", view.full_title)
        return
    bold_caps = [lay.chars_per_line(w, bold=True) for w in widths]
    lines = 1
    for j, (key, _, _) in enumerate(COLUMNS, 1):
        heading = words.ACTION_COLUMNS[key]
        put_text(ws.cell(HEADER_ROW, j), heading, "rg header")
        lines = max(lines, lay.line_count(heading, bold_caps[j - 1]))
    ws.row_dimensions[HEADER_ROW].height = lay.row_height(lines) + 2
    for i, values in enumerate(rows):
        r = HEADER_ROW + 1 + i
        height = lay.row_height(1)
        for j, (key, _, kind) in enumerate(COLUMNS, 1):
            cell = ws.cell(r, j)
            v = values[key]
            style = STYLE_OF_KIND[kind]
            if isinstance(v, str):
                if v:
                    if kind == "text":
                        # A cell too long for Excel's tallest row steps down a size or two.
                        size, h = lay.fit(v, widths[j - 1])
                        style = TEXT_STYLES[size]
                    else:
                        h = lay.row_height(lay.line_count(v, bold_caps[j - 1]))
                    height = max(height, h)
                    put_text(cell, v, style)
                else:
                    cell.style = style
            else:
                cell.value = v
                cell.style = style
        ws.row_dimensions[r].height = height
    last = HEADER_ROW + len(rows)
    for j, w in enumerate(widths, 1):
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = w
        key = COLUMNS[j - 1][0]
        if all(r[key] in (None, "") for r in rows):
            dim.hidden = True  # e.g. Theme, where no action group has one
    table = Table(displayName=TABLE_NAME, ref=f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"C{HEADER_ROW + 1}"

    def span(key: str) -> str:
        letter = get_column_letter(COLUMN_OF[key])
        return f"{letter}{HEADER_ROW + 1}:{letter}{last}"

    ws.conditional_formatting.add(span("overdue"), flag_rule("equal", f'"{words.YES}"'))
    statuses = ", ".join(words.ACTION_STATUS.values())
    stop_validation(
        ws,
        [span("status")],
        "Status",
        f"An action's status is {statuses}.",
        type="list",
        formula1='"' + ",".join(words.ACTION_STATUS.values()) + '"',
    )
    date_validation(ws, [span("due")], "Due date", "An action's due date is a date, e.g. 31/03/2027.")
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}", view.full_title, title_cols=2)
