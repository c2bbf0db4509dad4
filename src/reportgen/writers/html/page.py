"""The HTML appendix: one standalone, accessible page, and the source of the PDF.

`build_html(view)` renders the Jinja2 templates in `reportgen/templates/` (the
repository's `templates/` folder) with the stylesheet inlined, so the page needs
nothing from the network and no script. The PDF writer hands the same string to
WeasyPrint; print-only rules (page size, running header, page numbers,
bookmarks) live in the stylesheet's `@page` and `@media print` blocks.

Every string from the register is escaped: autoescape is on, and rich text comes
from `richtext.to_html`, whose Markdown parser has raw HTML switched off.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup

from ... import richtext
from ...compare import Trend
from ...view import ColumnView, EntryView, HeatMap, MatrixCell, ReportView, Section
from .assets import STYLESHEET, TEMPLATES, stylesheet
from .template_cache import template_cache

# Markdown headings inside a cell would break the page's heading order (h1 > h2 > h3);
# they are shown as bold sub-heading paragraphs instead, like a wholly bold line.
_MD_HEADING_OPEN = re.compile(r"<h[1-6]>")
_MD_HEADING_CLOSE = re.compile(r"</h[1-6]>")

#: Labels of the card layout, as the council's card appendix prints them.
_CARD_COMMON = {
    "target_date": "Target date",
    "current_likelihood": "Current likelihood",
    "current_impact": "Current impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
    "direction": "Direction of travel",
    "controls": "Current controls",
    "control_owner": "Control owner",
}
CARD_LABELS = {
    "risk": {
        **_CARD_COMMON,
        "id": "Risk ID",
        "current": "Current risk score",
        "target": "Target risk score",
        "residual": "Residual risk score",
        "description": "Risk description",
        "consequences": "Risk consequences",
        "owner": "Risk owner",
        "target_confidence": "Target risk confidence",
        "types": "Risk type",
        "actions": "Mitigating actions",
        "action_owner": "Mitigation owner",
        "progress": "Progress",
    },
    "opportunity": {
        **_CARD_COMMON,
        "id": "Opportunity ID",
        "current": "Current opportunity score",
        "target": "Target opportunity score",
        "residual": "Residual opportunity score",
        "description": "Opportunity description",
        "consequences": "Opportunity consequences",
        "owner": "Opportunity owner",
        "target_confidence": "Target confidence",
        "types": "Opportunity type",
        "actions": "Actions to realise",
        "action_owner": "Action owner",
        "progress": "Progress to date",
    },
}


def rich(markdown: str | None) -> Markup:
    """Register Markdown as escaped HTML (paragraphs, lists, bold, italic, line breaks)."""
    out = richtext.to_html(markdown)
    if "<h" in out:
        out = _MD_HEADING_CLOSE.sub("</strong></p>", _MD_HEADING_OPEN.sub('<p class="sub"><strong>', out))
    return Markup(out.strip())


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


_WORD = re.compile(r"[^\s*_#>`/]+/?")  # a line may break after a slash


def _longest_word(ev: EntryView, col: ColumnView) -> int:
    if col.kind == "id":
        text = ev.id
    elif col.kind == "types":
        text = " ".join(ev.entry.types)
    elif col.kind == "score":
        sv = ev.score(col.field)
        text = f"{sv.text} {sv.band_name}" if sv else ""
    elif col.kind == "groups":
        text = " ".join(f"{g.theme or ''} {g.owner or ''} {g.markdown}" for g in ev.groups(col.field))
    else:
        text = getattr(ev.entry, col.field) or ""
    return max((len(w) for w in _WORD.findall(text)), default=0)


def column_widths(section: Section) -> list[str]:
    """Each column's share of the table width, as a CSS percentage.

    The view's relative widths, except that a column is never narrower than the longest
    word in its cells (at the PDF's type size a table line holds about 100 em): a fixed
    layout would otherwise break 'Organisational' across lines, and a reader or a text
    extractor would see two words. Such floors are capped at 14% and the other columns
    give up the room in proportion."""
    cols = section.columns
    total = sum(c.width for c in cols) or 1.0
    share = [c.width / total for c in cols]
    floor = []
    for c in cols:
        n = max((_longest_word(ev, c) for ev in section.entries), default=0)
        floor.append(min(0.14, (n * 0.6 + 1.0) / 100))
    fixed = [i for i in range(len(cols)) if share[i] < floor[i]]
    if fixed and sum(floor[i] for i in fixed) < 0.6:
        spare = 1.0 - sum(floor[i] for i in fixed)
        rest = sum(share[i] for i in range(len(cols)) if i not in fixed) or 1.0
        share = [floor[i] if i in fixed else share[i] * spare / rest for i in range(len(cols))]
    return [f"{100 * w:.2f}%" for w in share]


def scale_text(label: str | None, number: int | None) -> str:
    """`Likely (4)`, as the card appendix writes a likelihood or impact."""
    if label and number:
        return f"{label} ({number})"
    return label or (str(number) if number else "")


def bookmark(ev: EntryView, limit: int = 90) -> str:
    """`CR1 – Delivering the Operational Plan…`: the entry's outline label in the PDF."""
    first = ev.entry.title or next((b.text.split("\n")[0] for b in ev.blocks("description")), "")
    first = " ".join(first.split())
    if len(first) > limit:
        first = first[: limit - 1].rstrip() + "…"
    return f"{ev.id} – {first}" if first else ev.id


def anchors(view: ReportView) -> dict[int, str]:
    """A unique `id` attribute per entry (the view's anchor, made unique if two IDs collide)."""
    seen: set[str] = set()
    out: dict[int, str] = {}
    for ev in view.entries():
        a = base = ev.anchor
        n = 2
        while a in seen:
            a, n = f"{base}-{n}", n + 1
        seen.add(a)
        out[id(ev)] = a
    return out


def trends(sec: Section, ev: EntryView, field: str) -> list[Trend]:
    """The trends shown in one cell of the table layout: the current score's under the
    officer's own Direction of Travel (or under the current score where the register has no
    such column), the residual/target score's under that score (else under the direction)."""
    fields = {c.field for c in sec.columns}
    out: list[Trend] = []
    if ev.trend is not None:
        home = "direction" if "direction" in fields else "current"
        if field == home:
            out.append(ev.trend)
    if ev.residual_trend is not None:
        later = ev.residual_trend_field
        home = later if later in fields else "direction"
        if field == home:
            out.append(ev.residual_trend)
    return out


def changes(view: ReportView) -> list[tuple[str, list[str]]]:
    """The changes summary's rows (label, items), computed once by the view."""
    return view.changes_summary


def ids(hm: HeatMap, cell: MatrixCell) -> Markup:
    """The IDs placed in one heat-map cell, one a line (escaped)."""
    placed = hm.cells.get((cell.likelihood, cell.impact), ())
    return Markup("").join(Markup("<br>") + i for i in placed)


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
    env.filters["rich"] = rich
    env.filters["lines"] = plain_lines
    env.globals["scale_text"] = scale_text
    env.globals["column_widths"] = column_widths
    env.globals["bookmark"] = bookmark
    env.globals["trends"] = trends
    env.globals["changes"] = changes
    env.globals["ids"] = ids
    return env


def build_html(view: ReportView, pdf_break=None) -> str:
    """The whole appendix as one standalone HTML page (also the PDF writer's input).

    `pdf_break(kind, head=None) -> Markup` is the PDF writer's: called where the page may
    be cut into pieces typeset side by side (see `chunks`); the HTML page has none."""
    reg = view.register
    title = f"{view.full_title} – {reg.organisation}"
    subject = f"{reg.title} of {reg.organisation} for {reg.period}: risks, opportunities and the key to scores"
    css = stylesheet()
    ids = anchors(view)
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
            anchor=lambda ev: ids[id(ev)],
            labels=CARD_LABELS,
            has_opportunities=any(s.kind == "opportunity" and s.entries for s in view.sections),
            pdf_break=pdf_break,
        )
    )
