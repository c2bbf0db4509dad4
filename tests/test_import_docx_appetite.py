"""Import from Word keeps appetite, targets and actions: the council's appetite table, an entry's own
level (only where its types or the default would not give it), action due dates and statuses, the
target date and a late review; the computed notes (gap to target, within or above appetite, overdue)
never become text."""

from __future__ import annotations

import datetime as dt

import docx
import pytest

from conftest import SAMPLES
from reportgen import api, importers, serialise, vocabulary
from reportgen.importers._common import date_or_text, format_pattern, groups_from_lines, read_long_date, status_line
from reportgen.importers._docx_text import Line
from reportgen.model import Appetite, AppetiteLevel, Group

LEVELS = [AppetiteLevel(name=n, tolerance=t) for n, t in (("Averse", 4), ("Cautious", 12), ("Open", 16), ("Eager", 20))]
APPETITE = Appetite(
    levels=LEVELS, by_type={"Social": "Open", "Economic": "Eager", "Legal": "cautious"}, default="Eager"
)


def _update(reg, ident: str, **update):
    for key in ("risks", "opportunities"):
        entries = getattr(reg, key)
        for i, e in enumerate(entries):
            if e.id == ident:
                return reg.model_copy(update={key: [*entries[:i], e.model_copy(update=update), *entries[i + 1 :]]})
    raise KeyError(ident)


def _write(tmp_path, reg, name: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(serialise.to_yaml(reg), encoding="utf-8")
    return api.load(path).register


def _round_trip(tmp_path, reg, name: str):
    """`reg` (validated) built as a .docx and imported back: (the register, the import's notes)."""
    doc = tmp_path / f"{name}.docx"
    doc.write_bytes(api.render(reg, "docx"))
    imported = importers.import_file(doc)
    return imported.register, [n.message for n in imported.notes]


@pytest.fixture
def table_register(tmp_path):
    reg = api.load(SAMPLES / "q2-2018-19.yaml").register.model_copy(update={"appetite": APPETITE})
    reg = _update(
        reg,
        "CR1",
        actions=[
            Group(text="Recruit permanent Chief Executive", owner="Leader", due=dt.date(2018, 9, 1), status="open"),
            Group(text="Agree People Strategy", owner="Director of HR", due=dt.date(2018, 8, 1), status="done"),
            Group(theme="Finance", text="- Refresh financial strategy", due=dt.date(2019, 3, 31)),
            Group(text="Done", owner="Director of Finance", status="in progress"),
        ],
    )
    reg = _update(reg, "CR10", appetite="Averse")  # Legal: Cautious by type, so its own level counts
    reg = _update(reg, "CR2", appetite="Open")  # Social: Open by type anyway
    reg = _update(reg, "CR4", review_by=dt.date(2018, 9, 15), target_date=dt.date(2018, 9, 30))
    reg = _update(reg, "CR5", review_by=dt.date(2019, 1, 1), target_date="March 2019")
    reg = _update(reg, "CO2", appetite="Eager")  # an opportunity answers to a level only of its own
    return _write(tmp_path, reg, "table")


def test_the_appetite_table_comes_back(table_register, tmp_path):
    back, _ = _round_trip(tmp_path, table_register, "t")
    assert back.appetite is not None
    assert back.appetite.levels == LEVELS
    assert back.appetite.default == "Eager"
    # a type's level as the table names it (the level's own spelling)
    assert back.appetite.by_type == {"Social": "Open", "Economic": "Eager", "Legal": "Cautious"}


def test_an_entrys_own_level_comes_back_only_where_its_types_would_not_give_it(table_register, tmp_path):
    back, _ = _round_trip(tmp_path, table_register, "t")
    own = {e.id: e.appetite for e in [*back.risks, *back.opportunities] if e.appetite}
    assert own == {"CR10": "Averse", "CO2": "Eager"}  # CR2's 'Open' is its type's level: not repeated


def test_action_due_dates_and_statuses_come_back_and_the_status_line_is_not_text(table_register, tmp_path):
    back, _ = _round_trip(tmp_path, table_register, "t")
    cr1 = next(e for e in back.risks if e.id == "CR1")
    assert [(g.theme, g.owner, g.text.strip(), g.due, g.status) for g in cr1.actions] == [
        (None, "Leader", "Recruit permanent Chief Executive", dt.date(2018, 9, 1), "open"),
        (None, "Director of HR", "Agree People Strategy", dt.date(2018, 8, 1), "done"),
        ("Finance", None, "- Refresh financial strategy", dt.date(2019, 3, 31), None),
        (None, "Director of Finance", "Done", None, "in progress"),
    ]


def test_target_date_and_late_review_come_back_and_computed_notes_do_not(table_register, tmp_path):
    back, _ = _round_trip(tmp_path, table_register, "t")
    by_id = {e.id: e for e in back.risks}
    assert by_id["CR4"].review_by == dt.date(2018, 9, 15)
    assert by_id["CR4"].target_date == dt.date(2018, 9, 30)  # shown as "Target date passed (30 September 2018)…"
    assert by_id["CR5"].target_date == "March 2019"
    assert by_id["CR5"].review_by is None  # not yet due: not shown, so not read
    dumped = serialise.to_yaml(back)
    for computed in ("Gap to target", "Within appetite", "Above appetite", "Overdue", "Review overdue", "Due 1 "):
        assert computed not in dumped


def test_the_whole_register_comes_back_through_word(table_register, tmp_path):
    back, _ = _round_trip(tmp_path, table_register, "t")
    again, _ = _round_trip(tmp_path, back, "again")
    assert api.render(again, "docx") == api.render(back, "docx")
    for key in ("risks", "opportunities"):
        for e, f in zip(getattr(table_register, key), getattr(back, key)):
            late = e.review_by if e.review_by and e.review_by < table_register.report_date else None
            assert (f.review_by, f.target_date) == (late, e.target_date), e.id  # a review is shown once late
            assert [(g.due, g.status) for g in e.actions] == [(g.due, g.status) for g in f.actions], e.id


def test_cards_come_back_with_appetite_targets_and_actions(tmp_path):
    reg = api.load(SAMPLES / "q3-2021-22.yaml").register.model_copy(update={"appetite": APPETITE})
    corp1 = next(e for e in reg.risks if e.id == "Corp 1")
    actions = [
        corp1.actions[0].model_copy(update={"due": dt.date(2021, 11, 30), "status": "open"}),
        corp1.actions[1].model_copy(update={"status": "done"}),
        *corp1.actions[2:],
    ]
    reg = _update(reg, "Corp 1", appetite="Averse", review_by=dt.date(2021, 12, 1), actions=actions)
    reg = _update(reg, "Corp 2", target_date=dt.date(2021, 12, 31))
    reg = _update(reg, "Corp 3", target_date=dt.date(2022, 12, 31))
    reg = _write(tmp_path, reg, "cards")
    back, _ = _round_trip(tmp_path, reg, "c")
    assert back.appetite == reg.appetite.model_copy(update={"by_type": {**APPETITE.by_type, "Legal": "Cautious"}})
    by_id = {e.id: e for e in back.risks}
    assert by_id["Corp 1"].appetite == "Averse" and by_id["Corp 1"].review_by == dt.date(2021, 12, 1)
    assert [(g.theme, g.due, g.status) for g in by_id["Corp 1"].actions] == [
        (g.theme, g.due, g.status) for g in reg.risks[0].actions
    ]
    assert by_id["Corp 2"].target_date == dt.date(2021, 12, 31)
    assert by_id["Corp 3"].target_date == dt.date(2022, 12, 31)
    assert by_id["Corp 4"].target_date == "March 2022"
    assert not any(e.appetite for e in back.risks[1:])


@pytest.mark.parametrize("cut", ["table", "level"])
def test_a_level_the_appetite_table_does_not_define_is_named_not_imported(cut, table_register, tmp_path):
    path = tmp_path / "no-table.docx"
    path.write_bytes(api.render(table_register, "docx"))
    d = docx.Document(str(path))
    for t in d.tables:
        if t.rows[0].cells[0].text == vocabulary.APPETITE_COLUMNS[0]:
            gone = t._tbl if cut == "table" else next(r._tr for r in t.rows if r.cells[0].text == "Averse")
            gone.getparent().remove(gone)
    d.save(str(path))
    imported = importers.import_file(path)
    assert (imported.register.appetite is None) == (cut == "table")
    assert not any(e.appetite for e in imported.register.risks)
    said = " ".join(n.message for n in imported.notes)
    assert "the appetite level 'Averse' shown for CR10 was not imported" in said


# --------------------------------------------------------------------------- the shared readers


def _line(text: str, italic: bool = True, bold: bool = False) -> Line:
    return Line([(text, bold, italic)])


def test_status_lines_are_read_from_the_vocabulary():
    assert status_line(_line("Due 1 September 2018 · Open · Overdue")) == (dt.date(2018, 9, 1), "open")
    assert status_line(_line("Due 1 September 2018")) == (dt.date(2018, 9, 1), None)
    assert status_line(_line("In progress")) == (None, "in progress")
    assert status_line(_line("Due 28 February 2027 · In progress", italic=False)) == (
        dt.date(2027, 2, 28),
        "in progress",
    )
    for not_status in (
        _line("Done", italic=False),  # an action that says 'Done', in plain text
        _line("Overdue"),
        _line("Open · Due 1 September 2018"),  # not in the order the view prints them
        _line("Due 31 February 2018 · Open"),
        _line("Due soon · Open"),
        _line("Agree the budget · Open"),
    ):
        assert status_line(not_status) is None, not_status.text


def test_a_status_line_ends_its_group():
    lines = [
        _line("Savings proposals", italic=False),
        _line("Owner: Director of Finance"),
        _line("Due 28 February 2027 · In progress"),
        _line("Service challenge", italic=False),
        _line("Due 31 December 2026 · Open · Overdue", bold=True),
        _line("Owner: Chief Executive"),
    ]
    groups = groups_from_lines(lines)
    assert [(g.text, g.owner, g.due, g.status) for g in groups] == [
        ("Savings proposals", "Director of Finance", dt.date(2027, 2, 28), "in progress"),
        ("Service challenge", None, dt.date(2026, 12, 31), "open"),
        ("", "Chief Executive", None, None),
    ]


def test_dates_as_printed():
    assert read_long_date("1 September 2018") == dt.date(2018, 9, 1)
    assert read_long_date("31 February 2018") is None
    assert read_long_date("September 2018") is None
    assert date_or_text(" 30 June 2022 ") == dt.date(2022, 6, 30)
    assert date_or_text("March 2022/Ongoing") == "March 2022/Ongoing"


def test_format_pattern_makes_a_vocabulary_wording_a_pattern():
    import re

    pattern = re.compile(format_pattern(vocabulary.APPETITE_LEVEL, tolerance=r"\d+"))
    m = pattern.fullmatch("Very averse,  up to 4")
    assert m and m.group("level") == "Very averse" and m.group("tolerance") == "4"
    assert pattern.fullmatch("Averse, up to four") is None
