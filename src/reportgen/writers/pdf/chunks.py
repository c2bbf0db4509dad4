"""Cut the PDF's HTML page into pieces that WeasyPrint can typeset side by side.

WeasyPrint lays out one document on one core, and for a committee register that is
most of a build's time. The page already breaks in known places: before each section
after the first, before each card after a section's first, and before the heat maps
(`break-before: page` in the stylesheet). Cut there and each piece starts on a page of
its own anyway, so typesetting the pieces apart gives the very same pages; the
`merge` helper joins them into one tagged PDF.

The template marks those places with `pdf_break(kind)`, an HTML comment, only when the
PDF writer asks. A long register table has no such place inside it, so a stretch
longer than `SOFT_MIN` characters of HTML (about 25 entries) is also cut between rows;
the pieces overlap there and are joined where a row starts a page in both (`Pieces`),
so the pages are still those of one pass. A committee register of a couple of dozen
entries is cut at forced breaks only.

Where the cuts fall depends only on the HTML, never on the machine's cores, so every
machine writes the same bytes.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field

from markupsafe import Markup

#: A stretch of the page between forced breaks longer than this (characters of HTML; lengths
#: here count the <body>, the stylesheet in the <head> being the same in every piece) is also
#: cut between table rows, into parts of PART to MAX_PIECE characters.
SOFT_MIN = 80_000
PART = 60_000
MAX_PIECE = 200_000
#: The piece before a cut between rows typesets this much more of the table, to find a row
#: that starts a page in both pieces (see `Pieces`).
OVERLAP = 5_000
#: A page whose body is shorter than this is typeset in one piece: cutting it would cost more than it saves.
MIN_SPLIT = 24_000
#: Pieces are about this long where the page allows (a few per core, so the cores finish together).
PIECE = 20_000
#: What a tag (opening or closing) costs to typeset, in characters of text: elements are
#: boxes and styles to compute. Fitted on the samples' pieces (bench/FIGURES.md), so a piece of
#: grids (the Key to Scores, the heat maps) weighs what it costs, and the pieces are cut and
#: handed out to finish together.
TAG = 29

_MARK = re.compile(r"<!--rg:(\d+)-->")
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Break:
    """A place the page may be cut: the elements open there, closed and opened again."""

    forced: bool  # the page breaks here anyway (a section, a card, the heat maps)
    close: str
    reopen: str
    row: str | None = None  # a cut between rows: the row after it ("risk:17")

    @property
    def carry(self) -> int:
        """How many elements the cut closes and reopens: the piece after it continues them."""
        depth = 0
        for m in _TAG.finditer(self.reopen):
            if m.group(2).lower() in _VOID or m.group(3):
                continue
            depth += -1 if m.group(1) else 1
        return depth


class Marks:
    """The template's `pdf_break`: records each place and leaves a numbered comment there."""

    def __init__(self) -> None:
        self.breaks: list[Break] = []

    def __call__(self, kind: str, head: str | None = None, row: str | None = None) -> Markup:
        if kind == "entry":  # between two cards, inside <main><section class="sec">
            brk = Break(True, "</section></main>", '<main><section class="sec">')
        elif kind == "section":  # between two sections of <main>
            brk = Break(True, "</main>", "<main>")
        elif kind == "row":  # between two rows of a register table; `head` is its colgroup and thead
            brk = Break(
                False,
                "</tbody></table></section></main>",
                f'<main><section class="sec"><table class="reg">{head}<tbody>',
                row,
            )
        else:
            raise ValueError(f"unknown break kind {kind!r}")
        self.breaks.append(brk)
        return Markup(f"<!--rg:{len(self.breaks) - 1}-->")


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    brk: Break


def _nearest(cuts: list[_Cut], at: float, weight=lambda pos: pos) -> _Cut:
    return min(cuts, key=lambda c: (abs(weight(c.start) - at), c.start))


def cost(text: str) -> int:
    """A document's typesetting cost, in characters (see `TAG`)."""
    return len(text) + TAG * text.count("<")


class _Weight:
    """The typesetting cost of `text[:pos]`, for any `pos`."""

    def __init__(self, text: str):
        self.tags = [m.start() for m in re.finditer("<", text)]

    def __call__(self, pos: int) -> int:
        return pos + TAG * bisect.bisect_left(self.tags, pos)


def _table_ends(marks: list[_Cut]) -> dict[int, _Cut]:
    """For each mark between rows (by `id`), the last row mark of its table: the end of its
    run of row marks with the same reopening, before any forced mark."""
    ends: dict[int, _Cut] = {}
    last: _Cut | None = None  # walking backwards: the last mark of the run being walked
    for c in reversed(marks):
        if c.brk.forced:
            last = None
            continue
        if last is None or last.brk.reopen != c.brk.reopen:
            last = c
        ends[id(c)] = last
    return ends


def _choose(marks: list[_Cut], begin: int, total: int, ends: dict[int, _Cut], weight=lambda pos: pos) -> list[_Cut]:
    """Where to cut: at forced marks (a long stretch between them also between rows, where
    OVERLAP more of the table follows, for the pieces to meet: `ends`), into pieces of about
    equal cost (`weight(pos)`: the cost of the page up to `pos`)."""
    forced = [c for c in marks if c.brk.forced]
    bounds = [begin] + [c.start for c in forced] + [total]
    cuts = list(forced)
    for a, b in zip(bounds, bounds[1:]):
        if b - a > SOFT_MIN:
            inside = [
                c for c in marks if not c.brk.forced and a < c.start < b and ends[id(c)].start - c.start >= OVERLAP
            ]
            n = math.ceil((b - a) / min(MAX_PIECE, max(PART, (b - a) / 8)))
            if inside:
                cuts.extend({id(c): c for c in (_nearest(inside, a + i * (b - a) / n) for i in range(1, n))}.values())
    cuts.sort(key=lambda c: c.start)
    if not cuts:
        return []
    soft = [c for c in cuts if not c.brk.forced]
    n = max(2, math.ceil((total - begin) / PIECE))
    chosen: dict[int, _Cut] = {c.start: c for c in soft}  # chosen for length, all kept
    start, end = weight(begin), weight(total)
    for i in range(1, n):
        c = _nearest(cuts, start + i * (end - start) / n, weight)
        chosen[c.start] = c
    return [chosen[k] for k in sorted(chosen)]


@dataclass
class Pieces:
    """The page cut into standalone HTML documents, in order.

    Where a piece ends at a cut between rows, `overlap[i]` names the row the next piece
    starts with, and `docs[i]` runs on for OVERLAP characters more of the table. A row
    that starts a page in both pieces is then where the first piece's pages stop and the
    second's are taken: from a row at the top of a page the table lays out the same
    whichever piece it is in, so the joined pages are those of one pass. If no row starts
    a page in both, the first piece's pages stop at its last page that starts with a row
    before the cut, and `bridge` gives the rows from there to the cut: the cut then starts
    a page. (`plain[i]`, the piece without the overlap, serves where no bridge can: when
    that row is the table's first, on a page with the section's heading.)
    """

    docs: list[str]
    overlap: list[str | None]
    plain: list[str | None]
    #: Per piece, how many elements open where it begins continue from the piece before.
    carry: list[int] = field(default_factory=list)
    _rows: dict = field(default_factory=dict, repr=False)  # row id -> the row mark before it
    _page: str = ""
    _head: str = ""
    _tail: str = ""

    def bridge(self, start: str, stop: str) -> str | None:
        """The rows from `start` up to `stop` of one table as a document (None if `start`
        is the table's first row)."""
        a, b = self._rows.get(start), self._rows.get(stop)
        if a is None or b is None:
            return None
        return self._head + a.brk.reopen + self._page[a.end : b.start] + a.brk.close + "\n" + self._tail


def split(html: str, breaks: list[Break], extra_head: str = "") -> Pieces:
    """The page as one or more standalone HTML documents; `extra_head` (a <style>
    element, say) is added to the <head> of every one."""
    head_end = html.index("</head>")
    head = html[:head_end] + extra_head + "</head>\n<body>\n"
    first = html[:head_end] + extra_head + html[head_end:]
    marks = [_Cut(m.start(), m.end(), breaks[int(m.group(1))]) for m in _MARK.finditer(first)]
    body = first.index("<body>")
    ends = _table_ends(marks)
    cuts = _choose(marks, body, len(first), ends, _Weight(first)) if len(first) - body >= MIN_SPLIT else []
    if not cuts:
        return Pieces([first], [None], [None], [0])
    tail = first[first.rindex("</body>") :]
    docs: list[str] = []
    overlap: list[str | None] = []
    plain: list[str | None] = []
    carry = [0] + [c.brk.carry for c in cuts]
    prev: _Cut | None = None
    for c in cuts + [None]:
        begin = head + prev.brk.reopen if prev else ""
        a = prev.end if prev else 0
        if c is None:
            docs.append(begin + first[a:])
            overlap.append(None)
            plain.append(None)
        elif c.brk.forced:
            docs.append(begin + first[a : c.start] + c.brk.close + "\n" + tail)
            overlap.append(None)
            plain.append(None)
        else:
            # Run on through the same table.
            same = [m for m in marks if c.start < m.start <= ends[id(c)].start]
            end = next((m for m in same if m.start - c.start >= OVERLAP), same[-1] if same else c)
            plain_doc = begin + first[a : c.start] + c.brk.close + "\n" + tail
            docs.append(begin + first[a : end.start] + c.brk.close + "\n" + tail)
            overlap.append(c.brk.row if end is not c else None)
            plain.append(plain_doc if end is not c else None)
        prev = c
    rows = {m.brk.row: m for m in marks if m.brk.row}
    return Pieces(docs, overlap, plain, carry, rows, first, head, tail)
