"""The PDF's history (issue 18): built with a year of quarters (made at run time from the samples,
`quarters.py`), read back with poppler (pdftotext's word boxes, pdftoppm's pixels) and pypdf (the
structure tree): each entry's scores by quarter in order in the history table, each entry's chart a
Figure whose alt text gives the same numbers, the entries in each band by quarter, and the heat
map's moves: the list, and the arrows drawn from cell to cell."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from test_pdf import words_on_pages

from conftest import SAMPLES
from quarters import MOVES, QUARTERS, band_counts, four_quarters, scores
from reportgen import api

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler's pdftotext/pdftoppm are not installed",
)

CARDS = SAMPLES / "q3-2021-22.yaml"
GAP = "—"
#: The share of dark points along a way an arrow runs (at least), and a way none runs (under).
ARROW, NONE = 0.85, 0.35


@pytest.fixture(scope="module")
def quarters(tmp_path_factory) -> list[Path]:
    return four_quarters(tmp_path_factory.mktemp("quarters"))


@pytest.fixture(scope="module")
def pdf(quarters, tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("pdf")
    result = api.build(quarters[-1], out, ["pdf"], previous=[quarters[2], quarters[0], quarters[1]])
    return result.written[0].read_bytes()


@pytest.fixture(scope="module")
def pages(pdf, tmp_path_factory):
    return words_on_pages(pdf, tmp_path_factory.mktemp("words"))


def text_of(pdf: bytes) -> str:
    r = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "") for p in r.pages).split())


def quarter_heads(words) -> list[list[tuple[str, float, float]]]:
    """Each line of a page that heads the quarters in order: (quarter, x centre, y centre) each."""
    found: dict[int, list[tuple[str, float, float]]] = {}
    for a, b in zip(words, words[1:]):
        label = f"{a[0]} {b[0]}"
        if label in QUARTERS and abs(a[2] - b[2]) < 1:
            found.setdefault(round(a[2]), []).append((label, (a[1] + b[3]) / 2, (a[2] + a[4]) / 2))
    return [line for line in found.values() if [q for q, _, _ in line] == list(QUARTERS)]


def read_history(pages, names: list[str]) -> dict[str, list[str]]:
    """The history table as a reader sees it: for each entry (its ID, the first word of the row),
    the first word under each quarter's heading on the row's first line (its score, or a dash)."""
    firsts = {n.split()[0]: n for n in names}
    out: dict[str, list[str]] = {}
    for words in pages:
        for head in quarter_heads(words):
            header_y = head[0][2]
            left = head[0][1] - 40
            starts = [w for w in words if w[2] > header_y + 5 and w[3] < left and w[0] in firsts]
            # the rows under this heading, down to the next heading (the band table's)
            below = [h[0][2] for h in quarter_heads(words) if h[0][2] > header_y]
            starts = [w for w in starts if not below or w[2] < min(below)]
            for s in starts:
                y = (s[2] + s[4]) / 2
                line = [w for w in words if abs((w[2] + w[4]) / 2 - y) < 2 and w[1] > left]
                cells = []
                for _, x, _ in head:
                    near = [w for w in line if abs((w[1] + w[3]) / 2 - x) < 25]
                    cells.append(near[0][0] if near else "")
                out[firsts[s[0]]] = cells
    return out


def test_each_entry_scores_by_quarter_in_order(pdf, pages, quarters):
    want = scores(quarters)
    got = read_history(pages, list(want))
    assert list(got) == list(want)
    for name, expected in want.items():
        assert got[name] == [str(v) if isinstance(v, int) else GAP for v in expected], name
    assert got["CR1"] == ["15", "25", "20", "20"]
    text = text_of(pdf)
    # a gap says why, in words: never a zero
    assert "— not in the register" in text or "not in the register" in text
    assert text.count("no score") >= 1
    assert "Very high since Q4 2017/18 (3 quarters)" in text
    assert "Since Q3 2017/18: ▲ Up from 15 (worse)" in text
    assert "Each entry's scores by quarter, Q3 2017/18 to Q2 2018/19, with their bands" in text


def figures(pdf: bytes) -> list[str]:
    """The alt text of every Figure in the structure tree, in reading order."""
    r = pypdf.PdfReader(io.BytesIO(pdf))
    out: list[str] = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            out.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                walk(kid)

    walk(r.trailer["/Root"]["/StructTreeRoot"])
    return out


def test_each_chart_is_a_figure_whose_alt_text_gives_its_numbers(pdf, quarters):
    want = scores(quarters)
    alts = figures(pdf)
    said = {"out": "not in the register", "none": "no score"}
    entry_alts = [a for a in alts if a.startswith("Current score by quarter: ")]
    assert len(entry_alts) == len(want)  # one for each entry, in the register's order
    for alt, (name, expected) in zip(entry_alts, want.items()):
        numbers = ", ".join(f"{q}: {said.get(str(v), v)}" for q, v in zip(QUARTERS, expected))
        assert alt.startswith(f"Current score by quarter: {numbers}. Residual score by quarter: "), name
    # the register's chart: the entries in each band, each quarter
    (bands,) = [a for a in alts if a.startswith("Entries in each band by quarter.")]
    for name, per in band_counts(quarters).items():
        assert f"{name}: " + ", ".join(f"{q} {n}" for q, n in zip(QUARTERS, per)) in bands
    # no Figure without its alt text
    assert all(alts) and len(alts) == len(want) + 1


def test_entries_in_each_band_by_quarter(pdf, pages, quarters):
    text = text_of(pdf)
    assert "Entries with a current score in each band by quarter, Q3 2017/18 to Q2 2018/19" in text
    for words in pages:
        heads = quarter_heads(words)
        band_heads = [h for h in heads if any(w[0] == "Band" and abs((w[2] + w[4]) / 2 - h[0][2]) < 2 for w in words)]
        if not band_heads:
            continue
        (head,) = band_heads
        for name, per in band_counts(quarters).items():
            row = next(w for w in words if w[0] == name.split()[0] and w[2] > head[0][2] and w[3] < head[0][1] - 30)
            y = (row[2] + row[4]) / 2
            line = [w for w in words if abs((w[2] + w[4]) / 2 - y) < 2]
            got = [next(w[0] for w in line if abs((w[1] + w[3]) / 2 - x) < 25) for _, x, _ in head]
            assert got == [str(n) for n in per], name
        return
    pytest.fail("no table of entries in each band by quarter")


def rendered(pdf: bytes, page: int, tmp_path: Path) -> Image.Image:
    """One page (from 0) as poppler draws it, at 144 dpi: two pixels a point of pdftotext's boxes."""
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "144", "-f", str(page + 1), "-l", str(page + 1), "-png", str(src), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    img = Image.open(png).convert("L")
    png.unlink()
    return img


def grid_of(pages, title: str):
    """The page of a heat map, with its columns' x (by likelihood label) and rows' y (by impact label)."""
    for n, words in enumerate(pages):
        k = len(title.split())
        for i in range(len(words) - k + 1):
            if " ".join(w[0] for w in words[i : i + k]) == title:
                region = words[i:]
                cols = {
                    w[0]: (w[1] + w[3]) / 2 for w in region if w[0] in ("UNLIKELY", "POSSIBLE", "LIKELY", "CERTAIN")
                }
                rows = {w[0]: (w[2] + w[4]) / 2 for w in region if w[0] in ("MAJOR", "MODERATE")}
                # the top row's label is three lines: its centre is the middle of them all
                top = next(w for w in region if w[0] == "CATASTROPHIC")
                last = next(w for w in region if w[0] == "opportunity)" and w[2] > top[2])
                rows["CATASTROPHIC"] = (top[2] + last[4]) / 2
                return n, cols, rows
    raise AssertionError(f"no {title!r}")


def inked(img: Image.Image, a: tuple[float, float], b: tuple[float, float]) -> float:
    """The share of points from 25% to 55% of the way from a to b that are dark: an arrow's ink makes
    it (nearly) 1; a cell's own text where no arrow runs, at most a few points (an arrow stops 0.42 of
    a cell short of its end cell's centre)."""
    points = [(a[0] + (b[0] - a[0]) * t / 40, a[1] + (b[1] - a[1]) * t / 40) for t in range(10, 23)]

    def dark(x: float, y: float) -> bool:  # the darkest pixel within a point of it
        near = [
            img.getpixel((round(2 * x) + i, round(2 * y) + j)) for i in (-2, -1, 0, 1, 2) for j in (-2, -1, 0, 1, 2)
        ]
        return min(near) < 80

    return sum(1 for x, y in points if dark(x, y)) / len(points)


def test_moves_listed_and_drawn_from_cell_to_cell(pdf, pages, tmp_path):
    text = text_of(pdf)
    assert "Moved since Q1 2018/19 (from last quarter's cell to this quarter's):" in text
    for ident, move in MOVES.items():
        assert f"{ident}: {move}" in text
    n, cols, rows = grid_of(pages, "Heat map: current scores")
    img = rendered(pdf, n, tmp_path)
    major, likely, possible = rows["MAJOR"], cols["LIKELY"], cols["POSSIBLE"]
    # CR5: Likely/Major to Possible/Major, across the row; CR7: Likely/Major up to Likely/Catastrophic
    assert inked(img, (likely, major), (possible, major)) >= ARROW
    assert inked(img, (likely, major), (likely, rows["CATASTROPHIC"])) >= ARROW
    # where nothing moved, no ink: Possible to Unlikely, Likely to Certain in the Major row
    assert inked(img, (possible, major), (cols["UNLIKELY"], major)) < NONE
    assert inked(img, (likely, major), (cols["CERTAIN"], major)) < NONE
    # the residual map has no arrows
    n, cols, rows = grid_of(pages, "Heat map: residual scores")
    img = rendered(pdf, n, tmp_path)
    assert inked(img, (cols["LIKELY"], rows["MAJOR"]), (cols["POSSIBLE"], rows["MAJOR"])) < NONE


def test_card_sample_target_tracks_drawn_on_their_own_grid(tmp_path):
    pdf = api.build(CARDS, tmp_path, ["pdf"]).written[0].read_bytes()
    pages = words_on_pages(pdf, tmp_path)
    text = text_of(pdf)
    assert "Moves on the heat map: current to target" in text
    assert "Corp 7: Likely/Major → Possible/Major" in text and "Corp 4: Possible/Minor → Certain/Major" in text
    n, cols, rows = grid_of(pages, "Moves on the heat map: current")
    img = rendered(pdf, n, tmp_path)
    # Corp 1: Likely/Major → Possible/Moderate, a diagonal down a row
    assert inked(img, (cols["LIKELY"], rows["MAJOR"]), (cols["POSSIBLE"], rows["MODERATE"])) >= ARROW
    # CO1: Certain/Moderate → Certain/Major, straight up
    assert inked(img, (cols["CERTAIN"], rows["MODERATE"]), (cols["CERTAIN"], rows["MAJOR"])) >= ARROW
    # the target map itself has none drawn over its entries
    n, cols, rows = grid_of(pages, "Heat map: target scores")
    img = rendered(pdf, n, tmp_path)
    assert inked(img, (cols["CERTAIN"], rows["MODERATE"]), (cols["CERTAIN"], rows["MAJOR"])) < NONE


def test_history_in_the_outline(pdf):
    r = pypdf.PdfReader(io.BytesIO(pdf))
    top = [i.title for i in r.outline if not isinstance(i, list)]
    assert top[-4:] == ["Opportunities", "Scores over time", "Key to Scores", "Heat maps"]
    assert re.search(r"Scores over time.*Entries in each band", text_of(pdf))
