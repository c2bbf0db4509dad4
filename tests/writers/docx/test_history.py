"""The Word appendix's history (issue 18): built with earlier quarters, each entry's current score
(and, a row each, its residual or target score) by quarter as a real Word table after the register,
the register's entries in each band by quarter, and the heat maps' moves and target track as lists.
Four quarters are made at run time from the samples by changing scores; the .docx is read back with
python-docx and the raw XML."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from ruamel.yaml import YAML

from conftest import SAMPLES
from reportgen import api
from reportgen.cli import main
from test_import_docx import _comparable

Q1, Q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"
QUARTERS = ["Q3 2017/18", "Q4 2017/18", "Q1 2018/19", "Q2 2018/19"]
HEADING, BANDS = "Scores over time", "Entries in each band"
GAP = "—"

# Each entry's current score in the four quarters as the registers below give them: None where it
# was not in that quarter's register ("out") or had no current score ("none").
EXPECTED = {
    "CR1": [15, 25, 20, 20],
    "CR2": ["out", 25, 25, 25],
    "CR3": [25, 25, 25, 15],
    "CR5": [16, 16, 16, 12],
    "CR6": ["none", 16, 16, 16],
    "CR12": ["out", "out", "out", 16],
}
# CR3's residual score in the four quarters: Q4 2017/18 gives it none.
CR3_RESIDUAL = [16, "none", 16, 12]


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    return y


def _entry(data, ident: str):
    return next(e for e in [*data["risks"], *data.get("opportunities", [])] if str(e["id"]) == ident)


def _write(data, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        _yaml().dump(data, f)
    return path


def _quarter(tmp: Path, source: Path, period: str, when: dt.date, change) -> Path:
    """`source` as the register of `period`, changed by `change(data)`."""
    data = _yaml().load(source.read_text(encoding="utf-8"))
    data["period"], data["report_date"] = period, when
    change(data)
    return _write(data, tmp / f"{period.split()[0].lower()}-{period.split()[1].replace('/', '-')}.yaml")


def _cr5(likelihood: int):
    """CR5's current score by its likelihood and impact, so that the heat map can show it move."""

    def change(data):
        cr5 = _entry(data, "CR5")
        cr5.pop("current", None)
        cr5["current_score"] = {"likelihood": likelihood, "impact": 4}

    return change


def four_quarters(tmp: Path) -> list[Path]:
    """Q3 and Q4 2017/18 (made from Q1 2018/19), Q1 and Q2 2018/19 (the samples, CR5 scored by its
    likelihood and impact), oldest first."""

    def q3(data):
        _cr5(4)(data)
        _entry(data, "CR1")["current_score"] = 15
        data["risks"] = [e for e in data["risks"] if e["id"] != "CR2"]
        del _entry(data, "CR6")["current_score"]

    def q4(data):
        _cr5(4)(data)
        _entry(data, "CR1")["current_score"] = 25
        del _entry(data, "CR3")["residual_score"]

    return [
        _quarter(tmp, Q1, "Q3 2017/18", dt.date(2018, 1, 1), q3),
        _quarter(tmp, Q1, "Q4 2017/18", dt.date(2018, 4, 1), q4),
        _quarter(tmp, Q1, "Q1 2018/19", dt.date(2018, 7, 1), _cr5(4)),
        _quarter(tmp, Q2, "Q2 2018/19", dt.date(2018, 10, 1), _cr5(3)),
    ]


@pytest.fixture(scope="module")
def quarters(tmp_path_factory) -> list[Path]:
    return four_quarters(tmp_path_factory.mktemp("quarters"))


@pytest.fixture(scope="module")
def built(quarters, tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("built")
    # given in no particular order: the build puts them in order
    result = api.build(quarters[-1], out, ["docx"], previous=[quarters[1], quarters[2], quarters[0]])
    (written,) = result.written
    return written.read_bytes()


def _caption(tbl) -> tuple[str, str]:
    pr = tbl._tbl.find(qn("w:tblPr"))
    cap, desc = pr.find(qn("w:tblCaption")), pr.find(qn("w:tblDescription"))
    return (
        cap.get(qn("w:val")) if cap is not None else "",
        desc.get(qn("w:val")) if desc is not None else "",
    )


def _table(doc, caption: str):
    (t,) = [t for t in doc.tables if _caption(t)[0] == caption]
    return t


def _cells(row) -> list:
    return [docx.table._Cell(tc, row) for tc in row._tr.findall(qn("w:tc"))]


def _paras(cell) -> list[str]:
    return [" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()]


def _fill(cell) -> str | None:
    shd = cell._tc.find(qn("w:tcPr")).find(qn("w:shd"))
    return shd.get(qn("w:fill")) if shd is not None else None


def _rows(doc) -> tuple[list[str], dict[str, list]]:
    """The header, and each entry's current-score row (its cells), by the entry's name."""
    header, entries = _entries(doc)
    return header, {name: e["rows"][0] for name, e in entries.items()}


def _entries(doc) -> tuple[list[str], dict[str, dict]]:
    """The history table read back: its header, and for each entry (by the name in its first cell)
    its title, its rows (all cells each), each row's score name, and its quarters' cells by score
    name. The ID, title and last cells of an entry's later rows continue the first row's (vMerge)."""
    t = _table(doc, HEADING)
    header = [" ".join(c.text.split()) for c in _cells(t.rows[0])]
    first_q = header.index("Score") + 1 if "Score" in header else 1 + ("Title" in header)
    out: dict[str, dict] = {}
    name = ""
    for r in t.rows[1:]:
        cells = _cells(r)
        if cells[0].text.strip():
            name = cells[0].text
            out[name] = {"title": cells[1].text if "Title" in header else "", "rows": [], "scores": {}}
        label = cells[first_q - 1].text if "Score" in header else "Current"
        out[name]["rows"].append(cells)
        out[name]["scores"][label] = cells[first_q:-1]
    return header, out


def _read_score(cell) -> int | str:
    """A quarter's cell read back: its number, else why it has none."""
    lines = _paras(cell)
    if lines[0] == GAP:
        return {"not in the register": "out", "no score": "none"}[lines[1]]
    return int(lines[0])


def test_each_entry_has_its_scores_by_quarter_in_order(built, quarters):
    doc = docx.Document(io.BytesIO(built))
    header, entries = _entries(doc)
    assert header == ["ID", "Title", "Score", *QUARTERS, "Time in band and overall trend"]
    reg = api.load(quarters[-1]).register
    names = [e.id for e in reg.risks] + [f"{e.id} (opportunity)" for e in reg.opportunities]
    assert list(entries) == names  # every entry of this quarter, in the register's order
    for ident, scores in EXPECTED.items():
        assert [_read_score(c) for c in entries[ident]["scores"]["Current"]] == scores, ident
    # the earlier quarters read back from the registers themselves
    q1 = {e.id: e.current.score for e in api.load(quarters[2]).register.risks if e.current}
    for e in reg.risks:
        got = [_read_score(c) for c in entries[e.id]["scores"]["Current"]]
        if e.id in q1:
            assert got[2] == q1[e.id], e.id
        assert got[3] == e.current.score, e.id


def test_the_residual_score_by_quarter_in_a_row_of_its_own(built, quarters):
    doc = docx.Document(io.BytesIO(built))
    _, entries = _entries(doc)
    regs = [api.load(p).register for p in quarters]
    for name, e in entries.items():
        ident = name.split()[0]
        assert list(e["scores"]) == ["Current", "Residual"], name  # no quarter gives a target score
        want = []
        for reg in regs:
            entry = next((x for x in (*reg.risks, *reg.opportunities) if x.id == ident), None)
            if entry is None:
                want.append("out")
            else:
                want.append(entry.residual.score if entry.residual and entry.residual.score else "none")
        assert [_read_score(c) for c in e["scores"]["Residual"]] == want, name
    assert [_read_score(c) for c in entries["CR3"]["scores"]["Residual"]] == CR3_RESIDUAL


def test_an_entrys_rows_share_its_id_title_and_trend_and_stay_together(built):
    doc = docx.Document(io.BytesIO(built))
    _, entries = _entries(doc)
    reg = api.load(Q2).register
    for name, e in entries.items():
        first, *later = e["rows"]
        for c in (0, 1, -1):
            vm = first[c]._tc.find(qn("w:tcPr")).find(qn("w:vMerge"))
            assert vm is not None and vm.get(qn("w:val")) == "restart", name
            for row in later:
                vm = row[c]._tc.find(qn("w:tcPr")).find(qn("w:vMerge"))
                assert vm is not None and vm.get(qn("w:val")) in (None, "continue"), name
                assert not row[c].text.strip(), name
        # every paragraph of the first row keeps with the next: the rows are not parted by a page
        for cell in first:
            for p in cell._tc.iter(qn("w:p")):
                assert p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None, name
        entry = next(x for x in (*reg.risks, *reg.opportunities) if name.startswith(x.id + " ") or name == x.id)
        # the title, else the description's first words (the samples have no titles), cut at a word
        shown = " ".join(e["title"].rstrip("…").split())
        assert shown and shown in " ".join((entry.title or entry.description).split()), name
        assert len(e["title"]) <= 80


def test_a_score_shows_its_band_in_words_and_shading(built):
    doc = docx.Document(io.BytesIO(built))
    _, entries = _entries(doc)
    bands = api.load(Q2).register.scoring.bands
    for ident, scores in [*EXPECTED.items(), ("CR3 residual", CR3_RESIDUAL)]:
        cells = entries[ident.split()[0]]["scores"]["Residual" if "residual" in ident else "Current"]
        for cell, score in zip(cells, scores):
            if isinstance(score, str):
                assert _fill(cell) is None, ident  # a gap is not shaded as though it were a score
                continue
            band = next(b for b in bands if b.min <= score <= b.max)
            assert _paras(cell) == [str(score), band.name], ident
            assert _fill(cell) == band.colour.lstrip("#").upper(), ident
            assert cell.paragraphs[0].runs[0].bold


def test_gaps_say_why_in_words_never_a_zero(built):
    doc = docx.Document(io.BytesIO(built))
    _, entries = _entries(doc)
    current = {name: e["scores"]["Current"] for name, e in entries.items()}
    assert _paras(current["CR12"][0]) == [GAP, "not in the register"]
    assert _paras(current["CR2"][0]) == [GAP, "not in the register"]
    assert _paras(current["CR6"][0]) == [GAP, "no score"]
    assert _paras(entries["CR3"]["scores"]["Residual"][1]) == [GAP, "no score"]
    every = [p for e in entries.values() for cells in e["scores"].values() for c in cells for p in _paras(c)]
    assert "0" not in every
    caption, description = _caption(_table(doc, HEADING))
    assert f"'{GAP}' where the entry was not in the register" in description
    assert "Q3 2017/18 to Q2 2018/19" in description
    assert "residual or target score" in description


def test_time_in_band_and_the_move_over_the_whole_span(built):
    doc = docx.Document(io.BytesIO(built))
    header, rows = _rows(doc)
    assert header[-1] == "Time in band and overall trend"
    assert _paras(rows["CR1"][-1]) == [
        "Very high since Q4 2017/18 (3 quarters)",
        "Since Q3 2017/18: ▲ Up from 15 (worse)",
    ]
    assert _paras(rows["CR3"][-1]) == [
        "High since Q2 2018/19 (this quarter)",
        "Since Q3 2017/18: ▼ Down from 25 (better)",
    ]
    # new this quarter: nothing to have moved from
    assert _paras(rows["CR12"][-1]) == ["Very high since Q2 2018/19 (this quarter)"]
    trend = rows["CR1"][-1].paragraphs[-1]
    assert trend.style.name == "Register Trend"
    assert [r.text for r in trend.runs if r.bold] == ["▲ Up from 15 (worse)"]


def test_the_table_repeats_its_header_and_keeps_rows_whole(built):
    doc = docx.Document(io.BytesIO(built))
    t = _table(doc, HEADING)
    trs = t._tbl.findall(qn("w:tr"))
    assert trs[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    for tr in trs:
        assert tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
    widths = [int(g.get(qn("w:w"))) for g in t._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    assert sum(widths) <= 16838 - 2 * 720  # within the landscape page's margins


def test_it_comes_after_the_register_and_before_the_key(built):
    doc = docx.Document(io.BytesIO(built))
    order = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            order.append(("p", "".join(t.text or "" for t in el.iter(qn("w:t")))))
        elif el.tag == qn("w:tbl"):
            order.append(("table", _caption(docx.table.Table(el, doc))[0]))
    at = order.index(("p", HEADING))
    assert order[at + 1] == ("table", HEADING)
    assert order.index(("table", "Opportunities")) < at < order.index(("p", "Key to Scores"))
    assert order[at + 2 : at + 4] == [("p", BANDS), ("table", BANDS)]
    assert order[at + 4] == ("p", "Key to Scores")
    heading = next(p for p in doc.paragraphs if p.text == HEADING)
    assert heading.style.name == "Register Section Heading"


def test_the_register_as_a_whole_entries_in_each_band_by_quarter(built, quarters):
    doc = docx.Document(io.BytesIO(built))
    t = _table(doc, BANDS)
    assert [c.text for c in _cells(t.rows[0])] == ["Band", *QUARTERS]
    assert t._tbl.find(qn("w:tr")).find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    regs = [api.load(p).register for p in quarters]
    bands = regs[-1].scoring.bands
    got = {_cells(r)[0].text: [int(c.text) for c in _cells(r)[1:]] for r in t.rows[1:]}
    assert list(got) == [b.name for b in bands]
    for b in bands:
        want = [
            sum(
                1
                for e in (*reg.risks, *reg.opportunities)
                if e.current and e.current.score and b.min <= e.current.score <= b.max
            )
            for reg in regs
        ]
        assert got[b.name] == want, b.name
        row = next(r for r in t.rows[1:] if _cells(r)[0].text == b.name)
        assert _fill(_cells(row)[0]) == b.colour.lstrip("#").upper()  # and named: colour is never alone
    assert got["Very high"][0] != got["Very high"][1]  # the quarters differ: CR1 moved up, CR2 joined
    _, description = _caption(t)
    assert "a row per band and a column per quarter" in description


def test_the_acceptance_checks_reading_finds_cr1(built):
    """As `../shared/checks/check_history.py` reads a Word table: the quarter labels in a row, in
    order, and CR1's scores as the leading number of each cell under them."""
    doc = docx.Document(io.BytesIO(built))
    for t in doc.tables:
        rows = [[" ".join(c.text.split()) for c in r.cells] for r in t.rows]
        cols = [next((i for i, c in enumerate(rows[0]) if q == c), None) for q in QUARTERS]
        if None in cols:
            continue
        cr1 = next(r for r in rows if r[0] == "CR1")
        assert [int(re.match(r"\d+", cr1[c]).group()) for c in cols] == [15, 25, 20, 20]
        return
    pytest.fail("no table with the quarters in order")


def test_the_history_imports_as_nothing(built, quarters, tmp_path, capsys):
    """Importing the appendix gives back this quarter's register: the history tables, their headings
    and the heat maps' lists of moves are computed, not register data, and pass without a warning."""
    src = tmp_path / "q2.docx"
    src.write_bytes(built)
    shown = [p.text for p in docx.Document(str(src)).paragraphs]
    at = next(i for i, t in enumerate(shown) if t.startswith("Moved since Q1 2018/19"))
    assert shown[at + 1] == "CR5: Likely/Major → Possible/Major"
    back = tmp_path / "back.yaml"
    assert main(["import", str(src), "-o", str(back)]) == 0
    err = capsys.readouterr().err
    assert "not imported" not in err and "not a register table" not in err
    assert _comparable(api.load(back).register) == _comparable(api.load(quarters[-1]).register)
    assert "Scores over time" not in back.read_text(encoding="utf-8")


def _list_after(doc, lead: str) -> list:
    """The paragraphs of the list under the paragraph starting `lead`."""
    paras = doc.paragraphs
    at = next(i for i, p in enumerate(paras) if p.text.startswith(lead))
    out = []
    for p in paras[at + 1 :]:
        ppr = p._p.find(qn("w:pPr"))
        if ppr is None or ppr.find(qn("w:numPr")) is None:
            break
        out.append(p)
    return out


def test_the_heat_map_lists_each_move_since_last_quarter_a_line_each(built, quarters):
    doc = docx.Document(io.BytesIO(built))
    heading = next(p for p in doc.paragraphs if p.text.startswith("Moved since Q1 2018/19"))
    assert heading.text == "Moved since Q1 2018/19 (from last quarter's cell to this quarter's):"
    items = _list_after(doc, "Moved since Q1 2018/19")
    # CR5 is the one entry placed by likelihood and impact in both quarters: Likely (4) to Possible (3)
    scale = api.load(quarters[-1]).register.scoring
    before, after = (f"{scale.likelihood[lk - 1]}/{scale.impact[3]}" for lk in (4, 3))
    assert [p.text for p in items] == [f"CR5: {before} → {after}"]
    assert [r.text for r in items[0].runs if r.bold] == ["CR5"]
    assert items[0].style.name == "Register List"
    # under the current scores' map, before the residual scores' map
    order = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            order.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
        elif el.tag == qn("w:tbl"):
            order.append(_caption(docx.table.Table(el, doc))[0])
    at = order.index(heading.text)
    assert order.index("Heat map: current scores") < at < order.index("Heat map: residual scores")


def test_the_target_track_lists_current_to_target_cells(tmp_path):
    cards = SAMPLES / "q3-2021-22.yaml"
    result = api.build(cards, tmp_path, ["docx"])
    doc = docx.Document(str(result.written[0]))
    items = [p.text for p in _list_after(doc, "Current to target (")]
    reg = api.load(cards).register
    s = reg.scoring
    want = []
    for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
        impacts = s.impact if kind == "risk" else s.opportunity_impact
        for e in entries:
            c, t = e.current, e.target
            if not (c and t and c.likelihood and c.impact and t.likelihood and t.impact):
                continue
            if (c.likelihood, c.impact) == (t.likelihood, t.impact):
                continue
            name = e.id if kind == "risk" else f"{e.id} (opportunity)"
            cells = [f"{s.likelihood[x.likelihood - 1]}/{impacts[x.impact - 1]}" for x in (c, t)]
            want.append(f"{name}: {cells[0]} → {cells[1]}")
    assert items == want and len(items) > 3


def test_two_quarters_give_a_history_of_two(tmp_path):
    result = api.build(Q2, tmp_path, ["docx"], previous=Q1)
    doc = docx.Document(str(result.written[0]))
    header, rows = _rows(doc)
    assert header[3:5] == ["Q1 2018/19", "Q2 2018/19"]
    assert [_read_score(c) for c in rows["CR3"][3:5]] == [25, 15]
    # the move over the span is last quarter's move, shown in the register already: not again here
    assert _paras(rows["CR3"][-1]) == ["High since Q2 2018/19 (this quarter)"]
    _, entries = _entries(doc)
    assert [_read_score(c) for c in entries["CR3"]["scores"]["Residual"]] == [16, 12]


def test_the_card_layout_has_the_history_too(tmp_path):
    cards = SAMPLES / "q3-2021-22.yaml"
    data = _yaml().load(cards.read_text(encoding="utf-8"))
    data["period"] = "2021/22 Q2"
    data.pop("report_date", None)
    first = data["risks"][0]
    first["current_score"] = 9
    first.pop("current", None)
    earlier = tmp_path / "q2-2021-22.yaml"
    with earlier.open("w", encoding="utf-8") as f:
        _yaml().dump(data, f)
    result = api.build(cards, tmp_path / "out", ["docx"], previous=earlier)
    doc = docx.Document(str(result.written[0]))
    header, rows = _rows(doc)
    assert header[3:5] == ["2021/22 Q2", "2021/22 Q3"]
    ident = str(first["id"])
    reg = api.load(cards).register
    now = next(e for e in reg.risks if e.id == ident)
    _, entries = _entries(doc)
    assert [_read_score(c) for c in entries[ident]["scores"]["Current"]] == [9, now.current.score]
    # this register gives target scores: a row of them under the current scores
    assert [_read_score(c) for c in entries[ident]["scores"]["Target"]] == [now.target.score] * 2


def test_a_heat_maps_track_to_target_imports_as_nothing(tmp_path, capsys):
    cards = SAMPLES / "q3-2021-22.yaml"
    assert main(["build", str(cards), "-f", "docx", "-o", str(tmp_path)]) == 0
    src = tmp_path / "q3-2021-22.docx"
    assert any(p.text.startswith("Current to target (") for p in docx.Document(str(src)).paragraphs)
    capsys.readouterr()
    assert main(["import", str(src), "-o", str(tmp_path / "back.yaml")]) == 0
    assert "not imported" not in capsys.readouterr().err


def test_without_earlier_quarters_there_is_no_history(tmp_path):
    result = api.build(Q2, tmp_path, ["docx"])
    doc = docx.Document(str(result.written[0]))
    texts = [p.text for p in doc.paragraphs]
    assert HEADING not in texts and BANDS not in texts
    assert not [t for t in doc.tables if _caption(t)[0] in (HEADING, BANDS)]


def test_an_entry_closed_since_an_earlier_quarter_comes_after_this_quarters(tmp_path):
    """As in HTML, PDF and Excel: Q1 with an entry CR90 that Q2 no longer has lists it after Q2's
    entries, its Q1 score, a gap now and when it was last in the register."""

    def extra(data):
        closed = dict(_entry(data, "CR7"))
        closed["id"] = "CR90"
        data["risks"].append(closed)

    q1 = _quarter(tmp_path, Q1, "Q1 2018/19", dt.date(2018, 7, 1), extra)
    result = api.build(Q2, tmp_path / "out", ["docx"], previous=q1)
    doc = docx.Document(str(result.written[0]))
    _, entries = _entries(doc)
    reg = api.load(Q2).register
    assert list(entries)[-1] == "CR90" and len(entries) == len(reg.risks) + len(reg.opportunities) + 1
    cr7 = api.load(q1).register.risks
    q1_score = next(e.current.score for e in cr7 if e.id == "CR90")
    assert [_read_score(c) for c in entries["CR90"]["scores"]["Current"]] == [q1_score, "out"]
    assert _paras(entries["CR90"]["rows"][0][-1])[0] == "Closed: last in Q1 2018/19"
