"""Each validation rule on its own: a tiny register in, its diagnostics out (file:line and words)."""

from __future__ import annotations

import inspect

import pytest

from reportgen import reader
from reportgen.validate import rules
from reportgen.validate.context import Context
from reportgen.validate.rules import MAX_WORD_PROPERTY_CHARS, RULES

HEAD = "organisation: T\nperiod: Q1\n"


@pytest.fixture
def register(tmp_path, monkeypatch):
    """register(yaml) -> Context of `r.yaml` holding the organisation, the period and `yaml`."""
    monkeypatch.chdir(tmp_path)

    def make(text: str, head: str = HEAD) -> Context:
        (tmp_path / "r.yaml").write_text(head + text, encoding="utf-8")
        return Context.of(reader.read("r.yaml"))

    return make


def found(rule, ctx: Context) -> list[str]:
    return [str(d) for d in rule(ctx)]


def test_every_rule_is_in_the_list_once():
    public = [f for name, f in inspect.getmembers(rules, inspect.isfunction) if f.__module__ == rules.__name__]
    assert sorted(f.__name__ for f in public if not f.__name__.startswith("_")) == sorted(r.__name__ for r in RULES)
    assert len(set(RULES)) == len(RULES)


def test_a_valid_register_passes_every_rule(register):
    ctx = register("risks:\n  - id: CR1\n    owner: A\n    current: 12 (Major/Possible)\n    residual: 8\n")
    assert [d for rule in RULES for d in rule(ctx)] == []


# --------------------------------------------------------------------------- the Key to Scores


def test_scale_labels(register):
    ctx = register("scoring:\n  likelihood: [Low]\n  impact: [Minor, Major, minor]\n")
    assert found(rules.scale_labels, ctx) == [
        "r.yaml:4:15: scoring likelihood: needs at least two labels, found 1",
        "r.yaml:5:11: scoring impact: label 'minor' is used twice",
    ]


def test_opportunity_scale_matches(register):
    ctx = register("scoring:\n  opportunity_impact: [A, B, C]\n")
    assert found(rules.opportunity_scale_matches, ctx) == [
        "r.yaml:4:23: scoring opportunity impact: has 3 labels but the risk impact scale has 5"
    ]


BANDS = "scoring:\n  bands:\n{}"


def band(name, lo, hi, colour="#FFFFFF", text="#000000"):
    return f"    - {{name: {name}, min: {lo}, max: {hi}, colour: '{colour}', text_colour: '{text}'}}\n"


def test_band_ranges(register):
    ctx = register(BANDS.format(band("Low", 1, 9) + band("High", 8, 25) + band("Odd", 7, 3)))
    assert found(rules.band_ranges, ctx) == [
        "r.yaml:6:7: scoring bands #2: band 'High' overlaps band 'Low' at score 8",
        "r.yaml:7:7: scoring bands #3: band 'Odd' runs from 7 down to 3",
    ]


def test_band_contrast(register):
    ctx = register(BANDS.format(band("Low", 1, 9, "#00AA00", "#FFFFFF") + band("High", 10, 25)))
    assert found(rules.band_contrast, ctx) == [
        "r.yaml:5:7: scoring bands #1: band 'Low': text #FFFFFF on #00AA00 has contrast 3.11:1, "
        "below the 4.5:1 that WCAG AA asks for"
    ]


def test_bands_cover_every_score(register):
    ctx = register(BANDS.format(band("Low", 1, 9) + band("High", 13, 25)))
    assert found(rules.bands_cover_every_score, ctx) == ["r.yaml:5:5: scoring bands: no band covers score(s) 10, 12"]


# --------------------------------------------------------------------------- text


def test_control_characters(register):
    ctx = register('risks:\n  - id: "CR\\x0b1"\n    owner: A\n    description: "Budget\\x0b gap"\n')
    # the ID's own character is id_characters' to report, once
    assert found(rules.control_characters, ctx) == [
        "r.yaml:6:18: risk 1 description: contains a control character (U+000B) that documents cannot hold; "
        "delete it (it is often pasted in from another program)"
    ]


def test_fits_a_cell(register):
    ctx = register(f"risks:\n  - id: CR1\n    owner: A\n    description: {'x' * 32_768}\n")
    assert found(rules.fits_a_cell, ctx) == [
        "r.yaml:6:18: CR1 description: is 32,768 characters long; a spreadsheet cell holds at most 32,767: "
        "split it or shorten it"
    ]


def test_heading_fits_word_names_the_title(register):
    ctx = register("title: " + "T" * 230 + "\n")
    assert found(rules.heading_fits_word, ctx) == [
        "r.yaml:3:8: title: is too long for a Word document: with the appendix label and the period it makes a "
        "269-character document description, and Word holds at most 255; shorten it by 14 characters"
    ]


def test_heading_fits_word_names_the_longest_part(register):
    ctx = register("appendix: Appendix A\n", head="organisation: T\nperiod: " + "Q" * 240 + "\n")
    assert found(rules.heading_fits_word, ctx) == [
        "r.yaml:2:9: period: is too long for a Word document: with the appendix label and the title it makes a "
        "314-character document description, and Word holds at most 255; shorten it by 59 characters"
    ]


def test_heading_fits_word_names_a_long_organisation(register):
    ctx = register("", head="organisation: " + "O" * 256 + "\nperiod: Q1\n")
    assert found(rules.heading_fits_word, ctx) == [
        "r.yaml:1:15: organisation: is 256 characters long; a Word document's author holds at most 255: shorten it"
    ]


@pytest.mark.parametrize("appendix", ["Appendix A", "null"])
def test_longest_heading_the_rule_allows_builds_a_word_file(register, appendix):
    """The rule's limit is the Word writer's: the longest title it lets through (with the longest
    organisation) builds a Word file, so a change to the writer's document properties shows here."""
    import docx

    from reportgen import view
    from reportgen.validate import check
    from reportgen.writers import Options, available

    head = f"organisation: {'O' * MAX_WORD_PROPERTY_CHARS}\nperiod: Q1 2026/27\nappendix: {appendix}\n"
    n = next(n for n in range(300, 0, -1) if not found(rules.heading_fits_word, register(f"title: {'T' * n}\n", head)))
    assert found(rules.heading_fits_word, register(f"title: {'T' * (n + 1)}\n", head))
    ctx = register(f"title: {'T' * n}\n", head)
    resolved, _ = check(reader.read("r.yaml"))
    out = ctx.source.file + ".docx"
    with open(out, "wb") as fh:
        fh.write(available()["docx"].render(view.build(resolved), Options()))
    props = docx.Document(out).core_properties
    assert props.author == "O" * MAX_WORD_PROPERTY_CHARS
    assert max(len(props.title), len(props.subject), len(props.comments)) == MAX_WORD_PROPERTY_CHARS


# --------------------------------------------------------------------------- IDs


@pytest.mark.parametrize(
    "ident, message",
    [
        ("CR1\\nr.yaml:1:1: all is well", "contains a line break (U+000A): an ID must be one line; delete it"),
        ("CR1\\r", "contains a line break (U+000D): an ID must be one line; delete it"),
        ("CR1\\u2028", "contains a line break (U+2028): an ID must be one line; delete it"),
        ("CR\\t1", "contains a control character (U+0009); delete it (it is often pasted in from another program)"),
        ("CR\\x001", "contains a control character (U+0000); delete it (it is often pasted in from another program)"),
        *[
            (
                f"CR\\u{cp:04x}1",
                f"contains an invisible text-direction character (U+{cp:04X}, {name}) that makes the ID print "
                "differently from how it reads; delete it",
            )
            for cp, name in [
                (0x202A, "LEFT-TO-RIGHT EMBEDDING"),
                (0x202E, "RIGHT-TO-LEFT OVERRIDE"),
                (0x2066, "LEFT-TO-RIGHT ISOLATE"),
                (0x2069, "POP DIRECTIONAL ISOLATE"),
                (0x200E, "LEFT-TO-RIGHT MARK"),
                (0x200F, "RIGHT-TO-LEFT MARK"),
                (0x061C, "ARABIC LETTER MARK"),
            ]
        ],
        *[
            (
                f"CR1\\u{cp:04x}",
                f"contains an invisible character (U+{cp:04X}, {name}); delete it (it is often pasted in from "
                "another program)",
            )
            for cp, name in [
                (0x200B, "ZERO WIDTH SPACE"),
                (0x200C, "ZERO WIDTH NON-JOINER"),
                (0x200D, "ZERO WIDTH JOINER"),
                (0x2060, "WORD JOINER"),
                (0xFEFF, "ZERO WIDTH NO-BREAK SPACE"),
                (0x00AD, "SOFT HYPHEN"),
                (0x3164, "HANGUL FILLER"),
            ]
        ],
        ("   ", "is blank: every risk and opportunity needs an ID"),
        ("\\t", "contains a control character (U+0009); delete it (it is often pasted in from another program)"),
        ("\\u00a0\\u3000", "is blank: every risk and opportunity needs an ID"),
    ],
)
def test_id_characters_refused(register, ident, message):
    ctx = register(f'risks:\n  - id: "{ident}"\n    owner: A\n')
    assert found(rules.id_characters, ctx) == [f"r.yaml:4:9: risk 1 ID: {message}"]


@pytest.mark.parametrize("ident", ["CR1", "Corp 4", "C01", "Risk – 1", "Rísg 1", "CR-1/2", "CR\\u00a01", "风险 1"])
def test_id_characters_accepted(register, ident):
    assert found(rules.id_characters, register(f'risks:\n  - id: "{ident}"\n    owner: A\n')) == []


def test_an_id_that_cannot_be_printed_is_named_by_its_place(register):
    ctx = register('risks:\n  - id: CR1\n    owner: A\nopportunities:\n  - id: "CO\\n1"\n')
    assert found(rules.has_owner, ctx) == [
        "r.yaml:7:5: warning: opportunity 1: has no owner: every risk and opportunity needs someone accountable"
    ]


def test_duplicate_ids(register):
    ctx = register("risks:\n  - id: CR1\n  - id: CR2\n  - id: ' CR1 '\n")
    assert found(rules.duplicate_ids, ctx) == [
        "r.yaml:6:9:  CR1  ID: 'CR1' is used by more than one entry (also at line 4); IDs must be unique"
    ]


def test_duplicate_ids_leave_refused_ids_to_id_characters(register):
    ctx = register('risks:\n  - id: "CR1\\u200b"\n  - id: "CR1\\u200b"\n')
    assert found(rules.duplicate_ids, ctx) == []


def test_id_series(register):
    ctx = register("opportunities:\n" + "".join(f"  - id: {i}\n    owner: A\n" for i in ("C01", "CO2", "CO3")))
    assert found(rules.id_series, ctx) == [
        "r.yaml:4:9: warning: C01 ID: 'C01' breaks the series of IDs (CO…): did you mean 'CO1'?"
    ]


def test_id_series_suggests_the_common_prefix(register):
    ctx = register("risks:\n" + "".join(f"  - id: {i}\n    owner: A\n" for i in ("CR1", "CR2", "RR3")))
    assert found(rules.id_series, ctx) == [
        "r.yaml:8:9: warning: RR3 ID: 'RR3' breaks the series of IDs (CR…): did you mean 'CR3'?"
    ]


# --------------------------------------------------------------------------- scores and owners


def test_scores_on_scales(register):
    ctx = register("risks:\n  - id: CR1\n    current: {score: 16, likelihood: Possible, impact: Major}\n")
    assert found(rules.scores_on_scales, ctx) == [
        "r.yaml:5:14: CR1 current score: 16 does not match likelihood 3 (Possible) × impact 4 (Major) = 12"
    ]


def test_risk_not_worse_later(register):
    ctx = register("layout: cards\nrisks:\n  - id: CR1\n    owner: A\n    current: 6\n    target: 20\n")
    assert found(rules.risk_not_worse_later, ctx) == [
        "r.yaml:8:13: warning: CR1 target score: 20 is above the current score, 6: "
        "a target score should not be worse than today's"
    ]


def test_opportunity_not_smaller_later(register):
    ctx = register("opportunities:\n  - id: CO1\n    owner: A\n    current: 12\n    residual_score: 4\n")
    assert found(rules.opportunity_not_smaller_later, ctx) == [
        "r.yaml:7:21: warning: CO1 residual score: 4 is below the current score, 12: "
        "an opportunity's residual should not be smaller than today's"
    ]
    assert found(rules.risk_not_worse_later, ctx) == []


def test_has_owner(register):
    ctx = register(
        "risks:\n  - id: CR1\n  - id: CR2\n    controls: [{theme: T, owner: B, text: x}]\n  - id: CR3\n    owner: ' '\n"
    )
    assert found(rules.has_owner, ctx) == [
        "r.yaml:4:5: warning: CR1: has no owner: every risk and opportunity needs someone accountable",
        "r.yaml:7:5: warning: CR3: has no owner: every risk and opportunity needs someone accountable",
    ]


def test_fields_without_columns(register):
    ctx = register("risks:\n  - id: CR1\n    owner: A\n    target_score: 4\n")
    assert found(rules.fields_without_columns, ctx) == [
        "r.yaml:6:19: warning: CR1 target score: the table layout has no column for it, so the Word, PDF and "
        "HTML appendix will not show it (the Excel workbook does): add '- {field: target, label: Target Risk "
        "Score}' to the register's 'columns: risks:' list (only that column: the others stay), or use "
        "'layout: cards'"
    ]
    assert found(rules.fields_without_columns, register("layout: cards\nrisks:\n  - id: CR1\n    target: 4\n")) == []
    hidden = "columns:\n  risks:\n    - {field: direction, show: false}\nrisks:\n  - id: CR1\n    direction: Up\n"
    assert found(rules.fields_without_columns, register(hidden)) == [
        "r.yaml:8:16: warning: CR1 direction of travel: the table layout has no column for it, so the Word, PDF "
        "and HTML appendix will not show it (the Excel workbook does): its column under 'columns: risks:' has "
        "'show: false': remove that, or use 'layout: cards'"
    ]


def test_doing_what_fields_without_columns_advises_adds_the_column_and_keeps_the_others(register):
    """The advice was a trap: a 'target' column under 'columns:' replaced all ten with one."""
    import re

    from reportgen import view
    from reportgen.model import DEFAULT_OPPORTUNITY_COLUMNS, DEFAULT_RISK_COLUMNS
    from reportgen.validate import check

    entries = "risks:\n  - id: CR1\n    owner: A\n    current: 6\n    target_score: 4\n"
    entries += "opportunities:\n  - id: CO1\n    owner: A\n    current: 6\n    controls: Levy\n"
    advice = found(rules.fields_without_columns, register(entries))
    wanted = {}
    for line in advice:
        item, table = re.search(r"add '(- \{.*?\})' to the register's 'columns: (\w+):' list", line).groups()
        wanted.setdefault(table, []).append(item)
    columns = "columns:\n" + "".join(f"  {t}:\n" + "".join(f"    {i}\n" for i in items) for t, items in wanted.items())
    ctx = register(entries + columns)
    assert [d for rule in RULES for d in rule(ctx)] == []
    resolved, warnings = check(reader.read("r.yaml"))
    risks, opportunities = view.build(resolved).sections
    assert [(c.field, c.label) for c in risks.columns] == [*DEFAULT_RISK_COLUMNS, ("target", "Target Risk Score")]
    assert [(c.field, c.label) for c in opportunities.columns] == [
        *DEFAULT_OPPORTUNITY_COLUMNS,
        ("controls", "Current Controls"),
    ]


def test_scores_kept_as_written(register):
    """A score an import could not read is kept as written: validate says so every time, not only
    the import that kept it (one with a likelihood and an impact has its number)."""
    ctx = register(
        "risks:\n  - id: CR1\n    owner: A\n    current: 12\n    residual: {as_written: '(Major/ see note?'}\n"
        "    target: {as_written: 'see note', likelihood: 2, impact: 3}\n"
    )
    assert found(rules.scores_kept_as_written, ctx) == [
        "r.yaml:7:15: warning: CR1 residual score: kept as written, '(Major/ see note?', with no number: it is "
        "shown as written, with no band and no cell in the heat map; write the score, e.g. 12 or "
        "'12 (Major/Possible)'"
    ]


def test_has_current_score(register):
    ctx = register(
        "risks:\n  - id: CR1\n    owner: A\n    residual: 8\n  - id: CR2\n    owner: A\n    current: 30\n"
        "opportunities:\n  - id: CO1\n    owner: A\n"
    )
    # CR2's current score is there, out of range: an error of its own, not a missing score
    assert found(rules.has_current_score, ctx) == [
        "r.yaml:4:5: warning: CR1: has no current score: every risk and opportunity needs one (its band, its "
        "cell in the heat map and its trend come from it); add 'current_score'",
        "r.yaml:11:5: warning: CO1: has no current score: every risk and opportunity needs one (its band, its "
        "cell in the heat map and its trend come from it); add 'current_score'",
    ]
