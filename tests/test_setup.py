"""The set-up scripts `make` runs: which interpreter the virtualenv is made from, and when it is
made again."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEBIAN = Path("/usr/bin/python3")


def _version(python: str) -> tuple[int, int]:
    out = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1])


def test_pick_python_prefers_the_distributions_interpreter():
    if not DEBIAN.exists() or _version(str(DEBIAN)) < (3, 11):
        pytest.skip("no /usr/bin/python3 of 3.11 or newer on this machine")
    out = subprocess.run([ROOT / "scripts" / "pick-python"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(DEBIAN)


def _fake_venv(where: Path, executable: str) -> Path:
    where.mkdir()
    (where / "pyvenv.cfg").write_text(f"home = {Path(executable).parent}\nexecutable = {executable}\n")
    marker = where / "installed-before"
    marker.write_text("")
    return marker


def test_make_venv_keeps_a_venv_made_from_the_same_interpreter(tmp_path):
    python = os.path.realpath(sys.executable)
    marker = _fake_venv(tmp_path / "venv", python)
    subprocess.run([ROOT / "scripts" / "make-venv", tmp_path / "venv", sys.executable], check=True)
    assert marker.exists()


def test_make_venv_remakes_a_venv_made_from_another_interpreter(tmp_path):
    marker = _fake_venv(tmp_path / "venv", "/opt/elsewhere/bin/python3.11")
    out = subprocess.run(
        [ROOT / "scripts" / "make-venv", tmp_path / "venv", sys.executable], capture_output=True, text=True, check=True
    )
    assert not marker.exists()
    cfg = (tmp_path / "venv" / "pyvenv.cfg").read_text()
    assert f"executable = {os.path.realpath(sys.executable)}" in cfg
    assert "made from /opt/elsewhere/bin/python3.11" in out.stderr
    assert subprocess.run(
        [tmp_path / "venv" / "bin" / "python", "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip() == str(tmp_path / "venv")
