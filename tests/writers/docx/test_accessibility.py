"""The Word appendix holds up to what Word's Accessibility Checker looks for (issue 16), read
back with python-docx and the raw XML: header rows marked as header and repeating, every table
with a title and description, headings Word takes for headings (outline levels 1-3, in order),
every band-shaded cell naming its band, no empty paragraph making space, title and language."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import sample_paths
from reportgen import api
from reportgen import vocabulary as words
from reportgen.view import build as build_view
from reportgen.writers import Options

SAMPLES = sample_paths()
SAMPLE_DIR = Path(__file__).resolve().parents[3] / "samples"
NAMES = [p.name for p in SAMPLES] + ["q2-vs-q1"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """Every sample's appendix, and Q2 2018/19 against Q1 (with the changes summary)."""
    out = {p.name: api.render(api.load(p).register, "docx") for p in SAMPLES}
    result = api.build(
        SAMPLE_DIR / "q2-2018-19.yaml",
        tmp_path_factory.mktemp("q2q1"),
        ["docx"],
        previous=SAMPLE_DIR / "q1-2018-19.yaml",
    )
    (path,) = result.written
    out["q2-vs-q1"] = path.read_bytes()
    return out


def sample_of(name: str) -> Path:
    return SAMPLE_DIR / ("q2-2018-19.yaml" if name == "q2-vs-q1" else name)


def tables(doc) -> list:
    """Every table (the body's, and any inside a cell), in document order."""
    return list(doc.element.body.iter(qn("w:tbl")))


def caption(tbl) -> str | None:
    el = tbl.find(qn("w:tblPr")).find(qn("w:tblCaption"))
    return None if el is None else el.get(qn("w:val"))


def text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def rows(tbl) -> list:
    return tbl.findall(qn("w:tr"))


def is_header_row(tr) -> bool:
    trpr = tr.find(qn("w:trPr"))
    return trpr is not None and trpr.find(qn("w:tblHeader")) is not None


# --------------------------------------------------------------------------- header rows


@pytest.mark.parametrize("name", NAMES)
def test_tables_with_column_headings_have_a_repeating_header_row_and_say_so(name, built):
    doc = docx.Document(io.BytesIO(built[name]))
    view = build_view(api.load(sample_of(name)).register)
    headed = {}
    for tbl in tables(doc):
        trs = rows(tbl)
        look = tbl.find(qn("w:tblPr")).find(qn("w:tblLook"))
        has_header = is_header_row(trs[0])
        # Word's "header row" table option agrees with the repeating row, in the flags and the bit mask.
        assert look.get(qn("w:firstRow")) == ("1" if has_header else "0"), caption(tbl)
        assert bool(int(look.get(qn("w:val")), 16) & 0x0020) == has_header, caption(tbl)
        # Only the rows at the top repeat: no header row below a data row.
        flags = [is_header_row(tr) for tr in trs]
        assert flags == sorted(flags, reverse=True), caption(tbl)
        if has_header:
            headed[caption(tbl)] = [text(tc) for tc in trs[0].findall(qn("w:tc"))]
    # The register tables' header row is the columns' labels; each card's, its title and scores.
    for sec in view.sections:
        if view.layout == "table":
            assert headed[sec.heading] == [c.label for c in sec.columns]
        else:
            for ev in sec.entries:
                first = headed[f"{'Risk' if ev.kind == 'risk' else 'Opportunity'} {ev.id}"]
                assert first[0].startswith(f"{ev.label('id')} {ev.id}")
    appetite = view.register.appetite
    if appetite is not None:
        assert headed[words.RISK_APPETITE] == list(words.APPETITE_COLUMNS)
    expected = len(view.sections) if view.layout == "table" else sum(len(s.entries) for s in view.sections)
    history = 0
    if name == "q2-vs-q1":  # built against Q1: the history's two tables, quarters as columns
        assert headed[words.HISTORY_HEADING][:3] == ["ID", "Title", "Score"]
        assert (
            headed[words.HISTORY_HEADING][3:5] == headed[words.HISTORY_BAND_COUNTS][1:] == ["Q1 2018/19", "Q2 2018/19"]
        )
        history = 2
    assert len(headed) == expected + (appetite is not None) + history


# --------------------------------------------------------------------------- titles and descriptions


@pytest.mark.parametrize("name", NAMES)
def test_every_table_has_a_title_and_a_description(name, built):
    doc = docx.Document(io.BytesIO(built[name]))
    assert tables(doc)
    for tbl in tables(doc):
        pr = tbl.find(qn("w:tblPr"))
        title, desc = pr.find(qn("w:tblCaption")), pr.find(qn("w:tblDescription"))
        assert title is not None and title.get(qn("w:val")).strip()
        assert desc is not None and desc.get(qn("w:val")).strip(), title.get(qn("w:val"))


# --------------------------------------------------------------------------- headings


def outline_levels(doc) -> dict[str, int | None]:
    """Style id -> the outline level it gives a paragraph (through its basedOn chain), or None."""
    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.iter(qn("w:style"))}

    def level(sid, seen=()):
        st = styles.get(sid)
        if st is None or sid in seen:
            return None
        ppr = st.find(qn("w:pPr"))
        lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if lvl is not None:
            n = int(lvl.get(qn("w:val")))
            return n if n < 9 else None  # 9: body text
        based = st.find(qn("w:basedOn"))
        return level(based.get(qn("w:val")), (*seen, sid)) if based is not None else None

    return {sid: level(sid) for sid in styles}


def headings(doc) -> list[tuple[int, str]]:
    """(level 1-9, text) of every paragraph Word takes for a heading, in document order."""
    levels = outline_levels(doc)
    out = []
    for p in doc.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        lvl = None
        if ppr is not None:
            direct = ppr.find(qn("w:outlineLvl"))
            style = ppr.find(qn("w:pStyle"))
            if direct is not None:
                lvl = int(direct.get(qn("w:val")))
            elif style is not None:
                lvl = levels.get(style.get(qn("w:val")))
        if lvl is not None and lvl < 9:
            out.append((lvl + 1, text(p)))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_headings_are_word_headings_in_order(name, built):
    doc = docx.Document(io.BytesIO(built[name]))
    view = build_view(api.load(sample_of(name)).register)
    found = headings(doc)
    levels = [lvl for lvl, _ in found]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), found  # no level skipped
    assert found[0] == (1, view.heading)
    h2 = [t for lvl, t in found if lvl == 2]
    for sec in view.sections:
        assert sec.heading in h2
    assert "Key to Scores" in h2
    if view.heatmaps:
        assert "Heat maps" in h2
    h3 = [t for lvl, t in found if lvl == 3]
    for hm in view.heatmaps:
        assert f"Heat map: {hm.title.lower()}" in h3
    if view.register.appetite is not None:
        assert "Risk appetite" in h3
    if view.layout == "cards":
        for sec in view.sections:
            for ev in sec.entries:
                assert any(t.startswith(f"{ev.label('id')} {ev.id}") for t in h3), ev.id
    else:  # a register table's cells hold no headings
        assert len(h3) == len(view.heatmaps) + (view.register.appetite is not None)
    if view.changes is not None:
        assert view.changes.heading in h2


# --------------------------------------------------------------------------- colour never alone


def legend(doc) -> dict[str, tuple[int, int]]:
    """The document's own legend of score bands: name -> (lowest, highest score)."""
    (tbl,) = [t for t in tables(doc) if caption(t) == "Score bands"]
    out = {}
    for tr in rows(tbl):
        name, span = (text(tc) for tc in tr.findall(qn("w:tc")))
        low, _, high = span.partition(" to ")
        out[name] = (int(low), int(high or low))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_every_band_shaded_cell_names_its_band(name, built):
    """Each cell shaded by a band writes the band's name, or (the Key to Scores' grid) its score,
    which the document's legend of score bands names in words."""
    doc = docx.Document(io.BytesIO(built[name]))
    view = build_view(api.load(sample_of(name)).register)
    bands = {b.colour.lstrip("#").upper(): b.name for b in view.bands}
    ranges = legend(doc)
    assert set(ranges) == set(bands.values())
    named = by_score = 0
    for tc in doc.element.body.iter(qn("w:tc")):
        shd = tc.find(qn("w:tcPr")).find(qn("w:shd"))
        fill = (shd.get(qn("w:fill")) or "").upper() if shd is not None else ""
        if fill not in bands:
            continue
        lines = [text(p) for p in tc.iter(qn("w:p"))]
        if any(re.search(rf"(^|\d )\b{re.escape(bands[fill])}$", ln) for ln in lines):
            named += 1
        else:
            assert len(lines) == 1 and lines[0].isdigit(), lines
            low, high = ranges[bands[fill]]
            assert low <= int(lines[0]) <= high, (lines, bands[fill])
            by_score += 1
    assert by_score == 25  # the Key's grid; every other shaded cell names its band
    assert named >= 25 * len(view.heatmaps)


def band_of(view, score: int) -> str:
    (name,) = [b.name for b in view.bands if b.min <= score <= b.max]
    return name


def test_heat_map_cells_show_score_and_band_then_the_ids(built):
    doc = docx.Document(io.BytesIO(built["q3-2021-22.yaml"]))
    view = build_view(api.load(SAMPLE_DIR / "q3-2021-22.yaml").register)
    by_caption = {caption(t): t for t in tables(doc)}
    placed_anywhere = 0
    for hm in view.heatmaps:
        grid = rows(by_caption[f"Heat map: {hm.title.lower()}"])[1:]  # under the title row
        for mrow, tr in zip(view.matrix, grid, strict=False):
            for mc, tc in zip(mrow.cells, tr.findall(qn("w:tc"))[2:], strict=True):
                lines = [text(p) for p in tc.iter(qn("w:p"))]
                assert lines[0] == f"{mc.likelihood * mc.impact} {band_of(view, mc.likelihood * mc.impact)}"
                placed = hm.labels(mc.likelihood, mc.impact)
                assert lines[1:] == ([", ".join(placed)] if placed else [])
                placed_anywhere += len(placed)
    assert placed_anywhere == 2 * sum(len(s.entries) for s in view.sections)  # every entry, on each map


# --------------------------------------------------------------------------- no empty paragraphs for space


def is_empty(p) -> bool:
    return not text(p).strip() and next(p.iter(qn("w:fldSimple"), qn("w:instrText"), qn("w:drawing")), None) is None


@pytest.mark.parametrize("name", NAMES)
def test_no_empty_paragraph_makes_space(name, built):
    doc = docx.Document(io.BytesIO(built[name]))
    body = doc.element.body
    for p in body.iter(qn("w:p")):
        if not is_empty(p):
            continue
        parent = p.getparent()
        if parent.tag == qn("w:tc"):
            # A cell must hold a paragraph: an empty one only where the cell has nothing else.
            assert parent.findall(qn("w:p")) == [p], [text(q) for q in parent.findall(qn("w:p"))]
        else:
            # In the body, only the one paragraph Word needs between two tables (else it joins them).
            assert parent is body
            prev, nxt = p.getprevious(), p.getnext()
            assert prev is not None and prev.tag == qn("w:tbl") and nxt is not None and nxt.tag == qn("w:tbl")
            # Its gap is paragraph spacing, not a line of text's height.
            style = p.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val"))
            st = doc.styles.element.get_by_id(style)
            assert int(st.find(qn("w:pPr")).find(qn("w:spacing")).get(qn("w:before"))) > 0
            assert int(st.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val"))) <= 2  # 1 pt


def test_cards_start_after_their_heading_without_a_paragraph_between(built):
    doc = docx.Document(io.BytesIO(built["q3-2021-22.yaml"]))
    body = list(doc.element.body)
    for i, el in enumerate(body):
        if el.tag == qn("w:tbl") and (caption(el) or "").startswith(("Risk ", "Opportunity ")):
            prev = body[i - 1]
            if text(prev).strip():
                assert text(prev) in ("Risks", "Opportunities")
            else:
                assert body[i - 2].tag == qn("w:tbl")


# --------------------------------------------------------------------------- title and language


def _language_and_title(data: bytes) -> tuple[str, str, str]:
    doc = docx.Document(io.BytesIO(data))
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    return doc.core_properties.title, doc.core_properties.language, lang.get(qn("w:val"))


@pytest.mark.parametrize("name", NAMES)
def test_document_title_and_language(name, built):
    view = build_view(api.load(sample_of(name)).register)
    title, language, lang = _language_and_title(built[name])
    assert title == view.full_title and view.register.period in title
    assert language == "en-GB" and lang == "en-GB"


def test_title_and_language_with_a_house_style(tmp_path):
    """A reference document's own language (here en-US) gives way to the register's."""
    ref = docx.Document()
    rpr = ref.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    ref.core_properties.title = "House template"
    path = tmp_path / "house.docx"
    ref.save(str(path))
    reg = api.load(SAMPLE_DIR / "small.yaml").register
    data = api.render(reg, "docx", Options(reference_docx=path))
    title, language, lang_val = _language_and_title(data)
    assert title == build_view(reg).full_title
    assert language == "en-GB" and lang_val == "en-GB"
