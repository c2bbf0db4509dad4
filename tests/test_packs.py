"""packs.earlier_for: a selected document compares with the same entries of the earlier quarters."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reportgen import api, packs, view
from reportgen.selection import Selection


def reg(tmp_path: Path, name: str, period: str, entries: str) -> Path:
    p = tmp_path / name
    p.write_text(
        f"organisation: Example Council\nperiod: {period}\nrisks:\n" + textwrap.dedent(entries), encoding="utf-8"
    )
    return p


def test_a_selection_is_compared_with_the_same_entries_and_its_own_closed_ones(tmp_path):
    before = reg(
        tmp_path,
        "q1.yaml",
        "Q1 2027/28",
        """\
        - {id: R1, owner: Children's Services, current_score: 20}
        - {id: R2, owner: Finance, current_score: 16}
        - {id: R3, owner: Children's Services, current_score: 9}
        - {id: R4, owner: Finance, current_score: 4}
        """,
    )
    now = reg(
        tmp_path,
        "q2.yaml",
        "Q2 2027/28",
        """\
        - {id: R1, owner: Children's Services, current_score: 16}
        - {id: R2, owner: Finance, current_score: 16}
        - {id: R5, owner: Children's Services, current_score: 12}
        """,
    )
    q1, q2 = api.load(before).register, api.load(now).register
    [doc] = packs.documents(q2, "q2.yaml", sel=Selection(owner="children"))
    earlier = packs.earlier_for(doc, [q1], q2)
    # R1 (selected now), R3 (children's, closed); not R2 (not selected) nor R4 (Finance's, closed)
    assert [e.id for e in earlier[0].risks] == ["R1", "R3"]
    v = view.build(doc.register, earlier[-1], "q1.yaml", earlier=earlier, document=doc)
    assert v.changes is not None
    assert [c.id for c in v.changes.closed] == ["R3"] and [c.id for c in v.changes.new] == ["R5"]
    # a band's selection cannot tell a closed entry's band now: only the entries it matches
    [doc] = packs.documents(q2, "q2.yaml", sel=Selection(band="Very high"))
    assert [e.id for e in packs.earlier_for(doc, [q1], q2)[0].risks] == ["R1", "R2"]
    # the whole register compares with the whole
    [doc] = packs.documents(q2, "q2.yaml")
    assert packs.earlier_for(doc, [q1], q2) == [q1]
    # a deep dive with its one entry
    [doc] = packs.documents(q2, "q2.yaml", pack="deep-dive", sel=Selection(ids=("R2",)))
    assert [e.id for e in packs.earlier_for(doc, [q1], q2)[0].risks] == ["R2"]
