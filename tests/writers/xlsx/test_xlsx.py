"""The Excel writer: read the workbook back with openpyxl and the raw XML (not with the
writer's own helpers) and check values and types, the table, freeze panes,
conditional formatting, data validation, print settings, properties, formula
safety, determinism, and that LibreOffice opens it."""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from conftest import ROOT, sample_paths
from reportgen import api, richtext, view
from reportgen.writers import Options

SAMPLES = {p.stem: p for p in sample_paths()}
STARTER = ROOT / "src" / "reportgen" / "starter.yaml"
HEADER_ROW = 5


@functools.cache
def render(path: Path) -> bytes:
    return api.render(api.load(path).register, "xlsx", Options())


def render_compared(path: Path, previous: Path) -> bytes:
    """`path` built with --previous `previous`, through api.build as the CLI does."""
    with tempfile.TemporaryDirectory() as tmp:
        result = api.build(path, tmp, ["xlsx"], previous=previous)
        return result.written[0].read_bytes()


@functools.cache
def render_vs_q1() -> bytes:
    """Q2 2018/19 built with --previous Q1 2018/19."""
    return render_compared(SAMPLES["q2-2018-19"], SAMPLES["q1-2018-19"])


def open_wb(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def open_values(data: bytes):
    """The workbook as a reader that does not calculate sees it: formulas as their cached values."""
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def shown_sheets(wb) -> list[str]:
    """The sheets a user sees (not the hidden Formatting record, see test_edits.py)."""
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]


def view_of(path: Path):
    return view.build(api.load(path).register)


def load_yaml(tmp_path: Path, text: str, name: str = "reg.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value is not None}


def body_rows(ws) -> range:
    return range(HEADER_ROW + 1, ws.max_row + 1)


def covers(sqref, col: int, row: int) -> bool:
    for part in str(sqref).split():
        lo_c, lo_r, hi_c, hi_r = range_boundaries(part)
        if lo_c <= col <= hi_c and lo_r <= row <= hi_r:
            return True
    return False


def cf_rules(ws):
    """(sqref, rule) for every conditional-formatting rule of a sheet."""
    return [(cf.sqref, rule) for cf in ws.conditional_formatting for rule in cf.rules]


def colour_for(ws, col: int, row: int, value: int) -> tuple[str, str] | None:
    """(fill, font colour) the rules give `value` in that cell, as a spreadsheet would."""
    for sqref, rule in sorted(cf_rules(ws), key=lambda x: x[1].priority):
        if not covers(sqref, col, row):
            continue
        assert rule.type == "cellIs" and rule.operator == "between"
        lo, hi = (int(f) for f in rule.formula)
        if lo <= value <= hi:
            return rule.dxf.fill.bgColor.rgb, rule.dxf.font.color.rgb
    return None


# --------------------------------------------------------------------------- an independent dump for golden files


def dump(data: bytes) -> str:
    wb = open_wb(data)
    out = []
    props = wb.properties
    out.append(
        f"properties: title={props.title!r} subject={props.subject!r} creator={props.creator!r} "
        f"created={props.created} modified={props.modified}"
    )
    for ws in wb.worksheets:
        ps = ws.page_setup
        state = "" if ws.sheet_state == "visible" else f" {ws.sheet_state}"
        out.append(f"== sheet {ws.title!r} ({ws.dimensions}){state}")
        out.append(f"freeze: {ws.freeze_panes}  print titles: {ws.print_title_rows}")
        out.append(
            f"page: {ps.orientation} paper={ps.paperSize} fitToWidth={ps.fitToWidth} "
            f"fitToHeight={ps.fitToHeight} fitToPage={ws.sheet_properties.pageSetUpPr.fitToPage}"
            + (f" order={ps.pageOrder} title columns={ws.print_title_cols}" if ps.pageOrder else "")
        )
        out.append(
            f"header: {ws.oddHeader.center.text!r}  footer: {ws.oddFooter.left.text!r} | {ws.oddFooter.right.text!r}"
        )
        widths = []
        for letter, dim in sorted(ws.column_dimensions.items(), key=lambda kv: column_index_from_string(kv[0])):
            widths.append(f"{letter}={dim.width:g}{' hidden' if dim.hidden else ''}")
        out.append("columns: " + ", ".join(widths))
        for table in ws.tables.values():
            out.append(
                f"table {table.displayName}: {table.ref} style={table.tableStyleInfo.name} "
                f"stripes={table.tableStyleInfo.showRowStripes} filter={table.autoFilter is not None}"
            )
        for sqref, rule in cf_rules(ws):
            out.append(
                f"cf {sqref}: {rule.type} {rule.operator} {rule.formula} fill={rule.dxf.fill.bgColor.rgb} "
                f"font={rule.dxf.font.color.rgb}"
            )
        for dv in ws.data_validations.dataValidation:
            out.append(f"dv {dv.sqref}: {dv.type} {dv.operator} {dv.formula1} {dv.formula2}")
        if ws.row_breaks.brk:
            out.append("row breaks after: " + " ".join(str(b.id) for b in ws.row_breaks.brk))
        if ws.merged_cells.ranges:
            out.append("merged: " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
        for row in ws.iter_rows():
            cells = [f"{c.column_letter}={c.value!r}" for c in row if c.value is not None]
            if cells:
                h = ws.row_dimensions[row[0].row].height
                out.append(f"R{row[0].row} h={h}: " + " | ".join(cells))
    out.extend(dump_charts(data))
    return "\n".join(out) + "\n"


def dump_charts(data: bytes) -> list[str]:
    """Each chart part of the package: its kind and grouping, and each series' name, categories
    and values as the cells they read and the numbers they keep."""
    from lxml import etree

    c = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/")):
            root = etree.fromstring(z.read(name))
            for plot in root.find(".//c:plotArea", c):
                if not plot.tag.endswith("Chart"):
                    continue
                grouping = plot.find("c:grouping", c)
                how = grouping.get("val") if grouping is not None else ""
                out.append(f"== chart {name}: {etree.QName(plot).localname} {how}")
                for ser in plot.iterfind("c:ser", c):
                    refs = [ser.findtext(f"{p}//c:f", namespaces=c) for p in ("c:tx", "c:cat", "c:val")]
                    cache = [p.findtext("c:v", namespaces=c) for p in ser.iterfind("c:val//c:pt", c)]
                    out.append(f"series {' | '.join(str(r) for r in refs)} = {' '.join(cache)}")
    return out


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_golden(stem, golden):
    golden(f"xlsx-{stem}.txt", dump(render(SAMPLES[stem])))


def test_golden_with_previous(golden):
    golden("xlsx-q2-2018-19-vs-q1.txt", dump(render_vs_q1()))


def test_golden_with_history(golden):
    """Q2 2018/19 built against Q1 2018/19 and Q4 2017/18, as `make sample` builds it."""
    with tempfile.TemporaryDirectory() as tmp:
        previous = [SAMPLES["q1-2018-19"], ROOT / "samples" / "history" / "q4-2017-18.yaml"]
        data = api.build(SAMPLES["q2-2018-19"], tmp, ["xlsx"], previous=previous).written[0].read_bytes()
    golden("xlsx-q2-2018-19-history.txt", dump(data))


# --------------------------------------------------------------------------- the register sheet


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_register_is_a_table_with_a_row_per_entry(stem):
    path = SAMPLES[stem]
    v = view_of(path)
    ws = open_wb(render(path))["Register"]
    assert list(ws.tables) == ["RegisterTable"]
    table = ws.tables["RegisterTable"]
    entries = v.entries()
    last_row = HEADER_ROW + len(entries)
    assert table.ref == f"A{HEADER_ROW}:{ws.cell(HEADER_ROW, ws.max_column).column_letter}{last_row}"
    assert table.autoFilter is not None  # filter buttons
    assert table.tableStyleInfo.showRowStripes  # banded rows
    assert [c.name for c in table.tableColumns] == [c.value for c in ws[HEADER_ROW]]
    h = headers(ws)
    ids = [ws.cell(r, h["ID"]).value for r in body_rows(ws)]
    assert ids == [e.id for e in entries]
    kinds = [ws.cell(r, h["Type"]).value for r in body_rows(ws)]
    assert kinds == ["Risk" if e.kind == "risk" else "Opportunity" for e in entries]
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    # the title block sits above the table
    assert ws["A1"].value == v.register.organisation
    assert ws["A2"].value == v.full_title
    assert v.register.period in ws["A3"].value


def test_every_field_has_its_own_column():
    ws = open_wb(render(SAMPLES["small"]))["Register"]
    h = headers(ws)
    for name in (
        "ID",
        "Type",
        "Title",
        "Description",
        "Risk / Opportunity Type",
        "Consequences / Benefits",
        "Current Controls",
        "Control Owner",
        "Mitigating / Maximising Actions",
        "Mitigation Owner",
        "Target Confidence",
        "Owner",
        "Target Date",
        "Direction of Travel",
        "Progress to Date",
    ):
        assert name in h, name
    for which in ("Current", "Residual", "Target"):
        cols = [h[f"{which} {part}"] for part in ("Score", "Likelihood", "Impact", "Rating", "Band")]
        assert cols == list(range(cols[0], cols[0] + 5)), f"{which}: score, L, I, rating and band side by side"
    row = {ws.cell(HEADER_ROW, c).value: ws.cell(HEADER_ROW + 1, c).value for c in range(1, ws.max_column + 1)}
    assert row["ID"] == "CR1"
    assert row["Risk / Opportunity Type"] == "Economic\nPolitical"  # one type a line, as in every format
    assert row["Current Controls"] == (
        "• Medium-term financial strategy agreed by Full Council\n\n"
        "Commercialisation\n• Review of charging policy\n• Identify new traded services"
    )
    assert row["Control Owner"] == "Commercialisation: Director of Finance"  # owner stays with its theme
    # the groups' text, a blank line between groups (their due dates and statuses: the Actions sheet)
    assert row["Mitigating / Maximising Actions"] == (
        "Savings proposals to Cabinet in February\n\nService challenge in 10 areas\n\nBudget consultation"
    )
    assert row["Mitigation Owner"] == "Director of Finance\nChief Executive"
    assert (row["Residual Score"], row["Residual Likelihood"], row["Residual Impact"]) == (12, 3, 4)
    assert row["Residual Rating"] == "Major/Possible"
    assert row["Residual Band"] == "High"
    assert row["Current Band"] == "Very high"
    assert row["Owner"] == "Director of Finance"
    assert row["Direction of Travel"] == "Level"


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_scores_likelihood_and_impact_are_numbers(stem):
    path = SAMPLES[stem]
    v = view_of(path)
    formulas = open_wb(render(path))["Register"]
    ws = open_values(render(path))["Register"]
    h = headers(ws)
    for i, ev in enumerate(v.entries()):
        r = HEADER_ROW + 1 + i
        for which in ("current", "residual", "target"):
            sv = ev.score(which)
            label = which.capitalize()
            for part, want in (
                ("Score", sv and sv.score),
                ("Likelihood", sv and sv.likelihood),
                ("Impact", sv and sv.impact),
            ):
                cell = ws.cell(r, h[f"{label} {part}"])
                assert cell.value == want, (ev.id, label, part)
                if want is not None:
                    assert cell.data_type == "n" and isinstance(cell.value, int)
            # a current score with its likelihood and impact is their product, as a formula
            score = formulas.cell(r, h[f"{label} Score"])
            if which == "current" and sv and sv.likelihood and sv.impact:
                assert score.data_type == "f", ev.id
            else:
                assert score.value == (sv and sv.score), (ev.id, which)
            assert ws.cell(r, h[f"{label} Band"]).value == (sv.band_name if sv and sv.band_name else None)
    score_headers = [name for name in h if "score" in name.lower()]
    assert score_headers == ["Current Score", "Residual Score", "Target Score"]


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_score_cells_are_coloured_by_band_rules_not_fills(stem):
    path = SAMPLES[stem]
    v = view_of(path)
    ws = open_values(render(path))["Register"]
    h = headers(ws)
    # (a register that tracks appetite, targets or actions also has its flags' rules: see below)
    rules = [(sq, rule) for sq, rule in cf_rules(ws) if rule.operator == "between"]
    assert len(rules) == len(v.bands)  # one rule per band, over all three score columns
    for _, rule in rules:
        band = next(b for b in v.bands if [str(b.min), str(b.max)] == rule.formula)
        assert rule.dxf.fill.bgColor.rgb == "FF" + band.colour[1:].upper()
        assert rule.dxf.font.color.rgb == "FF" + band.text_colour[1:].upper()
    for which in ("Current", "Residual", "Target"):
        col = h[f"{which} Score"]
        for r in body_rows(ws):
            assert all(covers(sq, col, r) for sq, _ in rules)
            cell = ws.cell(r, col)
            assert cell.fill.fill_type is None  # colour comes from the rules alone
            if cell.value is not None:
                band = next(b for b in v.bands if b.min <= cell.value <= b.max)
                assert colour_for(ws, col, r, cell.value) == ("FF" + band.colour[1:].upper(), "FF000000")
    # an edited score re-colours: every value on the scale has a colour
    col = h["Current Score"]
    assert all(colour_for(ws, col, HEADER_ROW + 1, s) for s in range(1, 26))
    # no rule reaches the text columns
    assert not any(covers(sq, h["Description"], HEADER_ROW + 1) for sq, _ in rules)


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_likelihood_impact_and_scores_are_validated(stem):
    ws = open_wb(render(SAMPLES[stem]))["Register"]
    h = headers(ws)
    dvs = ws.data_validations.dataValidation
    last = ws.max_row
    for header, top in [
        (f"{w} {p}", 5) for w in ("Current", "Residual", "Target") for p in ("Likelihood", "Impact")
    ] + [(f"{w} Score", 25) for w in ("Current", "Residual", "Target")]:
        col = h[header]
        found = [dv for dv in dvs if covers(dv.sqref, col, HEADER_ROW + 1) and covers(dv.sqref, col, last)]
        assert len(found) == 1, header
        dv = found[0]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "1", str(top))
        assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.allow_blank
        assert not covers(dv.sqref, col, HEADER_ROW)  # the header is not validated
    kinds = [dv for dv in dvs if covers(dv.sqref, h["Type"], HEADER_ROW + 1)]
    assert kinds and kinds[0].type == "list" and kinds[0].formula1 == '"Risk,Opportunity"'


def test_validation_follows_a_longer_scale(tmp_path):
    path = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q1
        scoring:
          likelihood: [A, B, C, D, E, F]
          impact: [V, W, X, Y]
          opportunity_impact: [V, W, X, Z]
          bands:
            - {name: Low, min: 1, max: 12, colour: "#00FF00"}
            - {name: High, min: 13, max: 24, colour: "#990000", text_colour: "#FFFFFF"}
        risks:
          - {id: R1, description: Test, current: {likelihood: 6, impact: 4}}
        """,
    )
    data = api.render(api.load(path).register, "xlsx")
    wb = open_wb(data)
    ws = wb["Register"]
    h = headers(ws)
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        for name in ("Current Likelihood", "Current Impact", "Current Score"):
            if covers(dv.sqref, h[name], HEADER_ROW + 1):
                by_col[name] = dv.formula2
    assert by_col == {"Current Likelihood": "6", "Current Impact": "4", "Current Score": "24"}
    assert open_values(data)["Register"].cell(HEADER_ROW + 1, h["Current Score"]).value == 24
    assert colour_for(ws, h["Current Score"], HEADER_ROW + 1, 24) == ("FF990000", "FFFFFFFF")
    assert ws.cell(HEADER_ROW + 1, h["Current Rating"]).value == "Y/F"
    key = wb["Key to Scores"]
    rows = [[c.value for c in r if isinstance(c.value, int)] for r in key.iter_rows()]
    assert any(r[:7] == [4, 4, 8, 12, 16, 20, 24] for r in rows)  # top impact row: its number, then six products
    assert ["V", "W", "X", "Y (for risk)\nZ (for opportunity)"] == sorted(
        c.value for c in key["B"] if isinstance(c.value, str)
    )


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_text_is_plain_with_bullets_and_rows_tall_enough(stem):
    path = SAMPLES[stem]
    ws = open_wb(render(path))["Register"]
    leaked = re.compile(r"\*\*|(^|\n)\s*[-*+] |(^|\n)#+ |__")
    for r in body_rows(ws):
        lines = 1
        for c in ws[r]:
            if isinstance(c.value, str):
                assert not leaked.search(c.value), (c.coordinate, c.value[:80])
                width = ws.column_dimensions[c.column_letter].width
                # at least one line per paragraph and one per ~1.4 width units of characters
                est = sum(max(1, -(-len(line) // int(width * 1.4))) for line in c.value.split("\n"))
                lines = max(lines, est * (c.font.sz or 10) / 10)
        height = ws.row_dimensions[r].height
        assert height >= min(409.5, lines * 11.25), (r, height, lines)
        assert height <= 409.5


def test_bullets_nesting_and_groups_come_through_plain():
    v = view_of(SAMPLES["small"])
    ws = open_wb(render(SAMPLES["small"]))["Register"]
    h = headers(ws)
    cons = ws.cell(HEADER_ROW + 1, h["Consequences / Benefits"]).value
    assert cons == richtext.plain(v.entries()[0].entry.consequences)
    assert "  • General fund below the minimum agreed by Full Council" in cons.split("\n")


def test_columns_empty_for_every_entry_are_hidden_not_removed():
    ws = open_wb(render(SAMPLES["q2-2018-19"]))["Register"]
    h = headers(ws)
    hidden = {name for name, col in h.items() if ws.column_dimensions[ws.cell(1, col).column_letter].hidden}
    assert {"Title", "Target Score", "Target Likelihood", "Target Date", "Control Owner"} <= hidden
    assert not hidden & {"ID", "Description", "Current Score", "Residual Score", "Current Likelihood"}
    cards = open_wb(render(SAMPLES["q3-2021-22"]))["Register"]
    hc = headers(cards)
    assert list(hc) == list(h)  # the same columns every quarter, whatever the layout
    assert cards.column_dimensions[cards.cell(1, hc["Residual Score"]).column_letter].hidden
    assert not cards.column_dimensions[cards.cell(1, hc["Target Score"]).column_letter].hidden


def test_trends_since_last_quarter():
    reg = api.load(SAMPLES["q2-2018-19"]).register
    last = api.load(SAMPLES["q1-2018-19"]).register
    v = view.build(reg, last, "q1-2018-19.yaml")
    from reportgen.writers import xlsx

    ws = open_wb(xlsx.render(v, Options()))["Register"]
    h = headers(ws)
    col = ws.cell(1, h["Trend Since Last Quarter"]).column_letter
    assert not ws.column_dimensions[col].hidden
    trend = {ws.cell(r, h["ID"]).value: ws.cell(r, h["Trend Since Last Quarter"]).value for r in body_rows(ws)}
    assert "New" in trend["CR12"]
    assert "Down" in trend["CR3"] and "Level" in trend["CR1"]
    assert "Q1 2018/19" in ws["A3"].value
    # without --previous the columns are there but hidden
    plain = open_wb(render(SAMPLES["q2-2018-19"]))["Register"]
    assert plain.column_dimensions[col].hidden and list(headers(plain)) == list(h)


# --------------------------------------------------------------------------- changes since last quarter


def changes_tables(ws) -> dict[str, list[dict[str, object]]]:
    """Each table of the Changes sheet by its heading (up to a ':' or ' ('), as rows of
    {header: value}; a heading with no header row under it has no rows."""
    out: dict[str, list[dict[str, object]]] = {}
    r = 1
    while r <= ws.max_row:
        a = ws.cell(r, 1).value
        if isinstance(a, str) and ws.cell(r, 1).font.b and r > 4 and a != "ID":
            key = re.split(r":| \(", a)[0]
            rows: list[dict[str, object]] = []
            if ws.cell(r + 1, 1).value == "ID":
                heads = [c.value for c in ws[r + 1] if c.value is not None]
                rr = r + 2
                while ws.cell(rr, 1).value is not None:
                    rows.append({h: ws.cell(rr, j).value for j, h in enumerate(heads, 1)})
                    rr += 1
                r = rr
            out[key] = rows
        r += 1
    return out


def sheet_text(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_changes_sheet_comes_first_with_periods_new_closed_and_moved():
    wb = open_wb(render_vs_q1())
    assert shown_sheets(wb) == ["Changes", "Register", "History", "Key to Scores", "Heat Map"]
    assert wb.active.title == "Changes"  # the workbook opens on the summary
    ws = wb["Changes"]
    assert not ws.tables  # the register stays the workbook's only Excel table (the importer's anchor)
    text = sheet_text(ws)
    assert "Previous period: Q1 2018/19" in text and "Current period: Q2 2018/19" in text
    tables = changes_tables(ws)
    assert list(tables) == [
        "New this quarter",
        "Closed",
        "Score moved, largest move first",
        "Residual or target score moved, largest move first",
    ]
    [new] = tables["New this quarter"]
    assert (new["ID"], new["Type"], new["Current Score"], new["Band"]) == ("CR12", "Risk", 16, "Very high")
    assert new["Title"].startswith("Unlawful disclosure of personal or commercial data")
    assert tables["Closed"] == [] and "None: every entry of Q1 2018/19 is still in Q2 2018/19." in text
    [moved] = tables["Score moved, largest move first"]
    assert (moved["ID"], moved["From"], moved["To"], moved["Change"]) == ("CR3", 25, 15, -10)
    assert moved["Trend"] == "▼ Down from 25 (better)"
    assert "CR1" not in {r["ID"] for t in tables.values() for r in t}  # level: not moved
    # scores are numbers coloured by the band rules, as on the Register
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "CR3")
    assert colour_for(ws, 4, cell.row, 25)[0] == colour_for(ws, 4, cell.row, 16)[0] == "FFFF8A80"
    assert colour_for(ws, 5, cell.row, 15)[0] == "FFFFB066"
    # and the same facts on the Register rows
    reg = wb["Register"]
    h = headers(reg)
    trend = {reg.cell(r, h["ID"]).value: reg.cell(r, h["Trend Since Last Quarter"]).value for r in body_rows(reg)}
    assert trend["CR12"] == "★ New this quarter"
    assert trend["CR3"] == "▼ Down from 25 (better)" and trend["CR1"] == "► Level at 20"


def test_changes_lists_closed_entries_and_orders_moves_largest_first(tmp_path):
    last = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q1 2024/25
        risks:
          - {id: R1, title: Pay award, current: 6}
          - {id: R2, title: Flooding, current: 20}
          - {id: R3, title: Old payroll system, current: 9}
        opportunities:
          - {id: O1, title: Solar farm, current: 4}
        """,
        "last.yaml",
    )
    now = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q2 2024/25
        risks:
          - {id: R1, title: Pay award, current: 12}
          - {id: R2, title: Flooding, current: 10}
          - {id: R4, title: Cyber attack, current: 16}
        opportunities:
          - {id: O1, title: Solar farm, current: 8}
        """,
        "now.yaml",
    )
    ws = open_wb(render_compared(now, last))["Changes"]
    tables = changes_tables(ws)
    assert [(r["ID"], r["Title"], r["Current Score"]) for r in tables["New this quarter"]] == [
        ("R4", "Cyber attack", 16)
    ]
    assert [(r["ID"], r["Type"], r["Title"], r["Last Score"], r["Band"]) for r in tables["Closed"]] == [
        ("R3", "Risk", "Old payroll system", 9, "Medium")
    ]
    moved = tables["Score moved, largest move first"]
    assert [(r["ID"], r["Type"], r["From"], r["To"], r["Change"], r["Trend"]) for r in moved] == [
        ("R2", "Risk", 20, 10, -10, "▼ Down from 20 (better)"),
        ("R1", "Risk", 6, 12, 6, "▲ Up from 6 (worse)"),
        ("O1", "Opportunity", 4, 8, 4, "▲ Up from 4 (better)"),  # up is good news for an opportunity
    ]
    change = next(c for row in ws.iter_rows() for c in row if c.value == 6 and c.column == 6)
    assert change.number_format == "+0;-0;0"  # shown as +6
    assert "Q1 2024/25" in sheet_text(ws) and "1 closed" in sheet_text(ws)


def test_changes_lists_residual_and_target_moves_saying_which_score(tmp_path):
    last = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q1 2024/25
        risks:
          - {id: R1, title: Pay award, current: 12, residual: 8}
          - {id: R2, title: Flooding, current: 20, target: 4}
          - {id: R3, title: Cyber attack, current: 16, residual: 6}
        """,
        "last.yaml",
    )
    now = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q2 2024/25
        risks:
          - {id: R1, title: Pay award, current: 12, residual: 4}
          - {id: R2, title: Flooding, current: 20, target: 10}
          - {id: R3, title: Cyber attack, current: 16, residual: 6}
        """,
        "now.yaml",
    )
    ws = open_wb(render_compared(now, last))["Changes"]
    tables = changes_tables(ws)
    assert tables["Score moved, largest move first"] == []  # no current score moved
    later = tables["Residual or target score moved, largest move first"]
    assert [(r["ID"], r["Score"], r["From"], r["To"], r["Change"], r["Trend"]) for r in later] == [
        ("R2", "Target", 4, 10, 6, "▲ Up from 4 (worse)"),
        ("R1", "Residual", 8, 4, -4, "▼ Down from 8 (better)"),
    ]
    # the scores are coloured by the band rules, as in the other tables
    r2 = next(c for row in ws.iter_rows() for c in row if c.value == "R2")
    assert colour_for(ws, 4, r2.row, 4) and colour_for(ws, 5, r2.row, 10)
    assert "2 with a residual or target score that moved" in sheet_text(ws)


def test_without_previous_nothing_is_compared():
    wb = open_wb(render(SAMPLES["q2-2018-19"]))
    assert "Changes" not in wb.sheetnames and wb.active.title == "Register"
    for ws in wb.worksheets:
        text = sheet_text(ws)
        assert "Q1 2018/19" not in text and "▼" not in text and "★" not in text, ws.title


def test_workbook_with_changes_still_imports(tmp_path):
    from reportgen.cli import main

    built = tmp_path / "q2.xlsx"
    built.write_bytes(render_vs_q1())
    back = tmp_path / "back.yaml"
    assert main(["import", str(built), "-o", str(back)]) == 0
    imported, original = api.load(back).register, api.load(SAMPLES["q2-2018-19"]).register
    for part in ("risks", "opportunities"):
        assert [(e.id, richtext.plain(e.description)) for e in getattr(imported, part)] == [
            (e.id, richtext.plain(e.description)) for e in getattr(original, part)
        ], part


# --------------------------------------------------------------------------- heat map


def heat_grids(ws) -> dict[str, dict[str, object]]:
    """Each grid of the Heat Map sheet by its title, read by its labels: `cells` maps
    (likelihood number, impact number) to the cell; `impact` and `likelihood` map the
    numbers to the labels beside and under the grid; `score_only` is the line under it."""
    grids: dict[str, dict[str, object]] = {}
    for (a,) in ws.iter_rows(min_col=1, max_col=1):
        if not (isinstance(a.value, str) and a.value.startswith("Heat map: ")):
            continue
        title = a.value[len("Heat map: ") :].split(" (")[0]
        r = a.row + 1
        impact = {}
        while isinstance(ws.cell(r, 3).value, int):
            impact[ws.cell(r, 3).value] = (r, ws.cell(r, 2).value)
            r += 1
        likelihood = {
            ws.cell(r, c).value: (c, ws.cell(r + 1, c).value)
            for c in range(4, ws.max_column + 1)
            if isinstance(ws.cell(r, c).value, int)
        }
        cells = {(lk, im): ws.cell(row, col) for lk, (col, _) in likelihood.items() for im, (row, _) in impact.items()}
        score_only = next(
            (
                ws.cell(rr, 2).value
                for rr in range(r + 2, r + 5)
                if str(ws.cell(rr, 2).value or "").startswith("Score only")
            ),
            None,
        )
        grids[title] = {
            "cells": cells,
            "impact": {k: v[1] for k, v in impact.items()},
            "likelihood": {k: v[1] for k, v in likelihood.items()},
            "score_only": score_only,
        }
    return grids


def expression_colour(ws, col: int, row: int) -> tuple[str, str] | None:
    """(fill, font colour) the heat map's expression rules give a cell, evaluated as a spreadsheet
    does: `AND(x*y>=lo,x*y<=hi)`, references without `$` moving with the cell from the top-left
    of the rule's range."""
    for sqref, rule in sorted(cf_rules(ws), key=lambda x: x[1].priority):
        part = next((p for p in str(sqref).split() if covers(p, col, row)), None)
        if part is None:
            continue
        lo_c, lo_r, _, _ = range_boundaries(part)
        assert rule.type == "expression"
        m = re.fullmatch(r"AND\((\S+?)\*(\S+?)>=(\d+),\1\*\2<=(\d+)\)", rule.formula[0])
        assert m, rule.formula

        def value(ref: str, lo_r=lo_r, lo_c=lo_c):
            fixed_c, letters, fixed_r, digits = re.fullmatch(r"(\$?)([A-Z]+)(\$?)(\d+)", ref).groups()
            c, r = column_index_from_string(letters), int(digits)
            return ws.cell(r + (0 if fixed_r else row - lo_r), c + (0 if fixed_c else col - lo_c)).value

        product = value(m[1]) * value(m[2])
        if int(m[3]) <= product <= int(m[4]):
            return rule.dxf.fill.bgColor.rgb, rule.dxf.font.color.rgb
    return None


def test_heat_map_puts_each_id_in_the_cell_of_its_likelihood_and_impact():
    path = SAMPLES["q3-2021-22"]
    v = view_of(path)
    ws = open_wb(render(path))["Heat Map"]
    grids = heat_grids(ws)
    assert list(grids) == [hm.title for hm in v.heatmaps] == ["Current scores", "Target scores"]
    for title, fields in (("Current scores", ("current",)), ("Target scores", ("residual", "target"))):
        g = grids[title]
        assert g["impact"] == {row.impact: row.label for row in v.matrix}  # same labels as the Key
        assert g["likelihood"] == {i: x.upper() for i, x in enumerate(v.likelihood_labels, 1)}
        placed = {}
        for key, cell in g["cells"].items():
            if cell.value is not None:
                assert cell.data_type == "s"  # IDs as text, one a line
                for ident in cell.value.split("\n"):
                    assert ident not in placed
                    placed[ident] = key
        want = {}
        for ev in v.entries():
            sc = next(getattr(ev.entry, f) for f in fields if getattr(ev.entry, f) is not None)
            want[ev.id if ev.kind == "risk" else f"{ev.id} (opportunity)"] = (sc.likelihood, sc.impact)
        assert placed == want, title
        assert g["score_only"] is None
    # Corp 2 (current 12): the Major row, the Possible column; opportunities said in words
    cur = grids["Current scores"]
    assert cur["impact"][4].startswith("MAJOR") and cur["likelihood"][3] == "POSSIBLE"
    assert "Corp 2" in cur["cells"][(3, 4)].value.split("\n")
    assert cur["cells"][(5, 3)].value == "CO1 (opportunity)"
    assert "Corp 4\nCO1 (opportunity)" == grids["Target scores"]["cells"][(5, 4)].value


@pytest.mark.parametrize("stem", ["q3-2021-22", "q2-2018-19"])
def test_heat_map_cells_are_coloured_by_their_position(stem):
    path = SAMPLES[stem]
    v = view_of(path)
    ws = open_wb(render(path))["Heat Map"]
    grids = heat_grids(ws)
    assert len(grids) == len(v.heatmaps) == 2
    for g in grids.values():
        for (lk, im), cell in g["cells"].items():
            band = next(b for b in v.bands if b.min <= lk * im <= b.max)
            want = ("FF" + band.colour[1:].upper(), "FF" + band.text_colour[1:].upper())
            assert expression_colour(ws, cell.column, cell.row) == want, (lk, im, cell.value)
            assert cell.fill.fill_type is None  # the colour comes from the rules alone
        # the colour follows the visible scale numbers: change one and the row re-colours
        cell = g["cells"][(5, 5)]
        ws.cell(cell.row, 3).value = 1
        assert expression_colour(ws, cell.column, cell.row) == expression_colour(
            ws, *((c.column, c.row) for k, c in g["cells"].items() if k == (5, 1)).__next__()
        )
    # no rule reaches the labels or the scale numbers
    first = min(grids.values(), key=lambda g: g["cells"][(1, 5)].row)["cells"][(1, 5)]
    assert expression_colour(ws, 2, first.row) is None and expression_colour(ws, 3, first.row) is None


def test_entries_with_a_score_only_are_listed_not_placed():
    v = view_of(SAMPLES["q2-2018-19"])
    ws = open_wb(render(SAMPLES["q2-2018-19"]))["Heat Map"]
    grids = heat_grids(ws)
    cur = grids[v.heatmaps[0].title]
    placed = {c.value for c in cur["cells"].values() if c.value}
    assert placed == {"CR12"}  # the only 2018/19 entry with a likelihood and an impact
    assert cur["cells"][(4, 4)].value == "CR12"
    assert cur["score_only"].startswith("Score only")
    listed = cur["score_only"].split(": ", 1)[1].split(", ")
    assert listed[0] == "CR1: 20" and "C01 (opportunity): 12" in listed
    assert len(listed) == len(v.entries()) - 1
    assert ws.row_breaks.brk  # each grid prints on a page of its own


# --------------------------------------------------------------------------- formula safety


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = load_yaml(
        tmp_path,
        """\
        organisation: "=Council"
        period: "+Q1"
        risks:
          - id: "@R1"
            title: "-1+2"
            description: '=HYPERLINK("http://example.invalid","click")'
            owner: "=1+1"
            current: 4
            direction: "+ up"
        """,
    )
    data = api.render(api.load(path).register, "xlsx")
    ws = open_wb(data)["Register"]
    h = headers(ws)
    r = HEADER_ROW + 1
    for name, want in (
        ("ID", "@R1"),
        ("Title", "-1+2"),
        ("Description", '=HYPERLINK("http://example.invalid","click")'),
        ("Owner", "=1+1"),
    ):
        cell = ws.cell(r, h[name])
        assert cell.value == want and cell.data_type == "s", name
        assert cell.quotePrefix, name  # stays text when edited in Excel
    assert ws["A1"].value == "=Council" and ws["A1"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode(), name


def test_sample_hyperlink_text_is_shown_not_run():
    ws = open_wb(render(SAMPLES["small"]))["Register"]
    found = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert len(found) == 1 and found[0].data_type == "s" and found[0].quotePrefix


# --------------------------------------------------------------------------- key to scores


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_key_to_scores_matrix(stem):
    path = SAMPLES[stem]
    v = view_of(path)
    wb = open_wb(render(path))
    ws = wb["Key to Scores"]
    assert shown_sheets(wb)[-2:] == ["Key to Scores", "Heat Map"]  # the heat map beside the key
    # find the matrix: the cell holding the top row's label
    labels = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    top = labels[v.matrix[0].label]
    assert v.matrix[0].label == "CATASTROPHIC (for risk)\nOUTSTANDING (for opportunity)"
    for i, mrow in enumerate(v.matrix):
        r = top.row + i
        assert ws.cell(r, top.column).value == mrow.label
        scores = [ws.cell(r, top.column + 2 + j).value for j in range(len(mrow.cells))]
        assert scores == [c.score for c in mrow.cells]
        for j, c in enumerate(mrow.cells):
            assert colour_for(ws, top.column + 2 + j, r, c.score) == ("FF" + c.band.colour[1:].upper(), "FF000000")
            assert ws.cell(r, top.column + 2 + j).fill.fill_type is None
    bottom = top.row + len(v.matrix) - 1
    assert [ws.cell(bottom + 2, top.column + 2 + j).value for j in range(5)] == [
        "RARE",
        "UNLIKELY",
        "POSSIBLE",
        "LIKELY",
        "CERTAIN",
    ]
    assert labels["IMPACT"].alignment.textRotation == 90
    assert "LIKELIHOOD" in labels
    # legend: each band's name, from and to
    band_cell = labels["Band"]
    for i, band in enumerate(v.bands, 1):
        assert [ws.cell(band_cell.row + i, band_cell.column + k).value for k in range(3)] == [
            band.name,
            band.min,
            band.max,
        ]


# --------------------------------------------------------------------------- cards


def test_cards_sheet_only_for_the_card_layout_and_holds_every_word():
    assert "Cards" not in open_wb(render(SAMPLES["q2-2018-19"])).sheetnames
    path = SAMPLES["q3-2021-22"]
    v = view_of(path)
    wb = open_wb(render(path))
    assert shown_sheets(wb) == ["Register", "Cards", "Key to Scores", "Heat Map"]
    ws = wb["Cards"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "Risk ID Corp 1 – Reshaping the County Council: Our Improvement Journey" in text
    assert "Opportunity ID CO1" in text
    # every line of every long field is on the sheet, even where a field runs over several rows
    lines = set(text.split("\n"))
    for ev in v.entries():
        for md in (
            ev.entry.description,
            ev.entry.consequences,
            ev.entry.progress,
            *(g.text for g in ev.entry.controls + ev.entry.actions),
        ):
            for line in richtext.plain(md).split("\n"):
                if line.strip():
                    assert line in lines, (ev.id, line[:60])
    for row in ws.row_dimensions.values():
        assert row.height is None or row.height < 409.5  # nothing cut off by Excel's largest row
    # score cells are numbers coloured by the band rules
    corp1 = next(c for c in ws["A"] if c.value == "Current Risk Score")
    cell = ws.cell(corp1.row, 2)
    assert cell.value == 16 and colour_for(ws, 2, cell.row, 16)[0] == "FFFF8A80"
    assert ws.cell(corp1.row + 1, 2).value == "Likely (4)"


# --------------------------------------------------------------------------- print set-up, properties, determinism


def _printed_scale(ws, pages: int) -> float:
    """The scale at which the sheet's columns fill `pages` pages across (the first ones, its print
    title columns, again on every page), read back from the saved widths."""
    dims = [ws.column_dimensions[openpyxl.utils.get_column_letter(c)] for c in range(1, ws.max_column + 1)]
    widths = [0 if d.hidden else (d.width or 8.43) * 7 for d in dims]  # hidden columns do not print
    titles = 0.0
    if ws.print_title_cols:
        last = column_index_from_string(ws.print_title_cols.split(":")[1].strip("$"))
        titles = sum(widths[:last])
    printable = (297 / 25.4 - ws.page_margins.left - ws.page_margins.right) * 96
    return min(1.0, pages * printable / (sum(widths) + (pages - 1) * titles))


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_every_sheet_prints_a4_landscape_readably(stem):
    wb = open_wb(render(SAMPLES[stem]))
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape", ws.title
        assert int(ps.paperSize) == 9, ws.title  # A4
        across = int(ps.fitToWidth)
        assert int(ps.fitToHeight) == 0, ws.title  # as many pages down as it takes
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # As few pages across as keep the text at half its size or larger.
        assert _printed_scale(ws, across) >= 0.5, ws.title
        assert across == 1 or _printed_scale(ws, across - 1) < 0.5, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "Page &P of &N", ws.title
    register = wb["Register"]
    assert register.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    # The Register's 32 columns would print at about a fifth of their size on one page: they
    # are spread across pages, read across then down, each page starting with ID, Type, Title.
    assert int(register.page_setup.fitToWidth) > 1
    assert register.page_setup.pageOrder == "overThenDown"
    assert register.print_title_cols == "$A:$C"
    assert [register.cell(HEADER_ROW, c).value for c in (1, 2, 3)] == ["ID", "Type", "Title"]
    assert int(wb["Key to Scores"].page_setup.fitToWidth) == 1


def test_properties_and_deterministic_output():
    path = SAMPLES["q2-2018-19"]
    v = view_of(path)
    data = render(path)
    props = open_wb(data).properties
    assert props.title == v.full_title
    assert props.creator == "Lancashire County Council"
    assert "Q2 2018/19" in props.subject
    assert props.created == props.modified == dt.datetime(2018, 10, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2018, 10, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2018-10-01T00:00:00Z" in core
    assert api.render(api.load(path).register, "xlsx") == data


def test_byte_identical_across_processes(tmp_path):
    """Nothing depends on the process: not the clock, not Python's per-process hash seed."""
    path = SAMPLES["q3-2021-22"]
    script = (
        "import sys, hashlib; from reportgen import api; "
        "sys.stdout.write(hashlib.sha256(api.render(api.load(sys.argv[1]).register, 'xlsx')).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        digests.add(proc.stdout)
    assert len(digests) == 1


def test_styles_are_shared_not_made_per_cell(tmp_path):
    """A large register uses the same handful of cell formats as a small one."""
    entries = "\n".join(
        f"  - {{id: CR{i}, description: 'Risk {i} - text', owner: Owner {i % 7}, current: {1 + i % 25},"
        f" residual: {{likelihood: {1 + i % 5}, impact: {1 + (i // 5) % 5}}}, controls: '- a\\n- b {i}'}}"
        for i in range(400)
    )
    path = tmp_path / "big.yaml"
    path.write_text(f"organisation: Big Council\nperiod: Q1\nrisks:\n{entries}\n", encoding="utf-8")
    data = api.render(api.load(path).register, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("xl/styles.xml").decode()
    cell_xfs = re.search(r'<cellXfs count="(\d+)"', styles)
    assert cell_xfs and int(cell_xfs.group(1)) < 30
    ws = open_wb(data)["Register"]
    assert ws.max_row == HEADER_ROW + 400
    assert ws.tables["RegisterTable"].ref.endswith(str(HEADER_ROW + 400))


def test_starter_and_an_empty_section_build(tmp_path):
    wb = open_wb(api.render(api.load(STARTER).register, "xlsx"))
    assert [wb["Register"].cell(r, 1).value for r in (6, 7)] == ["CR1", "CO1"]
    path = load_yaml(
        tmp_path,
        """\
        organisation: Test Council
        period: Q1
        risks:
          - {id: R1}
        """,
    )
    ws = open_wb(api.render(api.load(path).register, "xlsx"))["Register"]
    assert ws.tables["RegisterTable"].ref.endswith(f"{HEADER_ROW + 1}")
    assert ws.cell(HEADER_ROW + 1, 1).value == "R1"


# --------------------------------------------------------------------------- a real spreadsheet program


def test_libreoffice_opens_the_workbook(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: cannot prove a spreadsheet program reads the workbook")
    src = tmp_path / "register.xlsx"
    src.write_bytes(render(SAMPLES["q3-2021-22"]))
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "register.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for want in (
            "Corp 1",
            "CO2",
            "Key to Scores",
            "CATASTROPHIC",
            "LIKELIHOOD",
            "Risk ID Corp 7",
            "Heat map: Current scores",
            "Heat map: Target scores",
            "CO1 (opportunity)",
        ):
            assert want in text, want
        assert re.search(r"Page 1 of \d+", text)


def test_bold_and_italic_are_rich_text_in_the_cell(tmp_path):
    """Markdown emphasis and group themes become bold/italic runs, not asterisks."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    out = tmp_path / "small.xlsx"
    out.write_bytes(render(SAMPLES["small"]))
    ws = openpyxl.load_workbook(out, rich_text=True)["Register"]
    head = {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    conseq = ws.cell(HEADER_ROW + 1, head["Consequences / Benefits"]).value
    controls = ws.cell(HEADER_ROW + 1, head["Current Controls"]).value
    assert isinstance(conseq, CellRichText) and isinstance(controls, CellRichText)
    bold = [b.text for b in conseq if isinstance(b, TextBlock) and b.font.b]
    italic = [b.text for b in conseq if isinstance(b, TextBlock) and b.font.i]
    assert bold == ["statutory duties"] and italic == ["minimum"]
    assert [b.text for b in controls if isinstance(b, TextBlock) and b.font.b] == ["Commercialisation"]
    assert "*" not in str(conseq)
