"""Scores and the points of a scale, in one place: how they are written, read, checked and printed.

A score is written `20`, `12 (Major/Possible)` or `12(Major/Possible)` (impact/likelihood,
as committee papers print it); a point on the likelihood or impact scale is written `3`,
`Possible` or `Possible (3)`. `resolve_point` checks a point against the register's Key to
Scores and says why it does not fit, in words an officer understands. Numbers are whole
numbers written with the digits 0-9: yes/no values, decimals and other scripts' digits are
refused, never read as a number.

Pure functions of text, numbers and label lists: nothing here imports the model, so the
model, validation, the serialiser and the importers can all use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .vocabulary import TREND_SYMBOLS, Kind

if TYPE_CHECKING:
    from .model import Band, Scoring

Axis = Literal["likelihood", "impact"]

# --------------------------------------------------------------------------- numbers


def foreign_digits(text: str) -> str | None:
    """`text` with 0-9 for any other script's digits (`'١٢'` -> `'12'`), or None if it has none."""
    if text.isascii():
        return None
    out = [str(unicodedata.digit(ch)) if not ch.isascii() and unicodedata.category(ch) == "Nd" else ch for ch in text]
    fixed = "".join(out)
    return fixed if fixed != text else None


def _digits_problem(text: str) -> str | None:
    fixed = foreign_digits(text)
    if fixed is None:
        return None
    return f"'{text}' is written with digits other than 0-9: write it as '{fixed.strip()}'"


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def point_value_problem(value: Any) -> str | None:
    """Why a likelihood or impact value a file gave is neither a whole number nor text (None if it is
    one). YAML and JSON `true` and `2.0` are refused here, before anything could read them as 1 and 2."""
    if isinstance(value, bool):
        return f"should be a whole number such as 3 or a label such as 'Possible', not yes/no ({str(value).lower()})"
    if isinstance(value, float):
        hint = f": write {int(value)}" if value.is_integer() else ""
        return f"should be a whole number such as 3 or a label such as 'Possible', not a number ({value!r}){hint}"
    return None


# --------------------------------------------------------------------------- scores written as text

_SCORE_TEXT = re.compile(
    r"^\s*(?P<score>[0-9]+)?\s*(?:\(\s*(?P<a>[A-Za-z][A-Za-z ]*?)\s*/\s*(?P<b>[A-Za-z][A-Za-z ]*?)\s*\))?\s*$"
)

NOT_A_SCORE = (
    "{text!r} is not a score: write a number such as 12, or a number with its labels such as '12 (Major/Possible)'"
)


@dataclass(frozen=True)
class ScoreText:
    """A score read from text: its number and its labels as written (impact, likelihood)."""

    score: int | None = None
    impact: str | None = None
    likelihood: str | None = None


def parse_score_text(text: str) -> ScoreText | None:
    """Read `"20"`, `"12 (Major/Possible)"` or `"12(Major/Possible)"` (impact/likelihood, as the
    seed appendices write it), or `"(Major/Possible)"`; None if it is none of these."""
    m = _SCORE_TEXT.match(text)
    if not m or not (m.group("score") or m.group("a")):
        return None
    score = int(m.group("score")) if m.group("score") else None
    return ScoreText(score, m.group("a"), m.group("b"))


def score_text_problem(text: str) -> str:
    """Why `text` is not a score (for text `parse_score_text` refused)."""
    return _digits_problem(text) or NOT_A_SCORE.format(text=text)


# --------------------------------------------------------------------------- points on a scale

# "Possible (3)", as card layouts print it; "Possible 3" and "(3)" as people type it.
_LABEL_NUMBER = re.compile(r"^(?P<label>[^()]*?)\s*(?:\(\s*(?P<n>[0-9]+)\s*\)|(?<![^\s(])(?P<bare>[0-9]+))$")


@dataclass(frozen=True)
class Point:
    """A likelihood or impact as written: a label, a number, or both (`Possible (3)`)."""

    label: str | None
    number: int | None


def parse_point(text: str) -> Point | None:
    """Read a point written `3`, `Possible` or `Possible (3)` (also `Possible 3`, `(3)`); None if blank.
    Any other text is a label, for `resolve_point` to look up."""
    text = text.strip()
    if not text:
        return None
    if _is_number(text):
        return Point(None, int(text))
    m = _LABEL_NUMBER.match(text)
    if m is None:
        return Point(text, None)
    return Point(m.group("label").strip() or None, int(m.group("n") or m.group("bare")))


def label_number(labels: Sequence[str], label: str) -> int | None:
    """The number of `label` on a scale (case and surrounding spaces ignored), or None."""
    wanted = label.strip().lower()
    for i, x in enumerate(labels):
        if x.lower() == wanted:
            return i + 1
    return None


def numbered_label(labels: Sequence[str], n: int) -> str:
    """`3 (Possible)`: a point as validation messages name it."""
    return f"{n} ({labels[n - 1]})"


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


@dataclass(frozen=True)
class Resolved:
    """A point resolved against a scale: its number, or why it is not on the scale."""

    number: int | None
    problem: str | None = None


def resolve_point(value: Any, labels: Sequence[str], axis: Axis, other_labels: Sequence[str] = ()) -> Resolved:
    """Resolve a likelihood or impact (a number, a label, or `Label (n)` whose two must agree) to its
    number on the scale `labels`. `other_labels` are the other axis's labels, to say so when a
    likelihood is given an impact word (or the reverse)."""
    n = len(labels)
    problem = point_value_problem(value)
    if problem:
        return Resolved(None, problem)
    if isinstance(value, int):
        if 1 <= value <= n:
            return Resolved(value)
        return Resolved(None, f"{value} is not on the {axis} scale, which runs from 1 to {n}")
    text = str(value).strip()
    by_label = label_number(labels, text)
    if by_label is not None:
        return Resolved(by_label)
    problem = _digits_problem(text)
    if problem:
        return Resolved(None, problem)
    point = parse_point(text)
    if point is not None and point.number is not None:
        if point.label is None:
            return resolve_point(point.number, labels, axis, other_labels)
        # "Possible (3)": label and number must agree
        got = resolve_point(point.label, labels, axis, other_labels)
        if got.number is not None and got.number != point.number:
            return Resolved(
                None, f"'{text}': {labels[got.number - 1]} is {got.number} on the {axis} scale, not {point.number}"
            )
        return got
    scale = ", ".join(numbered_label(labels, i + 1) for i in range(n))
    if label_number(other_labels, text) is not None:
        other_axis = "impact" if axis == "likelihood" else "likelihood"
        return Resolved(None, f"'{text}' is {_a(other_axis)} label, not {_a(axis)}; {axis} is one of {scale}")
    return Resolved(None, f"'{text}' is not {_a(axis)} label; {axis} is one of {scale}")


# --------------------------------------------------------------------------- a register's scales


def impact_labels(scoring: Scoring, kind: Kind | str) -> list[str]:
    """The impact scale of a risk or of an opportunity (opportunities have their own words)."""
    return scoring.impact if kind == "risk" else scoring.opportunity_impact


def all_impact_labels(scoring: Scoring) -> list[str]:
    """Every impact word of the register, risks' then opportunities' (each once)."""
    return list(dict.fromkeys(scoring.impact + scoring.opportunity_impact))


def band_for(bands: Sequence[Band], score: int | None) -> Band | None:
    """The band a score falls in (the first that holds it), or None."""
    if score is None:
        return None
    for b in bands:
        if b.min <= score <= b.max:
            return b
    return None


# --------------------------------------------------------------------------- printing


def format_score(score: int, impact_label: str | None = None, likelihood_label: str | None = None) -> str:
    """A score as committee papers print it: `16 (Major/Likely)` (impact/likelihood), or `16`."""
    if impact_label and likelihood_label:
        return f"{score} ({impact_label}/{likelihood_label})"
    return str(score)


def format_point(number: int | None, label: str | None = None) -> str:
    """A likelihood or impact as the card layout prints it: `Likely (4)`, or `4` without a label."""
    if label and number:
        return f"{label} ({number})"
    return str(number) if number else ""


# --------------------------------------------------------------------------- cells of an imported document

# A trend reportgen adds: "▼ Down from 25 (better)", optionally after "Since Q1 2018/19:" / "Residual since …:".
_TREND = re.compile(
    r"(?:(?:residual |target )?since [^\n:]*:\s*)?[" + re.escape("".join(TREND_SYMBOLS.values())) + r"][^\n]*",
    re.I,
)


def strip_computed(text: str, band_names: Sequence[str] = ()) -> str:
    """Drop what reportgen computes into a cell: trend lines and the band name."""
    text = _TREND.sub("", text)
    lines = [ln.strip() for ln in text.splitlines()]
    names = {b.lower() for b in band_names}
    lines = [ln for ln in lines if ln and ln.lower() not in names]
    return "\n".join(lines).strip()


def title_case(label: str) -> str:
    """`'very high'` -> `'Very High'`: a label as a register file writes it."""
    return " ".join(w.capitalize() for w in label.split())


@dataclass(frozen=True)
class ScoreCell:
    """A score cell of an imported document: what it holds once reportgen's own additions are gone
    (`text`), the score read from it, or why it cannot be read (then `score` is None)."""

    text: str
    score: ScoreText | None = None
    problem: str | None = None


def read_score_cell(text: str, scoring: Scoring) -> ScoreCell:
    """Read a score cell as real appendices write it: `20`, `16 (Major/Likely)`, `15 (outstanding/possible)`,
    or likelihood/impact the other way round; the band name and trend lines reportgen added are ignored."""
    raw = strip_computed(text, [b.name for b in scoring.bands])
    if not raw:
        return ScoreCell("")
    parsed = parse_score_text(raw)
    if parsed is None or parsed.score is None:
        return ScoreCell(raw, None, f"'{raw}' cannot be read as a score")
    if parsed.impact is None or parsed.likelihood is None:
        return ScoreCell(raw, parsed)
    first, second = parsed.impact, parsed.likelihood
    # Appendices write impact/likelihood; some write it the other way round.
    impacts = all_impact_labels(scoring)
    if label_number(scoring.likelihood, first) and label_number(impacts, second) and not label_number(impacts, first):
        first, second = second, first
    return ScoreCell(raw, ScoreText(parsed.score, title_case(first), title_case(second)))


_LETTERS = re.compile(r"^[A-Za-z][A-Za-z ]*$")


def read_point_cell(text: str) -> int | str | None:
    """A likelihood or impact cell: `4`, `Major`, `Major (4)`, `Possible (3)`; other text as written."""
    raw = text.strip()
    point = parse_point(raw)
    if point is None:
        return None
    if point.label is None:
        return point.number
    if point.number is not None:
        return f"{title_case(point.label)} ({point.number})" if _LETTERS.match(point.label) else raw
    return title_case(point.label) if _LETTERS.match(point.label) else raw
