"""The Word appendix's history (issue 18): built with earlier quarters, each entry's current score
by quarter as a real Word table after the register, and the register's entries in each band by
quarter. Four quarters are made at run time from the samples by changing scores; the .docx is read
back with python-docx and the raw XML."""

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
    t = _table(doc, HEADING)
    header = [" ".join(c.text.split()) for c in _cells(t.rows[0])]
    return header, {c[0].text: c for c in (_cells(r) for r in t.rows[1:])}


def _read_score(cell) -> int | str:
    """A quarter's cell read back: its number, else why it has none."""
    lines = _paras(cell)
    if lines[0] == GAP:
        return {"not in the register": "out", "no score": "none"}[lines[1]]
    return int(lines[0])


def test_each_entry_has_its_scores_by_quarter_in_order(built, quarters):
    doc = docx.Document(io.BytesIO(built))
    header, rows = _rows(doc)
    assert header[: len(QUARTERS) + 1] == ["ID", *QUARTERS]
    assert len(header) == len(QUARTERS) + 2  # then how long in its band, and the move over the span
    reg = api.load(quarters[-1]).register
    names = [e.id for e in reg.risks] + [f"{e.id} (opportunity)" for e in reg.opportunities]
    assert list(rows) == names  # every entry of this quarter, in the register's order
    for ident, scores in EXPECTED.items():
        assert [_read_score(c) for c in rows[ident][1:-1]] == scores, ident
    # the earlier quarters read back from the registers themselves
    q1 = {e.id: e.current.score for e in api.load(quarters[2]).register.risks if e.current}
    for e in reg.risks:
        if e.id in q1:
            assert _read_score(rows[e.id][3]) == q1[e.id], e.id
        assert _read_score(rows[e.id][4]) == e.current.score, e.id


def test_a_score_shows_its_band_in_words_and_shading(built):
    doc = docx.Document(io.BytesIO(built))
    _, rows = _rows(doc)
    bands = api.load(Q2).register.scoring.bands
    for ident, scores in EXPECTED.items():
        for cell, score in zip(rows[ident][1:-1], scores):
            if isinstance(score, str):
                assert _fill(cell) is None, ident  # a gap is not shaded as though it were a score
                continue
            band = next(b for b in bands if b.min <= score <= b.max)
            assert _paras(cell) == [str(score), band.name], ident
            assert _fill(cell) == band.colour.lstrip("#").upper(), ident
            assert cell.paragraphs[0].runs[0].bold


def test_gaps_say_why_in_words_never_a_zero(built):
    doc = docx.Document(io.BytesIO(built))
    _, rows = _rows(doc)
    assert _paras(rows["CR12"][1]) == [GAP, "not in the register"]
    assert _paras(rows["CR2"][1]) == [GAP, "not in the register"]
    assert _paras(rows["CR6"][1]) == [GAP, "no score"]
    every = [p for cells in rows.values() for c in cells[1:-1] for p in _paras(c)]
    assert "0" not in every
    caption, description = _caption(_table(doc, HEADING))
    assert f"'{GAP}' where the entry was not in the register" in description
    assert "Q3 2017/18 to Q2 2018/19" in description


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
    assert any(t.startswith("Moved since Q1 2018/19") and "CR5" in t for t in shown)
    back = tmp_path / "back.yaml"
    assert main(["import", str(src), "-o", str(back)]) == 0
    err = capsys.readouterr().err
    assert "not imported" not in err and "not a register table" not in err
    assert _comparable(api.load(back).register) == _comparable(api.load(quarters[-1]).register)
    assert "Scores over time" not in back.read_text(encoding="utf-8")


def test_two_quarters_give_a_history_of_two(tmp_path):
    result = api.build(Q2, tmp_path, ["docx"], previous=Q1)
    doc = docx.Document(str(result.written[0]))
    header, rows = _rows(doc)
    assert header[1:3] == ["Q1 2018/19", "Q2 2018/19"]
    assert [_read_score(c) for c in rows["CR3"][1:3]] == [25, 15]
    # the move over the span is last quarter's move, shown in the register already: not again here
    assert _paras(rows["CR3"][-1]) == ["High since Q2 2018/19 (this quarter)"]


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
    assert header[1:3] == ["2021/22 Q2", "2021/22 Q3"]
    ident = str(first["id"])
    reg = api.load(cards).register
    now = next(e for e in reg.risks if e.id == ident).current.score
    assert [_read_score(c) for c in rows[ident][1:3]] == [9, now]


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
