"""The Excel writer's packs (issue 19), built through the API as `reportgen build` builds them and read
back with openpyxl, the raw XML of every part, LibreOffice and the importer: Part B's mark on the first
sheet, in every sheet's print header and in the properties (and none of it in a public workbook); the
selection line; a deep dive or filtered register as the register of its entries; import of each."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES
from reportgen import api
from reportgen.selection import Selection

Q1, Q2, SMALL = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml", SAMPLES / "small.yaml"
MARK = "NOT FOR PUBLICATION"
NOTICE_3 = "NOT FOR PUBLICATION: exempt information under paragraph 3 of Schedule 12A to the Local Government Act 1972"
SECRET = "ZEBRA4471"
TITLE = "Appendix A: Corporate Risk & Opportunity Register Q2 2018/19"


def build(reg: Path, out: Path, pack: api.Pack, previous=None) -> list[Path]:
    [result] = list(api.build_all([reg], out, "xlsx", previous=previous, pack=pack, keep_going=False))
    return result.written


def exempt_copy(tmp_path: Path, ident: str = "CR2", name: str = "exempt.yaml", source: Path = Q2) -> Path:
    text = source.read_text(encoding="utf-8")
    text, n = re.subn(
        rf"^  - id: {ident}\n    description: (.*)$",
        rf"  - id: {ident}\n    exempt: {{paragraph: 3}}\n    description: \1 {SECRET}",
        text,
        count=1,
        flags=re.M,
    )
    assert n == 1
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def table_rows(ws, name: str = "RegisterTable") -> tuple[int, list[str]]:
    """The table's header row number and the IDs of its body rows."""
    table = ws.tables[name]
    first, last = (int(x) for x in re.findall(r"\d+", table.ref))
    return first, [ws.cell(r, 1).value for r in range(first + 1, last + 1)]


# --------------------------------------------------------------------------- public and Part B


def test_a_public_workbook_carries_no_part_b_mark_nor_selection_line(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack())
    raw = b"\n".join(parts(path).values())
    assert MARK.encode() not in raw and SECRET.encode() not in raw
    assert b"rg part b" not in raw and b"rg selection" not in raw
    wb = openpyxl.load_workbook(path)
    ws = wb["Register"]
    assert ws["A1"].value == "Lancashire County Council"
    assert table_rows(ws)[0] == 5
    assert all(ws.oddHeader.center.text == TITLE.replace("&", "&&") for ws in wb.worksheets)
    props = wb.properties
    assert "Schedule 12A" not in f"{props.subject} {props.keywords} {props.description} {props.title}"


def test_part_b_is_the_first_line_of_the_first_sheet_in_every_print_header_and_the_properties(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b"))
    assert path.name == "exempt-part-b.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "Register" and wb.active.title == "Register"
    assert ws["A1"].value == NOTICE_3 and ws["A1"].font.b
    assert ws["A2"].value == "Lancashire County Council" and ws["A3"].value == TITLE
    header_row, ids = table_rows(ws)
    assert header_row == 6 and ids[:3] == ["CR1", "CR2", "CR3"]
    assert ws.freeze_panes == "C7" and ws.print_title_rows == "$6:$6"
    # the score formulas follow their own row
    for row in ws.iter_rows(min_row=7):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert set(re.findall(r"\d+", cell.value)) == {str(cell.row)}, (cell.coordinate, cell.value)
    # every sheet's print header: the mark, bold, then the sheet's own line
    for sheet in wb.worksheets:
        assert sheet.oddHeader.center.text == f"&B{NOTICE_3}&B\n{TITLE.replace('&', '&&')}", sheet.title
    for name, data in parts(path).items():
        if name.startswith("xl/worksheets/sheet"):
            head = re.search(rb"<oddHeader>([^<]*)</oddHeader>", data).group(1)
            assert b"\n" in head and b"_x000a_" not in head, name
    props = wb.properties
    assert props.subject.startswith(NOTICE_3) and props.keywords.startswith(NOTICE_3)
    assert props.description.startswith(NOTICE_3)
    assert SECRET.encode() in b"\n".join(parts(path).values())


def test_part_b_goes_on_the_first_sheet_whichever_it_is(tmp_path):
    # a register that tracks appetite opens on its Summary; one built with --previous on Changes
    small = tmp_path / "small.yaml"
    small.write_text(
        SMALL.read_text(encoding="utf-8").replace("  - id: CR2\n", "  - id: CR2\n    exempt: {paragraph: 3}\n")
    )
    [path] = build(small, tmp_path / "small", api.Pack(part="b"))
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in wb.worksheets][:2] == ["Summary", "Register"]
    assert wb["Summary"]["A1"].value == NOTICE_3 and wb["Summary"]["A2"].value.startswith("Appetite, targets")
    assert wb["Summary"].print_title_rows == "$2:$2"
    assert wb["Register"]["A1"].value == NOTICE_3
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "changes", api.Pack(part="b"), previous=[Q1])
    wb = openpyxl.load_workbook(path)
    assert wb.worksheets[0].title == "Changes" and wb["Changes"]["A1"].value == NOTICE_3
    assert wb["Changes"]["A2"].value.startswith("Changes since last quarter")
    merged = {str(m) for m in wb["Changes"].merged_cells.ranges}
    assert "A5:H5" in merged  # the note, under the mark
    # the other sheets start where they always do
    assert wb["Key to Scores"]["A1"].value == "Key to Scores"


def test_a_part_b_workbook_imports_everything_with_a_warning(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b"))
    got = api.load(path)
    want = api.load(Q2).register
    assert [e.id for e in got.register.risks] == [e.id for e in want.risks]
    assert (got.register.organisation, got.register.title, got.register.period, got.register.appendix) == (
        want.organisation,
        want.title,
        want.period,
        want.appendix,
    )
    assert SECRET in (next(e for e in got.register.risks if e.id == "CR2").description or "")
    assert any("Part B document (NOT FOR PUBLICATION)" in d.message for d in got.warnings)
    [public] = build(Q2, tmp_path / "public", api.Pack())
    assert not any("Part B" in d.message for d in api.load(public).warnings)


soffice = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice is None, reason="LibreOffice (soffice) is not installed")
def test_every_printed_page_of_a_part_b_workbook_carries_the_mark(tmp_path):
    import pypdf

    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b", selection=Selection(ids=("CR2", "CR12"))))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    pages = pypdf.PdfReader(tmp_path / "pdf" / f"{path.stem}.pdf").pages
    assert len(pages) > 1
    for n, page in enumerate(pages, 1):
        text = " ".join((page.extract_text() or "").split())
        assert NOTICE_3 in text, f"page {n}: {text[:200]}"
        assert "_x000a_" not in text


def test_openpyxl_still_writes_a_header_line_break_as_an_escape():
    """Why `packs.header_line_breaks` exists: if this fails, openpyxl writes the break itself and
    the work-around can go."""
    wb = openpyxl.Workbook()
    wb.active.oddHeader.center.text = "one\ntwo"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        assert b"one_x000a_two" in z.read("xl/worksheets/sheet1.xml")


# --------------------------------------------------------------------------- selections and deep dives


def test_a_filtered_workbook_is_the_register_of_its_entries_with_the_selection_line(tmp_path):
    [path] = build(Q2, tmp_path / "out", api.Pack(selection=Selection(owner="children")), previous=[Q1])
    assert path.name == "q2-2018-19-owner-children.xlsx"
    wb = openpyxl.load_workbook(path)
    line = "Entries owned by: children; 4 of 15 entries"
    assert wb.worksheets[0].title == "Changes" and wb["Changes"]["A1"].value == line
    ws = wb["Register"]
    assert ws["A1"].value == line and ws["A2"].value == "Lancashire County Council"
    want = api.load(Q2).register
    children = [e.id for e in want.risks + want.opportunities if "children" in (e.owner or "").lower()]
    header_row, ids = table_rows(ws)
    assert header_row == 6 and ids == children
    assert MARK.encode() not in b"\n".join(parts(path).values())
    assert line in wb.properties.description
    got = api.load(path)
    assert [e.id for e in got.register.risks + got.register.opportunities] == children
    assert (got.register.organisation, got.register.title, got.register.period) == (
        want.organisation,
        want.title,
        want.period,
    )
    assert not [d for d in got.warnings if "Part B" in d.message or "not imported" in d.message]


def test_a_deep_dive_workbook_is_its_entry_with_the_deep_dive_line_and_imports(tmp_path):
    [path] = build(Q2, tmp_path / "out", api.Pack(pack="deep-dive", selection=Selection(ids=("CR3",))))
    assert path.name == "q2-2018-19-CR3.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Register"]
    assert wb.worksheets[0] is ws and ws["A1"].value == "Deep dive: CR3"
    assert table_rows(ws) == (6, ["CR3"])
    assert "Cards" in wb.sheetnames
    got = api.load(path)
    assert [e.id for e in got.register.risks] == ["CR3"]
    assert (
        got.register.risks[0].description == next(e for e in api.load(Q2).register.risks if e.id == "CR3").description
    )
