"""Import from Excel: reportgen's workbook round-trips, including a finance officer's edits."""

from __future__ import annotations

import openpyxl
import pytest

from conftest import SAMPLES, sample_paths
from hostile import problem_lines, run_limited, workbook_to_last_row
from reportgen import api, writers
from reportgen.cli import main
from test_import_docx import assert_previous_build_imports_without_trends, assert_round_trip

pytestmark = pytest.mark.skipif("xlsx" not in writers.available(), reason="the Excel writer is not available")


def _build(path, tmp_path):
    assert main(["build", str(path), "-f", "xlsx", "-o", str(tmp_path)]) == 0
    return tmp_path / f"{path.stem}.xlsx"


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_excel_round_trip_gives_back_the_sample(path, tmp_path, capsys):
    assert_round_trip(path, "xlsx", tmp_path)


def _columns(ws):
    return {ws.cell(5, c).value: c for c in range(1, ws.max_column + 1)}


def test_finance_edits_are_imported(tmp_path, capsys):
    built = _build(SAMPLES / "small.yaml", tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    col = _columns(ws)
    # CR2: a changed likelihood with a matching score; CO1: a changed score only
    ws.cell(7, col["Current Likelihood"]).value = 3
    ws.cell(7, col["Current Score"]).value = 15
    ws.cell(8, col["Current Score"]).value = 12
    # a new row typed at the bottom of the table, and a column finance added
    ws.cell(9, col["ID"]).value = "CR3"
    ws.cell(9, col["Type"]).value = "Risk"
    ws.cell(9, col["Description"]).value = "Pay award above budget"
    ws.cell(9, col["Current Score"]).value = 16
    ws.cell(9, col["Current Likelihood"]).value = 4
    ws.cell(9, col["Current Impact"]).value = 4
    ws.cell(9, col["Owner"]).value = "Director of Finance"
    ws.cell(9, col["Current Band"]).value = "typed over a computed column"
    ws.tables["RegisterTable"].ref = ws.tables["RegisterTable"].ref[:-1] + "9"
    extra = ws.max_column + 1
    ws.cell(5, extra).value = "Budget £k"
    ws.cell(6, extra).value = 250
    wb.save(built)
    back = tmp_path / "back.yaml"
    assert main(["import", str(built), "-o", str(back)]) == 0
    err = capsys.readouterr().err
    reg = api.load(back).register
    cr2 = reg.risks[1]
    assert (cr2.current.score, cr2.current.likelihood, cr2.current.impact) == (15, 3, 5)
    co1 = reg.opportunities[0]
    assert (co1.current.score, co1.current.likelihood, co1.current.impact) == (12, None, None)
    assert "CO1 current: score 12 does not match likelihood 3 × impact 3 = 9; kept the score 12" in err
    cr3 = reg.risks[2]
    assert (cr3.id, cr3.description.strip(), cr3.current.score, cr3.owner) == (
        "CR3",
        "Pay award above budget",
        16,
        "Director of Finance",
    )
    # computed columns are not data; an unknown column is reported, not lost
    assert "typed over" not in back.read_text()
    assert "column 'Budget £k' fits no field of the register" in err and "'250'" in err


def test_workbook_without_a_register_is_refused(tmp_path, capsys):
    p = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Budget"
    wb.save(p)
    assert main(["import", str(p), "-o", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("has no register sheet (no Excel table, and no header row with an ID column)")
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.yaml").exists()


def test_truncated_workbook_is_refused(tmp_path, capsys):
    built = _build(SAMPLES / "small.yaml", tmp_path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(built.read_bytes()[:3000])
    assert main(["import", str(cut), "-o", str(tmp_path / "x.yaml")]) == 1
    assert "is damaged" in capsys.readouterr().err


def test_a_build_with_previous_imports_without_its_computed_trends(tmp_path, capsys):
    assert_previous_build_imports_without_trends("xlsx", tmp_path, capsys)


@pytest.mark.parametrize("how", ["table", "cell"])
def test_a_range_to_the_last_row_reads_only_the_rows_with_values(how, tmp_path):
    """A 6 kB workbook whose table (or one formatted cell) reaches row 1,048,576 took import past
    4 GB: one cell was made for every row and column up to there."""
    src = workbook_to_last_row(tmp_path / "register.xlsx", how)
    out = tmp_path / "register.yaml"
    proc = run_limited(["import", str(src), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert not any("error" in line for line in problem_lines(proc))
    register = api.load(out).register
    assert [(e.id, e.title, e.current.score if e.current else None) for e in register.risks] == [
        ("CR1", "Budget", 12),
        ("CR2", "Workforce", 9),
    ]


def test_the_organisation_is_never_the_workbooks_creator(tmp_path, capsys):
    """With no organisation above the table, the creator (a person) is not taken for it: a
    placeholder is, named in a warning. The report date the title block shows needs no warning;
    one from the file's created date does."""
    import datetime

    built = _build(SAMPLES / "small.yaml", tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    assert ws["A1"].value == "Example County Council"
    ws["A1"].value = None
    wb.properties.creator = wb.properties.lastModifiedBy = "Jane Clerk"
    wb.properties.created = datetime.datetime(2013, 12, 23)
    src = tmp_path / "clerk.xlsx"
    wb.save(src)
    out = tmp_path / "clerk.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert (reg.organisation, reg.period, str(reg.report_date)) == ("Unknown organisation", "Q3 2026/27", "2027-01-10")
    assert "Jane Clerk" not in out.read_text() + err
    assert "no organisation found in the title block; wrote organisation 'Unknown organisation'" in err
    assert "report date" not in err

    ws["A3"].value = None  # the line with the period and the report date (the title gives the period too)
    wb.save(src)
    assert main(["import", str(src), "-o", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert (reg.period, str(reg.report_date)) == ("Q3 2026/27", "2013-12-23")
    assert (
        f"{src}: warning: report date 2013-12-23 taken from the file's created date: check it (file properties)" in err
    )
