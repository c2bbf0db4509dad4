"""What a finance analyst's edits need from the workbook: a current score that is a formula of its
likelihood and impact (with its value cached for readers that do not calculate), a score kept as
written shown where its number would be described, and a record of bold and italic that survives
a program saving the workbook without them. Read back with openpyxl and the raw XML."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import sample_paths
from reportgen import api
from reportgen import vocabulary as words
from reportgen.writers.xlsx import formulas

SAMPLES = {p.stem: p for p in sample_paths()}
HEADER_ROW = 5
UNREAD = "(Major/ see note?"


def render(path) -> bytes:
    return api.render(api.load(path).register, "xlsx")


def headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value is not None}


def sheet_xml(data: bytes, title: str) -> str:
    """The XML part of the sheet called `title`, found through the workbook's relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="(\w+)"', book).group(1)
        target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels
        )
        return z.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()


# --------------------------------------------------------------------------- the score as a formula


def test_current_score_is_likelihood_times_impact_with_its_value_cached():
    data = render(SAMPLES["small"])
    ws = openpyxl.load_workbook(io.BytesIO(data))["Register"]
    h = headers(ws)
    s, lk, im = h["Current Score"], h["Current Likelihood"], h["Current Impact"]
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    # CR2 (Likely x Catastrophic) and CO1 (3 x Moderate): likelihood and impact known
    for ident, want in (("CR2", 20), ("CO1", 9)):
        r = rows[ident]
        cell = ws.cell(r, s)
        ref = f"{get_column_letter(lk)}{r}*{get_column_letter(im)}{r}"
        assert cell.data_type == "f" and cell.value == f"={ref}", ident
        assert ws.cell(r, lk).value * ws.cell(r, im).value == want
        # the number is in the file too, beside the formula, for readers that do not calculate
        assert f'<c r="{get_column_letter(s)}{r}" s="' in sheet_xml(data, "Register")
        assert re.search(
            rf'<c r="{get_column_letter(s)}{r}"[^>]*><f>{re.escape(ref)}</f><v>{want}</v></c>',
            sheet_xml(data, "Register"),
        ), ident
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Register"]
    assert [values.cell(rows[i], s).value for i in ("CR1", "CR2", "CO1")] == [20, 20, 9]
    # a score with no likelihood and impact stays a typed number
    assert ws.cell(rows["CR1"], s).value == 20 and ws.cell(rows["CR1"], s).data_type == "n"
    # the band rules colour the formula's value: the cell is in their range
    bands = [cf for cf in ws.conditional_formatting if all(r.operator == "between" for r in cf.rules)]
    assert bands and all(
        any(f"{get_column_letter(s)}{HEADER_ROW + 1}:" in part for part in str(cf.sqref).split()) for cf in bands
    )


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_every_formula_has_its_value_and_rebuilds_are_identical(stem):
    data = render(SAMPLES[stem])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                assert xml.count("<f>") == len(re.findall(r"<f>[^<]+</f><v>\d+</v>", xml)), name
    assert render(SAMPLES[stem]) == data


def test_filling_cached_values_fails_loudly_if_openpyxl_writes_formulas_another_way():
    """The step that writes the cached values expects openpyxl's `<c r=.. s=..><f>..</f><v></v></c>`:
    if openpyxl's output changes shape, every Excel build fails rather than losing the numbers."""
    good = b'<sheetData><row r="7"><c r="I7" s="12"><f>J7*K7</f><v></v></c></row></sheetData>'
    assert formulas.fill_cached(good, {"I7": ("J7*K7", 20)}) == (
        b'<sheetData><row r="7"><c r="I7" s="12"><f>J7*K7</f><v>20</v></c></row></sheetData>'
    )
    for changed in (
        b'<c r="I7" s="12"><f>J7*K7</f></c>',  # no empty <v>
        b'<c r="I7" s="12" t="n"><f>J7*K7</f><v/></c>',  # another form
        b'<c r="I7" s="12"><f>K7*J7</f><v></v></c>',  # another formula
        b"",
    ):
        with pytest.raises(RuntimeError, match="openpyxl"):
            formulas.fill_cached(changed, {"I7": ("J7*K7", 20)})


def test_libreoffice_calculates_an_edited_likelihood(tmp_path):
    """A spreadsheet program recalculates the score from an edited likelihood (openpyxl saves a
    formula with no value, so the 12 below can only come from calculating it)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path / "small.xlsx"
    src.write_bytes(render(SAMPLES["small"]))
    wb = openpyxl.load_workbook(src)
    ws = wb["Register"]
    h = headers(ws)
    ws.cell(HEADER_ROW + 2, h["Current Likelihood"]).value = 3  # CR2: 4 x 5 -> 3 x 5
    wb.save(src)
    # The Register sheet by its number (the workbook opens on its Summary, which a plain "csv" would take).
    sheet = wb.sheetnames.index("Register") + 1
    csv_filter = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", csv_filter]
        + ["--outdir", str(tmp_path / "csv"), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = tmp_path / "csv" / "small-Register.csv"
    assert proc.returncode == 0 and out.exists(), proc.stderr
    import csv

    rows = list(csv.reader(out.read_text(encoding="utf-8", errors="replace").splitlines()))
    head = rows[HEADER_ROW - 1]
    cr2 = next(r for r in rows if r and r[0] == "CR2")
    assert cr2[head.index("Current Score")] == "15"


# --------------------------------------------------------------------------- a score kept as written


def test_a_score_kept_as_written_shows_in_its_rating_and_on_its_card(tmp_path):
    path = tmp_path / "unread.yaml"
    path.write_text(
        "organisation: Test Council\nperiod: Q1\nlayout: cards\nrisks:\n"
        f"  - {{id: R1, current: 12, residual_score: {{as_written: '{UNREAD}'}}}}\n",
        encoding="utf-8",
    )
    wb = openpyxl.load_workbook(io.BytesIO(render(path)))
    ws = wb["Register"]
    h = headers(ws)
    shown = f"{UNREAD} ({words.NOT_A_SCORE})"
    assert ws.cell(HEADER_ROW + 1, h["Residual Score"]).value is None  # no text in a numeric column
    assert ws.cell(HEADER_ROW + 1, h["Residual Rating"]).value == shown
    assert not ws.column_dimensions[get_column_letter(h["Residual Rating"])].hidden
    cards = wb["Cards"]
    label = next(c for c in cards["A"] if c.value == "Residual Risk Score")
    assert cards.cell(label.row, 2).value == shown and cards.cell(label.row, 2).data_type == "s"


# --------------------------------------------------------------------------- bold and italic, recorded


def test_bold_and_italic_are_recorded_on_a_hidden_sheet():
    data = render(SAMPLES["small"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert words.FORMATTING_SHEET in wb.sheetnames
    ws = wb[words.FORMATTING_SHEET]
    assert ws.sheet_state == "hidden" and not ws.tables
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    by_cell = {(r[0], r[1]): r for r in rows if r[0]}
    conseq = by_cell[("CR1", "Consequences / Benefits")]
    reg = wb["Register"]
    text = reg.cell(HEADER_ROW + 1, headers(reg)["Consequences / Benefits"]).value
    runs = []
    for part in conseq[3].split():  # start:length:b, i or bi, counted in characters of the cell's text
        start, length, how = part.split(":")
        runs.append((text[int(start) : int(start) + int(length)], how))
    assert runs == [("statutory duties", "b"), ("minimum", "i")]
    assert ("CR1", "Current Controls") in by_cell  # the theme in bold
    assert conseq[2]  # a check of the cell's text, to tell an edited cell


def test_a_workbook_without_bold_or_italic_has_no_record(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text("organisation: Test Council\nperiod: Q1\nrisks:\n  - {id: R1, description: Plain}\n")
    assert words.FORMATTING_SHEET not in openpyxl.load_workbook(io.BytesIO(render(path))).sheetnames
