"""Quarter on quarter: trends, new and closed entries, look-alike IDs."""

from __future__ import annotations

from conftest import SAMPLES
from reportgen import api, view
from reportgen.cli import main
from reportgen.compare import compare


def _reg(name):
    return api.load(SAMPLES / name).register


def test_q2_against_q1_of_the_real_register():
    v = view.build(_reg("q2-2018-19.yaml"), _reg("q1-2018-19.yaml"))
    entries = {e.id: e for e in v.entries()}
    assert entries["CR12"].trend.text == "★ New this quarter"
    assert entries["CR3"].trend.text == "▼ Down from 25 (better)"
    assert (entries["CR3"].trend.previous, entries["CR3"].trend.current) == (25, 15)
    assert entries["CR1"].trend.text == "► Level at 20"
    c = v.comparison
    assert (c.previous_period, c.current_period) == ("Q1 2018/19", "Q2 2018/19")
    assert c.new == ["CR12"]
    assert c.closed == []
    assert [m.id for m in c.moved] == ["CR3"]


def test_without_previous_nothing_is_computed():
    v = view.build(_reg("q2-2018-19.yaml"))
    assert v.comparison is None
    assert all(e.trend is None and e.residual_trend is None for e in v.entries())


def _register(tmp_path, name, period, risks, opps=()):
    lines = [f"organisation: T\nperiod: {period}\nrisks:"]
    for ident, score in risks:
        lines.append(f"  - {{id: {ident}, owner: A, current: {score}, residual: {max(score - 4, 1)}}}")
    if opps:
        lines.append("opportunities:")
        for ident, score in opps:
            lines.append(f"  - {{id: {ident}, owner: A, current: {score}}}")
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def test_closed_moved_and_opportunity_direction(tmp_path):
    prev = _register(tmp_path, "q1.yaml", "Q1", [("CR1", 12), ("CR2", 20), ("CR3", 9)], [("CO1", 8)])
    cur = _register(tmp_path, "q2.yaml", "Q2", [("CR1", 16), ("CR3", 4), ("CR4", 6)], [("CO1", 12)])
    c = compare(api.load(cur).register, api.load(prev).register)
    assert [(x.id, x.last_score) for x in c.closed] == [("CR2", 20)]
    assert c.new == ["CR4"]
    assert [m.id for m in c.moved] == ["CR3", "CR1", "CO1"]  # 5, 4, 4: largest first, then register order
    assert c.changes["CR1"].current.text == "▲ Up from 12 (worse)"
    assert c.changes["CO1"].current.text == "▲ Up from 8 (better)"
    assert c.changes["CR1"].residual.text == "▲ Up from 8 (worse)"


def test_lookalike_ids_are_matched_with_a_warning(tmp_path):
    prev = _register(tmp_path, "q1.yaml", "Q1", [("CR1", 12)], [("CO1", 8), ("CO2", 8)])
    cur = _register(tmp_path, "q2.yaml", "Q2", [("CR1", 12)], [("C01", 8), ("CO2", 9)])
    c = compare(api.load(cur).register, api.load(prev).register, "q1.yaml")
    assert c.new == [] and c.closed == []
    assert c.changes["C01"].previous_id == "CO1"
    assert c.changes["C01"].current.direction == "level"
    assert [str(w) for w in c.warnings] == [
        "q1.yaml: warning: C01 ID: matched with Q1's 'CO1': the IDs differ only by a look-alike character; "
        "use one spelling in both quarters"
    ]


def test_build_with_previous_reports_an_invalid_previous_register(tmp_path, capsys):
    bad = tmp_path / "last.yaml"
    bad.write_text("organisation: T\n")
    code = main(["build", str(SAMPLES / "small.yaml"), "--previous", str(bad), "-o", str(tmp_path / "out")])
    assert code == 1
    assert f"{bad}:1:1: period: is missing" in capsys.readouterr().err


def test_residual_moves_are_listed_too():
    c = view.build(_reg("q2-2018-19.yaml"), _reg("q1-2018-19.yaml")).comparison
    assert [(m.id, m.residual.previous, m.residual.current) for m in c.residual_moved] == [
        ("CR3", 16, 12),
        ("CR9", 20, 16),
    ]


def test_heat_map_titles_name_the_scores_the_register_has():
    assert [h.title for h in view.build(_reg("q3-2021-22.yaml")).heatmaps] == ["Current scores", "Target scores"]
    assert [h.title for h in view.build(_reg("q1-2018-19.yaml")).heatmaps] == ["Current scores", "Residual scores"]


def test_changes_summary_rows_are_worded_once_for_every_format():
    v = view.build(_reg("q2-2018-19.yaml"), _reg("q1-2018-19.yaml"))
    assert v.changes.rows() == [
        ("Periods compared", ["Q1 2018/19 (last quarter) with Q2 2018/19 (this quarter)"]),
        (
            "New this quarter",
            [
                "CR12 – Unlawful disclosure of personal or commercial data caused by a deliberate or…: "
                "score 16 (Major/Likely)"
            ],
        ),
        ("Closed (in Q1 2018/19, not in Q2 2018/19)", []),
        ("Score moved (largest move first)", ["CR3: ▼ Down from 25 (better), now 15"]),
        (
            "Residual or target score moved (largest move first)",
            ["CR3: residual ▼ Down from 16 (better), now 12", "CR9: residual ▼ Down from 20 (better), now 16"],
        ),
    ]
    assert view.build(_reg("q2-2018-19.yaml")).changes is None
