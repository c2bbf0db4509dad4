"""A council's reference document (`--reference-docx`) lends the appendix its styles, fonts,
page set-up, header and footer (with their internal images), numbering and theme, and
nothing else: no link Word would follow when a member of the public opens the published
appendix, no name or path from the council's network, no comment, no thumbnail. What is
dropped is said, in one warning.

The reference is made here with python-docx and raw XML edits (every item by hand, as Word
writes it), and the output is read back zip member by zip member."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from conftest import SAMPLES
from reportgen import api
from reportgen.cli import main
from reportgen.writers import Options

SMALL = SAMPLES / "small.yaml"
REMOTE_TEMPLATE = "https://templates.example.gov.uk/house/Council%20Letter.dotm"
SERVER_PATH = r"\\fileserver\templates\house.dotm"
# A 1x1 PNG: the council's logo, embedded in the header.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HEADER_TEXT = "Example House Header - OFFICIAL"
SECRETS = [
    "INCLUDEPICTURE",
    "INCLUDETEXT",
    "fileserver",
    "templates.example.gov.uk",
    "tracker.example.net",
    "intranet.example.gov.uk",
    "Example Borough ICT Services",  # the company
    "Jane Bloggs",  # the manager, and the comments' author
    "Ledger reference",  # a custom property
    "Please check this paragraph",  # a comment
    "attachedTemplate",
]

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EXTERNAL_IMAGE_DRAWING = f"""<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">
 <wp:extent cx="9525" cy="9525"/><wp:docPr id="901" name="Tracker"/>
 <a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
 <a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
 <pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">
 <pic:nvPicPr><pic:cNvPr id="0" name="t.png"/><pic:cNvPicPr/></pic:nvPicPr>
 <pic:blipFill><a:blip r:link="rIdExtImg1" xmlns:r="{R}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
 <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="9525" cy="9525"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>
 </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"""
EXTERNAL_IMAGE_VML = f"""<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="tr2"
 style="width:1pt;height:1pt"><v:imagedata r:id="rIdExtImg2" xmlns:r="{R}"/></v:shape></w:pict></w:r>"""
HYPERLINK = f"""<w:hyperlink r:id="rIdExtLink" xmlns:r="{R}"><w:r><w:t>Intranet</w:t></w:r></w:hyperlink>"""
INCLUDE_SIMPLE = """<w:fldSimple w:instr=' INCLUDEPICTURE "https://tracker.example.net/h.png" \\d '>
 <w:r><w:t>[picture]</w:t></w:r></w:fldSimple>"""
INCLUDE_COMPLEX = """<w:r><w:fldChar w:fldCharType="begin"/></w:r>
 <w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "https://tracker.example.net/f.png" </w:instrText></w:r>
 <w:r><w:instrText xml:space="preserve">\\* MERGEFORMATINET </w:instrText></w:r>
 <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>[footer picture]</w:t></w:r>
 <w:r><w:fldChar w:fldCharType="end"/></w:r>"""


def _insert_paragraph(xml: str, inner: str) -> str:
    """`inner` as a new last paragraph of a header or footer part."""
    end = xml.rindex("</w:hdr>" if "</w:hdr>" in xml else "</w:ftr>")
    return xml[:end] + f"<w:p>{inner}</w:p>" + xml[end:]


def _add_rels(xml: str, *rels: str) -> str:
    if "<Relationships" not in xml:
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{RELS}"></Relationships>'
    end = xml.rindex("</Relationships>")
    return xml[:end] + "".join(rels) + xml[end:]


def _rel(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'


def make_reference(path: Path) -> Path:
    """A council template that holds every item issue 15 names."""
    ref = docx.Document()
    body = ref.add_paragraph("Old body text that must go")
    ref.add_comment(body.runs, text="Please check this paragraph", author="Jane Bloggs", initials="JB")
    ref.add_comment(body.runs, text="Please check this paragraph again", author="Jane Bloggs", initials="JB")
    ref.add_comment(body.runs, text="Please check this paragraph, third time", author="Jane Bloggs", initials="JB")
    sec = ref.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = Cm(3)
    head = sec.header.paragraphs[0]
    head.text = HEADER_TEXT
    head.add_run().add_picture(io.BytesIO(LOGO), width=Cm(1))
    sec.footer.paragraphs[0].text = "Example house footer"
    style = ref.styles.add_style("Register Table Text", 1)
    style.font.size = Pt(11)
    style.font.name = "Georgia"
    raw = io.BytesIO()
    ref.save(raw)

    with zipfile.ZipFile(raw) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    text = {n: b.decode("utf-8") for n, b in parts.items() if n.endswith((".xml", ".rels"))}
    assert "docProps/thumbnail.jpeg" in parts  # (python-docx's template carries one)

    # A remote attached template, which Word fetches on opening.
    s = text["word/settings.xml"]
    s = s.replace("<w:defaultTabStop", f'<w:attachedTemplate r:id="rIdTpl" xmlns:r="{R}"/><w:defaultTabStop', 1)
    text["word/settings.xml"] = s
    text["word/_rels/settings.xml.rels"] = _add_rels(
        "", _rel("rIdTpl", f"{R}/attachedTemplate", REMOTE_TEMPLATE, external=True)
    )

    # The header: two external images (DrawingML and VML), an external link, an INCLUDEPICTURE field.
    doc_rels = text["word/_rels/document.xml.rels"]
    header = next(m.group(1) for m in re.finditer(r'Target="(header\d*\.xml)"', doc_rels))
    footer = next(m.group(1) for m in re.finditer(r'Target="(footer\d*\.xml)"', doc_rels))
    h = text[f"word/{header}"]
    h = _insert_paragraph(h, EXTERNAL_IMAGE_DRAWING + EXTERNAL_IMAGE_VML + HYPERLINK + INCLUDE_SIMPLE)
    text[f"word/{header}"] = h
    hrels = f"word/_rels/{header}.rels"
    text[hrels] = _add_rels(
        text.get(hrels, ""),
        _rel("rIdExtImg1", f"{R}/image", "https://tracker.example.net/pixel.png?u=1", external=True),
        _rel("rIdExtImg2", f"{R}/image", "https://tracker.example.net/pixel.png?u=2", external=True),
        _rel("rIdExtLink", f"{R}/hyperlink", "https://intranet.example.gov.uk/risk", external=True),
    )
    # The footer: an INCLUDEPICTURE as a complex field.
    text[f"word/{footer}"] = _insert_paragraph(text[f"word/{footer}"], INCLUDE_COMPLEX)

    # The company, the manager and a path on the council's file server.
    app = text["docProps/app.xml"]
    app = re.sub(r"<Company\s*/>", "<Company>Example Borough ICT Services</Company>", app)
    app = re.sub(r"<Manager\s*/>", "<Manager>Jane Bloggs</Manager>", app)
    app = re.sub(r"<Template>.*?</Template>", lambda m: f"<Template>{SERVER_PATH}</Template>", app)
    text["docProps/app.xml"] = app

    # Custom properties.
    text["docProps/custom.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Ledger reference">'
        "<vt:lpwstr>FIN-2024-0042</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Classification">'
        "<vt:lpwstr>OFFICIAL-SENSITIVE</vt:lpwstr></property></Properties>"
    )
    text["_rels/.rels"] = _add_rels(
        text["_rels/.rels"],
        _rel("rIdCustom", f"{R}/custom-properties", "docProps/custom.xml"),
    )
    # Comments' companions, as Word writes them.
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    text["word/commentsExtended.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:commentsEx xmlns:w15="{w15}">'
        '<w15:commentEx w15:paraId="00000001" w15:done="0"/></w15:commentsEx>'
    )
    text["word/people.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:people xmlns:w15="{w15}">'
        '<w15:person w15:author="Jane Bloggs"/></w15:people>'
    )
    ms = "http://schemas.microsoft.com/office/2011/relationships"
    text["word/_rels/document.xml.rels"] = _add_rels(
        doc_rels,
        _rel("rIdCx", f"{ms}/commentsExtended", "commentsExtended.xml"),
        _rel("rIdPpl", f"{ms}/people", "people.xml"),
    )
    wml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    overrides = {
        "/docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        "/word/commentsExtended.xml": f"{wml}.commentsExtended+xml",
        "/word/people.xml": f"{wml}.people+xml",
    }
    ct = text["[Content_Types].xml"]
    end = ct.rindex("</Types>")
    ct = ct[:end] + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides.items()) + ct[end:]
    text["[Content_Types].xml"] = ct

    for name, value in text.items():
        parts[name] = value.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    # (the reference holds what the test is about)
    with zipfile.ZipFile(path) as z:
        everything = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert 'TargetMode="External"' in everything and "INCLUDEPICTURE" in everything and "Jane Bloggs" in everything
    assert {"word/comments.xml", "docProps/custom.xml", "docProps/thumbnail.jpeg"} <= set(parts)
    return path


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_a_reference_document_lends_its_look_and_nothing_else(tmp_path, capsys):
    ref = make_reference(tmp_path / "house.docx")
    out = tmp_path / "out"
    assert main(["build", str(SMALL), "-f", "docx", "-o", str(out), "--reference-docx", str(ref)]) == 0
    captured = capsys.readouterr()
    data = (out / "small.docx").read_bytes()
    members = _members(data)

    # Nothing Word would fetch, and nothing of the council's network, people or comments.
    for name, blob in members.items():
        text = blob.decode("utf-8", "replace")
        assert "External" not in text, name
        for secret in SECRETS:
            assert secret not in text, (name, secret)
    for name in members:
        assert not re.match(r"docProps/(custom\.xml|thumbnail\.)", name), name
        assert not re.match(r"word/(comments|commentsExtended|commentsIds|commentsExtensible|people)\.xml", name), name
    types = members["[Content_Types].xml"].decode()
    assert "custom-properties" not in types and "comments" not in types.lower() and "thumbnail" not in types

    # What was dropped is said, in one warning line.
    assert captured.err.splitlines() == [
        f"{ref}: warning: dropped from the reference document: a remote template ({REMOTE_TEMPLATE}), "
        "2 fields that fetch a picture (INCLUDEPICTURE) in the header and footer, "
        "2 external images in the header, an external link in the header, "
        f"the company name, the manager, the template's path ({SERVER_PATH}), "
        "custom properties, 3 comments, the thumbnail"
    ]

    # The look is kept: header text and its embedded logo, footer, styles, margins.
    doc = docx.Document(io.BytesIO(data))
    sec = doc.sections[0]
    assert sec.left_margin.twips == Cm(2.5).twips and sec.top_margin.twips == Cm(3).twips
    assert HEADER_TEXT in [p.text for p in sec.header.paragraphs]
    assert "Example house footer" in [p.text for p in sec.footer.paragraphs]
    header_part = sec.header.part
    blips = header_part.element.findall(".//" + qn("a:blip"))
    assert len(blips) == 1
    logo = header_part.rels[blips[0].get(qn("r:embed"))]
    assert not logo.is_external and logo.target_part.blob == LOGO
    st = doc.styles["Register Table Text"]
    assert st.font.size == Pt(11) and st.font.name == "Georgia"
    assert "Old body text" not in "\n".join(p.text for p in doc.paragraphs)
    # Numbering and theme come along (the writer's lists use the one, Word's colours the other).
    assert "word/numbering.xml" in members and any(n.startswith("word/theme/") for n in members)


def test_the_warning_reaches_the_api_and_the_output_is_deterministic(tmp_path):
    ref = make_reference(tmp_path / "house.docx")
    register = api.load(SMALL).register
    opts = Options(reference_docx=ref)
    first = api.render(register, "docx", opts)
    assert [str(d) for d in opts.warnings] and all(d.severity == "warning" for d in opts.warnings)
    assert all(str(ref) == d.file for d in opts.warnings)
    assert api.render(register, "docx", Options(reference_docx=ref)) == first
    result = api.build(SMALL, tmp_path / "out", "docx", opts)
    assert len([d for d in result.warnings if "reference document" in d.message]) == 1


def test_a_plain_reference_document_warns_of_its_thumbnail_alone(tmp_path):
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = HEADER_TEXT
    path = tmp_path / "plain.docx"
    ref.save(str(path))
    opts = Options(reference_docx=path)
    # python-docx's own template carries a thumbnail (and an empty bibliography, which is dropped
    # without a word): a council's shows the template's first page.
    data = api.render(api.load(SMALL).register, "docx", opts)
    assert [str(d) for d in opts.warnings] == [f"{path}: warning: dropped from the reference document: the thumbnail"]
    assert not any(n.startswith("docProps/thumbnail") for n in _members(data))


def test_fields_that_fetch_go_even_nested_and_a_hyperlink_field_keeps_its_text():
    from lxml import etree

    from reportgen.writers.docx import reference

    w = reference.W_NS
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>{code}</w:instrText></w:r>{inner}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{result}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    include = field.format(code=r' INCLUDETEXT "\\server\x.docx" ', inner="", result="included")
    xml = (
        f'<w:ftr xmlns:w="{w}"><w:p><w:r><w:t>Before </w:t></w:r>'
        + field.format(code=' HYPERLINK "https://example.net/" ', inner="", result="our website")
        + field.format(code=" IF ", inner=include + '<w:r><w:instrText> = 1 "a" "b" </w:instrText></w:r>', result="a")
        + "<w:r><w:t> After</w:t></w:r></w:p></w:ftr>"
    )
    root = etree.fromstring(xml)
    dropped = reference.Dropped()
    reference._clean_fields(root, "footer", dropped)
    assert dropped.words() == [
        "an external link in the footer",
        "a field that fetches text (INCLUDETEXT) in the footer",
    ]
    assert "".join(t.text for t in root.iter(f"{{{w}}}t")) == "Before our websitea After"
    assert [t.text for t in root.iter(f"{{{w}}}instrText")] == [" IF ", ' = 1 "a" "b" ']
