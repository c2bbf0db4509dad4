"""SVG drawn from the view's numbers for the HTML page and the PDF: an entry's scores over the
quarters (a sparkline), the register's entries in each band by quarter (stacked columns), and
the moves on a heat map (arrows from cell to cell).

Nothing here decides a number or a word: the scores, counts, moves and every text alternative
are the view's (`EntryHistory`, `History`, `HeatMap.moves`); this module only turns them into
shapes. A chart whose numbers the page also gives in text nearby is hidden from assistive
technology (`aria-hidden`) in the HTML page and drawn as a background (an artifact, outside the
structure tree) in the PDF; a chart that stands alone has `role="img"`, an `aria-label` and a
`<title>` (which WeasyPrint makes the Figure's /Alt).

The heat map's arrows are cut into one piece per grid cell they cross, each drawn in that cell's
own box in percentages of it (no viewBox), so they follow the table however its rows and columns
are sized: the line runs from cell centre to cell centre counting each row and column as one
unit, straight where the cells are the same size and bending a little at a row's edge where a
row is taller. The HTML page draws each cell's pieces as an inline SVG under the cell's text; the
PDF as the cell's background image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup, escape

from ...model import Band
from ...view import EntryHistory, HeatMap, History, ReportView, ScoreView

INK = "#1a1a1a"
HALO = "#ffffff"
#: An entry's chart of scores over time: its height, and its width for each quarter and for its
#: margins, in CSS px (scaled down to fit a narrower cell, keeping its shape).
SPARK_H, SPARK_STEP, SPARK_PAD = 34, 16, 14
#: How far short of the end cell's centre an arrow stops (in cells), so its head points at the
#: cell's entries rather than covering them.
SHORT = 0.42
#: How far apart (in cells) arrows on one line are drawn side by side.
LANE = 0.16


def _n(x: float) -> str:
    """A coordinate as SVG writes it: at most two decimals, no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def top_score(view: ReportView) -> int:
    """The highest score the register's scale allows: the top of every chart's axis."""
    return max((c.score for row in view.matrix for c in row.cells), default=25) or 25


def _svg_open(width: int, height: int, cls: str, label: str | None, title: bool = False) -> str:
    """An <svg> start tag of a chart: named `label` where given (`role="img"`, `aria-label`, and a
    `<title>` where `title`: WeasyPrint makes it the PDF Figure's alt text), else hidden."""
    size = f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
    font = 'font-family="Liberation Sans, Arial, sans-serif"'
    if label is None:
        return f'<svg class="{cls}" {size} aria-hidden="true" focusable="false">'
    text = escape(label)
    named = f'<svg class="{cls}" {size} {font} role="img" aria-label="{text}">'
    return named + (f"<title>{text}</title>" if title else "")


def background(svg: str) -> str:
    """A CSS `background-image` value drawing `svg` (the PDF's artifacts: WeasyPrint draws a
    background outside the structure tree)."""
    if "xmlns=" not in svg:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return 'url("data:image/svg+xml,' + quote(svg.replace('"', "'"), safe=" =:/',;()") + '")'


# --------------------------------------------------------------------------- one entry over time


def _band_stripes(bands: tuple[Band, ...], y_of, x0: float, x1: float, top: int) -> list[str]:
    out = []
    for b in bands:
        lo, hi = max(b.min - 0.5, 0), min(b.max + 0.5, top)
        if hi <= lo:
            continue
        y_hi, y_lo = y_of(hi), y_of(lo)
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(y_hi)}" width="{_n(x1 - x0)}" height="{_n(y_lo - y_hi)}" '
            f'fill="{b.colour}" fill-opacity="0.45"/>'
        )
    return out


#: How each score's line is drawn: its dashes (none: solid) and its mark at each quarter.
SERIES = {"current": ("", "dot"), "residual": ("3 2", "ring"), "target": ("1 2", "square")}


def _series(scores: tuple[ScoreView | None, ...], x_of, y_of, which: str) -> list[str]:
    """One series of scores: a line between scores of quarters next to each other (none across a
    gap: never a zero), a mark at each score: a filled dot (the current score), a ring (the
    residual), a hollow square (the target)."""
    points = [
        (x_of(i), y_of(sv.score)) if sv is not None and sv.score is not None else None for i, sv in enumerate(scores)
    ]
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    dashes, mark = SERIES[which]
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    out = []
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{INK}" stroke-width="1.5"{dash}/>')
    hollow = f'fill="{HALO}" stroke="{INK}" stroke-width="1.25"'
    for p in points:
        if p is None:
            continue
        x, y = p
        if mark == "dot":
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{INK}"/>')
        elif mark == "ring":
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.25" {hollow}/>')
        else:
            out.append(f'<rect x="{_n(x - 2)}" y="{_n(y - 2)}" width="4" height="4" {hollow}/>')
    return out


def sparkline(
    history: EntryHistory,
    bands: tuple[Band, ...],
    top: int,
    label: str | None = None,
    title: bool = False,
    height: int = SPARK_H,
) -> Markup:
    """An entry's scores in each quarter, oldest first, over the bands shaded faintly: its current
    score (a solid line, filled dots) and, where some quarter has one, its residual (dashed, rings)
    and target (dotted, squares) scores, drawn under it; nothing where a quarter has no score
    (a gap in the line, never a zero). Named `label` (the view's `EntryHistory.text`; also as its
    `<title>` where `title`: the PDF's alt text), else hidden."""
    pad_x, pad_y = 5.0, 4.0
    n = len(history.scores)
    width = SPARK_PAD + SPARK_STEP * max(n, 3)
    step = (width - 2 * pad_x) / max(n - 1, 1)

    def x_of(i: int) -> float:
        return pad_x + i * step if n > 1 else width / 2

    def y_of(score: float) -> float:
        return height - pad_y - (min(max(score, 0), top) / top) * (height - 2 * pad_y)

    parts = [
        _svg_open(width, height, "spark", label, title),
        f'<rect width="{width}" height="{height}" fill="{HALO}"/>',
    ]
    parts.extend(_band_stripes(bands, y_of, 0, width, top))
    for which, scores in history.later:
        parts.extend(_series(scores, x_of, y_of, which))
    parts.extend(_series(history.scores, x_of, y_of, "current"))
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- the register by band


def band_chart(history: History, label: str, title: bool = False, width: int = 0, height: int = 190) -> Markup:
    """The register's entries in each band by quarter: a column per quarter, a block per band
    (lowest at the foot) in its colour with its count written in it, the total above and the
    quarter under it. Named `label` (the view's `History.text`)."""
    n = len(history.quarters)
    col, gap, side = 44, 40, 16
    width = width or side * 2 + n * col + (n - 1) * gap
    foot, head = 30, 18  # room for the quarter under a column and its total above it
    totals = [sum(counts[i] for _, counts in history.band_counts) for i in range(n)]
    most = max(totals, default=0) or 1
    unit = (height - foot - head) / most
    parts = [_svg_open(width, height, "bands", label, title)]
    base = height - foot
    parts.append(f'<line x1="0" y1="{_n(base)}" x2="{width}" y2="{_n(base)}" stroke="{INK}" stroke-width="1"/>')
    for i, quarter in enumerate(history.quarters):
        x = side + i * (col + gap)
        y: float = base
        for band, counts in history.band_counts:
            k = counts[i]
            if not k:
                continue
            h = k * unit
            y -= h
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{col}" height="{_n(h)}" fill="{band.colour}" '
                f'stroke="{INK}" stroke-width="0.75"/>'
            )
            if h >= 12:
                parts.append(
                    f'<text x="{_n(x + col / 2)}" y="{_n(y + h / 2 + 4)}" text-anchor="middle" font-size="11" '
                    f'fill="{band.text_colour}">{k}</text>'
                )
        parts.append(
            f'<text x="{_n(x + col / 2)}" y="{_n(y - 5)}" text-anchor="middle" font-size="11" '
            f'font-weight="bold" fill="{INK}">{totals[i]}</text>'
        )
        parts.append(
            f'<text x="{_n(x + col / 2)}" y="{_n(base + 16)}" text-anchor="middle" font-size="11" '
            f'fill="{INK}">{escape(quarter)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- arrows on a heat map


@dataclass(frozen=True)
class Piece:
    """The part of one arrow inside one cell: from (x1, y1) to (x2, y2), in percent of the cell."""

    x1: float
    y1: float
    x2: float
    y2: float
    start: bool = False  # the arrow starts here (a dot)
    head: bool = False  # the arrow ends here (its head)


def _pieces(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[tuple[int, int], Piece]]:
    """The segment from `start` to `end` (grid units: a cell is 1 by 1, x by column, y by row
    from the top) cut where it crosses a cell's edge: each part with its (column, row)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    cuts = {0.0, 1.0}
    for a, d in ((x0, dx), (y0, dy)):
        if d:
            lo, hi = sorted((a, a + d))
            for k in range(math.floor(lo) + 1, math.ceil(hi)):
                cuts.add((k - a) / d)
    ts = sorted(t for t in cuts if 0.0 <= t <= 1.0)
    out = []
    for ta, tb in zip(ts, ts[1:]):
        if tb - ta < 1e-9:
            continue
        tm = (ta + tb) / 2
        c, r = math.floor(x0 + tm * dx), math.floor(y0 + tm * dy)

        def pct(t: float, origin: int, a: float, d: float) -> float:
            return round(100 * (a + t * d - origin), 2)

        out.append(
            (
                (c, r),
                Piece(
                    pct(ta, c, x0, dx), pct(ta, r, y0, dy), pct(tb, c, x0, dx), pct(tb, r, y0, dy), ta == 0.0, tb == 1.0
                ),
            )
        )
    return out


def _offsets(tracks: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[tuple[float, float]]:
    """How far (in cells, x by column and y down the rows) to draw each arrow beside the line from
    its start cell's centre to its end cell's, so that arrows on one line (`Likely → Possible` and
    `Possible → Unlikely` in one row) run side by side rather than over each other: (0, 0) for an
    arrow alone on its line."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, ((x0, y0), (x1, y1)) in enumerate(tracks):
        dx, dy = x1 - x0, y0 - y1  # y down the rows: impact up the grid
        g = math.gcd(dx, dy) or 1
        dx, dy = dx // g, dy // g
        if dx < 0 or (dx == 0 and dy < 0):
            dx, dy = -dx, -dy
        groups.setdefault((dx, dy, x0 * dy + y0 * dx), []).append(i)
    out = [(0.0, 0.0)] * len(tracks)
    for (dx, dy, _), members in groups.items():
        length = math.hypot(dx, dy)
        for k, i in enumerate(members):
            off = LANE * (k - (len(members) - 1) / 2)
            out[i] = (-dy / length * off, dx / length * off)
    return out


class Arrows:
    """The moves of one heat map, cut into the cells they cross (see the module's note)."""

    def __init__(self, hm: HeatMap, view: ReportView, prefix: str):
        self.prefix = prefix
        rows = len(view.matrix)
        self.cells: dict[tuple[int, int], list[Piece]] = {}
        # two entries on one track: one arrow (the list names both)
        tracks = list(dict.fromkeys((m.start, m.end) for m in hm.moves))
        for ((lk0, im0), (lk1, im1)), (nx, ny) in zip(tracks, _offsets(tracks)):
            a = (lk0 - 0.5 + nx, rows - im0 + 0.5 + ny)
            b = (lk1 - 0.5 + nx, rows - im1 + 0.5 + ny)
            length = math.dist(a, b)
            b = (b[0] - (b[0] - a[0]) * SHORT / length, b[1] - (b[1] - a[1]) * SHORT / length)
            for (c, r), piece in _pieces(a, b):
                self.cells.setdefault((c + 1, rows - r), []).append(piece)

    def __bool__(self) -> bool:
        return bool(self.cells)

    def _svg(self, likelihood: int, impact: int, marker_id: str) -> str:
        pieces = self.cells.get((likelihood, impact), [])
        if not pieces:
            return ""
        out = []
        if any(p.head for p in pieces):
            out.append(
                f'<defs><marker id="{marker_id}" markerWidth="4" markerHeight="4" refX="2" refY="2" orient="auto" '
                f'markerUnits="strokeWidth"><path d="M0,0 L4,2 L0,4 z" fill="{INK}"/></marker></defs>'
            )
        for colour, w in ((HALO, 5), (INK, 2)):
            for p in pieces:
                end = f' marker-end="url(#{marker_id})"' if p.head and colour == INK else ""
                out.append(
                    f'<line x1="{_n(p.x1)}%" y1="{_n(p.y1)}%" x2="{_n(p.x2)}%" y2="{_n(p.y2)}%" '
                    f'stroke="{colour}" stroke-width="{w}" stroke-linecap="round"{end}/>'
                )
        for p in pieces:
            if p.start:
                out.append(
                    f'<circle cx="{_n(p.x1)}%" cy="{_n(p.y1)}%" r="3.5" fill="{INK}" '
                    f'stroke="{HALO}" stroke-width="1.5"/>'
                )
        return "".join(out)

    def svg(self, likelihood: int, impact: int) -> Markup:
        """The HTML page's pieces in one cell: an inline SVG under its text, hidden from
        assistive technology (the list under the grid names every move)."""
        body = self._svg(likelihood, impact, f"{self.prefix}-ah-{likelihood}-{impact}")
        if not body:
            return Markup("")
        return Markup(f'<svg class="arr" aria-hidden="true" focusable="false">{body}</svg>')

    def style(self, likelihood: int, impact: int) -> str:
        """The PDF's pieces in one cell: a `style` attribute's value drawing them as the cell's
        background (an artifact); empty where no arrow crosses the cell."""
        body = self._svg(likelihood, impact, "h")
        if not body:
            return ""
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%">{body}</svg>'
        return f"background-image:{background(svg)};background-size:100% 100%;background-repeat:no-repeat"


class Charts:
    """What the templates call to draw the view's charts, on the HTML page or (`pdf`) in the PDF's
    source: there a named chart carries its text alternative as a `<title>` too (the Figure's alt
    text), and a heat map's arrows are the cells' backgrounds (artifacts) rather than inline SVG."""

    def __init__(self, view: ReportView, pdf: bool):
        self.view = view
        self.pdf = pdf
        self.top = top_score(view)
        self._arrows: dict[str, Arrows] = {}

    def entry(self, history: EntryHistory | None) -> Markup:
        """An entry's scores over time, named with its numbers (nothing without a history)."""
        if history is None:
            return Markup("")
        return sparkline(history, self.view.bands, self.top, history.text, title=self.pdf)

    def bands(self, history: History) -> Markup:
        """The register's entries in each band by quarter, named with its numbers."""
        return band_chart(history, history.text, title=self.pdf)

    def arrows(self, hm: HeatMap, prefix: str) -> Arrows:
        """The arrows of one heat map (`prefix`: the map's own, for unique ids)."""
        if prefix not in self._arrows:
            self._arrows[prefix] = Arrows(hm, self.view, prefix)
        return self._arrows[prefix]

    def cell(self, hm: HeatMap, prefix: str, likelihood: int, impact: int) -> tuple[str, str, Markup]:
        """A heat-map cell's arrows: (a class for the cell, its `style`, an SVG to draw first in it);
        empty where no arrow crosses it."""
        arrows = self.arrows(hm, prefix)
        if (likelihood, impact) not in arrows.cells:
            return "", "", Markup("")
        if self.pdf:
            return "arrowed", arrows.style(likelihood, impact), Markup("")
        return "arrowed", "", arrows.svg(likelihood, impact)
