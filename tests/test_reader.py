"""Reading YAML and JSON: locations, limits and the shorthands."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from hostile import problem_lines, run_limited
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


# --------------------------------------------------------------------------- hostile input

HEAD_JSON = '{"organisation": "T", "period": "Q1", "risks": ['
HEAD_YAML = "organisation: T\nperiod: Q1\nrisks:"


@pytest.mark.parametrize(
    "name, text",
    [
        # 4 MB: pydantic's validation aborted the process; 19 MB: 10.5 GB of memory
        ("zeros.json", lambda: HEAD_JSON + ",".join("0" * 2_000_000) + "]}\n"),
        ("zeros-19mb.json", lambda: HEAD_JSON + ",".join("0" * 9_500_000) + "]}\n"),
        # 3.8 MB: out of memory after 64 s; 4 MB: 50 s, then called an alias bomb
        ("flow.yaml", lambda: HEAD_YAML + " [" + ",".join("0" * 1_900_000) + "]\n"),
        ("block.yaml", lambda: HEAD_YAML + "\n" + "- 0\n" * 1_000_000),
    ],
    ids=["json-4mb", "json-19mb", "yaml-flow", "yaml-block"],
)
def test_millions_of_values_are_refused_by_count(name, text, tmp_path):
    path = tmp_path / name
    path.write_text(text())
    proc = run_limited(["validate", str(path)])
    assert proc.returncode == 1
    (line,) = problem_lines(proc)
    assert line.startswith(f"{path}:")
    assert f"holds more than {reader.MAX_VALUES:,} values, far more than a register" in line
    assert "alias" not in line


def test_a_register_of_5000_entries_is_within_the_count(tmp_path):
    entry = {"id": "CR1", "description": "d", "types": ["Economic", "Political"], "owner": "o"}
    entry |= {"current_score": {"likelihood": 3, "impact": 4}, "controls": [{"theme": "t", "owner": "o", "text": "x"}]}
    risks = [dict(entry, id=f"CR{i}") for i in range(1, 5001)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"organisation": "T", "period": "Q1", "risks": risks}, indent=1))
    assert len(reader.read(path).register.risks) == 5000


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_is_read_no_further_than_the_limit(source, tmp_path):
    path = Path(source)
    if source == "fifo":
        path = tmp_path / "register.yaml"
        os.mkfifo(path)

        def endless() -> None:
            try:
                with open(path, "wb") as fh:
                    while True:
                        fh.write(b"0" * 2**16)
            except BrokenPipeError:
                pass

        threading.Thread(target=endless, daemon=True).start()
    proc = run_limited(["validate", str(path)])
    assert proc.returncode == 1
    assert problem_lines(proc) == [
        f"{path}: the file is more than 20 MiB: too large to be a register (the limit is 20 MiB)"
    ]


@pytest.mark.parametrize(
    "name, text, where",
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json:1:65:"),
        ("deep.yaml", "risks: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yaml:1:"),
        ("deep-block.yaml", "".join("  " * i + "- \n" for i in range(3000)), "deep-block.yaml:65:"),
    ],
    ids=["json", "yaml-flow", "yaml-block"],
)
def test_deep_nesting_is_one_line_with_where(name, text, where, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(RegisterError) as info:
        reader.read(path)
    assert str(info.value) == f"{tmp_path}/{where} nested more than 64 levels deep: too deep to be a register"


def test_a_json_key_given_twice_is_refused_with_its_line(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"organisation": "T", "period": "Q1",\n "risks": [{"id": "CR1", "current_score": 25,\n'
                    '   "current_score": 1}]}\n')  # fmt: skip
    with pytest.raises(RegisterError) as info:
        reader.read(path)
    assert str(info.value) == (
        f"{path}:3:4: CR1: 'current_score' is given twice in the same mapping (25, then 1): give it once"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_is_named(encoding, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes("organisation: T\nperiod: Q1\n".encode(encoding))
    with pytest.raises(RegisterError) as info:
        reader.read(path)
    assert "UTF-16" in str(info.value) and "save the register as UTF-8" in str(info.value)
