"""The Word appendix's history: each entry's scores by quarter, and the register's entries in each
band by quarter, as real Word tables after the register (before the Key to Scores).

Drawn only when the build was given earlier quarters (`ReportView.history`); everything it shows is
the view's (`EntryView.history`, `History.closed`, `History.band_counts`): the quarters in order
(this quarter's entries, then those closed since an earlier quarter), an entry's current
score and, where some quarter has them, its residual and target scores (a row each), each with its
band name (the cell shaded by band as well: colour is never the only signal), a quarter the entry
was not in, or had no score in, as a gap in words, never a zero. Import skips both tables by the
headings above them (`importers/docx.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import vocabulary as words
from ...view import ClosedEntry, EntryHistory, EntryView, History, ScoreView, TrendLine
from . import oxml as X
from . import styles as S

if TYPE_CHECKING:
    from . import Ctx

#: Column widths (twips): the widest a quarter's column need be, and the band-counts table's quarter
#: columns; a title column narrower than TITLE_MIN is left out (the ID names the entry).
QUARTER_MAX = 1700
COUNT_W = 1300
TITLE_MIN, SINCE_MIN, SINCE_MAX = 1800, 2400, 4000


def section(body, ctx: Ctx) -> None:
    """The history after the register: its heading, each entry's scores by quarter, then the entries
    in each band by quarter. Nothing for a build without earlier quarters."""
    history = ctx.view.history
    if history is None:
        return
    X.para(body, ctx.sid(S.SECTION), [(history.heading,)])
    # this quarter's entries, then those closed since an earlier quarter (as HTML, PDF and Excel)
    entries: list[EntryView | ClosedEntry] = [ev for ev in ctx.view.entries() if ev.history is not None]
    entries += history.closed
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


def _hist(ev: EntryView | ClosedEntry) -> EntryHistory:
    assert ev.history is not None
    return ev.history


def _widths(ctx: Ctx, history: History, entries: list[EntryView | ClosedEntry], named: bool) -> dict[str, int]:
    """The columns' widths: "id", "title" (0: left out), "score" (0: current scores only), "quarter"
    (each), "since". Each is at least as wide as its longest word; the ID, the score's name and the
    quarters as wide as their text (quarters up to QUARTER_MAX), the last column as its longest line
    (SINCE_MIN to SINCE_MAX), and the title takes the rest of the page, down to TITLE_MIN; short of
    room the last column, then the quarters give way to their longest word, then the title goes."""
    pad = X.CELL_PADDING + 80
    f = ctx.font_factor

    def wide(texts, size: float, bold: bool = False, whole: bool = True) -> int:
        measure = X.text_width if whole else X.longest_word_width
        return int(max((measure(t, size, bold) for t in texts), default=0.0) * f) + pad

    names = [ev.name for ev in entries]
    id_w = max(700, wide(names, S.TABLE_HEADING.size_pt, True, whole=False), min(wide(names, 9, True), 1500))
    score_w = 0
    if named:
        labels = [words.HISTORY_SCORE_COLUMN, *(label for ev in entries for label, _ in _hist(ev).rows())]
        score_w = wide(labels, S.TABLE_TEXT.size_pt, True)
    band_words = [words.NOT_IN_REGISTER, words.NO_SCORE_THEN] + [b.name for b, _ in history.band_counts]
    q_need = max(
        wide(history.quarters, S.TABLE_HEADING.size_pt, True, whole=False),
        wide(band_words, S.BAND.size_pt, whole=False),
    )
    q_pref = min(
        QUARTER_MAX,
        max(q_need, wide(history.quarters, S.TABLE_HEADING.size_pt, True), wide(band_words, S.BAND.size_pt)),
    )
    lines = [words.HISTORY_SINCE_COLUMN]
    for ev in entries:
        h = _hist(ev)
        lines.append(h.band_since)
        if h.span is not None:
            lines.append(h.span.text)
    since_need = max(wide(lines, S.TABLE_TEXT.size_pt, whole=False), wide([words.HISTORY_SINCE_COLUMN], 9, True, False))
    since_w = max(since_need, min(SINCE_MAX, max(SINCE_MIN, wide(lines, S.TABLE_TEXT.size_pt))))
    title_need = wide([ev.short_title for ev in entries], S.TABLE_TEXT.size_pt, whole=False)
    n = len(history.quarters)
    quarter_w = q_pref
    over = id_w + score_w + n * quarter_w + since_w + max(TITLE_MIN, title_need) - ctx.width
    if over > 0:  # the last column gives way, then the quarters
        cut = min(over, since_w - max(since_need, SINCE_MIN))
        since_w, over = since_w - cut, over - cut
    if over > 0:
        quarter_w = max(q_need, quarter_w - -(-over // n))
    title_w = ctx.width - id_w - score_w - n * quarter_w - since_w
    if title_w < max(TITLE_MIN, title_need):
        title_w = 0  # no room: the ID names the entry
        quarter_w = max(q_need, min(q_pref, (ctx.width - id_w - score_w - since_w) // n))
    return {"id": id_w, "title": title_w, "score": score_w, "quarter": quarter_w, "since": since_w}


def entry_table(body, ctx: Ctx, history: History, entries: list[EntryView | ClosedEntry]) -> None:
    """Each entry's scores by quarter (oldest first): its ID and title, then a row for its current
    score and, where some quarter has one, a row each for its residual and target score (the ID,
    title and last column spanning them); the last column says how long the current score has been
    in its band and its move over the whole span. The header row repeats on each page; no row splits
    and an entry's rows stay together."""
    from . import TABLE_HEADER_FILL

    named = any(len(_hist(ev).rows()) > 1 for ev in entries)
    wd = _widths(ctx, history, entries, named)
    keys = ["id"] + (["title"] if wd["title"] else []) + (["score"] if named else [])
    widths = [wd[k] for k in keys] + [wd["quarter"]] * len(history.quarters) + [wd["since"]]
    gap = words.HISTORY_GAP
    which = "its current score" + (" and, in a row of its own, its residual or target score" if named else "")
    tbl = X.table(
        body,
        widths,
        caption=history.heading,
        description=(
            f"{ctx.view.heading}: each entry's scores in each quarter, {_span(history.quarters)}: "
            f"{which}, with its band (the cell shaded by band); '{gap}' where the entry was "
            f"{words.NOT_IN_REGISTER} that quarter, or had {words.NO_SCORE_THEN}; then how long its current "
            "score has been in its present band and its move over the whole period"
        ),
    )
    hdr = X.row(tbl, header=True, cant_split=True)
    heads = {"id": words.REGISTER_COLUMNS["id"], "title": words.REGISTER_COLUMNS["title"]}
    heads["score"] = words.HISTORY_SCORE_COLUMN
    labels = [heads[k] for k in keys] + [*history.quarters, words.HISTORY_SINCE_COLUMN]
    first_quarter = len(keys)
    for i, (label, w) in enumerate(zip(labels, widths)):
        tc = X.cell(hdr, w, fill=TABLE_HEADER_FILL, valign="center")
        quarter = first_quarter <= i < len(labels) - 1
        X.para(tc, ctx.sid(S.TABLE_HEADING), [(label,)], align="center" if quarter else None)
    for ev in entries:
        h = _hist(ev)
        rows = h.rows()
        for r, (label, scores) in enumerate(rows):
            keep = r < len(rows) - 1  # an entry's rows stay on one page
            merge = None if len(rows) == 1 else "restart" if r == 0 else "continue"
            tr = X.row(tbl, cant_split=True)
            for k in keys:
                tc = X.cell(tr, wd[k], vmerge=merge if k != "score" else None)
                if k == "id" and r == 0:
                    X.para(tc, ctx.sid(S.TABLE_HEADING), [(ev.name,)], keep_next=keep)
                elif k == "title" and r == 0:
                    X.para(tc, ctx.sid(S.TABLE_TEXT), [(ev.short_title,)], keep_next=keep)
                elif k == "score":
                    X.para(tc, ctx.sid(S.TABLE_TEXT), [(label,)], keep_next=keep)
                else:
                    X.para(tc, ctx.sid(S.TABLE_TEXT), [], keep_next=keep)
            for sv, here in zip(scores, h.present):
                tc = X.cell(tr, wd["quarter"], fill=_fill(sv), valign="center")
                _score_cell(ctx, tc, sv, here, keep)
            tc = X.cell(tr, wd["since"], vmerge=merge)
            if r == 0:
                if h.band_since:
                    X.para(tc, ctx.sid(S.TABLE_TEXT), [(h.band_since,)], keep_next=keep)
                _trend(ctx, tc, h.span, keep)
            if len(tc) == 1:  # only its properties: a cell ends with a paragraph
                X.para(tc, ctx.sid(S.TABLE_TEXT), [], keep_next=keep)


def _score_cell(ctx: Ctx, tc, sv: ScoreView | None, present: bool, keep: bool = False) -> None:
    """`20` in bold with `Very high` under it; a quarter without a score says why in words."""
    if sv is None or sv.score is None:
        X.para(tc, ctx.sid(S.SCORE), [X.RunSpec(words.HISTORY_GAP, bold=True)], keep_next=keep)
        why = words.NO_SCORE_THEN if present else words.NOT_IN_REGISTER
        X.para(tc, ctx.sid(S.BAND), [(why,)], keep_next=keep)
        return
    ink = _ink(sv.text_colour) if sv.band is not None else None
    X.para(tc, ctx.sid(S.SCORE), [X.RunSpec(str(sv.score), bold=True)], colour=ink, keep_next=keep)
    if sv.band_name:
        X.para(tc, ctx.sid(S.BAND), [(sv.band_name,)], colour=ink, keep_next=keep)


def _trend(ctx: Ctx, tc, line: TrendLine | None, keep: bool = False) -> None:
    """`Since Q4 2017/18: ▼ Down from 25 (better)`: a symbol and words, the move in bold."""
    if line is None:
        return
    runs = [X.RunSpec(line.lead + " "), X.RunSpec(line.trend.text, bold=True)]
    X.para(tc, ctx.sid(S.TREND), runs, keep_next=keep)


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
