"""Named styles, fonts and document defaults for the Word writer.

Why raw XML: python-docx can add styles but not outline levels, keep-with-next on a
style, or the document defaults (font, size, language) that the template sets.
Every paragraph the writer makes uses one of these named styles, so a clerk can
restyle the whole appendix from Word's Styles pane. A style that a reference
document (`--reference-docx`) already defines by name is left as the council made it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ... import vocabulary as words
from .oxml import W, sub, w

FONT = "Arial"
FALLBACK_FONT = "Liberation Sans"  # metric-compatible with Arial; what LibreOffice substitutes


@dataclass(frozen=True)
class StyleDef:
    name: str
    size_pt: float
    bold: bool = False
    italic: bool = False
    align: str | None = None
    keep_next: bool = False
    outline: int | None = None
    before: int = 0  # twips
    after: int = 0  # twips
    based_on: str = "Normal"


# name -> definition; the style id is the name without spaces. The headings are the styles with
# an outline level (Word's heading levels 1-3, what its Navigation pane, its PDF export and screen
# readers take for headings), in the order the HTML's <h1>-<h3> run: the document's title, its
# sections, then a card's title, a heat map's and the risk appetite's.
APPENDIX_LABEL = StyleDef("Register Appendix Label", 12, bold=True, align="right", keep_next=True, after=60)
ORGANISATION = StyleDef("Register Organisation", 12, bold=True, keep_next=True, after=40)
HEADING = StyleDef("Register Heading", 14, bold=True, keep_next=True, outline=0, after=160)
SECTION = StyleDef("Register Section Heading", 12, bold=True, keep_next=True, outline=1, before=200, after=100)
TABLE_HEADING = StyleDef("Register Table Heading", 9, bold=True, after=20)
TABLE_TEXT = StyleDef(words.TABLE_TEXT_STYLE, 9, after=40)
# The ID cell of a register row: a style of its own, which the running header names (STYLEREF),
# so a page that continues a row says whose it is.
ENTRY_ID = StyleDef(words.ENTRY_ID_STYLE, 9, bold=True, after=20)
LIST = StyleDef("Register List", 9, after=20, based_on="Register Table Text")
SUBHEADING = StyleDef("Register Sub-heading", 9, bold=True, keep_next=True, before=60, after=20)
# A heading under a section that is not a card's (a heat map's, the risk appetite's): as a
# sub-heading looks, at heading level 3.
SUBSECTION = StyleDef("Register Subsection Heading", 9, bold=True, keep_next=True, outline=2, before=60, after=20)
OWNER = StyleDef("Register Owner", 9, italic=True, after=60)
SCORE = StyleDef("Register Score", 9, align="center")
BAND = StyleDef("Register Band", 8, align="center")
CARD_TITLE = StyleDef("Register Card Title", 10, bold=True, keep_next=True, outline=2)
KEY_TEXT = StyleDef("Register Key Text", 9, bold=True, align="center")
# The paragraph between two cards, which Word needs between two tables (else it joins them): no
# line of its own (1 pt), the gap is its spacing before it, as paragraph spacing should be made.
SPACER = StyleDef("Register Spacer", 1, keep_next=True, before=120)
FOOTER = StyleDef("Register Footer", 8)
HEADER = StyleDef("Register Header", 8, bold=True, align="right")
# The trend since last quarter (`Since Q1 2018/19: ▼ Down from 25 (better)`): a style of its
# own so that a clerk can restyle it, and an importer can tell it from the officer's text.
TREND = StyleDef(words.TREND_STYLE, 8, before=40)
HEAT_MAP_TEXT = StyleDef("Register Heat Map Text", 9, align="center")

ALL = (
    APPENDIX_LABEL,
    ORGANISATION,
    HEADING,
    SECTION,
    TABLE_HEADING,
    TABLE_TEXT,
    ENTRY_ID,
    LIST,
    SUBHEADING,
    SUBSECTION,
    OWNER,
    SCORE,
    BAND,
    CARD_TITLE,
    KEY_TEXT,
    SPACER,
    FOOTER,
    HEADER,
    TREND,
    HEAT_MAP_TEXT,
)


def style_id(sd: StyleDef) -> str:
    return sd.name.replace(" ", "").replace("-", "")


def _style_element(sd: StyleDef, ids: dict[str, str]) -> etree._Element:
    st = etree.Element(w("style"))
    st.set(w("type"), "paragraph")
    st.set(w("customStyle"), "1")
    st.set(w("styleId"), style_id(sd))
    sub(st, "name", val=sd.name)
    base = ids.get(sd.based_on, sd.based_on.replace(" ", ""))
    sub(st, "basedOn", val=base)
    sub(st, "qFormat")
    ppr = sub(st, "pPr")
    if sd.keep_next:
        sub(ppr, "keepNext")
    sub(ppr, "spacing", before=sd.before, after=sd.after, line=240, lineRule="auto")
    if sd.align:
        sub(ppr, "jc", val=sd.align)
    if sd.outline is not None:
        sub(ppr, "outlineLvl", val=sd.outline)
    rpr = sub(st, "rPr")
    if sd.bold:
        sub(rpr, "b")
        sub(rpr, "bCs")
    if sd.italic:
        sub(rpr, "i")
        sub(rpr, "iCs")
    half_points = int(round(sd.size_pt * 2))
    sub(rpr, "sz", val=half_points)
    sub(rpr, "szCs", val=half_points)
    return st


def install(styles_root: etree._Element, *, house_style: bool) -> dict[str, str]:
    """Add the writer's styles; returns style name -> style id (a template's own id where it has the style).

    Without a house style (`house_style=False`) the document defaults become Arial
    10 pt, no paragraph spacing; with one, the template's defaults stay. The
    language is en-GB either way (it is the register's language, not a style)."""
    existing: dict[str, str] = {}
    for st in styles_root.iter(w("style")):
        name = st.find(w("name"))
        if name is not None and st.get(w("styleId")):
            existing[name.get(W + "val").lower()] = st.get(w("styleId"))
    ids: dict[str, str] = {"Normal": existing.get("normal", "Normal")}
    for sd in ALL:
        have = existing.get(sd.name.lower())
        if have:
            ids[sd.name] = have
            continue
        styles_root.append(_style_element(sd, ids))
        ids[sd.name] = style_id(sd)

    defaults = styles_root.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles_root.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = sub(rpr_default, "rPr")
    if not house_style:
        for child in list(rpr):
            rpr.remove(child)
        sub(rpr, "rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
        sub(rpr, "sz", val=20)
        sub(rpr, "szCs", val=20)
        ppr_default = defaults.find(w("pPrDefault"))
        if ppr_default is None:
            ppr_default = sub(defaults, "pPrDefault")
        for child in list(ppr_default):
            ppr_default.remove(child)
        ppr = sub(ppr_default, "pPr")
        sub(ppr, "spacing", after=0, line=240, lineRule="auto")
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = sub(rpr, "lang")
    lang.set(w("val"), "en-GB")
    return ids


def install_extra(styles_root: etree._Element, ids: dict[str, str], defs) -> dict[str, str]:
    """Add styles only some documents use (a selection line, Part B's mark), as `install` adds
    its own: a template's style of the same name is kept. Returns their name -> style id."""
    existing = {}
    for st in styles_root.iter(w("style")):
        name = st.find(w("name"))
        if name is not None and st.get(w("styleId")):
            existing[name.get(W + "val").lower()] = st.get(w("styleId"))
    out: dict[str, str] = {}
    for sd in defs:
        have = existing.get(sd.name.lower())
        if have:
            out[sd.name] = have
            continue
        styles_root.append(_style_element(sd, {**ids, **out}))
        out[sd.name] = style_id(sd)
    return out


def add_font_fallback(font_table_root: etree._Element) -> None:
    """Declare Arial with Liberation Sans as its alternative name, for machines without Arial."""
    for f in font_table_root.iter(w("font")):
        if f.get(w("name")) == FONT:
            if f.find(w("altName")) is None:
                alt = etree.Element(w("altName"))
                alt.set(w("val"), FALLBACK_FONT)
                f.insert(0, alt)
            return
    f = sub(font_table_root, "font", name=FONT)
    sub(f, "altName", val=FALLBACK_FONT)
    sub(f, "panose1", val="020B0604020202020204")
    sub(f, "charset", val="00")
    sub(f, "family", val="swiss")
    sub(f, "pitch", val="variable")
