"""The PDF writer: read back with pypdf (text, pages, outline, metadata, structure tree),
never with the writer's own code."""

from __future__ import annotations

import collections
import io
import re
import textwrap
from functools import lru_cache
from pathlib import Path

import pypdf
import pytest
from ruamel.yaml import YAML

from reportgen import api
from reportgen.writers import available

from conftest import sample_paths

STARTER = Path(__file__).resolve().parents[2] / "src" / "reportgen" / "starter.yaml"
ALL = sample_paths() + [STARTER]
A4 = (841.89, 595.28)


@lru_cache(maxsize=None)
def render(path: Path) -> bytes:
    return api.render(api.load(path).register, "pdf")


def reader(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render(path)))


def page_texts(r: pypdf.PdfReader) -> list[str]:
    return [p.extract_text() or "" for p in r.pages]


@lru_cache(maxsize=None)
def texts_of(path: Path) -> tuple[str, ...]:
    return tuple(page_texts(reader(path)))


def words(text: str) -> collections.Counter:
    # WeasyPrint hyphenates column headings with U+2010; join those back before counting.
    text = re.sub(r"\u2010\s*\n", "", text)
    # Letters and digits count apart: pypdf may run a list number into the line before ("CMT1.").
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z\u00C0-\u024F]+|[0-9]+", text))


def register_text(path: Path) -> str:
    out: list[str] = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("layout", "report_date") and "colour" not in k:
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    walk(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    return "\n".join(out)


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
    entries = [t for d, t in titles if d == 1]
    assert top == (["Risks"] if reg.risks else []) + (["Opportunities"] if reg.opportunities else []) + ["Key to Scores"]
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
    risk_pages = [t for t in texts if "CR" in t and "Opportunity Description" not in t and "Key to Scores" not in t]
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
    lines = ["organisation: Test Council", "period: Q1 2030/31", "report_date: 2030-07-01", f"layout: {layout}", "risks:"]
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
    path.write_text(textwrap.dedent(f"""\
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
        """), encoding="utf-8")
    texts = page_texts(reader(path))
    assert "R1" in texts[0] and "item 0 of" in texts[0] and "Appendix A" in texts[0]
    assert any("item 149 of" in t for t in texts[1:])
    for t in texts[:-1]:  # the last page holds the Key to Scores
        assert "Current Controls" in t


def test_escaped_text_reaches_the_pdf(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(textwrap.dedent("""\
        organisation: Test Council
        period: Q1 2030/31
        report_date: 2030-07-01
        risks:
          - id: R1
            description: "A <script>alert(1)</script> and </td> here"
            current: 12
        """), encoding="utf-8")
    text = " ".join(" ".join(page_texts(reader(path))).split())
    assert "A <script>alert(1)</script> and </td> here" in text
