"""The Word writer's packs: what a document says it holds, Part B's mark, the summary for Cabinet
and the deep dive into one entry (issue 19). Everything shown is the view's (`ReportView.selection`,
`.part_b`, `.pack`, `.summary`); this module only draws it.

* **Selection** (`selection_line`): under the heading, what a selected document holds ("Entries
  owned by: children; 4 of 15 entries"); a deep dive's heading ("Deep dive: CR3").
* **Part B** (`mark_part_b`): "NOT FOR PUBLICATION: exempt information under paragraph 3 …" at the
  top of every page (the header of every section, and its first-page and even-page headers where
  the document has them) and in the core properties. A public document has none of it, not even the
  style.
* **Summary** (`summary`): the entries in each band (against last quarter), the current heat map
  with IDs, the entries in the top band with owner and direction, what changed and how the register
  stands against appetite, targets and actions: no register table. At most two landscape pages for
  the samples.
* **Deep dive** (`deep_dive`): the entry's card (every field the card has), the fields the card has
  no place for, its scores marked on the Key to Scores grid in words, its scores over the quarters
  the build was given, and the band legend and appetite.

Import (`importers/docx.py`) skips the selection line and the deep dive's own tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from ... import vocabulary as words
from ...packs import notice
from ...view import SUMMARY_TITLE, EntryView, HeatMap, ScoreView, long_date, shorten
from . import oxml as X
from . import styles as S

if TYPE_CHECKING:
    from . import Ctx

#: The selection line under the heading, and Part B's mark in the page header: styles of their own
#: (added only to a document that has them), so a clerk can restyle them and import can tell them.
SELECTION = S.StyleDef(words.SELECTION_STYLE, 10, bold=True, keep_next=True, after=120)
PART_B = S.StyleDef(words.PART_B_STYLE, 9, bold=True)


def install_styles(styles_root, ids: dict[str, str], ctx_view) -> None:
    """Add the pack styles a document uses (none to a plain public register)."""
    wanted = []
    if ctx_view.selection:
        wanted.append(SELECTION)
    if ctx_view.part_b:
        wanted.append(PART_B)
    if wanted:
        ids.update(S.install_extra(styles_root, ids, wanted))


# --------------------------------------------------------------------------- selection and Part B


def selection_line(body, ctx: Ctx) -> None:
    """What the document holds, under the heading: a selection's words, or a deep dive's heading."""
    text = ctx.view.selection
    if text:
        X.para(body, ctx.sid(SELECTION), [(text,)], keep_next=True)


def _headers(doc) -> list:
    """Every header a page can show: each section's default header, its first-page header where
    the section has a different first page, and its even-page header where the document has them."""
    even = doc.settings.odd_and_even_pages_header_footer
    out = []
    for s in doc.sections:
        out.append(s.header)
        if s.different_first_page_header_footer:
            out.append(s.first_page_header)
        if even:
            out.append(s.even_page_header)
    return out


def mark_part_b(doc, ctx: Ctx) -> None:
    """Part B's mark first in every page header, bold; a header's running entry ID (the table
    layout's STYLEREF field) stays on the same line, at the right margin. Nothing for Part A."""
    text = ctx.view.part_b
    if not text:
        return
    for hdr in _headers(doc):
        hdr.is_linked_to_previous = False
        el = hdr._element
        first = el.find(X.w("p"))
        running = first is not None and any("STYLEREF" in (t.text or "") for t in first.iter(X.w("instrText")))
        if running and len([p for p in el if p.tag == X.w("p")]) == 1:
            # the running header's own paragraph: the mark at the left, the entry ID after a right tab
            ppr = first.find(X.w("pPr"))
            style = ppr.find(X.w("pStyle"))
            style.set(X.w("val"), ctx.sid(PART_B))
            tabs = etree.Element(X.w("tabs"))
            X.sub(tabs, "tab", val="right", pos=ctx.width)
            style.addnext(tabs)
            holder = etree.Element(X.w("p"))
            X.add_runs(holder, [X.RunSpec(text + "\t")])
            for run in reversed(list(holder)):
                ppr.addnext(run)
            continue
        p = X.para(el, ctx.sid(PART_B), [(text,)])
        el.remove(p)
        el.insert(0, p)


def properties(doc, ctx: Ctx) -> None:
    """Part B's mark in the subject, keywords and comments; a selection's words in the comments."""
    cp = doc.core_properties
    cp.subject, cp.keywords, cp.comments = ctx.view.marked_properties(cp.subject, cp.keywords, cp.comments)


# --------------------------------------------------------------------------- the summary


def summary(body, ctx: Ctx) -> None:
    """The summary for Cabinet: entries by band, the heat map, the top band, what changed, and
    appetite, targets and actions (where the register tracks them)."""
    from . import changes_summary, tracking_summary

    sm = ctx.view.summary
    if sm is None:
        return
    X.para(body, ctx.sid(S.SECTION), [(words.SUMMARY_HEADING,)])
    band_counts(body, ctx)
    if ctx.view.heatmaps:
        heat_map(body, ctx, ctx.view.heatmaps[0])
    top_band(body, ctx)
    changes_summary(body, ctx)
    tracking_summary(body, ctx)


def band_counts(body, ctx: Ctx) -> None:
    """One row of band names (each shaded with its band) over one row of counts: `9 (8 last quarter)`."""
    sm = ctx.view.summary
    assert sm is not None
    X.para(body, ctx.sid(S.SUBHEADING), [(words.BAND_COUNTS,)], keep_next=True)
    n = max(len(sm.bands), 1)
    each = min(2800, ctx.width // n)
    widths = [each] * len(sm.bands)
    tbl = X.table(
        body,
        widths,
        caption=words.BAND_COUNTS,
        description="How many entries have a current score in each band"
        + (", and how many had last quarter" if any(c.previous is not None for c in sm.bands) else ""),
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    for c, wd in zip(sm.bands, widths):
        ink = c.band.text_colour.lstrip("#").upper()
        X.para(
            X.cell(hdr, wd, fill=c.band.colour, valign="center"),
            ctx.sid(S.TABLE_HEADING),
            [(c.band.name,)],
            keep_next=True,
            colour=None if ink == "000000" else ink,
            align="center",
        )
    tr = X.row(tbl, cant_split=True)
    for c, wd in zip(sm.bands, widths):
        X.para(X.cell(tr, wd, valign="center"), ctx.sid(S.SCORE), [X.RunSpec(c.text, bold=True)])


def heat_map(body, ctx: Ctx, hm: HeatMap) -> None:
    """The current scores' heat map, drawn as the register's (`heat_map`), under a sub-heading."""
    from . import heat_map as draw

    # A paragraph between it and the table before: Word joins two tables that touch into one.
    X.para(body, ctx.sid(S.SPACER), keep_next=True)
    draw(body, ctx, hm, S.SUBHEADING)


#: The top band's table: ID, title, owner, current score, direction (relative widths).
TOP_SHARES = (0.07, 0.30, 0.20, 0.11, 0.32)


def top_band(body, ctx: Ctx) -> None:
    """The entries in the highest band that has any: ID, title, owner, current score (shaded, with
    its band's name) and the officer's direction of travel with the trend since last quarter."""
    from . import TABLE_HEADER_FILL, _fill, _text_colour, score_runs

    sm = ctx.view.summary
    assert sm is not None
    if not sm.top:
        return
    X.para(body, ctx.sid(S.SECTION), [(sm.heading,)])
    widths = [int(ctx.width * s) for s in TOP_SHARES]
    widths[-1] += ctx.width - sum(widths)
    tbl = X.table(
        body,
        widths,
        caption=sm.heading,
        description=f"The entries in the {sm.top_band.name if sm.top_band else ''} band: ID, title, owner, current "
        "score and direction of travel",
    )
    keys = ("id", "title", "owner", "current.score", "direction")
    hdr = X.row(tbl, header=True, cant_split=True)
    for key, wd in zip(keys, widths):
        X.para(X.cell(hdr, wd, fill=TABLE_HEADER_FILL), ctx.sid(S.TABLE_HEADING), [(words.REGISTER_COLUMNS[key],)])
    for ev in sm.top:
        tr = X.row(tbl, cant_split=True)
        X.para(X.cell(tr, widths[0]), ctx.sid(S.ENTRY_ID), [(ev.name,)])
        X.para(X.cell(tr, widths[1]), ctx.sid(S.TABLE_TEXT), [(shorten(ev.title, SUMMARY_TITLE),)])
        X.para(X.cell(tr, widths[2]), ctx.sid(S.TABLE_TEXT), [((ev.entry.owner or "").strip(),)])
        sv = ev.current
        tc = X.cell(tr, widths[3], fill=_fill(sv), valign="center")
        if sv is not None and sv.score is not None:
            colour = _text_colour(sv)
            X.para(tc, ctx.sid(S.SCORE), score_runs(sv), colour=colour)
            if sv.band_name:
                X.para(tc, ctx.sid(S.BAND), [(sv.band_name,)], colour=colour)
        X.ensure_paragraph(tc)
        X.para(X.cell(tr, widths[4]), ctx.sid(S.TABLE_TEXT), [(sm.direction(ev),)])


# --------------------------------------------------------------------------- the deep dive


def deep_dive(body, ctx: Ctx) -> None:
    """One entry: its card, what the card has no place for, its scores on the Key to Scores grid,
    its scores over the quarters, the band legend and the council's appetite."""
    from . import CARD_ROWS, appetite_key, band_legend, card

    grid, spans = X.grid_from_rows(CARD_ROWS, ctx.width)
    for ev in ctx.view.entries():
        card(body, ctx, ev, grid, spans)
        more(body, ctx, ev)
        on_the_grid(body, ctx, ev)
        band_legend(body, ctx)
        scores_over_time(body, ctx, ev)
    appetite_key(body, ctx)


def _score_line(sv: ScoreView) -> str:
    """`12 (Major/Possible), High`."""
    return sv.text + (f", {sv.band_name}" if sv.band_name else "")


def more_rows(ev: EntryView) -> list[tuple[str, str]]:
    """The entry's fields the card has no place for: the residual score where the card shows the
    target, the appetite it answers to, its next review, and (Part B) why it is exempt."""
    rows: list[tuple[str, str]] = []
    residual = ev.residual
    if ev.later_field != "residual" and residual is not None and (residual.score is not None or residual.unread):
        rows.append((ev.label("residual"), _score_line(residual)))
        if residual.likelihood or residual.impact:
            rows.append((ev.label("residual_likelihood"), residual.scale_text("likelihood")))
            rows.append((ev.label("residual_impact"), residual.scale_text("impact")))
    if ev.appetite is not None:
        rows.append((words.TRACKING_COLUMNS["appetite.level"], ev.appetite.text))
    elif ev.entry.appetite:
        rows.append((words.TRACKING_COLUMNS["appetite.level"], ev.entry.appetite))
    if ev.entry.review_by is not None:
        rows.append((words.TRACKING_COLUMNS["review_by"], long_date(ev.entry.review_by)))
    if ev.entry.exempt is not None:
        fields = ", ".join(ev.entry.exempt.fields) if ev.entry.exempt.fields else ""
        rows.append((words.EXEMPT_LABEL, notice(ev.entry.exempt.paragraph) + (f" ({fields})" if fields else "")))
    return rows


def more(body, ctx: Ctx, ev: EntryView) -> None:
    from . import LABEL_FILL

    rows = more_rows(ev)
    if not rows:
        return
    heading = words.DEEP_DIVE_MORE.format(id=ev.id)
    X.para(body, ctx.sid(S.SECTION), [(heading,)])
    widths = [3200, ctx.width - 3200]
    tbl = X.table(body, widths, caption=heading, description=f"{ev.name}: the fields its card does not show")
    for label, value in rows:
        tr = X.row(tbl, cant_split=True)
        X.para(X.cell(tr, widths[0], fill=LABEL_FILL), ctx.sid(S.TABLE_HEADING), [(label,)])
        X.para(X.cell(tr, widths[1]), ctx.sid(S.TABLE_TEXT), [(value,)])


def on_the_grid(body, ctx: Ctx, ev: EntryView) -> None:
    """The Key to Scores grid with the entry's current, residual and target scores named in their
    cells ("● Current Risk Score"): words, not colour alone. Scores with no likelihood and impact
    are listed under it."""
    from . import _key_widths, _matrix

    placed, unplaced = ev.grid_marks(), ev.off_grid()
    heading = words.DEEP_DIVE_GRID.format(id=ev.id)
    axis_w, label_w, score_w = _key_widths(ctx)
    n = len(ctx.view.likelihood_labels)
    score_w = max(score_w, min((ctx.width - axis_w - label_w) // max(n, 1), 2268))
    key = ctx.sid(S.KEY_TEXT)
    sid = ctx.sid(S.HEAT_MAP_TEXT)

    def fill(tc, mc, colour):
        X.para(tc, key, [(str(mc.score),)], keep_next=True, colour=colour)
        for label in placed.get((mc.likelihood, mc.impact), ()):
            X.para(tc, sid, [X.RunSpec(label, bold=True)], keep_next=True, colour=colour)

    X.para(body, ctx.sid(S.SECTION), [(heading,)], keep_next=True)  # (and not a table touching the card)
    where = "; ".join(
        f"{label.removeprefix(words.GRID_MARK).strip()}: {_where(ctx, cell)}"
        for cell, labels in placed.items()
        for label in labels
    )
    _matrix(
        body,
        ctx,
        axis_w,
        label_w,
        score_w,
        caption=heading,
        fill_cell=fill,
        keep_with_next=bool(unplaced),
        description=f"{ev.name}'s scores on the Key to Scores grid, each cell shaded by its band and showing its "
        f"score" + (f"; {where}" if where else ""),
    )
    if unplaced:
        # Under the grid, in a last row of its own table: what cannot be placed is part of the grid.
        tbl = body[-1]
        widths = [axis_w, label_w] + [score_w] * n
        tr = X.row(tbl, cant_split=True)
        tc = X.cell(tr, sum(widths), span=n + 2, no_borders=True)
        for label, why in unplaced:
            X.para(tc, ctx.sid(S.TABLE_TEXT), [X.RunSpec(label, bold=True), X.RunSpec(f": {why}")])


def _where(ctx: Ctx, cell: tuple[int, int]) -> str:
    lk, im = cell
    labels = ctx.view.likelihood_labels
    row = next((r for r in ctx.view.matrix if r.impact == im), None)
    impact = row.risk_label if row is not None else str(im)
    return f"{labels[lk - 1] if 0 < lk <= len(labels) else lk}/{impact}"


def scores_over_time(body, ctx: Ctx, ev: EntryView) -> None:
    """The entry's scores in each quarter the build was given, as the register's history shows
    them (`history.entry_table`: its current score and, where known, its residual and target, how
    long it has been in its band and its move over the whole span)."""
    from . import history

    h = ctx.view.history
    if h is None or ev.history is None:
        return
    X.para(body, ctx.sid(S.SECTION), [(h.heading,)])
    history.entry_table(body, ctx, h, [ev])
