"""A diagnostic prints as one line, whatever the register's text holds."""

from __future__ import annotations

import pytest

from reportgen.diagnostics import Diagnostic


def test_diagnostic_names_file_line_column_entry_and_field():
    d = Diagnostic("is missing", file="r.yaml", line=3, column=5, entry="CR1", field="owner")
    assert str(d) == "r.yaml:3:5: CR1 owner: is missing"
    assert str(Diagnostic("has no owner", severity="warning", file="r.yaml", line=4, entry="CR1")) == (
        "r.yaml:4: warning: CR1: has no owner"
    )


@pytest.mark.parametrize(
    "entry, shown",
    [
        ("CR1\nr.yaml:1:1: all is well", "CR1\\nr.yaml:1:1: all is well"),
        ("CR2\r", "CR2\\r"),
        ("CR\u202e12", "CR\\u202e12"),
        ("CR1\u200b", "CR1\\u200b"),
        ("Rísg\u00a01 – 风险", "Rísg\u00a01 – 风险"),
    ],
)
def test_a_value_that_would_break_or_turn_the_line_is_escaped(entry, shown):
    d = Diagnostic("'ownr' is not a field a register knows", file="r.yaml", line=8, column=5, entry=entry)
    assert str(d) == f"r.yaml:8:5: {shown}: 'ownr' is not a field a register knows"
    assert len(str(d).splitlines()) == 1
