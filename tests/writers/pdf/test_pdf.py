"""The PDF writer: read back with pypdf (text, pages, outline, metadata, structure tree),
never with the writer's own code."""

from __future__ import annotations

import collections
import io
import re
import shutil
import textwrap
from functools import cache
from pathlib import Path

import pypdf
import pytest

from conftest import register_strings, sample_paths
from reportgen import api, view
from reportgen.writers import available

STARTER = Path(__file__).resolve().parents[3] / "src" / "reportgen" / "starter.yaml"
ALL = sample_paths() + [STARTER]
A4 = (841.89, 595.28)


@cache
def render(path: Path) -> bytes:
    return api.render(api.load(path).register, "pdf")


def reader(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render(path)))


def page_texts(r: pypdf.PdfReader) -> list[str]:
    return [p.extract_text() or "" for p in r.pages]


@cache
def texts_of(path: Path) -> tuple[str, ...]:
    return tuple(page_texts(reader(path)))


def words(text: str) -> collections.Counter:
    # WeasyPrint hyphenates column headings with U+2010; join those back before counting.
    text = re.sub(r"\u2010\s*\n", "", text)
    # Letters and digits count apart: pypdf may run a list number into the line before ("CMT1.").
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z\u00C0-\u024F]+|[0-9]+", text))


def register_text(path: Path) -> str:
    return "\n".join(register_strings(path))


def outline_titles(outline, depth=0) -> list[tuple[int, str]]:
    out = []
    for item in outline:
        if isinstance(item, list):
            out += outline_titles(item, depth + 1)
        else:
            out.append((depth, item.title))
    return out


def structure_types(root) -> collections.Counter:
    seen: collections.Counter = collections.Counter()
    stack = [root["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if "/S" in node:
            seen[str(node["/S"])] += 1
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and "/S" in kid:
                stack.append(kid)
    return seen


def test_registered():
    assert available()["pdf"].extension == "pdf"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_word_of_the_register_is_in_the_pdf(path):
    got = words("\n".join(texts_of(path)))
    want = words(register_text(path))
    missing = {w: n - got[w] for w, n in want.items() if got[w] < n}
    assert not missing, f"words of {path.name} missing from the PDF: {missing}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_text_matches_golden(path, golden):
    texts = texts_of(path)
    golden(f"pdf-{path.stem}.txt", "".join(f"=== page {i} ===\n{t}\n" for i, t in enumerate(texts, 1)))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_pages_landscape_a4_with_running_header_and_page_numbers(path):
    r = reader(path)
    reg = api.load(path).register
    n = len(r.pages)
    for i, page in enumerate(r.pages, 1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w), round(h)) == (round(A4[0]), round(A4[1])), (i, w, h)
        text = page.extract_text() or ""
        assert f"Page {i} of {n}" in text
        for part in (reg.organisation, reg.title, reg.period):
            assert part in text, f"running header lacks {part!r} on page {i}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_outline_has_every_entry_and_the_key(path):
    reg = api.load(path).register
    titles = outline_titles(reader(path).outline)
    top = [t for d, t in titles if d == 0]
    grid = ("Heat map: ", "Moves on the heat map: ")
    maps = [t for d, t in titles if d == 1 and t.startswith(grid)]
    entries = [t for d, t in titles if d == 1 and not t.startswith(grid) and t != "Risk appetite"]
    v = view.build(reg)
    heat = v.heatmaps
    assert top == (["Appetite, targets and actions"] if v.tracking else []) + (["Risks"] if reg.risks else []) + (
        ["Opportunities"] if reg.opportunities else []
    ) + ["Key to Scores"] + (["Heat maps"] if heat else [])
    # the council's appetite, where it sets one, under the Key to Scores
    key = titles.index((0, "Key to Scores"))
    assert titles[key + 1 : key + 2] == ([(1, "Risk appetite")] if reg.appetite else titles[key + 1 : key + 2])
    assert ((1, "Risk appetite") in titles) == (reg.appetite is not None)
    # each map, and the moves of a map that has too many to draw over its entries on a grid of their own
    assert maps == [t for hm in heat for t in [f"Heat map: {hm.title.lower()}"] + [hm.moves_title] * hm.moves_apart]
    assert titles[-len(maps) - 1 :] == [(0, "Heat maps")] + [(1, m) for m in maps]
    ids = [e.id for e in reg.risks + reg.opportunities]
    assert len(entries) == len(ids)
    for title, ident in zip(entries, ids):
        assert ident in title, (ident, title)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_metadata_language_and_tags(path):
    r = reader(path)
    reg = api.load(path).register
    meta = r.metadata
    assert reg.title in meta.title and reg.period in meta.title
    assert meta.author == reg.organisation
    assert reg.organisation in meta.subject
    day = reg.report_date.strftime("%Y%m%d")
    assert meta["/CreationDate"].startswith(f"D:{day}") and meta["/ModDate"].startswith(f"D:{day}")
    root = r.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part>1<" in xmp or b'pdfuaid:part="1"' in xmp
    tags = structure_types(root)
    wanted = ["/Table", "/TR", "/TH", "/TD", "/H1", "/H2", "/P", "/L", "/LI"]
    wanted += ["/THead", "/TBody"] if reg.layout == "table" else ["/H3", "/H4"]
    for t in wanted:
        assert tags[t], f"no {t} in the structure tree"


def test_table_header_repeats_on_every_page_of_the_table():
    path = next(p for p in sample_paths() if p.stem == "q2-2018-19")
    texts = texts_of(path)
    risk_pages = [
        t
        for t in texts
        if "CR" in t and "Opportunity Description" not in t and "Key to Scores" not in t and "Heat map" not in t
    ]
    assert len(risk_pages) > 3
    for t in risk_pages:
        assert "Possible Risk Consequences" in t and "Mitigating Actions" in t


def test_deterministic():
    path = sample_paths()[-1]
    render.cache_clear()
    a = render(path)
    render.cache_clear()
    assert render(path) == a


def _many(tmp_path: Path, layout: str, n: int) -> Path:
    """A register of n entries of a dozen lines each, marked at their start and end."""
    lines = [
        "organisation: Test Council",
        "period: Q1 2030/31",
        "report_date: 2030-07-01",
        f"layout: {layout}",
        "risks:",
    ]
    for i in range(1, n + 1):
        bullets = "\\n".join(f"- point {k} of entry {i} with a few words to fill a line" for k in range(10))
        lines += [
            f"  - id: R{i}",
            f"    title: Entry {i}",
            f'    description: "Startmark{i}\\n\\n{bullets}\\n\\nEndmark{i}"',
            "    current: 12",
            "    residual: 4",
            "    target: 4",
            f"    owner: Owner {i}",
        ]
    path = tmp_path / f"many-{layout}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_rows_and_cards_are_not_split_across_pages(tmp_path, layout):
    path = _many(tmp_path, layout, 24)
    texts = page_texts(reader(path))
    assert len(texts) > 3
    for i in range(1, 25):
        start = [p for p, t in enumerate(texts) if re.search(rf"\bStartmark{i}\b", t)]
        end = [p for p, t in enumerate(texts) if re.search(rf"\bEndmark{i}\b", t)]
        assert start and start == end, f"entry R{i} starts on page {start} and ends on page {end}"


def test_a_row_taller_than_a_page_flows_on_with_its_header(tmp_path):
    long = "\\n".join(f"- item {k} of a very long list of controls" for k in range(150))
    path = tmp_path / "long.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        organisation: Test Council
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - id: R1
            description: First
            controls: "{long}"
            current: 12
          - id: R2
            description: Second
            current: 6
        """),
        encoding="utf-8",
    )
    texts = page_texts(reader(path))
    assert "R1" in texts[0] and "item 0 of" in texts[0] and "Appendix A" in texts[0]
    assert any("item 149 of" in t for t in texts[1:])
    for t in texts[:-1]:  # the last page holds the Key to Scores
        assert "Current Controls" in t


def test_escaped_text_reaches_the_pdf(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(
        textwrap.dedent("""\
        organisation: Test Council
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - id: R1
            description: "A <script>alert(1)</script> and </td> here"
            current: 12
        """),
        encoding="utf-8",
    )
    text = " ".join(" ".join(page_texts(reader(path))).split())
    assert "A <script>alert(1)</script> and </td> here" in text


# --------------------------------------------------------------------------- quarter on quarter

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
Q1, Q2, CARDS = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml", SAMPLES / "q3-2021-22.yaml"
PDFTOTEXT = shutil.which("pdftotext")


@cache
def build_pdf(path: Path, previous: Path | None, out: Path) -> bytes:
    """The PDF as `reportgen build --previous` writes it."""
    result = api.build(path, out, ["pdf"], previous=previous)
    return result.written[0].read_bytes()


@pytest.fixture(scope="module")
def q2_vs_q1(tmp_path_factory) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(build_pdf(Q2, Q1, tmp_path_factory.mktemp("q2"))))


def entry_page_number(r: pypdf.PdfReader, ident: str) -> int:
    """The (0-based) page an entry's bookmark points at: where its row starts."""

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    item = next(i for i in walk(r.outline) if i.title.split(" – ")[0] == ident)
    return r.get_destination_page_number(item)


def entry_page(r: pypdf.PdfReader, ident: str) -> str:
    """The text of the page an entry's bookmark points at (where its row starts)."""
    return " ".join(r.pages[entry_page_number(r, ident)].extract_text().split())


def test_q2_against_q1_summary_trends_and_bookmarks(q2_vs_q1, golden):
    r = q2_vs_q1
    texts = page_texts(r)
    first = " ".join(texts[0].split())
    assert "Changes since Q1 2018/19" in first
    assert "Periods compared Q1 2018/19 (last quarter) with Q2 2018/19 (this quarter)" in first
    assert "New this quarter CR12 – Unlawful disclosure" in first and "score 16 (Major/Likely)" in first
    assert "Closed (in Q1 2018/19, not in Q2 2018/19) None" in first
    assert "Score moved (largest move first) CR3: ▼ Down from 25 (better), now 15" in first
    assert "Residual or target score moved (largest move first)" in first
    assert "CR9: residual ▼ Down from 20 (better), now 16" in first
    # the summary comes before the register
    assert first.index("Changes since") < first.index("Score moved") < first.index("Risks") < first.index("Description")
    # each entry's trend, beside the officer's own text
    assert "► Level at 20" in entry_page(r, "CR1")
    cr3 = entry_page(r, "CR3")
    assert "▼ Down from 25 (better)" in cr3 and "▼ Down from 16 (better)" in cr3
    assert "★ New this quarter" in entry_page(r, "CR12")
    top = [t for d, t in outline_titles(r.outline) if d == 0]
    assert top == [
        "Changes since Q1 2018/19",
        "Risks",
        "Opportunities",
        "Scores over time",
        "Key to Scores",
        "Heat maps",
    ]
    golden("pdf-q2-2018-19-vs-q1.txt", "".join(f"=== page {i} ===\n{t}\n" for i, t in enumerate(texts, 1)))


def test_q2_against_q1_is_tagged_and_deterministic(q2_vs_q1, tmp_path):
    tags = structure_types(q2_vs_q1.trailer["/Root"])
    assert tags["/Table"] >= 5 and tags["/TH"] and tags["/Caption"] >= 5
    build_pdf.cache_clear()
    assert build_pdf(Q2, Q1, tmp_path / "a") == build_pdf(Q2, Q1, tmp_path / "b")


def _row_after_summary(tmp_path: Path, new: int) -> tuple[Path, Path]:
    """A quarter whose changes summary lists `new` new entries (a line each) on page 1,
    followed by a register whose first row is taller than a page."""
    # a long organisation name wraps the masthead, so the room left under the summary is not
    # a whole number of register lines (the case where a row started with a single line)
    head = (
        "organisation: Test Council" + " of a very long organisation name" * 7 + "\n"
        "period: {period}\nreport_date: {date}\nrisks:\n"
    )
    controls = "\\n".join(f"- item {k} of a very long list of controls" for k in range(150))
    current = head.format(period="Q1 2030/31", date="2030-07-01") + (
        "  - id: R1\n"
        "    description: Firstwords of the long entry, a description that runs on for several lines in its column\n"
        "    consequences: Consequenceword one\n"
        f'    controls: "{controls}"\n'
        "    current: 20\n"
        "    owner: Ownerword\n"
    )
    for i in range(2, new + 2):
        current += f"  - id: R{i}\n    title: New entry number {i} with a title that takes a line\n    current: 6\n"
    previous = head.format(period="Q4 2029/30", date="2030-04-01") + "  - id: R1\n    current: 12\n"
    (tmp_path / f"q1-{new}.yaml").write_text(current, encoding="utf-8")
    (tmp_path / f"q4-{new}.yaml").write_text(previous, encoding="utf-8")
    return tmp_path / f"q1-{new}.yaml", tmp_path / f"q4-{new}.yaml"


def test_a_split_row_starts_with_its_id_description_and_score_together(tmp_path):
    """A row taller than a page splits; where it starts at the foot of a page (under the changes
    summary), that page holds at least its ID, its description's first words and its score with
    its band, never a single line of it. Swept down page 1, a line at a time."""
    first_pages = set()
    for new in range(27, 33):
        cur, prev = _row_after_summary(tmp_path, new)
        r = pypdf.PdfReader(api.build(cur, tmp_path / f"out{new}", ["pdf"], previous=prev).written[0])
        page = entry_page(r, "R1")
        assert "R1 Firstwords" in page, f"{new} new entries: R1 without its description: {page[-400:]}"
        row = page[page.index("R1 Firstwords") :]
        assert "Firstwords of the long entry," in " ".join(row.split()[1:6]), f"{new} new entries: {row[:300]}"
        assert "20 Very high" in row, f"{new} new entries: {row[:300]}"
        first_pages.add(entry_page_number(r, "R1"))
    # the sweep crossed the foot of page 1: the row started on page 1, then on page 2
    assert first_pages == {0, 1}


def test_without_previous_nothing_is_computed():
    text = " ".join(" ".join(texts_of(Q2)).split())
    for s in ("Changes since", "Level at", "Up from", "Down from", "New this quarter"):
        assert s not in text


def words_on_pages(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Every word with its box, page by page, as poppler's pdftotext -bbox reads them."""
    import subprocess
    import xml.etree.ElementTree as ET

    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    xml = subprocess.run([PDFTOTEXT, "-bbox", str(src), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", xml))
    ns = "{http://www.w3.org/1999/xhtml}"
    return [
        [
            (w.text, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
            for w in page.iter(f"{ns}word")
        ]
        for page in root.iter(f"{ns}page")
    ]


def read_heat_maps(pages, likelihoods, bands) -> dict[str, dict[tuple[str, int], list[str]]]:
    """Each heat map's cells as a reader sees them: title -> {(likelihood label, impact): lines}.

    A map's columns are found from its likelihood labels under the grid; its rows from the
    `N Band` line that heads every cell (cells are top-aligned), read in the first column,
    where the score is the impact. A word belongs to the column nearest its centre and to the
    last row starting above it; the heading `N Band` lines themselves are left out."""
    out = {}
    for words in pages:
        titles = [i for i, w in enumerate(words) if w[0] == "Heat" and i + 1 < len(words) and words[i + 1][0] == "map:"]
        for n, t in enumerate(titles):
            region = words[t : titles[n + 1] if n + 1 < len(titles) else len(words)]
            title = " ".join(w[0] for w in region[:4])
            cols: dict[str, float] = {}
            for w in region:
                if w[0] in likelihoods and w[0] not in cols:
                    cols[w[0]] = (w[1] + w[3]) / 2
            assert list(cols) == likelihoods, (title, cols)
            bottom = min(w[2] for w in region if w[0] in likelihoods)
            step = cols[likelihoods[1]] - cols[likelihoods[0]]
            left, right = cols[likelihoods[0]] - step / 2, cols[likelihoods[0]] + step / 2
            rows = [
                (a[2], int(a[0]))
                for a, b in zip(region, region[1:])
                if a[0].isdigit() and b[0] in bands and abs(a[2] - b[2]) < 1 and left < a[1] < right and a[2] < bottom
            ]
            assert [r[1] for r in rows] == list(range(len(rows), 0, -1)), (title, rows)
            lines: dict[tuple[str, int], dict[float, list[str]]] = {}
            for w in region:
                if w[2] >= bottom or w[1] < left or any(abs(w[2] - y) < 1 for y, _ in rows):
                    continue
                above = [r for r in rows if r[0] <= w[2]]
                if not above:
                    continue
                col = min(cols, key=lambda c: abs(cols[c] - (w[1] + w[3]) / 2))
                cell = lines.setdefault((col, max(above)[1]), {})
                y = next((k for k in cell if abs(k - w[2]) < 1), w[2])
                cell.setdefault(y, []).append(w[0])
            out[title] = {k: [" ".join(v[y]) for y in sorted(v)] for k, v in lines.items()}
    return out


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler's pdftotext is not installed")
def test_card_register_heat_maps_place_every_id(tmp_path):
    reg = api.load(CARDS).register
    likelihoods = [s.upper() for s in reg.scoring.likelihood]
    bands = {b.name.split()[0] for b in reg.scoring.bands}
    maps = read_heat_maps(words_on_pages(render(CARDS), tmp_path), likelihoods, bands)
    assert list(maps) == ["Heat map: current scores", "Heat map: target scores"]
    for title, field in (("Heat map: current scores", "current"), ("Heat map: target scores", "target")):
        expected: dict = {}
        for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
            for e in entries:
                sc = getattr(e, field)
                name = e.id if kind == "risk" else f"{e.id} (opportunity)"
                expected.setdefault((likelihoods[sc.likelihood - 1], sc.impact), []).append(name)
        assert maps[title] == expected, title
    # as the card appendix has it: Corp 2 is Possible x Major (4)
    assert "Corp 2" in maps["Heat map: current scores"][("POSSIBLE", 4)]


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler's pdftotext is not installed")
def test_q2_heat_map_places_only_what_has_likelihood_and_impact(q2_vs_q1, tmp_path):
    reg = api.load(Q2).register
    likelihoods = [s.upper() for s in reg.scoring.likelihood]
    bands = {b.name.split()[0] for b in reg.scoring.bands}
    pdf = build_pdf(Q2, Q1, tmp_path)
    maps = read_heat_maps(words_on_pages(pdf, tmp_path), likelihoods, bands)
    assert maps["Heat map: current scores"] == {("LIKELY", 4): ["CR12"]}
    text = " ".join(" ".join(page_texts(q2_vs_q1)).split())
    assert "Score only (no likelihood and impact given, so not placed in the grid): CR1: 20, CR2: 25," in text
    assert "Score only (no likelihood and impact given, so not placed in the grid): CR1: 16, CR2: 16, CR3: 12," in text


# --------------------------------------------------------------------------- appetite, targets and actions

SMALL = SAMPLES / "small.yaml"


def small_cards(tmp_path: Path) -> Path:
    text = SMALL.read_text(encoding="utf-8")
    assert "\nlayout: table\n" in text
    path = tmp_path / "small-cards.yaml"
    path.write_text(text.replace("\nlayout: table\n", "\nlayout: cards\n"), encoding="utf-8")
    return path


def test_appetite_summary_on_the_first_page_above_appetite_named_first():
    texts = texts_of(SMALL)
    first = " ".join(texts[0].split())
    assert first.index("Appetite, targets and actions") < first.index("Risks") < first.index("Description")
    at = re.search(r"above appetite", first, re.I).start()
    assert first[at:].startswith("Above appetite (2) • CR1: 20 (Open, up to 12) • CR2: 20 (Eager, up to 16)")
    for row in (
        "Gap to target: 3 above target, by up to 10 • CR2: 10 (20 now, residual 10) • CR1: 8 (20 now, residual 12)",
        "Overdue actions (1) CR1: Service challenge in 10 areas – Chief Executive (due 31 December 2026)",
        "Overdue reviews (1) CR2: Review overdue (due 5 January 2027)",
        "Target dates passed (1) CR2: Target date passed (31 December 2026), still above residual",
    ):
        assert row in first, row
    assert first.index("Above appetite (2)") < first.index("Gap to target: 3") < first.index("Overdue actions")
    # in the register: the appetite by the score, symbol and words; each action's status, the late one flagged
    assert "20 Very high ● Above appetite (Open, up to 12)" in first
    assert "Due 31 December 2026 · Open · Overdue" in first and "Due 30 November 2026 · Done" in first
    assert "Review overdue (due 5 January 2027)" in first.split("Target dates passed (1)")[1]
    text = " ".join(" ".join(texts).split())
    assert "Risk appetite" in text and "Any other risk type (the default)" in text
    assert "CR2 (above appetite)" in text and "CR1: 20 (above appetite)" in text


def test_cards_show_appetite_gap_late_review_and_action_status(tmp_path):
    r = reader(small_cards(tmp_path))
    pages = {i.title: r.get_destination_page_number(i) for i in r.outline[2]}  # under "Risks"
    texts = [" ".join(t.split()) for t in page_texts(r)]
    cr1, cr2 = texts[pages["Risk ID CR1"]], texts[pages["Risk ID CR2"]]
    assert "Current Risk Score 20 Very high ● Above appetite (Open, up to 12)" in cr1
    assert "Gap to target: 8 (20 now, residual 12)" in cr1
    assert "Due 31 December 2026 · Open · Overdue" in cr1 and "Due 30 November 2026 · Done" in cr1
    assert "Risk ID CR2 Review overdue (due 5 January 2027)" in cr2
    assert "● Above appetite (Eager, up to 16)" in cr2
    assert "Target date passed (31 December 2026), still above residual" in cr2
    assert "Target date 31 December 2026" in cr2 and "Target date: " not in cr2
    top = [t for d, t in outline_titles(r.outline) if d == 0]
    assert top == ["Appetite, targets and actions", "Risks", "Opportunities", "Key to Scores", "Heat maps"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_a_register_without_any_of_it_never_says_appetite(path):
    if view.build(api.load(path).register).tracking is not None:
        pytest.skip("tracks appetite, targets or actions")
    text = " ".join(texts_of(path))
    assert "appetite" not in text.lower()
    for s in ("Overdue", "Gap to target", "Target date passed"):
        assert s not in text
