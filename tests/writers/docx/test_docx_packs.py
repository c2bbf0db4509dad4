"""The Word writer's packs (issue 19), built through the API as `reportgen build` builds them and read
back with python-docx, the raw XML of every part, LibreOffice (page counts) and the importer: what a
filtered document says it holds, Part B's mark in every page header and the properties (and none of
it in a public document), the summary for Cabinet, the deep dive into one entry."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import SAMPLES, sample_paths
from reportgen import api
from reportgen import vocabulary as words
from reportgen.selection import Selection

Q1, Q2, SMALL = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml", SAMPLES / "small.yaml"
MARK = "NOT FOR PUBLICATION"
NOTICE_3 = "NOT FOR PUBLICATION: exempt information under paragraph 3 of Schedule 12A to the Local Government Act 1972"
SECRET = "ZEBRA4471"


def build(reg: Path, out: Path, pack: api.Pack, previous=None, options=None) -> list[Path]:
    [result] = list(api.build_all([reg], out, "docx", previous=previous, pack=pack, options=options, keep_going=False))
    return result.written


def exempt_copy(tmp_path: Path, ident: str = "CR2", fields: str = "") -> Path:
    """The Q2 2018/19 sample with `ident` exempt under paragraph 3 (and a marker in its description)."""
    text = Q2.read_text(encoding="utf-8")
    extra = f", fields: [{fields}]" if fields else ""
    text, n = re.subn(
        rf"^  - id: {ident}\n    description: (.*)$",
        rf"  - id: {ident}\n    exempt: {{paragraph: 3{extra}}}\n    description: \1 {SECRET}",
        text,
        count=1,
        flags=re.M,
    )
    assert n == 1
    path = tmp_path / "exempt.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def every_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def body_texts(doc) -> list[str]:
    """The body's paragraphs (outside tables), in order."""
    body = doc.element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iterchildren(qn("w:p"))]


def header_texts(doc) -> list[list[str]]:
    """Each header a page can show: its paragraphs' text."""
    out = []
    even = doc.settings.odd_and_even_pages_header_footer
    for s in doc.sections:
        hdrs = [s.header]
        if s.different_first_page_header_footer:
            hdrs.append(s.first_page_header)
        if even:
            hdrs.append(s.even_page_header)
        out.extend([p.text for p in h.paragraphs] for h in hdrs)
    return out


def table_rows(table) -> list[list[str]]:
    rows = []
    for tr in table._tbl.iterchildren(qn("w:tr")):
        rows.append(
            [
                "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                for tc in tr.iterchildren(qn("w:tc"))
            ]
        )
    return rows


def style_names(doc) -> set[str]:
    return {s.name for s in doc.styles}


# --------------------------------------------------------------------------- public and Part B


def test_a_public_document_carries_no_part_b_mark_nor_selection(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack())
    assert path.name == "exempt.docx"
    raw = every_part(path)
    assert MARK not in raw and SECRET not in raw
    assert words.PART_B_STYLE not in raw and words.SELECTION_STYLE not in raw
    doc = docx.Document(str(path))
    cp = doc.core_properties
    assert "Schedule 12A" not in f"{cp.subject} {cp.keywords} {cp.comments} {cp.title}"
    # the withheld entry says why, in the body
    assert any("paragraph 3 of Schedule 12A" in r for t in doc.tables for row in table_rows(t) for r in row)


def test_part_b_is_marked_in_every_page_header_and_the_properties(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b"))
    assert path.name == "exempt-part-b.docx"
    doc = docx.Document(str(path))
    assert SECRET in every_part(path)
    headers = header_texts(doc)
    assert headers and all(h and h[0].startswith(NOTICE_3) for h in headers)
    # the running entry ID (STYLEREF) stays in the same header paragraph, after a tab
    hdr = doc.sections[0].header._element
    [p] = hdr.findall(qn("w:p"))
    assert any("STYLEREF" in (t.text or "") for t in p.iter(qn("w:instrText")))
    assert p.find(qn("w:pPr")).find(qn("w:tabs")) is not None
    assert doc.sections[0].header.paragraphs[0].style.name == words.PART_B_STYLE
    cp = doc.core_properties
    assert cp.subject.startswith(NOTICE_3) and cp.keywords.startswith(NOTICE_3) and MARK in cp.comments
    # the body is the register's: the mark is not body text (import reads the body)
    assert not any(MARK in t for t in body_texts(doc))


def test_part_b_marks_a_reference_documents_first_page_and_even_page_headers(tmp_path):
    ref = docx.Document()
    s = ref.sections[0]
    s.different_first_page_header_footer = True
    ref.settings.odd_and_even_pages_header_footer = True
    s.header.paragraphs[0].text = "House header"
    s.first_page_header.paragraphs[0].text = "House first page"
    s.even_page_header.paragraphs[0].text = "House even page"
    ref.save(str(tmp_path / "house.docx"))
    reg = exempt_copy(tmp_path)
    opts = api.Options(reference_docx=tmp_path / "house.docx")
    [path] = build(reg, tmp_path / "out", api.Pack(part="b"), options=opts)
    doc = docx.Document(str(path))
    s = doc.sections[0]
    assert s.different_first_page_header_footer and doc.settings.odd_and_even_pages_header_footer
    for hdr, own in (
        (s.header, "House header"),
        (s.first_page_header, "House first page"),
        (s.even_page_header, "House even page"),
    ):
        texts = [p.text for p in hdr.paragraphs]
        assert texts[0] == NOTICE_3 and own in texts
    [public] = build(reg, tmp_path / "public", api.Pack(), options=opts)
    assert MARK not in every_part(public)


def test_a_part_b_document_imports_with_its_exempt_marks_else_a_warning(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b"))
    got = api.load(path)
    want = api.load(Q2).register
    assert [e.id for e in got.register.risks] == [e.id for e in want.risks]
    assert got.register.organisation == want.organisation and got.register.period == want.period
    cr2 = next(e for e in got.register.risks if e.id == "CR2")
    assert SECRET in (cr2.description or "")
    assert cr2.exempt is not None and cr2.exempt.paragraph == 3  # its line in Part B, read back
    assert not any("Part B document" in d.message for d in got.warnings)
    # with the lines that say what is exempt deleted, import says it cannot tell
    doc = docx.Document(str(path))
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text.startswith("Exempt information ("):
                        p._p.getparent().remove(p._p)
    bare = tmp_path / "bare.docx"
    doc.save(str(bare))
    got = api.load(bare)
    assert all(e.exempt is None for e in got.register.risks)
    assert any("Part B document (NOT FOR PUBLICATION)" in d.message for d in got.warnings)
    # a public document gives no such warning
    [public] = build(Q2, tmp_path / "public", api.Pack())
    assert not any("Part B" in d.message for d in api.load(public).warnings)


# --------------------------------------------------------------------------- a selection


def test_a_filtered_register_says_what_it_holds_under_its_heading_and_imports(tmp_path):
    [path] = build(Q2, tmp_path / "out", api.Pack(selection=Selection(owner="children")))
    assert path.name == "q2-2018-19-owner-children.docx"
    doc = docx.Document(str(path))
    texts = [t for t in body_texts(doc) if t]
    heading = texts.index("Corporate Risk & Opportunity Register Q2 2018/19")
    assert texts[heading + 1] == "Entries owned by: children; 4 of 15 entries"
    p = next(p for p in doc.paragraphs if p.text == texts[heading + 1])
    assert p.style.name == words.SELECTION_STYLE
    assert "Entries owned by: children" in doc.core_properties.comments
    got = api.load(path)
    ids = [e.id for e in got.register.risks + got.register.opportunities]
    want = api.load(Q2).register
    children = [e.id for e in want.risks + want.opportunities if "children" in (e.owner or "").lower()]
    assert ids == children and len(ids) == 4
    assert got.register.organisation == want.organisation and got.register.title == want.title
    assert not [d for d in got.warnings if "not imported" in d.message]


def test_a_filtered_part_b_is_marked_and_imports(tmp_path):
    reg = exempt_copy(tmp_path)
    [path] = build(reg, tmp_path / "out", api.Pack(part="b", selection=Selection(ids=("CR2", "CR3"))))
    assert path.name == "exempt-cr2-cr3-part-b.docx"
    doc = docx.Document(str(path))
    assert all(h[0].split("\t")[0] == NOTICE_3 for h in header_texts(doc))
    assert "Entries CR2, CR3; 2 of 15 entries" in body_texts(doc)
    got = api.load(path)
    assert [e.id for e in got.register.risks] == ["CR2", "CR3"]
    assert SECRET in (got.register.risks[0].description or "")


# --------------------------------------------------------------------------- the summary


def _summary(tmp_path, reg=Q2, previous=(Q1,)) -> Path:
    [path] = build(reg, tmp_path / "out", api.Pack(pack="summary"), previous=list(previous) or None)
    return path


def test_the_summary_holds_band_counts_heat_map_top_band_and_changes_not_the_register(tmp_path):
    path = _summary(tmp_path)
    assert path.name == "q2-2018-19-summary.docx"
    doc = docx.Document(str(path))
    texts = [t for t in body_texts(doc) if t]
    assert texts[texts.index("Corporate Risk & Opportunity Register Q2 2018/19") + 1] == words.SUMMARY_HEADING
    tables = [table_rows(t) for t in doc.tables]
    # entries by band: the band names over their counts, against last quarter
    counts = next(t for t in tables if t[0] == ["Low", "Medium", "High", "Very high"])
    assert counts[1] == ["0 (0 last quarter)", "0 (0 last quarter)", "5 (4 last quarter)", "10 (10 last quarter)"]
    # the heat map, with IDs in their cells (CR12 is 16 (Major/Likely))
    heat = next(t for t in tables if any("Heat map: current scores" in c for c in t[0]))
    major = next(r for r in heat if any(c.strip() == "MAJOR" for c in r))
    # each cell writes its score and band before the IDs placed there, as the register's heat map
    assert "16 Very high\nCR12" in major
    assert any(t.startswith("Score only") and "CR1: 20" in t for t in texts)
    # the top band: every Very high entry, with its owner, score and direction
    top = next(t for t in tables if t[0] == ["ID", "Title", "Owner", "Current Score", "Direction of Travel"])
    reg = api.load(Q2).register
    very_high = [e.id for e in reg.risks if e.current and e.current.score and e.current.score >= 16]
    assert [r[0] for r in top[1:]] == very_high
    cr2 = next(r for r in top if r[0] == "CR2")
    assert cr2[2] == "Director of Children's Services" and cr2[3].startswith("25") and "Very high" in cr2[3]
    assert "► Level at 25" in cr2[4]
    assert "In the Very high band" in texts
    # what changed
    assert "Changes since Q1 2018/19" in texts
    assert any(r[0] == "New this quarter" and "CR12" in r[1] for t in tables for r in t)
    # no register table: no row of the register's own headings, no controls
    assert not any("Current Controls" in c for t in tables for r in t for c in r)
    with pytest.raises(api.RegisterError, match="no register table"):
        api.load(path)


def test_the_summary_of_a_register_that_tracks_appetite_says_how_it_stands(tmp_path):
    path = _summary(tmp_path, SMALL, previous=())
    doc = docx.Document(str(path))
    rows = [r for t in doc.tables for r in table_rows(t)]
    assert ["Above appetite (2)", "CR1: 20 (Open, up to 12)\nCR2: 20 (Eager, up to 16)"] in rows
    assert any(r[0] == "Overdue actions (1)" for r in rows)
    counts = next(r for r in rows if r and r[-1] == "2" and len(r) == 4)
    assert counts == ["0", "1", "0", "2"]  # no last quarter: no comparison


soffice = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice is None, reason="LibreOffice (soffice) is not installed")
def test_the_summary_fits_two_landscape_pages_for_every_sample(tmp_path):
    import pypdf

    files = [_summary(tmp_path / p.stem, p, previous=()) for p in sample_paths()]
    files.append(_summary(tmp_path / "vs-q1", Q2, previous=(Q1, SAMPLES / "history" / "q4-2017-18.yaml")))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for f in files:
        pages = pypdf.PdfReader(tmp_path / "pdf" / f"{f.stem}.pdf").pages
        assert 1 <= len(pages) <= 2, f"{f.parent.parent.name}/{f.name}: {len(pages)} pages"
        assert all(p.mediabox.width > p.mediabox.height for p in pages)


# --------------------------------------------------------------------------- the deep dive


def test_a_deep_dive_has_its_card_its_scores_on_the_grid_and_its_history(tmp_path):
    paths = build(Q2, tmp_path / "out", api.Pack(pack="deep-dive", selection=Selection(ids=("CR12",))), previous=[Q1])
    [path] = paths
    assert path.name == "q2-2018-19-CR12.docx"
    doc = docx.Document(str(path))
    texts = [t for t in body_texts(doc) if t]
    assert texts[texts.index("Corporate Risk & Opportunity Register Q2 2018/19") + 1] == "Deep dive: CR12"
    every = " ".join(c for t in doc.tables for r in table_rows(t) for c in r)
    assert not re.search(r"\bC[RO]\d+\b", every.replace("CR12", ""))  # no other entry
    reg = api.load(Q2).register
    cr12 = next(e for e in reg.risks if e.id == "CR12")
    assert " ".join(cr12.description.split())[:80] in " ".join(every.split())
    # its scores marked in words on the Key to Scores grid: current 16 (Likely/Major), residual 12 (Possible/Major)
    grid = table_rows(
        next(
            t
            for t in doc.tables
            if t._tbl.find(qn("w:tblPr")).find(qn("w:tblCaption")).get(qn("w:val")) == "CR12 on the Key to Scores"
        )
    )
    major = next(r for r in grid if any(c == "MAJOR" for c in r))
    cells = major[2:]
    assert cells[3] == "16\n● Current Risk Score" and cells[2] == "12\n● Residual Risk Score"
    assert sum("●" in c for r in grid for c in r) == 2
    assert "CR12 on the Key to Scores" in texts
    # its scores over the quarters, as the register's history shows them
    assert "Scores over time" in texts
    history = next(table_rows(t) for t in doc.tables if "Q1 2018/19" in table_rows(t)[0])
    assert history[0][-3:] == ["Q1 2018/19", "Q2 2018/19", "Time in band and overall trend"]
    assert [r[0] for r in history[1:]] == ["CR12", ""]  # current and residual rows, the ID cell merged
    assert history[1][-3:] == ["—\nnot in the register", "16\nVery high", "Very high since Q2 2018/19 (this quarter)"]
    # actions (the card's own)
    assert "Mitigating Actions" in every and "Procedure set up to report certain types" in every
    # it imports: the one entry, no warning about the deep dive's own tables and lines
    got = api.load(path)
    assert [e.id for e in got.register.risks] == ["CR12"]
    assert not [d for d in got.warnings if "not imported" in d.message]


def test_a_deep_dive_shows_what_its_card_has_no_place_for(tmp_path):
    reg = tmp_path / "reg.yaml"
    reg.write_text(
        textwrap.dedent(
            """\
            organisation: Example Council
            period: Q1 2027/28
            report_date: 2027-05-01
            appetite:
              levels: [{name: Cautious, tolerance: 9}, {name: Open, tolerance: 12}]
              default: Open
            risks:
              - id: R1
                description: Supplier failure
                exempt: {paragraph: 3, fields: [controls]}
                controls: Commercial terms
                current_score: {likelihood: 4, impact: 4}
                residual_score: {likelihood: 3, impact: 4}
                target_score: {likelihood: 2, impact: 3}
                appetite: Cautious
                review_by: 2027-09-30
              - id: R2
                description: Another
                current_score: 20
            """
        ),
        encoding="utf-8",
    )
    [path] = build(reg, tmp_path / "out", api.Pack(pack="deep-dive", part="b", selection=Selection(ids=("R1",))))
    assert path.name == "reg-R1-part-b.docx"
    doc = docx.Document(str(path))
    more = next(table_rows(t) for t in doc.tables if table_rows(t)[0][0] == "Residual Risk Score")
    assert more == [
        ["Residual Risk Score", "12 (Major/Possible), High"],
        ["Residual Likelihood", "Possible (3)"],
        ["Residual Impact", "Major (4)"],
        ["Appetite Level", "● Above appetite (Cautious, up to 9)"],
        ["Review By", "30 September 2027"],
        [
            "Exempt information",
            "Exempt information under paragraph 3 of Schedule 12A to the Local Government Act 1972 (controls)",
        ],
    ]
    assert "More about R1" in body_texts(doc)
    grid = next(table_rows(t) for t in doc.tables if any("● Target Risk Score" in c for r in table_rows(t) for c in r))
    marked = sorted(c for r in grid for c in r if "●" in c)
    assert marked == ["12\n● Residual Risk Score", "16\n● Current Risk Score", "6\n● Target Risk Score"]
    assert all(h[0].startswith("NOT FOR PUBLICATION: exempt information under paragraph 3") for h in header_texts(doc))
    assert "Commercial terms" in every_part(path)
    # public: the exempt field is withheld, and the deep dive says so in its place
    [public] = build(reg, tmp_path / "public", api.Pack(pack="deep-dive", selection=Selection(ids=("R1",))))
    assert "Commercial terms" not in every_part(public) and MARK not in every_part(public)


def test_a_deep_dive_of_a_score_without_likelihood_and_impact_lists_it_under_the_grid(tmp_path):
    [path] = build(Q2, tmp_path / "out", api.Pack(pack="deep-dive", selection=Selection(ids=("CR3",))))
    doc = docx.Document(str(path))
    grid = next(table_rows(t) for t in doc.tables if any("LIKELIHOOD" in c for r in table_rows(t) for c in r))
    assert not any("●" in c for r in grid for c in r)
    last = grid[-1][0]
    assert last.startswith("Current Risk Score: 15: score only (no likelihood and impact given")
    assert "Residual Risk Score: 12: score only" in last
    assert not [d for d in api.load(path).warnings if "not imported" in d.message]
