"""Import from Excel: reportgen's workbook round-trips, including a finance officer's edits."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from conftest import SAMPLES, sample_paths
from hostile import problem_lines, run_limited, workbook_to_last_row
from reportgen import api, writers
from reportgen import vocabulary as words
from reportgen.cli import main
from test_import_docx import _comparable, assert_previous_build_imports_without_trends, assert_round_trip

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


# --------------------------------------------------------------------------- appetite, targets and actions


def _tracked_workbook(tmp_path, register=None):
    from tracked import write_tracked

    return _build(write_tracked(tmp_path, register), tmp_path)


def _tracking(reg):
    """What a register says of appetite, targets and actions, entry by entry."""
    return [
        (
            e.id,
            e.appetite,
            e.review_by,
            e.target_date,
            [(g.owner, g.due, g.status) for g in e.actions],
        )
        for e in reg.risks + reg.opportunities
    ]


def test_appetite_actions_and_dates_come_back(tmp_path, capsys):
    from test_import_docx import _comparable
    from tracked import BY_TYPE, DONE, OVERDUE, tracked_register

    built = _tracked_workbook(tmp_path)
    capsys.readouterr()
    reg, err = _import(built, tmp_path, capsys)
    original = tracked_register()
    assert reg.appetite == original.appetite
    assert reg.appetite.by_type == BY_TYPE and reg.appetite.default == "Eager"
    assert _tracking(reg) == _tracking(original)
    assert _comparable(reg) == _comparable(original)
    cr10 = next(e for e in reg.risks if e.id == "CR10")
    assert cr10.appetite == "Averse"  # its own level, not its types' (Eager)
    assert [e.id for e in reg.risks if e.appetite] == ["CR10"]  # the others' come from their types
    cr1 = reg.risks[0]
    assert [(g.text.strip(), g.due, g.status) for g in cr1.actions] == [
        (OVERDUE, dt.date(2018, 9, 1), "open"),
        (DONE, dt.date(2018, 8, 1), "done"),
        ("Refresh financial strategy", dt.date(2019, 3, 31), "in progress"),
    ]
    assert "sheet '" not in err  # nothing the import could not place (its notes name the sheet)


def test_an_own_level_the_same_as_the_types_level_is_not_written(tmp_path, capsys):
    from tracked import tracked_register

    # CR10's types (Organisational: Eager, social: Open, economic: Eager) give the strictest, Open, anyway
    built = _tracked_workbook(tmp_path, tracked_register("Open"))
    reg, _ = _import(built, tmp_path, capsys)
    assert not any(e.appetite for e in reg.risks)
    assert "appetite: Open" not in (tmp_path / "back.yaml").read_text().split("risks:")[1]


def test_finance_edits_to_actions_levels_and_appetite_are_imported(tmp_path, capsys):
    built = _tracked_workbook(tmp_path)
    wb = openpyxl.load_workbook(built)
    actions = wb[words.ACTIONS_SHEET]
    h = {actions.cell(5, c).value: c for c in range(1, actions.max_column + 1)}
    rows = {
        (actions.cell(r, h["ID"]).value, actions.cell(r, h["Action No."]).value): r
        for r in range(6, actions.max_row + 1)
    }
    actions.cell(rows[("CR1", 1)], h["Status"]).value = "Done"  # the overdue action done
    actions.cell(rows[("CR1", 3)], h["Due"]).value = dt.datetime(2019, 6, 30)  # a later date
    actions.cell(rows[("CR2", 1)], h["Status"]).value = "in progress"  # typed, lower case
    actions.cell(rows[("CR2", 1)], h["Due"]).value = "31/12/2018"  # typed as text, day first
    actions.cell(rows[("CR3", 1)], h["Status"]).value = "Started"  # none of the three
    register = wb[words.REGISTER_SHEET]
    col = _columns(register)
    register.cell(_row_of(register, "CR5"), col["Appetite Level"]).value = "Cautious"  # CR5's own level now
    register.cell(_row_of(register, "CR6"), col["Review By"]).value = dt.datetime(2019, 1, 31)
    register.cell(_row_of(register, "CR2"), col["Above Appetite"]).value = "No"  # computed: not data
    appetite = wb[words.APPETITE_SHEET]
    tolerance = next(c for row in appetite.iter_rows() for c in row if c.value == "Cautious" and c.column == 1)
    appetite.cell(tolerance.row, 2).value = 10
    wb.save(built)
    reg, err = _import(built, tmp_path, capsys)
    e = {x.id: x for x in reg.risks}
    assert [(g.due, g.status) for g in e["CR1"].actions] == [
        (dt.date(2018, 9, 1), "done"),
        (dt.date(2018, 8, 1), "done"),
        (dt.date(2019, 6, 30), "in progress"),
    ]
    assert (e["CR2"].actions[0].due, e["CR2"].actions[0].status) == (dt.date(2018, 12, 31), "in progress")
    assert e["CR3"].actions[0].status is None
    assert "the status 'Started' is none of Open, In progress, Done; not imported" in err
    assert e["CR5"].appetite == "Cautious" and e["CR6"].review_by == dt.date(2019, 1, 31)
    assert next(lv.tolerance for lv in reg.appetite.levels if lv.name == "Cautious") == 10


def test_actions_are_matched_by_their_text_when_finance_reorders_them(tmp_path, capsys):
    from tracked import DONE, LATER, OVERDUE

    built = _tracked_workbook(tmp_path)
    wb = openpyxl.load_workbook(built)
    register = wb[words.REGISTER_SHEET]
    col = _columns(register)
    r = _row_of(register, "CR1")
    cell = register.cell(r, col["Mitigating / Maximising Actions"])
    assert cell.value == f"{OVERDUE}\n\n{DONE}\n\n{LATER}"
    cell.value = f"{LATER}\n\n{OVERDUE}\n\nA new action typed in\n\n{DONE}"
    register.cell(r, col["Mitigation Owner"]).value = None
    wb.save(built)
    reg, err = _import(built, tmp_path, capsys)
    got = [(g.text.strip(), g.owner, g.due, g.status) for g in reg.risks[0].actions]
    assert got == [
        (LATER, "Director of Finance", dt.date(2019, 3, 31), "in progress"),
        (OVERDUE, "Leader of the Council", dt.date(2018, 9, 1), "open"),
        ("A new action typed in", None, None, None),
        (DONE, "Director of HR", dt.date(2018, 8, 1), "done"),
    ]


def test_an_action_matching_nothing_is_named_not_lost_silently(tmp_path, capsys):
    built = _tracked_workbook(tmp_path)
    wb = openpyxl.load_workbook(built)
    actions = wb[words.ACTIONS_SHEET]
    last = actions.max_row
    for c, v in enumerate(["CR99", "Risk", 1, None, "An action of no entry", "Someone", dt.datetime(2019, 1, 1)], 1):
        actions.cell(last + 1, c).value = v
    actions.tables[words.ACTIONS_TABLE].ref = f"A5:I{last + 1}"
    wb.save(built)
    _, err = _import(built, tmp_path, capsys)
    assert "the actions of 'CR99' match no entry of the register" in err


def test_without_the_appetite_sheet_levels_are_named_not_guessed(tmp_path, capsys):
    built = _tracked_workbook(tmp_path)
    wb = openpyxl.load_workbook(built)
    del wb[words.APPETITE_SHEET]
    wb.save(built)
    reg, err = _import(built, tmp_path, capsys)
    assert reg.appetite is None and not any(e.appetite for e in reg.risks)
    assert f"no '{words.APPETITE_SHEET}' sheet defining the levels" in err
    # with --like, the register's appetite is taken, and the own level kept
    from tracked import write_tracked

    like = write_tracked(tmp_path, name="like.yaml")
    back = tmp_path / "like-back.yaml"
    assert main(["import", str(built), "-o", str(back), "--like", str(like)]) == 0
    again = api.load(back).register
    assert again.appetite is not None and next(e for e in again.risks if e.id == "CR10").appetite == "Averse"


def test_the_register_table_is_found_by_its_name_whatever_the_sheet_order(tmp_path, capsys):
    built = _tracked_workbook(tmp_path)
    wb = openpyxl.load_workbook(built)
    wb.move_sheet(words.ACTIONS_SHEET, offset=-2)  # the Actions table now first of all
    wb.save(built)
    assert openpyxl.load_workbook(built).sheetnames[0] == words.ACTIONS_SHEET
    reg, _ = _import(built, tmp_path, capsys)
    assert [e.id for e in reg.risks][:2] == ["CR1", "CR2"] and len(reg.opportunities) == 3


def test_a_date_typed_into_the_target_date_column_is_a_date(tmp_path, capsys):
    built = _build(SAMPLES / "small.yaml", tmp_path)
    wb = openpyxl.load_workbook(built)
    ws = wb["Register"]
    col = _columns(ws)
    ws.cell(_row_of(ws, "CR1"), col["Target Date"]).value = "2027-03-31"
    ws.cell(_row_of(ws, "CO1"), col["Target Date"]).value = "March 2028"
    wb.save(built)
    reg, _ = _import(built, tmp_path, capsys)
    assert reg.risks[0].target_date == dt.date(2027, 3, 31)
    assert reg.risks[1].target_date == dt.date(2026, 12, 31)  # written as a real date
    assert reg.opportunities[0].target_date == "March 2028"


# --------------------------------------------------------------------------- the History sheet


def _history_workbook(tmp_path):
    """Q2 built against Q1 and Q4 2017/18: a workbook with a History sheet (two tables)."""
    q2 = SAMPLES / "q2-2018-19.yaml"
    previous = ["--previous", str(SAMPLES / "q1-2018-19.yaml"), "--previous", str(SAMPLES / "history/q4-2017-18.yaml")]
    assert main(["build", str(q2), *previous, "-f", "xlsx", "-o", str(tmp_path)]) == 0
    built = tmp_path / "q2-2018-19.xlsx"
    assert words.HISTORY_SHEET in openpyxl.load_workbook(built).sheetnames
    return q2, built


@pytest.mark.parametrize("edit", ["as built", "history first, register table renamed", "history first, no table"])
def test_import_never_takes_the_history_sheet_for_the_register(edit, tmp_path, capsys):
    q2, built = _history_workbook(tmp_path)
    if edit != "as built":
        wb = openpyxl.load_workbook(built)
        wb.move_sheet(words.HISTORY_SHEET, offset=-wb.sheetnames.index(words.HISTORY_SHEET))
        ws = wb[words.REGISTER_SHEET]
        if edit.endswith("renamed"):
            ws.tables[words.REGISTER_TABLE].displayName = "Table1"
        else:
            del ws.tables[words.REGISTER_TABLE]
        wb.save(built)
        assert openpyxl.load_workbook(built).sheetnames[0] == words.HISTORY_SHEET
    back = tmp_path / "back.yaml"
    assert main(["import", str(built), "-o", str(back)]) == 0
    assert "not imported" not in capsys.readouterr().err
    assert _comparable(api.load(back).register) == _comparable(api.load(q2).register)


def test_a_workbook_with_a_history_sheet_builds_straight_from_the_workbook(tmp_path, capsys):
    q2, built = _history_workbook(tmp_path)
    out = tmp_path / "again"
    assert main(["build", str(built), "-f", "xlsx", "-o", str(out)]) == 0
    again = openpyxl.load_workbook(out / "q2-2018-19.xlsx")
    # No --previous this time: no History sheet, and the register's entries all there.
    assert words.HISTORY_SHEET not in again.sheetnames
    ws = again[words.REGISTER_SHEET]
    ids = [ws.cell(r, 1).value for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value]
    want = api.load(q2).register
    assert ids == [e.id for e in (*want.risks, *want.opportunities)]
