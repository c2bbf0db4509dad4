"""What a council's reference document (`--reference-docx`) may carry into the appendix.

The appendix is published: a member of the public opens it. A council's Word template lends
it styles, fonts, page set-up, header and footer (with their embedded images), numbering and
theme. It also holds what must not reach the public, or that Word would act on when they open
the file: a remote attached template, linked images and links in the header, INCLUDEPICTURE
fields (Word fetches all of these), the company, the manager, the path of the template on a
file server, custom properties, comments and their authors, the thumbnail of the template's
first page, a printer's settings, document variables, a mail-merge data source, macros.

`clean` keeps what the look needs and drops the rest, working on python-docx's package (its
parts and relationships) after the body has been cleared, and returns what it dropped in a
few words for one warning. It works by keeping, not by removing known dangers: a part,
relationship or element it does not know is not carried over.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
O_NS = "urn:schemas-microsoft-com:office:office"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


#: The main document's relationships that carry the look (by the last word of their type).
_LOOK = {"styles", "stylesWithEffects", "numbering", "settings", "webSettings", "fontTable", "theme"}
#: ... and those that hold the body's own notes (kept for their separators only).
_NOTES = {"footnotes", "endnotes"}
#: The package's own relationships kept: the document and its properties (which the writer
#: rewrites: core properties from the register, the application's from python-docx's template).
_PACKAGE = {"officeDocument", "core-properties", "extended-properties"}
_COMMENTS = {"comments", "commentsExtended", "commentsIds", "commentsExtensible", "people"}
#: Fields whose result Word fetches from elsewhere when the document is opened or printed.
_FETCHING = {"INCLUDEPICTURE": "a picture", "INCLUDETEXT": "text", "LINK": "linked content", "DDE": "linked content"}
_FETCHING["DDEAUTO"] = _FETCHING["IMPORT"] = _FETCHING["DDE"]
#: Changes tracked in a header or footer: accepted (their author and date go with them).
_TRACKED_KEEP = ("ins", "moveTo")
_TRACKED_DROP = ("del", "moveFrom")
_TRACKED_MARKS = (
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblGridChange",
    "trPrChange",
    "tcPrChange",
    "numberingChange",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
)
_COMMENT_MARKS = ("commentRangeStart", "commentRangeEnd", "commentReference")
#: What may hold a reference to a linked or embedded object; removed whole with it.
_OBJECTS = (f"{{{MC_NS}}}AlternateContent", _w("drawing"), _w("pict"), _w("object"))
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _kind(rel) -> str:
    return rel.reltype.rstrip("/").rsplit("/", 1)[-1]


class Dropped:
    """What was dropped, in the order found: `add("external image", where="header")` twice
    reads "2 external images in the header"; kinds with no count read as given."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = {}
        self._where: dict[tuple[str, str], list[str]] = {}

    def add(self, what: str, plural: str | None = None, n: int = 1, where: str | None = None) -> None:
        key = (what, plural or "")
        self._counts[key] = self._counts.get(key, 0) + n
        places = self._where.setdefault(key, [])
        if where and where not in places:
            places.append(where)

    def __bool__(self) -> bool:
        return bool(self._counts)

    def words(self) -> list[str]:
        out = []
        for (what, plural), n in self._counts.items():
            text = what if not plural else (f"{_an(what)} {what}" if n == 1 else f"{n} {plural}")
            places = self._where[(what, plural)]
            if places:
                text += " in the " + " and ".join(places)
            out.append(text)
        return out


def _an(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --------------------------------------------------------------------------- XML of a part


class _Xml:
    """A part's XML to edit: python-docx's own element for the parts it models, else parsed
    from the part's bytes and written back by `save`."""

    def __init__(self, part):
        self.part = part
        element = getattr(part, "_element", None)
        self.raw = element is None
        self.root: Any = etree.fromstring(part.blob, _SAFE) if element is None else element

    def save(self) -> None:
        if self.raw:
            self.part._blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _is_xml(part) -> bool:
    return str(part.content_type).endswith("xml")


def _drop_rel(rels, rid: str) -> None:
    rels.pop(rid, None)
    rels._target_parts_by_rId.pop(rid, None)  # (python-docx keeps a second map of them)


def _references(root) -> dict[str, list[tuple[etree._Element, str]]]:
    """Every relationship id the XML refers to: id -> [(element, attribute)]."""
    found: dict[str, list[tuple[etree._Element, str]]] = {}
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr.startswith(f"{{{R_NS}}}") or attr == f"{{{O_NS}}}relid":
                found.setdefault(value, []).append((el, attr))
    return found


def _remove(el) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _unwrap(el) -> None:
    """Replace an element by its children (a hyperlink by its text, an insertion by what it inserts)."""
    parent = el.getparent()
    if parent is None:
        return
    i = parent.index(el)
    for child in list(el):
        parent.insert(i, child)
        i += 1
    parent.remove(el)


def _object_of(el):
    """The linked or embedded object `el` is part of (the drawing, VML picture or OLE
    object, or the alternative forms of one), or `el` itself."""
    found = None
    for anc in el.iterancestors():
        if anc.tag in _OBJECTS:
            found = anc  # the outermost: an AlternateContent holds a drawing and its VML fallback
        if anc.tag == _w("p"):
            break
    return found if found is not None else el


def _unlink(xml: _Xml, rid: str, refs) -> None:
    """Remove the XML's references to relationship `rid`: a hyperlink becomes its text; a
    picture both embedded and linked keeps its embedded copy; anything else goes whole."""
    for el, attr in refs.get(rid, ()):
        if el.tag == _w("hyperlink"):
            _unwrap(el)
        elif el.tag == f"{{{A_NS}}}blip" and attr == f"{{{R_NS}}}link" and el.get(f"{{{R_NS}}}embed"):
            del el.attrib[attr]
        else:
            obj = _object_of(el)
            run = obj.getparent()
            _remove(obj)
            if run is not None and run.tag == _w("r") and all(c.tag == _w("rPr") for c in run):
                _remove(run)  # (a run that held only the picture)


# --------------------------------------------------------------------------- fields


class _Field:
    __slots__ = ("instr", "sep", "code", "result", "end")

    def __init__(self) -> None:
        self.instr: list[str] = []
        self.sep = False
        self.code: list = []  # runs from its begin to its separate
        self.result: list = []
        self.end: list = []


def _fields(root) -> Iterable[_Field]:
    """Each complex field (w:fldChar begin, instruction, separate, result, end) in `root`,
    with its runs: a nested field's runs are its parent's too."""
    open_: list[_Field] = []
    for run in root.iter(_w("r")):
        separated = {id(f): f.sep for f in open_}
        touched = list(open_)
        ended: list[_Field] = []
        for child in run:
            if child.tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    open_.append(_Field())
                    touched.append(open_[-1])
                elif kind == "separate" and open_:
                    open_[-1].sep = True
                elif kind == "end" and open_:
                    ended.append(open_.pop())
            elif child.tag == _w("instrText") and open_ and not open_[-1].sep:
                open_[-1].instr.append(child.text or "")
        for f in touched:
            if f in ended:
                f.end.append(run)
            elif separated.get(id(f)):
                f.result.append(run)
            else:
                f.code.append(run)
        yield from ended


def _field_name(instr: str) -> str:
    return instr.split()[0].upper() if instr.split() else ""


def _fetching(dropped: Dropped, name: str, where: str) -> None:
    what = _FETCHING[name]
    dropped.add(f"field that fetches {what} ({name})", f"fields that fetch {what} ({name})", where=where)


def _clean_fields(root, where: str, dropped: Dropped) -> None:
    """Remove the fields whose result Word fetches (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE);
    a HYPERLINK field keeps its text and loses its address."""
    for f in list(root.iter(_w("fldSimple"))):
        name = _field_name(f.get(_w("instr"), ""))
        if name in _FETCHING:
            _remove(f)
            _fetching(dropped, name, where)
        elif name == "HYPERLINK":
            _unwrap(f)
            dropped.add("external link", "external links", where=where)
    doomed: list = []
    for f in _fields(root):
        name = _field_name("".join(f.instr))
        if name in _FETCHING:
            doomed += f.code + f.result + f.end
            _fetching(dropped, name, where)
        elif name == "HYPERLINK":
            doomed += f.code + f.end
            dropped.add("external link", "external links", where=where)
    for run in dict.fromkeys(doomed):  # (a run of a nested field is listed twice)
        _remove(run)


# --------------------------------------------------------------------------- the parts


def _clean_story(part, where: str, dropped: Dropped) -> None:
    """A header or footer: its text, fields and embedded images stay; linked images, links,
    fields that fetch, embedded objects, comment marks and tracked changes do not."""
    xml = _Xml(part)
    root = xml.root
    _clean_fields(root, where, dropped)
    for tag in _COMMENT_MARKS:
        for el in list(root.iter(_w(tag))):
            run = el.getparent() if tag == "commentReference" else None
            _remove(run if run is not None and run.tag == _w("r") else el)
    tracked = False
    for tag in _TRACKED_DROP + _TRACKED_MARKS:
        for el in list(root.iter(_w(tag))):
            _remove(el)
            tracked = True
    for tag in _TRACKED_KEEP:
        for el in list(root.iter(_w(tag))):
            _unwrap(el)
            tracked = True
    if tracked:
        dropped.add("tracked changes (accepted)", where=where)
    refs = _references(root)
    for rid, rel in list(part.rels.items()):
        kind = _kind(rel)
        if kind == "image" and not rel.is_external:
            continue
        if rel.is_external and kind == "image":
            dropped.add("external image", "external images", n=max(1, _count_objects(refs, rid)), where=where)
        elif rel.is_external and kind == "hyperlink":
            dropped.add("external link", "external links", n=max(1, len(refs.get(rid, ()))), where=where)
        elif rel.is_external:
            dropped.add("external link", "external links", where=where)
        elif rid in refs:
            dropped.add("embedded object", "embedded objects", where=where)
        _unlink(xml, rid, refs)
        _drop_rel(part.rels, rid)
    xml.save()


def _count_objects(refs, rid: str) -> int:
    return len({id(_object_of(el)) for el, _ in refs.get(rid, ())})


def _clean_notes(part) -> None:
    """Footnotes or endnotes: only the separators stay (the notes were the old body's)."""
    xml = _Xml(part)
    for note in list(xml.root):
        if note.get(_w("type")) not in ("separator", "continuationSeparator", "continuationNotice"):
            xml.root.remove(note)
    _drop_unreferenced(xml, part)
    xml.save()


def _drop_unreferenced(xml: _Xml, part) -> None:
    refs = _references(xml.root)
    for rid in [rid for rid in part.rels if rid not in refs]:
        _drop_rel(part.rels, rid)


def _clean_settings(part, dropped: Dropped) -> None:
    xml = _Xml(part)
    root = xml.root
    for el in list(root.iter(_w("attachedTemplate"))):
        rel = part.rels.get(el.get(f"{{{R_NS}}}id", ""))
        target = rel.target_ref if rel is not None else ""
        if re.match(r"(?i)https?:", target):
            dropped.add(f"a remote template ({target})")
        elif target:
            dropped.add(f"the attached template ({_path(target)})")
        _remove(el)
    for el in list(root.iter(_w("linkStyles"))):  # (update styles from that template)
        _remove(el)
    for el in list(root.iter(_w("mailMerge"))):
        dropped.add("a mail-merge data source")
        _remove(el)
    for el in list(root.iter(_w("docVars"))):
        dropped.add("document variables")
        _remove(el)
    _drop_unreferenced(xml, part)
    xml.save()


def _path(target: str) -> str:
    """A file: URL as the path it names (`\\\\fileserver\\...` as Windows writes it)."""
    from urllib.parse import unquote

    t = unquote(target)
    m = re.match(r"(?i)file:/*(.*)", t)
    if m:
        rest = m.group(1)
        t = rest if re.match(r"[A-Za-z]:", rest) or rest.startswith("\\\\") else "\\\\" + rest.replace("/", "\\")
    return t


@lru_cache(maxsize=1)
def _plain_app_xml() -> bytes:
    """python-docx's own docProps/app.xml: what the appendix carries without a reference document."""
    template = Path(docx.__file__).parent / "templates" / "default.docx"
    with zipfile.ZipFile(template) as z:
        return z.read("docProps/app.xml")


def _clean_app(part, dropped: Dropped) -> None:
    """The application's properties are replaced by python-docx's plain ones, saying which
    of the council's were there."""
    try:
        root = etree.fromstring(part.blob, _SAFE)
    except etree.XMLSyntaxError:
        root = None
    if root is not None:

        def value(tag: str) -> str:
            el = root.find(f"{{{EP_NS}}}{tag}")
            return (el.text or "").strip() if el is not None else ""

        if value("Company"):
            dropped.add("the company name")
        if value("Manager"):
            dropped.add("the manager")
        template = value("Template")
        if re.search(r"[\\/]", template):
            dropped.add(f"the template's path ({template})")
        if value("HyperlinkBase"):
            dropped.add(f"the hyperlink base ({value('HyperlinkBase')})")
    part._blob = _plain_app_xml()


def _clear_core(part) -> None:
    """Core properties: the writer sets those it uses from the register; none of the
    council's template (its status, version, identifier, title) stays."""
    root = part._element if getattr(part, "_element", None) is not None else None
    if root is None:
        return
    for child in list(root):
        root.remove(child)


def _custom_count(part) -> int:
    try:
        return len(etree.fromstring(part.blob, _SAFE))
    except etree.XMLSyntaxError:
        return 1


def _trivial_custom_xml(part) -> bool:
    """python-docx's (and Word's) empty bibliography: nothing anyone wrote."""
    try:
        root = etree.fromstring(part.blob, _SAFE)
    except etree.XMLSyntaxError:
        return False
    return root.tag.endswith("}Sources") and len(root) == 0


def _comment_count(part) -> int:
    try:
        root = part._element if getattr(part, "_element", None) is not None else etree.fromstring(part.blob, _SAFE)
    except etree.XMLSyntaxError:
        return 1
    return sum(1 for _ in root.iter(_w("comment")))


# --------------------------------------------------------------------------- the package


def clean(doc, warn: Callable[[str], None]) -> None:
    """Strip `doc` (a reference document opened by python-docx, its body already cleared)
    to its look, and `warn` once, in a few words, of what was dropped."""
    dropped = Dropped()
    main = doc.part
    package = main.package
    for rel in list(main.rels.values()):
        if _kind(rel) == "settings" and not rel.is_external:
            _clean_settings(rel.target_part, dropped)

    # The section's printer (a binary of the printer's name and settings) is not the look.
    for el in list(main.element.body.iter(_w("printerSettings"))):
        dropped.add("the printer settings")
        _remove(el)
    used = _references(main.element)
    for rid, rel in list(main.rels.items()):
        if _kind(rel) in ("header", "footer") and not rel.is_external and rid in used:
            _clean_story(rel.target_part, _kind(rel), dropped)

    properties = ("extended-properties", "core-properties", "custom-properties")
    for rel in [r for r in package.rels.values() if _kind(r) in properties and not r.is_external]:
        kind = _kind(rel)
        if kind == "extended-properties":
            _clean_app(rel.target_part, dropped)
        elif kind == "core-properties":
            _clear_core(rel.target_part)
        else:
            if _custom_count(rel.target_part):
                dropped.add("custom properties")
            _drop_rel(package.rels, rel.rId)

    for rid, rel in list(main.rels.items()):
        kind = _kind(rel)
        if rel.is_external:
            pass  # (the old body's links: gone with it)
        elif kind in ("header", "footer") and rid in used or kind in _LOOK or kind in _NOTES:
            continue
        elif kind == "comments":
            n = _comment_count(rel.target_part)
            if n:
                dropped.add("comment", "comments", n=n)
        elif kind == "glossaryDocument":
            dropped.add("building blocks (Quick Parts, AutoText)")
        elif kind == "customXml":
            if not _trivial_custom_xml(rel.target_part):
                dropped.add("document-management data (custom XML)")
        elif kind == "vbaProject":
            dropped.add("macros")
        # (anything else was the old body's: its pictures, charts, embedded files)
        _drop_rel(main.rels, rid)

    for rel in list(package.rels.values()):
        kind = _kind(rel)
        if rel.is_external:
            dropped.add(f"a link to {rel.target_ref}")
        elif kind in _PACKAGE:
            continue
        elif kind == "thumbnail":
            dropped.add("the thumbnail")
        elif kind == "customXml":
            if not _trivial_custom_xml(rel.target_part):
                dropped.add("document-management data (custom XML)")
        elif kind.startswith("digital-signature"):
            dropped.add("a digital signature")
        else:
            dropped.add(f"other package data ({kind})")
        _drop_rel(package.rels, rel.rId)

    # What is left (styles, numbering, theme, fonts, web settings, notes) keeps embedded things only.
    notes = {id(r.target_part) for r in main.rels.values() if not r.is_external and _kind(r) in _NOTES}
    for part in list(package.iter_parts()):
        if id(part) in notes:
            _clean_notes(part)
        if _is_xml(part) and any(rel.is_external for rel in part.rels.values()):
            _sweep(part, dropped)
    if dropped:
        warn("dropped from the reference document: " + ", ".join(dropped.words()))


def _sweep(part, dropped: Dropped) -> None:
    """A part kept for the look that links out (a numbering's picture bullet, a theme's
    texture): the links go, and the objects that use them."""
    xml = _Xml(part)
    refs = _references(xml.root)
    where = str(part.partname).rsplit("/", 1)[-1].rsplit(".", 1)[0]
    where = re.sub(r"\d+$", "", where) or "document"
    for rid, rel in list(part.rels.items()):
        if rel.is_external:
            dropped.add("external link", "external links", where=where)
            _unlink(xml, rid, refs)
            _drop_rel(part.rels, rid)
    xml.save()


__all__ = ["clean"]
