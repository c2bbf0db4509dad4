"""Where the page's templates and its one stylesheet live, without importing Jinja2: the
PDF's worker processes read the stylesheet before the page exists (see `pdf._warm`)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STYLESHEET = "report.css"


def stylesheet() -> str:
    return (TEMPLATES / STYLESHEET).read_text(encoding="utf-8")


def inline_stylesheet() -> str:
    """The stylesheet as the page's first <style> element holds it (the register's band
    colours follow in a <style> of their own)."""
    return "\n" + stylesheet() + "\n"
