"""The Word writer: read the .docx back with python-docx and the raw XML (not with the
writer's own helpers) and check text, structure, lists, shading, header rows,
page set-up, fields, properties, determinism and the reference-document option."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from conftest import sample_paths
from hostile import docx_bomb, problem_lines, run_limited
from reportgen import api, richtext
from reportgen.cli import main
from reportgen.view import long_date
from reportgen.writers import Options

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render(path: Path, options: Options | None = None) -> bytes:
    return api.render(api.load(path).register, "docx", options)


def load_yaml(tmp_path: Path, text: str, name: str = "reg.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def open_doc(data: bytes):
    return docx.Document(io.BytesIO(data))


# --------------------------------------------------------------------------- an independent dump


def _val(el, tag: str, attr: str = "val"):
    found = el.find(qn(tag))
    return None if found is None else found.get(qn(f"w:{attr}"))


class Lists:
    """numId -> list kind per level, and a simulation of the numbers Word would show."""

    def __init__(self, doc):
        self.formats: dict[str, dict[int, str]] = {}
        self.starts: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError):  # pragma: no cover - every writer output has one
            root = None
        abstract = {}
        if root is not None:
            for a in root.findall(qn("w:abstractNum")):
                lv = {}
                st = {}
                for lvl in a.findall(qn("w:lvl")):
                    i = int(lvl.get(qn("w:ilvl")))
                    lv[i] = _val(lvl, "w:numFmt")
                    st[i] = int(_val(lvl, "w:start") or 1)
                abstract[a.get(qn("w:abstractNumId"))] = (lv, st)
            for n in root.findall(qn("w:num")):
                lv, st = abstract[_val(n, "w:abstractNumId")]
                st = dict(st)
                for ov in n.findall(qn("w:lvlOverride")):
                    so = ov.find(qn("w:startOverride"))
                    if so is not None:
                        st[int(ov.get(qn("w:ilvl")))] = int(so.get(qn("w:val")))
                self.formats[n.get(qn("w:numId"))] = lv
                self.starts[n.get(qn("w:numId"))] = st
        self.counters: dict[str, dict[int, int]] = {}

    def label(self, num_id: str, ilvl: int) -> str:
        fmt = self.formats[num_id][ilvl]
        if fmt == "bullet":
            return f"bullet L{ilvl}"
        c = self.counters.setdefault(num_id, {})
        c[ilvl] = c.get(ilvl, self.starts[num_id].get(ilvl, 1) - 1) + 1
        for deeper in [k for k in c if k > ilvl]:
            del c[deeper]
        return f"{fmt} L{ilvl} #{c[ilvl]}"


def run_text(r) -> str:
    out = []
    for ch in r:
        if ch.tag == qn("w:t"):
            out.append(ch.text or "")
        elif ch.tag == qn("w:br"):
            out.append("⏎")
        elif ch.tag == qn("w:tab"):
            out.append("⇥")
        elif ch.tag == qn("w:instrText"):
            out.append("{" + (ch.text or "").strip() + "}")
    return "".join(out)


def para_text(p) -> str:
    """Text with **bold** and _italic_ marks; fields as {PAGE}, without their cached results."""
    out = []
    in_result = False
    for r in p.iter(qn("w:r")):
        fc = r.find(qn("w:fldChar"))
        if fc is not None:
            kind = fc.get(qn("w:fldCharType"))
            in_result = kind == "separate"
            continue
        if in_result:
            continue
        text = run_text(r)
        if not text:
            continue
        rpr = r.find(qn("w:rPr"))
        bold = rpr is not None and rpr.find(qn("w:b")) is not None
        italic = rpr is not None and rpr.find(qn("w:i")) is not None
        if italic:
            text = f"_{text}_"
        if bold:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def dump_para(p, lists: Lists, styles: dict[str, str]) -> str:
    ppr = p.find(qn("w:pPr"))
    bits = []
    if ppr is not None:
        sid = _val(ppr, "w:pStyle")
        if sid:
            bits.append(styles.get(sid, sid))
        numpr = ppr.find(qn("w:numPr"))
        if numpr is not None:
            bits.append(lists.label(_val(numpr, "w:numId"), int(_val(numpr, "w:ilvl"))))
        ind = ppr.find(qn("w:ind"))
        if ind is not None and ind.get(qn("w:left")):
            bits.append(f"indent {ind.get(qn('w:left'))}")
        if ppr.find(qn("w:keepNext")) is not None:
            bits.append("keep-next")
    marks = p.findall(qn("w:bookmarkStart"))
    for m in marks:
        bits.append(f"bookmark {m.get(qn('w:name'))}")
    return f"[{'; '.join(bits)}] {para_text(p)}"


def dump_table(tbl, lists, styles, indent: str) -> list[str]:
    pr = tbl.find(qn("w:tblPr"))
    grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    lines = [f"{indent}TABLE layout={_val(pr, 'w:tblLayout', 'type')} caption={_val(pr, 'w:tblCaption')!r} grid={grid}"]
    for i, tr in enumerate(tbl.findall(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        flags = []
        if trpr is not None:
            if trpr.find(qn("w:tblHeader")) is not None:
                flags.append("header")
            if trpr.find(qn("w:cantSplit")) is not None:
                flags.append("cant-split")
        lines.append(f"{indent}  ROW {i + 1} {' '.join(flags)}".rstrip())
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            cf = [f"w={_val(tcpr, 'w:tcW', 'w')}"]
            if _val(tcpr, "w:gridSpan"):
                cf.append(f"span={_val(tcpr, 'w:gridSpan')}")
            vm = tcpr.find(qn("w:vMerge"))
            if vm is not None:
                cf.append(f"vmerge={vm.get(qn('w:val')) or 'continue'}")
            fill = _val(tcpr, "w:shd", "fill")
            if fill:
                cf.append(f"fill={fill}")
            lines.append(f"{indent}    CELL {' '.join(cf)}")
            for child in tc:
                if child.tag == qn("w:p"):
                    lines.append(f"{indent}      {dump_para(child, lists, styles)}")
                elif child.tag == qn("w:tbl"):
                    lines.extend(dump_table(child, lists, styles, indent + "      "))
    return lines


def dump(data: bytes) -> str:
    doc = open_doc(data)
    lists = Lists(doc)
    styles = {s.style_id: s.name for s in doc.styles}
    cp = doc.core_properties
    lines = [
        f"PROPERTIES title={cp.title!r} subject={cp.subject!r} author={cp.author!r} language={cp.language!r} "
        f"created={cp.created.isoformat()} modified={cp.modified.isoformat()}",
    ]
    for s in doc.sections:
        orient = "landscape" if s.orientation == WD_ORIENT.LANDSCAPE else "portrait"
        lines.append(
            f"SECTION {orient} {s.page_width.twips}x{s.page_height.twips} margins "
            f"{s.left_margin.twips}/{s.right_margin.twips}/{s.top_margin.twips}/{s.bottom_margin.twips}"
        )
        for p in s.footer._element.iter(qn("w:p")):
            lines.append(f"FOOTER {dump_para(p, lists, styles)}")
    for child in doc.element.body:
        if child.tag == qn("w:p"):
            lines.append(dump_para(child, lists, styles))
        elif child.tag == qn("w:tbl"):
            lines.extend(dump_table(child, lists, styles, ""))
    return "\n".join(lines) + "\n"


def all_text(data: bytes) -> str:
    """Every paragraph's text (tables included), line breaks as newlines."""
    doc = open_doc(data)
    return "\n".join(
        "".join(run_text(r) for r in p.iter(qn("w:r"))).replace("⏎", "\n") for p in doc.element.body.iter(qn("w:p"))
    )


# --------------------------------------------------------------------------- the samples


SAMPLES = sample_paths()
SAMPLE_DIR = Path(__file__).resolve().parents[3] / "samples"


def golden_name(sample: Path) -> str:
    """`docx-<stem>.txt`; a second sample with the same stem (q2-2018-19.json beside the
    .yaml) gets its suffix too, so that the two never share a golden file by accident."""
    twins = [p for p in SAMPLES if p.stem == sample.stem]
    if len(twins) > 1 and sample.suffix != ".yaml":
        return f"docx-{sample.stem}-{sample.suffix.lstrip('.')}.txt"
    return f"docx-{sample.stem}.txt"


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {p.name: render(p) for p in SAMPLES}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_golden_dump(sample, built, golden):
    golden(golden_name(sample), dump(built[sample.name]))


def register_strings(reg) -> list[str]:
    """Every text a register supplies, as a reader sees it (Markdown parsed to its text)."""
    out = [reg.organisation, reg.title, reg.period]
    if reg.appendix:
        out.append(reg.appendix)
    for entries in (reg.risks, reg.opportunities):
        for e in entries:
            for name in ("id", "title", "owner", "target_date", "target_confidence"):
                v = getattr(e, name)
                v = long_date(v) if isinstance(v, dt.date) else v  # a date as committee papers write one
                if v and v.strip():
                    out.append(v.strip())
            out.extend(e.types)
            for name in ("description", "consequences", "direction", "progress"):
                out.extend(b.text for b in richtext.parse(getattr(e, name)))
            for g in list(e.controls) + list(e.actions):
                out.extend(x.strip() for x in (g.theme, g.owner) if x and x.strip())
                out.extend(b.text for b in richtext.parse(g.text))
    if reg.layout == "table":
        out.extend(c.label for c in reg.columns.risks if reg.risks)
        out.extend(c.label for c in reg.columns.opportunities if reg.opportunities)
    out.extend(b.name for b in reg.scoring.bands)
    return [s for s in out if s.strip()]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_string_of_the_sample_is_in_the_document(sample, built):
    reg = api.load(sample).register
    text = all_text(built[sample.name])
    missing = [s for s in register_strings(reg) if s not in text]
    assert not missing, f"{len(missing)} strings missing, e.g. {missing[:5]}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_page_setup_footer_and_properties(sample, built):
    data = built[sample.name]
    doc = open_doc(data)
    reg = api.load(sample).register
    for s in doc.sections:
        assert s.orientation == WD_ORIENT.LANDSCAPE
        assert (s.page_width.twips, s.page_height.twips) == (16838, 11906)  # A4 landscape
        instr = " ".join(t.text for t in s.footer._element.iter(qn("w:instrText")))
        assert "PAGE" in instr.split() and "NUMPAGES" in instr.split()
        assert "Page" in s.footer.paragraphs[0].text and " of " in s.footer.paragraphs[0].text
    cp = doc.core_properties
    assert cp.author == reg.organisation
    assert cp.language == "en-GB"
    assert reg.period in cp.title and reg.title in cp.subject
    assert cp.created.date() == reg.report_date and cp.modified.date() == reg.report_date
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles
    assert 'w:name w:val="Register Table Text"' in styles and 'w:name w:val="Register Heading"' in styles


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_heading_block(sample, built):
    reg = api.load(sample).register
    paras = [p for p in open_doc(built[sample.name]).paragraphs][:3]
    assert [p.text for p in paras] == [reg.appendix, reg.organisation, f"{reg.title} {reg.period}"]
    assert paras[2].style.name == "Register Heading"


def _tables(doc, caption: str):
    return [
        t
        for t in doc.tables
        if t._tbl.find(qn("w:tblPr")).find(qn("w:tblCaption")) is not None
        and t._tbl.find(qn("w:tblPr")).find(qn("w:tblCaption")).get(qn("w:val")) == caption
    ]


def test_table_layout_columns_header_row_and_fixed_widths(built):
    doc = open_doc(built["q1-2018-19.yaml"])
    reg = api.load(SAMPLE_DIR / "q1-2018-19.yaml").register
    for caption, cols, entries in (
        ("Risks", reg.columns.risks, reg.risks),
        ("Opportunities", reg.columns.opportunities, reg.opportunities),
    ):
        (t,) = _tables(doc, caption)
        header = t.rows[0]
        assert [c.text for c in header.cells] == [c.label for c in cols]
        assert len(cols) == 10
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [r.cells[0].text for r in t.rows[1:]] == [e.id for e in entries]
        tbl = t._tbl
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid"))]
        assert int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
        section = doc.sections[0]
        assert sum(grid) == section.page_width.twips - section.left_margin.twips - section.right_margin.twips
        for tr in tbl.findall(qn("w:tr")):
            assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.findall(qn("w:tc"))] == grid


def test_rows_split_only_when_taller_than_a_page(tmp_path):
    long_text = "\n".join(f"- control number {i} with a fairly long description of what is done" for i in range(150))
    reg = {
        "organisation": "Test Council",
        "period": "Q1 2030/31",
        "report_date": "2030-07-01",
        "risks": [
            {"id": "R1", "description": "A short risk", "current": 4},
            {"id": "R2", "description": "A risk with very many controls", "controls": long_text, "current": 9},
        ],
    }
    path = tmp_path / "reg.json"
    path.write_text(json.dumps(reg), encoding="utf-8")
    doc = open_doc(render(path))
    (t,) = _tables(doc, "Risks")
    flags = [tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in t._tbl.tr_lst]
    assert flags == [True, True, False]


def _short_then_long(tmp_path: Path, lines: int) -> Path:
    """R1, a row `lines` lines tall, then R2, a row taller than a page."""
    filler = "\n".join(f"- filler {k} of the first entry" for k in range(lines))
    controls = "\n".join(f"- item {k} of a very long list of controls" for k in range(150))
    reg = {
        "organisation": "Test Council",
        "period": "Q1 2030/31",
        "report_date": "2030-07-01",
        "risks": [
            {"id": "R1", "description": "First", "controls": filler, "current": 12},
            {
                "id": "R2",
                "description": "Secondword of the long entry",
                "consequences": "Consequenceword one",
                "controls": controls,
                "current": 20,
                "owner": "Ownerword",
            },
        ],
    }
    path = tmp_path / f"short-then-long-{lines}.json"
    path.write_text(json.dumps(reg), encoding="utf-8")
    return path


def test_a_row_that_may_split_keeps_its_first_paragraphs_with_what_follows(tmp_path):
    doc = open_doc(render(_short_then_long(tmp_path, 30)))
    (t,) = _tables(doc, "Risks")
    _, short, long = t._tbl.tr_lst
    assert long.trPr is None or long.trPr.find(qn("w:cantSplit")) is None  # it may split

    def first_paragraph_keeps(tr) -> list[tuple[bool, bool]]:
        out = []
        for tc in tr.findall(qn("w:tc")):
            ppr = tc.find(qn("w:p")).find(qn("w:pPr"))
            if ppr is None:
                ppr = etree.Element(qn("w:pPr"))
            out.append((ppr.find(qn("w:keepNext")) is not None, ppr.find(qn("w:keepLines")) is not None))
        return out

    # the ID and the first paragraph of every cell: kept whole, and with what follows
    assert set(first_paragraph_keeps(long)) == {(True, True)}
    assert set(first_paragraph_keeps(short)) == {(False, False)}  # a row that cannot split needs none


def test_score_cells_show_number_labels_and_band_and_are_shaded(built):
    doc = open_doc(built["small.yaml"])
    reg = api.load(SAMPLE_DIR / "small.yaml").register
    (t,) = _tables(doc, "Risks")
    labels = [c.label for c in reg.columns.risks]
    row = t.rows[1]
    residual = row.cells[labels.index("Residual Score")]
    assert [p.text for p in residual.paragraphs] == [
        "12 (Major/Possible)",
        "High",
        "Gap to target: 8 (20 now, residual 12)",
    ]
    assert residual.paragraphs[2].style.name == "Register Trend"  # a note the view adds, under the band
    band = next(b for b in reg.scoring.bands if b.name == "High")
    assert residual._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == band.colour.lstrip("#").upper()
    current = row.cells[labels.index("Risk Score")]
    assert [p.text for p in current.paragraphs] == ["20", "Very high", "● Above appetite (Open, up to 12)"]


def test_rich_text_becomes_real_lists_and_runs(built):
    data = built["small.yaml"]
    doc = open_doc(data)
    lists = Lists(doc)
    (t,) = _tables(doc, "Risks")
    labels = [c.text for c in t.rows[0].cells]
    row = t.rows[1]
    cons = row.cells[labels.index("Possible Risk Consequences")]
    seen = []
    for p in cons.paragraphs:
        numpr = p._p.pPr.find(qn("w:numPr"))
        seen.append(
            (
                lists.label(_val(numpr, "w:numId"), int(_val(numpr, "w:ilvl"))) if numpr is not None else None,
                para_text(p._p),
            )
        )
    assert seen == [
        ("bullet L0", "Services become unsustainable and we cannot fulfil our **statutory duties**"),
        ("bullet L0", "Insufficient reserves"),
        ("bullet L1", "General fund below the _minimum_ agreed by Full Council"),
    ]
    # actions in groups: each group's text, its owner, then its due date and status (no list numbers)
    actions = row.cells[labels.index("Mitigating Actions")]
    assert all(p._p.pPr.find(qn("w:numPr")) is None for p in actions.paragraphs)
    assert [(p.style.name, p.text) for p in actions.paragraphs][:3] == [
        ("Register Table Text", "Savings proposals to Cabinet in February"),
        ("Register Owner", "Owner: Director of Finance"),
        ("Register Owner", "Due 28 February 2027 · In progress"),
    ]
    # no bullet characters or numbers typed into the text
    text = all_text(data)
    assert "•" not in text and "\n1. " not in text


def test_each_numbered_list_restarts(tmp_path):
    path = load_yaml(
        tmp_path,
        """
        organisation: Test Council
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - id: R1
            description: |
              1. first
              2. second

              Between the lists

              1. again one
              2. again two
                 1. nested one
                 2. nested two
              3. again three
          - id: R2
            description: |
              3. starts at three
              4. then four
    """,
    )
    doc = open_doc(render(path))
    lists = Lists(doc)
    (t,) = _tables(doc, "Risks")
    got = []
    for r in t.rows[1:]:
        for p in r.cells[1].paragraphs:
            numpr = p._p.pPr.find(qn("w:numPr"))
            got.append(lists.label(_val(numpr, "w:numId"), int(_val(numpr, "w:ilvl"))) if numpr is not None else p.text)
    assert got == [
        "decimal L0 #1",
        "decimal L0 #2",
        "Between the lists",
        "decimal L0 #1",
        "decimal L0 #2",
        "decimal L1 #1",
        "decimal L1 #2",
        "decimal L0 #3",
        "decimal L0 #3",
        "decimal L0 #4",
    ]


def test_groups_theme_subheading_and_owner_line(built):
    doc = open_doc(built["small.yaml"])
    (t,) = _tables(doc, "Risks")
    labels = [c.text for c in t.rows[0].cells]
    controls = t.rows[1].cells[labels.index("Current Controls")]
    got = [(p.style.name, para_text(p._p)) for p in controls.paragraphs]
    assert got == [
        ("Register List", "Medium-term financial strategy agreed by Full Council"),
        ("Register Sub-heading", "Commercialisation"),
        ("Register List", "Review of charging policy"),
        ("Register List", "Identify new traded services"),
        ("Register Owner", "Owner: Director of Finance"),
    ]


def test_key_to_scores_matrix(built):
    for stem, data in built.items():
        doc = open_doc(data)
        (t,) = _tables(doc, "Key to Scores")
        rows = []
        for tr in t._tbl.tr_lst:
            rows.append(["".join(x.text or "" for x in tc.iter(qn("w:t"))) for tc in tr.tc_lst])
        assert rows[0][1] == "CATASTROPHIC (for risk)OUTSTANDING (for opportunity)" or rows[0][1].startswith(
            "CATASTROPHIC"
        ), stem
        assert rows[0][0] == "IMPACT"
        assert [r[2:] for r in rows[:5]] == [[str(i * k) for k in range(1, 6)] for i in range(5, 0, -1)]
        assert [r[1] for r in rows[1:5]] == ["MAJOR", "MODERATE", "MINOR", "INSIGNIFICANT"]
        assert rows[5][2:] == ["RARE", "UNLIKELY", "POSSIBLE", "LIKELY", "CERTAIN"]
        assert rows[6][-1] == "LIKELIHOOD"
        fills = [tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for tc in t._tbl.tr_lst[0].tc_lst[2:]]
        assert len(set(fills)) >= 3  # 5, 10, 15, 20, 25 cross bands
        (legend,) = _tables(doc, "Score bands")
        assert [c.text for c in legend.columns[0].cells] == ["Low", "Medium", "High", "Very high"]
        assert legend.rows[0].cells[1].text == "1 to 4"


def cells(row):
    """The row's real cells (python-docx's `row.cells` repeats a cell once per grid column it spans)."""
    from docx.table import _Cell

    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def test_card_layout(built):
    data = built["q3-2021-22.yaml"]
    doc = open_doc(data)
    reg = api.load(SAMPLE_DIR / "q3-2021-22.yaml").register
    (card,) = _tables(doc, "Risk Corp 1")
    first = card.rows[0]
    assert first._tr.trPr.find(qn("w:cantSplit")) is not None
    assert all(p._p.pPr.find(qn("w:keepNext")) is not None for c in cells(first) for p in c.paragraphs)
    texts = [c.text for c in cells(first)]
    assert texts[0] == "Risk ID Corp 1 – Reshaping the County Council: Our Improvement Journey"
    assert texts[1] == "Current Risk Score: 16 (Major/Likely)\nVery high"
    assert texts[2] == "Target Risk Score: 9 (Moderate/Possible)\nMedium"
    # the paragraph before a card keeps with it, so that a card never starts at the foot of a page:
    # the section's heading (its style keeps with the next) before the first, the paragraph Word
    # needs between two tables before the others
    prev = card._tbl.getprevious()
    assert prev.tag == qn("w:p") and doc.styles.get_by_id(prev.pPr.pStyle.val, 1).paragraph_format.keep_with_next
    (second,) = _tables(doc, "Risk Corp 2")
    prev = second._tbl.getprevious()
    assert prev.tag == qn("w:p") and prev.pPr.find(qn("w:keepNext")) is not None
    assert prev.getprevious() is card._tbl
    row2 = [c.paragraphs[0].text for c in cells(card.rows[1])]
    assert row2 == ["Risk Description", "Risk Consequences", "Risk Owner", "Current Likelihood", "Current Impact"]
    assert "Likely (4)" in cells(card.rows[1])[3].text and "Major (4)" in cells(card.rows[1])[4].text
    row3 = cells(card.rows[2])
    assert [c.paragraphs[0].text for c in row3] == [
        "Current Controls",
        "Control Owner",
        "Mitigating Actions",
        "Mitigation Owner",
    ]
    owners = [p.text for p in row3[1].paragraphs]
    assert owners[:3] == ["Control Owner", "Capacity", "Director of OD & Change"]
    for g in reg.risks[0].controls:
        assert g.owner in owners and g.theme in owners
    assert cells(card.rows[3])[0].paragraphs[0].text == "Progress"
    (opp,) = _tables(doc, "Opportunity CO1")
    assert cells(opp.rows[0])[0].text == "Opportunity ID CO1 – Strengths Based Working"
    assert cells(opp.rows[2])[2].paragraphs[0].text == "Actions to realise"
    # every entry has a card, in order
    captions = [t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in doc.tables]
    assert [c for c in captions if c.startswith(("Risk ", "Opportunity "))] == [f"Risk {e.id}" for e in reg.risks] + [
        f"Opportunity {e.id}" for e in reg.opportunities
    ]
    assert captions[-4:] == ["Key to Scores", "Score bands", "Heat map: current scores", "Heat map: target scores"]


def test_deterministic(built):
    path = SAMPLE_DIR / "q3-2021-22.yaml"
    assert render(path) == built["q3-2021-22.yaml"]
    with zipfile.ZipFile(io.BytesIO(built["q3-2021-22.yaml"])) as z:
        assert {i.date_time for i in z.infolist()} == {(2022, 1, 1, 0, 0, 0)}


def test_reference_docx_is_the_house_style(tmp_path, built):
    from docx.shared import Cm, Pt

    ref = docx.Document()
    ref.add_paragraph("Old body text that must go")
    ref.add_table(rows=1, cols=1).cell(0, 0).text = "old table"
    s = ref.sections[0]
    s.left_margin = s.right_margin = Cm(2.5)
    s.footer.paragraphs[0].text = "Example Council house footer"
    style = ref.styles.add_style("Register Table Text", 1)
    style.font.size = Pt(11)
    style.font.name = "Georgia"
    ref_path = tmp_path / "house.docx"
    ref.save(str(ref_path))

    sample = SAMPLE_DIR / "small.yaml"
    data = render(sample, Options(reference_docx=ref_path))
    doc = open_doc(data)
    text = all_text(data)
    assert "Old body text" not in text and "old table" not in text
    sec = doc.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height
    assert sec.left_margin.twips == Cm(2.5).twips
    assert sec.footer.paragraphs[0].text == "Example Council house footer"
    st = doc.styles["Register Table Text"]
    assert st.font.size == Pt(11) and st.font.name == "Georgia"
    # the table fits the template's narrower text width
    (t,) = _tables(doc, "Risks")
    grid = [int(g.get(qn("w:w"))) for g in t._tbl.find(qn("w:tblGrid"))]
    assert sum(grid) == sec.page_width.twips - 2 * Cm(2.5).twips
    assert render(sample, Options(reference_docx=ref_path)) == data


def test_a_reference_docx_that_is_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    bomb = docx_bomb(tmp_path / "house.docx")
    small = str(SAMPLE_DIR / "small.yaml")
    proc = run_limited(["build", small, "-f", "docx", "-o", str(tmp_path), "--reference-docx", str(bomb)])
    assert proc.returncode == 1
    assert problem_lines(proc) == [
        f"{bomb}: word/document.xml would unpack to 3,220 MB, more than the 128 MiB limit for one part of a "
        "document, so it was not opened (a file like this may be a 'zip bomb', made to exhaust the computer's memory)"
    ]


@pytest.mark.parametrize("content", [b"organisation: not a document\n", None], ids=["text", "workbook"])
def test_a_reference_docx_that_is_not_a_word_document_is_named_in_one_line(content, tmp_path, capsys):
    ref = tmp_path / "house.docx"
    if content is None:
        with zipfile.ZipFile(ref, "w") as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
    else:
        ref.write_bytes(content)
    argv = ["build", str(SAMPLE_DIR / "small.yaml"), "-f", "docx", "-o", str(tmp_path), "--reference-docx", str(ref)]
    assert main(argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{ref}: is not a Word document (.docx); give --reference-docx a Word document"
    ]
    assert not (tmp_path / "small.docx").exists()


def test_register_text_is_text_not_markup(tmp_path):
    path = load_yaml(
        tmp_path,
        """
        organisation: "Smith & Sons <Council>"
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - id: R1
            description: "Fees < costs & <script>alert(1)</script> \\"quoted\\""
            owner: "  Leading and trailing  "
            current: 4
    """,
    )
    text = all_text(render(path))
    assert "Smith & Sons <Council>" in text
    assert 'Fees < costs & <script>alert(1)</script> "quoted"' in text


def test_many_entries_build(tmp_path):
    """A large register builds (the benchmark's shape), with one list definition per kind."""
    entries = "\n".join(
        f"""  - id: R{i}
    description: "Risk {i} **bold** and *italic*"
    consequences: |
      - consequence one of {i}
        - nested
      1. numbered
    current: {1 + i % 25 if 1 + i % 25 in (1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25) else 4}
    owner: Officer {i}"""
        for i in range(300)
    )
    path = load_yaml(
        tmp_path, "organisation: Big Council\nperiod: Q1 2030/31\nreport_date: 2030-07-01\nrisks:\n" + entries + "\n"
    )
    data = render(path)
    doc = open_doc(data)
    (t,) = _tables(doc, "Risks")
    assert len(t.rows) == 301
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
    bullet_abstracts = [
        a
        for a in numbering.iter(f"{{{W_NS}}}abstractNum")
        if a.find(f"{{{W_NS}}}lvl/{{{W_NS}}}numFmt").get(f"{{{W_NS}}}val") == "bullet"
    ]
    # the template's own single-level definitions plus the writer's one multi-level bullet list
    assert (
        sum(
            1
            for a in bullet_abstracts
            if a.find(f"{{{W_NS}}}multiLevelType").get(f"{{{W_NS}}}val") == "hybridMultilevel"
        )
        == 1
    )


# --------------------------------------------------------------------------- quarter on quarter


def flat(text: str) -> str:
    """Whitespace (line breaks included) folded to single spaces."""
    return " ".join(text.split())


def build_docx(tmp_path: Path, current: Path, previous: Path | None) -> bytes:
    result = api.build(current, tmp_path, ["docx"], previous=previous)
    (written,) = result.written
    return written.read_bytes()


@pytest.fixture(scope="module")
def q2_vs_q1(tmp_path_factory) -> bytes:
    return build_docx(tmp_path_factory.mktemp("q2q1"), SAMPLE_DIR / "q2-2018-19.yaml", SAMPLE_DIR / "q1-2018-19.yaml")


def body_texts(doc) -> list[tuple[str, str]]:
    """The body's top-level paragraphs and tables in order: ('p', text) or ('table', caption)."""
    out = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            out.append(("p", "".join(t.text or "" for t in el.iter(qn("w:t")))))
        elif el.tag == qn("w:tbl"):
            cap = el.find(qn("w:tblPr")).find(qn("w:tblCaption"))
            out.append(("table", cap.get(qn("w:val")) if cap is not None else ""))
    return out


def summary_rows(doc, caption: str) -> dict[str, list[str]]:
    (t,) = _tables(doc, caption)
    return {cells(r)[0].text: [flat(p.text) for p in cells(r)[1].paragraphs] for r in t.rows}


def entry_rows(doc, caption: str) -> tuple[list[str], dict[str, list]]:
    (t,) = _tables(doc, caption)
    labels = [c.text for c in cells(t.rows[0])]
    return labels, {cells(r)[0].text: cells(r) for r in t.rows[1:]}


def trend_lines(cell) -> list[str]:
    return [flat(p.text) for p in cell.paragraphs if p.style.name == "Register Trend"]


def test_golden_dump_with_previous(q2_vs_q1, golden):
    golden("docx-q2-2018-19-vs-q1.txt", dump(q2_vs_q1))


def test_deterministic_with_previous(q2_vs_q1, tmp_path):
    again = build_docx(tmp_path, SAMPLE_DIR / "q2-2018-19.yaml", SAMPLE_DIR / "q1-2018-19.yaml")
    assert again == q2_vs_q1


def test_changes_summary_comes_first_and_names_what_changed(q2_vs_q1):
    doc = open_doc(q2_vs_q1)
    order = body_texts(doc)
    heading = ("p", "Changes since Q1 2018/19")
    assert order.index(heading) == 3  # straight after the heading block
    assert order[4] == ("table", "Changes since Q1 2018/19")
    assert order.index(heading) < order.index(("p", "Risks")) < order.index(("table", "Risks"))
    assert doc.paragraphs[3].style.name == "Register Section Heading"
    rows = summary_rows(doc, "Changes since Q1 2018/19")
    assert rows == {
        "Periods compared": ["Q1 2018/19 (last quarter) with Q2 2018/19 (this quarter)"],
        "New this quarter": [
            "CR12 – Unlawful disclosure of personal or commercial data caused by a deliberate or…: "
            "score 16 (Major/Likely)"
        ],
        "Closed (in Q1 2018/19, not in Q2 2018/19)": ["None"],
        "Score moved (largest move first)": ["CR3: ▼ Down from 25 (better), now 15"],
        "Residual or target score moved (largest move first)": [
            "CR3: residual ▼ Down from 16 (better), now 12",
            "CR9: residual ▼ Down from 20 (better), now 16",
        ],
    }


def test_trends_in_the_register_table_q2_against_q1(q2_vs_q1):
    doc = open_doc(q2_vs_q1)
    reg = api.load(SAMPLE_DIR / "q2-2018-19.yaml").register
    labels, rows = entry_rows(doc, "Risks")
    direction, score, residual = (labels.index(x) for x in ("Direction of Travel", "Risk Score", "Residual Score"))
    # the trend sits below (not instead of) the officer's own direction of travel
    assert trend_lines(rows["CR12"][direction]) == ["Since Q1 2018/19: ★ New this quarter"]
    assert trend_lines(rows["CR3"][direction]) == ["Since Q1 2018/19: ▼ Down from 25 (better)"]
    assert trend_lines(rows["CR1"][direction]) == ["Since Q1 2018/19: ► Level at 20"]
    for e in reg.risks:
        paras = rows[e.id][direction].paragraphs
        own = [p.text for p in paras if p.style.name != "Register Trend"]
        assert own == [b.text for b in richtext.parse(e.direction)], e.id
        assert paras[-1].style.name == "Register Trend", e.id
    assert rows["CR3"][score].paragraphs[0].text == "15"
    # the residual score's own trend, below its band
    assert [p.text for p in rows["CR3"][residual].paragraphs][:2] == ["12", "High"]
    assert trend_lines(rows["CR3"][residual]) == ["Since Q1 2018/19: ▼ Down from 16 (better)"]
    assert trend_lines(rows["CR9"][residual]) == ["Since Q1 2018/19: ▼ Down from 20 (better)"]
    assert trend_lines(rows["CR12"][residual]) == []  # new: nothing to compare with
    # the current trend is in the Direction of Travel column; under the score, how long it has been in its band
    assert trend_lines(rows["CR3"][score]) == ["High since Q2 2018/19 (this quarter)"]
    labels, opps = entry_rows(doc, "Opportunities")
    assert trend_lines(opps["C01"][labels.index("Direction of Travel")]) == ["Since Q1 2018/19: ► Level at 12"]


def test_without_previous_nothing_is_compared(built):
    for name, data in built.items():
        doc = open_doc(data)
        assert not any(t.startswith("Changes since") for _, t in body_texts(doc)), name
        for t in doc.tables:
            for tr in t._tbl.iter(qn("w:tr")):
                for tc in tr.findall(qn("w:tc")):
                    for p in tc.findall(qn("w:p")):
                        style = _val(p.find(qn("w:pPr")), "w:pStyle") if p.find(qn("w:pPr")) is not None else None
                        # the trend style holds the view's notes (appetite, gap to target), never a trend
                        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
                        assert style != "RegisterTrend" or not re.search(r"since|[▲▼►★]", text, re.I), name
        assert "Since " not in "\n".join(p for k, p in body_texts(doc) if k == "p"), name


PAIR_PREVIOUS = """
    organisation: Test Council
    period: Q1 2030/31
    report_date: 2030-07-01
    layout: {layout}
    risks:
      - id: R1
        title: Budget
        description: Budget gap
        current: {{likelihood: 2, impact: 3}}
        residual: 4
        direction: Officer says level
      - id: R2
        title: Old risk
        description: Closed this quarter
        current: 20
    opportunities:
      - id: O1
        title: Levy
        description: Apprenticeship levy
        current: 6
        target: 8
"""
PAIR_CURRENT = """
    organisation: Test Council
    period: Q2 2030/31
    report_date: 2030-10-01
    layout: {layout}
    risks:
      - id: R1
        title: Budget
        description: Budget gap
        current: {{likelihood: 4, impact: 3}}
        residual: 4
        direction: Officer says level
      - id: R3
        title: Cyber
        description: New risk
        current: 10
    opportunities:
      - id: O1
        title: Levy
        description: Apprenticeship levy
        current: 12
        target: 6
"""


def test_up_is_worse_for_a_risk_and_better_for_an_opportunity(tmp_path):
    cur = load_yaml(tmp_path, PAIR_CURRENT.format(layout="table"), "q2.yaml")
    prev = load_yaml(tmp_path, PAIR_PREVIOUS.format(layout="table"), "q1.yaml")
    doc = open_doc(build_docx(tmp_path / "out", cur, prev))
    labels, rows = entry_rows(doc, "Risks")
    assert trend_lines(rows["R1"][labels.index("Direction of Travel")]) == ["Since Q1 2030/31: ▲ Up from 6 (worse)"]
    assert trend_lines(rows["R1"][labels.index("Residual Score")]) == ["Since Q1 2030/31: ► Level at 4"]
    assert trend_lines(rows["R3"][labels.index("Direction of Travel")]) == ["Since Q1 2030/31: ★ New this quarter"]
    labels, opps = entry_rows(doc, "Opportunities")
    # The opportunity table has no target column: the target's trend goes under the direction of
    # travel, saying which score it is (as in the PDF and HTML).
    assert trend_lines(opps["O1"][labels.index("Direction of Travel")]) == [
        "Since Q1 2030/31: ▲ Up from 6 (better)",
        "Target since Q1 2030/31: ▼ Down from 8 (worse)",
    ]
    summary = summary_rows(doc, "Changes since Q1 2030/31")
    assert summary["New this quarter"] == ["R3 – Cyber: score 10"]
    assert summary["Closed (in Q1 2030/31, not in Q2 2030/31)"] == ["R2 – Old risk: last score 20"]
    # largest move first: the opportunity moved by 6, the risk by 6 too, then register order (risks first)
    assert summary["Score moved (largest move first)"] == [
        "R1: ▲ Up from 6 (worse), now 12",
        "O1 (opportunity): ▲ Up from 6 (better), now 12",
    ]


def test_trend_below_the_current_score_without_a_direction_column(tmp_path):
    hidden = "".join(f"        - {{field: {f}, show: false}}\n" for f in ("types", "consequences", "actions", "owner"))
    extra = f"""
    columns:
      risks:
        - {{field: id, label: Ref}}
        - {{field: description, label: Risk}}
        - {{field: current, label: Score}}
        - {{field: controls, show: false}}
        - {{field: residual, show: false}}
        - {{field: direction, show: false}}
{hidden}      opportunities:
        - {{field: id, label: Ref}}
        - {{field: current, label: Score}}
        - {{field: target, label: Target}}
        - {{field: description, show: false}}
        - {{field: progress, show: false}}
        - {{field: residual, show: false}}
        - {{field: direction, show: false}}
{hidden}"""
    cur = load_yaml(tmp_path, PAIR_CURRENT.format(layout="table") + extra, "q2.yaml")
    prev = load_yaml(tmp_path, PAIR_PREVIOUS.format(layout="table"), "q1.yaml")
    doc = open_doc(build_docx(tmp_path / "out", cur, prev))
    labels, rows = entry_rows(doc, "Risks")
    score = rows["R1"][labels.index("Score")]
    assert [p.text for p in score.paragraphs][0] == "12 (Moderate/Likely)"
    # No residual column either: the residual's trend goes under the current score, named.
    assert trend_lines(score) == [
        "Since Q1 2030/31: ▲ Up from 6 (worse)",
        "Residual since Q1 2030/31: ► Level at 4",
        "High since Q2 2030/31 (this quarter)",
    ]
    labels, opps = entry_rows(doc, "Opportunities")
    assert trend_lines(opps["O1"][labels.index("Target")]) == ["Since Q1 2030/31: ▼ Down from 8 (worse)"]


def test_card_layout_trends_under_each_score(tmp_path):
    cur = load_yaml(tmp_path, PAIR_CURRENT.format(layout="cards"), "q2.yaml")
    prev = load_yaml(tmp_path, PAIR_PREVIOUS.format(layout="cards"), "q1.yaml")
    doc = open_doc(build_docx(tmp_path / "out", cur, prev))
    (card,) = _tables(doc, "Risk R1")
    first = cells(card.rows[0])
    assert [flat(p.text) for p in first[1].paragraphs] == [
        "Current Risk Score: 12 (Moderate/Likely)",
        "High",
        "Since Q1 2030/31: ▲ Up from 6 (worse)",
        "High since Q2 2030/31 (this quarter)",
    ]
    assert [flat(p.text) for p in first[2].paragraphs] == [
        "Residual Risk Score: 4",
        "Low",
        "Since Q1 2030/31: ► Level at 4",
    ]
    assert all(p._p.pPr.find(qn("w:keepNext")) is not None for c in first for p in c.paragraphs)
    (opp,) = _tables(doc, "Opportunity O1")
    first = cells(opp.rows[0])
    assert trend_lines(first[1]) == ["Since Q1 2030/31: ▲ Up from 6 (better)", "High since Q2 2030/31 (this quarter)"]
    assert trend_lines(first[2]) == ["Since Q1 2030/31: ▼ Down from 8 (worse)"]
    (new,) = _tables(doc, "Risk R3")
    assert trend_lines(cells(new.rows[0])[1]) == [
        "Since Q1 2030/31: ★ New this quarter",
        "High since Q2 2030/31 (this quarter)",
    ]


# --------------------------------------------------------------------------- heat maps


def read_heat_map(doc, caption: str, scoring) -> tuple[dict[tuple[int, int], set[str]], dict[tuple[int, int], str]]:
    """(likelihood, impact) -> IDs in the cell, and -> the cell's fill, read off the grid by its
    row labels (impact) and the likelihood label row."""
    (t,) = _tables(doc, caption)

    def ids_text(tc) -> str:  # a grid cell's score and band come first, then the IDs placed there
        paras = tc.findall(qn("w:p"))
        shaded = tc.tcPr.find(qn("w:shd")) is not None
        return ", ".join("".join(x.text or "" for x in p.iter(qn("w:t"))) for p in (paras[1:] if shaded else paras))

    rows = [[(ids_text(tc), tc) for tc in tr.tc_lst] for tr in t._tbl.tr_lst]
    lik_row = next(r for r in rows if [x for x, _ in r[2:]] == [lb.upper() for lb in scoring.likelihood])
    assert len(lik_row) == 2 + len(scoring.likelihood)
    ids, fills = {}, {}
    for r in rows:
        if len(r) != 2 + len(scoring.likelihood) or r is lik_row:
            continue
        impact = next(i + 1 for i, lb in enumerate(scoring.impact) if r[1][0].startswith(lb.upper()))
        for lk, (text, tc) in enumerate(r[2:], start=1):
            ids[(lk, impact)] = {x.strip() for x in text.split(",") if x.strip()}
            fills[(lk, impact)] = tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert len(ids) == len(scoring.likelihood) * len(scoring.impact)
    return ids, fills


def expected_cells(reg, fields) -> dict[tuple[int, int], set[str]]:
    want: dict[tuple[int, int], set[str]] = {}
    for entries, suffix in ((reg.risks, ""), (reg.opportunities, " (opportunity)")):
        for e in entries:
            sc = next((getattr(e, f) for f in fields if getattr(e, f) is not None), None)
            if sc is not None and sc.likelihood and sc.impact:
                want.setdefault((sc.likelihood, sc.impact), set()).add(e.id + suffix)
    return want


def test_card_register_heat_maps_place_every_id(built):
    doc = open_doc(built["q3-2021-22.yaml"])
    reg = api.load(SAMPLE_DIR / "q3-2021-22.yaml").register
    key_fills = read_heat_map(doc, "Key to Scores", reg.scoring)[1]
    for caption, fields in (
        ("Heat map: current scores", ("current",)),
        ("Heat map: target scores", ("residual", "target")),
    ):
        got, fills = read_heat_map(doc, caption, reg.scoring)
        want = expected_cells(reg, fields)
        assert sum(len(v) for v in want.values()) == len(reg.risks) + len(reg.opportunities)  # every entry placed
        assert {k: v for k, v in got.items() if v} == want, caption
        assert fills == key_fills  # the same band shading as the Key
    current, _ = read_heat_map(doc, "Heat map: current scores", reg.scoring)
    assert "Corp 2" in current[(3, 4)]  # Possible x Major
    assert current[(3, 2)] == {"Corp 4", "CO2 (opportunity)"}  # Possible x Minor
    # nothing is score-only in this register: every entry has likelihood and impact
    assert not any(p.text.startswith("Score only") for p in doc.paragraphs)


def test_score_only_entries_are_listed_not_guessed(q2_vs_q1):
    doc = open_doc(q2_vs_q1)
    reg = api.load(SAMPLE_DIR / "q2-2018-19.yaml").register
    got, _ = read_heat_map(doc, "Heat map: current scores", reg.scoring)
    assert {k: v for k, v in got.items() if v} == {(4, 4): {"CR12"}}  # Likely x Major
    order = body_texts(doc)
    i = order.index(("table", "Heat map: current scores"))
    kind, text = order[i + 1]
    assert kind == "p" and text.startswith("Score only")
    listed = text.split("): ", 1)[1].split(", ")
    assert "CR1: 20" in listed and "CR3: 15" in listed and "C01 (opportunity): 12" in listed
    assert not any(x.startswith("CR12") for x in listed)
    assert len(listed) == len(reg.risks) + len(reg.opportunities) - 1


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_every_sample(tmp_path, built):
    import pypdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    files = []
    for name, data in built.items():
        f = tmp_path / f"{name.replace('.', '-')}.docx"
        f.write_bytes(data)
        files.append(f)
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for f in files:
        pdf = tmp_path / "pdf" / f"{f.stem}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {f.name}: {proc.stderr}"
        reader = pypdf.PdfReader(str(pdf))
        n = len(reader.pages)
        assert n >= 1
        box = reader.pages[0].mediabox
        assert box.width > box.height  # landscape
        first = reader.pages[0].extract_text()
        assert f"Page 1 of {n}" in first
        last = reader.pages[-1].extract_text()
        assert "Key to Scores" in last or "LIKELIHOOD" in last


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_never_starts_a_split_row_with_one_line_at_a_page_foot(tmp_path):
    """A short row, then a row taller than a page, with the short row's length swept so that
    the long row would start 5, 4, ... 1 lines above the foot of page 1: wherever LibreOffice
    starts it, that page holds its ID, its whole first description paragraph and its score
    with its band."""
    import pypdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    files = []
    for lines in range(29, 36):
        f = tmp_path / f"rows-{lines}.docx"
        f.write_bytes(render(_short_then_long(tmp_path, lines)))
        files.append(f)
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for f in files:
        texts = [
            " ".join((p.extract_text() or "").split())
            for p in pypdf.PdfReader(tmp_path / "pdf" / f"{f.stem}.pdf").pages
        ]
        page = next(t for t in texts if "R2 " in t)  # where the row starts (later pages name it in their header)
        row = page[page.index("R2 ") :]
        assert row.startswith("R2 Secondword of the long entry"), f"{f.stem}: {row[:200]}"
        assert "20 Very high" in row, f"{f.stem}: {row[:200]}"
