"""Raw WordprocessingML for the Word writer.

Why this exists: python-docx has no API for list numbering definitions (w:numPr,
w:abstractNum), repeating header rows (w:tblHeader), rows that must not split
(w:cantSplit), cell shading (w:shd), fixed table layout, merged grid spans or
fields (PAGE / NUMPAGES). Its paragraph API is also slow when a register has
thousands of paragraphs, because every call re-queries the tree. So the body is
built here directly with lxml `SubElement` calls (no XML text is re-parsed per
paragraph), and python-docx is used only for the package: template, parts,
sections, headers/footers and document properties.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from ... import metrics

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_SubElement = etree.SubElement


def w(tag: str) -> str:
    return W + tag


# Pre-computed Clark names of the tags used per paragraph, to keep the hot path cheap.
T_P, T_PPR, T_PSTYLE, T_R, T_RPR, T_T, T_BR, T_B, T_I, T_COLOR, T_NUMPR, T_ILVL, T_NUMID, T_IND, T_KEEPNEXT, T_JC = (
    w(t)
    for t in (
        "p",
        "pPr",
        "pStyle",
        "r",
        "rPr",
        "t",
        "br",
        "b",
        "i",
        "color",
        "numPr",
        "ilvl",
        "numId",
        "ind",
        "keepNext",
        "jc",
    )
)
T_SZ, T_SZCS = w("sz"), w("szCs")
VAL = w("val")


def sub(parent, tag: str, **attrs) -> etree._Element:
    """A child element `w:tag` with `w:`-qualified attributes."""
    el = _SubElement(parent, W + tag)
    for k, v in attrs.items():
        el.set(W + k, str(v))
    return el


# --------------------------------------------------------------------------- text measurement
# The width table is `reportgen.metrics` (the view sizes columns with it too).
_WIDTHS = metrics.WIDTHS
_BOLD_FACTOR = metrics.BOLD_FACTOR


_WORD_UNITS: dict[str, int] = {}  # a register's vocabulary is small: measure each word once


def _units(word: str) -> int:
    get = _WIDTHS.get
    return sum(get(c, 556) for c in word)


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Estimated width of `text` in twips."""
    get = _WIDTHS.get
    units = sum(get(c, 556) for c in text)
    return units * size_pt * 20 / 1000 * (_BOLD_FACTOR if bold else 1.0)


def line_count(text: str, avail_twips: float, size_pt: float, bold: bool = False) -> int:
    """Estimated number of lines `text` takes in a column `avail_twips` wide (greedy word wrap)."""
    avail_units = max(avail_twips, 200.0) * 1000 / (size_pt * 20 * (_BOLD_FACTOR if bold else 1.0))
    space = 278
    total = 0
    cache = _WORD_UNITS
    for line in text.split("\n"):
        lines, used = 1, -space
        for word in line.split():
            wu = cache.get(word)
            if wu is None:
                wu = _units(word)
                if len(cache) < 200_000:
                    cache[word] = wu
            if used + space + wu <= avail_units:
                used += space + wu
            else:
                if used > 0:
                    lines += 1
                # a word longer than the line is broken across lines
                extra = int(wu // avail_units)
                lines += extra
                used = int(wu - extra * avail_units)
        total += lines
    return total


def longest_word_width(text: str, size_pt: float, bold: bool = False) -> float:
    words = text.split()
    return max((text_width(x, size_pt, bold) for x in words), default=0.0)


# --------------------------------------------------------------------------- paragraphs


@dataclass
class RunSpec:
    text: str
    bold: bool = False
    italic: bool = False
    size_pt: float | None = None  # None: the paragraph style's size


def add_runs(p, runs: Iterable[RunSpec | tuple], colour: str | None = None) -> None:
    """Append runs; '\\n' inside a run becomes a line break (w:br)."""
    for r in runs:
        if isinstance(r, tuple):
            r = RunSpec(*r)
        if not r.text:
            continue
        run = _SubElement(p, T_R)
        if r.bold or r.italic or colour or r.size_pt:
            rpr = _SubElement(run, T_RPR)
            if r.bold:
                _SubElement(rpr, T_B)
            if r.italic:
                _SubElement(rpr, T_I)
            if colour:
                _SubElement(rpr, T_COLOR).set(VAL, colour)
            if r.size_pt:
                half = str(int(round(r.size_pt * 2)))
                _SubElement(rpr, T_SZ).set(VAL, half)
                _SubElement(rpr, T_SZCS).set(VAL, half)
        first = True
        for piece in r.text.split("\n"):
            if not first:
                _SubElement(run, T_BR)
            first = False
            if piece:
                t = _SubElement(run, T_T)
                t.text = piece
                if piece[0] == " " or piece[-1] == " ":
                    t.set(XML_SPACE, "preserve")


def para(
    parent,
    style_id: str | None,
    runs: Iterable = (),
    *,
    align: str | None = None,
    keep_next: bool = False,
    num: tuple[int, int] | None = None,
    indent: int | None = None,
    colour: str | None = None,
    extra_ppr: Iterable[etree._Element] = (),
) -> etree._Element:
    """A paragraph. `num` is (numId, ilvl) for a list item; `indent` a left indent in twips."""
    p = _SubElement(parent, T_P)
    ppr = _SubElement(p, T_PPR)
    # Child order follows the schema (pStyle, keepNext, ..., numPr, ..., ind, ..., jc).
    if style_id:
        _SubElement(ppr, T_PSTYLE).set(VAL, style_id)
    if keep_next:
        _SubElement(ppr, T_KEEPNEXT)
    if num is not None:
        numpr = _SubElement(ppr, T_NUMPR)
        _SubElement(numpr, T_ILVL).set(VAL, str(num[1]))
        _SubElement(numpr, T_NUMID).set(VAL, str(num[0]))
    for el in extra_ppr:
        ppr.append(el)
    if indent is not None:
        _SubElement(ppr, T_IND).set(W + "left", str(indent))
    if align:
        _SubElement(ppr, T_JC).set(VAL, align)
    add_runs(p, runs, colour)
    return p


def bookmark(p, ident: int, name: str) -> None:
    """Wrap a paragraph's content in a bookmark (after its pPr)."""
    start = etree.Element(W + "bookmarkStart")
    start.set(W + "id", str(ident))
    start.set(W + "name", name)
    p.insert(1, start)
    end = _SubElement(p, W + "bookmarkEnd")
    end.set(W + "id", str(ident))


def field_runs(p, instr: str, cached: str) -> None:
    """A complex field (e.g. PAGE) with a cached result the word processor updates."""
    r = _SubElement(p, T_R)
    sub(r, "fldChar", fldCharType="begin")
    r = _SubElement(p, T_R)
    t = sub(r, "instrText")
    t.text = f" {instr} "
    t.set(XML_SPACE, "preserve")
    r = _SubElement(p, T_R)
    sub(r, "fldChar", fldCharType="separate")
    r = _SubElement(p, T_R)
    sub(r, "t").text = cached
    r = _SubElement(p, T_R)
    sub(r, "fldChar", fldCharType="end")


# --------------------------------------------------------------------------- tables

BORDER_COLOUR = "808080"


def table(
    parent,
    widths: list[int],
    *,
    caption: str | None = None,
    description: str | None = None,
    borders: bool = True,
    indent: int = 0,
) -> etree._Element:
    """A fixed-layout table: tblW, tblGrid and (in `cell`) tcW all agree, so Word and
    LibreOffice both keep the widths."""
    tbl = _SubElement(parent, w("tbl"))
    pr = sub(tbl, "tblPr")
    sub(pr, "tblW", w=sum(widths), type="dxa")
    if indent:
        sub(pr, "tblInd", w=indent, type="dxa")
    if borders:
        b = sub(pr, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            sub(b, side, val="single", sz=4, space=0, color=BORDER_COLOUR)
    sub(pr, "tblLayout", type="fixed")
    mar = sub(pr, "tblCellMar")
    sub(mar, "top", w=28, type="dxa")
    sub(mar, "left", w=57, type="dxa")
    sub(mar, "bottom", w=28, type="dxa")
    sub(mar, "right", w=57, type="dxa")
    # The first column holds each row's heading (an ID, a label, an axis); the first row is a
    # header row only where `row(header=True)` makes one (it says so here too).
    sub(pr, "tblLook", val=_look(False), firstRow=0, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1)
    if caption:
        sub(pr, "tblCaption", val=caption)
    if description:
        sub(pr, "tblDescription", val=description)
    grid = sub(tbl, "tblGrid")
    for wd in widths:
        sub(grid, "gridCol", w=wd)
    return tbl


CELL_PADDING = 57 * 2


def _look(first_row: bool) -> str:
    """w:tblLook's bit mask (ECMA-376 17.4.56) for the flags `table` sets: first column, no
    vertical banding, and the first row if the table has a header row."""
    return f"{0x0080 | 0x0400 | (0x0020 if first_row else 0):04X}"


def row(tbl, *, header: bool = False, cant_split: bool = False) -> etree._Element:
    """A row; a `header` row is Word's header row: repeated at the top of each page the table
    runs on to (w:tblHeader), and the table's look says it has one (what Word's Accessibility
    Checker reads as "header row indicated")."""
    tr = _SubElement(tbl, w("tr"))
    if header or cant_split:
        set_row_props(tr, header=header, cant_split=cant_split)
    if header:
        look = tbl.find(w("tblPr")).find(w("tblLook"))
        look.set(w("val"), _look(True))
        look.set(w("firstRow"), "1")
    return tr


def set_row_props(tr, *, header: bool = False, cant_split: bool = False) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        tr.insert(0, trpr)
    if cant_split and trpr.find(w("cantSplit")) is None:
        sub(trpr, "cantSplit")
    if header and trpr.find(w("tblHeader")) is None:
        sub(trpr, "tblHeader")


def set_row_height(tr, twips: int) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        tr.insert(0, trpr)
    sub(trpr, "trHeight", val=twips, hRule="atLeast")


def cell(
    tr,
    width: int,
    *,
    span: int = 1,
    fill: str | None = None,
    vmerge: str | None = None,
    valign: str | None = None,
    no_borders: bool = False,
    vertical_text: bool = False,
) -> etree._Element:
    tc = _SubElement(tr, w("tc"))
    pr = sub(tc, "tcPr")
    sub(pr, "tcW", w=width, type="dxa")
    if span > 1:
        sub(pr, "gridSpan", val=span)
    if vmerge:
        sub(pr, "vMerge", val=vmerge)
    if no_borders:
        b = sub(pr, "tcBorders")
        for side in ("top", "left", "bottom", "right"):
            sub(b, side, val="nil")
    if fill:
        sub(pr, "shd", val="clear", color="auto", fill=fill.lstrip("#").upper())
    if vertical_text:
        sub(pr, "textDirection", val="btLr")
    if valign:
        sub(pr, "vAlign", val=valign)
    return tc


def ensure_paragraph(tc) -> None:
    """A table cell must end with a paragraph."""
    if tc[-1].tag != T_P:
        _SubElement(tc, T_P)


def keep_first_paragraph(tc) -> None:
    """Keep a cell's first paragraph whole (keepLines) and with what follows it (keepNext)."""
    p = tc.find(T_P)
    if p is None:
        return
    ppr = p.find(T_PPR)
    if ppr is None:
        ppr = etree.Element(T_PPR)
        p.insert(0, ppr)
    # schema order: pStyle, keepNext, keepLines, ...
    at = 1 if len(ppr) and ppr[0].tag == T_PSTYLE else 0
    keep_next = ppr.find(T_KEEPNEXT)
    if keep_next is None:
        keep_next = etree.Element(T_KEEPNEXT)
        ppr.insert(at, keep_next)
    if ppr.find(w("keepLines")) is None:
        ppr.insert(ppr.index(keep_next) + 1, etree.Element(w("keepLines")))


def grid_from_rows(rows: list[list[float]], total: int) -> tuple[list[int], list[list[tuple[int, int]]]]:
    """Turn rows of relative cell widths into one table grid.

    Returns the grid column widths and, per row, each cell's (width, grid span)."""
    bounds_per_row = []
    allb = {0, total}
    for fracs in rows:
        s = sum(fracs)
        acc, bounds = 0.0, [0]
        for f in fracs:
            acc += f
            bounds.append(round(total * acc / s))
        bounds[-1] = total
        bounds_per_row.append(bounds)
        allb.update(bounds)
    grid_b = sorted(allb)
    grid = [b - a for a, b in zip(grid_b, grid_b[1:])]
    index = {b: i for i, b in enumerate(grid_b)}
    cells = []
    for bounds in bounds_per_row:
        cells.append([(b - a, index[b] - index[a]) for a, b in zip(bounds, bounds[1:])])
    return grid, cells


# --------------------------------------------------------------------------- numbering

BULLETS = ("\u2022", "\u25e6", "\u25aa")
# Every numbered level is decimal, "1.", as the PDF and HTML number it and as a register's
# items are cited ("action 2"): a nested level lettered "a." would print other numbers than theirs.
ORDERED = ("decimal", "%{n}.")
LIST_STEP = 227  # twips of indent per list level (0.4 cm): table cells are narrow
LIST_HANG = 227


@dataclass
class Numbering:
    """Adds the writer's list definitions to numbering.xml once, and hands out numIds.

    Bullets share one w:num; each numbered list gets its own w:num (with a start
    override) so that every list restarts at its own first number."""

    root: etree._Element
    bullet_id: int = 0
    _ordered_abstract: int = 0
    _next_num: int = 0
    _new_nums: list = field(default_factory=list)

    @classmethod
    def install(cls, root: etree._Element) -> Numbering:
        abstract_ids = [int(a.get(w("abstractNumId"))) for a in root.iter(w("abstractNum"))]
        num_ids = [int(n.get(w("numId"))) for n in root.iter(w("num"))]
        a_bullet = max(abstract_ids, default=-1) + 1
        a_ordered = a_bullet + 1
        first_num = next(root.iter(w("num")), None)
        for aid, kind in ((a_bullet, "bullet"), (a_ordered, "ordered")):
            el = _abstract_num(aid, kind)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                root.append(el)
        self = cls(root, _ordered_abstract=a_ordered, _next_num=max(num_ids, default=0) + 1)
        self.bullet_id = self._num(a_bullet, None)
        return self

    def _num(self, abstract_id: int, start: tuple[int, int] | None) -> int:
        nid = self._next_num
        self._next_num += 1
        num = etree.Element(w("num"))
        num.set(w("numId"), str(nid))
        sub(num, "abstractNumId", val=abstract_id)
        if start is not None:
            ilvl, value = start
            ov = sub(num, "lvlOverride", ilvl=ilvl)
            sub(ov, "startOverride", val=value)
        cleanup = self.root.find(w("numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self.root.append(num)
        return nid

    def new_ordered(self, ilvl: int, start: int) -> int:
        return self._num(self._ordered_abstract, (ilvl, start))


def _abstract_num(aid: int, kind: str) -> etree._Element:
    a = etree.Element(w("abstractNum"))
    a.set(w("abstractNumId"), str(aid))
    sub(a, "multiLevelType", val="hybridMultilevel")
    for lvl in range(9):
        el = sub(a, "lvl", ilvl=lvl)
        sub(el, "start", val=1)
        if kind == "bullet":
            sub(el, "numFmt", val="bullet")
            sub(el, "lvlText", val=BULLETS[lvl % 3])
        else:
            fmt, text = ORDERED
            sub(el, "numFmt", val=fmt)
            sub(el, "lvlText", val=text.format(n=lvl + 1))
        sub(el, "lvlJc", val="left")
        ppr = sub(el, "pPr")
        sub(ppr, "ind", left=LIST_STEP * (lvl + 1), hanging=LIST_HANG)
        if kind == "bullet":
            rpr = sub(el, "rPr")
            sub(rpr, "rFonts", ascii="Arial", hAnsi="Arial", cs="Arial", hint="default")
    return a
