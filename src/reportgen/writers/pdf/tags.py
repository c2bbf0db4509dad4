"""The PDF's structure tree, repaired to hold up as PDF/UA-1 (issue 16).

WeasyPrint (70) tags what it lays out page by page: each page's part of an element is an
element of its own (a table over three pages is three /Table elements, each with the
repeated header row as a /THead of header cells), header cells carry no /Scope, and
some content sits where PDF/UA forbids it (text directly in an /L, a /P directly in an
/LI, a <dl>'s <div> between /L and /LI). The repair works on that structure, whatever
the template's markup, in two halves:

In each worker, as a WeasyPrint `finisher` (`Repair`), on the piece's objects before
they are written (cheap: plain Python dictionaries, and side by side):
- every element made for a box remembers its HTML element (`install` wraps WeasyPrint's
  tagging function): two elements on consecutive pages made for the same HTML element,
  with the same role, one inside the other's counterpart, are parts of one element;
- a header cell gets /Scope (the HTML `scope`, else from its place: spanning rows ->
  Row, spanning columns, in a head row group or a row of header cells -> Column, else
  Row); WeasyPrint's per-page /ID and /Headers (which name a page's own copy of the
  header row, and are not unique once pieces are joined) give way to the HTML's: a data
  cell's `headers` are its /Headers, the header cells' `id`s their /ID (and the joined
  PDF's IDTree);
- lists become L > LI > (Lbl, LBody): content directly in an L goes into the item
  before it (or after it), a nested L into that item's LBody; content directly in an LI
  into an LBody; a bullet the stylesheet draws (`li::before`) is the item's Lbl; a
  <dl>'s <dt> is the item's Lbl and its <dd> the LBody;
- an element nested directly in one of the same role made for the same HTML element (an
  anonymous box: WeasyPrint's <h1> holds an /H1) is merged into it;
- a table's header row repeated on a later page is re-marked as an artifact in the page's
  content and leaves the tree; the piece reports, for each pair of consecutive pages, the
  elements of the later page that continue one of the earlier (`Repair.links`).

In the parent, where `merge.join` joins the pieces (`Stitch`): for each pair of
consecutive pages kept, the later page's parts are merged into the earlier's (their
kids appended, a continued row's cells into the row's cells, in reading order). Where
one piece ends and the next begins, the elements the cut closed and reopened
(`Piece.carry` of them: the <main>, the <section>, the <table> and its <tbody> of a cut
between rows) are the same, level by level; the next piece's copy of the header row
there becomes an artifact too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Where a header cell's `scope` attribute says row or column.
_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}
#: Marked content as WeasyPrint writes it (`/Span <</MCID 7>> BDC`), read in the joined PDF,
#: and what a table's repeated header row is marked as instead.
_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT_BDC = b"/Artifact <</Type /Pagination>> BDC"

# --------------------------------------------------------------------------- in the worker


def install() -> bool:
    """Make WeasyPrint's tagging remember, for each structure element made for a box, the
    box's HTML element (`rg_key`) and tag name (`rg_tag`), as Python attributes of the
    element's dictionary (never written). True once in place; False if WeasyPrint no longer
    has the shape wrapped (then no two elements are known to be parts of one: the tables
    stay in parts, and the test of the structure fails)."""
    from weasyprint.pdf import tags as wtags

    build = getattr(wtags, "_build_box_tree", None)
    placeholder = getattr(wtags, "AbsolutePlaceholder", None)
    if build is None or placeholder is None:
        return False
    if getattr(build, "_reportgen", False):
        return True

    def keyed(box, *args, **kwargs):
        for element in build(box, *args, **kwargs):
            if "rg_key" not in element.__dict__:  # else made, and keyed, by a nested call
                real = box._box if isinstance(box, placeholder) else box
                element.rg_key = real.element
                element.rg_tag = real.element_tag
            yield element

    keyed._reportgen = True  # type: ignore[attr-defined]
    # It calls itself through the module's name, so the nested calls are wrapped too.
    wtags._build_box_tree = keyed
    return True


def _num(ref: bytes) -> int:
    return int(ref.split(b" ", 1)[0])


def _key(el):
    return getattr(el, "rg_key", None)


def _ident(el) -> tuple:
    """What parts of one element share: its HTML element, the box's tag name (an element's
    `::before` box is the element's too) and the role."""
    return id(_key(el)), getattr(el, "rg_tag", None), el["S"]


def _one(a, b) -> bool:
    return _key(a) is not None and _ident(a) == _ident(b)


class Repair:
    """A WeasyPrint `finisher`: repairs one piece's structure tree before it is written (see
    the module's docstring). Afterwards `links[p]` holds the (earlier, later) object numbers
    of the elements of page p + 1 that continue an element of page p, parents first, and
    `ids` the (object number, page, /ID) of the header cells data cells name."""

    def __init__(self) -> None:
        self.links: list[list[tuple[int, int]]] = []
        self.ids: list[tuple[int, int, str]] = []

    def __call__(self, document, pdf) -> None:
        import pydyf

        self._dict = pydyf.Dictionary
        self._array = pydyf.Array
        self.pdf = pdf
        objects = pdf.objects
        self.get: Callable = lambda ref: objects[_num(ref)]
        if "StructTreeRoot" not in pdf.catalog:
            return
        root = self.get(pdf.catalog["StructTreeRoot"])
        page_refs = list(pdf.page_references)
        page_of = {ref: i for i, ref in enumerate(page_refs)}
        nums = self.get(root["ParentTree"])["Nums"]
        #: Per page, its ParentTree array (MCID -> element reference).
        self.parents = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if nums[i] < len(page_refs)}
        self.streams = [self.get(self.get(ref)["Contents"]) for ref in page_refs]
        #: Per table (HTML element id), the first page its header row group is on.
        self.head_page: dict[int, int] = {}
        #: Header cells by their HTML id (the first part, and its page), and the data cells
        #: with the HTML ids of their headers (`headers="..."`).
        self.named: dict[str, tuple] = {}
        self.cells: list[tuple] = []
        self.ids = []
        tops: list[list] = [[] for _ in page_refs]
        for ref in self.get(root["K"][0])["K"]:
            el = self.get(ref)
            page = page_of[el["Pg"]]
            tops[page].append(el)
            self._fix(el, None, page)
        self._headers()
        self.links = []
        for p in range(1, len(tops)):
            pairs: list[tuple[int, int]] = []
            if tops[p - 1] and tops[p] and self._same(tops[p - 1][-1], tops[p][0]):
                self._pair(tops[p - 1][-1], tops[p][0], p, pairs)
            self.links.append(pairs)

    # -- one page's elements

    def _element(self, item):
        """The structure element an item of a /K is, or None (marked content, an annotation)."""
        if isinstance(item, bytes):
            el = self.get(item)
            if "S" in el:
                return el
        return None

    def _kids(self, el) -> list:
        return [kid for kid in map(self._element, el["K"]) if kid is not None]

    def _new(self, role: str, parent) -> Any:
        """A new element in `parent`, made for the same HTML element (so that its parts on
        two pages, made alike, are parts of one too)."""
        el = self._dict({"Type": "/StructElem", "S": role, "K": self._array(), "P": parent.reference})
        if "Pg" in parent:
            el["Pg"] = parent["Pg"]
        self.pdf.add_object(el)
        el.rg_key, el.rg_tag = _key(parent), getattr(parent, "rg_tag", None)
        return el

    def _adopt(self, el, items: list, at: int | None = None) -> None:
        """Put `items` (taken from another element's /K) at the end of `el`'s /K, or at `at`."""
        for item in items:
            kid = self._element(item)
            if kid is not None:
                kid["P"] = el.reference
        if at is None:
            el["K"].extend(items)
        else:
            el["K"][at:at] = items

    def _fix(self, el, parent, page: int) -> None:
        """Repair `el`'s subtree, kids first."""
        role, key = el["S"], _key(el)
        if key is not None and any(_one(k, el) for k in self._kids(el)):
            self._flatten(el)
        if role in ("/TH", "/TD"):
            self._cell(el, parent, page)
        elif role == "/Table" and key is not None and any(k["S"] == "/THead" for k in self._kids(el)):
            self.head_page.setdefault(id(key), page)
        for kid in self._kids(el):
            self._fix(kid, el, page)
        if role == "/L":
            self._list(el)
        elif role == "/LI":
            self._item(el)

    def _flatten(self, el) -> None:
        """An anonymous box inside its element's box (WeasyPrint's <h1> holds an /H1): one element."""

        def items(k_list):
            for item in k_list:
                kid = self._element(item)
                if kid is not None and _one(kid, el):
                    yield from items(kid["K"])
                else:
                    yield item

        flat = list(items(el["K"]))
        el["K"][:] = []
        self._adopt(el, flat)

    def _cell(self, el, row, page: int) -> None:
        attrs = el.get("A")
        if attrs is None:
            attrs = el["A"] = self._dict({"O": "/Table"})
        # WeasyPrint's /Headers and /IDs name the header cells of the cell's own page (its
        # copy of the header row, which goes), and are unique in a piece, not in the joined
        # PDF: each header cell has its /Scope, and the HTML's own `headers` are kept (`_headers`).
        attrs.pop("Headers", None)
        el.pop("ID", None)
        key = _key(el)
        if el["S"] == "/TD":
            names = str(key.get("headers") or "").split() if key is not None else []
            if names:
                self.cells.append((el, names))
            return
        if key is not None and key.get("id"):
            self.named.setdefault(str(key.get("id")), (el, page))
        scope = _SCOPES.get(str(key.get("scope") or "").lower()) if key is not None else None
        if scope is None:
            rows, cols = attrs.get("RowSpan", 1), attrs.get("ColSpan", 1)
            if rows > 1 and cols == 1:
                scope = "/Row"
            elif cols > 1:
                scope = "/Column"
            elif row is not None and (
                self.get(row["P"]).get("S") == "/THead" or all(k["S"] == "/TH" for k in self._kids(row))
            ):
                scope = "/Column"
            else:
                scope = "/Row"
        attrs["Scope"] = scope

    def _headers(self) -> None:
        """A data cell's HTML `headers` (the Key to Scores' and heat maps' cells name their
        axes, which sit under and beside the grid) become its /Headers, and the header cells
        they name get those names as /ID (HTML ids: unique in the page, so in the joined
        PDF too); `ids` lists those (object number, page, ID), for the IDTree."""
        import pydyf

        used: set[str] = set()
        for el, names in self.cells:
            names = [n for n in names if n in self.named]
            if names:
                el["A"]["Headers"] = self._array([pydyf.String(n) for n in names])
                used.update(names)
        for name in sorted(used):
            th, page = self.named[name]
            th["ID"] = pydyf.String(name)
            self.ids.append((th.number, page, name))

    def _body(self, item, last: bool = True):
        """The item's LBody (its last, or first), made if it has none."""
        bodies = [k for k in self._kids(item) if k["S"] == "/LBody"]
        if bodies:
            return bodies[-1] if last else bodies[0]
        body = self._new("/LBody", item)
        item["K"].append(body.reference)
        return body

    def _item(self, item) -> None:
        """LI > (Lbl, LBody): anything else in the item goes into its LBody, before or
        after the LBody's content as it came (into a new LBody if it has none)."""
        stray: list = []
        out: list = []
        bodies = []
        for k in item["K"]:
            kid = self._element(k)
            role = kid["S"] if kid is not None else None
            if role in ("/Lbl", "/LBody"):
                if role == "/LBody":
                    bodies.append(kid)
                    if stray:
                        self._adopt(kid, stray, 0)
                        stray = []
                out.append(k)
            else:
                stray.append(k)
        item["K"][:] = out
        if stray:
            if bodies:
                self._adopt(bodies[-1], stray)
            else:
                self._adopt(self._body(item), stray)
        self._marker(item)

    def _marker(self, item) -> None:
        """A bullet drawn by the stylesheet (`li::before`, where the list has no marker of
        its own: WeasyPrint's LI > LBody > NonStruct) is the item's Lbl."""
        kids = self._kids(item)
        if not kids or kids[0]["S"] != "/LBody":
            return
        body = holder = kids[0]
        while True:  # first in the body, or in an anonymous box of the item's first in it
            first = self._element(holder["K"][0]) if holder["K"] else None
            if first is None or _key(first) is not _key(item):
                return
            if str(getattr(first, "rg_tag", "")).endswith("::before"):
                break
            holder = first
        del holder["K"][0]
        first["S"] = "/Lbl"
        first["P"] = item.reference
        item["K"].insert(item["K"].index(body.reference), first.reference)

    def _list(self, lst) -> None:
        """L > (LI | L | Caption): anything else directly in the list, and a nested list, goes
        into the LBody of the item before it (of the item after it, at the start). In a
        <dl>, a <dt>'s content is its item's Lbl, and the <dd>s after it are its LBody."""
        out: list = []
        pending: list = []
        last = None
        term = None  # in a <dl>: the item of the last <dt>
        for k in lst["K"]:
            kid = self._element(k)
            role = kid["S"] if kid is not None else None
            tag = getattr(kid, "rg_tag", None)
            if role == "/Div" and any(g["S"] == "/LI" for g in self._kids(kid)):
                self._group(kid)  # a <dl>'s <div> of <dt>s and <dd>s: one item
                role, term = "/LI", None
            elif role == "/LI" and tag in ("dt", "dd"):
                if tag == "dd" and term is not None:  # the <dd>'s LBody joins its <dt>'s item
                    self._adopt(term, kid["K"])
                    self._item(term)
                    continue
                self._term(kid)
                term = kid if tag == "dt" else None
            if role == "/LI":
                if pending:
                    self._adopt(self._body(kid, last=False), pending, 0)
                    pending = []
                out.append(k)
                last = kid
            elif role == "/Caption":
                out.append(k)
            elif last is not None:
                self._adopt(self._body(last), [k])
            else:
                pending.append(k)
        if pending:  # a list of no items: one item holds it all
            item = self._new("/LI", lst)
            self._adopt(self._body(item), pending)
            out.append(item.reference)
        lst["K"][:] = out

    def _term(self, item) -> None:
        """A <dt>'s item (WeasyPrint's LI > LBody): its content is a label."""
        if getattr(item, "rg_tag", None) == "dt":
            for kid in self._kids(item):
                if kid["S"] == "/LBody":
                    kid["S"] = "/Lbl"

    def _group(self, div) -> None:
        """A <dl>'s <div>: one item, its <dt>s the label, its <dd>s the body."""
        div["S"] = "/LI"
        items: list = []
        for k in div["K"]:
            kid = self._element(k)
            if kid is not None and kid["S"] == "/LI":
                self._term(kid)
                items.extend(kid["K"])
            else:
                items.append(k)
        div["K"][:] = []
        self._adopt(div, items)
        for role in ("/Lbl", "/LBody"):
            parts = [k for k in self._kids(div) if k["S"] == role]
            for extra in parts[1:]:
                self._adopt(parts[0], extra["K"])
            gone = {extra.number for extra in parts[1:]}
            div["K"][:] = [k for k in div["K"] if not (isinstance(k, bytes) and _num(k) in gone)]
        self._item(div)

    # -- consecutive pages

    def _same(self, a, b) -> bool:
        """`b` (on the later page) is a part of the element `a` is a part of."""
        return (
            _one(a, b) and all(self._element(k) is not None for k in b["K"])  # no content of its own
        )

    def _pair(self, a, b, page: int, pairs: list) -> None:
        pairs.append((a.number, b.number))
        earlier = {_ident(k): k for k in self._kids(a) if _key(k) is not None}
        used: set[int] = set()
        for k in self._kids(b):
            if k["S"] == "/THead" and a["S"] == "/Table" and self.head_page.get(id(_key(a)), page) < page:
                self.artifact(k, b, page)  # the header row, repeated on this page
                continue
            match = earlier.get(_ident(k))
            if match is not None and match.number not in used and self._same(match, k):
                used.add(match.number)
                self._pair(match, k, page, pairs)

    def artifact(self, el, parent, page: int) -> None:
        """Take `el` (a repeated header row) out of the tree, and mark its content on `page`
        as a pagination artifact instead (its MCIDs leave the page's ParentTree array)."""
        mcids: set[int] = set()
        stack = [el]
        while stack:
            e = stack.pop()
            for k in e["K"]:
                if isinstance(k, int):
                    mcids.add(k)
            stack.extend(self._kids(e))
        ref = el.reference
        parent["K"][:] = [k for k in parent["K"] if k != ref]
        refs = self.parents.get(page, [])
        for m in mcids:
            if m < len(refs):
                refs[m] = "null"
        items = self.streams[page].stream
        left = len(mcids)
        for i, item in enumerate(items):
            if not left:
                break
            if (
                i
                and isinstance(item, dict)
                and item.get("MCID") in mcids
                and isinstance(items[i - 1], str)
                and items[i - 1].startswith("/")
            ):
                items[i - 1] = "/Artifact"
                items[i] = self._dict({"Type": "/Pagination"})
                left -= 1


# --------------------------------------------------------------------------- in the parent


def _kids(el) -> list:
    import pikepdf

    k = el.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _elements(el) -> list:
    import pikepdf

    return [k for k in _kids(el) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


class Stitch:
    """Joins the pieces' structure trees: `merge.join` hands it each kept page in order."""

    def __init__(self) -> None:
        self.tops: list = []  # the document's elements so far
        self.merged: dict = {}  # objgen of a part merged into another -> that other
        self.ids: dict = {}  # header cells' /ID -> element

    def _alive(self, el):
        while el.objgen in self.merged:
            el = self.merged[el.objgen]
        return el

    def name(self, ident: str, el) -> None:
        """A header cell's /ID (the first kept part's, from the piece's `Repair.ids`)."""
        self.ids.setdefault(ident, el)

    def id_tree(self, pdf):
        """The IDTree (a name tree: /ID -> element), or None if no element has an /ID."""
        import pikepdf

        if not self.ids:
            return None
        flat = pikepdf.Array()
        for ident in sorted(self.ids, key=lambda i: i.encode("utf-8")):
            flat.append(pikepdf.String(ident))
            flat.append(self._alive(self.ids[ident]))
        return pdf.make_indirect(pikepdf.Dictionary(Names=flat))

    def page(self, tops: list, links: list | None, carry: int, page, parents) -> None:
        """A page's top elements (`tops`, in order), merged with the page before: by `links`
        (pairs of elements, from the piece's `Repair`) within a piece, or, on a piece's
        first page, by its `carry` levels of elements reopened at the cut."""
        if links:
            self._merge(links)
        elif carry and self.tops and tops:
            self._carry(self.tops[-1], tops[0], carry, page, parents)
        self.tops.extend(t for t in tops if t.objgen not in self.merged)

    def _carry(self, a, b, carry: int, page, parents) -> None:
        """The elements open at the end of the last page (`a` and its last kids) and at the
        start of this one (`b` and its first kids of the same role), `carry` levels deep."""
        import pikepdf

        pairs: list[tuple] = []
        while a is not None and b is not None and a.get("/S") == b.get("/S") and len(pairs) < carry:
            pairs.append((a, b))
            kids = _elements(a)
            a = kids[-1] if kids else None
            b = next((k for k in _elements(b) if a is not None and k.get("/S") == a.get("/S")), None)
        for a, b in pairs:
            if a.S == pikepdf.Name.Table and any(k.get("/S") == pikepdf.Name.THead for k in _elements(a)):
                for head in [k for k in _elements(b) if k.get("/S") == pikepdf.Name.THead]:
                    _artifact(head, b, page, parents)
        self._merge(pairs)

    def _merge(self, pairs) -> None:
        """Each later part's kids go to the end of the earlier part, but those that are
        themselves parts of the earlier part's kids (a continued row's cells, say)."""
        import pikepdf

        later = {b.objgen for _, b in pairs}
        for a, b in pairs:
            a = self._alive(a)
            moved = [k for k in _kids(b) if not (isinstance(k, pikepdf.Dictionary) and k.objgen in later)]
            for k in moved:
                if isinstance(k, pikepdf.Dictionary) and "/S" in k:
                    k.P = a
            if moved:
                if not isinstance(a.get("/K"), pikepdf.Array):
                    a.K = pikepdf.Array(_kids(a))
                a.K.extend(moved)
            self.merged[b.objgen] = a


def _artifact(el, parent, page, parents) -> None:
    """As `Repair.artifact`, in the joined PDF: the header row repeated where a piece
    begins inside a table."""
    import pikepdf

    mcids: set[int] = set()
    stack = [el]
    while stack:
        e = stack.pop()
        for k in _kids(e):
            if isinstance(k, pikepdf.Dictionary):
                if "/S" in k:
                    stack.append(k)
            else:
                mcids.add(int(k))
    parent.K = pikepdf.Array(
        [k for k in _kids(parent) if not (isinstance(k, pikepdf.Dictionary) and k.objgen == el.objgen)]
    )
    for m in mcids:
        if parents is not None and m < len(parents):
            parents[m] = pikepdf.Object.parse(b"null")
    contents = page.obj.Contents
    for stream in list(contents) if isinstance(contents, pikepdf.Array) else [contents]:
        data = stream.read_bytes()
        new = _MARKED.sub(lambda m: _ARTIFACT_BDC if int(m.group(2)) in mcids else m.group(0), data)
        if new != data:
            stream.write(new)
