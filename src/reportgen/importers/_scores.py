"""Read a score as real appendices write it.

`20`, `16 (Major/Likely)`, `12(Major/Possible)`, `15 (outstanding/possible)`,
`Major (4)` for a likelihood... and what reportgen itself adds to a score cell
(the band name, a trend such as `▲ Up from 12 (worse)`), which is not data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Score, Scoring

_SCORE = re.compile(
    r"^\s*(?P<score>\d{1,3})\s*(?:\(\s*(?P<a>[A-Za-z][A-Za-z ]*?)\s*/\s*(?P<b>[A-Za-z][A-Za-z ]*?)\s*\))?"
)
# A trend reportgen adds: "▼ Down from 25 (better)", optionally after "Since Q1 2018/19:" / "Residual since …:".
_TREND = re.compile(r"(?:(?:residual |target )?since [^\n:]*:\s*)?[▲▼►★][^\n]*", re.I)
_POINT = re.compile(r"^\s*(?:(?P<label>[A-Za-z][A-Za-z ]*?)\s*)?(?:\(?\s*(?P<n>\d)\s*\)?)?\s*$")


@dataclass
class ReadScore:
    score: Score | None
    problem: str | None = None  # set when the text could not be read as a score


def _labels(scoring: Scoring) -> tuple[set[str], set[str]]:
    lk = {x.lower() for x in scoring.likelihood}
    im = {x.lower() for x in scoring.impact + scoring.opportunity_impact}
    return lk, im


def strip_computed(text: str, band_names: list[str]) -> str:
    """Drop what reportgen computes into a score cell: trend lines and the band name."""
    text = _TREND.sub("", text)
    lines = [ln.strip() for ln in text.splitlines()]
    names = {b.lower() for b in band_names}
    lines = [ln for ln in lines if ln and ln.lower() not in names]
    return "\n".join(lines).strip()


def read_score(text: str, scoring: Scoring) -> ReadScore:
    """A score cell's text as a Score; unreadable text is kept as written, with a problem."""
    raw = strip_computed(text, [b.name for b in scoring.bands])
    if not raw:
        return ReadScore(None)
    m = _SCORE.match(raw)
    rest = raw[m.end() :].strip() if m else raw
    if not m or rest:
        return ReadScore(Score(as_written=raw), f"'{raw}' cannot be read as a score")
    lk_labels, im_labels = _labels(scoring)
    score = int(m.group("score"))
    a, b = m.group("a"), m.group("b")
    if not a:
        return ReadScore(Score(score=score))
    first, second = a.strip(), b.strip()
    # Appendices write impact/likelihood; some write it the other way round.
    if first.lower() in lk_labels and second.lower() in im_labels and first.lower() not in im_labels:
        first, second = second, first
    return ReadScore(Score(score=score, impact=_title(first), likelihood=_title(second)))


def read_point(text: str) -> int | str | None:
    """A likelihood or impact cell: `4`, `Major`, `Major (4)`, `Possible (3)`."""
    raw = text.strip()
    if not raw:
        return None
    m = _POINT.match(raw)
    if not m:
        return raw
    label, n = m.group("label"), m.group("n")
    if label and n:
        return f"{_title(label)} ({n})"
    if n:
        return int(n)
    return _title(label) if label else raw


def _title(label: str) -> str:
    return " ".join(w.capitalize() for w in label.split())
