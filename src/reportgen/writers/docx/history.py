"""The Word appendix's history: each entry's current score by quarter, and the register's entries in
each band by quarter, as real Word tables after the register (before the Key to Scores).

Drawn only when the build was given earlier quarters (`ReportView.history`); everything it shows is
the view's (`EntryView.history`, `History.band_counts`): the quarters in order, each score with its
band name (the cell shaded by band as well: colour is never the only signal), a quarter the entry
was not in, or had no score in, as a gap in words, never a zero. Import skips both tables by the
headings above them (`importers/docx.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import vocabulary as words
from ...view import EntryHistory, EntryView, History, ScoreView, TrendLine
from . import oxml as X
from . import styles as S

if TYPE_CHECKING:
    from . import Ctx

#: Column widths (twips): the narrowest a quarter's column may be (a band name on one line), the
#: widest it need be, and the band-counts table's quarter columns.
QUARTER_MIN, QUARTER_MAX = 1050, 1700
COUNT_W = 1300


def section(body, ctx: Ctx) -> None:
    """The history after the register: its heading, each entry's scores by quarter, then the entries
    in each band by quarter. Nothing for a build without earlier quarters."""
    history = ctx.view.history
    if history is None:
        return
    X.para(body, ctx.sid(S.SECTION), [(history.heading,)])
    entries = [ev for ev in ctx.view.entries() if ev.history is not None]
    if entries:
        entry_table(body, ctx, history, entries)
    band_counts(body, ctx, history)


def _fill(sv: ScoreView | None) -> str | None:
    return sv.colour.lstrip("#").upper() if sv is not None and sv.score is not None and sv.colour else None


def _ink(colour: str | None) -> str | None:
    """A band's text colour as a run colour (none for black, the style's own)."""
    c = (colour or "").lstrip("#").upper()
    return None if c in ("", "000000") else c


def _span(quarters: tuple[str, ...]) -> str:
    return f"{quarters[0]} to {quarters[-1]}" if len(quarters) > 1 else quarters[0]


def _widths(ctx: Ctx, history: History, entries: list[EntryView]) -> list[int]:
    """ID, one column a quarter, then the band-since and trend column: the ID as wide as the longest
    name, the last as wide as its longest line (within the page), the quarters share what is left."""
    pad = X.CELL_PADDING + 80
    f = ctx.font_factor
    id_w = max(900, int(max(X.text_width(ev.name, S.TABLE_HEADING.size_pt, True) for ev in entries) * f) + pad)
    lines = [words.HISTORY_SINCE_COLUMN]
    for ev in entries:
        h: EntryHistory = ev.history  # type: ignore[assignment]
        lines.append(h.band_since)
        if h.span is not None:
            lines.append(h.span.text)
    text_w = int(max(X.text_width(t, S.TABLE_TEXT.size_pt, True) for t in lines) * f) + pad
    n = len(history.quarters)
    quarter_w = max(QUARTER_MIN, min(QUARTER_MAX, (ctx.width - id_w - min(text_w, 4000)) // n))
    text_w = max(2400, min(text_w, ctx.width - id_w - quarter_w * n))
    return [id_w] + [quarter_w] * n + [text_w]


def entry_table(body, ctx: Ctx, history: History, entries: list[EntryView]) -> None:
    """One row an entry: its ID, its current score in each quarter (oldest first), then how long it
    has been in its band and its move over the whole span. The header row repeats on each page and
    no row splits."""
    from . import TABLE_HEADER_FILL

    widths = _widths(ctx, history, entries)
    gap = words.HISTORY_GAP
    tbl = X.table(
        body,
        widths,
        caption=history.heading,
        description=(
            f"{ctx.view.heading}: each entry's current score in each quarter, {_span(history.quarters)}, one row "
            f"per entry: the score with its band (the cell shaded by band); '{gap}' where the entry was "
            f"{words.NOT_IN_REGISTER} that quarter, or had {words.NO_SCORE_THEN}; then how long it has been in "
            "its present band and its move over the whole period"
        ),
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    labels = [words.REGISTER_COLUMNS["id"], *history.quarters, words.HISTORY_SINCE_COLUMN]
    for i, (label, wd) in enumerate(zip(labels, widths)):
        tc = X.cell(hdr, wd, fill=TABLE_HEADER_FILL, valign="center")
        quarter = 0 < i < len(labels) - 1
        X.para(tc, ctx.sid(S.TABLE_HEADING), [(label,)], align="center" if quarter else None)
    for ev in entries:
        h: EntryHistory = ev.history  # type: ignore[assignment]
        tr = X.row(tbl, cant_split=True)
        X.para(X.cell(tr, widths[0]), ctx.sid(S.TABLE_HEADING), [(ev.name,)])
        for sv, here, wd in zip(h.scores, h.present, widths[1:-1]):
            _score_cell(ctx, X.cell(tr, wd, fill=_fill(sv), valign="center"), sv, here)
        tc = X.cell(tr, widths[-1])
        if h.band_since:
            X.para(tc, ctx.sid(S.TABLE_TEXT), [(h.band_since,)])
        _trend(ctx, tc, h.span)
        X.ensure_paragraph(tc)


def _score_cell(ctx: Ctx, tc, sv: ScoreView | None, present: bool) -> None:
    """`20` in bold with `Very high` under it; a quarter without a score says why in words."""
    if sv is None or sv.score is None:
        X.para(tc, ctx.sid(S.SCORE), [X.RunSpec(words.HISTORY_GAP, bold=True)])
        X.para(tc, ctx.sid(S.BAND), [(words.NO_SCORE_THEN if present else words.NOT_IN_REGISTER,)])
        return
    ink = _ink(sv.text_colour) if sv.band is not None else None
    X.para(tc, ctx.sid(S.SCORE), [X.RunSpec(str(sv.score), bold=True)], colour=ink)
    if sv.band_name:
        X.para(tc, ctx.sid(S.BAND), [(sv.band_name,)], colour=ink)


def _trend(ctx: Ctx, tc, line: TrendLine | None) -> None:
    """`Since Q4 2017/18: ▼ Down from 25 (better)`: a symbol and words, the move in bold."""
    if line is None:
        return
    X.para(tc, ctx.sid(S.TREND), [X.RunSpec(line.lead + " "), X.RunSpec(line.trend.text, bold=True)])


def band_counts(body, ctx: Ctx, history: History) -> None:
    """The register as a whole: how many entries were in each band in each quarter, a row a band
    (its name in its colour, so colour is never alone), a column a quarter. Kept on one page."""
    from . import TABLE_HEADER_FILL

    if not history.band_counts:
        return
    heading = words.HISTORY_BAND_COUNTS
    X.para(body, ctx.sid(S.SUBHEADING), [(heading,)], keep_next=True)
    f = ctx.font_factor
    names = [words.HISTORY_BAND_COLUMN] + [band.name for band, _ in history.band_counts]
    band_w = max(1600, int(max(X.text_width(t, S.TABLE_HEADING.size_pt, True) for t in names) * f) + 200)
    count_w = max(COUNT_W, int(max(X.text_width(q, S.TABLE_HEADING.size_pt, True) for q in history.quarters) * f) + 200)
    widths = [band_w] + [count_w] * len(history.quarters)
    tbl = X.table(
        body,
        widths,
        caption=heading,
        description=f"{ctx.view.heading}: how many entries had a current score in each band, a row per band "
        f"and a column per quarter, {_span(history.quarters)}",
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    for i, (label, wd) in enumerate(zip([words.HISTORY_BAND_COLUMN, *history.quarters], widths)):
        tc = X.cell(hdr, wd, fill=TABLE_HEADER_FILL, valign="center")
        X.para(tc, ctx.sid(S.TABLE_HEADING), [(label,)], keep_next=True, align="center" if i else None)
    for j, (band, counts) in enumerate(history.band_counts):
        keep = j < len(history.band_counts) - 1
        tr = X.row(tbl, cant_split=True)
        tc = X.cell(tr, widths[0], fill=band.colour, valign="center")
        X.para(tc, ctx.sid(S.TABLE_HEADING), [(band.name,)], keep_next=keep, colour=_ink(band.text_colour))
        for n, wd in zip(counts, widths[1:]):
            X.para(X.cell(tr, wd, valign="center"), ctx.sid(S.SCORE), [(str(n),)], keep_next=keep)
