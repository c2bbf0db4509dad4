"""The view: everything the writers need, decided once from a validated register.

Labels and wording, bands and colours, which trend goes in which cell, the score a card
shows beside the current one, owners by theme, anchors, titles, rich text as blocks, the
Key to Scores matrix, heat-map placement and the changes summary are all decided here.
The Word, PDF/HTML and Excel writers draw what the view says; a writer that re-derives
one of these is in the wrong place.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from . import appetite, metrics, richtext
from . import vocabulary as words
from .compare import Comparison, Direction, EntryChange, Trend, compare, match
from .model import Band, Entry, Group, Register, Score
from .richtext import Block
from .vocabulary import Kind

if TYPE_CHECKING:
    from .packs import Document

SCORES = ("current", "residual", "target")


@dataclass(frozen=True)
class ScoreView:
    """A score as every format shows it: `16 (Major/Likely)`, with its band."""

    score: int | None
    likelihood: int | None
    impact: int | None
    likelihood_label: str | None
    impact_label: str | None
    band: Band | None
    as_written: str | None = None

    @property
    def unread(self) -> bool:
        """A score a source document wrote that could not be read (kept as written, no number)."""
        return self.score is None and bool(self.as_written)

    @property
    def text(self) -> str:
        """`16 (Major/Likely)` (impact/likelihood, as the seed appendices write it), or `20`;
        a score that could not be read is shown as it was written, and marked so."""
        if self.score is None:
            return f"{self.as_written} ({words.NOT_A_SCORE})" if self.as_written else ""
        if self.impact_label and self.likelihood_label:
            return f"{self.score} ({self.impact_label}/{self.likelihood_label})"
        return str(self.score)

    def scale_text(self, which: str) -> str:
        """Likelihood or impact as the card layout prints it: `Likely (4)`, or `4` without a label."""
        n = getattr(self, which)
        label = getattr(self, f"{which}_label")
        if label and n:
            return f"{label} ({n})"
        return str(n) if n else ""

    @property
    def band_name(self) -> str:
        return self.band.name if self.band else ""

    @property
    def colour(self) -> str | None:
        return self.band.colour if self.band else None

    @property
    def text_colour(self) -> str:
        return self.band.text_colour if self.band else "#000000"


@dataclass(frozen=True)
class GroupView:
    """A themed group of controls or actions, its text as blocks; an action's due date and status."""

    theme: str | None
    owner: str | None
    blocks: tuple[Block, ...]
    due: dt.date | None = None
    status: str | None = None
    #: Due before the report date and not done.
    overdue: bool = False

    @property
    def status_text(self) -> str:
        """`Due 1 September 2018 · Open · Overdue` (empty for a group with neither)."""
        parts = []
        if self.due:
            parts.append(words.ACTION_DUE.format(date=long_date(self.due)))
        if self.status:
            parts.append(words.ACTION_STATUS[self.status])
        if self.overdue:
            parts.append(words.OVERDUE)
        return " · ".join(parts)


@dataclass(frozen=True)
class Note:
    """A line the view puts under a cell's content: the entry's appetite, its gap to target, a
    late review. `alert` marks what a committee should look at (above appetite, late): drawn bold."""

    text: str
    alert: bool = False
    #: The field the note shows, where it is one: a table with a column for it shows it there instead.
    field: str = ""


@dataclass(frozen=True)
class AppetiteView:
    """An entry against the council's appetite: its level, and whether its current score (and its
    plan's) is above the level's tolerance."""

    level: str
    tolerance: int
    above: bool
    plan_outside: bool

    @property
    def text(self) -> str:
        """`● Above appetite (Open, up to 16)`, `○ Within appetite (Cautious, up to 9)`."""
        lead = words.ABOVE_APPETITE if self.above else words.WITHIN_APPETITE
        return f"{lead} ({words.APPETITE_LEVEL.format(level=self.level, tolerance=self.tolerance)})"


def long_date(d: dt.date) -> str:
    """`1 September 2018`, as committee papers write a date."""
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True)
class TrendLine:
    """A trend as a cell prints it: `Since Q1 2018/19:` then `▼ Down from 25 (better)`."""

    lead: str
    trend: Trend

    @property
    def text(self) -> str:
        return f"{self.lead} {self.trend.text}"


@dataclass(frozen=True)
class EntryView:
    """One risk or opportunity, ready to lay out."""

    kind: Kind
    entry: Entry
    current: ScoreView | None
    residual: ScoreView | None
    target: ScoreView | None
    controls: tuple[GroupView, ...]
    actions: tuple[GroupView, ...]
    #: A unique identifier for links and bookmarks (`entry-cr3`).
    anchor: str
    #: The title, else the first line of the description (registers without titles).
    title: str
    #: Comparison with last quarter (None when built without --previous).
    change: EntryChange | None = None
    #: "Since Q1 2018/19:" (empty without --previous).
    trend_lead: str = ""
    #: The period compared with, for "Residual since Q1 2018/19:" (empty without --previous).
    previous_period: str = ""
    #: The entry against the council's appetite (None: no appetite applies to it).
    appetite: AppetiteView | None = None
    #: The lines under the current score, the plan's score and the ID (appetite, gap to target,
    #: a late review, how long it has been in its band): keys "current", "plan", "id".
    notes: dict[str, tuple[Note, ...]] = field(default_factory=dict)
    #: Its scores over the quarters the build was given (None without --previous).
    history: EntryHistory | None = None

    @property
    def plan_field(self) -> str:
        """The score the plan aims at: the target where it has a score, else the residual."""
        return "target" if self.target is not None and self.target.score is not None else "residual"

    def notes_for(self, key: str) -> tuple[Note, ...]:
        """The notes a card draws under its current score ("current"), its later score ("plan")
        or its heading ("id"): all but those standing in for a field, which a card shows anyway."""
        return tuple(n for n in self.notes.get(key, ()) if not n.field)

    def plain(self, field_name: str) -> str:
        """A plain field as every format prints it: a target date given as a date reads
        `31 December 2026`."""
        value = getattr(self.entry, field_name)
        return long_date(value) if isinstance(value, dt.date) else str(value or "")

    @property
    def gap(self) -> int | None:
        """How far it is from its plan's score (0 at or past it; None without both scores): the
        Gap to target note, the tracking summary and the workbook's Gap column all read this."""
        plan = self.score(self.plan_field)
        if self.current is None or self.current.score is None or plan is None or plan.score is None:
            return None
        return max(appetite.gap_to_plan(self.kind, self.current.score, plan.score), 0)

    @property
    def next_due(self) -> dt.date | None:
        """The earliest due date of its actions not done."""
        return min((g.due for g in self.actions if g.due is not None and g.status != "done"), default=None)

    @property
    def overdue_count(self) -> int | None:
        """How many of its actions are overdue; None where none has a due date."""
        return sum(g.overdue for g in self.actions) if any(g.due is not None for g in self.actions) else None

    @property
    def review_overdue(self) -> bool:
        return any(n.alert and "review" in n.text.lower() for n in self.notes.get("id", ()))

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def name(self) -> str:
        """`CR3`, or `CO1 (opportunity)`: risks and opportunities told apart in words."""
        return entry_name(self.id, self.kind)

    @property
    def short_title(self) -> str:
        """The title cut at a word to about `SUMMARY_TITLE` characters, where a table names the
        entry again (the history)."""
        return shorten(self.title, SUMMARY_TITLE)

    @property
    def trend(self) -> Trend | None:
        """How the current score moved since last quarter: `▲ Up from 12 (worse)`."""
        return self.change.current if self.change else None

    @property
    def residual_trend(self) -> Trend | None:
        """How the residual/target score moved, where both quarters have one."""
        return self.change.residual if self.change else None

    @property
    def residual_trend_field(self) -> str:
        """The score `residual_trend` compares: the residual where it has a score, else the
        target (as `compare` chooses it)."""
        return "residual" if self.residual is not None and self.residual.score is not None else "target"

    @property
    def later_field(self) -> str:
        """The score a card shows beside the current one: the target, else the residual."""
        return "target" if self.target is not None or self.residual is None else "residual"

    @property
    def later(self) -> ScoreView | None:
        return self.score(self.later_field)

    def label(self, key: str) -> str:
        """A card label for this entry's kind (`Risk Owner`, `Opportunity Description`)."""
        return words.card_label(self.kind, key)

    def later_label(self, part: str = "") -> str:
        """The label of the later score (`Target Risk Score`), or of its likelihood or impact."""
        return self.label(f"{self.later_field}_{part}" if part else self.later_field)

    def trend_line(self, which: str, in_field: str) -> TrendLine | None:
        """The trend of the `which` score ("current" or "later") as printed in a cell showing
        `in_field`: its lead names the score when the cell shows another one."""
        trend = self.trend if which == "current" else self.residual_trend
        if trend is None:
            return None
        compared = "current" if which == "current" else self.residual_trend_field
        if compared == in_field or (compared == "current" and in_field == "direction"):
            return TrendLine(self.trend_lead, trend)
        lead = words.TREND_LEAD_OF.format(which=compared.capitalize(), period=self.previous_period)
        return TrendLine(lead, trend)

    @property
    def types(self) -> tuple[str, ...]:
        """The entry's types, one a line in every format."""
        return tuple(t.strip() for t in self.entry.types if t.strip())

    def blocks(self, field_name: str) -> tuple[Block, ...]:
        """Rich text of a text field as blocks."""
        return richtext.parse(getattr(self.entry, field_name))

    def score(self, field_name: str) -> ScoreView | None:
        return getattr(self, field_name)

    def groups(self, field_name: str) -> tuple[GroupView, ...]:
        return getattr(self, field_name)

    def owners(self, field_name: str) -> tuple[tuple[str | None, str], ...]:
        """The owners of the controls or actions, by theme: (theme, owner) for each group that
        has an owner, an unthemed owner once however many groups in a row share it."""
        out: list[tuple[str | None, str]] = []
        for g in self.groups(field_name):
            owner = (g.owner or "").strip()
            if not owner:
                continue
            theme = (g.theme or "").strip() or None
            if theme is None and out and out[-1] == (None, owner):
                continue
            out.append((theme, owner))
        return tuple(out)

    def grid_marks(self) -> dict[tuple[int, int], tuple[str, ...]]:
        """Where its scores sit on the Key to Scores grid, for a deep dive: (likelihood, impact) ->
        the scores in that cell, by name (`● Current Risk Score`): never colour alone. A score
        without its likelihood and impact is not guessed into a cell (see `off_grid`)."""
        out: dict[tuple[int, int], list[str]] = {}
        for f in SCORES:
            sv = self.score(f)
            if sv is not None and sv.score is not None and sv.likelihood and sv.impact:
                out.setdefault((sv.likelihood, sv.impact), []).append(f"{words.GRID_MARK} {self.label(f)}")
        return {k: tuple(v) for k, v in out.items()}

    def off_grid(self) -> tuple[tuple[str, str], ...]:
        """Its scores the grid cannot place, and why, as (label, why): `Current Risk Score`, `15:
        score only (no likelihood and impact given, so not placed in the grid)`."""
        out = []
        for f in SCORES:
            sv = self.score(f)
            if sv is None or (sv.likelihood and sv.impact and sv.score is not None):
                continue
            if sv.score is not None:
                out.append((self.label(f), f"{sv.text}: {words.SCORE_ONLY.lower()} ({words.SCORE_ONLY_WHY})"))
            elif sv.unread:
                out.append((self.label(f), f"{sv.text}: {words.NOT_PLACED.lower()} ({words.NOT_PLACED_WHY})"))
        return tuple(out)


def entry_name(ident: str, kind: str) -> str:
    """`CR3`, or `CO1 (opportunity)`: risks and opportunities told apart in words."""
    return ident if kind == "risk" else f"{ident} (opportunity)"


def title_of(entry: Entry) -> str:
    """An entry's title, or (registers that have none) the first line of its description."""
    if entry.title and entry.title.strip():
        return " ".join(entry.title.split())
    first = next((b.text for b in richtext.parse(entry.description) if b.text.strip()), "")
    return " ".join(first.split("\n")[0].split())


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:– ") or text[: limit - 1]
    return cut + "…"


@dataclass(frozen=True)
class ColumnView:
    field: str
    label: str
    kind: Literal["text", "score", "groups", "types", "id", "plain"]
    width: float  # relative width; writers scale to the page


# Relative widths tuned on the seed appendices: text-heavy columns get the room.
_WIDTHS = {
    "id": 0.55,
    "title": 1.2,
    "description": 1.5,
    "types": 0.8,
    "consequences": 1.9,
    "controls": 2.4,
    "progress": 2.4,
    "current": 0.75,
    "actions": 2.4,
    "residual": 0.75,
    "target": 0.75,
    "owner": 1.0,
    "direction": 1.0,
    "target_date": 0.8,
    "target_confidence": 0.8,
}
_KINDS = {
    "current": "score",
    "residual": "score",
    "target": "score",
    "controls": "groups",
    "actions": "groups",
    "types": "types",
    "id": "id",
    "title": "plain",
    "owner": "plain",
    "target_date": "plain",
    "target_confidence": "plain",
}


@dataclass(frozen=True)
class Section:
    """The risks, or the opportunities, with their table columns."""

    kind: Kind
    heading: str
    columns: tuple[ColumnView, ...]
    entries: tuple[EntryView, ...]

    def cell_text(self, ev: EntryView, col: ColumnView) -> str:
        """Everything a table cell shows, as plain text (to size the columns)."""
        if col.kind == "id":
            text = ev.id
        elif col.kind == "types":
            text = "\n".join(ev.types)
        elif col.kind == "score":
            sv = ev.score(col.field)
            text = f"{sv.text}\n{sv.band_name}" if sv else ""
        elif col.kind == "groups":
            text = "\n".join(
                "\n".join([g.theme or "", *(b.text for b in g.blocks), g.owner or ""]) for g in ev.groups(col.field)
            )
        elif col.kind == "plain":
            text = ev.plain(col.field)
        else:
            text = "\n".join(b.text for b in ev.blocks(col.field))
        groups = ev.groups(col.field) if col.kind == "groups" else ()
        return "\n".join(
            [
                text,
                *(g.status_text for g in groups if g.status_text),
                *(t.text for t in self.trends(ev, col.field)),
                *(n.text for n in self.notes(ev, col.field)),
            ]
        )

    def column_shares(self, line_em: float, pad_em: float) -> tuple[float, ...]:
        """Each column's share of the table's width, for a table `line_em` em wide whose cells
        have `pad_em` em of padding: the seed's proportions (`ColumnView.width`) moved towards
        how much each column holds (the geometric mean of the two, within 0.75 and 1.75 times the
        seed's), and never less than its longest word, heading or text, so no word breaks inside
        (up to a third of the table: a longer 'word' is a URL or a code, and may break)."""
        cols = self.columns
        if not cols:
            return ()
        seed = [c.width for c in cols]
        total_seed = sum(seed) or 1.0
        seed = [w / total_seed for w in seed]
        texts = [[self.cell_text(ev, c) for ev in self.entries] for c in cols]
        held = [sum(metrics.text_em(t) for t in col) for col in texts]
        total_held = sum(held)
        if total_held > 0:
            shares = [(s * h / total_held) ** 0.5 for s, h in zip(seed, held)]
            norm = sum(shares) or 1.0
            shares = [min(1.75 * s, max(0.75 * s, w / norm)) for s, w in zip(seed, shares)]
        else:
            shares = list(seed)
        floors = [min(1 / 3, (word + pad_em) / line_em) for word in self.longest_words_em(texts)]
        return _fit(shares, floors)

    def longest_words_em(self, texts: list[list[str]] | None = None) -> tuple[float, ...]:
        """Each column's longest word, heading or text, in em: no narrower a column keeps every
        word whole (the PDF's and Word's widths are floored by it; a browser's columns too)."""
        if texts is None:
            texts = [[self.cell_text(ev, c) for ev in self.entries] for c in self.columns]
        return tuple(
            max(
                [metrics.longest_word_em(c.label, bold=True)]
                + [metrics.longest_word_em(t, bold=c.kind == "id") for t in col]
            )
            for c, col in zip(self.columns, texts)
        )

    @property
    def current_home(self) -> str:
        """The column whose cells show what is said of an entry's current score (its notes, its
        chart of scores over time): the current score's, else the Direction of Travel's, else
        the ID's, else the first."""
        fields = [c.field for c in self.columns]
        if "current" in fields:
            return "current"
        return next((f for f in ("direction", "id") if f in fields), fields[0] if fields else "")

    def chart(self, ev: EntryView, field_name: str) -> EntryHistory | None:
        """The entry's scores over time, for a chart in this column's cell (in one cell of its
        row, under the current score's notes)."""
        return ev.history if field_name == self.current_home else None

    def notes(self, ev: EntryView, field_name: str) -> tuple[Note, ...]:
        """The notes a table cell shows under its content (and its trends): the appetite under
        the current score, the gap to target under the plan's score (else under the current
        score), a late review under the ID; every note in some cell, whatever the columns."""
        fields = [c.field for c in self.columns]
        current_home = self.current_home
        plan_home = ev.plan_field if ev.plan_field in fields else current_home
        id_home = "id" if "id" in fields else current_home
        out: list[Note] = []
        for key, home in (("current", current_home), ("plan", plan_home), ("id", id_home)):
            if home == field_name:
                out.extend(n for n in ev.notes.get(key, ()) if n.field not in fields)
        return tuple(out)

    def trends(self, ev: EntryView, field_name: str) -> tuple[TrendLine, ...]:
        """The trends a table cell shows under its content: the current score's under the
        officer's own Direction of Travel (else under the current score); the residual or
        target score's under that score, else under the Direction of Travel, else under the
        current score. Every trend is in some cell, whatever columns the register has."""
        fields = [c.field for c in self.columns]
        current_home = next((f for f in ("direction", "current") if f in fields), fields[0] if fields else "")
        later = ev.residual_trend_field
        later_home = later if later in fields else current_home
        out = []
        for which, home in (("current", current_home), ("later", later_home)):
            line = ev.trend_line(which, field_name) if home == field_name else None
            if line is not None:
                out.append(line)
            if which == "current" and home == field_name and ev.history is not None and ev.history.span is not None:
                out.append(ev.history.span)
        return tuple(out)


def _fit(shares: list[float], floors: list[float]) -> tuple[float, ...]:
    """`shares` made to add up to 1 with none below its floor: the columns under their floor
    take it, the others give up the room in proportion."""
    fixed: dict[int, float] = {}
    for _ in range(len(shares)):
        free = [i for i in range(len(shares)) if i not in fixed]
        room = 1.0 - sum(fixed.values())
        scale = room / (sum(shares[i] for i in free) or 1.0)
        short = [i for i in free if shares[i] * scale < floors[i]]
        if not short:
            break
        for i in short:
            fixed[i] = floors[i]
    else:
        scale = 0.0
    return tuple(fixed[i] if i in fixed else shares[i] * scale for i in range(len(shares)))


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int
    impact: int
    score: int
    band: Band | None


@dataclass(frozen=True)
class MatrixRow:
    impact: int
    risk_label: str
    opportunity_label: str
    cells: tuple[MatrixCell, ...]

    @property
    def label(self) -> str:
        """`CATASTROPHIC (for risk) / OUTSTANDING (for opportunity)` where the two differ."""
        if self.risk_label.lower() == self.opportunity_label.lower():
            return self.risk_label.upper()
        return f"{self.risk_label.upper()} (for risk)\n{self.opportunity_label.upper()} (for opportunity)"


@dataclass(frozen=True)
class Placed:
    """An entry named on a heat map: `CR3`, `CO1 (opportunity)`, or `CR1: 20` under the grid:
    the entry's name (what the HTML page links to its entry) and what is said of it."""

    name: str
    anchor: str
    detail: str = ""

    @property
    def separator(self) -> str:
        """What comes between the name and the detail: a detail in brackets follows the name."""
        return " " if self.detail.startswith("(") else ": "

    @property
    def label(self) -> str:
        """`CR1`, `CR1: 20`, `CR2 (above appetite)`."""
        return f"{self.name}{self.separator}{self.detail}" if self.detail else self.name


@dataclass(frozen=True)
class Move:
    """An entry's move on the heat map: from last quarter's cell to this quarter's, or from its
    current score's cell to its target's (`CR5: Likely/Major → Possible/Major`)."""

    name: str
    anchor: str
    #: `Likely/Major → Possible/Major`
    detail: str
    start: tuple[int, int]  # (likelihood, impact)
    end: tuple[int, int]

    @property
    def placed(self) -> Placed:
        return Placed(self.name, self.anchor, self.detail)

    @property
    def label(self) -> str:
        return self.placed.label


@dataclass(frozen=True)
class HeatMap:
    """Which entries sit in which matrix cell, and which have a score only."""

    title: str
    cells: dict[tuple[int, int], tuple[Placed, ...]]  # (likelihood, impact) -> entries
    score_only: tuple[Placed, ...]
    #: Entries with no score this map can place or list as a number: a score kept as written,
    #: or none at all (`CR2: no current score`).
    unplaced: tuple[Placed, ...] = ()
    #: Moves to draw on the map (arrows) and to list under it, with the list's heading and why.
    moves: tuple[Move, ...] = ()
    moves_heading: tuple[str, str] = ("", "")
    #: The moves are too many to draw over the entries' names: a grid of their own draws them
    #: (after this one, with their list under it).
    moves_apart: bool = False

    @property
    def moves_title(self) -> str:
        """The heading of the moves' own grid: `Moves on the heat map: current to target`."""
        heading = self.moves_heading[0]
        return words.MOVES_MAP.format(heading=heading[:1].lower() + heading[1:])

    @property
    def moves_caption(self) -> str:
        """What the moves' own grid shows (its caption)."""
        return words.MOVES_MAP_CAPTION.format(heading=self.moves_heading[0], why=self.moves_heading[1])

    def placed(self, likelihood: int, impact: int) -> tuple[Placed, ...]:
        return self.cells.get((likelihood, impact), ())

    def labels(self, likelihood: int, impact: int) -> tuple[str, ...]:
        return tuple(p.label for p in self.placed(likelihood, impact))

    @property
    def score_only_text(self) -> str:
        return ", ".join(p.label for p in self.score_only)

    @property
    def unplaced_text(self) -> str:
        return ", ".join(p.label for p in self.unplaced)

    def placed_lists(self, moves: bool = True) -> list[tuple[str, str, tuple[Placed, ...]]]:
        """The lists under the grid, as (heading, why, entries): score only, not placed, and the
        moves (unless `moves` is false: a format that draws them on a grid of their own lists
        them under that one, `moves_list`)."""
        out = []
        if self.score_only:
            out.append((words.SCORE_ONLY, words.SCORE_ONLY_WHY, self.score_only))
        if self.unplaced:
            out.append((words.NOT_PLACED, words.NOT_PLACED_WHY, self.unplaced))
        if self.moves and moves:
            out.append(self.moves_list())
        return out

    def moves_list(self) -> tuple[str, str, tuple[Placed, ...]]:
        """The moves' list, as (heading, why, entries)."""
        return (*self.moves_heading, tuple(m.placed for m in self.moves))

    def lists(self) -> list[tuple[str, str, str]]:
        """The lists under the grid, as (heading, why, entries as text)."""
        return [(heading, why, ", ".join(p.label for p in items)) for heading, why, items in self.placed_lists()]


@dataclass(frozen=True)
class ChangeItem:
    """One entry in the changes summary: new (with its score), closed (with its last score) or
    moved (with its trend)."""

    id: str
    kind: Kind
    title: str
    score: ScoreView | None = None
    trend: Trend | None = None
    #: The score `trend` is of, where it is not the current score: "residual" or "target".
    which: str = ""

    @property
    def name(self) -> str:
        return entry_name(self.id, self.kind)


#: A title in the changes summary is cut at a word to about this many characters.
SUMMARY_TITLE = 80


@dataclass(frozen=True)
class Changes:
    """What changed since last quarter, as every format prints it first."""

    previous_period: str
    current_period: str
    new: tuple[ChangeItem, ...]
    closed: tuple[ChangeItem, ...]
    moved: tuple[ChangeItem, ...]
    #: Entries whose residual or target score moved, largest move first.
    later_moved: tuple[ChangeItem, ...]
    #: Entries matched with last quarter by a near-identical ID: (ID, last quarter's ID).
    renamed: tuple[tuple[str, str], ...]

    @property
    def heading(self) -> str:
        return words.CHANGES_SINCE.format(period=self.previous_period)

    @property
    def description(self) -> str:
        """What the summary table holds, for its caption or alternative text."""
        return f"Entries new this quarter, closed since {self.previous_period}, and whose scores moved"

    def rows(self) -> list[tuple[str, list[str]]]:
        """(label, items) rows: the periods compared, new, closed, moved (largest move first)."""
        prev, cur = self.previous_period, self.current_period
        new = []
        for c in self.new:
            text = c.name + (f" – {shorten(c.title, SUMMARY_TITLE)}" if c.title else "")
            if c.score is not None and c.score.score is not None:
                text += f": score {c.score.text}"
            new.append(text)
        closed = []
        for c in self.closed:
            text = c.name + (f" – {shorten(c.title, SUMMARY_TITLE)}" if c.title else "")
            score = c.score.score if c.score is not None else None
            closed.append(text + (f": last score {score}" if score is not None else ": no score last quarter"))
        moved = [f"{c.name}: {c.trend.text}, now {c.trend.current}" for c in self.moved if c.trend is not None]
        later = [
            f"{c.name}: {c.which} {c.trend.text}, now {c.trend.current}"
            for c in self.later_moved
            if c.trend is not None
        ]
        return [
            ("Periods compared", [f"{prev} (last quarter) with {cur} (this quarter)"]),
            ("New this quarter", new),
            (f"Closed (in {prev}, not in {cur})", closed),
            ("Score moved (largest move first)", moved),
            ("Residual or target score moved (largest move first)", later),
        ]


@dataclass(frozen=True)
class EntryHistory:
    """One entry's current score in every quarter the build was given, oldest first, this one last."""

    quarters: tuple[str, ...]
    #: The current score in each quarter (None where the entry was not in that quarter's register,
    #: or had no score: a gap, never a zero).
    scores: tuple[ScoreView | None, ...]
    present: tuple[bool, ...]
    #: `Very high since Q4 2017/18 (3 quarters)`: how long it has been in its present band.
    band_since: str
    #: The move over the whole span (None where that is last quarter's move, or there is none).
    span: TrendLine | None = None
    #: Its residual and then its target score in each quarter, as `scores`, for each of the two
    #: some quarter has: ("residual", scores).
    later: tuple[tuple[str, tuple[ScoreView | None, ...]], ...] = ()

    def rows(self) -> tuple[tuple[str, tuple[ScoreView | None, ...]], ...]:
        """The scores by quarter a line each, named: (`Current`, scores), then `Residual`, `Target`."""
        return ((words.HISTORY_SCORES["current"], self.scores),) + tuple(
            (words.HISTORY_SCORES[which], scores) for which, scores in self.later
        )

    def gap(self, i: int, scores: tuple[ScoreView | None, ...] | None = None) -> str:
        """Why quarter `i` has no score (in `scores`, default the current scores), in words: `not in
        the register`, `no score`; empty where it has one."""
        sv = (self.scores if scores is None else scores)[i]
        if sv is not None and sv.score is not None:
            return ""
        return words.NO_SCORE_THEN if self.present[i] else words.NOT_IN_REGISTER

    @property
    def text(self) -> str:
        """The numbers of its chart in words (the chart's text alternative): the current score in
        each quarter, then the residual's and the target's where some quarter has one."""
        out = []
        for label, scores in self.rows():
            parts = [
                f"{q}: {sv.score}" if sv is not None and sv.score is not None else f"{q}: {self.gap(i, scores)}"
                for i, (q, sv) in enumerate(zip(self.quarters, scores))
            ]
            out.append(words.HISTORY_BY_QUARTER.format(which=label, scores=", ".join(parts)))
        return " ".join(out)


@dataclass(frozen=True)
class ClosedEntry:
    """An entry of an earlier quarter's register that this quarter's does not have (closed since),
    with its scores then: the band counts count it in those quarters."""

    id: str
    kind: Kind
    #: Its title in the last quarter it was in.
    title: str
    #: Its scores, a gap in this quarter; `band_since` says when it was last in the register.
    history: EntryHistory

    @property
    def name(self) -> str:
        return entry_name(self.id, self.kind)

    @property
    def short_title(self) -> str:
        """Its title cut as `EntryView.short_title`."""
        return shorten(self.title, SUMMARY_TITLE)


@dataclass(frozen=True)
class History:
    """The register over the quarters a build was given: how many entries were in each band."""

    quarters: tuple[str, ...]
    #: Each band with its count of entries in each quarter.
    band_counts: tuple[tuple[Band, tuple[int, ...]], ...]
    #: The entries of earlier quarters closed since, in the order they first appear: with this
    #: quarter's entries, every entry each band count counts (matched by ID as `compare` matches).
    closed: tuple[ClosedEntry, ...] = ()

    heading = words.HISTORY_HEADING

    @property
    def span(self) -> str:
        """`Q4 2017/18 to Q2 2018/19`."""
        return f"{self.quarters[0]} to {self.quarters[-1]}" if len(self.quarters) > 1 else self.quarters[0]

    @property
    def totals(self) -> tuple[int, ...]:
        """How many entries had a current score in some band, in each quarter."""
        return tuple(sum(counts[i] for _, counts in self.band_counts) for i in range(len(self.quarters)))

    @property
    def entries_caption(self) -> str:
        """What the table of each entry's scores by quarter holds (its caption)."""
        return words.HISTORY_ENTRIES_CAPTION.format(span=self.span, gap=words.HISTORY_GAP)

    @property
    def bands_caption(self) -> str:
        """What the table of entries in each band by quarter holds (its caption)."""
        return words.HISTORY_BANDS_CAPTION.format(span=self.span)

    @property
    def text(self) -> str:
        """The band counts in words (the register chart's text alternative)."""
        per = "; ".join(
            f"{band.name}: " + ", ".join(f"{q} {n}" for q, n in zip(self.quarters, counts))
            for band, counts in self.band_counts
        )
        return f"Entries in each band by quarter. {per}"


@dataclass(frozen=True)
class Tracking:
    """How the register stands against the council's appetite, its targets and its actions: the
    summary every format prints at the front of a register that tracks them."""

    above_appetite: tuple[str, ...]
    above_target: tuple[str, ...]
    overdue_actions: tuple[str, ...]
    overdue_reviews: tuple[str, ...]
    targets_passed: tuple[str, ...]
    #: How many entries are above target, and the largest and total gap.
    above_target_count: int = 0
    largest_gap: int = 0

    heading = words.TRACKING_HEADING

    def rows(self) -> list[tuple[str, list[str]]]:
        gaps = (
            f"{self.above_target_count} above target, by up to {self.largest_gap}"
            if self.above_target_count
            else "None above target"
        )
        return [
            (f"Above appetite ({len(self.above_appetite)})", list(self.above_appetite)),
            (f"Gap to target: {gaps}", list(self.above_target)),
            (f"Overdue actions ({len(self.overdue_actions)})", list(self.overdue_actions)),
            (f"Overdue reviews ({len(self.overdue_reviews)})", list(self.overdue_reviews)),
            (f"Target dates passed ({len(self.targets_passed)})", list(self.targets_passed)),
        ]


def _tracking(sections: tuple[Section, ...]) -> Tracking:
    above: list[str] = []
    gaps: list[tuple[int, str]] = []
    actions: list[str] = []
    reviews: list[str] = []
    passed: list[str] = []
    for sec in sections:
        for ev in sec.entries:
            a = ev.appetite
            if a is not None and a.above and ev.current is not None:
                level = words.APPETITE_LEVEL.format(level=a.level, tolerance=a.tolerance)
                above.append(f"{ev.name}: {ev.current.score} ({level})")
            plan = ev.score(ev.plan_field)
            if ev.gap and ev.current is not None and plan is not None:
                gaps.append((ev.gap, f"{ev.name}: {ev.gap} ({ev.current.score} now, {ev.plan_field} {plan.score})"))
            for g in ev.actions:
                if g.overdue and g.due is not None:
                    what = next((b.text.split("\n")[0] for b in g.blocks if b.text.strip()), g.theme or "")
                    who = f" – {g.owner}" if g.owner else ""
                    actions.append(f"{ev.name}: {shorten(what, 80)}{who} (due {long_date(g.due)})")
            reviews.extend(f"{ev.name}: {n.text}" for n in ev.notes.get("id", ()) if n.alert)
            passed.extend(f"{ev.name}: {n.text}" for n in ev.notes.get("plan", ()) if n.alert)
    gaps.sort(key=lambda g: -g[0])
    return Tracking(
        tuple(above),
        tuple(text for _, text in gaps),
        tuple(actions),
        tuple(reviews),
        tuple(passed),
        above_target_count=len(gaps),
        largest_gap=gaps[0][0] if gaps else 0,
    )


@dataclass(frozen=True)
class BandCount:
    """How many entries are in a band this quarter, and were last quarter (None: not compared)."""

    band: Band
    count: int
    previous: int | None = None

    @property
    def text(self) -> str:
        """`9 (8 last quarter)`, `9`."""
        return f"{self.count}" + (f" ({self.previous} last quarter)" if self.previous is not None else "")


@dataclass(frozen=True)
class Summary:
    """The summary for Cabinet: entries by band (against last quarter), and the entries in the
    highest band that has any, each with its owner and direction of travel."""

    bands: tuple[BandCount, ...]
    top_band: Band | None
    top: tuple[EntryView, ...]

    @property
    def heading(self) -> str:
        return words.TOP_BAND.format(band=self.top_band.name) if self.top_band else ""

    def direction(self, ev: EntryView, limit: int = 110) -> str:
        """The officer's direction of travel, cut to a line, and the trend since last quarter."""
        text = " ".join(" ".join(b.text.split()) for b in ev.blocks("direction"))
        trend = ev.trend.text if ev.trend else ""
        return " – ".join(t for t in (shorten(text, limit), trend) if t)


def _summary(sections: tuple[Section, ...], bands: Sequence[Band], previous: Register | None) -> Summary:
    counts = []
    for band in bands:
        now = sum(1 for s in sections for ev in s.entries if ev.current is not None and ev.current.band == band)
        before = None
        if previous is not None:
            before = sum(
                1
                for e in (*previous.risks, *previous.opportunities)
                if e.current is not None and e.current.score is not None and band.min <= e.current.score <= band.max
            )
        counts.append(BandCount(band, now, before))
    top_band = next((c.band for c in reversed(counts) if c.count), None)
    top = tuple(ev for s in sections for ev in s.entries if ev.current is not None and ev.current.band == top_band)
    return Summary(tuple(counts), top_band, top if top_band else ())


@dataclass(frozen=True)
class ReportView:
    register: Register
    date: dt.date
    sections: tuple[Section, ...]
    likelihood_labels: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]  # highest impact first
    bands: tuple[Band, ...]
    heatmaps: tuple[HeatMap, ...] = field(default_factory=tuple)
    #: What changed since last quarter (None when built without --previous).
    changes: Changes | None = None
    comparison: Comparison | None = None
    #: How the register stands against appetite, targets and actions (None: it tracks none).
    tracking: Tracking | None = None
    #: The register over the quarters the build was given (None without --previous).
    history: History | None = None
    #: What a selected document holds, in words, for its first page ("" for the whole register).
    selection: str = ""
    #: Part B's "NOT FOR PUBLICATION …" mark, for every page and the metadata ("" for Part A).
    part_b: str = ""
    #: "register", "summary" (for Cabinet: `summary`) or "deep-dive" (one entry).
    pack: str = "register"
    #: The summary pack's contents (None for the other packs).
    summary: Summary | None = None

    @property
    def heading(self) -> str:
        """`Corporate Risk & Opportunity Register Q2 2018/19`"""
        return f"{self.register.title} {self.register.period}".strip()

    @property
    def full_title(self) -> str:
        """`Appendix A: Corporate Risk & Opportunity Register Q2 2018/19`"""
        return f"{self.register.appendix}: {self.heading}" if self.register.appendix else self.heading

    @property
    def layout(self) -> str:
        return self.register.layout

    @property
    def pack_heading(self) -> str:
        """What a pack is, after the register's heading: `Summary`, `Deep dive: CR3` ("" for the register)."""
        if self.pack == "summary":
            return words.SUMMARY_HEADING
        if self.pack == "deep-dive":
            return self.selection
        return ""

    @property
    def document_title(self) -> str:
        """The document's title (its metadata): `Deep dive: CR3 – Appendix A: Corporate … Q2 2018/19`."""
        return f"{self.pack_heading} – {self.full_title}" if self.pack_heading else self.full_title

    def marked_properties(self, subject: str, keywords: str, comments: str) -> tuple[str, str, str]:
        """An Office file's subject, keywords and comments as this document marks them: a
        selection's words after the comments; Part B's mark first in all three."""
        if self.selection:
            comments = f"{comments} ({self.selection})"
        if self.part_b:
            subject = f"{self.part_b} – {subject}"
            keywords = f"{self.part_b}; {keywords}"
            comments = f"{self.part_b}. {comments}"
        return subject, keywords, comments

    @property
    def selection_line(self) -> str:
        """What the first page says the document holds, where its heading does not say it already."""
        return "" if self.selection == self.pack_heading else self.selection

    @property
    def summary_heatmaps(self) -> tuple[HeatMap, ...]:
        """The heat map a summary shows: the current scores' (the first)."""
        return self.heatmaps[:1]

    @property
    def has_opportunities(self) -> bool:
        return any(s.kind == "opportunity" and s.entries for s in self.sections)

    def entries(self) -> tuple[EntryView, ...]:
        return tuple(e for s in self.sections for e in s.entries)

    def history_rows(self) -> tuple[EntryView | ClosedEntry, ...]:
        """The rows of the history table: this quarter's entries, then those closed since an earlier
        quarter (every entry the band counts count), each with its `history`."""
        if self.history is None:
            return ()
        return tuple(ev for ev in self.entries() if ev.history is not None) + self.history.closed

    @property
    def history_named(self) -> bool:
        """Whether the history names the score of each of its rows (`Current`, `Residual`, `Target`):
        where some entry has a residual or target score by quarter as well."""
        return any(r.history is not None and len(r.history.rows()) > 1 for r in self.history_rows())

    @property
    def heatmap_note(self) -> str:
        """What the heat maps show, as every format says it above them."""
        return words.HEAT_MAP_NOTE + (words.HEAT_MAP_NOTE_OPPORTUNITIES if self.has_opportunities else "") + "."

    def appetite_key(self) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
        """The council's appetite as every format prints it after the Key to Scores: each level,
        its tolerance and the risk types at that level, the default level saying so (none for a
        register without an appetite)."""
        a = self.register.appetite
        if a is None:
            return ()
        default = appetite.find_level(a, a.default)
        return tuple(
            (
                level.name,
                level.tolerance,
                tuple(t for t, name in a.by_type.items() if appetite.find_level(a, name) is level)
                + ((words.APPETITE_DEFAULT,) if default is level else ()),
            )
            for level in a.levels
        )


def band_for(bands: list[Band] | tuple[Band, ...], score: int | None) -> Band | None:
    if score is None:
        return None
    for b in bands:
        if b.min <= score <= b.max:
            return b
    return None


def _score_view(reg: Register, kind: Kind, sc: Score | None) -> ScoreView | None:
    if sc is None or (sc.score is None and sc.likelihood is None and sc.impact is None and not sc.as_written):
        return None
    s = reg.scoring
    impact_labels = s.impact if kind == "risk" else s.opportunity_impact
    lk = sc.likelihood if isinstance(sc.likelihood, int) else None
    im = sc.impact if isinstance(sc.impact, int) else None
    return ScoreView(
        score=sc.score,
        likelihood=lk,
        impact=im,
        likelihood_label=s.likelihood[lk - 1] if lk else None,
        impact_label=impact_labels[im - 1] if im else None,
        band=band_for(s.bands, sc.score),
        as_written=sc.as_written,
    )


def _groups(groups: list[Group] | str, today: dt.date | None = None) -> tuple[GroupView, ...]:
    assert not isinstance(groups, str)  # the model turns Markdown text into one group
    return tuple(
        GroupView(
            g.theme,
            g.owner,
            richtext.parse(g.text),
            g.due,
            g.status,
            overdue=today is not None and g.due is not None and g.due < today and g.status != "done",
        )
        for g in groups
    )


def tracks(reg: Register) -> bool:
    """Whether a register tracks appetite, targets or actions (then every format says how they
    stand); a register without any of it renders as the 2018 appendix did."""
    if reg.appetite is not None:
        return True
    for e in (*reg.risks, *reg.opportunities):
        if e.review_by or e.appetite or isinstance(e.target_date, dt.date):
            return True
        if any(isinstance(g, Group) and (g.due or g.status) for g in e.actions):
            return True
    return False


def _notes(reg: Register, kind: Kind, e: Entry, today: dt.date, tracking: bool) -> tuple[AppetiteView | None, dict]:
    """An entry's appetite and the notes under its cells (see `EntryView.notes`): only the target
    date for a register that tracks none of appetite, targets and actions."""
    if not tracking:
        if not e.target_date:
            return None, {}
        when = long_date(e.target_date) if isinstance(e.target_date, dt.date) else e.target_date
        return None, {"plan": (Note(words.TARGET_DATE.format(date=when), field="target_date"),)}
    level = appetite.level_of(e, kind, reg.appetite)
    current, plan = appetite.current_score(e), appetite.plan_score(e)
    view = None
    notes: dict[str, tuple[Note, ...]] = {}
    if level is not None and current is not None:
        view = AppetiteView(
            level.name, level.tolerance, current > level.tolerance, plan is not None and plan > level.tolerance
        )
        notes["current"] = (Note(view.text, view.above),)
    which = "target" if e.target is not None and e.target.score is not None else "residual"
    plan_notes = []
    if current is not None and plan is not None:
        gap = appetite.gap_to_plan(kind, current, plan)
        if gap > 0:
            plan_notes.append(Note(words.GAP_TO_TARGET.format(which=which, gap=gap, current=current, plan=plan)))
        else:
            plan_notes.append(Note(words.AT_TARGET.format(which=which, plan=plan)))
        if isinstance(e.target_date, dt.date) and e.target_date < today and gap > 0:
            text = words.TARGET_DATE_PASSED.format(date=long_date(e.target_date), which=which)
            plan_notes.append(Note(text, alert=True))
    if e.target_date and not any(n.alert for n in plan_notes):
        when = long_date(e.target_date) if isinstance(e.target_date, dt.date) else e.target_date
        plan_notes.append(Note(words.TARGET_DATE.format(date=when), field="target_date"))
    if plan_notes:
        notes["plan"] = tuple(plan_notes)
    if e.review_by is not None and e.review_by < today:
        notes["id"] = (Note(words.REVIEW_OVERDUE.format(date=long_date(e.review_by)), alert=True),)
    return view, notes


def build_date(reg: Register) -> dt.date:
    """The documents' date: the register's report date, else SOURCE_DATE_EPOCH, else today."""
    if reg.report_date:
        return reg.report_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def _anchor(ident: str) -> str:
    return "entry-" + "".join(c if c.isalnum() else "-" for c in ident.strip()).lower()


def _exempt_mark(e: Entry) -> str:
    """Part B's line on an exempt entry: `Exempt (paragraph 3): controls, actions`."""
    assert e.exempt is not None
    what = ", ".join(e.exempt.fields) if e.exempt.fields else words.EXEMPT_WHOLE
    return words.EXEMPT_MARK.format(paragraph=e.exempt.paragraph, what=what)


def _exempt_notice(e: Entry) -> str:
    assert e.exempt is not None
    return words.EXEMPT_NOTICE.format(paragraph=e.exempt.paragraph)


def _heatmaps(sections: tuple[Section, ...]) -> tuple[HeatMap, ...]:
    """The current scores' map, and the residual/target scores' map: each entry in the cell of its
    likelihood and impact; a bare score listed as "score only", never guessed into a cell; a score
    kept as written, or none (the current map: no current score; the later map: no score at all),
    listed as not placed."""
    maps = []
    has = {f: any(e.score(f) is not None for s in sections for e in s.entries) for f in ("residual", "target")}
    later = "Residual / target scores" if all(has.values()) else "Target scores" if has["target"] else "Residual scores"
    for label, fields in (("Current scores", ("current",)), (later, ("residual", "target"))):
        cells: dict[tuple[int, int], list[Placed]] = {}
        score_only: list[Placed] = []
        unplaced: list[Placed] = []
        any_score = False
        for sec in sections:
            for ev in sec.entries:
                sv = next((ev.score(f) for f in fields if ev.score(f) is not None), None)
                if sv is None or sv.score is None:
                    if sv is not None and sv.unread:
                        unplaced.append(Placed(ev.name, ev.anchor, sv.text))
                    elif ev.entry.exempt is not None:
                        unplaced.append(Placed(ev.name, ev.anchor, _exempt_notice(ev.entry)))
                    elif fields == ("current",) or all(ev.score(f) is None for f in SCORES):
                        which = "current" if fields == ("current",) else "current, residual or target"
                        unplaced.append(Placed(ev.name, ev.anchor, words.NO_SCORE.format(which=which)))
                    continue
                any_score = True
                above = fields == ("current",) and ev.appetite is not None and ev.appetite.above
                if sv.likelihood and sv.impact:
                    detail = words.HEAT_ABOVE_APPETITE if above else ""
                    cells.setdefault((sv.likelihood, sv.impact), []).append(Placed(ev.name, ev.anchor, detail))
                else:
                    detail = words.ABOVE_APPETITE_MARK.format(detail=sv.score) if above else str(sv.score)
                    score_only.append(Placed(ev.name, ev.anchor, detail))
        if any_score:
            maps.append(HeatMap(label, {k: tuple(v) for k, v in cells.items()}, tuple(score_only), tuple(unplaced)))
    return tuple(maps)


#: At most this many arrows are drawn over a heat map's entries; more get a grid of their own.
MOVES_ON_MAP = 4


def _with_moves(
    maps: tuple[HeatMap, ...], moves: tuple[Move, ...], period: str, tracks: tuple[Move, ...]
) -> tuple[HeatMap, ...]:
    """The current map with the moves since last quarter; the target map with each current score's
    track to its target (the residual map has none: a residual is not a plan with a cell)."""
    out = []
    for i, hm in enumerate(maps):
        if i == 0 and moves:
            hm = replace(hm, moves=moves, moves_heading=(words.MOVED_SINCE.format(period=period), words.MOVED_WHY))
        elif i == 1 and tracks and "arget" in hm.title:
            hm = replace(hm, moves=tracks, moves_heading=(words.TARGET_TRACK, words.TARGET_TRACK_WHY))
        if len({(m.start, m.end) for m in hm.moves}) > MOVES_ON_MAP:
            hm = replace(hm, moves_apart=True)
        out.append(hm)
    return tuple(out)


def _changes(comp: Comparison, reg: Register, entries: dict[str, EntryView]) -> Changes:
    def item(ident: str, kind: Kind, **more) -> ChangeItem:
        ev = entries.get(ident)
        return ChangeItem(ident, kind, ev.title if ev else "", **more)

    new = []
    for ident in comp.new:
        ev = entries.get(ident)
        new.append(item(ident, ev.kind if ev else "risk", score=ev.current if ev else None))
    closed = tuple(
        ChangeItem(
            c.id,
            c.kind,
            title_of(c.entry),
            score=_score_view(reg, c.kind, Score(score=c.last_score)) if c.last_score is not None else None,
        )
        for c in comp.closed
    )
    moved = tuple(item(c.id, c.kind, trend=c.current) for c in comp.moved)
    later_moved = tuple(
        item(c.id, c.kind, trend=c.residual, which=entries[c.id].residual_trend_field if c.id in entries else "")
        for c in comp.residual_moved
    )
    renamed = tuple((c.id, c.previous_id) for c in comp.changes.values() if c.previous_id and c.previous_id != c.id)
    return Changes(
        comp.previous_period.strip() or "last quarter",
        comp.current_period.strip() or "this quarter",
        tuple(new),
        closed,
        moved,
        later_moved,
        renamed,
    )


def _earlier_entries(reg: Register, earlier: Sequence[Register]) -> dict[tuple[str, str], list[Entry | None]]:
    """Each entry of this quarter (by kind and ID) with its entry in each earlier quarter, oldest
    first (None where that quarter's register did not have it), matched as `compare` matches."""
    out: dict[tuple[str, str], list[Entry | None]] = {}
    for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
        for e in entries:
            out[(kind, e.id)] = []
        for q in earlier:
            m = match(entries, q.risks if kind == "risk" else q.opportunities)
            for e, p in m.pairs:
                out[(kind, e.id)].append(p)
    return out


def _entry_history(
    reg: Register, kind: Kind, quarters: tuple[str, ...], before: list[Entry | None], entry: Entry
) -> EntryHistory:
    now = _score_view(reg, kind, entry.current)
    scores = tuple(_score_view(reg, kind, p.current) if p is not None else None for p in before) + (now,)
    later = []
    for which in ("residual", "target"):
        seen = tuple(_score_view(reg, kind, getattr(p, which)) if p is not None else None for p in (*before, entry))
        if any(sv is not None and sv.score is not None for sv in seen):
            later.append((which, seen))
    present = tuple(p is not None for p in before) + (True,)
    since = ""
    if now is not None and now.band is not None:
        k = len(scores) - 1
        while k > 0 and scores[k - 1] is not None and scores[k - 1].band == now.band:  # type: ignore[union-attr]
            k -= 1
        n = len(scores) - k
        length = words.QUARTERS_IN_BAND.format(n=n) if n > 1 else words.THIS_QUARTER_ONLY
        since = f"{words.BAND_SINCE.format(band=now.band.name, period=quarters[k])} ({length})"
    span = None
    first = next((i for i, sv in enumerate(scores) if sv is not None and sv.score is not None), None)
    if first is not None and first < len(scores) - 2 and now is not None and now.score is not None:
        old = scores[first].score  # type: ignore[union-attr]
        assert old is not None
        direction: Direction = "up" if now.score > old else "down" if now.score < old else "level"
        span = TrendLine(words.TREND_LEAD.format(period=quarters[first]), Trend(direction, kind, old, now.score))
    return EntryHistory(quarters, scores, present, since, span, tuple(later))


def _history(reg: Register, earlier: Sequence[Register], quarters: tuple[str, ...]) -> History:
    counts = []
    for band in reg.scoring.bands:
        per = []
        for q in (*earlier, reg):
            per.append(
                sum(
                    1
                    for e in (*q.risks, *q.opportunities)
                    if e.current is not None and e.current.score is not None and band.min <= e.current.score <= band.max
                )
            )
        counts.append((band, tuple(per)))
    return History(quarters, tuple(counts), _closed(reg, earlier, quarters))


def _closed(reg: Register, earlier: Sequence[Register], quarters: tuple[str, ...]) -> tuple[ClosedEntry, ...]:
    """The earlier quarters' entries no entry of this quarter matched, one per ID (of a kind)."""
    out = []
    for kind, entries in (("risk", reg.risks), ("opportunity", reg.opportunities)):
        found: dict[str, list[Entry | None]] = {}
        for i, q in enumerate(earlier):
            for key, p in match(entries, q.risks if kind == "risk" else q.opportunities).unmatched.items():
                found.setdefault(key, [None] * len(earlier))[i] = p
        for per in found.values():
            k = max(i for i, p in enumerate(per) if p is not None)
            last = per[k]
            assert last is not None
            scores = tuple(_score_view(reg, kind, p.current) if p is not None else None for p in per)  # type: ignore[arg-type]
            history = EntryHistory(
                quarters,
                (*scores, None),
                (*(p is not None for p in per), False),
                words.CLOSED_SINCE.format(period=quarters[k]),
            )
            out.append(ClosedEntry(last.id, kind, title_of(last), history))  # type: ignore[arg-type]
    return tuple(out)


def _cell(sv: ScoreView | None) -> tuple[int, int] | None:
    return (sv.likelihood, sv.impact) if sv is not None and sv.likelihood and sv.impact else None


def _cell_label(sv: ScoreView) -> str:
    """`Likely/Major`: a heat-map cell by its likelihood and impact."""
    return f"{sv.likelihood_label or sv.likelihood}/{sv.impact_label or sv.impact}"


def _moves(reg: Register, sections: tuple[Section, ...], last: dict[tuple[str, str], Entry | None]) -> tuple[Move, ...]:
    """Entries whose current score moved to another cell since last quarter."""
    out = []
    for sec in sections:
        for ev in sec.entries:
            p = last.get((ev.kind, ev.id))
            before = _score_view(reg, ev.kind, p.current) if p is not None else None
            start, end = _cell(before), _cell(ev.current)
            if start and end and start != end and before is not None and ev.current is not None:
                detail = words.MOVE.format(start=_cell_label(before), end=_cell_label(ev.current))
                out.append(Move(ev.name, ev.anchor, detail, start, end))
    return tuple(out)


def _tracks(sections: tuple[Section, ...]) -> tuple[Move, ...]:
    """Each entry's current score's cell to its target's, where it has both and they differ."""
    out = []
    for sec in sections:
        for ev in sec.entries:
            start, end = _cell(ev.current), _cell(ev.target)
            if start and end and start != end and ev.current is not None and ev.target is not None:
                detail = words.MOVE.format(start=_cell_label(ev.current), end=_cell_label(ev.target))
                out.append(Move(ev.name, ev.anchor, detail, start, end))
    return tuple(out)


def build(
    reg: Register,
    previous: Register | None = None,
    previous_file: str | None = None,
    earlier: Sequence[Register] = (),
    document: Document | None = None,
) -> ReportView:
    """Compute the view of a validated register (scores resolved to numbers), compared with
    last quarter's register when one is given; `earlier` are all the earlier quarters' registers,
    oldest first, last quarter's last (default: last quarter's alone). `document` says which of a
    build's documents this is (a selection, Part B, a summary: see `packs`)."""
    comparison = compare(reg, previous, previous_file) if previous is not None else None
    if previous is not None and not earlier:
        earlier = (previous,)
    quarters = tuple(q.period for q in earlier) + (reg.period,)
    before = _earlier_entries(reg, earlier) if earlier else {}
    prev_period = (comparison.previous_period.strip() or "last quarter") if comparison else ""
    lead = words.TREND_LEAD.format(period=prev_period) if comparison else ""
    today = build_date(reg)
    tracking = tracks(reg)
    seen: set[str] = set()
    sections = []
    for kind, entries, cols in (
        ("risk", reg.risks, [c for c in reg.columns.risks if c.show]),
        ("opportunity", reg.opportunities, [c for c in reg.columns.opportunities if c.show]),
    ):
        if not entries:
            continue
        views = []
        for e in entries:
            anchor = base = _anchor(e.id)
            n = 2
            while anchor in seen:
                anchor, n = f"{base}-{n}", n + 1
            seen.add(anchor)
            appetite_view, notes = _notes(reg, kind, e, today, tracking)  # type: ignore[arg-type]
            history = None
            if earlier:
                history = _entry_history(reg, kind, quarters, before[(kind, e.id)], e)  # type: ignore[arg-type]
                if history.band_since:
                    notes["current"] = notes.get("current", ()) + (Note(history.band_since),)
            if e.exempt is not None and document is not None and document.part_b:
                # Part B says which information is exempt, where the entry starts
                notes["id"] = notes.get("id", ()) + (Note(_exempt_mark(e)),)
            elif e.exempt is not None and e.current is None:  # withheld from this (public) document
                notes["current"] = notes.get("current", ()) + (Note(_exempt_notice(e)),)
            views.append(
                EntryView(
                    kind=kind,  # type: ignore[arg-type]
                    entry=e,
                    current=_score_view(reg, kind, e.current),  # type: ignore[arg-type]
                    residual=_score_view(reg, kind, e.residual),  # type: ignore[arg-type]
                    target=_score_view(reg, kind, e.target),  # type: ignore[arg-type]
                    controls=_groups(e.controls),
                    actions=_groups(e.actions, today if tracking else None),
                    anchor=anchor,
                    title=title_of(e),
                    change=comparison.changes.get(e.id) if comparison else None,
                    trend_lead=lead,
                    previous_period=prev_period,
                    appetite=appetite_view,
                    notes=notes,
                    history=history,
                )
            )
        columns = tuple(
            ColumnView(c.field, c.label, _KINDS.get(c.field, "text"), _WIDTHS.get(c.field, 1.0))  # type: ignore[arg-type]
            for c in cols
        )
        sections.append(Section(kind, words.SECTION_HEADINGS[kind], columns, tuple(views)))  # type: ignore[arg-type]
    s = reg.scoring
    rows = []
    for im in range(len(s.impact), 0, -1):
        rows.append(
            MatrixRow(
                impact=im,
                risk_label=s.impact[im - 1],
                opportunity_label=s.opportunity_impact[im - 1],
                cells=tuple(
                    MatrixCell(lk, im, lk * im, band_for(s.bands, lk * im)) for lk in range(1, len(s.likelihood) + 1)
                ),
            )
        )
    secs = tuple(sections)
    by_id = {ev.id: ev for sec in secs for ev in sec.entries}
    return ReportView(
        register=reg,
        date=build_date(reg),
        sections=secs,
        likelihood_labels=tuple(s.likelihood),
        matrix=tuple(rows),
        bands=tuple(s.bands),
        heatmaps=_with_moves(
            _heatmaps(secs),
            _moves(reg, secs, {k: v[-1] for k, v in before.items()}) if earlier else (),
            comparison.previous_period if comparison else "",
            _tracks(secs),
        ),
        changes=_changes(comparison, reg, by_id) if comparison else None,
        tracking=_tracking(secs) if tracking else None,
        history=_history(reg, earlier, quarters) if earlier else None,
        selection=document.selection if document else "",
        part_b=document.part_b if document else "",
        pack=document.pack if document else "register",
        summary=_summary(secs, s.bands, previous) if document is not None and document.pack == "summary" else None,
        comparison=comparison,
    )
