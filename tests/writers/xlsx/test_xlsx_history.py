"""The History sheet (issue 18): each entry's current score in every quarter a build was given, as
numbers in an Excel table with band colours (a gap an empty cell, never 0), the entries in each
band by quarter as formulas over that table with their values cached, and a native chart of those
counts. Read back with openpyxl and the package's XML (lxml), never the writer's own helpers; the
expected scores come from the register files the test writes."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from ruamel.yaml import YAML

from conftest import ROOT, SAMPLES
from reportgen import api, view
from reportgen import vocabulary as words

HEADER_ROW = 5
C = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
Q4 = ROOT / "samples" / "history" / "q4-2017-18.yaml"


def _yaml() -> YAML:
    y = YAML()
    y.width = 4096
    return y


def _read(path: Path):
    return _yaml().load(path.read_text(encoding="utf-8"))


def _write(data, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        _yaml().dump(data, f)
    return path


def _entry(data, ident: str):
    return next(e for e in (*data.get("risks", []), *data.get("opportunities", [])) if e["id"] == ident)


def _drop(data, ident: str) -> None:
    for key in ("risks", "opportunities"):
        data[key] = [e for e in data.get(key, []) if e["id"] != ident]


def _copy_as(data, ident: str, new_id: str, score: int) -> None:
    e = copy.deepcopy(_entry(data, ident))
    e["id"], e["current_score"] = new_id, score
    data["risks"].append(e)


def _scores(data) -> dict[str, int | None]:
    """Each entry's current score as the register file writes it (`20`, `16 (Major/Likely)`)."""
    out = {}
    for e in (*data.get("risks", []), *data.get("opportunities", [])):
        s = e.get("current_score")
        out[str(e["id"])] = int(re.match(r"\s*(\d+)", str(s)).group(1)) if s is not None else None
    return out


def _workbook(q2: Path, previous: list[Path]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        result = api.build(q2, tmp, ["xlsx"], previous=previous)
        return result.written[0].read_bytes()


@pytest.fixture(scope="module")
def three():
    """Q2 2018/19 built against Q1 2018/19 and Q4 2017/18, as `make sample` builds it."""
    files = [Q4, SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"]
    return _workbook(files[-1], files[:-1]), [_read(f) for f in files]


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    """Four quarters derived from the samples by changing scores: Q3 2017/18 (Q4's taken back a
    quarter: CR1 at 16, no CR5, and CR90, closed since), Q4 2017/18 (with CR91, closed after
    Q1), Q1 2018/19 (no CR2: a gap in a middle quarter; CR3 at 9) and Q2 2018/19 as it is."""
    tmp = tmp_path_factory.mktemp("four")
    q3 = _read(Q4)
    q3["period"], q3["report_date"] = "Q3 2017/18", dt.date(2018, 1, 1)
    _entry(q3, "CR1")["current_score"] = 16
    _drop(q3, "CR5")
    _copy_as(q3, "CR7", "CR90", 9)
    q4 = _read(Q4)
    _copy_as(q4, "CR7", "CR91", 4)
    q1 = _read(SAMPLES / "q1-2018-19.yaml")
    _drop(q1, "CR2")
    _entry(q1, "CR3")["current_score"] = 9
    _copy_as(q1, "CR7", "CR91", 20)
    q2 = _read(SAMPLES / "q2-2018-19.yaml")
    regs = [q3, q4, q1, q2]
    paths = [_write(d, tmp / f"{i}-{d['period'][:2].lower()}.yaml") for i, d in enumerate(regs)]
    # Given newest first: the build orders them by report date.
    return _workbook(paths[-1], paths[-2::-1]), regs


def _open(data: bytes, values: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=values)


def _expected_rows(regs) -> list[tuple[str, list[int | None]]]:
    """(ID, scores oldest first) for this quarter's entries in order, then those closed since, in
    the order they first appear."""
    now = regs[-1]
    scores = [_scores(r) for r in regs]
    ids = [str(e["id"]) for e in (*now.get("risks", []), *now.get("opportunities", []))]
    closed: list[str] = []
    for s in scores[:-1]:
        closed += [i for i in s if i not in ids and i not in closed]
    return [(i, [s.get(i) for s in scores]) for i in ids + closed]


def _table_rows(ws, n_q: int) -> list[tuple[str, list]]:
    out = []
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            break
        out.append((ws.cell(r, 1).value, [ws.cell(r, 4 + k).value for k in range(n_q)]))
    return out


@pytest.mark.parametrize("which", ["three", "four"])
def test_each_entrys_scores_by_quarter_in_order_as_numbers_with_gaps_empty(which, request):
    data, regs = request.getfixturevalue(which)
    wb = _open(data)
    assert wb.sheetnames.index(words.HISTORY_SHEET) == wb.sheetnames.index(words.REGISTER_SHEET) + 1
    ws = wb[words.HISTORY_SHEET]
    periods = [r["period"] for r in regs]
    heads = [c.value for c in ws[HEADER_ROW] if c.value is not None]
    assert heads == ["ID", "Type", "Title", *periods, "In Band Since", "Trend Over the Quarters"]
    want = _expected_rows(regs)
    got = _table_rows(ws, len(periods))
    assert got == want
    for r, (_, scores) in enumerate(got, HEADER_ROW + 1):
        for k, s in enumerate(scores):
            cell = ws.cell(r, 4 + k)
            if s is None:  # a gap: nothing in the cell, not a 0 and not text
                assert cell.value is None and cell.data_type == "n"
            else:
                assert type(cell.value) is int and cell.data_type == "n"
    # The table: the header row and every entry's row, no more.
    table = ws.tables[words.HISTORY_TABLE]
    last_col = openpyxl.utils.get_column_letter(len(heads))
    assert table.ref == f"A{HEADER_ROW}:{last_col}{HEADER_ROW + len(want)}"


def test_four_quarters_show_a_middle_gap_closed_entries_and_band_since(four):
    data, regs = four
    ws = _open(data)[words.HISTORY_SHEET]
    rows = {ident: r for r, (ident, _) in enumerate(_table_rows(ws, len(regs)), HEADER_ROW + 1)}
    col = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
    # CR2: in Q3 and Q4 2017/18, not in Q1 2018/19, back in Q2.
    assert [ws.cell(rows["CR2"], col[q]).value for q in ("Q3 2017/18", "Q4 2017/18", "Q1 2018/19", "Q2 2018/19")] == [
        25,
        25,
        None,
        25,
    ]
    # Its band is counted from Q2 alone: the gap breaks the run.
    assert ws.cell(rows["CR2"], col["In Band Since"]).value == "Very high since Q2 2018/19 (this quarter)"
    assert ws.cell(rows["CR1"], col["In Band Since"]).value == "Very high since Q3 2017/18 (4 quarters)"
    assert ws.cell(rows["CR1"], col["Trend Over the Quarters"]).value == "Since Q3 2017/18: ▲ Up from 16 (worse)"
    # Closed entries come last, named when they were last in the register.
    assert list(rows)[-2:] == ["CR90", "CR91"]
    assert ws.cell(rows["CR90"], col["In Band Since"]).value == "Closed: last in Q3 2017/18"
    assert ws.cell(rows["CR91"], col["In Band Since"]).value == "Closed: last in Q1 2018/19"


def _band_rules(ws):
    """(sqref, low, high, fill) of the sheet's band rules, each checked to name the top-left cell
    of its range and to leave a cell that holds no number alone."""
    out = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            m = re.fullmatch(r"AND\(ISNUMBER\(([A-Z]+\d+)\),\1>=(\d+),\1<=(\d+)\)", rule.formula[0])
            assert rule.type == "expression" and m, rule.formula
            lo_c, lo_r, _, _ = range_boundaries(str(cf.sqref))
            assert coordinate_from_string(m.group(1)) == (openpyxl.utils.get_column_letter(lo_c), lo_r)
            out.append((str(cf.sqref), int(m.group(2)), int(m.group(3)), rule.dxf.fill.bgColor.rgb))
    return out


@pytest.mark.parametrize("which", ["three", "four"])
def test_band_colours_cover_every_score_cell_and_no_gap(which, request):
    data, regs = request.getfixturevalue(which)
    wb = _open(data)
    ws = wb[words.HISTORY_SHEET]
    n_q = len(regs)
    rows = _table_rows(ws, n_q)
    rules = _band_rules(ws)
    # The bands of the Key to Scores, with their colours.
    bands = [
        (b.min, b.max, "FF" + b.colour.lstrip("#").upper())
        for b in api.load(SAMPLES / "q2-2018-19.yaml").register.scoring.bands
    ]
    assert sorted((lo, hi, fill) for _, lo, hi, fill in rules) == sorted(bands)
    for r, (_, scores) in enumerate(rows, HEADER_ROW + 1):
        for k, s in enumerate(scores):
            c = 4 + k
            covering = [
                (lo, hi, fill)
                for sqref, lo, hi, fill in rules
                if range_boundaries(sqref)[0] <= c <= range_boundaries(sqref)[2]
                and range_boundaries(sqref)[1] <= r <= range_boundaries(sqref)[3]
            ]
            assert len(covering) == len(bands), (r, c)
            shown = [fill for lo, hi, fill in covering if isinstance(s, int) and lo <= s <= hi]
            assert len(shown) == (0 if s is None else 1)


def _counts_table(ws, n_q: int) -> tuple[int, dict[str, list]]:
    """The band table's header row and {band: its cells under the quarters}."""
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "Band")
    out = {}
    r = top + 1
    while ws.cell(r, 3).value:
        out[ws.cell(r, 3).value] = [ws.cell(r, 4 + k).value for k in range(n_q)]
        r += 1
    return top, out


@pytest.mark.parametrize("which", ["three", "four"])
def test_band_counts_are_formulas_over_the_table_with_their_values_cached(which, request):
    data, regs = request.getfixturevalue(which)
    n_q = len(regs)
    ws = _open(data)[words.HISTORY_SHEET]
    values = _open(data, values=True)[words.HISTORY_SHEET]
    rows = _table_rows(ws, n_q)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rows)
    top, formulas = _counts_table(ws, n_q)
    assert _counts_table(values, n_q)[0] == top
    cached = _counts_table(values, n_q)[1]
    bands = api.load(SAMPLES / "q2-2018-19.yaml").register.scoring.bands
    assert list(formulas) == [b.name for b in bands]
    for b in bands:
        for k in range(n_q):
            col = openpyxl.utils.get_column_letter(4 + k)
            rng = f"${col}${first}:${col}${last}"
            assert formulas[b.name][k] == f'=COUNTIFS({rng},">={b.min}",{rng},"<={b.max}")'
            # What a reader that does not calculate sees: the count of the table's scores...
            counted = sum(1 for _, s in rows if s[k] is not None and b.min <= s[k] <= b.max)
            assert cached[b.name][k] == counted
            # ... which is every entry of that quarter's register file in the band.
            in_file = sum(1 for s in _scores(regs[k]).values() if s is not None and b.min <= s <= b.max)
            assert counted == in_file
    assert (
        ws.tables[words.BAND_COUNTS_TABLE].ref
        == f"C{top}:{openpyxl.utils.get_column_letter(3 + n_q)}{top + len(bands)}"
    )


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _target(rels: bytes, rid: str) -> str:
    root = etree.fromstring(rels)
    return next(r.get("Target") for r in root if r.get("Id") == rid)


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.rsplit("/", 1)[0].split("/")
    for p in target.split("/"):
        if p == "..":
            parts.pop()
        else:
            parts.append(p)
    return "/".join(parts)


def _rels_of(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _cells(ws, ref: str) -> list:
    sheet, rng = ref.split("!")
    assert sheet.strip("'") == words.HISTORY_SHEET
    lo_c, lo_r, hi_c, hi_r = range_boundaries(rng.replace("$", ""))
    return [ws.cell(r, c).value for r in range(lo_r, hi_r + 1) for c in range(lo_c, hi_c + 1)]


@pytest.mark.parametrize("which", ["three", "four"])
def test_the_chart_is_native_on_the_history_sheet_and_draws_its_cells(which, request):
    data, regs = request.getfixturevalue(which)
    n_q = len(regs)
    parts = _parts(data)
    assert "xl/charts/chart1.xml" in parts
    # The History sheet's drawing holds the chart.
    book = etree.fromstring(parts["xl/workbook.xml"])
    ns = {"m": book.nsmap[None]}
    rid = next(s.get(REL) for s in book.iterfind("m:sheets/m:sheet", ns) if s.get("name") == words.HISTORY_SHEET)
    sheet = _resolve("xl/workbook.xml", _target(parts["xl/_rels/workbook.xml.rels"], rid))
    drawing_el = etree.fromstring(parts[sheet]).find("m:drawing", ns)
    assert drawing_el is not None
    drawing = _resolve(sheet, _target(parts[_rels_of(sheet)], drawing_el.get(REL)))
    frame = etree.fromstring(parts[drawing])
    [graphic] = frame.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}chart")
    chart = _resolve(drawing, _target(parts[_rels_of(drawing)], graphic.get(REL)))
    assert chart == "xl/charts/chart1.xml"
    # Its text alternative gives the numbers.
    [pr] = [e for e in frame.iter() if etree.QName(e).localname == "cNvPr"]
    assert pr.get("descr").startswith("Entries in each band by quarter. Low: ")
    # One series per band, reading the band table's cells, its copy of the numbers the cells' values.
    ws = _open(data)[words.HISTORY_SHEET]
    values = _open(data, values=True)[words.HISTORY_SHEET]
    root = etree.fromstring(parts[chart])
    [bar] = root.iterfind(".//c:barChart", C)
    assert bar.find("c:grouping", C).get("val") == "stacked"
    series = bar.findall("c:ser", C)
    bands = api.load(SAMPLES / "q2-2018-19.yaml").register.scoring.bands
    assert len(series) == len(bands)
    for ser, band in zip(series, bands, strict=True):
        name = ser.find("c:tx/c:strRef/c:f", C).text
        assert _cells(ws, name) == [band.name]
        cats = ser.find("c:cat/c:strRef/c:f", C).text
        assert _cells(ws, cats) == [r["period"] for r in regs]
        val = ser.find("c:val/c:numRef/c:f", C).text
        got = _cells(values, val)
        assert len(got) == n_q and all(isinstance(v, int) for v in got)
        assert all(str(f).startswith("=COUNTIFS(") for f in _cells(ws, val))
        cache = [float(p.find("c:v", C).text) for p in ser.iterfind("c:val/c:numRef/c:numCache/c:pt", C)]
        assert cache == got


def test_the_sheet_prints_landscape_with_its_header_row_on_every_page(three):
    ws = _open(three[0])[words.HISTORY_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.freeze_panes == f"D{HEADER_ROW + 1}"


def test_no_history_sheet_without_an_earlier_quarter():
    wb = _open(api.render(api.load(SAMPLES / "q2-2018-19.yaml").register, "xlsx"))
    assert words.HISTORY_SHEET not in wb.sheetnames
    with zipfile.ZipFile(io.BytesIO(api.render(api.load(SAMPLES / "q2-2018-19.yaml").register, "xlsx"))) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/charts/")]


# --------------------------------------------------------------------------- movement on the heat map


def _heat_text(data: bytes) -> str:
    ws = _open(data)[words.HEAT_SHEET]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_heat_map_sheet_lists_each_move_since_last_quarter(tmp_path):
    """CR5 given its likelihood and impact: Likely/Major in Q1, Possible/Major in Q2."""
    regs = [_read(SAMPLES / "q1-2018-19.yaml"), _read(SAMPLES / "q2-2018-19.yaml")]
    for data, likelihood in zip(regs, (4, 3), strict=True):
        _entry(data, "CR5")["current_score"] = {"likelihood": likelihood, "impact": 4}
    q1, q2 = (_write(d, tmp_path / f"{n}.yaml") for d, n in zip(regs, ("q1", "q2"), strict=True))
    text = _heat_text(_workbook(q2, [q1, Q4]))
    assert (
        "Moved since Q1 2018/19 (from last quarter's cell to this quarter's): CR5: Likely/Major → Possible/Major"
        in text
    )
    # An entry whose cell did not change, or that has a score only, is not listed as moved.
    assert text.count("→") == 1


def test_the_heat_map_sheet_lists_each_current_to_target_track():
    path = SAMPLES / "q3-2021-22.yaml"
    text = _heat_text(api.render(api.load(path).register, "xlsx"))
    line = next(t for t in text.splitlines() if t.startswith("Current to target"))
    assert "Corp 1: Likely/Major → Possible/Moderate" in line
    assert "CO2 (opportunity): Possible/Minor → Likely/Major" in line
    # Every track the view gives, and no other.
    tracks = [m.label for hm in view.build(api.load(path).register).heatmaps for m in hm.moves]
    assert all(t in line for t in tracks) and line.count("→") == len(tracks) == 9
