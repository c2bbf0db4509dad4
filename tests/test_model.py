"""The model's own rules: how a register's `columns:` lists make the table layout's columns."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reportgen import api, reader, serialise
from reportgen.diagnostics import RegisterError
from reportgen.model import DEFAULT_OPPORTUNITY_COLUMNS, DEFAULT_RISK_COLUMNS, Register

HEAD = "organisation: T\nperiod: Q1\n"


def _columns(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    reg = reader.read(str(path)).register
    return [(c.field, c.label) for c in reg.columns.risks], [(c.field, c.label) for c in reg.columns.opportunities]


def test_relabelling_one_column_keeps_the_others_in_place(tmp_path):
    risks, opportunities = _columns(tmp_path, "columns:\n  risks:\n    - {field: id, label: RIN}\n")
    assert risks == [("id", "RIN"), *DEFAULT_RISK_COLUMNS[1:]]
    assert opportunities == DEFAULT_OPPORTUNITY_COLUMNS


def test_a_new_field_is_added_after_the_default_columns(tmp_path):
    risks, _ = _columns(
        tmp_path,
        "columns:\n  risks:\n    - {field: target, label: Target}\n    - {field: owner, label: Lead}\n"
        "    - {field: progress, label: Progress}\n",
    )
    defaults = [(f, "Lead" if f == "owner" else label) for f, label in DEFAULT_RISK_COLUMNS]
    assert risks == [*defaults, ("target", "Target"), ("progress", "Progress")]


def test_show_false_leaves_a_column_out_and_a_label_may_be_left_to_its_default(tmp_path):
    risks, opportunities = _columns(
        tmp_path,
        "columns:\n  risks:\n    - {field: direction, show: false}\n    - {field: target}\n"
        "  opportunities:\n    - {field: controls}\n",
    )
    assert risks == [*DEFAULT_RISK_COLUMNS, ("target", "Target Risk Score")]
    path = tmp_path / "r.yaml"
    reg = reader.read(str(path)).register
    assert [c.field for c in reg.columns.risks if not c.show] == ["direction"]
    assert opportunities[-1] == ("controls", "Current Controls")


def test_a_list_of_every_default_column_is_the_table_in_its_order(tmp_path):
    listed = [*reversed(DEFAULT_RISK_COLUMNS), ("target", "Target")]
    text = "columns:\n  risks:\n" + "".join(f"    - {{field: {f}, label: '{label}'}}\n" for f, label in listed)
    risks, _ = _columns(tmp_path, text)
    assert risks == listed


def test_a_column_listed_twice_is_an_error_at_its_line(tmp_path):
    with pytest.raises(RegisterError) as info:
        _columns(tmp_path, "columns:\n  risks:\n    - {field: target, label: A}\n    - {field: target, label: B}\n")
    assert [str(d) for d in info.value.diagnostics] == [
        f"{tmp_path / 'r.yaml'}:5:5: columns risks: the 'target' column is listed twice; list each field once"
    ]


def test_the_schema_shows_every_default_column():
    columns = api.schema()["$defs"]["Columns"]["properties"]
    assert [(c["field"], c["label"]) for c in columns["risks"]["default"]] == DEFAULT_RISK_COLUMNS
    assert [(c["field"], c["label"]) for c in columns["opportunities"]["default"]] == DEFAULT_OPPORTUNITY_COLUMNS
    assert "List only the columns to change or add" in columns["risks"]["description"]


def test_a_register_is_written_with_only_the_columns_it_changes(tmp_path):
    reg = Register.model_validate(
        {"organisation": "T", "period": "Q1", "columns": {"risks": [{"field": "target", "label": "Target"}]}}
    )
    assert serialise.register_data(reg)["columns"] == {"risks": [{"field": "target", "label": "Target"}]}
    assert Register.model_validate(serialise.register_data(reg)) == reg
    # an empty list changes nothing; a reordered table is written whole
    assert "columns" not in serialise.register_data(Register(organisation="T", period="Q1", columns={"risks": []}))
    listed = [{"field": f, "label": label} for f, label in reversed(DEFAULT_RISK_COLUMNS)]
    reordered = Register.model_validate({"organisation": "T", "period": "Q1", "columns": {"risks": listed}})
    assert serialise.register_data(reordered)["columns"] == {"risks": listed}
    hidden = Register.model_validate(
        {"organisation": "T", "period": "Q1", "columns": {"risks": [{"field": "direction", "show": False}]}}
    )
    written = serialise.register_data(hidden)["columns"]
    assert written == {"risks": [{"field": "direction", "label": "Direction of Travel", "show": False}]}
    assert Register.model_validate(serialise.register_data(hidden)) == hidden


@pytest.mark.parametrize(
    "written,read",
    [
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("March 2022/Ongoing", "March 2022/Ongoing"),
        ("2026-13-01", "2026-13-01"),
        ("20261231", "20261231"),
    ],
)
def test_a_target_date_written_yyyy_mm_dd_is_a_date_in_json_as_in_yaml(tmp_path, written, read):
    entry = {"id": "R1", "current": 6, "target_date": written}
    as_json = tmp_path / "r.json"
    as_json.write_text(json.dumps({"organisation": "C", "period": "Q1 2030/31", "risks": [entry]}), encoding="utf-8")
    as_yaml = tmp_path / "r.yaml"
    as_yaml.write_text(
        f"organisation: C\nperiod: Q1 2030/31\nrisks:\n  - {{id: R1, current: 6, target_date: '{written}'}}\n"
    )
    assert api.load(as_json).register.risks[0].target_date == read
    assert api.load(as_yaml).register.risks[0].target_date == read
