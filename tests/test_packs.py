"""Packs: exempt information never reaches a public file, by any path, and Part B holds it;
selections, summaries and deep dives are named apart from the full register; what a pack cannot
do is refused with one line and nothing written.

The leak test puts a marker in every withheld field of an exempt entry (and in last quarter's
register, which the changes summary and history read), builds every format in public, and searches
every byte an independent reader can reach: each zip member of the .docx/.xlsx, every PDF object
(streams raw and decompressed, dictionaries and strings) and its extracted text, the HTML source.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from ruamel.yaml import YAML

from conftest import SAMPLES
from reportgen import api
from reportgen.cli import main

WHOLE = "ZQXWHOLEMARK"  # in every field of an entry withheld whole
PART = "ZQXPARTMARK"  # in the withheld fields of an entry withheld in part
OPEN = "ZQXOPENMARK"  # in a field of the part-withheld entry that stays public


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    return y


def _marked(tmp: Path, name: str, source: Path = SAMPLES / "q2-2018-19.yaml", period: str | None = None) -> Path:
    """A copy of a sample with CR3 withheld whole and CR5's controls and actions withheld."""
    data = _yaml().load(source.read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in data["risks"]}
    whole, part = by_id["CR3"], by_id["CR5"]
    for key in ("description", "consequences", "direction", "owner"):
        whole[key] = f"{WHOLE} {key}"
    whole["controls"] = f"- {WHOLE} control"
    whole["actions"] = f"- {WHOLE} action"
    whole["types"] = [f"{WHOLE}type"]
    whole["exempt"] = {"paragraph": 3}
    part["controls"] = f"- {PART} control"
    part["actions"] = f"- {PART} action"
    part["direction"] = f"{OPEN} direction"
    part["exempt"] = {"paragraph": 5, "fields": ["controls", "actions"]}
    if period:
        data["period"] = period
        data.pop("report_date", None)
    out = tmp / name
    with out.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)
    return out


def _pdf_texts(path: Path) -> list[str]:
    """Every string a PDF holds: extracted page text, each object's dictionary and strings, and
    each stream's bytes, raw and decoded."""
    out = ["\n".join(page.extract_text() or "" for page in PdfReader(path).pages)]
    with pikepdf.open(path) as pdf:
        out.append(str(pdf.docinfo))
        out.append(pdf.Root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in pdf.Root else "")
        for obj in pdf.objects:
            out.append(repr(obj))
            if isinstance(obj, pikepdf.Stream):
                out.append(obj.read_raw_bytes().decode("latin-1"))
                try:
                    out.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    pass
    return out


def _every_part(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if path.suffix == ".pdf":
        return "\n".join(_pdf_texts(path))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("packs")
    _marked(tmp, "q1.yaml", SAMPLES / "q1-2018-19.yaml")
    _marked(tmp, "reg.yaml")
    return tmp


@pytest.fixture(scope="module")
def public(marked) -> Path:
    out = marked / "public"
    assert main(["build", str(marked / "reg.yaml"), "--previous", str(marked / "q1.yaml"), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def part_b(marked) -> Path:
    out = marked / "b"
    argv = ["build", str(marked / "reg.yaml"), "--previous", str(marked / "q1.yaml"), "--part", "b", "-o", str(out)]
    assert main(argv) == 0
    return out


@pytest.mark.parametrize("ext", ["docx", "pdf", "xlsx", "html"])
def test_public_files_hold_no_exempt_information(public, ext):
    path = public / f"reg.{ext}"
    text = _every_part(path)
    assert WHOLE not in text and PART not in text
    # what stays public is there, so the search reads the file's words
    assert OPEN in text or ext == "pdf" and OPEN in _pdf_texts(path)[0].replace("\n", " ")
    assert "NOT FOR PUBLICATION" not in text


@pytest.mark.parametrize("ext", ["docx", "pdf", "xlsx", "html"])
def test_public_files_say_why_and_keep_id_and_title(public, ext):
    path = public / f"reg.{ext}"
    text = " ".join((_pdf_texts(path)[0] if ext == "pdf" else _every_part(path)).split())
    assert "Exempt information under paragraph 3 of Schedule 12A" in text
    assert "Exempt information under paragraph 5 of Schedule 12A" in text
    assert "CR3" in text


def test_a_public_build_writes_no_part_b(public):
    assert sorted(p.name for p in public.iterdir()) == ["reg.docx", "reg.html", "reg.pdf", "reg.xlsx"]


@pytest.mark.parametrize("ext", ["docx", "pdf", "xlsx", "html"])
def test_part_b_holds_everything_and_says_not_for_publication(part_b, ext):
    path = part_b / f"reg-part-b.{ext}"
    text = _every_part(path)
    if ext == "pdf":
        text = " ".join(_pdf_texts(path)[0].split())
    assert WHOLE in text and PART in text and OPEN in text
    assert "NOT FOR PUBLICATION" in text


def _run(tmp: Path, *args: str, capsys) -> tuple[int, str, list[str]]:
    out = tmp / "out"
    code = main(["build", *args, "-o", str(out)])
    err = capsys.readouterr().err
    return code, err, sorted(p.name for p in out.iterdir()) if out.exists() else []


def test_selections_are_named_apart_from_the_register(tmp_path, capsys):
    reg = SAMPLES / "q2-2018-19.yaml"
    code, err, names = _run(tmp_path, str(reg), "--owner", "children", "-f", "html", capsys=capsys)
    assert code == 0, err
    assert names == ["q2-2018-19-owner-children.html"]
    html = (tmp_path / "out" / names[0]).read_text(encoding="utf-8")
    reg = api.load(reg).register
    total = len(reg.risks) + len(reg.opportunities)
    children = [e for e in (*reg.risks, *reg.opportunities) if "children" in (e.owner or "").lower()]
    assert f"{len(children)} of {total} entries" in html


def test_a_deep_dive_writes_one_document_per_entry(tmp_path, capsys):
    reg = SAMPLES / "q2-2018-19.yaml"
    code, err, names = _run(tmp_path, str(reg), "--pack", "deep-dive", "--ids", "CR3,CR5", "-f", "html", capsys=capsys)
    assert code == 0, err
    assert names == ["q2-2018-19-CR3.html", "q2-2018-19-CR5.html"]
    one = (tmp_path / "out" / "q2-2018-19-CR3.html").read_text(encoding="utf-8")
    assert 'id="entry-cr3"' in one and 'id="entry-cr5"' not in one


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--ids", "CR99"], "--ids: CR99 is not an entry"),
        (["--owner", "nobody-at-all"], "no entry of the register is selected"),
        (["--band", "Purple"], "--band: 'Purple' is not a band"),
        (["--pack", "deep-dive"], "--pack deep-dive needs --ids"),
        (["--pack", "summary", "-f", "xlsx"], "the summary is written as Word, PDF and HTML"),
    ],
)
def test_what_a_pack_cannot_do_is_one_line_and_nothing_written(tmp_path, capsys, args, says):
    code, err, names = _run(tmp_path, str(SAMPLES / "q2-2018-19.yaml"), *args, capsys=capsys)
    assert code != 0
    assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert names == []


@pytest.mark.parametrize(
    ("exempt", "says"),
    [
        ("{paragraph: 8}", "paragraph"),
        ("{paragraph: 0}", "paragraph"),
        ("{paragraph: 3, fields: [colour]}", "colour"),
    ],
)
def test_a_bad_exemption_is_refused_with_its_line(tmp_path, capsys, exempt, says):
    reg = tmp_path / "reg.yaml"
    text = (SAMPLES / "small.yaml").read_text(encoding="utf-8")
    reg.write_text(text.replace("  - id: CR2\n", f"  - id: CR2\n    exempt: {exempt}\n", 1), encoding="utf-8")
    code, err, names = _run(tmp_path, str(reg), capsys=capsys)
    assert code != 0 and names == []
    assert "reg.yaml:" in err and says in err


def test_a_selection_is_compared_with_last_quarters_same_entries(tmp_path, capsys):
    """--ids CR3 against Q1: CR3's trend, and no other entry reported closed."""
    q1, q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"
    code, err, names = _run(tmp_path, str(q2), "--previous", str(q1), "--ids", "CR3", "-f", "xlsx", capsys=capsys)
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "out" / names[0])
    words = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "▼ Down from 25 (better)" in words
    assert "Closed: in Q1 2018/19, not in Q2 2018/19 (0)" in words
    assert "CR12" not in words and "CR1 " not in words


def test_part_b_in_word_says_which_information_is_exempt_and_import_reads_it_back(part_b, tmp_path, capsys):
    """Each exempt entry in Part B carries a line naming its paragraph and fields; importing the
    Part B appendix marks them exempt again, so a public build from it withholds the same."""
    import docx

    text = "\n".join(c.text for t in docx.Document(part_b / "reg-part-b.docx").tables for r in t.rows for c in r.cells)
    assert "Exempt information (paragraph 3): the whole entry" in text
    assert "Exempt information (paragraph 5): controls, actions" in text
    back = tmp_path / "back.yaml"
    assert main(["import", str(part_b / "reg-part-b.docx"), "-o", str(back)]) == 0
    assert "Part B document" not in capsys.readouterr().err
    reg = api.load(back).register
    marks = {e.id: (e.exempt.paragraph, e.exempt.fields) for e in reg.risks if e.exempt}
    assert marks == {"CR3": (3, None), "CR5": (5, ["controls", "actions"])}
    assert main(["build", str(back), "-o", str(tmp_path / "public"), "-f", "html"]) == 0
    html = (tmp_path / "public" / "back.html").read_text(encoding="utf-8")
    assert WHOLE not in html and PART not in html and OPEN in html
