"""A year of quarters made at run time from the samples (issue 18's history): Q3 and Q4 2017/18 made
from Q1 2018/19 by changing scores, Q1 and Q2 2018/19 the samples, with CR5 and CR7 scored by their
likelihood and impact so the heat map can show them move. What each entry scored in each quarter is
read from the registers written here (`scores`), never from a document built from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ruamel.yaml import YAML

from conftest import SAMPLES

Q1, Q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"
QUARTERS = ("Q3 2017/18", "Q4 2017/18", "Q1 2018/19", "Q2 2018/19")
#: The moves since last quarter the registers below make (both are in the Major/Catastrophic rows).
MOVES = {
    "CR5": "Likely/Major → Possible/Major",
    "CR7": "Likely/Major → Likely/Catastrophic",
}


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    return y


def entry(data, ident: str):
    return next(e for e in [*data["risks"], *data.get("opportunities", [])] if str(e["id"]) == ident)


def _scored(data, ident: str, likelihood: int, impact: int) -> None:
    e = entry(data, ident)
    e.pop("current", None)
    e["current_score"] = {"likelihood": likelihood, "impact": impact}


def _quarter(tmp: Path, source: Path, period: str, when: dt.date, change) -> Path:
    data = _yaml().load(source.read_text(encoding="utf-8"))
    data["period"], data["report_date"] = period, when
    _scored(data, "CR5", 4, 4)
    _scored(data, "CR7", 4, 4)
    change(data)
    path = tmp / f"{period.replace(' ', '-').replace('/', '-').lower()}.yaml"
    with path.open("w", encoding="utf-8") as f:
        _yaml().dump(data, f)
    return path


def four_quarters(tmp: Path) -> list[Path]:
    """The four registers, oldest first. In Q3 2017/18 CR1 scored 15, CR2 was not in the register
    and CR6 had no current score; in Q4 2017/18 CR1 scored 25; in Q2 2018/19 CR5 moved to
    Possible/Major and CR7 to Likely/Catastrophic (CR12 is new in the Q2 sample)."""

    def q3(data):
        entry(data, "CR1")["current_score"] = 15
        data["risks"] = [e for e in data["risks"] if e["id"] != "CR2"]
        del entry(data, "CR6")["current_score"]

    def q4(data):
        entry(data, "CR1")["current_score"] = 25

    def q2(data):
        _scored(data, "CR5", 3, 4)
        _scored(data, "CR7", 4, 5)

    return [
        _quarter(tmp, Q1, QUARTERS[0], dt.date(2018, 1, 1), q3),
        _quarter(tmp, Q1, QUARTERS[1], dt.date(2018, 4, 1), q4),
        _quarter(tmp, Q1, QUARTERS[2], dt.date(2018, 7, 1), lambda data: None),
        _quarter(tmp, Q2, QUARTERS[3], dt.date(2018, 10, 1), q2),
    ]


def scores(paths: list[Path]) -> dict[str, list[int | str]]:
    """Each entry of the last quarter (by its name as documents print it: `CO1 (opportunity)`) with
    its current score in each quarter: "out" where the entry was not in that quarter's register,
    "none" where it had no current score. Read from the registers as written."""
    from reportgen import api

    regs = [api.load(p).register for p in paths]
    out: dict[str, list[int | str]] = {}
    last = regs[-1]
    for kind, entries in (("risk", last.risks), ("opportunity", last.opportunities)):
        for e in entries:
            name = e.id if kind == "risk" else f"{e.id} (opportunity)"
            row: list[int | str] = []
            for reg in regs:
                them = reg.risks if kind == "risk" else reg.opportunities
                p = next((x for x in them if x.id == e.id), None)
                if p is None:
                    row.append("out")
                elif p.current is None or p.current.score is None:
                    row.append("none")
                else:
                    row.append(p.current.score)
            out[name] = row
    return out


def band_counts(paths: list[Path]) -> dict[str, list[int]]:
    """How many entries each quarter's register has with a current score in each band, by band name."""
    from reportgen import api

    regs = [api.load(p).register for p in paths]
    scored = [[e.current.score for e in (*r.risks, *r.opportunities) if e.current and e.current.score] for r in regs]
    return {b.name: [sum(1 for n in q if b.min <= n <= b.max) for q in scored] for b in regs[-1].scoring.bands}
