"""The view: labels, bands, matrix and heat-map placement computed once for every writer."""

from __future__ import annotations

import datetime as dt

from conftest import SAMPLES
from reportgen import api, richtext, view


def _view(name: str) -> view.ReportView:
    return view.build(api.load(SAMPLES / name).register)


def test_scores_show_with_labels_and_band():
    v = _view("small.yaml")
    entries = {e.id: e for e in v.entries()}
    cr1 = entries["CR1"]
    assert cr1.current.text == "20" and cr1.current.band_name == "Very high"
    assert cr1.residual.text == "12 (Major/Possible)" and cr1.residual.band_name == "High"
    cr2 = entries["CR2"]
    assert cr2.current.text == "20 (Catastrophic/Likely)"
    co1 = entries["CO1"]
    assert co1.kind == "opportunity"
    assert co1.current.text == "9 (Moderate/Possible)" and co1.current.band_name == "Medium"
    assert co1.residual.text == "16 (Major/Likely)"


def test_key_to_scores_matrix_runs_from_catastrophic_down_and_rare_across():
    v = _view("small.yaml")
    assert [r.impact for r in v.matrix] == [5, 4, 3, 2, 1]
    assert v.matrix[0].label == "CATASTROPHIC (for risk)\nOUTSTANDING (for opportunity)"
    assert v.matrix[-1].label == "INSIGNIFICANT"
    assert [c.score for c in v.matrix[0].cells] == [5, 10, 15, 20, 25]
    assert [c.score for c in v.matrix[-1].cells] == [1, 2, 3, 4, 5]
    assert v.likelihood_labels == ("Rare", "Unlikely", "Possible", "Likely", "Certain")
    assert v.matrix[0].cells[4].band.name == "Very high"


def test_heat_map_places_card_entries_and_lists_bare_scores():
    cards = _view("q3-2021-22.yaml")
    current = cards.heatmaps[0]
    assert "Corp 2" in current.labels(3, 4)  # Possible x Major
    assert "CO1 (opportunity)" in current.labels(5, 3)
    assert current.score_only == ()
    q1 = _view("q1-2018-19.yaml")
    assert "CR1: 20" in [p.label for p in q1.heatmaps[0].score_only]  # a bare 20 is not guessed into a cell
    assert q1.heatmaps[0].score_only[0].anchor == "entry-cr1"


def test_sections_use_the_registers_column_labels():
    v = _view("q1-2018-19.yaml")
    risks, opps = v.sections
    assert [c.label for c in risks.columns][:2] == ["Risk Identification Number (RIN)", "Description"]
    assert [c.field for c in opps.columns][4] == "progress"
    assert v.full_title == "Appendix A: Corporate Risk & Opportunity Register Q1 2018/19"


def test_document_date_comes_from_the_register_then_source_date_epoch(monkeypatch):
    reg = api.load(SAMPLES / "small.yaml").register
    assert str(view.build(reg).date) == "2027-01-10"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert str(view.build(reg.model_copy(update={"report_date": None})).date) == "2023-11-14"


def test_rich_text_blocks():
    blocks = richtext.parse("**Capacity**\n\n- one *two*\n  - three\n\n1. first\n2. second")
    assert [(b.text, b.level, b.marker, b.heading) for b in blocks] == [
        ("Capacity", 0, "", True),
        ("one two", 1, "•", False),
        ("three", 2, "•", False),
        ("first", 1, "1.", False),
        ("second", 1, "2.", False),
    ]
    assert blocks[1].runs[1] == richtext.Run("two", italic=True)


def test_markup_in_register_text_is_text():
    assert [b.text for b in richtext.parse("a <b>c</b> &amp;")] == ["a <b>c</b> &amp;"]


def test_card_notes_leave_out_what_a_card_shows_as_a_fact():
    entries = {e.id: e for e in _view("small.yaml").entries()}
    cr2 = entries["CR2"]
    assert [n.text for n in cr2.notes_for("current")] == ["● Above appetite (Eager, up to 16)"]
    assert [n.text for n in cr2.notes_for("plan")] == [
        "Gap to target: 10 (20 now, residual 10)",
        "Target date passed (31 December 2026), still above residual",
    ]
    assert [(n.text, n.alert) for n in cr2.notes_for("id")] == [("Review overdue (due 5 January 2027)", True)]
    assert entries["CO1"].notes_for("current") == () and entries["CO1"].notes_for("id") == ()
    # a register that tracks nothing: the target date note stands in for its field, which a card shows
    q3 = _view("q3-2021-22.yaml").entries()[0]
    assert [n.field for n in q3.notes["plan"]] == ["target_date"] and q3.notes_for("plan") == ()


def test_a_target_date_given_as_a_date_prints_as_one():
    entries = {e.id: e for e in _view("small.yaml").entries()}
    assert entries["CR2"].plain("target_date") == "31 December 2026"
    assert entries["CR1"].plain("target_date") == ""
    assert entries["CR1"].plain("owner") == "Director of Finance"
    assert _view("q3-2021-22.yaml").entries()[0].plain("target_date") == "March 2022/Ongoing"


def test_appetite_key_names_each_level_its_tolerance_and_types():
    assert _view("small.yaml").appetite_key() == (
        ("Averse", 4, ()),
        ("Minimal", 6, ()),
        ("Cautious", 9, ()),
        ("Open", 12, ("Economic", "Any other risk type (the default)")),
        ("Eager", 16, ("Technological",)),
    )
    assert _view("q2-2018-19.yaml").appetite_key() == ()


def test_history_rows_give_the_residual_by_quarter_where_some_quarter_has_one():
    q1 = api.load(SAMPLES / "q1-2018-19.yaml").register
    q2 = api.load(SAMPLES / "q2-2018-19.yaml").register

    def without_residual(reg, ids):
        risks = [e.model_copy(update={"residual": None}) if e.id in ids else e for e in reg.risks]
        return reg.model_copy(update={"risks": risks})

    q1 = without_residual(q1, {"CR3", "CR1"})
    q2 = without_residual(q2, {"CR1"})
    v = view.build(q2, q1, earlier=[q1])
    entries = {e.id: e for e in v.entries()}
    cr3 = entries["CR3"].history
    assert [(label, [sv.score if sv else None for sv in scores]) for label, scores in cr3.rows()] == [
        ("Current", [25, 15]),
        ("Residual", [None, 12]),  # none in Q1: a gap, never a zero
    ]
    assert cr3.present == (True, True)
    assert [label for label, _ in entries["CR1"].history.rows()] == ["Current"]  # no residual in any quarter
    cr12 = entries["CR12"].history  # new this quarter: not in Q1's register
    assert cr12.present == (False, True)
    assert [[sv.score if sv else None for sv in scores] for _, scores in cr12.rows()] == [[None, 16], [None, 12]]
    assert entries["CR3"].short_title.endswith("…") and len(entries["CR3"].short_title) <= 80


def test_history_names_entries_closed_since_an_earlier_quarter_and_counts_them():
    """Q1 with an extra entry CR90 that Q2 no longer has: a closed entry of the history, with its
    Q1 score and a gap now, counted in Q1's band counts; this quarter's entries are not in it."""
    q1, q2 = (api.load(SAMPLES / f"{q}-2018-19.yaml").register for q in ("q1", "q2"))
    extra = q1.risks[6].model_copy(update={"id": "CR90"})
    q1 = q1.model_copy(update={"risks": [*q1.risks, extra]})
    h = view.build(q2, q1, earlier=[q1]).history
    assert h is not None
    [closed] = h.closed
    assert (closed.id, closed.name, closed.kind) == ("CR90", "CR90", "risk")
    assert [sv.score if sv else None for sv in closed.history.scores] == [extra.current.score, None]
    assert closed.history.present == (True, False)
    assert closed.history.band_since == "Closed: last in Q1 2018/19"
    # The band counts count exactly this quarter's entries and the closed one.
    v = view.build(q2, q1, earlier=[q1])
    rows = [ev.history.scores for ev in v.entries()] + [closed.history.scores]
    for band, counts in h.band_counts:
        assert list(counts) == [
            sum(1 for r in rows if r[k] is not None and band.min <= r[k].score <= band.max) for k in range(2)
        ]
    assert view.build(q2, q2, earlier=[q2]).history.closed == ()


# --------------------------------------------------------------------------- history (issue 18)


def _history(tmp_path):
    from quarters import four_quarters

    paths = four_quarters(tmp_path)
    regs = [api.load(p).register for p in paths]
    return view.build(regs[-1], regs[-2], earlier=regs[:-1])


def test_entry_history_says_why_a_quarter_has_no_score_and_its_chart_in_words(tmp_path):
    v = _history(tmp_path)
    by_id = {ev.id: ev for ev in v.entries()}
    cr2, cr6, cr9 = by_id["CR2"].history, by_id["CR6"].history, by_id["CR9"].history
    assert cr2 is not None and cr6 is not None and cr9 is not None
    assert [cr2.gap(i) for i in range(4)] == ["not in the register", "", "", ""]
    assert [cr6.gap(i) for i in range(4)] == ["no score", "", "", ""]
    # the text alternative of its chart: each row of scores by quarter
    assert [label for label, _ in cr9.rows()] == ["Current", "Residual"]
    assert cr9.text == (
        "Current score by quarter: Q3 2017/18: 20, Q4 2017/18: 20, Q1 2018/19: 20, Q2 2018/19: 20. "
        "Residual score by quarter: Q3 2017/18: 20, Q4 2017/18: 20, Q1 2018/19: 20, Q2 2018/19: 16."
    )
    assert cr2.text.startswith("Current score by quarter: Q3 2017/18: not in the register, Q4 2017/18: 25,")
    assert v.history is not None and v.history.span == "Q3 2017/18 to Q2 2018/19"
    assert v.history.totals == tuple(sum(c[i] for _, c in v.history.band_counts) for i in range(4))


def test_an_entry_chart_goes_in_the_cell_of_its_current_score_notes():
    v = _view("q2-2018-19.yaml")
    sec = v.sections[0]
    assert sec.current_home == "current"
    trimmed = view.Section(sec.kind, sec.heading, tuple(c for c in sec.columns if c.field != "current"), sec.entries)
    assert trimmed.current_home == "direction"  # where the current score's notes and trend go then


def test_moves_too_many_to_draw_over_a_map_get_a_grid_of_their_own(tmp_path):
    v = _history(tmp_path)
    current = v.heatmaps[0]
    assert [m.label for m in current.moves] == [
        "CR5: Likely/Major → Possible/Major",
        "CR7: Likely/Major → Likely/Catastrophic",
    ]
    assert not current.moves_apart and current.placed_lists()[-1] == current.moves_list()
    cards = _view("q3-2021-22.yaml")
    target = cards.heatmaps[1]
    assert len({(m.start, m.end) for m in target.moves}) > view.MOVES_ON_MAP and target.moves_apart
    assert target.moves_title == "Moves on the heat map: current to target"
    # the list goes under the moves' own grid: not under the map
    assert all(heading != "Current to target" for heading, _, _ in target.placed_lists(moves=False))
    assert target.moves_list()[0] == "Current to target"


def test_gap_next_due_and_overdue_are_the_views_one_rule():
    """The gap to the plan (a risk's current minus its plan, an opportunity's plan minus its
    current, never below 0), the earliest due date of the actions not done, and how many are
    overdue: what the note, the tracking summary and the workbook's columns all read."""
    v = _view("small.yaml")
    by_id = {ev.id: ev for ev in v.entries()}
    cr1, co1 = by_id["CR1"], by_id["CO1"]
    assert (cr1.current.score, cr1.score(cr1.plan_field).score, cr1.gap) == (20, 12, 8)
    assert (co1.current.score, co1.score(co1.plan_field).score, co1.gap) == (9, 16, 7)
    # the earliest action not done (the done one was due earlier), and the one overdue at the
    # report date (10 January 2027)
    assert (cr1.next_due, cr1.overdue_count) == (dt.date(2026, 12, 31), 1)
    assert (by_id["CR2"].next_due, by_id["CR2"].overdue_count) == (None, None)  # no due dates
    corp4 = next(ev for ev in _view("q3-2021-22.yaml").entries() if ev.id == "Corp 4")
    assert (corp4.current.score, corp4.score(corp4.plan_field).score, corp4.gap) == (6, 20, 0)  # past its plan
