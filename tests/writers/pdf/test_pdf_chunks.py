"""The PDF typeset in pieces side by side and joined (writers/_pdf_chunks, _pdf_merge,
_pdf_workers): the joined PDF must be the one a single pass would typeset, page for
page, with one sound structure tree. Read back with pikepdf and pypdf."""

from __future__ import annotations

import collections
import io
import os
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest

from conftest import register_strings, sample_paths
from reportgen import api, view
from reportgen.writers import pdf
from reportgen.writers.html.page import build_html
from reportgen.writers.pdf import chunks as _pdf_chunks
from reportgen.writers.pdf.chunks import Marks, split
from reportgen.writers.pdf.workers import WorkerError, Workers

SAMPLES = {p.stem: p for p in sample_paths()}
CARDS = SAMPLES["q3-2021-22"]
TABLE = SAMPLES["q2-2018-19"]


def pieces_of(path: Path) -> list[str]:
    v = view.build(api.load(path).register)
    marks = Marks()
    return split(build_html(v, pdf_break=marks), marks.breaks).docs


def render(path: Path) -> bytes:
    return api.render(api.load(path).register, "pdf")


def page_texts(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_html_page_has_no_marks():
    v = view.build(api.load(CARDS).register)
    assert "<!--rg:" not in build_html(v)
    marks = Marks()
    assert build_html(v, pdf_break=marks).count("<!--rg:") == len(marks.breaks) > 0


@pytest.mark.parametrize("path", [CARDS, TABLE], ids=lambda p: p.stem)
def test_pieces_are_whole_documents_cut_where_the_page_breaks_anyway(path):
    docs = pieces_of(path)
    assert len(docs) >= 2
    for d in docs:
        assert d.startswith("<!DOCTYPE html>") and d.rstrip().endswith("</html>")
        for tag in ("main", "section", "table", "tbody", "article"):
            assert len(re.findall(f"<{tag}[ >]", d)) == d.count(f"</{tag}>"), tag
    # The committee-sized registers are cut only at forced page breaks: never inside a table.
    for d in docs[1:]:
        body = d[d.index("<body>") :]
        rest = re.sub(r'^<body>\n<main>(<section class="sec">)?\s*', "", body)
        assert rest.startswith(("<section", "<article")), rest[:80]


def test_short_pages_are_one_piece():
    assert len(pieces_of(SAMPLES["small"])) == 1


def test_pieces_give_the_pages_of_one_pass(monkeypatch):
    """Cut where the page breaks anyway, the pieces typeset to the same pages as the whole."""
    joined = render(CARDS)
    monkeypatch.setattr(_pdf_chunks, "MIN_SPLIT", 10**9)
    whole = render(CARDS)
    assert page_texts(joined) == page_texts(whole)


def test_same_bytes_with_one_core_or_several(monkeypatch):
    several = render(CARDS)
    monkeypatch.setattr(pdf, "_cores", lambda: 1)
    assert render(CARDS) == several


def marked_content(page: pikepdf.Page) -> tuple[list[int], int, int]:
    """The page's MCIDs, and how many artifact sequences and margin-form drawings it has."""
    mcids, artifacts, margins = [], 0, 0
    inside_artifact = False
    for operands, op in pikepdf.parse_content_stream(page):
        if op == pikepdf.Operator("BDC") and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
            if "/MCID" in operands[1]:
                mcids.append(int(operands[1].MCID))
            if operands[0] == pikepdf.Name.Artifact:
                artifacts += 1
                inside_artifact = True
        elif op == pikepdf.Operator("EMC"):
            inside_artifact = False
        elif op == pikepdf.Operator("Do") and operands[0] in (pikepdf.Name("/RgHeader"), pikepdf.Name("/RgFooter")):
            assert inside_artifact, "the running header and page number must be an artifact"
            margins += 1
    return mcids, artifacts, margins


@pytest.mark.parametrize("path", [CARDS, TABLE], ids=lambda p: p.stem)
def test_one_structure_tree_over_all_pieces(path):
    data = render(path)
    pdf_ = pikepdf.open(io.BytesIO(data))
    assert pdf_.check_pdf_syntax() == []  # qpdf finds nothing wrong with the joined file
    tree = pdf_.Root.StructTreeRoot
    [document] = list(tree.K)
    assert document.S == pikepdf.Name("/Document")
    # Every element hangs from its parent, once.
    seen = set()
    stack = [document]
    while stack:
        el = stack.pop()
        assert el.objgen not in seen
        seen.add(el.objgen)
        for kid in el.get("/K", []) if isinstance(el.get("/K"), pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                assert kid.P.objgen == el.objgen
                stack.append(kid)
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    keys = [int(p.obj.StructParents) for p in pdf_.pages]
    assert len(set(keys)) == len(keys), "two pages share a ParentTree entry"
    total = 0
    for page, key in zip(pdf_.pages, keys):
        mcids, _, margins = marked_content(page)
        assert margins == 2  # the running header and the page number
        for m in mcids:
            el = parents[key][m]
            assert el.objgen in seen, "marked content whose element is not in the tree"
            assert el.Pg.objgen == page.obj.objgen, "an element points at another page"
        total += len(mcids)
    assert total > 500


def test_outline_nests_entries_of_later_pieces_under_their_section():
    r = pypdf.PdfReader(io.BytesIO(render(CARDS)))
    outline = r.outline
    top = [i for i in outline if not isinstance(i, list)]
    assert [t.title for t in top] == ["Risks", "Opportunities", "Key to Scores", "Heat maps"]
    risks = outline[outline.index(top[0]) + 1]
    assert [t.title.split(" – ")[0] for t in risks] == [f"Risk ID Corp {i}" for i in range(1, 8)]
    # each risk's bookmark opens the page its card starts on
    for item in risks:
        page = r.get_destination_page_number(item)
        ident = item.title.split(" – ")[0]
        assert ident in (r.pages[page].extract_text() or "")


def test_named_destinations_of_every_piece():
    r = pypdf.PdfReader(io.BytesIO(render(CARDS)))
    dests = r.named_destinations
    assert {"entry-corp-1", "entry-corp-7", "entry-co2", "h-key"} <= set(dests)
    page = r.get_destination_page_number(dests["entry-corp-7"])
    assert "Corp 7" in (r.pages[page].extract_text() or "")


def words(text: str) -> collections.Counter:
    text = re.sub(r"\u2010\s*\n", "", text)  # WeasyPrint's hyphenated column headings
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z\u00C0-\u024F]+|[0-9]+", text))


def render_whole(monkeypatch) -> bytes:
    """The table register typeset in one piece."""
    with monkeypatch.context() as m:
        m.setattr(_pdf_chunks, "MIN_SPLIT", 10**9)
        return render(TABLE)


def _cut_tables_small(monkeypatch):
    monkeypatch.setattr(_pdf_chunks, "SOFT_MIN", 12_000)
    monkeypatch.setattr(_pdf_chunks, "PART", 12_000)
    monkeypatch.setattr(_pdf_chunks, "OVERLAP", 6_000)


def test_a_long_table_cut_between_rows_gives_the_pages_of_one_pass(monkeypatch):
    """Pieces of a table overlap and are joined at a row that starts a page in both: the
    pages are those a single pass typesets, page for page."""
    _cut_tables_small(monkeypatch)
    docs = pieces_of(TABLE)
    cut_in_table = [d for d in docs if '<main><section class="sec"><table class="reg">' in d]
    assert len(cut_in_table) >= 2, "the risk table was not cut"
    for d in cut_in_table:
        assert "<thead>" in d  # the piece repeats its table's header row
    assert page_texts(render(TABLE)) == page_texts(render_whole(monkeypatch))


def test_where_pieces_share_no_page_start_the_cut_starts_a_page(monkeypatch):
    _cut_tables_small(monkeypatch)
    # As if no row started a page in both pieces at any cut: bridges, or the plain pieces.
    monkeypatch.setattr(pdf, "_pages_meet", lambda here, there: [])
    texts = page_texts(render(TABLE))
    risk_pages = [
        t
        for t in texts
        if re.search(r"\bCR\d", t) and "Opportunity" not in t and "Heat map" not in t and "Key to Scores" not in t
    ]
    for t in risk_pages:
        assert "Mitigating Actions" in t  # the header row on every page of the table
    got, want = words("\n".join(texts)), words("\n".join(register_strings(TABLE)))
    assert not {w: n - got[w] for w, n in want.items() if got[w] < n}, "words of the register missing"
    assert sum(got.values()) <= sum(words("\n".join(page_texts(render_whole(monkeypatch)))).values()) + 10 * len(texts)
    for i, t in enumerate(texts, 1):
        assert f"Page {i} of {len(texts)}" in t


def _boom(text: str) -> str:
    raise ValueError(f"cannot typeset {text}")


def test_workers_share_the_jobs_and_report_a_failure():
    with Workers(2, lambda: None, {"ok": str.upper, "boom": _boom}) as w:
        w.run([("ok", "abc"), ("ok", "def"), ("ok", "ghi")])
        assert sorted(w.results(3)) == [(0, "ABC"), (1, "DEF"), (2, "GHI")]
        w.run([("boom", "this piece")])
        with pytest.raises(WorkerError, match="cannot typeset this piece"):
            w.results(1)
        pid = w.pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_weasyprint_imports_without_looking_libraries_up_and_restores_find_library():
    code = (
        "import ctypes.util, subprocess\n"
        "real = ctypes.util.find_library\n"
        "spawned = []\n"
        "orig = subprocess.Popen.__init__\n"
        "def init(self, *a, **k):\n"
        "    spawned.append(a)\n"
        "    return orig(self, *a, **k)\n"
        "subprocess.Popen.__init__ = init\n"
        "from reportgen.writers.pdf.workarounds import import_weasyprint\n"
        "import_weasyprint()\n"
        "from weasyprint.text.ffi import pango, harfbuzz, fontconfig\n"
        "assert ctypes.util.find_library is real\n"
        "print(len(spawned))\n"
    )
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0"  # no ldconfig, gcc or ld processes


def test_page_numbers_typeset_as_margin_boxes_when_the_sheet_does_not_match(monkeypatch):
    monkeypatch.setattr(pdf, "numbered_lines", lambda sheet, reference: None)
    monkeypatch.setattr(pdf, "MARGIN_PART", 3)
    reg = api.load(CARDS).register
    texts = page_texts(render(CARDS))
    assert len(texts) > 10
    for i, t in enumerate(texts, 1):
        assert f"Page {i} of {len(texts)}" in t
        assert reg.organisation in t and reg.period in t


def test_the_sheet_of_numbers_is_checked_against_the_stylesheets_page_number():
    """Page numbers are drawn from one typeset sheet of lines only when its probe line is
    drawn exactly as the stylesheet's margin box draws "Page 1 of 1"."""
    from reportgen.writers.pdf.merge import numbered_lines

    pdf._warm()
    v = view.build(api.load(CARDS).register)
    page = build_html(v)
    reference = pdf._typeset_margins(pdf._margins_html(page, v, 1, 1, 1))
    sheet = pdf._typeset_margins(pdf._numbers_html(19))
    assert numbered_lines(sheet, reference) is not None
    bigger = pdf._typeset_margins(pdf._numbers_html(19).replace("7.5pt", "8pt"))
    assert numbered_lines(bigger, reference) is None
    worded = pdf._typeset_margins(pdf._numbers_html(19).replace("<p>Page 1 of 1<", "<p>page 1 of 1<", 1))
    assert numbered_lines(worded, reference) is None


def _cannot_start() -> None:
    raise OSError("cannot load library 'libpango-1.0-0'")


def test_workers_that_cannot_start_say_why():
    with Workers(2, _cannot_start, {"ok": str.upper}) as w:
        w.run([("ok", "abc")])
        with pytest.raises(WorkerError, match="the PDF cannot be typeset: OSError: cannot load library"):
            w.results(1)
