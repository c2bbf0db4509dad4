"""Quarter on quarter: match entries with last quarter's by ID and say what moved.

Pure computation over two validated registers; the view attaches the result to
every entry so each writer shows the same trend and the same changes summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from . import vocabulary as words
from .diagnostics import Diagnostic
from .model import Entry, Register

Direction = Literal["up", "down", "level", "new"]


@dataclass(frozen=True)
class Trend:
    """How one score moved since last quarter, in a symbol and words (never colour alone)."""

    direction: Direction
    kind: Literal["risk", "opportunity"]
    previous: int | None
    current: int | None

    @property
    def symbol(self) -> str:
        return words.TREND_SYMBOLS[self.direction]

    @property
    def better(self) -> bool | None:
        """Whether the move is good news: down for a risk, up for an opportunity."""
        if self.direction in ("level", "new"):
            return None
        return (self.direction == "down") == (self.kind == "risk")

    @property
    def text(self) -> str:
        """`▲ Up from 12 (worse)`, `▼ Down from 25 (better)`, `► Level at 20`, `★ New this quarter`."""
        if self.direction == "new":
            return f"{self.symbol} {words.TREND_NEW}"
        if self.direction == "level":
            return f"{self.symbol} {words.TREND_LEVEL.format(current=self.current)}"
        moved = words.TREND_UP if self.direction == "up" else words.TREND_DOWN
        return f"{self.symbol} {moved.format(previous=self.previous)} ({words.BETTER if self.better else words.WORSE})"

    @property
    def delta(self) -> int:
        if self.previous is None or self.current is None:
            return 0
        return self.current - self.previous


@dataclass(frozen=True)
class EntryChange:
    """One entry's comparison with last quarter."""

    id: str
    previous_id: str | None  # differs from id when matched by a near-identical spelling
    kind: Literal["risk", "opportunity"]
    current: Trend | None
    residual: Trend | None  # residual or target, where both quarters have one


@dataclass(frozen=True)
class ClosedEntry:
    """An entry of last quarter's register that this quarter's does not have."""

    entry: Entry
    kind: Literal["risk", "opportunity"]
    last_score: int | None

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass
class Comparison:
    """What changed between last quarter's register and this one."""

    previous_period: str
    current_period: str
    changes: dict[str, EntryChange] = field(default_factory=dict)  # by current ID
    new: list[str] = field(default_factory=list)
    closed: list[ClosedEntry] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def moved(self) -> list[EntryChange]:
        """Entries whose current score moved, largest move first (then in register order)."""
        moved = [c for c in self.changes.values() if c.current and c.current.direction in ("up", "down")]
        return sorted(moved, key=lambda c: -abs(c.current.delta if c.current else 0))

    @property
    def residual_moved(self) -> list[EntryChange]:
        """Entries whose residual/target score moved, largest move first (then in register order)."""
        moved = [c for c in self.changes.values() if c.residual and c.residual.direction in ("up", "down")]
        return sorted(moved, key=lambda c: -abs(c.residual.delta if c.residual else 0))


def _norm(ident: str) -> str:
    return re.sub(r"\s+", "", ident).upper()


def _lookalike(ident: str) -> str:
    """An ID with look-alike characters folded: O→0, I/L→1, case and spaces ignored."""
    return _norm(ident).replace("O", "0").replace("I", "1").replace("L", "1")


def _score(e: Entry, fields: tuple[str, ...]) -> int | None:
    for f in fields:
        sc = getattr(e, f)
        if sc is not None and sc.score is not None:
            return sc.score
    return None


def _trend(kind, prev: int | None, cur: int | None, existed: bool) -> Trend | None:
    if not existed:
        return Trend("new", kind, None, cur)
    if prev is None or cur is None:
        return None
    direction: Direction = "up" if cur > prev else "down" if cur < prev else "level"
    return Trend(direction, kind, prev, cur)


@dataclass(frozen=True)
class Matched:
    """This quarter's entries of one kind paired with another quarter's, by ID."""

    pairs: list[tuple[Entry, Entry | None]]
    #: The other quarter's entries no entry of this quarter matched (by their normalised ID).
    unmatched: dict[str, Entry]
    #: Pairs matched by a look-alike ID (C01 / CO1): (this quarter's entry, the other's).
    lookalike: list[tuple[Entry, Entry]]


def match(cur_list: list[Entry], prev_list: list[Entry]) -> Matched:
    """Pair each entry with the other quarter's of the same ID (spaces and case ignored), then
    those left by an ID that differs only by a look-alike character."""
    unmatched = {_norm(e.id): e for e in prev_list}
    pairs: list[tuple[Entry, Entry | None]] = [(e, unmatched.pop(_norm(e.id), None)) for e in cur_list]
    by_look = {_lookalike(e.id): k for k, e in unmatched.items()}
    lookalike = []
    for i, (e, p) in enumerate(pairs):
        if p is not None:
            continue
        key = by_look.get(_lookalike(e.id))
        if key is not None and key in unmatched:
            p = unmatched.pop(key)
            pairs[i] = (e, p)
            lookalike.append((e, p))
    return Matched(pairs, unmatched, lookalike)


def lookalike_warning(e: Entry, p: Entry, period: str, file: str | None) -> Diagnostic:
    return Diagnostic(
        f"matched with {period}'s '{p.id}': the IDs differ only by a look-alike character; use one spelling "
        "in both quarters",
        severity="warning",
        file=file,
        entry=e.id,
        field="ID",
    )


def compare(current: Register, previous: Register, previous_file: str | None = None) -> Comparison:
    """Compare two validated registers (scores resolved) entry by entry."""
    comp = Comparison(previous.period, current.period)
    for kind, cur_list, prev_list in (
        ("risk", current.risks, previous.risks),
        ("opportunity", current.opportunities, previous.opportunities),
    ):
        m = match(cur_list, prev_list)
        comp.warnings.extend(lookalike_warning(e, p, previous.period, previous_file) for e, p in m.lookalike)
        for e, p in m.pairs:
            cur_trend = _trend(kind, _score(p, ("current",)) if p else None, _score(e, ("current",)), p is not None)
            res_trend = None
            if p is not None:
                res_trend = _trend(kind, _score(p, ("residual", "target")), _score(e, ("residual", "target")), True)
            comp.changes[e.id] = EntryChange(e.id, p.id if p else None, kind, cur_trend, res_trend)  # type: ignore[arg-type]
            if p is None:
                comp.new.append(e.id)
        for p in prev_list:
            if _norm(p.id) in m.unmatched:
                comp.closed.append(ClosedEntry(p, kind, _score(p, ("current",))))  # type: ignore[arg-type]
    return comp
