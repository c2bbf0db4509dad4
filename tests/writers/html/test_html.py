"""The HTML writer: read back with the standard library's HTML parser, never with our templates."""

from __future__ import annotations

import collections
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from conftest import register_strings, sample_paths
from reportgen import api, view
from reportgen import vocabulary as words_
from reportgen.writers import available
from reportgen.writers.html.assets import TEMPLATES
from reportgen.writers.html.page import build_html as build_page

STARTER = Path(__file__).resolve().parents[3] / "src" / "reportgen" / "starter.yaml"
BLOCKS = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "td", "caption", "dt", "dd"}
VOID = {"meta", "br", "col", "img", "link", "input", "hr"}


class Page(HTMLParser):
    """A parsed page: its elements (tag, attrs, text), a text dump and the page's text.

    The dump has a line per block as it closes (so a cell's paragraphs come before its `td:`
    line, which is empty when the cell holds blocks), and a `---` line where a section,
    table, row or card begins."""

    def __init__(self, raw: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[dict] = []  # every element, in document order, with its text
        self.open: list[dict] = []
        self.dump: list[str] = []
        self.text_parts: list[str] = []
        self.style = ""
        self.html_attrs: dict = {}
        self.feed(raw)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        el = {"tag": tag, "attrs": a, "text": "", "depth": len(self.open), "blocks": False}
        if tag in BLOCKS:
            for o in self.open:
                o["blocks"] = True
        self.elements.append(el)
        if tag not in VOID:
            self.open.append(el)
        if tag == "br":
            self._text("\n")
        if tag in ("tr", "table", "article", "section"):
            self.dump.append(f"--- {tag}")

    def handle_endtag(self, tag):
        while self.open:
            el = self.open.pop()
            if el["tag"] == tag:
                break
        else:
            return
        if tag in BLOCKS:
            text = "" if el["blocks"] else " ".join(el["text"].split())
            label = tag + (f"[{el['attrs']['scope']}]" if "scope" in el["attrs"] else "")
            lists = sum(1 for o in self.open if o["tag"] in ("ul", "ol"))
            self.dump.append(f"{'  ' * lists}{label}: {text}")

    def handle_data(self, data):
        if self.open and self.open[-1]["tag"] == "style":
            self.style += data
            return
        self._text(data)

    def _text(self, data):
        for el in self.open:
            el["text"] += data
        self.text_parts.append(data)

    def inside(self, el) -> list[dict]:
        """The descendants of an element, in document order."""
        out = []
        for e in self.elements[self.elements.index(el) + 1 :]:
            if e["depth"] <= el["depth"]:
                break
            out.append(e)
        return out

    def find(self, tag, **attrs):
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    @property
    def text(self) -> str:
        return " ".join(self.text_parts)


def render_html(path: Path) -> str:
    return api.render(api.load(path).register, "html").decode("utf-8")


def words(text: str) -> collections.Counter:
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z0-9\u00C0-\u024F]+", text))


def write_register(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "register.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def contrast(a: str, b: str) -> float:
    def lum(h):
        rgb = [int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


ALL = sample_paths() + [STARTER]


def test_registered():
    assert available()["html"].extension == "html"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_word_of_the_register_is_on_the_page(path):
    page = Page(render_html(path))
    want = words("\n".join(register_strings(path)))
    got = words(page.text)
    missing = {w: n - got[w] for w, n in want.items() if got[w] < n}
    assert not missing, f"words of {path.name} missing from the page: {missing}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_structure_matches_golden(path, golden):
    page = Page(render_html(path))
    golden(f"html-{path.stem}.txt", "\n".join(page.dump) + "\n")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_standalone_and_accessible_markup(path):
    raw = render_html(path)
    page = Page(raw)
    reg = api.load(path).register
    assert page.html_attrs.get("lang") == "en-GB"
    assert page.find("meta", name="viewport")
    # one file: no scripts, stylesheets, images, frames or URLs to fetch
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert not page.find(tag), f"<{tag}> in a standalone page"
    assert not re.search(r"url\(|@import|https?://", page.style)
    assert not re.search(r"\bsrc=", raw)
    # the only links: a heat map's IDs, each to an entry on this page
    ids = {e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]}
    hrefs = re.findall(r"\bhref=\"([^\"]*)\"", raw)
    assert len(hrefs) == len(page.find("a")) and all(h.startswith("#") and h[1:] in ids for h in hrefs), hrefs
    # headings: one h1, then no level skipped
    levels = [int(e["tag"][1]) for e in page.elements if re.fullmatch(r"h[1-6]", e["tag"])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    h2 = [e["text"].strip() for e in page.find("h2")]
    assert h2[-2:] == ["Key to Scores", "Heat maps"] if view.build(reg).heatmaps else h2[-1] == "Key to Scores"
    # every table has a caption; every header cell a scope or an id that data cells point at
    tables = page.find("table")
    assert tables
    assert len(page.find("caption")) == len(tables)
    ids = {e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]}
    assert len(ids) == sum(1 for e in page.elements if "id" in e["attrs"]), "duplicate id"
    pointed = {h for e in page.find("td") for h in e["attrs"].get("headers", "").split()}
    assert pointed <= ids
    for th in page.find("th"):
        assert th["attrs"].get("scope") in ("col", "row") or th["attrs"].get("id") in pointed, th
    if reg.layout == "table":
        regs = [t for t in tables if t["attrs"].get("class") == "reg"]
        sections = view.build(reg).sections
        assert len(regs) == len(sections)
        for sec, table in zip(sections, regs):
            inner = page.inside(table)
            assert [e["text"] for e in inner if e["tag"] == "caption"][0].strip() == sec.heading
            assert [e["text"] for e in inner if e["tag"] == "th" and e["attrs"].get("scope") == "col"] == [
                c.label for c in sec.columns
            ]
            # each row is headed by its ID (with a late review under it, where the view flags one)
            assert [
                " ".join(e["text"].split()) for e in inner if e["tag"] == "th" and e["attrs"].get("scope") == "row"
            ] == [" ".join([ev.id, *(n.text for n in sec.notes(ev, "id"))]) for ev in sec.entries]
            for row in (e for e in inner if e["tag"] == "tr"):
                assert sum(1 for e in page.inside(row) if e["tag"] in ("td", "th")) == len(sec.columns)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_shaded_cells_have_enough_contrast(path):
    page = Page(render_html(path))
    rules = dict(re.findall(r"\.(b\d+)\{([^}]*)\}", page.style))
    assert rules, "no band colours in the stylesheet"
    for cls, body in rules.items():
        bg = re.search(r"background-color:(#[0-9A-Fa-f]{6})", body).group(1)
        fg = re.search(r"(?<!-)color:(#[0-9A-Fa-f]{6})", body).group(1)
        assert contrast(bg, fg) >= 4.5, (cls, bg, fg)
    shaded = [e for e in page.elements if re.search(r"\bb\d+\b", e["attrs"].get("class") or "")]
    assert shaded
    band_names = {b.name for b in api.load(path).register.scoring.bands}
    for e in shaded:
        # colour is never the only signal: every shaded cell names its band
        assert any(name in e["text"] for name in band_names), e


def test_key_to_scores(tmp_path):
    page = Page(render_html(sample_paths()[0]))
    matrix = next(t for t in page.find("table") if t["attrs"].get("class") == "matrix")
    inside = page.inside(matrix)
    rows = [e["text"].strip() for e in inside if e["tag"] == "th" and e["attrs"].get("scope") == "row"]
    assert rows[0] == "CATASTROPHIC (for risk)\nOUTSTANDING (for opportunity)"
    assert rows[1:] == ["MAJOR", "MODERATE", "MINOR", "INSIGNIFICANT"]
    cols = [e["text"].strip() for e in inside if e["tag"] == "th" and e["attrs"].get("scope") == "col"]
    assert cols == ["RARE", "UNLIKELY", "POSSIBLE", "LIKELY", "CERTAIN"]
    axes = [e["text"].strip() for e in inside if e["tag"] == "th" and "axis" in (e["attrs"].get("class") or "")]
    assert axes == ["IMPACT", "LIKELIHOOD"]
    cells = {
        e["attrs"]["headers"]: " ".join(e["text"].split())
        for e in inside
        if e["tag"] == "td" and "headers" in e["attrs"]
    }
    assert len(cells) == 25
    assert cells["ax-im im-4 lk-4 ax-lk"] == "16 Very high"  # Major x Likely
    assert cells["ax-im im-1 lk-1 ax-lk"] == "1 Low"
    assert cells["ax-im im-5 lk-5 ax-lk"] == "25 Very high"


def test_card_layout_order():
    path = next(p for p in sample_paths() if p.stem == "q3-2021-22")  # the card-layout sample
    page = Page(render_html(path))
    h3 = [e["text"] for e in page.find("h3")]
    assert h3[0] == "Risk ID Corp 1 – Reshaping the County Council: Our Improvement Journey"
    assert any(t.startswith("Opportunity ID CO1") for t in h3)
    text = " ".join(page.text.split())
    card = text[text.index("Risk ID Corp 1") : text.index("Risk ID Corp 2")]
    order = [  # the card's labels are the vocabulary's, the same as on the Word and Excel cards
        "Current Risk Score 16 (Major/Likely) Very high",
        "Target Risk Score 9 (Moderate/Possible) Medium",
        "Risk Description",
        "Risk Consequences",
        "Capacity",
        "Risk Owner",
        "Target date March 2022/Ongoing",
        "Current Likelihood Likely (4)",
        "Current Impact Major (4)",
        "Target Likelihood Possible (3)",
        "Current Controls",
        "Control Owner Capacity Director of OD & Change",
        "Mitigating Actions",
        "Mitigation Owner",
        "Progress",
    ]
    positions = [card.find(s) for s in order]
    assert -1 not in positions, [s for s, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions)
    # themed sub-headings are kept as headings inside the card
    assert "Capacity" in [e["text"] for e in page.find("h5")]


HOSTILE = """\
    organisation: Test <Council> & Co
    period: Q1 2030/31
    report_date: 2030-07-01
    risks:
      - id: R1
        title: "Title </h3><h1>x</h1>"
        description: |
          A <script>alert('x')</script> here and a </td></tr> there, &amp; <b>not bold</b>

          # A Markdown heading in a cell
        types: ["<i>Economic</i>"]
        consequences: "**bold** and *italic* and <img src=x onerror=alert(1)>"
        controls:
          - theme: "<em>Theme</em>"
            owner: "Owner \\" onmouseover=\\"x"
            text: "- one\\n- two <style>body{display:none}</style>"
        current: 12
        residual: 4
        owner: "<a href='http://example.com'>link</a>"
        direction: Level
"""


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_register_text_is_escaped(tmp_path, layout):
    path = write_register(tmp_path, HOSTILE + f"    layout: {layout}\n")
    raw = render_html(path)
    page = Page(raw)
    for tag in ("script", "img", "b", "i"):
        assert not page.find(tag), f"register text became a <{tag}> element"
    # links: only a heat map's, to the entries (R1's, in its cell and in a list under the grid)
    assert [(a["attrs"], a["text"]) for a in page.find("a")] == [({"href": "#entry-r1"}, "R1")] * 2
    assert [e["text"] for e in page.find("em")] == ["italic"]  # Markdown *italic*, not the <em> typed in
    assert len(page.find("style")) == 2  # ours: the stylesheet, then the register's band colours
    assert len(page.find("h1")) == 1
    text = " ".join(page.text.split())
    for s in (
        "<script>alert('x')</script>",
        "</td></tr>",
        "&amp;",
        "<b>not bold</b>",
        "<i>Economic</i>",
        "<img src=x onerror=alert(1)>",
        "<em>Theme</em>",
        "<style>body{display:none}</style>",
        "<a href='http://example.com'>link</a>",
        "Test <Council> & Co",
        'Owner " onmouseover="x',
    ):
        assert s in text, s
    assert "A Markdown heading in a cell" in text
    assert page.find("strong") and [e for e in page.find("p") if e["attrs"].get("class") == "sub"]
    if layout == "table":
        table = next(t for t in page.find("table") if t["attrs"].get("class") == "reg")
        body_row = [e for e in page.inside(table) if e["tag"] == "tr"][1]
        cells = [e for e in page.inside(body_row) if e["tag"] in ("td", "th")]
        assert len(cells) == 10 and cells[0]["text"] == "R1"


def test_deterministic():
    path = sample_paths()[-1]
    assert render_html(path) == render_html(path)


# --------------------------------------------------------------------------- quarter on quarter

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
Q1, Q2, CARDS = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml", SAMPLES / "q3-2021-22.yaml"


def earlier_quarter(text: str) -> str:
    """The 2021/22 Q3 card sample's text as a register of the quarter before (Q2, September)."""
    return text.replace("period: 2021/22 Q3", "period: 2021/22 Q2").replace(
        "report_date: 2022-01-01", "report_date: 2021-10-01"
    )


def build_html(tmp_path: Path, path: Path, previous: Path | None = None) -> str:
    """The page as `reportgen build --previous` writes it."""
    result = api.build(path, tmp_path / "out", ["html"], previous=previous)
    return result.written[0].read_text(encoding="utf-8")


def own_text(page: Page, el: dict) -> str:
    """An element's text without the view's notes under it (a row header's ID without a late review)."""
    text = el["text"]
    for note in (e for e in page.inside(el) if "note" in (e["attrs"].get("class") or "").split()):
        text = text.replace(note["text"], "", 1)
    return " ".join(text.split())


def cell_of(page: Page, ident: str, label: str) -> str:
    """The text of one register-table cell: the row headed `ident`, the column labelled `label`."""
    th = next(e for e in page.find("th", scope="row") if own_text(page, e) == ident)
    row = next(e for e in reversed(page.elements[: page.elements.index(th)]) if e["tag"] == "tr")
    cell = next(e for e in page.inside(row) if e["attrs"].get("data-label") == label)
    return " ".join(cell["text"].split())


def changes_rows(page: Page) -> dict[str, str]:
    table = next(t for t in page.find("table") if t["attrs"].get("class") == "chg")
    inner = page.inside(table)
    out = {}
    for row in (e for e in inner if e["tag"] == "tr"):
        cells = [e for e in page.inside(row) if e["tag"] in ("th", "td")]
        out[" ".join(cells[0]["text"].split())] = " ".join(cells[1]["text"].split())
    return out


def test_q2_against_q1_changes_summary_and_trends(tmp_path, golden):
    raw = build_html(tmp_path, Q2, Q1)
    page = Page(raw)
    h2 = [" ".join(e["text"].split()) for e in page.find("h2")]
    # the summary comes first, after the heading block and before the register
    assert h2 == [
        "Changes since Q1 2018/19",
        "Risks",
        "Opportunities",
        "Scores over time",
        "Key to Scores",
        "Heat maps",
    ]
    rows = changes_rows(page)
    assert rows["Periods compared"] == "Q1 2018/19 (last quarter) with Q2 2018/19 (this quarter)"
    assert rows["New this quarter"] == (
        "CR12 – Unlawful disclosure of personal or commercial data caused by a deliberate or…: score 16 (Major/Likely)"
    )
    assert rows["Closed (in Q1 2018/19, not in Q2 2018/19)"] == "None"
    assert rows["Score moved (largest move first)"] == "CR3: ▼ Down from 25 (better), now 15"
    assert rows["Residual or target score moved (largest move first)"] == (
        "CR3: residual ▼ Down from 16 (better), now 12 CR9: residual ▼ Down from 20 (better), now 16"
    )
    # the trend sits under the officer's own direction of travel, which is kept
    cr1 = cell_of(page, "CR1", "Direction of Travel")
    assert cr1 == "This risk is being monitored by both the Priorities Board and CMT Since Q1 2018/19: ► Level at 20"
    assert cell_of(page, "CR3", "Direction of Travel").endswith("▼ Down from 25 (better)")
    assert cell_of(page, "CR12", "Direction of Travel").endswith("★ New this quarter")
    # the residual score's own trend under the residual score
    assert cell_of(page, "CR3", "Residual Score") == "12 High Since Q1 2018/19: ▼ Down from 16 (better)"
    # the current trend is not repeated there; how long it has been in its band is
    assert cell_of(page, "CR1", "Risk Score") == "20 Very high Very high since Q1 2018/19 (2 quarters)"
    assert cell_of(page, "CO2", "Direction of Travel").endswith("► Level at 12")
    trend_cells = [e for e in page.elements if "trend" in (e["attrs"].get("class") or "").split()]
    assert len(trend_cells) == 2 * 15 - 1  # every entry's current trend; residual for all but the new CR12
    golden("html-q2-2018-19-vs-q1.txt", "\n".join(page.dump) + "\n")


def test_an_opportunity_moving_up_is_better_in_words(tmp_path):
    prev = write_register(
        tmp_path,
        """\
        organisation: Test Council
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - {id: R1, description: A risk, current: 12, direction: Steady}
          - {id: R2, description: Gone, title: Old risk, current: 9}
        opportunities:
          - {id: O1, description: An opportunity, current: 6, direction: Growing}
        """,
    )
    cur = tmp_path / "cur.yaml"
    cur.write_text(
        prev.read_text()
        .replace("Q1 2030/31", "Q2 2030/31")
        .replace("2030-07-01", "2030-10-01")
        .replace("current: 12", "current: 16")
        .replace("current: 6", "current: 12")
        .replace("  - {id: R2, description: Gone, title: Old risk, current: 9}\n", "")
    )
    page = Page(build_html(tmp_path, cur, prev))
    assert cell_of(page, "R1", "Direction of Travel") == "Steady Since Q1 2030/31: ▲ Up from 12 (worse)"
    assert cell_of(page, "O1", "Direction of Travel") == "Growing Since Q1 2030/31: ▲ Up from 6 (better)"
    rows = changes_rows(page)
    assert rows["Closed (in Q1 2030/31, not in Q2 2030/31)"] == "R2 – Old risk: last score 9"
    assert (
        rows["Score moved (largest move first)"]
        == "O1 (opportunity): ▲ Up from 6 (better), now 12 R1: ▲ Up from 12 (worse), now 16"
    )
    assert [e["text"] for e in page.find("li") if "now" in e["text"]] == [
        "O1 (opportunity): ▲ Up from 6 (better), now 12",
        "R1: ▲ Up from 12 (worse), now 16",
    ]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_without_previous_nothing_is_computed(path):
    raw = render_html(path)
    page = Page(raw)
    assert not page.find("table", **{"class": "chg"})
    assert not [e for e in page.elements if "trend" in (e["attrs"].get("class") or "").split()]
    for s in ("Changes since", "this quarter", "Level at", "Up from", "Down from"):
        assert s not in page.text


def test_cards_show_the_trend_under_each_score(tmp_path):
    prev = tmp_path / "prev.yaml"
    text = CARDS.read_text(encoding="utf-8")
    # last quarter, Corp 1 was 12 (Likely -> Possible): this quarter's 16 is up
    prev.write_text(
        earlier_quarter(text).replace("score: 16\n      likelihood: 4 ", "score: 12\n      likelihood: 3 ", 1),
        encoding="utf-8",
    )
    page = Page(build_html(tmp_path, CARDS, prev))
    scores = [e for e in page.find("dl") if e["attrs"].get("class") == "scores"]
    first = " ".join(scores[0]["text"].split())
    assert first == (
        "Current Risk Score 16 (Major/Likely) Very high Since 2021/22 Q2: ▲ Up from 12 (worse) "
        "Very high since 2021/22 Q3 (this quarter) "
        "Target Risk Score 9 (Moderate/Possible) Medium Since 2021/22 Q2: ► Level at 9"
    )
    assert (
        " ".join(
            page.find("table", **{"class": "chg"}) and changes_rows(page)["Score moved (largest move first)"].split()
        )
        == "Corp 1: ▲ Up from 12 (worse), now 16"
    )


def heat_maps(page: Page) -> dict[str, dict[tuple[int, int], list[str]]]:
    """Each heat map's cells, read from the table: (likelihood, impact) -> IDs, using the
    header cells the data cells name (`headers`), and the header texts for the numbers."""
    out = {}
    section = next(e for e in page.find("section") if e["attrs"].get("class") == "heat")
    inner = page.inside(section)
    titles = [e for e in inner if e["tag"] == "h3"]
    tables = [e for e in inner if e["tag"] == "table"]
    assert len(titles) == len(tables)
    for h3, table in zip(titles, tables):
        cells = page.inside(table)
        head = {e["attrs"]["id"]: " ".join(e["text"].split()) for e in cells if e["tag"] == "th" and "id" in e["attrs"]}
        grid = {}
        for td in (e for e in cells if e["tag"] == "td" and "headers" in e["attrs"]):
            names = [head[h] for h in td["attrs"]["headers"].split()]
            assert names[0] == "IMPACT" and names[-1] == "LIKELIHOOD"
            impact, likelihood = names[1], names[2]
            lines = [x.strip() for x in td["text"].split("\n")]
            grid[(likelihood, impact)] = lines[1:]  # the first line is the cell's score and band
        out[h3["text"].strip()] = grid
    return out


def test_card_register_heat_maps_place_every_id(tmp_path):
    reg = api.load(CARDS).register
    page = Page(render_html(CARDS))
    maps = heat_maps(page)
    # the tracks from current to target are too many to draw over the target map: a grid of their own
    assert list(maps) == [
        "Heat map: current scores",
        "Heat map: target scores",
        "Moves on the heat map: current to target",
    ]
    assert not any(maps["Moves on the heat map: current to target"].values())
    lk = [s.upper() for s in reg.scoring.likelihood]
    im = {
        i + 1: (r.upper(), o.upper())
        for i, (r, o) in enumerate(zip(reg.scoring.impact, reg.scoring.opportunity_impact))
    }

    def label(n):
        r, o = im[n]
        return r if r == o else f"{r} (FOR RISK) {o} (FOR OPPORTUNITY)"

    for title, field in (("Heat map: current scores", "current"), ("Heat map: target scores", "target")):
        grid = maps[title]
        assert len(grid) == 25
        expected: dict = {}
        for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
            for e in entries:
                sc = getattr(e, field)
                assert isinstance(sc.likelihood, int) and isinstance(sc.impact, int), e.id
                name = e.id if kind == "risk" else f"{e.id} (opportunity)"
                expected.setdefault((lk[sc.likelihood - 1], label(sc.impact)), []).append(name)
        assert {k: v for k, v in grid.items() if v} == expected
    # the ones a reader checks first (from the card appendix: Corp 2 is Possible x Major)
    assert "Corp 2" in maps["Heat map: current scores"][("POSSIBLE", "MAJOR")]
    assert maps["Heat map: current scores"][("LIKELY", "MAJOR")] == ["Corp 1", "Corp 5", "Corp 7"]
    assert maps["Heat map: current scores"][("CERTAIN", "MODERATE")] == ["CO1 (opportunity)"]
    # no "score only" list where every entry has its likelihood and impact
    assert "Score only" not in page.text


def test_bare_scores_are_listed_not_guessed(tmp_path):
    page = Page(render_html(Q2))
    maps = heat_maps(page)
    current = maps["Heat map: current scores"]
    assert {k: v for k, v in current.items() if v} == {("LIKELY", "MAJOR"): ["CR12"]}
    only = [" ".join(e["text"].split()) for e in page.find("p") if e["attrs"].get("class") == "only"]
    assert only[0].startswith("Score only (no likelihood and impact given, so not placed in the grid): CR1: 20,")
    assert only[0].endswith("C01 (opportunity): 12, CO2 (opportunity): 12, CO3 (opportunity): 12")
    assert "CR12" not in only[0]


PLACES = """\
    organisation: Test Council
    period: Q1 2030/31
    report_date: 2030-07-01
    layout: {layout}
    risks:
      - id: R1
        description: Placed on the grid
        current: {{likelihood: 4, impact: 4}}
      - id: R1b
        description: Placed beside R1
        current: {{likelihood: 4, impact: 4}}
      - id: R2
        description: A score only
        current: 12
      - id: R3
        description: No score yet
    opportunities:
      - id: O1
        description: An opportunity on the grid
        current: {{likelihood: 3, impact: 3}}
    """


def heat_links(page: Page) -> list[tuple[str, str, str]]:
    """Every link in the heat maps' section: (the cell or paragraph it is in, its text, its href)."""
    section = next(e for e in page.find("section") if e["attrs"].get("class") == "heat")
    out = []
    for holder in (e for e in page.inside(section) if e["tag"] in ("td", "p")):
        for a in (e for e in page.inside(holder) if e["tag"] == "a"):
            where = "cell" if holder["tag"] == "td" else holder["text"].split(" (")[0]
            out.append((where, a["text"], a["attrs"].get("href", "")))
    return out


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_heat_map_ids_link_to_their_entries(tmp_path, layout):
    path = write_register(tmp_path, PLACES.format(layout=layout))
    page = Page(render_html(path))
    ids = {e["attrs"]["id"]: e for e in page.elements if "id" in e["attrs"]}

    def entry(href: str) -> str:
        """The ID of the entry a link lands on: its row's header cell, or its card's heading."""
        assert href.startswith("#") and href[1:] in ids, href
        target = ids[href[1:]]
        if layout == "table":
            assert target["tag"] == "th" and target["attrs"]["class"] == "rid"
            return target["text"].strip()
        assert target["tag"] == "h3"  # `Risk ID R1 – title`
        return next(w for w in target["text"].split() if w in ("R1", "R1b", "R2", "R3", "O1"))

    links = heat_links(page)
    got = [(where, text, entry(href)) for where, text, href in links]
    assert got == [
        ("cell", "R1", "R1"),
        ("cell", "R1b", "R1b"),
        ("cell", "O1 (opportunity)", "O1"),
        ("Score only", "R2", "R2"),
        ("Not placed", "R3", "R3"),
    ]
    # what is not an entry's name stays text beside its link
    only = [" ".join(e["text"].split()) for e in page.find("p") if e["attrs"].get("class") == "only"]
    assert only[0].endswith("): R2: 12") and only[1].endswith("): R3: no current score")
    # the PDF's source has none (a link in a PDF needs tagging of its own)
    v = view.build(api.load(path).register)
    pdf_source = build_page(v, pdf_break=lambda *a, **k: Markup(""))
    assert "<a " not in pdf_source[pdf_source.index('class="heat"') :]


@pytest.mark.parametrize("path,previous", [(Q2, Q1), (CARDS, CARDS)], ids=["q2-vs-q1", "cards-vs-itself"])
def test_compared_page_is_accessible_markup(tmp_path, path, previous):
    if previous == path:  # the same register as last quarter's: the same entries, one quarter earlier
        earlier = tmp_path / "earlier.yaml"
        earlier.write_text(earlier_quarter(path.read_text(encoding="utf-8")), encoding="utf-8")
        previous = earlier
    page = Page(build_html(tmp_path, path, previous))
    levels = [int(e["tag"][1]) for e in page.elements if re.fullmatch(r"h[1-6]", e["tag"])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    tables = page.find("table")
    assert len(page.find("caption")) == len(tables)
    ids = [e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids)), "duplicate id"
    pointed = {h for e in page.find("td") for h in e["attrs"].get("headers", "").split()}
    assert pointed <= set(ids)
    for th in page.find("th"):
        assert th["attrs"].get("scope") in ("col", "row") or th["attrs"].get("id") in pointed, th
    # heat-map tables scroll inside their own labelled container on a narrow screen
    for table in (t for t in tables if t["attrs"].get("class") == "matrix"):
        box = next(e for e in reversed(page.elements[: page.elements.index(table)]) if e["tag"] == "div")
        assert box["attrs"].get("class") == "scroll" and box["attrs"].get("role") == "region"
        assert box["attrs"].get("aria-labelledby") in ids


def test_compiled_templates_are_kept_between_builds_and_not_needed(tmp_path, monkeypatch):
    from reportgen.writers.html.template_cache import template_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = template_cache()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), bytecode_cache=cache)
    env.get_template("report.html.j2")
    kept = list((tmp_path / "cache" / "reportgen" / "templates").iterdir())
    assert kept and all(p.stat().st_size > 1000 for p in kept)
    # Where no folder can be made (here: under a file), there is no cache, and nothing fails.
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert template_cache() is None


# --------------------------------------------------------------------------- appetite, targets and actions

SMALL = SAMPLES / "small.yaml"
TRACKING_ROWS = {
    "Above appetite (2)": "CR1: 20 (Open, up to 12) CR2: 20 (Eager, up to 16)",
    "Gap to target: 3 above target, by up to 10": (
        "CR2: 10 (20 now, residual 10) CR1: 8 (20 now, residual 12) CO1 (opportunity): 7 (9 now, residual 16)"
    ),
    "Overdue actions (1)": "CR1: Service challenge in 10 areas – Chief Executive (due 31 December 2026)",
    "Overdue reviews (1)": "CR2: Review overdue (due 5 January 2027)",
    "Target dates passed (1)": "CR2: Target date passed (31 December 2026), still above residual",
}


def as_cards(tmp_path: Path, path: Path) -> Path:
    """The same register in the card layout."""
    text = path.read_text(encoding="utf-8")
    assert "\nlayout: table\n" in text
    out = tmp_path / f"{path.stem}-cards.yaml"
    out.write_text(text.replace("\nlayout: table\n", "\nlayout: cards\n"), encoding="utf-8")
    return out


def tracking_rows(page: Page) -> dict[str, str]:
    table = next(t for t in page.find("table") if t["attrs"].get("class") == "trk")
    out = {}
    for row in (e for e in page.inside(table) if e["tag"] == "tr"):
        cells = [e for e in page.inside(row) if e["tag"] in ("th", "td")]
        out[" ".join(cells[0]["text"].split())] = " ".join(cells[1]["text"].split())
    return out


def classes(el: dict) -> list[str]:
    return (el["attrs"].get("class") or "").split()


def without_style(raw: str) -> str:
    return re.sub(r"(?is)<style\b.*?</style>", " ", raw)


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_appetite_summary_comes_first_its_rows_in_order(tmp_path, layout):
    path = SMALL if layout == "table" else as_cards(tmp_path, SMALL)
    page = Page(render_html(path))
    h2 = [" ".join(e["text"].split()) for e in page.find("h2")]
    assert h2 == ["Appetite, targets and actions", "Risks", "Opportunities", "Key to Scores", "Heat maps"]
    rows = tracking_rows(page)
    assert list(rows.items()) == list(TRACKING_ROWS.items())
    table = next(t for t in page.find("table") if t["attrs"].get("class") == "trk")
    assert [e["text"] for e in page.inside(table) if e["tag"] == "caption"] == [words_.TRACKING_DESCRIPTION]
    # the first "above appetite" on the page names every entry above it
    text = " ".join(page.text.split())
    first = re.search(r"above appetite", text, re.I).start()
    assert re.search(r"\bCR1\b", text[first : first + 800]) and re.search(r"\bCR2\b", text[first : first + 800])
    # ... before the register
    assert text.index("Overdue reviews (1)") < text.index("Delivering a balanced budget")


def test_appetite_summary_follows_the_changes_summary(tmp_path):
    earlier = tmp_path / "earlier.yaml"  # the same register, a quarter earlier
    earlier.write_text(
        SMALL.read_text(encoding="utf-8")
        .replace("period: Q3 2026/27", "period: Q2 2026/27")
        .replace("report_date: 2027-01-10", "report_date: 2026-10-10"),
        encoding="utf-8",
    )
    page = Page(build_html(tmp_path, SMALL, earlier))
    h2 = [" ".join(e["text"].split()) for e in page.find("h2")]
    assert h2[:3] == ["Changes since Q2 2026/27", "Appetite, targets and actions", "Risks"]
    assert list(tracking_rows(page).items()) == list(TRACKING_ROWS.items())
    ids = [e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids))


def test_above_appetite_in_words_and_a_symbol_not_colour_alone():
    raw = render_html(SMALL)
    page = Page(raw)
    assert cell_of(page, "CR1", "Risk Score") == "20 Very high ● Above appetite (Open, up to 12)"
    assert cell_of(page, "CR2", "Risk Score") == "20 (Catastrophic/Likely) Very high ● Above appetite (Eager, up to 16)"
    assert cell_of(page, "CO1", "Opportunity Score") == "9 (Moderate/Possible) Medium"  # no appetite applies
    notes = [e for e in page.elements if "note" in classes(e) and "Above appetite" in e["text"]]
    assert [e["text"] for e in notes] == ["● Above appetite (Open, up to 12)", "● Above appetite (Eager, up to 16)"]
    assert all("alert" in classes(e) for e in notes)  # drawn bold: weight, not colour
    css = Page(raw).style
    assert re.search(r"td > \.alert[^{]*\{ font-weight: bold; \}", css)
    # the heat maps name it in words
    current = heat_maps(page)["Heat map: current scores"]
    assert current[("LIKELY", "CATASTROPHIC (for risk) OUTSTANDING (for opportunity)")] == ["CR2 (above appetite)"]
    assert current[("POSSIBLE", "MODERATE")] == ["CO1 (opportunity)"]
    only = [" ".join(e["text"].split()) for e in page.find("p") if "only" in classes(e)]
    assert only[0].endswith("CR1: 20 (above appetite)")
    residual = heat_maps(page)["Heat map: residual scores"]
    assert "above appetite" not in " ".join(" ".join(v) for v in residual.values())


def test_overdue_action_marked_the_done_one_not():
    page = Page(render_html(SMALL))
    th = next(e for e in page.find("th", scope="row") if own_text(page, e) == "CR1")
    row = next(e for e in reversed(page.elements[: page.elements.index(th)]) if e["tag"] == "tr")
    cell = next(e for e in page.inside(row) if e["attrs"].get("data-label") == "Mitigating Actions")
    status = [(e["text"], "alert" in classes(e)) for e in page.inside(cell) if "status" in classes(e)]
    assert status == [
        ("Due 28 February 2027 · In progress", False),
        ("Due 31 December 2026 · Open · Overdue", True),
        ("Due 30 November 2026 · Done", False),
    ]
    assert cell_of(page, "CR1", "Mitigating Actions").startswith(
        "Savings proposals to Cabinet in February Owner: Director of Finance Due 28 February 2027 · In progress"
    )


def test_late_review_flagged_under_the_id():
    page = Page(render_html(SMALL))
    heads = {own_text(page, e): e for e in page.find("th", scope="row") if "rid" in classes(e)}
    assert " ".join(heads["CR2"]["text"].split()) == "CR2 Review overdue (due 5 January 2027)"
    note = next(e for e in page.inside(heads["CR2"]) if "note" in classes(e))
    assert "alert" in classes(note)
    assert heads["CR1"]["text"].strip() == "CR1"
    # the plan's notes under the residual score, the passed target date flagged
    assert cell_of(page, "CR2", "Residual Score") == (
        "10 (Catastrophic/Unlikely) High Gap to target: 10 (20 now, residual 10) "
        "Target date passed (31 December 2026), still above residual"
    )


def test_cards_show_appetite_gap_late_review_and_action_status(tmp_path):
    page = Page(render_html(as_cards(tmp_path, SMALL)))
    cards = {e["attrs"]["aria-labelledby"]: e for e in page.find("article")}
    assert list(cards) == ["entry-cr1", "entry-cr2", "entry-co1"]

    def boxes(card):
        dl = next(e for e in page.inside(card) if e["tag"] == "dl" and "scores" in classes(e))
        return [" ".join(d["text"].split()) for d in page.inside(dl) if d["tag"] == "div"]

    assert boxes(cards["entry-cr1"]) == [
        "Current Risk Score 20 Very high ● Above appetite (Open, up to 12)",
        "Residual Risk Score 12 (Major/Possible) High Gap to target: 8 (20 now, residual 12)",
    ]
    assert boxes(cards["entry-cr2"]) == [
        "Current Risk Score 20 (Catastrophic/Likely) Very high ● Above appetite (Eager, up to 16)",
        "Residual Risk Score 10 (Catastrophic/Unlikely) High Gap to target: 10 (20 now, residual 10) "
        "Target date passed (31 December 2026), still above residual",
    ]
    assert boxes(cards["entry-co1"]) == [
        "Current Opportunity Score 9 (Moderate/Possible) Medium",
        "Residual Opportunity Score 16 (Major/Likely) Very high Gap to target: 7 (9 now, residual 16)",
    ]
    # a late review straight under the card's heading, bold; none on the others
    inner = page.inside(cards["entry-cr2"])
    assert inner[0]["tag"] == "h3" and inner[1]["tag"] == "p"
    assert (inner[1]["text"], classes(inner[1])) == ("Review overdue (due 5 January 2027)", ["note", "alert"])
    assert not [e for e in page.inside(cards["entry-cr1"]) if e["tag"] == "p" and "note" in classes(e)]
    # the target date is a fact of the card, as a date, and not repeated as a note
    text = " ".join(" ".join(e["text"].split()) for e in inner if e["tag"] == "div" and not e["attrs"])
    assert "Target date 31 December 2026" in text
    assert "Target date: " not in page.text
    # each action's due date and status, the overdue one bold
    status = [(e["text"], "alert" in classes(e)) for e in page.inside(cards["entry-cr1"]) if "status" in classes(e)]
    assert status == [
        ("Due 28 February 2027 · In progress", False),
        ("Due 31 December 2026 · Open · Overdue", True),
        ("Due 30 November 2026 · Done", False),
    ]


def test_council_appetite_after_the_key_to_scores():
    page = Page(render_html(SMALL))
    table = next(t for t in page.find("table") if t["attrs"].get("class") == "apt")
    inner = page.inside(table)
    assert [e["text"] for e in inner if e["tag"] == "h3"] == ["Risk appetite"]
    assert [e["text"] for e in inner if e["tag"] == "th" and e["attrs"].get("scope") == "col"] == list(
        words_.APPETITE_COLUMNS
    )
    rows = [
        [" ".join(c["text"].split()) for c in page.inside(r) if c["tag"] in ("th", "td")]
        for r in inner
        if r["tag"] == "tr"
    ][1:]
    assert rows == [
        ["Averse", "4", ""],
        ["Minimal", "6", ""],
        ["Cautious", "9", ""],
        ["Open", "12", "Economic Any other risk type (the default)"],
        ["Eager", "16", "Technological"],
    ]
    h = [e["text"].strip() for e in page.elements if re.fullmatch(r"h[23]", e["tag"])]
    assert h.index("Key to Scores") < h.index("Risk appetite") < h.index("Heat maps")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_a_register_without_any_of_it_never_says_appetite(path):
    if view.build(api.load(path).register).tracking is not None:
        pytest.skip("tracks appetite, targets or actions")
    raw = render_html(path)
    assert "appetite" not in without_style(raw).lower()
    for s in ("Overdue", "Gap to target", "Review overdue", "Target date passed"):
        assert s not in without_style(raw)


TRACKS_ONLY = """\
    organisation: Test Council
    period: Q1 2030/31
    report_date: 2030-07-01
    layout: {layout}
    columns:
      risks:
        - field: target_date
    risks:
      - id: R1
        description: A risk with a review date and an action, and no appetite
        current: 12
        target: 6
        target_date: 2030-03-31
        review_by: 2030-06-01
        actions:
          - {{text: Do the thing, owner: Head of Things, due: 2030-05-01, status: in progress}}
"""


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_a_register_that_tracks_only_actions_and_reviews(tmp_path, layout):
    page = Page(render_html(write_register(tmp_path, TRACKS_ONLY.format(layout=layout))))
    h2 = [" ".join(e["text"].split()) for e in page.find("h2")]
    assert h2[:2] == ["Appetite, targets and actions", "Risks"]
    assert tracking_rows(page) == {
        "Above appetite (0)": "None",
        "Gap to target: 1 above target, by up to 6": "R1: 6 (12 now, target 6)",
        "Overdue actions (1)": "R1: Do the thing – Head of Things (due 1 May 2030)",
        "Overdue reviews (1)": "R1: Review overdue (due 1 June 2030)",
        "Target dates passed (1)": "R1: Target date passed (31 March 2030), still above target",
    }
    assert not [t for t in page.find("table") if t["attrs"].get("class") == "apt"]  # no appetite set
    # a target date written as a date is printed as one, in its column or on the card
    if layout == "table":
        assert cell_of(page, "R1", "Target date") == "31 March 2030"
    else:
        assert "Target date 31 March 2030" in " ".join(page.text.split())
