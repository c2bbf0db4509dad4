"""Resolve every score's likelihood and impact labels to numbers, and fill in likelihood x impact.

The view and writers see numbers only. A score that cannot stand (above the top of the
scale, or not likelihood x impact) is dropped from the resolved register and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..model import SCORE_FIELDS, Register, Score
from ..scoring import Axis, all_impact_labels, impact_labels, numbered_label, resolve_point
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
    lk = _point(ctx, at, fname, "likelihood", sc.likelihood, s.likelihood, all_impact_labels(s), problems)
    im = _point(ctx, at, fname, "impact", sc.impact, impacts, s.likelihood, problems)
    problem = _out_of_range(ctx, at, fname, sc.score, len(s.likelihood) * len(impacts))
    if problem is None and lk is not None and im is not None and sc.score not in (None, lk * im):
        problem = ctx.error(
            ctx.key_path(at, fname),
            f"{sc.score} does not match likelihood {numbered_label(s.likelihood, lk)} × impact "
            f"{numbered_label(impacts, im)} = {lk * im}",
            ctx.label(at),
            (fname,),
        )
    if problem:
        problems.append(problem)
        return None
    value = lk * im if lk is not None and im is not None else sc.score
    return Score(score=value, likelihood=lk, impact=im, as_written=sc.as_written)


def _point(
    ctx: Context,
    at: At,
    fname: str,
    axis: Axis,
    value: int | str | None,
    labels: list[str],
    other: list[str],
    problems: list[Diagnostic],
) -> int | None:
    """A likelihood or impact as its number, reporting it if it is not on its scale."""
    if value is None:
        return None
    got = resolve_point(value, labels, axis, other)
    if got.problem:
        problems.append(ctx.error(ctx.key_path(at, fname) + (axis,), got.problem, ctx.label(at), (fname, axis)))
    return got.number


def _out_of_range(ctx: Context, at: At, fname: str, value: int | None, top: int) -> Diagnostic | None:
    """A score below 1 or above likelihood x impact at their highest."""
    if value is None or 1 <= value <= top:
        return None
    base = ctx.key_path(at, fname)
    path = base + ("score",) if base + ("score",) in ctx.source.values else base
    if value > top:
        return ctx.error(path, f"{value} is above the highest possible score, {top}", ctx.label(at), (fname,))
    return ctx.error(path, f"{value} is below the lowest possible score, 1", ctx.label(at), (fname,))
