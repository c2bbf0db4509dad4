"""The Appetite sheet (a register with an `appetite:` only): the council's agreed appetite.

Two small Excel tables side by side: the levels, lowest first, each with its tolerance (the
highest current score within it, coloured by band as on the Key to Scores), and the level of
each risk type; above them, the default level of a risk whose types are not listed. It is for
the reader (what "Open, up to 16" on the Register means) and for import, which reads the
appetite back from it by its headings (`vocabulary.APPETITE_*`); an entry's own level is the
Register's Appetite Level column, read back only where it differs from its types' level.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ... import vocabulary as words
from ...model import Appetite
from ...view import ReportView
from . import layout as lay
from .style import band_rules, print_setup, put_text, stop_validation

SHEET = words.APPETITE_SHEET
DEFAULT_ROW = 4
HEADER_ROW = 6
#: Levels in A:B, risk types in D:E.
LEVEL_COL, TYPE_COL = 1, 4
WIDTHS = {"A": 22.0, "B": 12.0, "C": 4.0, "D": 28.0, "E": 16.0}
NOTE_WIDTH = sum(WIDTHS.values())


def level_list(appetite: Appetite) -> str:
    """A data-validation list of the register's levels: the names themselves, as Excel allows
    (up to 255 characters, no commas or quotes), else the Level column of this sheet."""
    names = [lv.name for lv in appetite.levels]
    listed = ",".join(names)
    if len(listed) <= 250 and not any("," in n or '"' in n for n in names):
        return f'"{listed}"'
    first = HEADER_ROW + 1
    letter = get_column_letter(LEVEL_COL)
    return f"'{SHEET}'!${letter}${first}:${letter}${first + len(names) - 1}"


def _table(
    ws: Worksheet, name: str, col: int, headings: tuple[str, ...], rows: list[tuple], styles: tuple[str, ...]
) -> int:
    """A header row at HEADER_ROW from column `col`, `rows` under it (each column in its style),
    as an Excel table named `name`; return its last row."""
    for j, h in enumerate(headings):
        put_text(ws.cell(HEADER_ROW, col + j), h, "rg header")
    for i, values in enumerate(rows, 1):
        for j, v in enumerate(values):
            cell = ws.cell(HEADER_ROW + i, col + j)
            if isinstance(v, int):
                cell.value = v
                cell.style = styles[j]
            else:
                put_text(cell, v, styles[j])
    last = HEADER_ROW + len(rows)
    ref = f"{get_column_letter(col)}{HEADER_ROW}:{get_column_letter(col + len(headings) - 1)}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    return last


def appetite_sheet(ws: Worksheet, view: ReportView) -> None:
    appetite = view.register.appetite
    assert appetite is not None
    put_text(ws.cell(1, 1), f"Risk appetite: {view.heading}", "rg title")
    ws.row_dimensions[1].height = 20
    note = (
        "Each level tolerates current scores up to its tolerance. A risk answers to its own level (the "
        f"'{words.TRACKING_COLUMNS['appetite.level']}' column of the '{words.REGISTER_SHEET}' sheet), else the "
        "strictest level of its types, else the default level; an opportunity only to a level of its own. "
        "Tolerances are coloured by band as on the "
        f"'{words.KEY_SHEET}' sheet. An edit here is read back by reportgen's import."
    )
    put_text(ws.cell(2, 1), note, "rg note wrap")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(WIDTHS))
    ws.row_dimensions[2].height = lay.note_height(note, NOTE_WIDTH)

    put_text(ws.cell(DEFAULT_ROW, 1), words.APPETITE_DEFAULT_LEVEL, "rg card label")
    default = ws.cell(DEFAULT_ROW, 2)
    if appetite.default:
        put_text(default, appetite.default, "rg short")
    else:
        default.style = "rg short"

    levels = [(lv.name, lv.tolerance) for lv in appetite.levels]
    last_level = _table(
        ws, words.APPETITE_LEVELS_TABLE, LEVEL_COL, words.APPETITE_LEVEL_HEADINGS, levels, ("rg short", "rg score")
    )
    by_type = list(appetite.by_type.items())
    if by_type:
        last_type = _table(
            ws, words.APPETITE_TYPES_TABLE, TYPE_COL, words.APPETITE_TYPE_HEADINGS, by_type, ("rg text", "rg short")
        )
    else:
        for j, h in enumerate(words.APPETITE_TYPE_HEADINGS):
            put_text(ws.cell(HEADER_ROW, TYPE_COL + j), h, "rg header")
        put_text(ws.cell(HEADER_ROW + 1, TYPE_COL), "None: every risk takes the default level.", "rg note")
        last_type = HEADER_ROW + 1
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width

    tolerance = get_column_letter(LEVEL_COL + 1)
    for rule in band_rules(view.bands):
        ws.conditional_formatting.add(f"{tolerance}{HEADER_ROW + 1}:{tolerance}{last_level}", rule)
    top = len(view.likelihood_labels) * len(view.matrix)
    stop_validation(
        ws,
        [f"{tolerance}{HEADER_ROW + 1}:{tolerance}{last_level}"],
        "Tolerance",
        f"A tolerance is the highest current score within the level: a whole number from 1 to {top}.",
        blank=False,
        type="whole",
        operator="between",
        formula1="1",
        formula2=str(top),
    )
    names = [f"B{DEFAULT_ROW}"]
    if by_type:
        letter = get_column_letter(TYPE_COL + 1)
        names.append(f"{letter}{HEADER_ROW + 1}:{letter}{last_type}")
    error = "A level is one of the levels in the Level column."
    stop_validation(ws, names, "Appetite level", error, type="list", formula1=level_list(appetite))
    print_setup(ws, "1:1", view.full_title)
