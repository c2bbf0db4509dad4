"""Reading YAML and JSON: locations, limits and the shorthands."""

from __future__ import annotations

import pytest

from reportgen import reader
from reportgen.diagnostics import RegisterError
from reportgen.model import Group, Score


def test_yaml_locations_point_at_values_and_keys(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("organisation: T\nperiod: Q1\nrisks:\n  - id: CR1\n    current: 12\n")
    loaded = reader.read(p)
    assert loaded.source.value(("risks", 0, "current")) == (5, 14)
    assert loaded.source.key(("risks", 0, "current")) == (5, 5)
    # a path below a value falls back to the value itself
    assert loaded.source.value(("risks", 0, "current", "score")) == (5, 14)


def test_json_locations_use_the_same_paths(tmp_path):
    p = tmp_path / "r.json"
    p.write_text('{"organisation": "T",\n "period": "Q1",\n "risks": [\n  {"id": "CR1", "current": 12}\n ]\n}\n')
    loaded = reader.read(p)
    assert loaded.source.value(("risks", 0, "current")) == (4, 28)
    assert loaded.source.key(("risks", 0, "id")) == (4, 4)


def test_score_and_group_shorthands(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(
        "organisation: T\nperiod: Q1\nrisks:\n  - id: CR1\n    current: 20\n"
        "    residual: 12 (Major/Possible)\n    target: {likelihood: 2, impact: Minor}\n"
        "    controls: '- a'\n    actions: ''\n"
    )
    e = reader.read(p).register.risks[0]
    assert e.current == Score(score=20)
    assert e.residual == Score(score=12, impact="Major", likelihood="Possible")
    assert e.target == Score(likelihood=2, impact="Minor")
    assert e.controls == [Group(text="- a")]
    assert e.actions == []


def test_alias_bomb_is_rejected_before_it_is_expanded(tmp_path, monkeypatch):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n")

    # 10^12 values if expanded: the refusal must come from counting the composed nodes,
    # before anything walks (or constructs) the expanded tree.
    def expanded(*args, **kwargs):
        raise AssertionError("the alias bomb was expanded")

    monkeypatch.setattr(reader, "_map_yaml", expanded)
    with pytest.raises(RegisterError) as info:
        reader.read(p)
    assert "alias bomb" in str(info.value)
    assert f"{reader.MAX_VALUES:,}" in str(info.value)


def test_shared_anchor_used_sensibly_is_fine(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(
        "organisation: T\nperiod: Q1\nrisks:\n  - id: CR1\n    owner: &cmt Corporate Management Team\n"
        "  - id: CR2\n    owner: *cmt\n"
    )
    reg = reader.read(p).register
    assert reg.risks[1].owner == "Corporate Management Team"


def test_bom_is_accepted(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_bytes("\ufefforganisation: T\nperiod: Q1\n".encode("utf-8"))
    assert reader.read(p).register.organisation == "T"
