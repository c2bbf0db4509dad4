"""Shared fixtures: the sample registers and golden-file comparison.

Golden files are regenerated, never hand-edited:
    .venv/bin/pytest --regen-golden      # then review `git diff tests/golden`
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

import pytest

# Compiled templates go to a folder of the test run's own, not the user's ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="reportgen-tests-cache-")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", help="rewrite tests/golden/* from the current output")


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


@pytest.fixture
def golden(request):
    """golden(name, text): compare `text` with tests/golden/<name> (or rewrite it with --regen-golden)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--regen-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run pytest --regen-golden and review the diff"
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            diff = "".join(
                difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "output", n=2)
            )
            pytest.fail(f"output differs from {path.name}:\n{diff[:6000]}")

    return check


def register_strings(path: Path) -> list[str]:
    """Every string a register file supplies, as its author typed it (not layout, dates or colours)."""
    from ruamel.yaml import YAML

    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("layout", "report_date") and "colour" not in k:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            out.append(node)

    walk(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    return out


@pytest.fixture
def tty(monkeypatch):
    """A terminal standing in for stderr: what the CLI shows only when output is a terminal."""
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    monkeypatch.setattr("click.get_text_stream", lambda name: stream)
    return stream
