"""What the Word and Excel importers share: column headings, groups, the heading block."""

from __future__ import annotations

import re
from typing import Any

from .. import vocabulary as words
from ..model import Group, Register, Score, Scoring
from ..scoring import read_score_cell
from ._docx_text import Line, to_markdown

# Column headings seen in real registers, beyond the seeds' own (normalised: lower case, single spaces).
ALIASES = {
    "id": [
        "rin",
        "risk id",
        "ref",
        "reference",
        "risk ref",
        "risk reference",
        "id",
        "opportunity id",
        "oin",
        "risk identification number",
        "risk number",
    ],
    "title": ["title", "risk title", "opportunity title"],
    "description": ["risk description", "description", "risk", "opportunity"],
    "types": ["type", "risk type", "types", "category", "risk category"],
    "consequences": [
        "consequences",
        "risk consequences",
        "possible consequences",
        "benefits",
        "opportunity consequences",
        "impact description",
    ],
    "controls": ["controls", "current controls", "existing controls", "controls in place"],
    "current": [
        "current score",
        "current risk score",
        "inherent score",
        "score",
        "risk rating",
        "gross score",
        "current opportunity score",
    ],
    "actions": [
        "actions",
        "mitigating actions",
        "mitigation",
        "further actions",
        "planned actions",
        "actions to realise",
        "maximising actions",
    ],
    "residual": ["residual score", "residual risk score", "net score", "residual", "residual opportunity score"],
    "target": ["target score", "target risk score", "target opportunity score"],
    "owner": ["owner", "risk owner", "lead officer", "responsible officer", "opportunity owner"],
    "direction": ["direction of travel", "direction", "dot", "trend"],
    "progress": ["progress", "progress to date", "update"],
    "target_date": ["target date", "due date", "deadline"],
    "target_confidence": ["target confidence", "target risk confidence", "confidence"],
}


def split_types(text: str) -> list[str]:
    """Types as a cell shows them: one a line (as reportgen writes them), else separated by
    '/', ',' or ';' on one line (as clerks type them: 'Legal/ Political')."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) > 1:
        return lines
    parts = re.split(r"\s*[/,;]\s*|\s{2,}", text.strip())
    return [p.strip() for p in parts if p.strip()]


def _owner_line() -> re.Pattern[str]:
    """`Owner: Director of Finance` under a group (the vocabulary's line, or a clerk's variant)."""
    lead = re.escape(words.OWNER_LINE.split("{owner}")[0].strip().rstrip(":"))
    return re.compile(rf"^(?:{lead}|(?:control |mitigation |action )?owner)\s*:\s*(.+)$", re.I)


def read_score(text: str, scoring: Scoring) -> tuple[Score | None, str | None]:
    """A score cell as a Score, and why it could not be read (then it is kept as written)."""
    cell = read_score_cell(text, scoring)
    if cell.problem:
        return Score(as_written=cell.text), cell.problem
    if cell.score is None:
        return None, None
    return Score(score=cell.score.score, impact=cell.score.impact, likelihood=cell.score.likelihood), None


def groups_from_lines(lines: list[Line]) -> list[Group]:
    """Controls/actions: a sub-heading starts a themed group; 'Owner: X' gives its owner."""
    groups: list[dict[str, Any]] = [{"theme": None, "owner": None, "lines": []}]
    for ln in lines:
        text = ln.text.strip()
        if not text:
            continue
        m = _owner_line().match(text)
        if m and not ln.level:
            groups[-1]["owner"] = m.group(1).strip()
            continue
        if ln.is_heading:
            groups.append({"theme": text, "owner": None, "lines": []})
            continue
        groups[-1]["lines"].append(ln)
    out = []
    for g in groups:
        md = to_markdown(g["lines"])
        if g["theme"] is None and g["owner"] is None and not md:
            continue
        out.append(Group(theme=g["theme"], owner=g["owner"], text=md))
    return out


def heading_block(texts: list[str], like: Register | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    title = like.title if like else "Corporate Risk & Opportunity Register"
    rest: list[str] = []
    for t in texts:
        m = re.match(r"^\s*(Appendix\s+\w+)\s*[:–—-]?\s*(.*)$", t, re.I)
        if m and "appendix" not in out:
            out["appendix"] = m.group(1)
            t = m.group(2)
            if not t:
                continue
        i = t.lower().find(title.lower())
        if i < 0:
            m2 = re.search(r"\b[\w&' ]*Register\b", t)
            if m2 and "title" not in out:
                out["title"] = m2.group(0).strip()
                before, after = t[: m2.start()].strip(), t[m2.end() :].strip()
                if before:
                    out.setdefault("organisation", before)
                if after:
                    out["period"] = after
                continue
            rest.append(t)
            continue
        out["title"] = t[i : i + len(title)]
        before, after = t[:i].strip(), t[i + len(title) :].strip()
        if before:
            out.setdefault("organisation", before)
        if after:
            out["period"] = after
    for t in rest:
        if "organisation" not in out and t.strip():
            out["organisation"] = t.strip()
    return out


def cannot_open(path: Any, exc: Exception, app: str) -> str:
    """One line for the officer when python-docx or openpyxl cannot open a document;
    `app` is "Word" or "Excel"."""
    message = str(exc)
    if "Excessive depth" in message:  # libxml2's limit: 256 levels of elements
        return (
            f"{path}: is nested more than 256 levels deep (tables within tables within tables...), "
            f"far deeper than any register {'appendix' if app == 'Word' else 'workbook'}, so it was not read"
        )
    if exc.__class__.__name__ == "XMLSyntaxError":
        line = getattr(exc, "lineno", None)
        at = f" (line {line} of its XML)" if line else ""
        return f"{path}: is damaged: part of it is not well-formed XML{at}; open it in {app} and save it again"
    kind = "a Word document" if app == "Word" else "an Excel workbook"
    return f"{path}: cannot be opened as {kind} ({exc.__class__.__name__})"
