"""The sample registers load with only the warnings their real data errors deserve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import SAMPLES, sample_paths
from reportgen import api
from reportgen.model import Register

EXPECTED_WARNINGS = {
    "q1-2018-19.yaml": ["C01 ID: 'C01' breaks the series of IDs (CO…): did you mean 'CO1'?"],
    "q2-2018-19.yaml": ["C01 ID: 'C01' breaks the series of IDs (CO…): did you mean 'CO1'?"],
    "q3-2021-22.yaml": [
        "Corp 4 target score: 20 is above the current score, 6: a target score should not be worse than today's"
    ],
    "q2-2018-19-json.json": ["C01 ID: 'C01' breaks the series of IDs (CO…): did you mean 'CO1'?"],
    "small.yaml": [],
}


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_sample_loads_with_only_its_real_warnings(path: Path):
    checked = api.load(path)
    got = [f"{d.entry} {d.field}: {d.message}" if d.field else f"{d.entry}: {d.message}" for d in checked.warnings]
    assert got == EXPECTED_WARNINGS[path.name]


def test_every_sample_has_expected_warnings_listed():
    assert sorted(p.name for p in sample_paths()) == sorted(EXPECTED_WARNINGS)


def test_seed_registers_are_complete():
    q1 = api.load(SAMPLES / "q1-2018-19.yaml").register
    q2 = api.load(SAMPLES / "q2-2018-19.yaml").register
    cards = api.load(SAMPLES / "q3-2021-22.yaml").register
    assert [e.id for e in q1.risks] == [f"CR{i}" for i in range(1, 12)]
    assert [e.id for e in q2.risks] == [f"CR{i}" for i in range(1, 13)]
    assert [e.id for e in q1.opportunities] == ["C01", "CO2", "CO3"]
    assert [e.id for e in cards.risks] == [f"Corp {i}" for i in range(1, 8)]
    assert [e.id for e in cards.opportunities] == ["CO1", "CO2"]
    cr3 = {e.id: e for e in q1.risks}["CR3"], {e.id: e for e in q2.risks}["CR3"]
    assert (cr3[0].current.score, cr3[1].current.score) == (25, 15)
    cr12 = {e.id: e for e in q2.risks}["CR12"]
    assert (cr12.residual.score, cr12.residual.impact, cr12.residual.likelihood) == (12, 4, 3)
    corp2 = {e.id: e for e in cards.risks}["Corp 2"]
    assert (corp2.current.likelihood, corp2.current.impact) == (3, 4)
    assert cards.layout == "cards" and q1.layout == "table"


def test_json_sample_is_the_same_register_as_its_yaml():
    from_json = api.load(SAMPLES / "q2-2018-19-json.json").register
    from_yaml = api.load(SAMPLES / "q2-2018-19.yaml").register
    assert from_json == from_yaml


def test_yaml_and_json_of_any_sample_load_to_the_same_model(tmp_path):
    for path in sample_paths():
        if path.suffix != ".yaml":
            continue
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        as_json = tmp_path / (path.stem + ".json")
        as_json.write_text(json.dumps(data, default=str, indent=1), encoding="utf-8")
        assert api.load(as_json).register == api.load(path).register, path.name


def test_starter_register_is_valid_and_warning_free():
    from importlib import resources

    text = resources.files("reportgen").joinpath("starter.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    assert Register.model_validate(data).risks
