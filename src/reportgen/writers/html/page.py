"""The HTML appendix: one standalone, accessible page, and the source of the PDF.

`build_html(view)` renders the Jinja2 templates in `reportgen/templates/` (the
repository's `templates/` folder) with the stylesheet inlined, so the page needs
nothing from the network and no script. The PDF writer hands the same string to
WeasyPrint; print-only rules (page size, running header, page numbers,
bookmarks) live in the stylesheet's `@page` and `@media print` blocks.

Every string from the register is escaped: autoescape is on, and rich text is drawn
from the view's blocks (`blocks_html`), escaping every run of text.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from ... import vocabulary as words
from ...richtext import Block
from ...view import EntryView, HeatMap, MatrixCell, Placed, ReportView, Section, shorten
from .assets import STYLESHEET, TEMPLATES, stylesheet
from .charts import Charts
from .template_cache import template_cache


def _runs(runs, bold: bool = False) -> str:
    out = []
    for r in runs:
        text = str(escape(r.text)).replace("\n", "<br>")
        if r.italic:
            text = f"<em>{text}</em>"
        if r.bold and not bold:
            text = f"<strong>{text}</strong>"
        out.append(text)
    joined = "".join(out)
    return f"<strong>{joined}</strong>" if bold else joined


def blocks_html(blocks: tuple[Block, ...]) -> Markup:
    """The view's rich text as escaped HTML: paragraphs, sub-headings (a bold paragraph of
    class `sub`), nested bullet and numbered lists, bold, italic and line breaks. The same
    blocks Word and Excel draw, so every format agrees on what a list or a heading is."""
    out: list[str] = []
    lists: list[str] = []  # the open lists, innermost last; each has an open <li>

    def close_to(depth: int) -> None:
        while len(lists) > depth:
            out.append(f"</li>\n</{lists.pop()}>")

    for b in blocks:
        if b.level == 0:
            close_to(0)
            out.append(f'\n<p class="sub">{_runs(b.runs, bold=True)}</p>' if b.heading else f"\n<p>{_runs(b.runs)}</p>")
            continue
        close_to(b.level)
        if not b.marker and len(lists) == b.level:  # a further paragraph of the same item
            out.append(f"\n<p>{_runs(b.runs)}</p>")
            continue
        tag = "ol" if b.ordered else "ul"
        if len(lists) == b.level:
            if lists[-1] == tag:
                out.append(f"</li>\n<li>{_runs(b.runs)}")
                continue
            close_to(b.level - 1)
        while len(lists) < b.level:
            innermost = len(lists) == b.level - 1
            kind = tag if innermost else "ul"
            start = b.marker.rstrip(".") if innermost and b.ordered else "1"
            attr = f' start="{start}"' if kind == "ol" and start.isdigit() and start != "1" else ""
            out.append(f"\n<{kind}{attr}>\n<li>")
            lists.append(kind)
        out.append(_runs(b.runs))
    close_to(0)
    return Markup("".join(out).strip())


def plain_lines(text: str | None) -> Markup:
    """A plain string with its line breaks kept (escaped)."""
    if not text:
        return Markup("")
    return Markup("<br>").join(text.strip().split("\n"))


def band_class(view: ReportView):
    index = {id(b): i for i, b in enumerate(view.bands, 1)}

    def cls(band) -> str:
        return f"b{index[id(band)]}" if band is not None and id(band) in index else ""

    return cls


#: The PDF's register table: A4 landscape less 10 mm margins, 277 mm, in em of its type (0.85 of
#: 8 pt, report.css `.reg` in print), and a cell's padding and borders in the same em.
TABLE_EM = 277 / 25.4 * 72 / (0.85 * 8)
CELL_PAD_EM = 1.0


def column_widths(section: Section) -> list[str]:
    """Each column's share of the table width, as a CSS percentage: the view's shares
    (`Section.column_shares`, the same rule as the Word table's) for the PDF's table."""
    return [f"{100 * w:.2f}%" for w in section.column_shares(TABLE_EM, CELL_PAD_EM)]


#: A browser column is never narrower than its longest word, up to this (em): a longer "word" is
#: an address or a code, and breaks anywhere rather than widen the page past the window.
MAX_WORD_EM = 12.0


def column_min_widths(section: Section) -> list[str]:
    """Each column's minimum width in a browser, which sizes the register's columns itself: its
    longest word (`Section.longest_words_em`, a little over for the browser's own font), so a
    column of long words is not squeezed to a sliver that breaks them ("Establishi/ng"). Each
    is also at most its part (by those widths) of 78% of the window (the rest: margins, padding,
    borders), so that together they never push the page wider than a narrow window (where a
    long word may break, as it would anyway). Chromium, unlike Word and WeasyPrint, does not end
    a line after a slash, so `Implement/maintain` may still break in a narrow column."""
    ems = [min(MAX_WORD_EM, 1.05 * em + 0.2) for em in section.longest_words_em()]
    total = sum(ems) or 1.0
    return [f"min({em:.1f}em, {78 * em / total:.1f}vw)" for em in ems]


def bookmark(ev: EntryView, limit: int = 90) -> str:
    """`CR1 – Delivering the Operational Plan…`: the entry's outline label in the PDF."""
    return f"{ev.id} – {shorten(ev.title, limit)}" if ev.title else ev.id


def placed(p: Placed, link: bool) -> Markup:
    """An entry named on a heat map (escaped), its name a link to its entry where `link`: in
    the HTML page, not the PDF's source (a link in the PDF needs PDF/UA tagging of its own)."""
    name = Markup('<a href="#{}">{}</a>').format(p.anchor, p.name) if link else escape(p.name)
    return name + p.separator + p.detail if p.detail else name


def ids(hm: HeatMap, cell: MatrixCell, link: bool = False) -> Markup:
    """The entries placed in one heat-map cell, one a line (escaped)."""
    return Markup("").join(Markup("<br>") + placed(p, link) for p in hm.placed(cell.likelihood, cell.impact))


def placed_list(items: tuple[Placed, ...], link: bool = False) -> Markup:
    """The entries a list under a heat map names, comma-separated (escaped)."""
    return Markup(", ").join(placed(p, link) for p in items)


#: What each pack holds, for the page's description (the PDF's Subject).
_SUBJECTS = {
    "register": "risks, opportunities and the key to scores",
    "summary": "summary of the entries by band, the heat map, the entries in the top band and what changed",
    "deep-dive": "every field of one entry, its scores on the key to scores and its history",
}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=template_cache(),
        autoescape=True,  # every register string is escaped; only `rich` output is trusted Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["blocks"] = blocks_html
    env.filters["lines"] = plain_lines
    env.globals["column_widths"] = column_widths
    env.globals["column_min_widths"] = column_min_widths
    env.globals["bookmark"] = bookmark
    env.globals["ids"] = ids
    env.globals["placed_list"] = placed_list
    env.globals["words"] = words
    env.globals["owner_line"] = words.OWNER_LINE
    return env


def build_html(view: ReportView, pdf_break=None) -> str:
    """The whole appendix as one standalone HTML page (also the PDF writer's input).

    `pdf_break(kind, head=None) -> Markup` is the PDF writer's: called where the page may
    be cut into pieces typeset side by side (see `chunks`); the HTML page has none."""
    reg = view.register
    title = f"{view.document_title} – {reg.organisation}"
    subject = f"{reg.title} of {reg.organisation} for {reg.period}: {_SUBJECTS[view.pack]}"
    if view.pack_heading and view.pack != "summary":
        subject = f"{view.pack_heading}. {subject}"
    if view.selection_line:
        subject += f" ({view.selection_line})"
    if view.part_b:  # Part B says so first, wherever its description is shown
        subject = f"{view.part_b}. {subject}"
    css = stylesheet()
    if "</" in css:  # the stylesheet is inlined in <style>; it must not be able to close it
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            view=view,
            reg=reg,
            doc_title=title,
            subject=subject,
            date=view.date.isoformat(),
            css=Markup(css),
            band=band_class(view),
            pdf_break=pdf_break,
            charts=Charts(view, pdf=pdf_break is not None),
        )
    )
