"""The workbook of a register that tracks appetite, targets and actions (issue 17): the Register's
columns for them (numbers as numbers, real dates, Yes/No flags highlighted, levels validated),
the Actions sheet (an Excel table, one row per action), the Summary sheet at the front and the
Appetite sheet; and a register without any of it keeps the workbook it had. Read back with
openpyxl, never the writer's own helpers."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from conftest import sample_paths
from reportgen import api, view
from reportgen import vocabulary as words
from reportgen.model import Appetite, AppetiteLevel
from tracked import ABOVE, DONE, LATER, OVERDUE, WITHIN, tracked_register, write_tracked

SAMPLES = {p.stem: p for p in sample_paths()}
HEADER_ROW = 5
TRACKING_HEADINGS = set(words.TRACKING_COLUMNS.values())


def render(reg) -> bytes:
    return api.render(reg, "xlsx")


def open_wb(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def headers(ws, row: int = HEADER_ROW) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}


def rows_by_id(ws, row: int = HEADER_ROW) -> dict[str, dict[str, object]]:
    h = headers(ws, row)
    out = {}
    for r in range(row + 1, ws.max_row + 1):
        ident = ws.cell(r, h["ID"]).value
        if ident:
            out[ident] = {name: ws.cell(r, c) for name, c in h.items()}
    return out


def covers(sqref, col: int, row: int) -> bool:
    for part in str(sqref).split():
        lo_c, lo_r, hi_c, hi_r = range_boundaries(part)
        if lo_c <= col <= hi_c and lo_r <= row <= hi_r:
            return True
    return False


def highlight(ws, cell) -> str | None:
    """The fill the conditional-formatting rules give `cell` for its value (cellIs rules only, as
    a spreadsheet applies them), or None."""
    for cf in ws.conditional_formatting:
        if not covers(cf.sqref, cell.column, cell.row):
            continue
        for rule in cf.rules:
            if rule.type != "cellIs":
                continue
            value, want = cell.value, rule.formula[0]
            if rule.operator == "equal" and isinstance(value, str) and want == f'"{value}"':
                return rule.dxf.fill.bgColor.rgb
            if rule.operator == "greaterThan" and isinstance(value, int) and value > int(want):
                return rule.dxf.fill.bgColor.rgb
    return None


def all_text(wb) -> str:
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


@pytest.fixture(scope="module")
def tracked():
    reg = tracked_register()
    return reg, view.build(reg), open_wb(render(reg))


# --------------------------------------------------------------------------- a register without any of it


@pytest.mark.parametrize("stem", ["q1-2018-19", "q2-2018-19", "q3-2021-22", "q2-2018-19-json"])
def test_a_register_without_appetite_targets_or_actions_keeps_its_workbook(stem):
    reg = api.load(SAMPLES[stem]).register
    assert view.build(reg).tracking is None
    wb = open_wb(render(reg))
    assert not {words.SUMMARY_SHEET, words.ACTIONS_SHEET, words.APPETITE_SHEET} & set(wb.sheetnames)
    assert not TRACKING_HEADINGS & set(headers(wb[words.REGISTER_SHEET]))  # not even hidden
    assert not re.search("appetite", all_text(wb), re.I)
    assert [t for ws in wb.worksheets for t in ws.tables] == [words.REGISTER_TABLE]


# --------------------------------------------------------------------------- the Register's columns


def test_the_register_has_a_column_for_each_and_they_follow_the_view(tracked):
    reg, v, wb = tracked
    ws = wb[words.REGISTER_SHEET]
    h = headers(ws)
    assert TRACKING_HEADINGS <= set(h)
    # each beside what it belongs with
    assert h["Appetite Level"] == h["Current Band"] + 1 and h["Above Appetite"] == h["Current Band"] + 3
    assert h["Next Action Due"] == h["Mitigation Owner"] + 1 and h["Gap to Target"] == h["Target Band"] + 1
    assert h["Review By"] == h["Target Date"] + 1
    rows = rows_by_id(ws)
    for ev in v.entries():
        row = rows[ev.id]
        a = ev.appetite
        assert row["Appetite Level"].value == (a.level if a else None), ev.id
        assert row["Appetite Tolerance"].value == (a.tolerance if a else None), ev.id
        assert row["Above Appetite"].value == ((words.YES if a.above else words.NO) if a else None), ev.id
    # exactly the entries above appetite say so, as the acceptance check asks
    assert {i for i, row in rows.items() if row["Above Appetite"].value == "Yes"} == ABOVE
    assert WITHIN <= {i for i, row in rows.items() if row["Above Appetite"].value == "No"}
    # numbers are numbers, dates real dates
    cr1, cr2, cr4 = rows["CR1"], rows["CR2"], rows["CR4"]
    assert cr1["Appetite Tolerance"].data_type == "n" and cr1["Appetite Tolerance"].value == 20
    assert cr1["Gap to Target"].value == 4 and cr1["Gap to Target"].data_type == "n"  # 20 now, residual 16
    assert cr2["Gap to Target"].value == 5  # 25 now, target 20
    assert cr1["Overdue Actions"].value == 1 and cr1["Overdue Actions"].data_type == "n"
    due = cr1["Next Action Due"]
    assert due.is_date and due.value == dt.datetime(2018, 9, 1)  # the earliest not done (overdue)
    assert due.number_format == "d mmm yyyy"
    assert rows["CR3"]["Overdue Actions"].value is None and rows["CR3"]["Next Action Due"].value is None
    assert cr4["Review By"].is_date and cr4["Review By"].value == dt.datetime(2018, 9, 15)
    assert cr4["Review Overdue"].value == "Yes" and rows["CR3"]["Review Overdue"].value is None
    assert cr2["Target Date"].is_date and cr2["Target Date"].value == dt.datetime(2019, 3, 31)
    # every value the acceptance check and a filter look for is in a visible column
    for name in TRACKING_HEADINGS:
        assert not ws.column_dimensions[ws.cell(1, h[name]).column_letter].hidden, name


def test_flags_are_highlighted_by_conditional_formatting(tracked):
    _, _, wb = tracked
    ws = wb[words.REGISTER_SHEET]
    rows = rows_by_id(ws)
    red = "FFFFC7CE"
    assert highlight(ws, rows["CR2"]["Above Appetite"]) == red
    assert highlight(ws, rows["CR1"]["Above Appetite"]) is None  # "No"
    assert highlight(ws, rows["CR1"]["Overdue Actions"]) == red
    assert highlight(ws, rows["CR4"]["Review Overdue"]) == red
    assert highlight(ws, rows["CR1"]["Gap to Target"]) == "FFFFEB9C"
    # an edited flag re-colours: the rules cover every body row of the column
    last = ws.max_row
    h = headers(ws)
    for name in ("Above Appetite", "Overdue Actions", "Review Overdue", "Gap to Target"):
        col = h[name]
        assert any(
            covers(cf.sqref, col, HEADER_ROW + 1) and covers(cf.sqref, col, last) for cf in ws.conditional_formatting
        )
        assert not any(covers(cf.sqref, col, HEADER_ROW) for cf in ws.conditional_formatting)


def test_the_level_is_validated_from_the_registers_levels(tracked):
    reg, _, wb = tracked
    ws = wb[words.REGISTER_SHEET]
    h = headers(ws)
    found = [dv for dv in ws.data_validations.dataValidation if covers(dv.sqref, h["Appetite Level"], HEADER_ROW + 1)]
    assert len(found) == 1
    assert found[0].type == "list" and found[0].formula1 == '"Averse,Minimal,Cautious,Open,Eager"'
    assert found[0].showErrorMessage and found[0].allow_blank
    review = [dv for dv in ws.data_validations.dataValidation if covers(dv.sqref, h["Review By"], HEADER_ROW + 1)]
    assert review and review[0].type == "date"


def test_levels_too_long_for_a_list_are_validated_from_the_appetite_sheet():
    long = [
        AppetiteLevel(name=f"Level {i}, of a long and wordy scheme of appetite", tolerance=4 * i) for i in range(1, 6)
    ]
    reg = tracked_register("Level 1, of a long and wordy scheme of appetite")
    reg = reg.model_copy(update={"appetite": Appetite(levels=long, default=long[-1].name)})
    wb = open_wb(render(reg))
    ws = wb[words.REGISTER_SHEET]
    col = headers(ws)["Appetite Level"]
    [dv] = [dv for dv in ws.data_validations.dataValidation if covers(dv.sqref, col, HEADER_ROW + 1)]
    assert dv.formula1 == f"'{words.APPETITE_SHEET}'!$A$7:$A$11"
    assert [wb[words.APPETITE_SHEET].cell(r, 1).value for r in range(7, 12)] == [lv.name for lv in long]


# --------------------------------------------------------------------------- the Actions sheet


def test_actions_sheet_is_a_table_with_a_row_per_action(tracked):
    _, v, wb = tracked
    ws = wb[words.ACTIONS_SHEET]
    assert list(ws.tables) == [words.ACTIONS_TABLE]
    table = ws.tables[words.ACTIONS_TABLE]
    assert table.autoFilter is not None and table.ref.startswith(f"A{HEADER_ROW}:")
    h = headers(ws)
    assert list(h) == list(words.ACTION_COLUMNS.values())
    want = [(ev.id, n, g) for ev in v.entries() for n, g in enumerate(ev.actions, 1)]
    got = list(range(HEADER_ROW + 1, ws.max_row + 1))
    assert len(got) == len(want) and table.ref.endswith(str(ws.max_row))
    for r, (ident, n, g) in zip(got, want):
        assert (ws.cell(r, h["ID"]).value, ws.cell(r, h["Action No."]).value) == (ident, n)
        assert ws.cell(r, h["Overdue"]).value == ("Yes" if g.overdue else "No")
    by_text = {ws.cell(r, h["Action"]).value: {name: ws.cell(r, c) for name, c in h.items()} for r in got}
    overdue, done, later = by_text[OVERDUE], by_text[DONE], by_text[LATER]
    assert overdue["Due"].is_date and overdue["Due"].value == dt.datetime(2018, 9, 1)
    assert overdue["Due"].number_format == "d mmm yyyy"
    assert (overdue["Status"].value, overdue["Overdue"].value, overdue["Owner"].value) == (
        "Open",
        "Yes",
        "Leader of the Council",
    )
    assert (done["Status"].value, done["Overdue"].value) == ("Done", "No")  # due before the report date, but done
    assert (later["Status"].value, later["Overdue"].value) == ("In progress", "No")
    assert highlight(ws, overdue["Overdue"]) == "FFFFC7CE" and highlight(ws, done["Overdue"]) is None
    # status validated: the three statuses
    status = [dv for dv in ws.data_validations.dataValidation if covers(dv.sqref, h["Status"], HEADER_ROW + 1)]
    assert status and status[0].type == "list" and status[0].formula1 == '"Open,In progress,Done"'
    assert any(
        covers(dv.sqref, h["Due"], ws.max_row) and dv.type == "date" for dv in ws.data_validations.dataValidation
    )
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}" and ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    # CR1's original themes are gone (the check's actions have none): the Theme column is hidden
    assert ws.column_dimensions[ws.cell(1, h["Theme"]).column_letter].hidden


def test_the_register_stays_the_first_table_and_the_actions_follow_it(tracked):
    _, _, wb = tracked
    names = wb.sheetnames
    assert names[:3] == [words.SUMMARY_SHEET, words.REGISTER_SHEET, words.ACTIONS_SHEET]
    assert names.index(words.APPETITE_SHEET) < names.index(words.KEY_SHEET)
    assert next(ws for ws in wb.worksheets if ws.tables).title == words.REGISTER_SHEET
    assert wb.active.title == words.SUMMARY_SHEET  # the workbook opens on the summary


# --------------------------------------------------------------------------- the Summary sheet


def test_summary_sheet_says_what_the_view_summarises(tracked):
    _, v, wb = tracked
    ws = wb[words.SUMMARY_SHEET]
    assert not ws.tables
    column = [c.value for c in ws["A"] if c.value is not None]
    assert column[0] == f"{words.TRACKING_HEADING}: {v.heading}"
    for label, items in v.tracking.rows():
        at = column.index(label)
        assert column[at + 1 : at + 1 + len(items)] == items if items else column[at + 1] == "None."
    above = column[column.index(f"Above appetite ({len(ABOVE)})") + 1 :][: len(ABOVE)]
    assert {re.match(r"(CR\d+):", a).group(1) for a in above} == ABOVE
    assert any(OVERDUE in c and "1 September 2018" in c for c in column)
    assert any(c.startswith("CR4: Review overdue") for c in column)
    assert ws.page_setup.orientation == "landscape"


def test_with_previous_the_summary_comes_before_the_changes(tmp_path):
    path = write_tracked(tmp_path)
    result = api.build(path, tmp_path / "out", ["xlsx"], previous=SAMPLES["q1-2018-19"])
    wb = openpyxl.load_workbook(result.written[0])
    assert wb.sheetnames[:3] == [words.SUMMARY_SHEET, words.CHANGES_SHEET, words.REGISTER_SHEET]
    assert wb.active.title == words.SUMMARY_SHEET


# --------------------------------------------------------------------------- the Appetite sheet


def test_appetite_sheet_holds_the_levels_types_and_default(tracked):
    reg, _, wb = tracked
    ws = wb[words.APPETITE_SHEET]
    assert set(ws.tables) == {words.APPETITE_LEVELS_TABLE, words.APPETITE_TYPES_TABLE}
    levels = ws.tables[words.APPETITE_LEVELS_TABLE]
    rows = list(ws[levels.ref])
    assert [c.value for c in rows[0]] == list(words.APPETITE_LEVEL_HEADINGS)
    assert [(a.value, b.value) for a, b in rows[1:]] == [(lv.name, lv.tolerance) for lv in reg.appetite.levels]
    types = list(ws[ws.tables[words.APPETITE_TYPES_TABLE].ref])
    assert [c.value for c in types[0]] == list(words.APPETITE_TYPE_HEADINGS)
    assert dict((a.value, b.value) for a, b in types[1:]) == reg.appetite.by_type
    default = next(c for row in ws.iter_rows() for c in row if c.value == words.APPETITE_DEFAULT_LEVEL)
    assert ws.cell(default.row, default.column + 1).value == "Eager"
    # tolerances are scores: coloured by band, validated on the scale
    tol = rows[1][1]
    assert any(covers(cf.sqref, tol.column, tol.row) for cf in ws.conditional_formatting)
    assert any(
        covers(dv.sqref, tol.column, tol.row) and dv.type == "whole" for dv in ws.data_validations.dataValidation
    )


def test_a_register_tracking_actions_only_has_no_appetite_sheet(tmp_path):
    reg = tracked_register().model_copy(update={"appetite": None})
    reg = reg.model_copy(update={"risks": [e.model_copy(update={"appetite": None}) for e in reg.risks]})
    wb = open_wb(render(reg))
    assert words.APPETITE_SHEET not in wb.sheetnames and words.ACTIONS_SHEET in wb.sheetnames
    ws = wb[words.REGISTER_SHEET]
    h = headers(ws)
    # the appetite columns are there (the register tracks), hidden: no entry has a level
    for name in ("Appetite Level", "Appetite Tolerance", "Above Appetite"):
        assert ws.column_dimensions[ws.cell(1, h[name]).column_letter].hidden, name
    assert not any(c.value == "Yes" for c in ws[ws.cell(1, h["Above Appetite"]).column_letter])


# --------------------------------------------------------------------------- the small sample, and the cards


def test_small_sample_actions_and_dates():
    wb = open_wb(render(api.load(SAMPLES["small"]).register))
    ws = wb[words.ACTIONS_SHEET]
    h = headers(ws)
    got = [
        tuple(ws.cell(r, h[k]).value for k in ("ID", "Action No.", "Owner", "Due", "Status", "Overdue"))
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
    ]
    assert got[:3] == [
        ("CR1", 1, "Director of Finance", dt.datetime(2027, 2, 28), "In progress", "No"),
        ("CR1", 2, "Chief Executive", dt.datetime(2026, 12, 31), "Open", "Yes"),
        ("CR1", 3, "Director of Finance", dt.datetime(2026, 11, 30), "Done", "No"),
    ]
    reg = rows_by_id(wb[words.REGISTER_SHEET])
    assert reg["CR2"]["Target Date"].value == dt.datetime(2026, 12, 31)
    assert reg["CR2"]["Review By"].value == dt.datetime(2027, 1, 5) and reg["CR2"]["Review Overdue"].value == "Yes"
    assert (reg["CR1"]["Above Appetite"].value, reg["CR2"]["Above Appetite"].value) == ("Yes", "Yes")
    assert reg["CO1"]["Above Appetite"].value is None  # an opportunity with no level of its own


def test_cards_show_the_notes_and_each_actions_due_date_and_status(tmp_path):
    reg = tracked_register().model_copy(update={"layout": "cards"})
    wb = open_wb(render(reg))
    ws = wb[words.CARDS_SHEET]
    text = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    cr1 = next(t for t in text if OVERDUE in t)
    assert "Due 1 September 2018 · Open · Overdue" in cr1 and "Due 1 August 2018 · Done" in cr1
    assert words.TRACKING_HEADING in text
    assert any(t.startswith("● Above appetite (Open, up to 16)") for t in text)  # CR2
    assert any("Review overdue (due 15 September 2018)" in t for t in text)  # CR4
    assert "31 March 2019" in text  # CR2's target date, as a date in words


def test_the_tracked_workbook_is_deterministic():
    reg = tracked_register()
    assert render(reg) == render(reg)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_tracked(Path(tmp))
        a = api.build(path, Path(tmp) / "a", ["xlsx"]).written[0].read_bytes()
        b = api.build(path, Path(tmp) / "b", ["xlsx"]).written[0].read_bytes()
    assert a == b
