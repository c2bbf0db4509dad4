"""The Word appendix of a register that tracks appetite, targets and actions: the summary at the
front, the notes on cards, the council's appetite after the Key to Scores; and nothing of it in a
register that tracks none. Read back with python-docx and the raw XML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from test_docx import SAMPLE_DIR, _tables, all_text, body_texts, cells, flat, open_doc, summary_rows

from reportgen import api, serialise, vocabulary
from reportgen.model import Appetite, AppetiteLevel, Group

LEVELS = [AppetiteLevel(name=n, tolerance=t) for n, t in (("Averse", 4), ("Cautious", 12), ("Open", 16), ("Eager", 20))]
BY_TYPE = {"Social": "Open", "Economic": "Eager", "Legal": "Cautious"}


def tracked(tmp_path: Path, sample: str, change) -> bytes:
    """`sample` with an appetite and whatever `change(register)` returns, built as a .docx."""
    reg = api.load(SAMPLE_DIR / sample).register
    reg = change(reg.model_copy(update={"appetite": Appetite(levels=LEVELS, by_type=BY_TYPE, default="Eager")}))
    path = tmp_path / "tracked.yaml"
    path.write_text(serialise.to_yaml(reg), encoding="utf-8")
    result = api.build(path, tmp_path, ["docx"])
    (written,) = result.written
    return written.read_bytes()


def _entry(reg, ident: str, **update):
    for key in ("risks", "opportunities"):
        entries = getattr(reg, key)
        for i, e in enumerate(entries):
            if e.id == ident:
                entries = [*entries[:i], e.model_copy(update=update), *entries[i + 1 :]]
                return reg.model_copy(update={key: entries})
    raise KeyError(ident)


def _table_register(reg):
    reg = _entry(
        reg,
        "CR1",
        actions=[
            Group(text="Recruit permanent Chief Executive", owner="Leader", due=dt.date(2018, 9, 1), status="open"),
            Group(text="Agree People Strategy", owner="Director of HR", due=dt.date(2018, 8, 1), status="done"),
        ],
    )
    reg = _entry(reg, "CR10", appetite="Averse")
    return _entry(reg, "CR4", review_by=dt.date(2018, 9, 15))


@pytest.fixture(scope="module")
def table_doc(tmp_path_factory) -> bytes:
    return tracked(tmp_path_factory.mktemp("tracked-table"), "q2-2018-19.yaml", _table_register)


def _cards_register(reg):
    corp1 = next(e for e in reg.risks if e.id == "Corp 1")
    actions = [
        corp1.actions[0].model_copy(update={"due": dt.date(2021, 11, 30), "status": "open"}),
        corp1.actions[1].model_copy(update={"due": dt.date(2021, 11, 30), "status": "done"}),
        *corp1.actions[2:],
    ]
    reg = _entry(reg, "Corp 1", appetite="Averse", review_by=dt.date(2021, 12, 1), actions=actions)
    return _entry(reg, "Corp 2", target_date=dt.date(2021, 12, 31))


@pytest.fixture(scope="module")
def cards_doc(tmp_path_factory) -> bytes:
    return tracked(tmp_path_factory.mktemp("tracked-cards"), "q3-2021-22.yaml", _cards_register)


def test_the_summary_comes_after_the_heading_block_and_before_the_register(table_doc):
    doc = open_doc(table_doc)
    order = body_texts(doc)
    heading = ("p", vocabulary.TRACKING_HEADING)
    assert order.index(heading) == 3
    assert order[4] == ("table", vocabulary.TRACKING_HEADING)
    assert order.index(heading) < order.index(("p", "Risks"))
    assert doc.paragraphs[3].style.name == "Register Section Heading"


def test_the_summary_rows_name_the_entries_above_appetite_first(table_doc):
    rows = summary_rows(open_doc(table_doc), vocabulary.TRACKING_HEADING)
    labels = list(rows)
    assert labels[0] == "Above appetite (6)"
    assert [item.split(":")[0] for item in rows[labels[0]]] == ["CR2", "CR3", "CR4", "CR8", "CR10", "CR11"]
    assert "CR10: 15 (Averse, up to 4)" in rows[labels[0]]
    assert [label.split(" (")[0].split(":")[0] for label in labels[1:]] == [
        "Gap to target",
        "Overdue actions",
        "Overdue reviews",
        "Target dates passed",
    ]
    assert rows["Overdue actions (1)"] == ["CR1: Recruit permanent Chief Executive – Leader (due 1 September 2018)"]
    assert rows["Overdue reviews (1)"] == ["CR4: Review overdue (due 15 September 2018)"]
    assert rows["Target dates passed (0)"] == ["None"]


def test_the_first_above_appetite_text_names_every_entry_above_it(table_doc):
    text = flat(all_text(table_doc))
    first = re.search("above appetite", text, re.I)
    assert first is not None
    near = text[first.start() : first.start() + 800]
    assert all(re.search(rf"\b{i}\b", near) for i in ("CR2", "CR3", "CR4", "CR8", "CR10", "CR11"))


def test_table_cells_show_the_action_status_lines(table_doc):
    doc = open_doc(table_doc)
    (risks,) = _tables(doc, "Risks")
    labels = [c.text for c in cells(risks.rows[0])]
    row = next(r for r in risks.rows[1:] if cells(r)[0].text.startswith("CR1"))
    paras = cells(row)[labels.index("Mitigating Actions")].paragraphs
    lines = [p.text for p in paras]
    overdue = lines.index("Due 1 September 2018 · Open · Overdue")
    assert lines[overdue - 2 : overdue] == ["Recruit permanent Chief Executive", "Owner: Leader"]
    assert all(r.bold for r in paras[overdue].runs)
    done = lines.index("Due 1 August 2018 · Done")
    assert not any(r.bold for r in paras[done].runs)


def test_a_card_shows_appetite_plan_review_and_action_status(cards_doc):
    doc = open_doc(cards_doc)
    (card,) = _tables(doc, "Risk Corp 1")
    title, current, later = cells(card.rows[0])
    assert [p.text for p in title.paragraphs] == [
        "Risk ID Corp 1 – Reshaping the County Council: Our Improvement Journey",
        "Review overdue (due 1 December 2021)",
    ]
    review = title.paragraphs[1]
    assert review.style.name == vocabulary.TREND_STYLE and all(r.bold for r in review.runs)
    assert [p.text for p in current.paragraphs][2:] == ["● Above appetite (Averse, up to 4)"]
    assert all(r.bold for r in current.paragraphs[2].runs)
    assert [p.text for p in later.paragraphs][2:] == ["Gap to target: 7 (16 now, target 9)"]
    # every paragraph of the first row keeps with the next: the notes never leave their card
    assert all(p._p.pPr.find(qn("w:keepNext")) is not None for c in cells(card.rows[0]) for p in c.paragraphs)
    actions = cells(card.rows[2])[2]
    status = [p for p in actions.paragraphs if p.text.startswith("Due ")]
    assert [p.text for p in status] == ["Due 30 November 2021 · Open · Overdue", "Due 30 November 2021 · Done"]
    assert [all(r.bold for r in p.runs) for p in status] == [True, False]
    assert actions.paragraphs[1].text == "Capacity"  # the theme, then its actions, then its status line


def test_a_card_shows_a_passed_target_date_under_the_target_and_the_date_in_its_box(cards_doc):
    doc = open_doc(cards_doc)
    (card,) = _tables(doc, "Risk Corp 2")
    later = cells(card.rows[0])[2]
    assert [p.text for p in later.paragraphs][2:] == [
        "Gap to target: 4 (12 now, target 8)",
        "Target date passed (31 December 2021), still above target",
    ]
    owner_box = [p.text for p in cells(card.rows[1])[2].paragraphs]
    assert owner_box[owner_box.index("Target date") + 1] == "31 December 2021"
    assert not any(t.startswith("Target date:") for c in cells(card.rows[0]) for t in [p.text for p in c.paragraphs])


def _appetite_rows(doc) -> list[list[list[str]]]:
    (t,) = _tables(doc, vocabulary.RISK_APPETITE)
    return [[[p.text for p in c.paragraphs] for c in cells(r)] for r in t.rows]


@pytest.mark.parametrize("which", ["table_doc", "cards_doc"])
def test_the_appetite_table_follows_the_key_to_scores(which, request):
    doc = open_doc(request.getfixturevalue(which))
    order = body_texts(doc)
    at = order.index(("table", vocabulary.RISK_APPETITE))
    assert order.index(("table", "Score bands")) < at < order.index(("table", "Heat map: current scores"))
    assert order[at - 2 : at] == [("p", vocabulary.RISK_APPETITE), ("p", vocabulary.APPETITE_NOTE)]
    rows = _appetite_rows(doc)
    assert rows[0] == [[c] for c in vocabulary.APPETITE_COLUMNS]
    (t,) = _tables(doc, vocabulary.RISK_APPETITE)
    assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[1:] == [
        [["Averse"], ["4"], [""]],
        [["Cautious"], ["12"], ["Legal"]],
        [["Open"], ["16"], ["Social"]],
        [["Eager"], ["20"], ["Economic", vocabulary.APPETITE_DEFAULT]],
    ]


@pytest.mark.parametrize("sample", ["q1-2018-19.yaml", "q2-2018-19.yaml", "q3-2021-22.yaml"])
def test_a_register_without_appetite_says_nothing_of_it(sample, tmp_path):
    api.build(SAMPLE_DIR / sample, tmp_path, ["docx"])
    data = (tmp_path / sample.replace(".yaml", ".docx")).read_bytes()
    assert "appetite" not in all_text(data).lower()
    doc = open_doc(data)
    assert not _tables(doc, vocabulary.TRACKING_HEADING) and not _tables(doc, vocabulary.RISK_APPETITE)
