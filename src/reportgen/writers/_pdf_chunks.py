"""Cut the PDF's HTML page into pieces that WeasyPrint can typeset side by side.

WeasyPrint lays out one document on one core, and for a committee register that is
most of a build's time. The page already breaks in known places: before each section
after the first, before each card after a section's first, and before the heat maps
(`break-before: page` in the stylesheet). Cut there and each piece starts on a page of
its own anyway, so typesetting the pieces apart gives the very same pages; the
`_pdf_merge` helper joins them into one tagged PDF.

The template marks those places with `pdf_break(kind)`, an HTML comment, only when the
PDF writer asks. A register table with hundreds of rows has no such place inside it;
it may also be cut between rows ("soft" marks), which starts a new page there. That
is done only for a table longer than `MAX_PIECE` characters of HTML (about 100
entries), where one core would otherwise take minutes and gigabytes; a committee
register of a few dozen entries is never cut inside a table.

Where the cuts fall depends only on the HTML, never on the machine's cores, so every
machine writes the same bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup

#: A piece longer than this (characters of HTML) is cut between table rows. Lengths here
#: count the <body>: the stylesheet in the <head> is the same in every piece.
MAX_PIECE = 200_000
#: A page whose body is shorter than this is typeset in one piece: cutting it would cost more than it saves.
MIN_SPLIT = 24_000
#: Pieces are about this long where the page allows (a few per core, so the cores finish together).
PIECE = 20_000

_MARK = re.compile(r"<!--rg:(\d+)-->")


@dataclass(frozen=True)
class Break:
    """A place the page may be cut: the elements open there, closed and opened again."""

    forced: bool  # the page breaks here anyway (a section, a card, the heat maps)
    close: str
    reopen: str


class Marks:
    """The template's `pdf_break`: records each place and leaves a numbered comment there."""

    def __init__(self) -> None:
        self.breaks: list[Break] = []

    def __call__(self, kind: str, head: str | None = None) -> Markup:
        if kind == "entry":  # between two cards, inside <main><section class="sec">
            brk = Break(True, "</section></main>", '<main><section class="sec">')
        elif kind == "section":  # between two sections of <main>
            brk = Break(True, "</main>", "<main>")
        elif kind == "row":  # between two rows of a register table; `head` is its colgroup and thead
            brk = Break(False, "</tbody></table></section></main>",
                        f'<main><section class="sec"><table class="reg">{head}<tbody>')
        else:
            raise ValueError(f"unknown break kind {kind!r}")
        self.breaks.append(brk)
        return Markup(f"<!--rg:{len(self.breaks) - 1}-->")


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    brk: Break


def _nearest(cuts: list[_Cut], at: float) -> _Cut:
    return min(cuts, key=lambda c: (abs(c.start - at), c.start))


def _choose(marks: list[_Cut], begin: int, total: int) -> list[_Cut]:
    """Where to cut: at forced marks (any piece longer than MAX_PIECE also at soft ones),
    into pieces of about equal length."""
    forced = [c for c in marks if c.brk.forced]
    bounds = [begin] + [c.start for c in forced] + [total]
    cuts = list(forced)
    for a, b in zip(bounds, bounds[1:]):
        if b - a > MAX_PIECE:
            inside = [c for c in marks if not c.brk.forced and a < c.start < b]
            n = math.ceil((b - a) / MAX_PIECE)
            if inside:
                cuts.extend({id(c): c for c in (_nearest(inside, a + i * (b - a) / n) for i in range(1, n))}.values())
    cuts.sort(key=lambda c: c.start)
    if not cuts:
        return []
    n = max(2, math.ceil((total - begin) / PIECE))
    chosen: dict[int, _Cut] = {}
    for i in range(1, n):
        c = _nearest(cuts, begin + i * (total - begin) / n)
        chosen[c.start] = c
    return [chosen[k] for k in sorted(chosen)]


def split(html: str, breaks: list[Break], extra_head: str = "") -> list[str]:
    """The page as one or more standalone HTML documents, in order; `extra_head` (a
    <style> element, say) is added to the <head> of every one."""
    head_end = html.index("</head>")
    head = html[:head_end] + extra_head + "</head>\n<body>\n"
    first = html[:head_end] + extra_head + html[head_end:]
    marks = [_Cut(m.start(), m.end(), breaks[int(m.group(1))]) for m in _MARK.finditer(first)]
    body = first.index("<body>")
    if len(first) - body < MIN_SPLIT:
        return [first]
    cuts = _choose(marks, body, len(first))
    if not cuts:
        return [first]
    tail = first[first.rindex("</body>"):]
    docs = []
    prev: _Cut | None = None
    for c in cuts + [None]:
        begin = head + prev.brk.reopen if prev else ""
        a = prev.end if prev else 0
        if c is None:
            docs.append(begin + first[a:])
        else:
            docs.append(begin + first[a:c.start] + c.brk.close + "\n" + tail)
        prev = c
    return docs
