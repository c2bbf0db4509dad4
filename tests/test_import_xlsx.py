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


# --------------------------------------------------------------------------- a finance officer's score edits


def _row_of(ws, ident):
    return next(r for r in range(HEADER + 1, ws.max_row + 1) if ws.cell(r, 1).value == ident)


HEADER = 5


def _rewrite_sheet(path, title, edit):
    """Rewrite the XML of sheet `title` in place with `edit(xml) -> xml`, as a program that edits
    cells without calculating would (the formula's cached value stays as it was)."""
    import io
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    book, rels = parts["xl/workbook.xml"].decode(), parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{title}"[^>]*r:id="(\w+)"', book).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    name = "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
    parts[name] = edit(parts[name].decode()).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    path.write_bytes(buf.getvalue())


def _import(path, tmp_path, capsys):
    back = tmp_path / "back.yaml"
    assert main(["import", str(path), "-o", str(back), "--force"]) == 0
    return api.load(back).register, capsys.readouterr().err


def test_a_likelihood_edited_and_saved_without_calculating_gives_the_new_score(tmp_path, capsys):
    """openpyxl (as pandas) saves the score's formula with no value: the score is likelihood x impact."""
    built = _build(SAMPLES / "small.yaml", tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    col = _columns(ws)
    r = _row_of(ws, "CR2")  # Likely (4) x Catastrophic (5) = 20
    assert str(ws.cell(r, col["Current Score"]).value).startswith("=")
    ws.cell(r, col["Current Likelihood"]).value = 3
    wb.save(built)
    assert openpyxl.load_workbook(built, data_only=True)["Register"].cell(r, col["Current Score"]).value is None
    reg, err = _import(built, tmp_path, capsys)
    cr2 = reg.risks[1]
    assert (cr2.current.score, cr2.current.likelihood, cr2.current.impact) == (15, 3, 5)
    assert "CR2" not in err


def test_a_stale_score_gives_way_to_an_edited_likelihood_with_a_warning(tmp_path, capsys):
    """The formula's cached value (20) is stale: the likelihood was edited by a program that does not
    calculate. Likelihood x impact wins, and the warning names both."""
    import re

    built = _build(SAMPLES / "small.yaml", tmp_path)
    ws = openpyxl.load_workbook(built)["Register"]
    col = _columns(ws)
    r = _row_of(ws, "CR2")
    ref = f"{openpyxl.utils.get_column_letter(col['Current Likelihood'])}{r}"

    def edit(xml):
        new, n = re.subn(rf'(<c r="{ref}"[^>]*><v>)4(</v>)', r"\g<1>3\2", xml)
        assert n == 1
        return new

    _rewrite_sheet(built, "Register", edit)
    reg, err = _import(built, tmp_path, capsys)
    cr2 = reg.risks[1]
    assert (cr2.current.score, cr2.current.likelihood, cr2.current.impact) == (15, 3, 5)
    assert "CR2 current score: likelihood 3 × impact 5 = 15 replaces the score 20 the workbook held; check it" in err


def test_an_older_workbook_with_typed_scores_takes_an_edited_likelihood(tmp_path, capsys):
    """Earlier workbooks held scores as typed numbers. The Rating beside them (the labels when the
    workbook was made) tells an edited likelihood (the labels no longer match) from an edited score
    (they still do, as CO1 in `test_finance_edits_are_imported`)."""
    built = _build(SAMPLES / "small.yaml", tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    col = _columns(ws)
    r = _row_of(ws, "CR2")
    ws.cell(r, col["Current Score"]).value = 20  # as an earlier workbook held it
    ws.cell(r, col["Current Likelihood"]).value = 3
    wb.save(built)
    reg, err = _import(built, tmp_path, capsys)
    cr2 = reg.risks[1]
    assert (cr2.current.score, cr2.current.likelihood, cr2.current.impact) == (15, 3, 5)
    assert "CR2 current score: likelihood 3 × impact 5 = 15 replaces the score 20 the workbook held; check it" in err


def test_a_formula_typed_into_a_text_column_reads_as_its_value(tmp_path, capsys):
    """A formula finance typed (saved by Excel, with its value) is read as that value, as before."""
    built = _build(SAMPLES / "small.yaml", tmp_path)
    ws = openpyxl.load_workbook(built)["Register"]
    ref = f"{openpyxl.utils.get_column_letter(_columns(ws)['Owner'])}{_row_of(ws, 'CR1')}"

    def edit(xml):
        import re

        new, n = re.subn(
            rf'<c r="{ref}"([^>]*?)( t="\w+")?>.*?</c>',
            rf'<c r="{ref}"\1 t="str"><f>"Director"&amp;" of Resources"</f><v>Director of Resources</v></c>',
            xml,
            count=1,
        )
        assert n == 1
        return new

    _rewrite_sheet(built, "Register", edit)
    reg, _ = _import(built, tmp_path, capsys)
    assert reg.risks[0].owner == "Director of Resources"


# --------------------------------------------------------------------------- bold, italic and unread scores


RICH = """\
organisation: Test Council
period: Q1 2026/27
layout: cards
risks:
  - id: R1
    title: Children's services
    description: Protect **children in our care** and *young people*
    consequences: |
      - Services fail our **statutory duties**
      - Reserves below the *minimum*
    controls:
      - text: Annual **penetration** test and *review*
      - theme: Commercialisation
        owner: Director of Finance
        text: |
          - Review of **charging** policy
    current_score: {likelihood: 4, impact: 5}
    actions: |
      1. Savings **proposals** to Cabinet
      2. Service *challenge* in ***ten*** areas
    residual_score: {as_written: "(Major/ see note?"}
    owner: Director of Children's Services
    direction: "Level, **watch** it *closely*"
    progress: "Work **started** in *May*"
"""


def _fields(entry):
    """The rich fields as Markdown (a block's final line end aside)."""
    return (
        entry.description.strip(),
        entry.consequences.strip(),
        [(g.theme, g.owner, g.text.strip()) for g in entry.controls],
        [(g.theme, g.text.strip()) for g in entry.actions],
        entry.direction.strip(),
        entry.progress.strip(),
    )


@pytest.mark.parametrize("saved_by", ["reportgen", "openpyxl"])
def test_bold_and_italic_come_back(saved_by, tmp_path, capsys):
    """Emphasis in every rich field survives build -> xlsx -> import, also after a program that drops
    rich text (openpyxl loading without rich_text, as pandas does) saved the workbook."""
    src = tmp_path / "rich.yaml"
    src.write_text(RICH, encoding="utf-8")
    built = _build(src, tmp_path)
    if saved_by == "openpyxl":
        wb = openpyxl.load_workbook(built)
        wb.save(built)
        assert "**" not in str(wb["Register"]["D6"].value)
        ws = openpyxl.load_workbook(built, rich_text=True)["Register"]
        assert not any(type(c.value).__name__ == "CellRichText" for row in ws.iter_rows() for c in row)
    reg, _ = _import(built, tmp_path, capsys)
    original = api.load(src).register
    assert _fields(reg.risks[0]) == _fields(original.risks[0])


def test_an_edited_cell_keeps_its_edit_not_the_recorded_emphasis(tmp_path, capsys):
    src = tmp_path / "rich.yaml"
    src.write_text(RICH, encoding="utf-8")
    built = _build(src, tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    ws.cell(6, _columns(ws)["Description"]).value = "Protect children in our care, and care leavers"
    wb.save(built)
    reg, _ = _import(built, tmp_path, capsys)
    assert reg.risks[0].description.strip() == "Protect children in our care, and care leavers"
    assert reg.risks[0].progress == "Work **started** in *May*"  # unedited: its emphasis comes back


def test_a_score_kept_as_written_comes_back_as_written(tmp_path, capsys):
    src = tmp_path / "rich.yaml"
    src.write_text(RICH, encoding="utf-8")
    built = _build(src, tmp_path)
    reg, _ = _import(built, tmp_path, capsys)
    r1 = reg.risks[0]
    assert r1.residual is not None and r1.residual.as_written == "(Major/ see note?"
    assert r1.residual.score is None and r1.residual.likelihood is None
    assert (r1.current.score, r1.current.likelihood, r1.current.impact) == (20, 4, 5)


def test_a_score_formula_of_another_kind_reads_as_its_value(tmp_path, capsys):
    """Finance typed their own formula into a score cell: its value is the score, as a typed one;
    with no value in the file (saved by a program that does not calculate) it is not guessed."""
    import re

    built = _build(SAMPLES / "small.yaml", tmp_path)
    ws = openpyxl.load_workbook(built)["Register"]
    col = _columns(ws)
    letter = openpyxl.utils.get_column_letter(col["Current Score"])
    cr1, cr2 = _row_of(ws, "CR1"), _row_of(ws, "CR2")

    def edit(xml):
        xml, n = re.subn(
            rf'<c r="{letter}{cr1}"([^>]*?)( t="\w+")?><v>20</v></c>',
            rf'<c r="{letter}{cr1}"\1><f>10+6</f><v>16</v></c>',
            xml,
        )
        xml, m = re.subn(rf'(<c r="{letter}{cr2}"[^>]*>)<f>[^<]*</f><v>20</v>', r"\1<f>SUM(J1:J2)</f><v></v>", xml)
        assert n == m == 1
        return xml

    _rewrite_sheet(built, "Register", edit)
    reg, err = _import(built, tmp_path, capsys)
    assert reg.risks[0].current.score == 16
    cr2_score = reg.risks[1].current
    assert (cr2_score.score, cr2_score.likelihood, cr2_score.impact) == (20, 4, 5)  # from the two kept
    assert "CR2 current: the score is a formula, =SUM(J1:J2), with no value saved in the file: not imported" in err
