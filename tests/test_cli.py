"""The command line: exit codes, messages, no traceback, help with examples, atomic output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SAMPLES
from reportgen import api, writers
from reportgen.cli import main

SMALL = SAMPLES / "small.yaml"


@pytest.mark.parametrize("command", ["build", "validate", "schema", "init"])
def test_every_command_has_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out
    assert f"reportgen {command}" in out


def test_top_level_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("build", "validate", "schema", "init"):
        assert command in out
    assert main(["--version"]) == 0
    assert "reportgen, version" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert main(["build"]) == 2
    assert main(["build", str(SMALL), "-f", "pptx"]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'pptx'" in err
    assert "Traceback" not in err


def test_validate_valid_register(capsys):
    assert main(["validate", str(SMALL)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"{SMALL}: valid, 3 entries, 0 warnings"
    assert captured.err == ""


def _fake_html(monkeypatch, render=lambda view, options: b"<html></html>"):
    writers.available()  # load the real writers first, so undoing the patch restores the real one
    monkeypatch.setitem(writers._REGISTRY, "html", writers.Writer("html", "html", "test", render))


def test_invalid_register_exits_1_without_traceback_and_writes_nothing(tmp_path, capsys, monkeypatch):
    _fake_html(monkeypatch)
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: T\nperiod: Q1\nrisks:\n  - id: CR3\n    owner: A\n    residual: 30\n")
    assert main(["build", str(bad), "-f", "html", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"{bad}:6:15: CR3 residual score: 30 is above the highest possible score, 25"
    assert not (tmp_path / "out").exists()


def test_unexpected_failure_is_one_line_unless_debug(tmp_path, capsys, monkeypatch):
    def boom(view, options):
        raise RuntimeError("disk on fire")

    _fake_html(monkeypatch, boom)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "reportgen: error: RuntimeError: disk on fire (run with --debug for details)"
    assert main(["--debug", "build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_failed_build_keeps_last_quarters_file(tmp_path, capsys, monkeypatch):
    good = tmp_path / "small.html"
    good.write_bytes(b"last quarter")

    def boom(view, options):
        raise RuntimeError("render failed")

    _fake_html(monkeypatch, boom)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    assert good.read_bytes() == b"last quarter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.html"]


def test_write_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(api.OutputError, match="a.docx: disk full; no file was replaced"):
        api.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_build_writes_each_available_format(tmp_path, capsys):
    available = writers.available()
    if not available:
        pytest.skip("no writer is available yet")
    assert main(["build", str(SMALL), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote {tmp_path / ('small.' + w.extension)}" for w in available.values()]
    for w in available.values():
        assert (tmp_path / f"small.{w.extension}").stat().st_size > 0


def test_build_prints_warnings(tmp_path, capsys, monkeypatch):
    _fake_html(monkeypatch)
    assert main(["build", str(SAMPLES / "q1-2018-19.yaml"), "-f", "html", "-o", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "warning: C01 ID: 'C01' breaks the series of IDs" in captured.err
    assert captured.out.strip() == f"wrote {tmp_path / 'q1-2018-19.html'}"


def test_schema_is_json_schema_for_the_register(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"organisation", "period"}
    entry = schema["$defs"]["Entry"]
    assert entry["additionalProperties"] is False
    assert all(p.get("description") for p in entry["properties"].values())
    assert {"current_score", "residual_score", "target_score"} <= set(entry["properties"])


def test_schema_accepts_the_samples():
    import jsonschema
    from ruamel.yaml import YAML

    from reportgen.model import Register

    schema = Register.model_json_schema()
    for name in ("q1-2018-19.yaml", "q3-2021-22.yaml", "small.yaml"):
        data = YAML(typ="safe", pure=True).load((SAMPLES / name).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "cr-q3.yaml"
    assert main(["init", str(target)]) == 0
    assert main(["validate", str(target)]) == 0
    assert "valid, 2 entries, 0 warnings" in capsys.readouterr().out
    target.write_text("mine")
    assert main(["init", str(target)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert target.read_text() == "mine"
    assert main(["init", str(target), "--force"]) == 0


def test_runs_as_python_module():
    proc = subprocess.run([sys.executable, "-m", "reportgen", "validate", str(SMALL)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "valid, 3 entries" in proc.stdout


def test_the_command_exits_with_mains_status_and_all_its_output(tmp_path):
    """`run` (the console command) leaves without interpreter teardown: its exit status and
    every line it printed, to a pipe, must still arrive, and its files be complete."""
    missing = tmp_path / "missing.yaml"
    proc = subprocess.run([sys.executable, "-m", "reportgen", "validate", str(missing)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "no such file" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(SMALL), "-o", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"wrote {tmp_path / ('small.' + ext)}" for ext in ("docx", "pdf", "xlsx", "html")
    ]
    assert (tmp_path / "small.pdf").read_bytes().rstrip().endswith(b"%%EOF")


def test_progress_is_shown_on_a_terminal_only(tmp_path, monkeypatch, tty):
    _fake_html(monkeypatch)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 0
    assert "small.yaml: rendering html (1/1, 3 entries)" in tty.getvalue()
    assert tty.getvalue().endswith("\r\033[K")  # the line is cleared before the results are printed
