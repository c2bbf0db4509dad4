"""Generate the README's command-line reference from `--help`, so the two cannot drift.

    .venv/bin/python scripts/cli_docs.py          # rewrite the README section
    (tests/test_readme.py fails when the README is out of date)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def reference() -> str:
    runner = CliRunner()
    parts = []
    for args in ([], *([name] for name in cli.commands)):
        result = runner.invoke(cli, [*args, "--help"], prog_name="reportgen", terminal_width=100)
        title = "reportgen " + " ".join(args) if args else "reportgen"
        parts.append(f"### `{title.strip()}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def render(readme: str) -> str:
    block = f"{START}\n{reference()}{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    README.write_text(render(text), encoding="utf-8")
    sys.exit(0)
