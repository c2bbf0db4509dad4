"""Word: the Appendix A document democratic services drop into the committee pack.

A4 landscape; a heading block; with `--previous`, a summary of the changes since
last quarter; for a register that tracks appetite, targets or actions, a summary of
how it stands (entries above appetite first); the register as real Word tables (the
2018/19 ten-column table, or one card per entry for `layout: cards`), each score's
trend since last quarter beside the officer's own direction of travel, and the view's
notes (appetite, gap to target, a late review, an action's due date and status); the
Key to Scores with the council's risk appetite, and the register as heat maps on the
same grid; "Page X of Y" in the footer. Everything a clerk may want to edit is real Word
structure: tables with a repeating header row, list numbering, bold/italic runs
and named styles ("Register Table Text", "Register Heading", ...), never pictures
of text. The same register gives a byte-identical file.

What Word's Accessibility Checker looks for (issue 16, `tests/writers/docx/test_accessibility.py`):
a table with column headings has a header row that repeats and says so (`oxml.row`); every
table has a title and description; the headings are the styles with outline levels 1-3, in
order; a cell shaded by its band writes the band's name (the Key's grid its score, which the
legend of bands names); no empty paragraph makes space; the title and language are set.

The OOXML that python-docx has no API for lives in `oxml` and `styles`. A pack (`packs`): the
selection line under the heading, Part B's mark in every page header, the summary for Cabinet
and the deep dive into one entry.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Twips
from lxml import etree

from ... import appetite as risk_appetite
from ... import vocabulary as words
from ...richtext import Block
from ...view import EntryView, GroupView, HeatMap, Note, ReportView, ScoreView, Section, TrendLine, long_date
from ...zipguard import check as check_package
from .. import Options, register
from ..ooxml import normalise
from . import history, packs, reference
from . import oxml as X
from . import styles as S

# A4 landscape, in twips (1/20 pt).
PAGE_W, PAGE_H = 16838, 11906
MARGIN = 720  # 1.27 cm: the appendix is a wide table
HEADER_FOOTER_DISTANCE = 360
TABLE_HEADER_FILL = "D9E2F3"  # light blue-grey: the header row is marked by bold text as well
LABEL_FILL = "F2F2F2"


# --------------------------------------------------------------------------- rendering context


@dataclass
class Ctx:
    view: ReportView
    ids: dict[str, str]  # style name -> style id
    numbering: X.Numbering
    width: int  # usable page width, twips
    height: int  # usable page height, twips
    # Text is measured with Arial's widths; a house style may use a wider font, so
    # measure generously then.
    font_factor: float = 1.0
    bookmark_id: int = 0
    bookmark_names: set = field(default_factory=set)

    def sid(self, sd: S.StyleDef) -> str:
        return self.ids[sd.name]

    def bookmark(self, p, ev: EntryView) -> None:
        base = re.sub(r"[^A-Za-z0-9_]", "_", ev.anchor)[:36] or "entry"
        if not base[0].isalpha():
            base = "e" + base
        name, n = base, 1
        while name.lower() in self.bookmark_names:
            n += 1
            name = f"{base[:33]}_{n}"
        self.bookmark_names.add(name.lower())
        X.bookmark(p, self.bookmark_id, name)
        self.bookmark_id += 1


class Cell:
    """A table cell being filled, with an estimate of its height (for the
    decision whether its row may split across pages)."""

    __slots__ = ("ctx", "tc", "avail", "height")

    def __init__(self, ctx: Ctx, tc, width: int):
        self.ctx = ctx
        self.tc = tc
        self.avail = width - X.CELL_PADDING
        self.height: float = X.CELL_PADDING

    def p(
        self,
        sd: S.StyleDef,
        runs=(),
        *,
        text: str | None = None,
        indent: int = 0,
        num=None,
        keep_next=False,
        colour: str | None = None,
        align: str | None = None,
    ):
        el = X.para(
            self.tc,
            self.ctx.sid(sd),
            runs,
            num=num,
            indent=(indent or None) if num is None else None,
            keep_next=keep_next,
            colour=colour,
            align=align,
        )
        if text is None:
            text = "".join(r.text if not isinstance(r, tuple) else r[0] for r in runs)
        if num is not None:
            indent = X.LIST_STEP * (num[1] + 1)
        lines = X.line_count(text, (self.avail - indent) / self.ctx.font_factor, sd.size_pt, sd.bold)
        self.height += lines * sd.size_pt * 23 + sd.before + sd.after  # 1.15 line height
        return el

    def finish(self) -> None:
        X.ensure_paragraph(self.tc)

    # ---- content kinds

    def plain(self, sd: S.StyleDef, text: str | None, *, bold: bool = False, keep_next: bool = False):
        if text and text.strip():
            return self.p(sd, [(text.strip(), bold)], keep_next=keep_next)
        return None

    def blocks(self, blocks: tuple[Block, ...], *, keep_next: bool = False) -> None:
        """Rich text as Word paragraphs: real list numbering, bold/italic runs."""
        ctx = self.ctx
        ordered: dict[int, tuple[int, int]] = {}  # ilvl -> (numId, last number)
        for b in blocks:
            runs = [(r.text, r.bold, r.italic) for r in b.runs]
            if b.level == 0:
                ordered.clear()
                if b.heading:
                    self.p(S.SUBHEADING, runs)  # the style keeps it with the next paragraph
                else:
                    self.p(S.TABLE_TEXT, runs, keep_next=keep_next)
                continue
            ilvl = min(b.level - 1, 8)
            for k in [k for k in ordered if k > ilvl]:
                del ordered[k]
            indent_text = X.LIST_STEP * (ilvl + 1)
            if not b.marker:  # a further paragraph of the same list item
                self.p(S.LIST, runs, indent=indent_text, keep_next=keep_next)
                continue
            if b.ordered:
                try:
                    n = int(b.marker.rstrip("."))
                except ValueError:
                    n = 1
                state = ordered.get(ilvl)
                num_id = state[0] if state and n == state[1] + 1 else ctx.numbering.new_ordered(ilvl, n)
                ordered[ilvl] = (num_id, n)
            else:
                ordered.pop(ilvl, None)
                num_id = ctx.numbering.bullet_id
            self.p(S.LIST, runs, num=(num_id, ilvl), keep_next=keep_next)

    def groups(self, groups: tuple[GroupView, ...], *, owners_inline: bool) -> None:
        """Themed groups: the theme as a bold sub-heading, then its text; in the table
        layout an 'Owner: X' line under a group that has an owner."""
        for g in groups:
            if g.theme and g.theme.strip():
                self.p(S.SUBHEADING, [(g.theme.strip(),)])
            self.blocks(g.blocks)
            if owners_inline and g.owner and g.owner.strip():
                self.p(S.OWNER, [(words.OWNER_LINE.format(owner=g.owner.strip()),)])
            if g.status_text:
                self.p(S.OWNER, [X.RunSpec(g.status_text, bold=g.overdue)])

    def owners(self, pairs: tuple[tuple[str | None, str], ...]) -> None:
        """The card layout's owner box: each owner under its group's theme, so that it lines
        up with the controls or actions beside it (the view's `EntryView.owners`)."""
        for theme, owner in pairs:
            if theme:
                self.p(S.SUBHEADING, [(theme,)])
            self.p(S.TABLE_TEXT, [(owner,)])

    def score(self, sv: ScoreView | None) -> None:
        """`16 (Major/Likely)` with the band name under it; the cell is shaded by the
        caller. The band name means colour is never the only signal."""
        if sv is None:
            return
        if sv.score is None:  # kept as written: shown so, never as a number
            if sv.unread:
                self.p(S.SCORE, [X.RunSpec(sv.text)])
            return
        colour = _text_colour(sv)
        self.p(S.SCORE, score_runs(sv), colour=colour)
        if sv.band_name:
            self.p(S.BAND, [(sv.band_name,)], colour=colour)

    def note(self, note: Note, *, centred: bool = False, colour: str | None = None, keep_next: bool = False) -> None:
        """A line the view adds under a cell's content (`● Above appetite (Open, up to 16)`,
        `Gap to target: 4 …`, `Review overdue …`): bold where it asks for attention."""
        self.p(
            S.TREND,
            [X.RunSpec(note.text, bold=note.alert)],
            colour=colour,
            align="center" if centred else None,
            keep_next=keep_next,
        )

    def trend(
        self, line: TrendLine | None, *, centred: bool = False, colour: str | None = None, keep_next: bool = False
    ) -> None:
        """`Since Q1 2018/19: ▼ Down from 25 (better)`: a symbol and words, never colour alone."""
        if line is None:
            return
        # In a narrow cell the trend starts a line of its own, so that its symbol stays with its word.
        one_line = X.text_width(line.lead + " ", S.TREND.size_pt) + X.text_width(line.trend.text, S.TREND.size_pt, True)
        sep = " " if one_line * self.ctx.font_factor <= self.avail else "\n"
        self.p(
            S.TREND,
            [X.RunSpec(line.lead + sep), X.RunSpec(line.trend.text, bold=True)],
            colour=colour,
            align="center" if centred else None,
            keep_next=keep_next,
        )


LABEL_PT = 8  # the '(Major/Likely)' part of a score: smaller, so that it fits a narrow column unbroken


def score_runs(sv: ScoreView, prefix: str = "") -> list:
    """The number in bold, then its labels a point smaller: `16 (Major/Likely)`."""
    number, _, labels = sv.text.partition(" ")
    runs = [X.RunSpec(prefix + number, bold=True)]
    if labels:
        runs.append(X.RunSpec(" " + labels, size_pt=LABEL_PT))
    return runs


def _text_colour(sv: ScoreView | None) -> str | None:
    if sv is None or sv.band is None:
        return None
    c = sv.text_colour.lstrip("#").upper()
    return None if c == "000000" else c


def _fill(sv: ScoreView | None) -> str | None:
    return sv.colour.lstrip("#").upper() if sv is not None and sv.colour else None


# --------------------------------------------------------------------------- heading block and footer


def heading_block(body, ctx: Ctx) -> None:
    reg = ctx.view.register
    if reg.appendix:
        X.para(body, ctx.sid(S.APPENDIX_LABEL), [(reg.appendix,)])
    X.para(body, ctx.sid(S.ORGANISATION), [(reg.organisation,)])
    X.para(body, ctx.sid(S.HEADING), [(ctx.view.heading,)])


def changes_summary(body, ctx: Ctx) -> None:
    """What changed since last quarter, before the register: the two periods, entries new
    this quarter, entries closed (with their last score), scores that moved (largest first)."""
    chg = ctx.view.changes
    if chg is None:
        return
    _summary(body, ctx, chg.heading, chg.description, chg.rows())


def tracking_summary(body, ctx: Ctx) -> None:
    """How the register stands against the council's appetite, its targets and its actions
    (the view's `Tracking`), after the changes summary: entries above appetite first."""
    tracking = ctx.view.tracking
    if tracking is None:
        return
    _summary(body, ctx, tracking.heading, words.TRACKING_DESCRIPTION, tracking.rows())


def _summary(body, ctx: Ctx, heading: str, description: str, rows: list[tuple[str, list[str]]]) -> None:
    """A summary at the front: its heading, then a table of labelled rows, one item a paragraph."""
    X.para(body, ctx.sid(S.SECTION), [(heading,)])
    label_w = 3200
    widths = [label_w, ctx.width - label_w]
    tbl = X.table(body, widths, caption=heading, description=description)
    for label, items in rows:
        tr = X.row(tbl, cant_split=True)
        X.para(X.cell(tr, widths[0], fill=LABEL_FILL), ctx.sid(S.TABLE_HEADING), [(label,)])
        tc = X.cell(tr, widths[1])
        for item in items or ["None"]:
            X.para(tc, ctx.sid(S.TABLE_TEXT), [(item,)])


def footer(section, ctx: Ctx) -> None:
    """`Appendix A: … Q2 2018/19` on the left, `Page X of Y` on the right."""
    ftr = section.footer
    ftr.is_linked_to_previous = False
    el = ftr._element
    for child in list(el):
        el.remove(child)
    tabs = etree.Element(X.w("tabs"))
    X.sub(tabs, "tab", val="right", pos=ctx.width)
    p = X.para(el, ctx.sid(S.FOOTER), [(ctx.view.full_title,)], extra_ppr=[tabs])
    X.add_runs(p, [("\tPage ",)])
    X.field_runs(p, "PAGE", "1")
    X.add_runs(p, [(" of ",)])
    X.field_runs(p, "NUMPAGES", "1")


def running_header(section, ctx: Ctx) -> None:
    """The register table's running header: the entry a page starts with, or continues (a
    STYLEREF field on the ID cells' style, which Word updates page by page), so a page that
    runs on a long row says whose row it is, at its top right. Card tables repeat their title
    row instead."""
    entries = ctx.view.entries()
    if ctx.view.layout != "table" or not entries:
        return
    hdr = section.header
    hdr.is_linked_to_previous = False
    el = hdr._element
    for child in list(el):
        el.remove(child)
    # No text before the field, and no cached result: a word processor that does not update
    # STYLEREF (LibreOffice 7.4 does not) then shows nothing rather than one ID on every page.
    p = X.para(el, ctx.sid(S.HEADER))
    X.field_runs(p, f'STYLEREF "{words.ENTRY_ID_STYLE}"', "")


def _has_content(hf) -> bool:
    el = hf._element
    return (
        any((t.text or "").strip() for t in el.iter(X.w("t")))
        or next(el.iter(X.w("fldSimple")), None) is not None
        or next(el.iter(X.w("instrText")), None) is not None
        or next(el.iter(X.w("drawing")), None) is not None
    )


# --------------------------------------------------------------------------- table layout


def _column_widths(ctx: Ctx, section: Section) -> list[int]:
    """The view's column shares (`Section.column_shares`) for this page's width in twips: the
    table's width in em of its 9-point text, the cell padding in the same em."""
    em = S.TABLE_TEXT.size_pt * 20 * ctx.font_factor
    shares = section.column_shares(ctx.width / em, (X.CELL_PADDING + 60) / em)
    out = [int(round(ctx.width * w)) for w in shares]
    out[-1] += ctx.width - sum(out)
    return out


def entry_table(body, ctx: Ctx, section: Section) -> None:
    widths = _column_widths(ctx, section)
    tbl = X.table(
        body,
        widths,
        caption=section.heading,
        description=f"{ctx.view.heading}: {section.heading.lower()}, one row per "
        f"{'risk' if section.kind == 'risk' else 'opportunity'}",
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    header_height = 0.0
    for c, wd in zip(section.columns, widths):
        cell = Cell(ctx, X.cell(hdr, wd, fill=TABLE_HEADER_FILL, valign="center"), wd)
        cell.p(S.TABLE_HEADING, [(c.label,)])
        header_height = max(header_height, cell.height)
    page_room = (ctx.height - header_height) * 0.92
    for index, ev in enumerate(section.entries):
        tr = X.row(tbl)
        tallest = 0.0
        for c, wd in zip(section.columns, widths):
            sv = ev.score(c.field) if c.kind == "score" else None
            tc = X.cell(tr, wd, fill=_fill(sv), valign="center" if c.kind == "score" else None)
            cell = Cell(ctx, tc, wd)
            if c.kind == "id":
                p = cell.plain(S.ENTRY_ID, ev.id)
                ctx.bookmark(p, ev)
            elif c.kind == "score":
                cell.score(sv)
            elif c.kind == "groups":
                cell.groups(ev.groups(c.field), owners_inline=True)
            elif c.kind == "types":
                for t in ev.types:
                    cell.plain(S.TABLE_TEXT, t)
            elif c.kind == "plain":
                cell.plain(S.TABLE_TEXT, _plain(getattr(ev.entry, c.field, None)))
            else:
                cell.blocks(ev.blocks(c.field))
            # The trends and notes the view puts in this cell (under the score, or under the text).
            for line in section.trends(ev, c.field):
                if c.kind == "score":
                    cell.trend(line, centred=True, colour=_text_colour(sv))
                else:
                    cell.trend(line)
            for note in section.notes(ev, c.field):
                cell.note(note, centred=c.kind == "score", colour=_text_colour(sv) if c.kind == "score" else None)
            cell.finish()
            tallest = max(tallest, cell.height)
        # Keep a row on one page unless it is taller than a page: then it must split.
        if tallest < page_room:
            X.set_row_props(tr, cant_split=True)
        elif index:
            # A row that splits must not start with a single line at the foot of a page. Its ID
            # and the first paragraph of each cell are kept whole and with what follows. LibreOffice
            # reads that as keeping the row with the next, so it starts such a row on a new page
            # (as the PDF does a row taller than a page); it honours neither keepLines nor widow
            # control inside a row it splits. Not on a table's first row: LibreOffice would move
            # it, and the header row with it, off a page that holds only the heading above.
            for tc in tr.findall(X.w("tc")):
                X.keep_first_paragraph(tc)


# --------------------------------------------------------------------------- card layout

# Relative cell widths of each card row (the seed's 2021/22 card).
CARD_ROWS = [
    [0.55, 0.225, 0.225],  # ID – title | current score | target score
    [0.26, 0.26, 0.16, 0.16, 0.16],  # description | consequences | owner & date | likelihood | impact
    [0.34, 0.16, 0.34, 0.16],  # controls | control owner | actions | mitigation owner
    [1.0],  # progress
]


def _plain(value) -> str | None:
    """A plain field as a cell prints it: a date (a target date) as committee papers write one."""
    return long_date(value) if isinstance(value, dt.date) else value


def _scale_label(sv: ScoreView | None, which: str) -> str:
    return sv.scale_text(which) if sv else ""


def card(body, ctx: Ctx, ev: EntryView, grid: list[int], spans: list[list[tuple[int, int]]]) -> None:
    later = ev.later
    title = ev.entry.title.strip() if ev.entry.title and ev.entry.title.strip() else ""
    # Rows after the first may split across pages unless they are short: a card's long
    # text runs on, as in the seed, rather than leaving half a page empty.
    page_room = ctx.height * 0.4
    noun = words.NOUN[ev.kind]

    # After a card, the paragraph Word needs between two tables (else it joins them), its gap made
    # by paragraph spacing (the style's): it keeps with the card, so that a card never starts at
    # the foot of a page. After a heading there is none: no empty paragraph makes space.
    if len(body) and body[-1].tag == X.w("tbl"):
        X.para(body, ctx.sid(S.SPACER), keep_next=True)
    tbl = X.table(
        body, grid, caption=f"{noun} {ev.id}", description=f"{noun} {ev.id}" + (f": {title}" if title else "")
    )

    # row 1: ID and title, current score, target score (repeats if the card runs onto a new page)
    tr = X.row(tbl, header=True, cant_split=True)
    (w0, s0), (w1, s1), (w2, s2) = spans[0]
    c = Cell(ctx, X.cell(tr, w0, span=s0, fill=LABEL_FILL, valign="center"), w0)
    heading = f"{ev.label('id')} {ev.id}" + (f" \u2013 {title}" if title else "")
    p = c.p(S.CARD_TITLE, [(heading,)], keep_next=True)
    ctx.bookmark(p, ev)
    for note in ev.notes.get("id", ()):  # a late review, by the title
        c.note(note, keep_next=True)
    c.finish()
    # The notes the view puts under each score: the appetite under the current one; the plan's
    # (gap to target, a passed target date) under the later one. The card shows the target date
    # in its owner box, so not again as a note.
    shown = ("target_date",)
    for (wd, sp), sv, label, line, notes in (
        (spans[0][1], ev.current, ev.label("current") + ":", ev.trend_line("current", "current"), "current"),
        (spans[0][2], later, ev.later_label() + ":", ev.trend_line("later", ev.later_field), "plan"),
    ):
        c = Cell(ctx, X.cell(tr, wd, span=sp, fill=_fill(sv), valign="center"), wd)
        colour = _text_colour(sv)
        if sv is not None and sv.score is not None:
            c.p(S.SCORE, score_runs(sv, prefix=f"{label} "), keep_next=True, colour=colour)
            if sv.band_name:
                c.p(S.BAND, [(sv.band_name,)], keep_next=True, colour=colour)
        elif sv is not None and sv.unread:
            c.p(S.SCORE, [X.RunSpec(label + " ", bold=True), X.RunSpec(sv.text)], keep_next=True)
        else:
            c.p(S.SCORE, [X.RunSpec(label, bold=True)], keep_next=True)
        c.trend(line, centred=True, colour=colour, keep_next=True)
        for note in ev.notes.get(notes, ()):
            if note.field not in shown:
                c.note(note, centred=True, colour=colour, keep_next=True)
        c.finish()

    # row 2: description, consequences, owner and date, likelihood, impact
    tr = X.row(tbl)
    cells = [Cell(ctx, X.cell(tr, wd, span=sp), wd) for wd, sp in spans[1]]
    desc, cons, own, lik, imp = cells
    desc.p(S.TABLE_HEADING, [(ev.label("description"),)])
    desc.blocks(ev.blocks("description"))
    cons.p(S.TABLE_HEADING, [(ev.label("consequences"),)])
    cons.blocks(ev.blocks("consequences"))
    own.p(S.TABLE_HEADING, [(ev.label("owner"),)])
    own.plain(S.TABLE_TEXT, ev.entry.owner)
    own.p(S.SUBHEADING, [(ev.label("target_date"),)])
    own.plain(S.TABLE_TEXT, _plain(ev.entry.target_date))
    if ev.types:
        own.p(S.SUBHEADING, [(ev.label("types"),)])
        for t in ev.types:
            own.plain(S.TABLE_TEXT, t)
    lik.p(S.TABLE_HEADING, [(ev.label("current_likelihood"),)])
    lik.plain(S.TABLE_TEXT, _scale_label(ev.current, "likelihood"))
    lik.p(S.SUBHEADING, [(ev.later_label("likelihood"),)])
    lik.plain(S.TABLE_TEXT, _scale_label(later, "likelihood"))
    lik.p(S.SUBHEADING, [(ev.label("target_confidence"),)])
    lik.plain(S.TABLE_TEXT, ev.entry.target_confidence)
    imp.p(S.TABLE_HEADING, [(ev.label("current_impact"),)])
    imp.plain(S.TABLE_TEXT, _scale_label(ev.current, "impact"))
    imp.p(S.SUBHEADING, [(ev.later_label("impact"),)])
    imp.plain(S.TABLE_TEXT, _scale_label(later, "impact"))
    _finish_row(tr, cells, page_room)

    # row 3: controls and their owners, actions and their owners
    tr = X.row(tbl)
    cells = [Cell(ctx, X.cell(tr, wd, span=sp), wd) for wd, sp in spans[2]]
    ctl, ctl_own, act, act_own = cells
    ctl.p(S.TABLE_HEADING, [(ev.label("controls"),)])
    ctl.groups(ev.controls, owners_inline=False)
    ctl_own.p(S.TABLE_HEADING, [(ev.label("control_owner"),)])
    ctl_own.owners(ev.owners("controls"))
    act.p(S.TABLE_HEADING, [(ev.label("actions"),)])
    act.groups(ev.actions, owners_inline=False)
    act_own.p(S.TABLE_HEADING, [(ev.label("action_owner"),)])
    act_own.owners(ev.owners("actions"))
    _finish_row(tr, cells, page_room)

    # row 4: direction of travel (where written) and progress
    tr = X.row(tbl)
    wd, sp = spans[3][0]
    prog = Cell(ctx, X.cell(tr, wd, span=sp), wd)
    if ev.entry.direction:
        prog.p(S.TABLE_HEADING, [(ev.label("direction"),)])
        prog.blocks(ev.blocks("direction"))
    prog.p(S.TABLE_HEADING, [(ev.label("progress"),)])
    prog.blocks(ev.blocks("progress"))
    _finish_row(tr, [prog], page_room)


def _finish_row(tr, cells: list[Cell], page_room: float) -> None:
    for c in cells:
        c.finish()
    if max(c.height for c in cells) < page_room:
        X.set_row_props(tr, cant_split=True)


# --------------------------------------------------------------------------- key to scores


def _key_widths(ctx: Ctx) -> tuple[int, int, int]:
    """The Key's axis, row-label and score column widths."""
    v = ctx.view
    widest = max((X.text_width(lb.upper(), S.KEY_TEXT.size_pt, True) for lb in v.likelihood_labels), default=0)
    score_w = max(1134, int(widest * ctx.font_factor) + X.CELL_PADDING + 80)  # at least 2 cm
    lines = [ln for r in v.matrix for ln in r.label.split("\n")]
    widest = max((X.text_width(ln, S.KEY_TEXT.size_pt, True) for ln in lines), default=0)
    return 520, max(2900, int(widest * ctx.font_factor) + X.CELL_PADDING + 80), score_w


def _matrix(
    body,
    ctx: Ctx,
    axis_w: int,
    label_w: int,
    score_w: int,
    *,
    caption: str,
    description: str,
    fill_cell,
    title: tuple[tuple[S.StyleDef, str], ...] = (),
    keep_with_next: bool = True,
) -> None:
    """The 5 x 5 grid of the Key to Scores: impact rows from the highest down with their
    labels, likelihood columns from the lowest up, each cell shaded by its band and
    filled by `fill_cell(tc, matrix_cell, text_colour)`. `title` paragraphs go in a
    first, borderless row spanning the grid (a caption that cannot be parted from it). The
    grid keeps with what follows it unless `keep_with_next` is false."""
    v = ctx.view
    n = len(v.likelihood_labels)
    widths = [axis_w, label_w] + [score_w] * n
    tbl = X.table(body, widths, caption=caption, description=description, borders=False)
    key = ctx.sid(S.KEY_TEXT)
    if title:
        tr = X.row(tbl, cant_split=True)
        tc = X.cell(tr, sum(widths), span=n + 2, no_borders=True)
        for sd, text in title:
            X.para(tc, ctx.sid(sd), [(text,)], keep_next=True)
    rows = v.matrix
    for i, mrow in enumerate(rows):
        tr = X.row(tbl, cant_split=True)
        X.set_row_height(tr, 454)
        axis = X.cell(tr, axis_w, vmerge="restart" if i == 0 else "continue", valign="center", vertical_text=True)
        if i == 0:
            X.para(axis, key, [("IMPACT",)], keep_next=True, align="center")
        else:
            X.para(axis, key, keep_next=True)
        _bordered(axis)
        lab = X.cell(tr, label_w, valign="center")
        _bordered(lab)
        X.para(lab, key, [(mrow.label,)], keep_next=True)
        for mc in mrow.cells:
            tc = X.cell(tr, score_w, fill=mc.band.colour if mc.band else None, valign="center")
            _bordered(tc)
            colour = mc.band.text_colour.lstrip("#").upper() if mc.band else None
            fill_cell(tc, mc, None if colour in (None, "000000") else colour)
    tr = X.row(tbl, cant_split=True)
    for wd in (axis_w, label_w):
        X.para(X.cell(tr, wd, no_borders=True), key, keep_next=True)
    for label in v.likelihood_labels:
        tc = X.cell(tr, score_w, valign="center")
        _bordered(tc)
        X.para(tc, key, [(label.upper(),)], keep_next=True)
    tr = X.row(tbl, cant_split=True)
    for wd in (axis_w, label_w):
        X.para(X.cell(tr, wd, no_borders=True), key, keep_next=keep_with_next)
    X.para(X.cell(tr, score_w * n, span=n, no_borders=True), key, [("LIKELIHOOD",)], keep_next=keep_with_next)


def key_to_scores(body, ctx: Ctx) -> None:
    X.para(body, ctx.sid(S.SECTION), [(words.KEY_TO_SCORES,)])
    key = ctx.sid(S.KEY_TEXT)

    def score(tc, mc, colour):
        # The score alone (what the council's Key prints, and what readers of the grid look for):
        # its band is in words in the legend of score bands under it, so shading is never its only sign.
        X.para(tc, key, [(str(mc.score),)], keep_next=True, colour=colour)

    _matrix(
        body,
        ctx,
        *_key_widths(ctx),
        caption=words.KEY_TO_SCORES,
        fill_cell=score,
        description="Score = likelihood x impact: impact rows from the highest down, likelihood columns "
        "from the lowest up, each cell shaded by its band",
    )

    band_legend(body, ctx)


def band_legend(body, ctx: Ctx) -> None:
    """The score bands: name (shaded with the band) and range; the colour is never the only signal."""
    v = ctx.view
    X.para(body, ctx.sid(S.SUBHEADING), [(words.SCORE_BANDS,)], keep_next=True)
    lw = [1800, 1400]
    leg = X.table(body, lw, caption="Score bands", description="The score bands: name, range of scores and shading")
    for j, b in enumerate(v.bands):
        tr = X.row(leg, cant_split=True)
        last = j == len(v.bands) - 1
        colour = b.text_colour.lstrip("#").upper()
        X.para(
            X.cell(tr, lw[0], fill=b.colour),
            ctx.sid(S.TABLE_HEADING),
            [(b.name,)],
            keep_next=not last,
            colour=None if colour == "000000" else colour,
        )
        rng = f"{b.min} to {b.max}" if b.min != b.max else str(b.min)
        X.para(X.cell(tr, lw[1]), ctx.sid(S.TABLE_TEXT), [(rng,)], keep_next=not last)


APPETITE_WIDTHS = (2200, 2200, 4400)


def appetite_key(body, ctx: Ctx) -> None:
    """The council's risk appetite, with the Key to Scores: each level, the highest current score
    within it, and the risk types that answer to it (the default level says so). Only for a
    register that sets an appetite."""
    appetite = ctx.view.register.appetite
    if appetite is None:
        return
    X.para(body, ctx.sid(S.SUBSECTION), [(words.RISK_APPETITE,)], keep_next=True)
    X.para(body, ctx.sid(S.TABLE_TEXT), [(words.APPETITE_NOTE,)], keep_next=True)
    tbl = X.table(
        body,
        list(APPETITE_WIDTHS),
        caption=words.RISK_APPETITE,
        description="The council's risk appetite: each level, the highest current score within it, "
        "and the risk types at that level",
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    for label, wd in zip(words.APPETITE_COLUMNS, APPETITE_WIDTHS):
        X.para(X.cell(hdr, wd, fill=TABLE_HEADER_FILL), ctx.sid(S.TABLE_HEADING), [(label,)], keep_next=True)
    default = risk_appetite.find_level(appetite, appetite.default)
    for j, level in enumerate(appetite.levels):
        keep = j < len(appetite.levels) - 1
        tr = X.row(tbl, cant_split=True)
        name_w, tol_w, types_w = APPETITE_WIDTHS
        X.para(X.cell(tr, name_w), ctx.sid(S.TABLE_HEADING), [(level.name,)], keep_next=keep)
        X.para(X.cell(tr, tol_w), ctx.sid(S.TABLE_TEXT), [(str(level.tolerance),)], keep_next=keep)
        tc = X.cell(tr, types_w)
        types = [t for t, name in appetite.by_type.items() if risk_appetite.find_level(appetite, name) is level]
        if default is level:
            types.append(words.APPETITE_DEFAULT)
        for t in types or [""]:
            X.para(tc, ctx.sid(S.TABLE_TEXT), [(t,)] if t else (), keep_next=keep)


def heat_maps(body, ctx: Ctx) -> None:
    """The register on the Key's grid: each entry's ID in the cell of its likelihood and
    impact, one map for current scores and one for residual/target scores. An entry with a
    score but no likelihood/impact is listed under the grid as "score only", never guessed."""
    v = ctx.view
    if not v.heatmaps:
        return
    X.para(body, ctx.sid(S.SECTION), [(words.HEAT_MAPS,)])
    for hm in v.heatmaps:
        heat_map(body, ctx, hm)


def heat_map(body, ctx: Ctx, hm: HeatMap, title_style: S.StyleDef = S.SUBSECTION) -> None:
    """One heat map (the register's, or the summary's with its own title style): each cell its
    score and band (as the HTML's: never colour alone), then the IDs placed there; under the grid,
    what it could not place and the moves since last quarter, a line each."""
    axis_w, label_w, score_w = _key_widths(ctx)
    n = len(ctx.view.likelihood_labels)
    # wider cells than the Key's, to hold several IDs, up to 4 cm each
    score_w = max(score_w, min((ctx.width - axis_w - label_w) // max(n, 1), 2268))
    sid = ctx.sid(S.HEAT_MAP_TEXT)

    def ids(tc, mc, colour):
        band = f"{mc.score} {mc.band.name}" if mc.band else str(mc.score)
        X.para(tc, ctx.sid(S.BAND), [(band,)], keep_next=True, colour=colour)
        placed = hm.labels(mc.likelihood, mc.impact)
        if placed:
            X.para(tc, sid, [(", ".join(placed),)], keep_next=True, colour=colour)

    caption = f"Heat map: {hm.title.lower()}"
    _matrix(
        body,
        ctx,
        axis_w,
        label_w,
        score_w,
        caption=caption,
        fill_cell=ids,
        title=((title_style, caption), (S.TABLE_TEXT, ctx.view.heatmap_note)),
        keep_with_next=bool(hm.lists()),
        description=f"{hm.title}: the register's entry IDs placed by likelihood and impact on the Key to Scores grid",
    )
    lists = hm.placed_lists()
    for i, (heading, why, placed) in enumerate(lists):
        more = i < len(lists) - 1
        if hm.moves and heading == hm.moves_heading[0]:
            # the moves a line each, as a list: `CR3: Likely/Catastrophic → Possible/Major`
            X.para(
                body,
                ctx.sid(S.TABLE_TEXT),
                [X.RunSpec(heading, bold=True), X.RunSpec(f" ({why}):")],
                keep_next=True,
            )
            for j, p in enumerate(placed):
                last = j == len(placed) - 1
                runs = [X.RunSpec(p.name, bold=True), X.RunSpec(p.separator + p.detail)]
                X.para(body, ctx.sid(S.LIST), runs, num=(ctx.numbering.bullet_id, 0), keep_next=more or not last)
            continue
        listed = ", ".join(p.label for p in placed)
        X.para(
            body,
            ctx.sid(S.TABLE_TEXT),
            [X.RunSpec(heading, bold=True), X.RunSpec(f" ({why}): "), X.RunSpec(listed)],
            keep_next=more,
        )


def _bordered(tc) -> None:
    """Single borders on one Key to Scores cell (the table itself has none, so the
    empty corner cells stay blank)."""
    pr = tc[0]
    b = etree.Element(X.w("tcBorders"))
    for side in ("top", "left", "bottom", "right"):
        X.sub(b, side, val="single", sz=4, space=0, color=X.BORDER_COLOUR)
    # tcBorders goes after tcW / gridSpan / vMerge and before shd
    anchor = None
    for tag in ("vMerge", "gridSpan", "tcW"):
        anchor = pr.find(X.w(tag))
        if anchor is not None:
            break
    if anchor is None:  # a cell always has its width (tcW)
        raise ValueError("a table cell without a width")
    anchor.addnext(b)


# --------------------------------------------------------------------------- document


def _open(options: Options):
    """The reference document with its body cleared (the pandoc convention), or the default template."""
    ref = options.reference_docx
    if ref is None:
        return docx.Document(), False
    check_package(ref, "a Word document (.docx)", "word/document.xml", "give --reference-docx a Word document")
    doc = docx.Document(str(ref))
    body = doc.element.body
    for child in list(body):
        if child.tag != X.w("sectPr"):
            body.remove(child)
    reference.clean(doc, lambda what: options.warn(what, ref))  # its look only: nothing Word would fetch
    return doc, True


def _setup_section(section, house_style: bool) -> tuple[int, int]:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Twips(PAGE_W)
    section.page_height = Twips(PAGE_H)
    if not house_style:
        for attr in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, attr, Twips(MARGIN))
        section.header_distance = Twips(HEADER_FOOTER_DISTANCE)
        section.footer_distance = Twips(HEADER_FOOTER_DISTANCE)
    emu_per_twip = 635

    def tw(length, default):
        return int(length / emu_per_twip) if length is not None else default

    width = PAGE_W - tw(section.left_margin, MARGIN) - tw(section.right_margin, MARGIN)
    height = PAGE_H - tw(section.top_margin, MARGIN) - tw(section.bottom_margin, MARGIN)
    return width, height


def _properties(doc, view: ReportView) -> None:
    cp = doc.core_properties
    when = dt.datetime(view.date.year, view.date.month, view.date.day)
    reg = view.register
    cp.title = view.full_title
    cp.subject = view.heading
    cp.author = reg.organisation
    cp.last_modified_by = reg.organisation
    cp.language = "en-GB"
    cp.keywords = "risk register; opportunity register; committee"
    cp.comments = f"{reg.appendix or 'Appendix'} to the committee report: {view.heading}"
    cp.category = "Committee report appendix"
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1


def _font_table(doc) -> None:
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable") and not rel.is_external:
            part = rel.target_part
            root = etree.fromstring(part.blob)
            S.add_font_fallback(root)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a thumbnail of an empty page; a file browser would show it."""
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del pkg_rels[rid]


def build_document(view: ReportView, options: Options):
    doc, house_style = _open(options)
    if not house_style:
        _drop_thumbnail(doc)
    section = doc.sections[-1]
    width, height = _setup_section(section, house_style)
    ids = S.install(doc.styles.element, house_style=house_style)
    numbering = X.Numbering.install(doc.part.numbering_part.element)
    ctx = Ctx(view, ids, numbering, width, height, font_factor=1.15 if house_style else 1.0)
    packs.install_styles(doc.styles.element, ids, view)
    if not house_style or not _has_content(section.footer):
        footer(section, ctx)
    if view.pack == "register" and (not house_style or not _has_content(section.header)):
        running_header(section, ctx)
    packs.mark_part_b(doc, ctx)
    _font_table(doc)
    _properties(doc, view)
    packs.properties(doc, ctx)

    body = doc.element.body
    # Build straight into the body (moving finished subtrees between lxml documents is
    # slow) and put the section properties back at the end, where they belong.
    sect_pr = body.find(X.w("sectPr"))
    if sect_pr is not None:
        body.remove(sect_pr)
    content = body
    heading_block(content, ctx)
    packs.selection_line(content, ctx)
    if view.pack == "summary":
        packs.summary(content, ctx)
    elif view.pack == "deep-dive":
        packs.deep_dive(content, ctx)
    else:
        register_body(content, ctx)
    if sect_pr is not None:
        body.append(sect_pr)
    return doc


def register_body(content, ctx: Ctx) -> None:
    """The register appendix after its heading: the summaries, the register, the Key and heat maps."""
    view = ctx.view
    width = ctx.width
    changes_summary(content, ctx)
    tracking_summary(content, ctx)
    if view.layout == "cards":
        grid, spans = X.grid_from_rows(CARD_ROWS, width)
        for sec in view.sections:
            X.para(content, ctx.sid(S.SECTION), [(sec.heading,)])
            for ev in sec.entries:
                card(content, ctx, ev, grid, spans)
    else:
        for sec in view.sections:
            X.para(content, ctx.sid(S.SECTION), [(sec.heading,)])
            entry_table(content, ctx, sec)
    if not view.sections:
        X.para(content, ctx.sid(S.TABLE_TEXT), [("This register has no risks or opportunities.",)])
    history.section(content, ctx)
    key_to_scores(content, ctx)
    appetite_key(content, ctx)
    heat_maps(content, ctx)


@register("docx", "docx", "Word appendix (A4 landscape tables, Key to Scores, heat maps)")
def render(view: ReportView, options: Options) -> bytes:
    doc = build_document(view, options)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), view.date)
