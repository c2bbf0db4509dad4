"""The PDF's worker processes (writers/pdf/workers.py): what they say when they cannot work."""

from __future__ import annotations

import sys

import pytest

from test_cli import _small_tmpfs

SCRIPT = """
from reportgen.writers.pdf.workers import WorkerError, Workers

with Workers(2, lambda: None, {"big": lambda text: b"x" * 400_000}) as workers:
    workers.run([("big", "a short piece")])
    try:
        workers.results(1)
    except WorkerError as exc:
        print(exc)
        print(exc.details)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workers fork on Linux only")
def test_a_result_that_does_not_fit_in_tmpdir_is_one_line(tmp_path):
    """The piece's text fits in TMPDIR, what the worker typeset from it does not: the build
    says so in one line, not with the worker's traceback."""
    proc = _small_tmpfs(tmp_path, 64, ["env", f"TMPDIR={tmp_path}", sys.executable, "-c", SCRIPT])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"cannot write the PDF's temporary files in {tmp_path}: No space left on device; "
        "set TMPDIR to a folder with room",
        "None",
    ]
