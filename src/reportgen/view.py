"""The view: everything the writers need, computed once from a validated register.

Labels, bands, colours, ordering, the Key to Scores matrix, heat-map placement and
rich text are all derived here, so that the Word, PDF/HTML and Excel writers lay
out the same facts and none of them re-derives one.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Literal

from . import richtext
from .compare import Comparison, EntryChange, Trend, compare
from .model import Band, Entry, Group, Register, Score
from .richtext import Block

Kind = Literal["risk", "opportunity"]


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
    def text(self) -> str:
        """`16 (Major/Likely)` (impact/likelihood, as the seed appendices write it), or `20`;
        a score that could not be read is shown as it was written."""
        if self.score is None:
            return self.as_written or ""
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
    theme: str | None
    owner: str | None
    blocks: tuple[Block, ...]
    markdown: str


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
    #: Comparison with last quarter (None when built without --previous).
    change: EntryChange | None = None

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
    def id(self) -> str:
        return self.entry.id

    @property
    def anchor(self) -> str:
        """A stable identifier for links and bookmarks."""
        return "entry-" + "".join(c if c.isalnum() else "-" for c in self.entry.id.strip()).lower()

    def blocks(self, field_name: str) -> tuple[Block, ...]:
        """Rich text of a text field as blocks."""
        return richtext.parse(getattr(self.entry, field_name))

    def score(self, field_name: str) -> ScoreView | None:
        return getattr(self, field_name)

    def groups(self, field_name: str) -> tuple[GroupView, ...]:
        return getattr(self, field_name)

    @property
    def control_owners(self) -> str:
        return _owners(self.controls)

    @property
    def action_owners(self) -> str:
        return _owners(self.actions)

    def types_text(self) -> str:
        return ", ".join(self.entry.types)


def _owners(groups: tuple[GroupView, ...]) -> str:
    return "; ".join(dict.fromkeys(g.owner.strip() for g in groups if g.owner and g.owner.strip()))


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


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int
    impact: int
    score: int
    band: Band


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
class HeatMap:
    """Which entry IDs sit in which matrix cell, and which have a score only."""

    title: str
    cells: dict[tuple[int, int], tuple[str, ...]]  # (likelihood, impact) -> IDs
    score_only: tuple[str, ...]


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
    comparison: Comparison | None = None

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

    def entries(self) -> tuple[EntryView, ...]:
        return tuple(e for s in self.sections for e in s.entries)

    @property
    def changes_summary(self) -> list[tuple[str, list[str]]]:
        """The changes summary every format prints first, as (label, items) rows: the periods
        compared, entries new this quarter, entries closed (with their last score) and
        entries whose score moved, largest move first. Empty without a previous quarter."""
        comp = self.comparison
        if comp is None:
            return []
        prev = comp.previous_period.strip() or "last quarter"
        cur = comp.current_period.strip() or "this quarter"
        entries = {ev.id: ev for ev in self.entries()}
        new = []
        for ident in comp.new:
            ev = entries.get(ident)
            if ev is None:
                new.append(ident)
                continue
            text = entry_name(ident, ev.kind)
            if (ev.entry.title or "").strip():
                text += f" \u2013 {ev.entry.title.strip()}"
            if ev.current is not None and ev.current.score is not None:
                text += f": score {ev.current.text}"
            new.append(text)
        closed = []
        for c in comp.closed:
            text = entry_name(c.id, c.kind)
            if c.title.strip():
                text += f" \u2013 {c.title.strip()}"
            text += f": last score {c.last_score}" if c.last_score is not None else ": no score last quarter"
            closed.append(text)
        moved = [f"{entry_name(m.id, m.kind)}: {m.current.text}, now {m.current.current}" for m in comp.moved]
        return [
            ("Periods compared", [f"{prev} (last quarter) with {cur} (this quarter)"]),
            ("New this quarter", new),
            (f"Closed (in {prev}, not in {cur})", closed),
            ("Score moved (largest move first)", moved),
        ]


def entry_name(ident: str, kind: str) -> str:
    """`CR3`, or `CO1 (opportunity)`: risks and opportunities told apart in words."""
    return ident if kind == "risk" else f"{ident} (opportunity)"


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


def _groups(groups: list[Group]) -> tuple[GroupView, ...]:
    return tuple(GroupView(g.theme, g.owner, richtext.parse(g.text), g.text) for g in groups)


def build_date(reg: Register) -> dt.date:
    """The documents' date: the register's report date, else SOURCE_DATE_EPOCH, else today."""
    if reg.report_date:
        return reg.report_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def _heatmaps(reg: Register, sections: tuple[Section, ...]) -> tuple[HeatMap, ...]:
    maps = []
    has = {f: any(getattr(e.entry, f) is not None for s in sections for e in s.entries) for f in ("residual", "target")}
    later = "Residual / target scores" if all(has.values()) else "Target scores" if has["target"] else "Residual scores"
    for label, fields in (("Current scores", ("current",)), (later, ("residual", "target"))):
        cells: dict[tuple[int, int], list[str]] = {}
        score_only: list[str] = []
        any_score = False
        for sec in sections:
            for ev in sec.entries:
                sv = next((ev.score(f) for f in fields if ev.score(f) is not None), None)
                if sv is None or sv.score is None:
                    continue
                any_score = True
                name = ev.id if sec.kind == "risk" else f"{ev.id} (opportunity)"
                if sv.likelihood and sv.impact:
                    cells.setdefault((sv.likelihood, sv.impact), []).append(name)
                else:
                    score_only.append(f"{name}: {sv.score}")
        if any_score:
            maps.append(HeatMap(label, {k: tuple(v) for k, v in cells.items()}, tuple(score_only)))
    return tuple(maps)


def build(reg: Register, previous: Register | None = None, previous_file: str | None = None) -> ReportView:
    """Compute the view of a validated register (scores already resolved to numbers),
    compared with last quarter's register when one is given."""
    comparison = compare(reg, previous, previous_file) if previous is not None else None
    sections = []
    for kind, entries, cols, heading in (
        ("risk", reg.risks, reg.columns.risks, "Risks"),
        ("opportunity", reg.opportunities, reg.columns.opportunities, "Opportunities"),
    ):
        if not entries:
            continue
        views = tuple(
            EntryView(
                kind=kind,  # type: ignore[arg-type]
                entry=e,
                current=_score_view(reg, kind, e.current),  # type: ignore[arg-type]
                residual=_score_view(reg, kind, e.residual),  # type: ignore[arg-type]
                target=_score_view(reg, kind, e.target),  # type: ignore[arg-type]
                controls=_groups(e.controls),
                actions=_groups(e.actions),
                change=comparison.changes.get(e.id) if comparison else None,
            )
            for e in entries
        )
        columns = tuple(
            ColumnView(c.field, c.label, _KINDS.get(c.field, "text"), _WIDTHS.get(c.field, 1.0))  # type: ignore[arg-type]
            for c in cols
        )
        sections.append(Section(kind, heading, columns, views))  # type: ignore[arg-type]
    s = reg.scoring
    rows = []
    for im in range(len(s.impact), 0, -1):
        rows.append(
            MatrixRow(
                impact=im,
                risk_label=s.impact[im - 1],
                opportunity_label=s.opportunity_impact[im - 1],
                cells=tuple(
                    MatrixCell(lk, im, lk * im, band_for(s.bands, lk * im))  # type: ignore[arg-type]
                    for lk in range(1, len(s.likelihood) + 1)
                ),
            )
        )
    secs = tuple(sections)
    return ReportView(
        register=reg,
        date=build_date(reg),
        sections=secs,
        likelihood_labels=tuple(s.likelihood),
        matrix=tuple(rows),
        bands=tuple(s.bands),
        heatmaps=_heatmaps(reg, secs),
        comparison=comparison,
    )
