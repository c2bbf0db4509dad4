"""Where the page's templates and its one stylesheet live, without importing Jinja2: the
PDF's worker processes read the stylesheet before the page exists (see `pdf._warm`)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STYLESHEET = "report.css"


def stylesheet() -> str:
    return (TEMPLATES / STYLESHEET).read_text(encoding="utf-8")
