"""Import from Word: reportgen's own appendix round-trips; a clerk-made document imports."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn

from conftest import SAMPLES, sample_paths
from hostile import docx_bomb, nested_tables_docx, problem_lines, run_limited
from reportgen import api, importers, packs, richtext, writers
from reportgen.cli import main


def _blocks(md):
    return [(b.level, b.marker, b.heading, " ".join(b.text.split())) for b in richtext.parse(md)] if md else []


def _comparable(reg):
    """A register with its Markdown reduced to structure + words (whitespace normalised)."""
    out = []
    for kind in ("risks", "opportunities"):
        for e in getattr(reg, kind):
            d = e.model_dump()
            d.pop("exempt")
            for f in ("description", "consequences", "direction", "progress"):
                d[f] = _blocks(d[f])
            for f in ("controls", "actions"):
                d[f] = [(g["theme"], g["owner"], _blocks(g["text"]), g["due"], g["status"]) for g in d[f]]
            out.append((kind, d))
    return out


needs_docx = pytest.mark.skipif("docx" not in writers.available(), reason="the Word writer is not available")


def assert_round_trip(path, fmt, tmp_path):
    """Build `path` as `fmt`, import the document back, and get the same register: the public
    one, whose exempt information reads as the notice (the document does not mark it exempt)."""
    assert main(["build", str(path), "-f", fmt, "-o", str(tmp_path)]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(tmp_path / f"{path.stem}.{fmt}"), "-o", str(back)]) == 0
    original = packs.withhold(api.load(path).register)
    imported = api.load(back).register
    assert _comparable(imported) == _comparable(original)
    for f in ("organisation", "title", "period", "appendix", "report_date", "layout", "appetite"):
        assert getattr(imported, f) == getattr(original, f), f


@needs_docx
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_word_round_trip_gives_back_the_sample(path, tmp_path, capsys):
    assert_round_trip(path, "docx", tmp_path)


def test_import_refuses_to_overwrite_and_writes_json(tmp_path, capsys):
    if "docx" not in writers.available():
        pytest.skip("the Word writer is not available")
    main(["build", str(SAMPLES / "small.yaml"), "-f", "docx", "-o", str(tmp_path)])
    src = tmp_path / "small.docx"
    assert main(["import", str(src)]) == 0
    assert (tmp_path / "small.yaml").exists()
    assert main(["import", str(src)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert main(["import", str(src), "--format", "json"]) == 0
    assert (tmp_path / "small.json").read_text().startswith("{")


# --------------------------------------------------------------------------- a clerk-made document

HEADINGS = [
    "Risk Identification Number (RIN)",
    "Description",
    "RISK  TYPE",
    "Possible Risk Consequences",
    "Current Controls",
    "Risk Score",
    "Mitigating Actions",
    "Residual Score",
    "Risk Owner",
    "Direction of Travel",
    "Budget",
]


def _bold(p, text):
    p.add_run(text).bold = True


def _clerk_table_document(path):
    d = docx.Document()
    d.add_paragraph("Appendix A: Corporate Risk & Opportunity Register Q2 2018/19")
    d.add_paragraph("Lancashire County Council")
    t = d.add_table(rows=3, cols=len(HEADINGS))
    for c, h in zip(t.rows[0].cells, HEADINGS):
        c.text = h
    r = t.rows[1].cells
    r[0].text = "CR1"
    r[1].text = "Delivering the Operational Plan"
    r[1].add_paragraph("1. Establishing a strong and visible leadership team")
    r[1].add_paragraph("2. Embed a focus on service delivery")
    r[2].text = "Economic/Political"
    # typed bullets, a nested 'o' bullet, and a cell split by manual line breaks
    p = r[3].paragraphs[0]
    p.add_run("• Inability to deliver a balanced budget")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("o Insufficient reserves")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("· Services become unsustainable")
    # a real Word list, then a bold sub-heading with its own list
    r[4].paragraphs[0].text = "Priorities Board established"
    r[4].paragraphs[0].style = d.styles["List Bullet"]
    r[4].add_paragraph("Timetable agreed", style="List Bullet 2")
    _bold(r[4].add_paragraph(), "Commercialisation")
    r[4].add_paragraph("Commercialisation strategy being drafted", style="List Bullet")
    r[5].text = "20"
    r[6].text = "- A further report to Employment Committee\n- Roll out revised *reviews*"
    r[7].text = "12(Major/Possible)"
    r[8].text = "Overall Risk Owner is CMT"
    r[9].text = "Level"
    r[10].text = "£2.3m"
    r = t.rows[2].cells
    r[0].text = "CR2"
    r[1].text = "Protect and safeguard children"
    p = r[3].paragraphs[0]
    p.add_run("Children are put at ")
    p.add_run("serious").italic = True
    p.add_run(" risk of harm.")
    r[5].text = "16 (Major/Likely)"
    r[7].text = "(Major/"
    r[8].text = "Director of Children's Services"
    t2 = d.add_table(rows=2, cols=10)
    for c, h in zip(
        t2.rows[0].cells,
        [
            "Opportunity Identification Number",
            "Opportunity Description",
            "Opportunity Type",
            "Possible Benefits",
            "Progress to date",
            "Opportunity Score",
            "Maximising Actions",
            "Residual Opportunity Score",
            "Opportunity Owner",
            "Direction of Travel",
        ],
    ):
        c.text = h
    r = t2.rows[1].cells
    r[0].text, r[1].text, r[5].text, r[7].text, r[8].text = (
        "CO1",
        "Apprenticeship Levy",
        "12",
        "15 (outstanding/possible)",
        "Dir of Corporate Services",
    )
    d.add_paragraph("Key to Scores")
    key = d.add_table(rows=7, cols=7)
    for i, row in enumerate(key.rows[:5]):
        row.cells[1].text = ["CATASTROPHIC", "MAJOR", "MODERATE", "MINOR", "INSIGNIFICANT"][i]
        for j in range(5):
            row.cells[2 + j].text = str((5 - i) * (j + 1))
    for j, lab in enumerate(["RARE", "UNLIKELY", "POSSIBLE", "LIKELY", "CERTAIN"]):
        key.rows[5].cells[2 + j].text = lab
    d.add_paragraph("Prepared by Democratic Services")
    d.save(path)


def test_clerk_made_table_document_imports_every_word(tmp_path, capsys):
    src = tmp_path / "appendix.docx"
    _clerk_table_document(src)
    out = tmp_path / "cr-q2.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert (reg.organisation, reg.period, reg.appendix, reg.layout) == (
        "Lancashire County Council",
        "Q2 2018/19",
        "Appendix A",
        "table",
    )
    cr1, cr2 = reg.risks
    assert cr1.types == ["Economic", "Political"]
    assert cr1.description.strip() == (
        "Delivering the Operational Plan\n\n1. Establishing a strong and visible leadership team\n"
        "2. Embed a focus on service delivery"
    )
    assert _blocks(cr1.consequences) == [
        (1, "•", False, "Inability to deliver a balanced budget"),
        (2, "•", False, "Insufficient reserves"),
        (1, "•", False, "Services become unsustainable"),
    ]
    assert [(g.theme, _blocks(g.text)) for g in cr1.controls] == [
        (None, [(1, "•", False, "Priorities Board established"), (2, "•", False, "Timetable agreed")]),
        ("Commercialisation", [(1, "•", False, "Commercialisation strategy being drafted")]),
    ]
    assert "- Roll out revised *reviews*" in cr1.actions[0].text
    assert (cr1.current.score, cr1.residual.score, cr1.residual.likelihood, cr1.residual.impact) == (20, 12, 3, 4)
    assert cr2.consequences.strip() == "Children are put at *serious* risk of harm."
    assert (cr2.current.score, cr2.current.likelihood, cr2.current.impact) == (16, 4, 4)
    # an unreadable score is kept as written, never guessed, and named in a warning
    assert cr2.residual.score is None and cr2.residual.as_written == "(Major/"
    assert "CR2 residual: '(Major/' cannot be read as a score; kept as written" in err
    co1 = reg.opportunities[0]
    assert (co1.residual.score, co1.residual.likelihood, co1.residual.impact) == (15, 3, 5)
    # text that fits no field is reported with where it was found, never silently lost
    assert "column 'Budget'" in err and "£2.3m" in err
    assert "'Prepared by Democratic Services'" in err
    # every word of the document is in the register or in a warning
    words = set(re.findall(r"\w+", (out.read_text(encoding="utf-8") + err).lower()))
    source = docx.Document(str(src))
    doc_words = set()
    for t in source.tables[:2]:
        for row in t.rows:
            for c in row.cells:
                doc_words |= set(re.findall(r"\w+", c.text.lower()))
    headings = " ".join(HEADINGS + [c.text for c in source.tables[1].rows[0].cells]).lower()
    missing = {w for w in doc_words if w not in words} - set(re.findall(r"\w+", headings))
    assert missing == {"o"}  # the typed nested-bullet character, now a nested list


def _clerk_card_document(path):
    d = docx.Document()
    d.add_paragraph("Appendix A")
    d.add_paragraph("Lancashire County Council Corporate Risk & Opportunity Register 2021/22 Q3")
    t = d.add_table(rows=4, cols=3)
    t.rows[0].cells[0].text = "Risk ID Corp 1 – Reshaping the County Council"
    t.rows[0].cells[1].text = "Current risk score: 16"
    t.rows[0].cells[2].text = "Target Risk Score: 9"
    c = t.rows[1].cells[0]
    c.text = "Risk Description"
    c.add_paragraph("· That the council will not be sufficiently radical")
    c.add_paragraph("· Inability to secure sufficient resource")
    c = t.rows[1].cells[1]
    c.text = "Current Likelihood"
    c.add_paragraph("Major (4)")
    c.add_paragraph("Target Likelihood")
    c.add_paragraph("Possible")
    c = t.rows[1].cells[2]
    c.text = "Current Impact"
    c.add_paragraph("Major (4)")
    c.add_paragraph("Target Impact")
    c.add_paragraph("Moderate")
    c = t.rows[2].cells[0]
    c.text = "Current Controls"
    _bold(c.add_paragraph(), "Capacity")
    c.add_paragraph("· Front Door to Change designed")
    t.rows[2].cells[1].text = "Control Owner\nDirector of OD & Change"
    c = t.rows[2].cells[2]
    c.text = "Risk Owner"
    c.add_paragraph("Corporate Management Team")
    c.add_paragraph("Target date")
    c.add_paragraph("March 2022")
    c = t.rows[3].cells[0]
    c.text = "Progress:"
    c.add_paragraph("· Recruitment to core roles complete")
    d.save(path)


def test_clerk_made_card_document_imports(tmp_path, capsys):
    src = tmp_path / "cards.docx"
    _clerk_card_document(src)
    out = tmp_path / "cards.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert reg.layout == "cards" and reg.period == "2021/22 Q3" and reg.organisation == "Lancashire County Council"
    corp1 = reg.risks[0]
    assert (corp1.id, corp1.title) == ("Corp 1", "Reshaping the County Council")
    assert (corp1.current.score, corp1.current.likelihood, corp1.current.impact) == (16, 4, 4)
    assert (corp1.target.score, corp1.target.likelihood, corp1.target.impact) == (9, 3, 3)
    assert (
        "current likelihood: likelihood written 'Major (4)', which is not a likelihood label; kept the number, 4" in err
    )
    assert _blocks(corp1.description) == [
        (1, "•", False, "That the council will not be sufficiently radical"),
        (1, "•", False, "Inability to secure sufficient resource"),
    ]
    assert [(g.theme, g.owner) for g in corp1.controls] == [("Capacity", "Director of OD & Change")]
    assert (corp1.owner, corp1.target_date) == ("Corporate Management Team", "March 2022")
    assert _blocks(corp1.progress) == [(1, "•", False, "Recruitment to core roles complete")]


# --------------------------------------------------------------------------- bad input


def _refused(tmp_path, capsys, path, words):
    out = tmp_path / "out.yaml"
    assert main(["import", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert words in err
    assert not out.exists()


def test_text_file_named_docx_is_refused(tmp_path, capsys):
    p = tmp_path / "fake.docx"
    p.write_text("not really a document")
    _refused(tmp_path, capsys, p, "is not a Word (.docx) or Excel (.xlsx) file")


def test_truncated_docx_is_refused(tmp_path, capsys):
    good = tmp_path / "good.docx"
    _clerk_card_document(good)
    bad = tmp_path / "cut.docx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(tmp_path, capsys, bad, "is damaged")


def test_document_without_register_table_is_refused(tmp_path, capsys):
    p = tmp_path / "letter.docx"
    d = docx.Document()
    d.add_paragraph("Dear Councillor,")
    d.add_table(rows=2, cols=2).rows[0].cells[0].text = "Name"
    d.save(p)
    _refused(tmp_path, capsys, p, "has no register table")


def test_password_protected_file_is_refused(tmp_path, capsys):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    _refused(tmp_path, capsys, p, "password-protected")


def test_zip_that_is_not_office_is_refused(tmp_path, capsys):
    p = tmp_path / "photos.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a.txt", "hello")
    _refused(tmp_path, capsys, p, "is a zip file but not a Word")


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    """3 MB whose word/document.xml unpacks to 3 GB took import to 6.35 GB of memory."""
    bomb = docx_bomb(tmp_path / "bomb.docx")
    out = tmp_path / "out.yaml"
    proc = run_limited(["import", str(bomb), "-o", str(out)])
    assert proc.returncode == 1
    assert problem_lines(proc) == [
        f"reportgen: {bomb}: word/document.xml would unpack to 3,220 MB, more than the 128 MiB limit for one part "
        "of a document, so it was not opened (a file like this may be a 'zip bomb', made to exhaust the "
        "computer's memory)"
    ]
    assert not out.exists()


def test_tables_nested_hundreds_deep_are_refused_in_one_line(tmp_path, capsys):
    path = nested_tables_docx(tmp_path / "nested.docx", 200)
    _refused(tmp_path, capsys, path, "is nested more than 256 levels deep (tables within tables within tables...)")


def test_a_card_with_a_blank_id_gets_a_made_up_id_and_a_warning(tmp_path, capsys):
    src = tmp_path / "cards.docx"
    _clerk_card_document(src)
    d = docx.Document(str(src))
    d.tables[0].rows[0].cells[0].text = "Risk ID"
    d.save(str(src))
    out = tmp_path / "cards.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{src}: warning: risk in table 1: a card with no ID was imported under a made-up ID (table 1)" in err
    corp1 = api.load(out).register.risks[0]
    assert corp1.id == "risk in table 1" and corp1.owner == "Corporate Management Team"


def test_import_error_paths_are_exceptions_for_the_api(tmp_path):
    p = tmp_path / "x.docx"
    p.write_text("x")
    with pytest.raises(importers.ImportError_):
        importers.import_file(p)


def assert_previous_build_imports_without_trends(fmt: str, tmp_path, capsys) -> None:
    """Q2 built with --previous Q1 in `fmt`, imported back: the register, without the trends
    and changes the build computed (shared with test_import_xlsx)."""
    q2, q1 = SAMPLES / "q2-2018-19.yaml", SAMPLES / "q1-2018-19.yaml"
    assert main(["build", str(q2), "--previous", str(q1), "-f", fmt, "-o", str(tmp_path)]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(tmp_path / f"q2-2018-19.{fmt}"), "-o", str(back)]) == 0
    assert "not imported" not in capsys.readouterr().err
    assert _comparable(api.load(back).register) == _comparable(api.load(q2).register)
    assert "Since Q1" not in back.read_text() and "▼" not in back.read_text()


@needs_docx
def test_a_build_with_previous_imports_without_its_computed_trends(tmp_path, capsys):
    assert_previous_build_imports_without_trends("docx", tmp_path, capsys)


def test_import_shows_progress_on_a_terminal_only(tmp_path, tty):
    src = tmp_path / "cards.docx"
    _clerk_card_document(src)
    assert main(["import", str(src), "-o", str(tmp_path / "x.yaml")]) == 0
    assert "cards.docx: reading table 1 (0 entries so far)" in tty.getvalue()


# --------------------------------------------------------------------------- nothing inferred silently


def _without_organisation(tmp_path, capsys):
    """small.yaml as Word, then as a clerk's copy differs: no organisation line, a person as the
    file's author and last editor, and an old created date."""
    import datetime

    assert main(["build", str(SAMPLES / "small.yaml"), "-f", "docx", "-o", str(tmp_path)]) == 0
    d = docx.Document(str(tmp_path / "small.docx"))
    for p in list(d.paragraphs):
        if p.text.strip() == "Example County Council":
            p._p.getparent().remove(p._p)
    d.core_properties.author = d.core_properties.last_modified_by = "Jane Clerk"
    d.core_properties.created = datetime.datetime(2013, 12, 23)
    src = tmp_path / "clerk.docx"
    d.save(str(src))
    capsys.readouterr()
    return src


@needs_docx
def test_the_organisation_is_never_the_files_author_nor_a_section_heading(tmp_path, capsys):
    """The author is a person (a clerk, or "python-docx"), and "Risks" is a section heading: the
    organisation the heading does not give is a placeholder, named in a warning; a date taken
    from the file's properties is named in a warning too."""
    src = _without_organisation(tmp_path, capsys)
    out = tmp_path / "clerk.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert (reg.organisation, str(reg.report_date)) == ("Unknown organisation", "2013-12-23")
    assert "Jane Clerk" not in out.read_text() + err
    assert (
        f"{src}: warning: no organisation found in the heading; wrote organisation 'Unknown organisation': "
        "set 'organisation' by hand (or import with --like REGISTER) (heading)"
    ) in err
    assert (
        f"{src}: warning: report date 2013-12-23 taken from the file's created date: check it (file properties)" in err
    )


@needs_docx
def test_a_like_register_gives_what_the_heading_does_not_and_says_so(tmp_path, capsys):
    src = _without_organisation(tmp_path, capsys)
    out = tmp_path / "clerk.yaml"
    assert main(["import", str(src), "-o", str(out), "--like", str(SAMPLES / "small.yaml")]) == 0
    err = capsys.readouterr().err
    reg = api.load(out).register
    assert (reg.organisation, reg.period, str(reg.report_date)) == (
        "Example County Council",
        "Q3 2026/27",
        "2027-01-10",
    )
    assert (
        "no organisation found in the heading; organisation 'Example County Council' taken from the --like "
        "register: check it (heading)"
    ) in err
    assert "report date 2027-01-10 taken from the --like register: check it" in err
    assert "period" not in err  # the heading gives it


def test_the_heading_block_takes_no_section_heading_as_the_organisation():
    from reportgen.importers._common import heading_block

    texts = ["Appendix A", "Corporate Risk & Opportunity Register Q2 2018/19", "Risks", "Key to Scores"]
    assert heading_block(texts, None) == {
        "appendix": "Appendix A",
        "title": "Corporate Risk & Opportunity Register",
        "period": "Q2 2018/19",
    }
    assert heading_block(["Lancashire County Council", *texts], None)["organisation"] == "Lancashire County Council"


# --------------------------------------------------------------------------- numbering a clerk typed


def _typed_numbers_document(path):
    """A cell as a clerk typed it: a paragraph, then each item a typed bullet and a typed number."""
    d = docx.Document()
    d.add_paragraph("Lancashire County Council Corporate Risk & Opportunity Register Q2 2018/19")
    t = d.add_table(rows=2, cols=3)
    for c, h in zip(t.rows[0].cells, ["RIN", "Description", "Risk Owner"]):
        c.text = h
    r = t.rows[1].cells
    r[0].text, r[2].text = "CR1", "Chief Executive"
    r[1].text = "Delivering the Operational Plan"
    for line in (
        "• 1. Establishing a strong and visible leadership team",
        "• 2. Embed a focus on service delivery",
        "•\t3. Develop a sustainable financial strategy",
    ):
        r[1].add_paragraph(line)
    d.save(path)


TYPED = (
    "Delivering the Operational Plan\n\n1. Establishing a strong and visible leadership team\n"
    "2. Embed a focus on service delivery\n3. Develop a sustainable financial strategy"
)


@needs_docx
def test_a_typed_bullet_before_a_typed_number_is_one_numbered_item_and_stays_so(tmp_path, capsys):
    """'• 1. Establishing' shows a number: it imports as item 1 of a numbered list (not a number
    nested in a bullet), Word numbers it 1. (decimal), and a round trip through Word keeps it."""
    src = tmp_path / "typed.docx"
    _typed_numbers_document(src)
    out = tmp_path / "typed.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    reg = api.load(out).register
    assert reg.risks[0].description.strip() == TYPED
    assert main(["build", str(out), "-f", "docx", "-o", str(tmp_path / "built")]) == 0
    built = tmp_path / "built" / "typed.docx"
    d = docx.Document(str(built))
    cell = next(t for t in d.tables if t.rows[0].cells[0].text.startswith("Risk")).rows[1].cells[1]
    numbered = [p for p in cell.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert [p.text for p in numbered] == [line.split(". ", 1)[1] for line in TYPED.splitlines()[2:]]
    numbering = d.part.numbering_part.element
    (num_id,) = {p._p.pPr.numPr.numId.val for p in numbered}
    num = next(n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    assert {lvl.find(qn("w:numFmt")).get(qn("w:val")) for lvl in abstract.iter(qn("w:lvl"))} == {"decimal"}
    again = tmp_path / "again.yaml"
    assert main(["import", str(built), "-o", str(again)]) == 0
    assert api.load(again).register.risks[0].description.strip() == TYPED


@needs_docx
def test_a_numbered_list_keeps_its_first_number_through_word(tmp_path, capsys):
    """A list starting at 3 is a Word list whose w:num overrides the start: import reads it."""
    text = "3. starts at three\n4. then four\n   1. nested one\n   2. nested two\n5. five"
    src = tmp_path / "r.yaml"
    src.write_text(
        "organisation: T\nperiod: Q1\nreport_date: 2026-07-01\nrisks:\n  - id: R1\n    owner: A\n"
        "    description: |\n" + "".join(f"      {line}\n" for line in text.splitlines()),
        encoding="utf-8",
    )
    assert main(["build", str(src), "-f", "docx", "-o", str(tmp_path / "out")]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(tmp_path / "out" / "r.docx"), "-o", str(back)]) == 0
    assert api.load(back).register.risks[0].description.strip() == text


# --------------------------------------------------------------------------- types


TYPES = ["Health/Safety", "Legal, Political", "Finance; Audit", "Economic"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("layout", ["table", "cards"])
def test_reportgens_own_types_come_back_whole(fmt, layout, tmp_path, capsys):
    """reportgen writes one type a line, so a '/', ',' or ';' in a type is part of it."""
    if fmt not in writers.available():
        pytest.skip(f"the {fmt} writer is not available")
    src = tmp_path / "r.yaml"
    src.write_text(
        f"organisation: T\nperiod: Q1\nreport_date: 2026-07-01\nlayout: {layout}\nrisks:\n"
        f"  - id: R1\n    owner: A\n    types: {TYPES}\n  - id: R2\n    owner: A\n    types: [{TYPES[0]}]\n",
        encoding="utf-8",
    )
    assert main(["build", str(src), "-f", fmt, "-o", str(tmp_path / "out")]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(tmp_path / "out" / f"r.{fmt}"), "-o", str(back)]) == 0
    assert [e.types for e in api.load(back).register.risks] == [TYPES, TYPES[:1]]
