"""Risk appetite: which level an entry answers to, and whether a score is within it.

One rule, read by validation (its warnings) and the view (what every format shows):

* an entry's level is its own `appetite`, else the strictest level of its types (matched
  ignoring case: the seeds write both 'Social' and 'social'), else the register's default;
* a risk is above appetite when its current score exceeds that level's tolerance, and its
  plan (the target, else the residual score) is outside appetite when that score does too;
* an opportunity takes none of this unless it names a level of its own.
"""

from __future__ import annotations

from .model import Appetite, AppetiteLevel, Entry


def find_level(appetite: Appetite, name: str | None) -> AppetiteLevel | None:
    """The level called `name` (any case), if the register defines one."""
    if not name:
        return None
    key = name.strip().lower()
    return next((lv for lv in appetite.levels if lv.name.strip().lower() == key), None)


def level_of(entry: Entry, kind: str, appetite: Appetite | None) -> AppetiteLevel | None:
    """The appetite level `entry` answers to (None: no appetite applies to it)."""
    if appetite is None:
        return None
    if entry.appetite:
        return find_level(appetite, entry.appetite)
    if kind != "risk":
        return None
    by_type = {t.strip().lower(): name for t, name in appetite.by_type.items()}
    matched = [find_level(appetite, by_type[t.strip().lower()]) for t in entry.types if t.strip().lower() in by_type]
    levels = [lv for lv in matched if lv is not None]
    if levels:
        return min(levels, key=lambda lv: lv.tolerance)
    return find_level(appetite, appetite.default)


def plan_score(entry: Entry) -> int | None:
    """The score the entry's plan aims at: its target, else its residual score."""
    for sc in (entry.target, entry.residual):
        if sc is not None and sc.score is not None:
            return sc.score
    return None


def current_score(entry: Entry) -> int | None:
    return entry.current.score if entry.current is not None else None


def gap_to_plan(kind: str, current: int, plan: int) -> int:
    """How far the current score is from the plan's, in the entry's own direction: a risk's
    current minus its plan, an opportunity's plan minus its current (above 0: short of it)."""
    return current - plan if kind == "risk" else plan - current
