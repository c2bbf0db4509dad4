"""The HTML page's history (issue 18): built with a year of quarters (made at run time from the
samples, `quarters.py`), read back with lxml: each entry's scores by quarter in order in the history
table, its chart named with the same numbers, the register's entries in each band by quarter as a
named chart and a table, and the heat maps' moves as arrows from cell to cell and a list."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import lxml.html
import pytest

from conftest import SAMPLES
from quarters import MOVES, QUARTERS, band_counts, four_quarters, scores
from reportgen import api
from reportgen.view import MOVES_ON_MAP
from reportgen.writers.html import charts

GAP = "—"
CARDS = SAMPLES / "q3-2021-22.yaml"


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def quarters(tmp_path_factory) -> list[Path]:
    return four_quarters(tmp_path_factory.mktemp("quarters"))


@pytest.fixture(scope="module")
def raw(quarters, tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("html")
    # given in no particular order: the build puts them in order
    result = api.build(quarters[-1], out, ["html"], previous=[quarters[1], quarters[2], quarters[0]])
    return result.written[0].read_bytes()


@pytest.fixture(scope="module")
def page(raw):
    return lxml.html.fromstring(raw)


def section(page, heading_id: str):
    return page.get_element_by_id(heading_id).getparent()


def bands_of(path: Path):
    return api.load(path).register.scoring.bands


def band_name(bands, score: int) -> str:
    return next(b.name for b in bands if b.min <= score <= b.max)


def read_history(page) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """The history table's column headings, and for each entry (a `tbody` of rows, its ID, title
    and last column spanning them) its title, each named row's quarters and its last column."""
    table = section(page, "h-hist").xpath(".//table[contains(@class, 'hst')]")[0]
    heads = [norm(th.text_content()) for th in table.xpath("./thead/tr/th")]
    out = {}
    for body in table.xpath("./tbody"):
        trs = body.xpath("./tr")
        first = [norm(c.text_content()) for c in trs[0].xpath("./th|./td")]
        ident, title, label, *quarters, since = first
        entry = {"title": title, "since": since, label: quarters}
        for tr in trs[1:]:
            label, *quarters = [norm(c.text_content()) for c in tr.xpath("./th|./td")]
            entry[label] = quarters
        # the ID, title and last column span the entry's rows
        for cls in ("hid", "ht", "hsince"):
            (cell,) = trs[0].xpath(f"./*[@class='{cls}']")
            assert int(cell.get("rowspan", "1")) == len(trs)
        out[ident] = entry
    return heads, out


def test_each_entry_scores_by_quarter_in_order(page, quarters):
    heads, rows = read_history(page)
    assert heads == ["ID", "Title", "Score", *QUARTERS, "Time in band and overall trend"]
    want = scores(quarters)
    assert list(rows) == list(want)  # every entry, in the register's order
    bands = bands_of(quarters[-1])
    for name, expected in want.items():
        cells = rows[name]["Current"]
        assert len(cells) == len(QUARTERS)
        for quarter, value, cell in zip(QUARTERS, expected, cells):
            if value == "out":
                assert cell.startswith(f"{GAP} not in the register"), (name, quarter, cell)
            elif value == "none":
                assert cell.startswith(f"{GAP} no score"), (name, quarter, cell)
            else:
                assert re.match(rf"{value} {band_name(bands, int(value))}\b", cell), (name, quarter, cell)
            # a gap is never a zero
            assert not re.match(r"0\b", cell)
    # the cases the registers were made to show
    assert want["CR1"] == [15, 25, 20, 20]
    assert want["CR2"][0] == "out" and want["CR6"][0] == "none" and want["CR12"][:3] == ["out"] * 3
    assert rows["CR1"]["Current"] == ["15 High", "25 Very high", "20 Very high", "20 Very high"]
    # the residual score by quarter in a row of its own (the samples give no target)
    assert rows["CR9"]["Residual"] == ["20 Very high", "20 Very high", "20 Very high", "16 Very high"]
    assert rows["CR2"]["Residual"][0] == f"{GAP} not in the register"
    assert all(set(r) == {"title", "since", "Current", "Residual"} for r in rows.values())
    assert rows["CR1"]["title"].startswith("Delivering the Operational Plan")
    # how long in its band, and the move over the whole span, in the last column
    assert rows["CR1"]["since"] == "Very high since Q4 2017/18 (3 quarters) Since Q3 2017/18: ▲ Up from 15 (worse)"
    assert rows["CR12"]["since"] == "Very high since Q2 2018/19 (this quarter)"


def spark_points(svg) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """A chart's current scores (filled dots) and plan scores (rings), as (x, y), left to right."""
    dots, rings = [], []
    for c in svg.xpath(".//circle"):
        point = (float(c.get("cx")), float(c.get("cy")))
        (rings if c.get("stroke") else dots).append(point)
    return sorted(dots), sorted(rings)


def register_row(page, ident: str):
    th = next(
        th
        for th in page.xpath("//table[contains(@class, 'reg')]//th[@scope='row']")
        if th.get("id") and (th.text or "").strip() == ident
    )
    return th.getparent()


def test_every_entry_has_a_chart_named_with_its_scores(page, quarters):
    want = scores(quarters)
    for name, expected in want.items():
        ident = name.split(" ")[0]
        row = register_row(page, ident)
        (svg,) = row.xpath(".//svg[contains(@class, 'spark')]")
        # under the current score: in the cell that shows it
        cell = svg.getparent()
        assert "sc" in cell.get("class").split() and norm(cell.text_content()).startswith(f"{expected[-1]} ")
        assert svg.get("role") == "img" and svg.get("aria-hidden") is None
        said = {"out": "not in the register", "none": "no score"}
        numbers = ", ".join(f"{q}: {said.get(str(v), v)}" for q, v in zip(QUARTERS, expected))
        assert svg.get("aria-label").startswith(f"Current score by quarter: {numbers}."), name
        # the chart draws those numbers: a dot for each score, left to right, higher for a higher score
        dots, _ = spark_points(svg)
        scored = [int(v) for v in expected if isinstance(v, int)]
        assert len(dots) == len(scored), name
        for (x1, y1), (x2, y2), s1, s2 in zip(dots, dots[1:], scored, scored[1:]):
            assert x1 < x2
            assert (y1 < y2) == (s1 > s2) and (y1 == y2) == (s1 == s2), name
        # a line joins the scores of neighbouring quarters only: none across a gap
        runs = [len(list(g)) for k, g in itertools.groupby(expected, lambda v: isinstance(v, int)) if k]
        assert len(svg.xpath(".//polyline[not(@stroke-dasharray)]")) == sum(1 for n in runs if n > 1), name


def test_charts_give_the_residual_score_too(page):
    svg = register_row(page, "CR9").xpath(".//svg[contains(@class, 'spark')]")[0]
    # CR9's residual score: 20 in the three Q1-made quarters, 16 in Q2
    assert svg.get("aria-label").endswith(
        "Residual score by quarter: Q3 2017/18: 20, Q4 2017/18: 20, Q1 2018/19: 20, Q2 2018/19: 16."
    )
    _, rings = spark_points(svg)
    assert len(rings) == 4 and rings[0][1] == rings[1][1] == rings[2][1] < rings[3][1]
    assert svg.xpath(".//polyline[@stroke-dasharray]")


def test_register_by_band_chart_and_table(page, quarters):
    part = page.get_element_by_id("h-hbands").getparent()
    counts = band_counts(quarters)
    table = part.xpath(".//table")[0]
    assert [norm(th.text_content()) for th in table.xpath("./thead/tr/th")] == ["Band", *QUARTERS]
    got = {}
    for tr in table.xpath("./tbody/tr"):
        cells = [norm(c.text_content()) for c in tr.xpath("./th|./td")]
        got[cells[0]] = [int(c) for c in cells[1:]]
    totals = got.pop("All bands")
    assert got == counts
    assert totals == [sum(c[i] for c in counts.values()) for i in range(4)]
    # the chart: named with the same numbers, and drawing each quarter's total over its column
    (svg,) = part.xpath(".//svg")
    assert svg.get("role") == "img"
    label = svg.get("aria-label")
    for name, per in counts.items():
        assert f"{name}: " + ", ".join(f"{q} {n}" for q, n in zip(QUARTERS, per)) in label
    bold = [int(t.text) for t in svg.xpath(".//text[@font-weight='bold']")]
    assert bold == totals
    assert [t.text for t in svg.xpath(".//text[not(@font-weight)]") if t.text.startswith("Q")] == list(QUARTERS)


def heat_grids(page) -> dict[str, object]:
    return {norm(h3.text_content()): h3.getparent() for h3 in section(page, "h-heat").xpath(".//h3")}


def cell_at(grid, likelihood: int, impact: int):
    """A heat-map grid's cell by its likelihood and impact (from its `headers`)."""
    for td in grid.xpath(".//table//td[@headers]"):
        heads = td.get("headers").split()
        if heads[1].endswith(f"-im{impact}") and heads[2].endswith(f"-lk{likelihood}"):
            return td
    raise AssertionError((likelihood, impact))


def arrows_in(grid) -> dict[tuple[int, int], object]:
    out = {}
    for td in grid.xpath(".//table//td[@headers]"):
        svgs = td.xpath("./svg[contains(@class, 'arr')]")
        if svgs:
            heads = td.get("headers").split()
            out[(int(heads[2].rsplit("lk", 1)[1]), int(heads[1].rsplit("im", 1)[1]))] = svgs[0]
    return out


def test_moves_since_last_quarter_arrows_and_list(page):
    grids = heat_grids(page)
    current = grids["Heat map: current scores"]
    listed = next(
        norm(p.text_content()) for p in current.xpath(".//p[@class='only']") if "Moved since" in p.text_content()
    )
    assert listed.startswith("Moved since Q1 2018/19 (from last quarter's cell to this quarter's): ")
    for ident, move in MOVES.items():
        assert f"{ident}: {move}" in listed
    # the moved entries sit in their new cells
    assert "CR5" in norm(cell_at(current, 3, 4).text_content())
    assert "CR7" in norm(cell_at(current, 4, 5).text_content())
    arrows = arrows_in(current)
    # both start at Likely/Major (a dot each), one ends in Possible/Major, one in Likely/Catastrophic
    assert set(arrows) == {(4, 4), (3, 4), (4, 5)}
    assert len(arrows[(4, 4)].xpath(".//circle")) == 2 and not arrows[(4, 4)].xpath(".//line[@marker-end]")
    for end in ((3, 4), (4, 5)):
        assert arrows[end].xpath(".//line[@marker-end]") and not arrows[end].xpath(".//circle")
    for svg in arrows.values():  # drawn only: the list names every move
        assert svg.get("aria-hidden") == "true"
    # the residual map has none
    assert not arrows_in(grids["Heat map: residual scores"])


def test_card_sample_target_tracks_on_a_grid_of_their_own(tmp_path):
    page = lxml.html.fromstring(api.build(CARDS, tmp_path, ["html"]).written[0].read_bytes())
    grids = heat_grids(page)
    assert list(grids) == [
        "Heat map: current scores",
        "Heat map: target scores",
        "Moves on the heat map: current to target",
    ]
    assert not arrows_in(grids["Heat map: current scores"]) and not arrows_in(grids["Heat map: target scores"])
    tracks = grids["Moves on the heat map: current to target"]
    listed = norm(tracks.xpath(".//p[@class='only']")[0].text_content())
    assert listed.startswith("Current to target (from the current score's cell to the target's): ")
    assert "Current to target" not in norm(grids["Heat map: target scores"].text_content())
    reg = api.load(CARDS).register
    lk, im = reg.scoring.likelihood, reg.scoring.impact
    arrows = arrows_in(tracks)
    ends = set()
    for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
        for e in entries:
            start, end = (e.current.likelihood, e.current.impact), (e.target.likelihood, e.target.impact)
            if start == end:
                continue
            name = e.id if kind == "risk" else f"{e.id} (opportunity)"
            assert f"{name}: {lk[start[0] - 1]}/{im[start[1] - 1]} → {lk[end[0] - 1]}/{im[end[1] - 1]}" in listed
            assert arrows[start].xpath(".//circle"), name
            assert arrows[end].xpath(".//line[@marker-end]"), name
            ends.add((start, end))
    # one arrowhead a track (two entries on one track share it)
    heads = sum(len(svg.xpath(".//line[@marker-end]")) for svg in arrows.values())
    assert heads == len(ends) and len(ends) > MOVES_ON_MAP
    # the grid names no entry in its cells: only the score and band
    for td in tracks.xpath(".//table//td[@headers]"):
        assert re.fullmatch(r"\d+ \w+( \w+)?", norm(td.text_content())), td.text_content()


def test_arrows_on_one_line_run_side_by_side():
    # Likely -> Possible and Possible -> Unlikely and Likely -> Unlikely, all in the Major row
    tracks = [((4, 4), (3, 4)), ((3, 4), (2, 4)), ((4, 4), (2, 4)), ((5, 2), (5, 4))]
    offsets = charts._offsets(tracks)
    rows = {dy for dx, dy in offsets[:3]}
    assert len(rows) == 3 and all(dx == 0 for dx, _ in offsets[:3])  # three lanes, apart up and down
    assert offsets[3] == (0.0, 0.0)  # alone on its line


def test_an_arrow_is_cut_where_it_crosses_a_cell_edge():
    # from the centre of cell (0, 0) to the centre of cell (2, 1): through (1, 0) and (1, 1)
    pieces = charts._pieces((0.5, 0.5), (2.5, 1.5))
    assert [cell for cell, _ in pieces] == [(0, 0), (1, 0), (1, 1), (2, 1)]
    first, last = pieces[0][1], pieces[-1][1]
    assert first.start and (first.x1, first.y1) == (50, 50) and last.head and (last.x2, last.y2) == (50, 50)
    for (_, a), (_, b) in zip(pieces, pieces[1:]):  # each piece leaves its cell where the next enters
        assert (a.x2 % 100, a.y2 % 100) == (b.x1 % 100, b.y1 % 100)


def test_history_page_is_accessible_markup(page, raw):
    text = raw.decode("utf-8")
    assert "<title>" not in text[text.index("<body") :]  # charts are named by aria-label (the PDF's by <title>)
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    h2 = [norm(h.text_content()) for h in page.iter("h2")]
    assert h2[-4:] == ["Opportunities", "Scores over time", "Key to Scores", "Heat maps"]
    tables = page.xpath("//table")
    assert all(t.xpath("./caption") for t in tables)
    ids = [e.get("id") for e in page.xpath("//*[@id]")]
    assert len(ids) == len(set(ids))
    for th in section(page, "h-hist").xpath(".//th"):
        assert th.get("scope") in ("col", "row")
    # every chart has a name, or is hidden with its numbers given beside it
    for svg in page.xpath("//svg"):
        assert (svg.get("role") == "img" and svg.get("aria-label")) or svg.get("aria-hidden") == "true"
    # the history table's IDs link to their entries
    for a in section(page, "h-hist").xpath(".//a"):
        assert page.get_element_by_id(a.get("href")[1:]) is not None


def test_deterministic(quarters, raw, tmp_path):
    again = api.build(quarters[-1], tmp_path, ["html"], previous=quarters[:3]).written[0].read_bytes()
    assert again == raw


def test_an_entry_closed_since_has_its_rows_after_this_quarters(quarters, tmp_path):
    """Q1 2018/19 with a CR90 that Q2 no longer has: the band counts count it in Q1, so the table
    gives its scores then, after this quarter's entries, and says when it was last in the register."""
    from ruamel.yaml import YAML

    y = YAML()
    data = y.load(quarters[2].read_text(encoding="utf-8"))
    data["risks"].append({"id": "CR90", "title": "A risk since closed", "current": 9})
    extra = tmp_path / "q1-2018-19.yaml"
    with extra.open("w", encoding="utf-8") as f:
        y.dump(data, f)
    page = lxml.html.fromstring(
        api.build(quarters[-1], tmp_path / "out", ["html"], previous=[quarters[0], quarters[1], extra])
        .written[0]
        .read_bytes()
    )
    _, rows = read_history(page)
    assert list(rows)[-1] == "CR90"
    assert rows["CR90"]["Current"] == [
        f"{GAP} not in the register",
        f"{GAP} not in the register",
        "9 Medium",
        f"{GAP} not in the register",
    ]
    assert rows["CR90"]["since"] == "Closed: last in Q1 2018/19" and rows["CR90"]["title"] == "A risk since closed"
    # no link (it has no entry on the page) and no chart (it is not in the register)
    body = section(page, "h-hist").xpath(".//tbody")[-1]
    assert not body.xpath(".//a") and not page.xpath("//svg[contains(@aria-label, 'CR90')]")
