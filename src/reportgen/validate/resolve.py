"""Resolve every score's likelihood and impact labels to numbers, and fill in likelihood x impact.

The view and writers see numbers only. A score that cannot stand (above the top of the
scale, or not likelihood x impact) is dropped from the resolved register and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..model import SCORE_FIELDS, Register, Score
from ..scoring import all_impact_labels, impact_labels, numbered_label, resolve_point
from .context import At, Context, Path


@dataclass
class Resolution:
    """The register with its scores as numbers, each entry's resolved scores, and the errors."""

    register: Register
    scores: dict[Path, dict[str, Score | None]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


def resolve_scores(ctx: Context) -> Resolution:
    problems: list[Diagnostic] = []
    scores: dict[Path, dict[str, Score | None]] = {}
    resolved: dict[str, list] = {"risks": [], "opportunities": []}
    for at in ctx.entries():
        scores[at.path] = {f: resolve_score(ctx, at, f, problems) for f in SCORE_FIELDS}
        resolved[at.list_name].append(at.entry.model_copy(update=scores[at.path]))
    return Resolution(ctx.register.model_copy(update=resolved), scores, problems)


def resolve_score(ctx: Context, at: At, fname: str, problems: list[Diagnostic]) -> Score | None:
    """One score of an entry as numbers; None (and a problem) if it cannot stand."""
    sc: Score | None = getattr(at.entry, fname)
    if sc is None:
        return None
    s = ctx.register.scoring
    impacts = impact_labels(s, at.kind)
    base = ctx.key_path(at, fname)
    entry = ctx.label(at)

    def point(axis: str, value: int | str | None, labels: list[str], other: list[str]) -> int | None:
        if value is None:
            return None
        got = resolve_point(value, labels, axis, other)  # type: ignore[arg-type]
        if got.problem:
            problems.append(ctx.error(base + (axis,), got.problem, entry, (fname, axis)))
        return got.number

    lk = point("likelihood", sc.likelihood, s.likelihood, all_impact_labels(s))
    im = point("impact", sc.impact, impacts, s.likelihood)
    value = sc.score
    top = len(s.likelihood) * len(impacts)
    at_score = base + ("score",) if base + ("score",) in ctx.source.values else base
    if value is not None and value > top:
        problems.append(ctx.error(at_score, f"{value} is above the highest possible score, {top}", entry, (fname,)))
        return None
    if value is not None and value < 1:
        problems.append(ctx.error(at_score, f"{value} is below the lowest possible score, 1", entry, (fname,)))
        return None
    if lk is not None and im is not None:
        if value is not None and value != lk * im:
            problems.append(
                ctx.error(
                    base,
                    f"{value} does not match likelihood {numbered_label(s.likelihood, lk)} × impact "
                    f"{numbered_label(impacts, im)} = {lk * im}",
                    entry,
                    (fname,),
                )
            )
            return None
        value = lk * im
    return Score(score=value, likelihood=lk, impact=im, as_written=sc.as_written)
