"""Every bad-register case and every warning case: one data file each, with its expected messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.cli import main

DATA = Path(__file__).parent / "data"


def _cases(folder: str) -> list[Path]:
    return sorted(p for p in (DATA / folder).iterdir() if p.suffix != ".expected")


def _run(capsys, monkeypatch, path: Path) -> tuple[int, list[str], str]:
    monkeypatch.chdir(path.parent)
    code = main(["validate", path.name])
    out = capsys.readouterr()
    return code, out.err.splitlines(), out.out


@pytest.mark.parametrize("path", _cases("bad"), ids=lambda p: p.stem)
def test_bad_register_is_rejected_with_its_messages(path, capsys, monkeypatch):
    code, err, _ = _run(capsys, monkeypatch, path)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert code == 1
    assert "Traceback" not in "\n".join(err)
    assert err[:-1] == expected  # the last line counts the errors
    assert err[-1].startswith(f"{path.name}: ") and err[-1].endswith(("error", "errors"))


@pytest.mark.parametrize("path", _cases("warn"), ids=lambda p: p.stem)
def test_warning_is_printed_and_register_stays_valid(path, capsys, monkeypatch):
    code, err, out = _run(capsys, monkeypatch, path)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert code == 0
    assert err == expected
    assert all("warning:" in line for line in err)
    assert "valid" in out


def test_every_error_is_reported_in_one_run(capsys, monkeypatch, tmp_path):
    reg = tmp_path / "many.yaml"
    reg.write_text(
        "organisation: T\nperiod: Q1\nrisks:\n"
        "  - id: CR1\n    owner: A\n    current: 30\n"
        "  - id: CR2\n    owner: A\n    current: {score: 16, likelihood: 3, impact: 4}\n"
        "  - id: CR3\n    owner: A\n    current: 4\n    ownr: B\n"
        "  - id: CR1\n    owner: A\n    current: 4\n",
        encoding="utf-8",
    )
    code, err, _ = _run(capsys, monkeypatch, reg)
    assert code == 1
    assert err[:4] == [
        "many.yaml:6:14: CR1 current score: 30 is above the highest possible score, 25",
        "many.yaml:9:14: CR2 current score: 16 does not match likelihood 3 (Possible) × impact 4 (Major) = 12",
        "many.yaml:13:5: CR3: 'ownr' is not a field a register knows; did you mean 'owner'?",
        "many.yaml:14:9: CR1 ID: 'CR1' is used by more than one entry (also at line 4); IDs must be unique",
    ]
    assert err[4] == "many.yaml: 4 errors"


def test_too_large_file_is_refused_without_reading_it(capsys, monkeypatch, tmp_path):
    big = tmp_path / "huge.yaml"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    code, err, _ = _run(capsys, monkeypatch, big)
    assert code == 1
    assert "too large to be a register" in err[0]


def test_folder_and_missing_file(capsys, monkeypatch, tmp_path):
    (tmp_path / "q3").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "q3", "nope.yaml"]) == 1
    err = capsys.readouterr().err
    assert "q3: is a folder, not a register file" in err
    assert "nope.yaml: no such file" in err


def test_opportunity_impact_labels_and_label_number_form(tmp_path):
    from reportgen import api

    reg = tmp_path / "r.yaml"
    reg.write_text(
        "organisation: T\nperiod: Q1\nlayout: cards\nopportunities:\n"
        "  - id: CO1\n    owner: A\n    current: 15 (outstanding/possible)\n"
        "    target: {likelihood: Certain (5), impact: Outstanding (5)}\n",
        encoding="utf-8",
    )
    checked = api.load(reg)
    co1 = checked.register.opportunities[0]
    assert (co1.current.score, co1.current.likelihood, co1.current.impact) == (15, 3, 5)
    assert (co1.target.score, co1.target.likelihood, co1.target.impact) == (25, 5, 5)
    assert checked.warnings == []


def test_contrast_of_default_bands_meets_wcag_aa():
    from reportgen.model import Scoring
    from reportgen.validate import contrast

    for band in Scoring().bands:
        assert contrast(band.colour, band.text_colour) >= 4.5, band.name
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
