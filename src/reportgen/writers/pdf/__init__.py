"""The PDF appendix: the HTML page typeset by WeasyPrint as tagged PDF/UA-1.

A4 landscape, running header, "Page X of Y", an outline entry per risk and
opportunity and for the changes summary, the Key to Scores and each heat map (all
from the stylesheet's `@page` and `@media print` rules); title, author, subject,
language and dates in the metadata (from the page's <title>, <meta> and lang).
Dates come from `view.date`, so the same register gives the same bytes.

Typesetting is most of a build's time, and WeasyPrint uses one core. So the page is
cut where it breaks anyway (`chunks`), the pieces are typeset by worker
processes side by side, and `merge` joins them into one tagged PDF with the
running header and page numbers drawn once the page count is known. The cuts depend
only on the register, so the bytes are the same on a machine with any number of cores;
with one core (or no `fork`) the pieces are typeset one after another.

`begin(view, options)` starts the workers and returns a function that finishes the
PDF, so the API can write the other formats meanwhile. WeasyPrint is imported in the
workers, not at the top: importing it takes about half a second, which every build
(even `-f docx`) would otherwise pay when the writers register themselves.
"""

from __future__ import annotations

import html as _html
import os
import re
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from ... import vocabulary as words
from .. import Options, register
from ..html.assets import stylesheet
from . import tags, workarounds
from .chunks import Marks, Pieces, cost, split
from .glyphs import warn_unshown
from .longruns import break_long_runs
from .merge import Piece, join, numbered_lines
from .workers import Workers

if TYPE_CHECKING:
    from ...view import ReportView

#: Typesetting processes at most (one per core up to this).
MAX_WORKERS = 4
#: Page numbers, when typeset as margin boxes, are typeset in parts side by side: parts of at least
#: MARGIN_PART pages, at most MARGIN_PARTS of them.
MARGIN_PART = 10
MARGIN_PARTS = 8

#: The pieces are typeset without margin boxes (a piece cannot know its page numbers);
#: `_margins_html` typesets them for the whole document.
_MARGIN_BOXES = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-right-corner",
    "bottom-right",
    "bottom-center",
    "bottom-left",
    "bottom-left-corner",
    "left-bottom",
    "left-middle",
    "left-top",
)


def _blank(boxes) -> str:
    """CSS that empties these page-margin boxes."""
    return "@page{" + "".join(f"@{b}{{content:none}}" for b in boxes) + "}"


_NO_MARGINS = f"<style>{_blank(_MARGIN_BOXES)}</style>"

# CSS px to PDF points (WeasyPrint's `zoom=1` scale).
_PT = 0.75


@lru_cache(maxsize=1)
def _no_fetch():
    """The page is self-contained: nothing is fetched, from the network or the disk. Only a
    `data:` URL is read (a heat map's arrows, drawn as its cells' backgrounds: artifacts, outside
    the structure tree); any other URL stops the build. (WeasyPrint 70 wants a `URLFetcher`: it
    asks a plain function for an attribute when the function refuses.)"""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def _warm() -> None:
    """Worker start, before the workers fork from the first: import WeasyPrint and parse the
    stylesheet once for all of them, not once a worker or a piece."""
    workarounds.import_weasyprint()
    workarounds.apply()  # one that no longer takes only costs time (the tests say which)
    tags.install()  # the structure tree's repair knows which elements are parts of one
    _sheet(stylesheet().strip())


@lru_cache(maxsize=1)
def _fonts():
    """One font configuration a worker. WeasyPrint makes a new one (a new Pango font map,
    whose fonts are loaded and measured afresh) for each document unless given one; the
    pieces and margin pages of a build all use the same system fonts, and the bytes are
    the same either way."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@lru_cache(maxsize=16)
def _sheet(css: str):
    from weasyprint import CSS

    return CSS(string=css, media_type="print", url_fetcher=_no_fetch())


def _parse(html: str):
    """The document without its <style> elements, and those as parsed stylesheets. Every
    piece and margin page carries the same stylesheet; parsing it once per worker instead
    of once per document saves about a twentieth of the typesetting. (As user stylesheets
    they rank below the page's own style attributes and above the browser defaults, as
    the <style> did: the page has no other author styles.)"""
    from weasyprint import HTML

    head_end = html.index("</head>")
    # (stripped: the same text as `stylesheet()`, which `_warm` parsed before the page existed)
    sheets = [_sheet(m.group(1).strip()) for m in _STYLE.finditer(html, 0, head_end)]
    page = HTML(string=_STYLE.sub("", html[:head_end]) + html[head_end:], url_fetcher=_no_fetch(), media_type="print")
    return page, sheets


def _typeset(html: str) -> Piece:
    """One piece as tagged PDF/UA-1, with its page count, bookmarks (for the joined
    outline) and the register-table row each page starts with (to join overlapping pieces)."""
    page, sheets = _parse(html)
    doc = page.render(stylesheets=sheets, pdf_tags=True, font_config=_fonts())
    marks = [
        (level, label, i, x * _PT, (p.height - y) * _PT, state)
        for i, p in enumerate(doc.pages)
        for level, label, (x, y), state in p.bookmarks
    ]
    rows, entries = _page_rows(doc)
    repair = tags.Repair()
    pdf = doc.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, finisher=repair)
    return Piece(pdf, len(doc.pages), marks, rows, entries=entries, links=repair.links, ids=repair.ids)


def _page_rows(doc) -> tuple[list[tuple[str | None, bool]], list[tuple[str | None, bool]]]:
    """Per page: the first register-table row on it (its `data-r`), and whether the row starts
    on that page rather than running on from the page before; and the same for the register's
    entries, table rows and cards alike (`data-e`)."""
    from weasyprint.formatting_structure.boxes import TableRowBox

    rows: list[tuple[str | None, bool]] = []
    entries: list[tuple[str | None, bool]] = []
    last_row: str | None = None
    last_entry: str | None = None
    for p in doc.pages:
        row_ids: list[str] = []
        entry_ids: list[str] = []
        for b in p._page_box.descendants():
            el = b.element
            if el is None or b.element_tag not in ("tr", "article"):
                continue
            if isinstance(b, TableRowBox) and el.get("data-r"):
                row_ids.append(el.get("data-r"))
            if el.get("data-e") and (not entry_ids or entry_ids[-1] != el.get("data-e")):
                entry_ids.append(el.get("data-e"))
        for ids, out, last in ((row_ids, rows, last_row), (entry_ids, entries, last_entry)):
            first = ids[0] if ids else None
            out.append((first, first is not None and first != last))
        last_row = row_ids[-1] if row_ids else last_row
        last_entry = entry_ids[-1] if entry_ids else last_entry
    return rows, entries


def _continued(pieces: list[Piece], view: ReportView) -> tuple[list[str], list[int]]:
    """`CR1 (continued)` for each page that runs on an entry from the page before (a register
    row or a card), and those pages' numbers (from 0) in the joined PDF."""
    ids = {f"{sec.kind}:{i}": ev.id for sec in view.sections for i, ev in enumerate(sec.entries)}
    labels, pages = [], []
    n = 0
    for piece in pieces:
        for page in piece.kept():
            key, fresh = piece.entries[page] if page < len(piece.entries) else (None, False)
            if key is not None and not fresh and key in ids:
                labels.append(words.CONTINUED.format(id=ids[key]))
                pages.append(n)
            n += 1
    return labels, pages


def _labels_html(labels: list[str]) -> str:
    """A sheet of lines, one a label, the first at the top of the page: `merge.line_forms` draws
    line i where the page it belongs to wants it (in the running header's type, bold)."""
    css = (
        "@page{size:A4 landscape;margin:0}body{margin:0}"
        "p{margin:0 0 0 10mm;height:16px;line-height:16px;white-space:pre;"
        'font:bold 7.5pt "Liberation Sans", Arial, sans-serif;color:#333}'
    )
    body = "".join(f"<p>{_html.escape(label)}</p>" for label in labels)
    return f'<html lang="en-GB"><head><style>{css}</style></head><body>{body}</body></html>'


def _pages_meet(here: dict[int, int], there: dict[int, int]) -> list[int]:
    """The rows that start a page in both pieces, in order."""
    return sorted(set(here) & set(there))


def _sync(pieces: list[Piece], cut: Pieces) -> tuple[dict[int, str], list[int]]:
    """Where a piece runs on past a cut between rows, keep its pages up to the first row
    that starts a page in it and in the next piece, and the next piece's from there (see
    `chunks.Pieces`). Where no row does: the bridges to typeset (after which piece,
    its document), and the pieces to typeset again without the overlap."""
    bridges: dict[int, str] = {}
    redo: list[int] = []
    for i, row in enumerate(cut.overlap):
        if row is None:
            continue
        table, start = row.rsplit(":", 1)

        def starts(piece: Piece, before: bool = False, table: str = table, start: str = start) -> dict[int, int]:
            out: dict[int, int] = {}
            for page, (r, fresh) in enumerate(piece.rows):
                if page < piece.first or not (r and fresh) or r.rsplit(":", 1)[0] != table:
                    continue
                n = int(r.rsplit(":", 1)[1])
                if (n < int(start)) if before else (n >= int(start)):
                    out.setdefault(n, page)
            return out

        here, there = starts(pieces[i]), starts(pieces[i + 1])
        common = _pages_meet(here, there)
        if common:
            pieces[i].last = here[common[0]]
            pieces[i + 1].first = there[common[0]]
            continue
        earlier = starts(pieces[i], before=True)
        doc = cut.bridge(f"{table}:{max(earlier)}", row) if earlier else None
        if doc is None:
            redo.append(i)
        else:
            pieces[i].last = earlier[max(earlier)]
            bridges[i] = doc
    return bridges, redo


def _typeset_margins(html: str) -> bytes:
    page, sheets = _parse(html)
    return page.render(stylesheets=sheets, font_config=_fonts()).write_pdf()


def _margins_html(page: str, view: ReportView, first: int = 1, count: int = 1, total: int | None = None) -> str:
    """The stylesheet's margin boxes on empty pages, to be drawn over the typeset ones.

    With no `total`: one page with the running header (the top boxes), which is the same
    on every page: it shows the strings the masthead sets once, set here (hidden) the same
    way. With `total`: pages `first`..`first + count - 1` with the bottom boxes ("Page X of
    Y"), the page counter started at `first` and `counter(pages)` read as `total`, so a long
    document's page numbers can be typeset in parts side by side."""
    reg = view.register
    esc = _html.escape
    head = page[: page.index("</head>")]
    # No background: the margins are drawn over the page, and white would hide it.
    style = "html{background:none}"
    if total is None:
        # Part B: its mark, in bold, stands in the middle of the running header for the title
        # (which its first page's heading and banner still show), so every page says it.
        doc = view.part_b or reg.title
        body = (
            f'<p style="visibility:hidden;margin:0"><span class="org">{esc(reg.organisation)}</span> '
            f'<span class="doc">{esc(doc)}</span> <span class="period">{esc(reg.period)}</span></p>'
        )
        style += _blank(b for b in _MARGIN_BOXES if not b.startswith("top"))
        if view.part_b:
            style += "@page{@top-center{font-weight:bold;color:#1a1a1a}}"
    else:
        head = head.replace("counter(pages)", f'"{total}"')
        body = "<div></div>" + '<div style="break-before:page"></div>' * (count - 1)
        style += _blank(b for b in _MARGIN_BOXES if b.startswith("top"))
        style += f"@page:first{{counter-set:page {first}}}"
    return head + f"<style>{style}</style></head>\n<body>{body}</body></html>"


def _numbers_html(total: int) -> str:
    """A sheet of page numbers, one a line: "Page 1 of 1" (a probe, compared with the
    stylesheet's page-number margin box), then "Page 1 of N" ... "Page N of N", in the margin
    box's type and centred on the page as it is; `merge` draws line i on page i."""
    lines = ["Page 1 of 1"] + [f"Page {i} of {total}" for i in range(1, total + 1)]
    css = (
        "@page{size:A4 landscape;margin:0}body{margin:0}"
        "p{margin:0;height:20px;line-height:20px;text-align:center;white-space:pre;"
        'font:7.5pt "Liberation Sans", Arial, sans-serif;color:#333}'
    )
    return (
        f'<html lang="en-GB"><head><style>{css}</style></head><body>'
        + "".join(f"<p>{line}</p>" for line in lines)
        + "</body></html>"
    )


def _margin_parts(total: int) -> list[tuple[int, int]]:
    """(first page, count) of each part the page numbers are typeset in: at least
    `MARGIN_PART` pages a part and at most `MARGIN_PARTS` parts, by the page count alone,
    so the bytes do not depend on the machine's cores."""
    size = max(MARGIN_PART, -(-total // MARGIN_PARTS))
    return [(f, min(size, total - f + 1)) for f in range(1, total + 1, size)]


#: What the workers (or, with one core, this process after `_warm`) are asked to do.
_JOBS: dict[str, Callable[[str], object]] = {"piece": _typeset, "margins": _typeset_margins}


def _known(doc: str | None) -> str:
    """A piece without its overlap: `chunks.split` makes one wherever a piece has an overlap."""
    if doc is None:
        raise RuntimeError("no piece without the overlap to typeset again")
    return doc


def _cores() -> int:
    # fork only on Linux: macOS forbids it after some system libraries have started, and
    # Windows has none; there the pieces are typeset one after another (same bytes).
    if not sys.platform.startswith("linux"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Typesetting:
    """The PDF writer's session: created as soon as a build knows it will write a PDF, so
    the worker processes import WeasyPrint while the register is read and checked."""

    def __init__(self) -> None:
        n = min(_cores(), MAX_WORKERS)
        self.workers = Workers(n, _warm, _JOBS) if n > 1 else None

    def __enter__(self) -> Typesetting:
        return self

    def __exit__(self, *exc) -> None:
        if self.workers is not None:
            self.workers.close()

    def _start(self, jobs: list[tuple[str, str]]) -> Callable[[], list]:
        """Start `jobs` ((job, text) pairs); the function returned waits for their results, in order."""
        workers = self.workers
        if workers is None:

            def here() -> list:
                _warm()
                return [_JOBS[job](text) for job, text in jobs]

            return here
        workers.run(jobs)

        def results() -> list:
            out: list = [None] * len(jobs)
            for k, result in workers.results(len(jobs)):
                out[k] = result
            return out

        return results

    def begin(self, view: ReportView, options: Options) -> Callable[[], bytes]:
        """Hand the pieces to the workers; the returned function waits for them and joins."""
        from ..html.page import build_html

        warn_unshown(view.register, options)  # characters no installed font has
        marks = Marks()
        page = break_long_runs(build_html(view, pdf_break=marks))  # (WeasyPrint is quadratic in them)
        cut = split(page, marks.breaks, extra_head=_NO_MARGINS)
        docs = cut.docs
        # Costliest piece first, whichever worker is free takes the next; the running header
        # (the same on every page) is typeset meanwhile, the page numbers once all are counted.
        order = sorted(range(len(docs)), key=lambda i: (-cost(docs[i]), i))
        pending = self._start(
            [("piece", docs[i]) for i in order]
            + [("margins", _margins_html(page, view)), ("margins", _margins_html(page, view, 1, 1, 1))]
        )

        def finish() -> bytes:
            import gc

            import pikepdf  # noqa: F401 - the join's library loads while the workers typeset, not after

            # While the workers typeset, free what the formats written meanwhile left in cycles
            # (openpyxl's workbook is full of them; the command runs without the cyclic
            # collector), before the join needs the memory.
            gc.collect()
            results = pending()
            pieces: list[Piece] = [None] * len(docs)  # type: ignore[list-item]
            for k, i in enumerate(order):
                pieces[i] = results[k]
                pieces[i].carry = cut.carry[i]
            header, reference = results[-2], results[-1]
            bridges, redo = _sync(pieces, cut)
            if bridges or redo:
                again = self._start(
                    [("piece", _known(cut.plain[i])) for i in redo] + [("piece", doc) for doc in bridges.values()]
                )()
                for i, piece in zip(redo, again):
                    piece.first = pieces[i].first  # the same beginning as the piece it replaces
                    piece.carry = pieces[i].carry
                    pieces[i] = piece
                extra = dict(zip(bridges, again[len(redo) :]))
                for i, bridge in extra.items():
                    bridge.carry = cut.carry[i + 1]  # it begins at a row of the table the next piece continues
                pieces = [p for i, piece in enumerate(pieces) for p in [piece] + ([extra[i]] if i in extra else [])]
            total = sum(len(p.kept()) for p in pieces)
            labels, label_pages = _continued(pieces, view)
            sheets = [("margins", _numbers_html(total))] + ([("margins", _labels_html(labels))] if labels else [])
            sheet, *labelled = self._start(sheets)()
            numbers = numbered_lines(sheet, reference)
            footers = None
            if numbers is None:  # the stylesheet's page number is not the sheet's line: typeset it
                footers = self._start(
                    [
                        ("margins", _margins_html(page, view, first, count, total))
                        for first, count in _margin_parts(total)
                    ]
                )()
            if self.workers is not None:
                self.workers.stop()  # they exit, and free their memory, while the parent joins
            continued = (labelled[0], label_pages) if labelled else None
            return join(pieces, header, footers, numbers, continued)

        return finish


@register("pdf", "pdf", "Tagged PDF (PDF/UA-1), A4 landscape, with bookmarks per entry", session=Typesetting)
def render(view: ReportView, options: Options) -> bytes:
    with Typesetting() as t:
        return t.begin(view, options)()
