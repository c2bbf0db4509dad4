"""Join the tagged PDFs of the pieces `chunks` cut the page into, and draw the
running header and "Page X of Y" on every page.

Raw PDF work (with pikepdf) because no library joins tagged PDFs: copying pages keeps
their marked content, but the structure tree that makes the PDF readable by a screen
reader would be lost. WeasyPrint's tree is a /Document element whose children are one
element per page fragment (a table that runs over three pages is three /Table
elements); the later pieces' children move under the first piece's /Document, and
`tags.Stitch` joins each page's parts of an element to the page before's (one /Table
for the table, its header row once), within a piece as the piece's `tags.Repair` found
them and where pieces meet by the elements the cut reopened (`Piece.carry`). The
ParentTree (page -> structure elements) is numbered afresh with the pages'
/StructParents and the annotations' /StructParent. A piece may keep only some of its
pages (where pieces overlap in a long table, see `chunks.Pieces`): the elements,
destinations and bookmarks of the others are left out. Named destinations (`appendix.pdf#entry-corp-1`) are
merged; the outline is rebuilt from every piece's bookmarks in order, nested as
WeasyPrint nests them, so a card in the second piece sits under its section.

The pieces are typeset without margin boxes, since a piece cannot know its page
numbers; the margins (organisation, title, period, "Page X of Y") are typeset
separately once the page count is known, and each page's is drawn over the page as
a form marked as a pagination artifact, which is how PDF/UA wants running heads.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from .tags import Stitch

if TYPE_CHECKING:
    import pikepdf

#: A bookmark as a piece reports it: (level, label, page index in the piece, x, y in PDF points, state).
Bookmark = tuple[int, str, int, float, float, str]


@dataclass
class Piece:
    pdf: bytes
    pages: int
    bookmarks: list[Bookmark] = field(default_factory=list)
    #: Per page, the register-table row it starts with ("risk:17"), and whether that row
    #: starts there (False: the row runs on from the page before); (None, False) if none.
    rows: list[tuple[str | None, bool]] = field(default_factory=list)
    #: The pages of this piece that go into the PDF: [first, last).
    first: int = 0
    last: int | None = None
    #: Per page, the register entry (a table row or a card, "risk:17") it starts with, and whether
    #: the entry starts there (False: it runs on from the page before); (None, False) if none.
    entries: list[tuple[str | None, bool]] = field(default_factory=list)
    #: Per page after the first, the (earlier, later) object numbers of the structure
    #: elements of that page that continue one of the page before (`tags.Repair`).
    links: list[list[tuple[int, int]]] = field(default_factory=list)
    #: How many elements open where this piece begins continue from the piece before
    #: (the cut closed and reopened them: `chunks.Break.carry`).
    carry: int = 0
    #: The (object number, page, /ID) of the header cells that data cells name (`tags.Repair`).
    ids: list[tuple[int, int, str]] = field(default_factory=list)

    def kept(self) -> range:
        return range(self.first, self.pages if self.last is None else self.last)


def _outline_tree(bookmarks: list[tuple[int, str, int, float, float, str]]) -> list:
    """Nest (level, label, page, x, y, state) bookmarks the way WeasyPrint does
    (`weasyprint.anchors.make_page_bookmark_tree`): a skipped level (h2 then h4) does
    not make an empty outline level."""
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for level, label, page, x, y, state in bookmarks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append((label, page, x, y, state, children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _add_outline(pdf, pages, items, parent) -> int:
    """Outline items as WeasyPrint writes them (Title, Dest [page /XYZ x y 0], Count, links)."""
    import pikepdf

    made: list[pikepdf.Dictionary] = []
    count = len(items)
    for label, page, x, y, state, children in items:
        item = pdf.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(label),
                Dest=pikepdf.Array([pages[page], pikepdf.Name.XYZ, x, y, 0]),
                Parent=parent,
            )
        )
        n = _add_outline(pdf, pages, children, item)
        item.Count = -n if state == "closed" else n
        if state != "closed":
            count += n
        if made:
            item.Prev = made[-1]
            made[-1].Next = item
        made.append(item)
    if made:
        parent.First = made[0]
        parent.Last = made[-1]
    return count


def join(
    pieces: list[Piece],
    header: bytes,
    footers: list[bytes] | None = None,
    numbers: Numbered | None = None,
    continued: tuple[bytes, list[int]] | None = None,
) -> bytes:
    """One PDF: each piece's kept pages in order, with one structure tree and outline; the
    one page of `header` drawn over every page, and page i's number over page i, as
    pagination artifacts: page i of the `footers` PDFs (in order), or line i of the sheet
    of `numbers` (from `numbered_lines`)."""
    import pikepdf

    base = pikepdf.open(io.BytesIO(pieces[0].pdf))
    tree = base.Root.StructTreeRoot
    document = _document(tree)
    nums = pikepdf.Array()  # the ParentTree, numbered afresh: pages in order, then annotations
    annots: list = []
    names: list = []
    stitch = Stitch()  # the structure tree: each page's parts of elements joined to the page before's
    for n, piece in enumerate(pieces):
        src = base if n == 0 else pikepdf.open(io.BytesIO(piece.pdf))
        src_tree = src.Root.StructTreeRoot
        src_nums = src_tree.ParentTree.Nums
        parents = {int(src_nums[i]): src_nums[i + 1] for i in range(0, len(src_nums), 2)}
        pages = [src.pages[i] for i in piece.kept()]
        kept = {p.obj.objgen: i for i, p in enumerate(pages)}
        # The top elements of each kept page (WeasyPrint's are one page's each).
        tops: list[list] = [[] for _ in pages]
        for k in _document(src_tree).K:
            if isinstance(k, pikepdf.Dictionary) and "/Pg" in k and k.Pg.objgen in kept:
                tops[kept[k.Pg.objgen]].append(k)
        dests = [(name, dest) for name, dest in _dests(src.Root) if dest[0].objgen in kept]
        bring: Callable[[Any], Any]
        if n == 0:
            for i in reversed(range(len(base.pages))):
                if base.pages[i].obj.objgen not in kept:
                    del base.pages[i]
            names.extend(dests)
            bring = _same
        else:
            base.pages.extend(pages)
            pages = list(base.pages)[-len(pages) :] if pages else []
            bring = partial(_copy, base, src)
            tops = [[bring(k) for k in page_tops] for page_tops in tops]
            for page_tops in tops:
                for kid in page_tops:
                    kid.P = document
            names.extend((name, bring(dest)) for name, dest in dests)
        for j, (i, page) in enumerate(zip(piece.kept(), pages)):
            obj = page.obj
            value = None
            if "/StructParents" in obj:
                key = len(nums) // 2
                value = bring(parents[int(obj.StructParents)])
                nums.append(key)
                nums.append(value)
                obj.StructParents = key
            for annot in obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annots.append((annot, bring(parents[int(annot.StructParent)])))
            links = None
            if j and i - 1 < len(piece.links):
                links = [(bring(src.get_object(a, 0)), bring(src.get_object(b, 0))) for a, b in piece.links[i - 1]]
            stitch.page(tops[j], links, 0 if j else piece.carry, page, value)
        kept_pages = piece.kept()
        for num, i, ident in piece.ids:
            if i in kept_pages:
                stitch.name(ident, bring(src.get_object(num, 0)))
    document.K = pikepdf.Array(stitch.tops)
    ids = stitch.id_tree(base)
    if ids is not None:
        tree.IDTree = ids
    elif "/IDTree" in tree:
        del tree.IDTree
    for annot, value in annots:
        key = len(nums) // 2
        nums.append(key)
        nums.append(value)
        annot.StructParent = key
    tree.ParentTree = pikepdf.Dictionary(Nums=nums)
    if "/ParentTreeNextKey" in tree:
        tree.ParentTreeNextKey = len(nums) // 2
    if "/Names" in base.Root:
        del base.Root.Names
    if names:
        names.sort(key=lambda nd: bytes(nd[0]))
        flat = pikepdf.Array()
        for name, dest in names:
            flat.append(name)
            flat.append(dest)
        base.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat))
    # The outline, rebuilt over the kept pages of all pieces.
    bookmarks: list[Bookmark] = []
    offset = 0
    for piece in pieces:
        kept_pages = piece.kept()
        bookmarks.extend(
            (lv, lab, page - kept_pages.start + offset, x, y, st)
            for lv, lab, page, x, y, st in piece.bookmarks
            if page in kept_pages
        )
        offset += len(kept_pages)
    if "/Outlines" in base.Root:
        del base.Root.Outlines
    tree_items = _outline_tree(bookmarks)
    if tree_items:
        outlines = base.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
        page_objs = [p.obj for p in base.pages]
        outlines.Count = _add_outline(base, page_objs, tree_items, outlines)
        base.Root.Outlines = outlines
    if numbers is not None:
        feet = _number_forms(base, numbers, len(base.pages))
    else:
        feet = [
            base.copy_foreign(page.as_form_xobject())
            for m in footers or []
            for page in pikepdf.open(io.BytesIO(m)).pages
        ]
    marks: list = [None] * len(base.pages)
    if continued is not None:
        sheet, label_pages = continued
        for at, form in zip(label_pages, line_forms(base, sheet, CONTINUED_TOP), strict=True):
            marks[at] = form
    _draw_margins(base, pikepdf.open(io.BytesIO(header)), feet, marks)
    out = io.BytesIO()
    base.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return out.getvalue()


def _same(obj):
    return obj


def _copy(base, src, obj):
    """`obj` of the piece `src` in `base`: copied after the pages, so the elements' /Pg point at
    the copies (qpdf maps them); a second copy of an object is the first (qpdf remembers them)."""
    return base.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))


def _document(tree):
    """The /Document element WeasyPrint puts at the top of its structure tree."""
    import pikepdf

    return tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K


def _dests(root) -> list:
    """The named destinations of a WeasyPrint PDF (a flat /Names array)."""
    if "/Names" not in root or "/Dests" not in root.Names:
        return []
    arr = root.Names.Dests.get("/Names", [])
    return [(arr[i], arr[i + 1]) for i in range(0, len(arr), 2)]


def _draw_margins(base, header, feet: list, marks: list) -> None:
    import pikepdf

    if len(feet) != len(base.pages):
        raise RuntimeError(f"{len(feet)} page numbers for {len(base.pages)} pages")
    head = base.copy_foreign(header.pages[0].as_form_xobject())  # one form, drawn on every page
    for page, foot, mark in zip(base.pages, feet, marks):
        # WeasyPrint shares one /Resources among pages: give the page its own (the fonts and
        # images in it stay shared) with the forms under fixed names (pikepdf would invent
        # random ones, and the bytes would differ run to run).
        res = pikepdf.Dictionary({k: v for k, v in page.obj.Resources.items()})
        xobjects = pikepdf.Dictionary({k: v for k, v in res.get("/XObject", {}).items()})
        xobjects[pikepdf.Name("/RgHeader")] = head
        xobjects[pikepdf.Name("/RgFooter")] = foot
        if mark is not None:
            xobjects[pikepdf.Name("/RgContinued")] = mark
        res.XObject = xobjects
        page.obj.Resources = res
        # Isolate the page's own drawing (WeasyPrint leaves its y-flip in place), then draw
        # the margins as a pagination artifact: not part of the structure tree, skipped by
        # screen readers, as PDF/UA asks of running heads and page numbers.
        page.contents_add(b"q\n", prepend=True)
        draw = b"q /RgHeader Do Q q /RgFooter Do Q" + (b" q /RgContinued Do Q" if mark is not None else b"")
        page.contents_add(b"Q\n/Artifact <</Type /Pagination>> BDC\n" + draw + b"\nEMC\n")


@dataclass
class _Line:
    """One line of text as WeasyPrint drew it: the transforms before it, its colour, font,
    size, text matrix and glyphs."""

    cms: list[list[pikepdf.Object]]
    colour: list[pikepdf.Object]
    font: pikepdf.Object
    size: pikepdf.Object
    tm: list[pikepdf.Object]
    glyphs: pikepdf.Object


@dataclass
class Numbered:
    """The typeset sheet of page numbers, its lines (the first a probe) and the page-number margin
    box's line they are drawn at the height of (`numbered_lines`)."""

    sheet: bytes
    lines: list[_Line]
    want: _Line


def _lines(pdf) -> list[_Line]:
    import pikepdf

    out: list[_Line] = []
    for page in pdf.pages:
        cms: list[list[pikepdf.Object]] = []
        colour: list[pikepdf.Object] = []
        font: pikepdf.Object | None = None
        size: pikepdf.Object | None = None
        tm: list[pikepdf.Object] = []
        in_text = False
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            operands, name = instruction.operands, str(instruction.operator)
            if name == "cm" and not in_text and not out:
                cms.append(list(operands))
            elif name == "rg":
                colour = list(operands)
            elif name == "BT":
                in_text = True
            elif name == "ET":
                in_text = False
            elif name == "Tf":
                font, size = operands
            elif name == "Tm":
                tm = list(operands)
            elif name == "TJ" and font is not None and size is not None:  # (always after a Tf)
                out.append(_Line(cms, colour, font, size, tm, operands[0]))
    return out


def numbered_lines(numbers: bytes, reference: bytes) -> Numbered | None:
    """The lines of `numbers` (a probe line, then "Page 1 of N", ...), if its probe is drawn
    exactly as the page-number margin box of `reference` is (same glyphs, size, colour and
    centre); else None, and the page numbers are typeset as margin boxes after all."""
    import pikepdf

    lines = _lines(pikepdf.open(io.BytesIO(numbers)))
    ref = _lines(pikepdf.open(io.BytesIO(reference)))
    if len(ref) != 1 or not lines:
        return None
    probe, want = lines[0], ref[0]
    same = (
        list(probe.glyphs) == list(want.glyphs)
        and float(probe.size) == float(want.size)
        and [float(c) for c in probe.colour] == [float(c) for c in want.colour]
        and abs(float(probe.tm[4]) - float(want.tm[4])) < 0.01
        and [[float(x) for x in cm] for cm in probe.cms] == [[float(x) for x in cm] for cm in want.cms]
    )
    return Numbered(numbers, lines, want) if same else None


#: Where "CR1 (continued)" is drawn on a page that runs on an entry from the page before: the top
#: of its line, in CSS px from the top of the page (just above the table's repeated header, which
#: starts at the 15 mm top margin).
CONTINUED_TOP = 44.0


def line_forms(base, sheet: bytes, top: float) -> list:
    """Each line of `sheet` (a page of lines, the first at its top) as a form that draws it with
    its top at `top` (CSS px from the top of the page), where it was across."""
    import pikepdf

    lines = _lines(pikepdf.open(io.BytesIO(sheet)))
    if not lines:
        return []
    baseline = float(lines[0].tm[5])  # the first line's box starts at the top of the sheet
    return _forms(base, sheet, lines, top + baseline)


def _number_forms(base, numbers: Numbered, count: int) -> list:
    """Page i's number as a form: the line "Page i of N" from the sheet of `numbers` (its
    `lines`, the first a probe), at the height of its `want`, the margin box's. Typesetting one sheet of
    lines is far cheaper than a page with a margin box per number (bench/FIGURES.md)."""

    lines = numbers.lines[1:]
    if len(lines) != count:
        raise RuntimeError(f"{len(lines)} page numbers for {count} pages")
    return _forms(base, numbers.sheet, lines, float(numbers.want.tm[5]))


def _forms(base, sheet: bytes, lines: list, y: float) -> list:
    """`lines` of the typeset `sheet` as forms, each drawn at the height `y`."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(sheet))
    font = base.copy_foreign(src.pages[0].obj.Resources.Font[str(lines[0].font)])
    resources = base.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary({str(lines[0].font): font})))
    box = pikepdf.Array([float(x) for x in src.pages[0].mediabox])
    forms = []
    for line in lines:
        ops = [(cm, pikepdf.Operator("cm")) for cm in line.cms]
        ops += [
            (line.colour, pikepdf.Operator("rg")),
            ([], pikepdf.Operator("BT")),
            ([*line.tm[:5], y], pikepdf.Operator("Tm")),
            ([line.font, line.size], pikepdf.Operator("Tf")),
            ([line.glyphs], pikepdf.Operator("TJ")),
            ([], pikepdf.Operator("ET")),
        ]
        form = pikepdf.Stream(base, pikepdf.unparse_content_stream(ops))
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = box
        form.Resources = resources
        forms.append(form)
    return forms
