"""The one scoring module: each spelling of a score or a point it accepts, and each refusal in words."""

from __future__ import annotations

import pytest

from reportgen.model import Band, Scoring
from reportgen.scoring import (
    Point,
    Resolved,
    ScoreText,
    band_for,
    foreign_digits,
    format_point,
    format_score,
    impact_labels,
    parse_point,
    parse_score_text,
    point_value_problem,
    read_point_cell,
    read_score_cell,
    resolve_point,
    score_text_problem,
    strip_computed,
)
from reportgen.vocabulary import TREND_SYMBOLS

S = Scoring()
LIKELIHOOD = S.likelihood
ALL_IMPACTS = list(dict.fromkeys(S.impact + S.opportunity_impact))
LIKELIHOOD_SCALE = "1 (Rare), 2 (Unlikely), 3 (Possible), 4 (Likely), 5 (Certain)"
IMPACT_SCALE = "1 (Insignificant), 2 (Minor), 3 (Moderate), 4 (Major), 5 (Catastrophic)"

# --------------------------------------------------------------------------- scores as text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20", ScoreText(20)),
        ("12 (Major/Possible)", ScoreText(12, "Major", "Possible")),
        ("12(Major/Possible)", ScoreText(12, "Major", "Possible")),
        ("  12 ( Major / Possible )  ", ScoreText(12, "Major", "Possible")),
        ("15 (outstanding/possible)", ScoreText(15, "outstanding", "possible")),
        ("16 (Very high/Almost certain)", ScoreText(16, "Very high", "Almost certain")),
        ("(Major/Possible)", ScoreText(None, "Major", "Possible")),
    ],
)
def test_score_text_is_read(text, expected):
    assert parse_score_text(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("12 (Major/", "'12 (Major/' is not a score"),
        ("yes", "'yes' is not a score"),
        ("", "'' is not a score"),
        ("12.0", "'12.0' is not a score"),
        ("twelve", "'twelve' is not a score"),
        ("١٢", "'١٢' is written with digits other than 0-9: write it as '12'"),
        (
            "１２ (Major/Possible)",
            "'１２ (Major/Possible)' is written with digits other than 0-9: write it as '12 (Major",
        ),
    ],
)
def test_score_text_that_is_not_a_score_is_refused_in_words(text, message):
    assert parse_score_text(text) is None
    assert score_text_problem(text).startswith(message)


def test_not_a_score_message_says_how_to_write_one():
    assert score_text_problem("12 (Major/") == (
        "'12 (Major/' is not a score: write a number such as 12, or a number with its labels such as "
        "'12 (Major/Possible)'"
    )


# --------------------------------------------------------------------------- points


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", Point(None, 3)),
        (" 03 ", Point(None, 3)),
        ("Possible", Point("Possible", None)),
        ("Possible (3)", Point("Possible", 3)),
        ("Possible(3)", Point("Possible", 3)),
        ("Possible ( 3 )", Point("Possible", 3)),
        ("Possible 3", Point("Possible", 3)),
        ("(3)", Point(None, 3)),
        ("Very likely", Point("Very likely", None)),
        ("Near-certain (5)", Point("Near-certain", 5)),
        ("Level2", Point("Level2", None)),
        ("Possible (3", Point("Possible (3", None)),
        ("   ", None),
    ],
)
def test_point_is_read(text, expected):
    assert parse_point(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, 3),
        ("3", 3),
        (" 3 ", 3),
        ("Possible", 3),
        ("possible", 3),
        (" POSSIBLE ", 3),
        ("Possible (3)", 3),
        ("possible(3)", 3),
        ("Possible 3", 3),
        ("Certain (5)", 5),
        (1, 1),
        (5, 5),
    ],
)
def test_point_resolves_to_its_number(value, expected):
    assert resolve_point(value, LIKELIHOOD, "likelihood", ALL_IMPACTS) == Resolved(expected)


@pytest.mark.parametrize(
    "value, axis, message",
    [
        (6, "likelihood", "6 is not on the likelihood scale, which runs from 1 to 5"),
        (0, "likelihood", "0 is not on the likelihood scale, which runs from 1 to 5"),
        (-1, "impact", "-1 is not on the impact scale, which runs from 1 to 5"),
        ("6", "likelihood", "6 is not on the likelihood scale, which runs from 1 to 5"),
        ("Possible (4)", "likelihood", "'Possible (4)': Possible is 3 on the likelihood scale, not 4"),
        (
            "Major",
            "likelihood",
            f"'Major' is an impact label, not a likelihood; likelihood is one of {LIKELIHOOD_SCALE}",
        ),
        (
            "Major (4)",
            "likelihood",
            f"'Major' is an impact label, not a likelihood; likelihood is one of {LIKELIHOOD_SCALE}",
        ),
        ("Likely", "impact", f"'Likely' is a likelihood label, not an impact; impact is one of {IMPACT_SCALE}"),
        ("Outstanding", "impact", f"'Outstanding' is not an impact label; impact is one of {IMPACT_SCALE}"),
        ("Posible", "likelihood", f"'Posible' is not a likelihood label; likelihood is one of {LIKELIHOOD_SCALE}"),
        ("٣", "likelihood", "'٣' is written with digits other than 0-9: write it as '3'"),
        (
            "Possible (٣)",
            "likelihood",
            "'Possible (٣)' is written with digits other than 0-9: write it as 'Possible (3)'",
        ),
        (
            True,
            "likelihood",
            "should be a whole number such as 3 or a label such as 'Possible', not yes/no (true)",
        ),
        (
            2.0,
            "impact",
            "should be a whole number such as 3 or a label such as 'Possible', not a number (2.0): write 2",
        ),
        (2.5, "impact", "should be a whole number such as 3 or a label such as 'Possible', not a number (2.5)"),
    ],
)
def test_point_off_the_scale_is_refused_in_words(value, axis, message):
    labels = LIKELIHOOD if axis == "likelihood" else S.impact
    other = ALL_IMPACTS if axis == "likelihood" else LIKELIHOOD
    assert resolve_point(value, labels, axis, other) == Resolved(None, message)


@pytest.mark.parametrize("value", [3, "3", "Possible", "Possible (3)", None])
def test_whole_numbers_and_text_are_points(value):
    assert point_value_problem(value) is None


def test_opportunity_labels_resolve_on_the_opportunity_scale():
    assert resolve_point("Outstanding (5)", impact_labels(S, "opportunity"), "impact") == Resolved(5)
    assert resolve_point("Outstanding", impact_labels(S, "risk"), "impact").number is None


def test_foreign_digits():
    assert foreign_digits("١٢") == "12"
    assert foreign_digits("Possible (٣)") == "Possible (3)"
    assert foreign_digits("12") is None
    assert foreign_digits("Très probable") is None


# --------------------------------------------------------------------------- the register's scales


def test_impact_labels_of_a_risk_and_of_an_opportunity():
    assert impact_labels(S, "risk")[-1] == "Catastrophic"
    assert impact_labels(S, "opportunity")[-1] == "Outstanding"


@pytest.mark.parametrize("score, band", [(1, "Low"), (4, "Low"), (5, "Medium"), (12, "High"), (25, "Very high")])
def test_band_for_a_score(score, band):
    assert band_for(S.bands, score).name == band


def test_no_band_for_no_score_or_a_score_no_band_holds():
    assert band_for(S.bands, None) is None
    assert band_for([Band(name="Low", min=1, max=4, colour="#9BD39B")], 5) is None


@pytest.mark.parametrize(
    "args, text",
    [((16, "Major", "Likely"), "16 (Major/Likely)"), ((20,), "20"), ((20, "Major", None), "20")],
)
def test_score_is_printed_as_committee_papers_print_it(args, text):
    assert format_score(*args) == text


@pytest.mark.parametrize("args, text", [((4, "Likely"), "Likely (4)"), ((4,), "4"), ((None,), "")])
def test_point_is_printed_as_the_card_layout_prints_it(args, text):
    assert format_point(*args) == text


# --------------------------------------------------------------------------- cells of an imported document


@pytest.mark.parametrize("symbol", TREND_SYMBOLS.values())
def test_strip_computed_drops_each_trend_symbol_line(symbol):
    assert strip_computed(f"16 (Major/Likely)\nHigh\nSince Q1 2018/19: {symbol} Up from 12 (worse)", ["High"]) == (
        "16 (Major/Likely)"
    )
    assert strip_computed(f"Improving\nResidual since Q1: {symbol} Level at 9") == "Improving"


@pytest.mark.parametrize(
    "text, score",
    [
        ("20", ScoreText(20)),
        ("16 (Major/Likely)", ScoreText(16, "Major", "Likely")),
        ("12(Major/Possible)", ScoreText(12, "Major", "Possible")),
        ("15 (outstanding/possible)", ScoreText(15, "Outstanding", "Possible")),
        ("12 (Possible/Major)", ScoreText(12, "Major", "Possible")),  # likelihood/impact the other way round
        ("16 (Major/Likely)\nVery high\n▲ Up from 12 (worse)", ScoreText(16, "Major", "Likely")),
    ],
)
def test_score_cell_is_read(text, score):
    assert read_score_cell(text, S).score == score
    assert read_score_cell(text, S).problem is None


@pytest.mark.parametrize("text", ["(Major/", "Major/Possible", "(Major/Possible)", "12 (Major/Possible) or so"])
def test_unreadable_score_cell_is_kept_as_written_with_a_problem(text):
    got = read_score_cell(text, S)
    assert got.score is None and got.text == text
    assert got.problem == f"'{text}' cannot be read as a score"


@pytest.mark.parametrize("text", ["", "  \n", "High", "★ New this quarter"])
def test_score_cell_with_nothing_of_its_own_is_blank(text):
    assert read_score_cell(text, S) == read_score_cell("", S)
    assert read_score_cell(text, S).score is None and read_score_cell(text, S).problem is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("4", 4),
        ("Major", "Major"),
        ("very high", "Very High"),
        ("Major (4)", "Major (4)"),
        ("possible (3)", "Possible (3)"),
        ("Possible 3", "Possible (3)"),
        ("(3)", 3),
        ("Near-certain", "Near-certain"),
        ("", None),
        ("  ", None),
    ],
)
def test_point_cell_is_read(text, value):
    assert read_point_cell(text) == value
