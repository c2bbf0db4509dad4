"""The API: a build reads the council's own Word appendix or workbook as well as YAML/JSON;
formats are parsed in one place; a writer's session starts before anything else loads;
import, init and schema are API functions the CLI only prints."""

from __future__ import annotations

import html.parser
import json
import shutil
import subprocess
import sys

import pytest

from conftest import SAMPLES
from reportgen import api, importers, writers
from reportgen.cli import main
from reportgen.writers import FORMATS, UnknownFormat, parse_formats
from test_import_docx import _clerk_table_document

Q1, Q2, SMALL = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml", SAMPLES / "small.yaml"


class _Visible(html.parser.HTMLParser):
    """The text a reader sees: every text node outside <style>/<script>, whitespace folded."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.lines.append(" ".join(data.split()))


def visible_text(path) -> list[str]:
    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.lines


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Q2 2018/19 built from its YAML as .docx, .xlsx and .html; Q1 as .docx."""
    out = tmp_path_factory.mktemp("office")
    api.build(Q2, out, ["docx", "xlsx", "html"])
    api.build(Q1, out / "q1", ["docx"])
    return {"docx": out / "q2-2018-19.docx", "xlsx": out / "q2-2018-19.xlsx", "html": out / "q2-2018-19.html"} | {
        "q1": out / "q1" / "q1-2018-19.docx"
    }


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_build_from_the_workbook_or_appendix_gives_the_yaml_builds_text(kind, office, tmp_path):
    result = api.build(office[kind], tmp_path, "html")
    assert result.written == [tmp_path / "q2-2018-19.html"]
    # Every word, in order: the importers read back everything the register holds.
    assert visible_text(tmp_path / "q2-2018-19.html") == visible_text(office["html"])
    # The checks name the document (it has no lines to point at). A Word appendix shows no report
    # date (the workbook's title block does): the one its file properties hold is named.
    dated = (
        [
            f"{office[kind]}: warning: report date 2018-10-01 taken from the file's created date: check it "
            "(file properties)"
        ]
        if kind == "docx"
        else []
    )
    assert [str(w) for w in result.warnings] == [
        *dated,
        f"{office[kind]}: warning: C01 ID: 'C01' breaks the series of IDs (CO…): did you mean 'CO1'?",
    ]


def test_previous_may_be_last_quarters_word_appendix(office, tmp_path):
    api.build(Q2, tmp_path / "yaml", "html", previous=Q1)
    api.build(Q2, tmp_path / "docx", "html", previous=office["q1"])
    text = visible_text(tmp_path / "docx" / "q2-2018-19.html")
    assert text == visible_text(tmp_path / "yaml" / "q2-2018-19.html")
    assert any("Q1 2018/19" in line for line in text)


def test_the_command_builds_a_workbook_against_an_appendix(office, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(office["xlsx"]), "--previous", str(office["q1"]), "-f", "html", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"wrote {out / 'q2-2018-19.html'}"]
    assert "Traceback" not in captured.err
    assert any("Q1 2018/19" in line for line in visible_text(out / "q2-2018-19.html"))


def test_a_clerk_made_appendix_builds_with_the_imports_warnings(tmp_path, capsys):
    src = tmp_path / "Appendix A Q2.docx"
    _clerk_table_document(src)
    notes = [str(n) for n in importers.import_file(src).notes]
    assert notes  # (the clerk's document has a score it cannot read, a column that fits no field)
    assert main(["build", str(src), "-f", "html", "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[: len(notes)] == notes
    text = " ".join(visible_text(tmp_path / "out" / "Appendix A Q2.html"))
    assert "Delivering the Operational Plan" in text and "Apprenticeship Levy" in text


def test_validate_accepts_a_workbook_and_an_appendix(office, capsys):
    assert main(["validate", str(office["xlsx"]), str(office["q1"])]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{office['xlsx']}: valid, 15 entries, 1 warning",
        f"{office['q1']}: valid, 14 entries, 2 warnings",  # (and the report date, from the file's properties)
    ]


def test_a_document_is_told_by_its_content_not_its_name(office, tmp_path, capsys):
    named_yaml = tmp_path / "register.yaml"
    shutil.copy(office["xlsx"], named_yaml)
    register = api.load(named_yaml).register
    assert len(register.risks) + len(register.opportunities) == 15
    fake = tmp_path / "fake.docx"
    fake.write_text("organisation: not a document\n")
    with pytest.raises(api.RegisterError) as exc:
        api.load(fake)
    assert [str(d) for d in exc.value.diagnostics] == [f"{fake}: is not a Word (.docx) or Excel (.xlsx) file"]
    assert main(["build", str(fake), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"{fake}: is not a Word (.docx) or Excel (.xlsx) file\n"
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- formats and sessions


def test_formats_are_parsed_in_one_place():
    assert parse_formats(" docx, .PDF ,docx") == ["docx", "pdf"]
    assert parse_formats(["html"]) == ["html"]
    assert parse_formats(None) == parse_formats("") == list(FORMATS)
    with pytest.raises(UnknownFormat, match=r"^unknown format 'pptx'; choose from docx, pdf, xlsx, html$"):
        parse_formats("docx,pptx")


def test_an_unknown_format_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(UnknownFormat):
        api.build(tmp_path / "missing.yaml", tmp_path / "out", ["pptx"])
    assert not (tmp_path / "out").exists()


def test_every_writer_is_what_FORMATS_says():
    for name, fmt in FORMATS.items():
        writer = writers.get(name)
        assert (writer.extension, writer.session is not None) == (fmt.extension, fmt.session)
    with pytest.raises(TypeError):
        writers.register("html", "html", "a writer FORMATS says has no session", session=object)


def test_a_session_starts_before_the_register_is_read_and_the_other_writers_load(tmp_path):
    """The PDF's workers fork before reportgen reads the register (pydantic, ruamel.yaml) and
    before python-docx and openpyxl are imported: they neither wait for them nor carry them."""
    script = f"""
import json, sys
from reportgen import api
from reportgen.writers import pdf
seen = []
start = pdf.Typesetting.__init__
def init(self):
    heavy = ("docx", "openpyxl", "pydantic", "ruamel.yaml", "reportgen.view")
    seen.append(sorted(m for m in heavy if m in sys.modules))
    start(self)
pdf.Typesetting.__init__ = init
api.build({str(SMALL)!r}, {str(tmp_path)!r})
print(json.dumps(seen))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [[]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.docx", "small.html", "small.pdf", "small.xlsx"]


# --------------------------------------------------------------------------- import, init, schema


def test_import_init_and_schema_are_api_functions(office, tmp_path):
    result = api.import_register(office["docx"], tmp_path / "q2.yaml")
    assert (result.written, result.valid, result.entries) == (tmp_path / "q2.yaml", True, 15)
    assert [str(n) for n in result.notes] == [
        f"{office['docx']}: warning: report date 2018-10-01 taken from the file's created date: check it "
        "(file properties)"
    ]
    assert [d.severity for d in result.diagnostics] == ["warning"]
    with pytest.raises(api.ReportgenError, match="already exists; use --force"):
        api.import_register(office["docx"], tmp_path / "q2.yaml")
    with pytest.raises(api.Conflict, match="would overwrite the document"):
        api.import_register(office["docx"], office["docx"], force=True)

    starter = api.init(tmp_path / "cr-q3.yaml")
    assert api.load(starter).register.organisation
    with pytest.raises(api.ReportgenError, match="already exists"):
        api.init(starter)

    schema = api.schema()
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["title"] == "reportgen register"
