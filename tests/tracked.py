"""A register that tracks appetite, targets and actions, made at run time from the Q2 2018/19
sample as the shared acceptance check makes it (`checks/check_appetite.py`): an appetite with
levels, a level for each of five risk types and a default, CR10's own level, three actions of
CR1 with due dates and statuses (one overdue, one done), CR4's review date and CR2's target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import SAMPLES
from reportgen import api, serialise
from reportgen.model import Appetite, AppetiteLevel, Group, Register, Score

LEVELS = [("Averse", 4), ("Minimal", 8), ("Cautious", 12), ("Open", 16), ("Eager", 20)]
BY_TYPE = {
    "Social": "Open",
    "Economic": "Eager",
    "Organisational": "Eager",
    "Legal": "Cautious",
    "Reputational": "Open",
}
#: The entries above appetite, and within it, as the acceptance check expects them.
ABOVE = {"CR2", "CR3", "CR4", "CR8", "CR10", "CR11"}
WITHIN = {"CR1", "CR5", "CR6", "CR7", "CR9", "CR12"}
OVERDUE, DONE, LATER = "Recruit permanent Chief Executive", "Agree People Strategy", "Refresh financial strategy"
CR1_ACTIONS = [
    Group(text=OVERDUE, owner="Leader of the Council", due=dt.date(2018, 9, 1), status="open"),
    Group(text=DONE, owner="Director of HR", due=dt.date(2018, 8, 1), status="done"),
    Group(text=LATER, owner="Director of Finance", due=dt.date(2019, 3, 31), status="in progress"),
]


def tracked_register(own_level: str = "Averse") -> Register:
    reg = api.load(SAMPLES / "q2-2018-19.yaml").register
    appetite = Appetite(
        levels=[AppetiteLevel(name=n, tolerance=t) for n, t in LEVELS], by_type=dict(BY_TYPE), default="Eager"
    )
    risks = []
    for e in reg.risks:
        update: dict = {}
        if e.id == "CR10":
            update["appetite"] = own_level
        if e.id == "CR1":
            update["actions"] = list(CR1_ACTIONS)
        if e.id == "CR4":
            update["review_by"] = dt.date(2018, 9, 15)
        if e.id == "CR2":
            update["target"] = Score(score=20)
            update["target_date"] = dt.date(2019, 3, 31)
        risks.append(e.model_copy(update=update))
    return reg.model_copy(update={"appetite": appetite, "risks": risks})


def write_tracked(folder: Path, register: Register | None = None, name: str = "tracked.yaml") -> Path:
    """The register written as a YAML file (as a council would keep it), and loaded back valid."""
    path = folder / name
    path.write_text(serialise.to_yaml(register or tracked_register()), encoding="utf-8")
    api.load(path)  # valid
    return path
