"""Quarters in order: which of the registers a build is given came first.

A build may be given several earlier registers (`--previous`, more than once, or a folder). They
are put in order by report date, falling back to the period ("Q2 2018/19", "2021/22 Q3"); the
latest is last quarter. Two registers for one quarter, or one later than this quarter, are
refused, naming the files: a history is only as good as its order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .diagnostics import Diagnostic, RegisterError
from .model import Register

#: `Q2 2018/19`, `Quarter 2 2018-19`, `2021/22 Q3`: the quarter and the financial year it starts in.
_QUARTER = re.compile(r"\b(?:Q|Quarter\s*)([1-4])\b", re.I)
_YEAR = re.compile(r"\b(\d{4})(?:\s*[/-]\s*(\d{2,4}))?\b")


def quarter_end(period: str) -> dt.date | None:
    """The last day of a council quarter written `Q2 2018/19` (financial years start in April:
    Q1 ends in June, Q4 in the next March); None if the period does not say."""
    q, y = _QUARTER.search(period), _YEAR.search(period)
    if not q or not y:
        return None
    quarter, year = int(q.group(1)), int(y.group(1))
    month = 3 * quarter + 3  # Q1 -> June, Q2 -> September, Q3 -> December, Q4 -> March next year
    if month > 12:
        month, year = month - 12, year + 1
    end = dt.date(year + (month == 12), 1 if month == 12 else month + 1, 1) - dt.timedelta(days=1)
    return end


def when(reg: Register) -> dt.date | None:
    """When a register's quarter was: its report date, else the end of the quarter its period names."""
    return reg.report_date or quarter_end(reg.period)


def _same_period(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def order(current: tuple[Register, str], previous: Sequence[tuple[Register, str]]) -> list[tuple[Register, str]]:
    """The earlier registers, oldest first. Raises `RegisterError` (nothing is built) for one
    whose quarter cannot be told, two for the same quarter, or one not before `current`."""
    reg, name = current
    problems: list[Diagnostic] = []
    dated: list[tuple[dt.date, Register, str]] = []
    now = when(reg)
    for p, file in previous:
        at = when(p)
        if at is None:
            problems.append(
                Diagnostic(
                    f"cannot tell when its period '{p.period}' was: give it a report_date (YYYY-MM-DD)", file=file
                )
            )
            continue
        same = next((f for d, q, f in dated if _same_period(q.period, p.period) or d == at), None)
        if same is not None:
            problems.append(
                Diagnostic(f"is for {p.period}, as {same} is: give one register for each earlier quarter", file=file)
            )
            continue
        if _same_period(p.period, reg.period) or (now is not None and at >= now):
            problems.append(
                Diagnostic(
                    f"is for {p.period} ({at.isoformat()}), not before {name}'s {reg.period}"
                    + (f" ({now.isoformat()})" if now else "")
                    + ": --previous takes earlier quarters",
                    file=file,
                )
            )
            continue
        dated.append((at, p, file))
    if problems:
        raise RegisterError(problems)
    dated.sort(key=lambda d: d[0])
    return [(p, f) for _, p, f in dated]
