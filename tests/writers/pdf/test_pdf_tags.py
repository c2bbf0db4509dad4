"""The PDF's structure tree holds up as PDF/UA-1 (writers/pdf/tags.py, issue 16): two
independent checkers (page-validation's PDF/UA-1 profile, pdfua) find nothing, and the tree
read back with pikepdf (text by pypdf) has one element per table, row and cell the reader
sees, header cells with a scope, and lists and headings as PDF/UA wants them."""

from __future__ import annotations

import collections
import importlib.util
import io
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import page
import pdfua
import pikepdf
import pypdf
import pytest

from conftest import ROOT, sample_paths
from reportgen import api
from reportgen.writers import pdf
from reportgen.writers.pdf import chunks as _pdf_chunks

SAMPLES = {p.stem: p for p in sample_paths()}
Q1, Q2 = SAMPLES["q1-2018-19"], SAMPLES["q2-2018-19"]


def _bench_register(n: int, out: Path) -> Path:
    """The register `bench/run.py` times, of `n` entries."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = out / f"bench-{n}.json"
    bench.make_register(n, "table", path)
    return path


@cache
def built(name: str, out: Path) -> tuple[bytes, str]:
    """The PDF and the HTML page of a sample, of Q2 against Q1 ("q2-vs-q1") or of the
    100-entry bench register ("bench-100"), as `reportgen build` writes them."""
    previous: list[Path] = []
    pack = api.Pack()
    if name == "q2-vs-q1":
        path, previous = Q2, [Q1]
    elif name in ("q2-history", "q2-summary", "q2-deep-dive"):
        path, previous = Q2, [Q1, ROOT / "samples" / "history" / "q4-2017-18.yaml"]
        if name == "q2-summary":
            pack = api.Pack(pack="summary")
        elif name == "q2-deep-dive":
            pack = api.Pack(pack="deep-dive", selection=api.Selection(ids=("CR3",)))
    elif name == "q3-part-b":
        path, pack = SAMPLES["q3-2021-22"], api.Pack(part="b")
    elif name == "bench-100":
        path = _bench_register(100, out)
    else:
        path = SAMPLES[name]
    [result] = api.build_all([path], out / name, ["pdf", "html"], previous=previous or None, pack=pack)
    if result.error:
        raise result.error
    files = {p.suffix: p for p in result.written}
    return files[".pdf"].read_bytes(), files[".html"].read_text(encoding="utf-8")


#: Every sample, Q2 against Q1 and against two quarters (its history), the packs (a summary, a deep
#: dive, a Part B) and the 100-entry bench register.
NAMES = sorted(SAMPLES) + ["q2-vs-q1", "q2-history", "q2-summary", "q2-deep-dive", "q3-part-b", "bench-100"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tags")


# --------------------------------------------------------------------------- reading the tree


def kids(el) -> list:
    k = el.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def is_element(k) -> bool:
    return isinstance(k, pikepdf.Dictionary) and "/S" in k


def walk(el, parent=None):
    """(element, parent) in reading order."""
    yield el, parent
    for k in kids(el):
        if is_element(k):
            yield from walk(k, el)


def document(data: bytes):
    pdf_ = pikepdf.open(io.BytesIO(data))
    [top] = kids(pdf_.Root.StructTreeRoot)
    return pdf_, top


def scope(cell) -> str | None:
    attrs = cell.get("/A")
    for a in list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []:
        if isinstance(a, pikepdf.Dictionary) and "/Scope" in a:
            return str(a.Scope)
    return None


def marked_text(data: bytes) -> tuple[dict[tuple[int, int], str], list[str]]:
    """The text of each (page, MCID), and of each page's artifacts, read by pypdf."""
    texts: dict[tuple[int, int], str] = {}
    artifacts: list[str] = []
    for number, pg in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages):
        stack: list = []
        art: list[str] = []

        def before(op, args, cm, tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                stack.append(int(mcid) if mcid is not None else str(args[0]))
            elif op == b"BMC":
                stack.append(str(args[0]))
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size, stack=stack, art=art, number=number):
            if not stack:
                return
            if stack[-1] == "/Artifact":
                art.append(t)
            elif isinstance(stack[-1], int):
                texts[(number, stack[-1])] = texts.get((number, stack[-1]), "") + t

        pg.extract_text(visitor_operand_before=before, visitor_text=text)
        artifacts.append("".join(art))
    return texts, artifacts


def text_of(el, pages: dict, texts: dict) -> str:
    """An element's text in reading order (its marked content, its kids')."""
    out = []
    number = pages.get(el.Pg.objgen) if "/Pg" in el else None
    for k in kids(el):
        if is_element(k):
            out.append(text_of(k, pages, texts))
        elif isinstance(k, pikepdf.Dictionary) and "/MCID" in k:
            out.append(texts.get((pages[k.Pg.objgen], int(k.MCID)), ""))
        elif not isinstance(k, pikepdf.Dictionary):
            out.append(texts.get((number, int(k)), ""))
    return "".join(out)


def html_count(html: str, tag: str) -> int:
    return len(re.findall(rf"<{tag}\b", html))


# --------------------------------------------------------------------------- the checkers


@pytest.mark.parametrize("name", NAMES)
def test_two_independent_checkers_find_nothing(name, out):
    data, _ = built(name, out)
    path = out / f"{name}-check.pdf"
    path.write_bytes(data)
    report = page.validate_pdf(
        str(path), profile=page.ValidationProfile.PDF_UA_1, limits=page.SafetyLimits.unlimited()
    ).to_dict()
    assert report["is_compliant"], sorted({(f["rule_id"], f["message"]) for f in report["failures"]})
    findings = pdfua.validate(str(path)).findings
    assert not findings, [(f.rule_id, f.severity.name, f.message) for f in findings]


# --------------------------------------------------------------------------- the structure


@pytest.mark.parametrize("name", NAMES)
def test_one_element_per_table_row_cell_and_section_of_the_page(name, out):
    data, html = built(name, out)
    pdf_, top = document(data)  # (the Pdf kept: its objects live as long as it does)
    roles = collections.Counter(str(el.S) for el, _ in walk(top))
    for tag, role in [
        ("table", "/Table"),
        ("tr", "/TR"),
        ("th", "/TH"),
        ("td", "/TD"),
        ("thead", "/THead"),
        ("main", "/Part"),
        ("section", "/Sect"),
        ("article", "/Art"),
    ]:
        assert roles[role] == html_count(html, tag), f"{roles[role]} {role} for {html_count(html, tag)} <{tag}>"
    assert roles["/Table"] >= 3


@pytest.mark.parametrize("name", NAMES)
def test_every_header_cell_has_its_scope(name, out):
    data, html = built(name, out)
    pdf_, top = document(data)  # (the Pdf kept: its objects live as long as it does)
    got = collections.Counter(scope(el) for el, _ in walk(top) if el.S == pikepdf.Name.TH)
    # The HTML's scope; a header cell without one spanning rows heads them (the heat maps'
    # IMPACT), any other a column (LIKELIHOOD under the grid).
    ths = re.findall(r"<th\b[^>]*>", html)
    rows = [t for t in ths if 'scope="row"' in t or ("scope=" not in t and "rowspan=" in t)]
    assert got == {"/Row": len(rows), "/Column": len(ths) - len(rows)}
    for el, _ in walk(top):
        if el.S == pikepdf.Name.THead:
            assert {scope(c) for r in kids(el) for c in kids(r)} == {"/Column"}
    # A data cell's HTML `headers` (the grids': their axes) are its /Headers, each the /ID of a
    # header cell of its own table, found through the IDTree.
    tree = pdf_.Root.StructTreeRoot
    names = list(tree.IDTree.Names) if "/IDTree" in tree else []
    ids = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}

    def table_of(el):
        while el.S != pikepdf.Name.Table:
            el = el.P
        return el.objgen

    named = 0
    for el, _ in walk(top):
        headers = (el.get("/A") or {}).get("/Headers") if el.S == pikepdf.Name.TD else None
        if headers is not None:
            named += 1
            for h in headers:
                th = ids[str(h)]
                assert th.S == pikepdf.Name.TH and str(th.ID) == str(h)
                assert table_of(th) == table_of(el)
    assert named == len(re.findall(r"<td\b[^>]*\bheaders=", html))


@pytest.mark.parametrize("name", NAMES)
def test_lists_and_headings(name, out):
    data, html = built(name, out)
    pdf_, top = document(data)  # (the Pdf kept: its objects live as long as it does)
    levels = []
    lists = items = 0
    for el, _ in walk(top):
        role = str(el.S)
        if role == "/L":
            lists += 1
            assert all(is_element(k) and k.S in ("/LI", "/Caption") for k in kids(el)), [
                str(k.get("/S")) if is_element(k) else "content" for k in kids(el)
            ]
        elif role == "/LI":
            items += 1
            parts = [str(k.S) if is_element(k) else "content" for k in kids(el)]
            assert parts in (["/Lbl", "/LBody"], ["/LBody"], ["/Lbl"]), parts
        elif re.fullmatch(r"/H[1-6]", role):
            levels.append(int(role[2]))
    # one L per list, one LI per item (a <dl>'s: per <dt>, with its <dd>s), over pages too
    assert lists == sum(html_count(html, t) for t in ("ul", "ol", "dl"))
    assert items == html_count(html, "li") + html_count(html, "dt")
    # H1, H2, H3 in reading order, no level skipped
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_the_header_row_repeated_on_later_pages_is_an_artifact(out):
    data, _ = built("q2-2018-19", out)
    pdf_, top = document(data)
    pages = {p.objgen: i for i, p in enumerate(pdf_.pages)}
    texts, artifacts = marked_text(data)
    [risks] = [el for el, _ in walk(top) if el.S == pikepdf.Name.Table][:1]
    rows = [r for g in kids(risks) if is_element(g) and g.S == pikepdf.Name.TBody for r in kids(g)]
    first = pages[risks.Pg.objgen]
    last = max(pages[r.Pg.objgen] for r in rows)
    assert last > first + 2, "the risk table runs to several pages"
    head = "Possible Risk Consequences"
    tagged = [t for (number, _), t in texts.items() if head in t]
    assert len(tagged) == 1  # the header row's cell, once
    for number in range(first + 1, last + 1):
        assert head in artifacts[number], f"page {number + 1}: the repeated header row is not an artifact"
    # ... and each row is read once, in order: the IDs CR1, CR2, ... as the register has them
    ids = [text_of(kids(r)[0], pages, texts).strip() for r in rows]
    reg = api.load(Q2).register
    assert ids == [e.id for e in reg.risks]


def test_a_row_over_two_pages_is_one_row_with_each_cell_read_in_order(tmp_path):
    long = "\\n".join(f"- item {k} of a very long list of controls" for k in range(90))
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
    data = api.render(api.load(path).register, "pdf")
    pdf_, top = document(data)
    pages = {p.objgen: i for i, p in enumerate(pdf_.pages)}
    texts, _ = marked_text(data)
    [risks] = [el for el, _ in walk(top) if el.S == pikepdf.Name.Table][:1]
    rows = [r for g in kids(risks) if is_element(g) and g.S == pikepdf.Name.TBody for r in kids(g)]
    assert len(rows) == 2
    cells = kids(rows[0])
    assert len(cells) == 10
    on = {pages[el.Pg.objgen] for el, _ in walk(rows[0])}
    assert on == {0, 1}, "the first row runs on to the second page"
    controls = text_of(cells[4], pages, texts)
    found = [int(n) for n in re.findall(r"item (\d+) of", controls)]
    assert found == list(range(90)), found
    # its list is one list, of one item per point, each with its bullet as the label
    [lst] = [el for el, _ in walk(cells[4]) if el.S == pikepdf.Name.L]
    assert len(kids(lst)) == 90
    assert all([str(k.S) for k in kids(item)] == ["/Lbl", "/LBody"] for item in kids(lst))


def _small_cuts(monkeypatch):
    monkeypatch.setattr(_pdf_chunks, "SOFT_MIN", 12_000)
    monkeypatch.setattr(_pdf_chunks, "PART", 12_000)
    monkeypatch.setattr(_pdf_chunks, "OVERLAP", 6_000)


@pytest.mark.parametrize("meet", ["rows meet", "bridged"])
def test_a_table_cut_into_pieces_is_one_table(monkeypatch, tmp_path, meet):
    """Pieces joined where a row starts a page in both, or (no such row) with a bridge or
    without the overlap: the table is still one Table, its header row once."""
    _small_cuts(monkeypatch)
    if meet == "bridged":
        monkeypatch.setattr(pdf, "_pages_meet", lambda here, there: [])
    reg = api.load(Q2).register
    data = api.render(reg, "pdf")
    html = api.render(reg, "html").decode("utf-8")
    pdf_, top = document(data)  # (the Pdf kept: its objects live as long as it does)
    roles = collections.Counter(str(el.S) for el, _ in walk(top))
    assert (roles["/Table"], roles["/TR"], roles["/THead"]) == (
        html_count(html, "table"),
        html_count(html, "tr"),
        html_count(html, "thead"),
    )
    path = tmp_path / "cut.pdf"
    path.write_bytes(data)
    report = page.validate_pdf(str(path), profile=page.ValidationProfile.PDF_UA_1).to_dict()
    assert report["is_compliant"], report["failures"]


def test_weasyprint_tagging_is_wrapped():
    """The repair learns which elements are parts of one from WeasyPrint's tagging function,
    wrapped: when an upgrade changes its shape, this names the cause (the tables above
    would come out in parts)."""
    code = (
        "from reportgen.writers.pdf import tags, workarounds\n"
        "workarounds.import_weasyprint()\n"
        "print(tags.install(), tags.install())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]


def test_rich_text_lists_over_pages(tmp_path):
    """Ordered lists of items with paragraphs and nested lists, running over pages: one L per
    list and one LI per item, each item its Lbl (the number or bullet) and LBody, the nested
    list inside the LBody; both checkers find nothing."""
    pad = [" " * len(f"{k}. ") for k in range(30)]  # the item's content lines up with its text
    items = "\\n".join(
        f"{k}. Point {k} of the plan\\n\\n{pad[k]}with a second line\\n\\n{pad[k]}- nested a\\n{pad[k]}- nested b\\n"
        for k in range(1, 30)
    )
    path = tmp_path / "lists.yaml"
    path.write_text(
        "organisation: Test Council\nperiod: Q1 2030/31\nreport_date: 2030-07-01\nrisks:\n"
        f'  - id: R1\n    description: "Intro **bold** and *em*.\\n\\n{items}\\nClosing paragraph."\n'
        '    controls: "- one\\n- two\\n\\n  second paragraph of two\\n- three"\n    current: 12\n'
        "  - id: R2\n    description: Second\n    current: 6\n",
        encoding="utf-8",
    )
    result = api.build(path, tmp_path / "out", ["pdf", "html"])
    files = {p.suffix: p for p in result.written}
    data, html = files[".pdf"].read_bytes(), files[".html"].read_text(encoding="utf-8")
    pdf_, top = document(data)
    lists = [el for el, _ in walk(top) if el.S == pikepdf.Name.L]
    assert len(lists) == html_count(html, "ul") + html_count(html, "ol")
    pages = {p.objgen: i for i, p in enumerate(pdf_.pages)}
    assert len({pages[el.Pg.objgen] for el, _ in walk(top) if el.S == pikepdf.Name.LI}) >= 2, "lists over pages"
    nested = 0
    for lst in lists:
        cell = lst
        while cell.S not in (pikepdf.Name.TD, pikepdf.Name.Document):
            cell = cell.P
        if cell.S == pikepdf.Name.TD:  # (not the Key's legend, a list without markers)
            for item in kids(lst):
                assert [str(k.S) for k in kids(item)] == ["/Lbl", "/LBody"]
        if lst.P.S == pikepdf.Name.LBody:
            nested += 1
    assert nested == 29
    path = tmp_path / "lists.pdf"
    path.write_bytes(data)
    assert page.validate_pdf(str(path), profile=page.ValidationProfile.PDF_UA_1).to_dict()["is_compliant"]
    assert not pdfua.validate(str(path)).findings
