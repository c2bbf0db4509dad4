"""What the Word and Excel importers share: column headings, groups, the heading block."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
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


def split_types(text: str, one_a_line: bool = False) -> list[str]:
    """Types as a cell shows them: one a line (as reportgen writes them), else separated by
    '/', ',' or ';' on one line (as clerks type them: 'Legal/ Political').

    `one_a_line`: the cell is reportgen's own (its Word style, its Excel table), so each line
    is one type as written, "Health/Safety" and all: reportgen never joins types on one line."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) > 1 or one_a_line:
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
    """Controls/actions: a sub-heading starts a themed group; 'Owner: X' gives its owner; an
    action's status line ('Due 1 September 2018 · Open · Overdue', printed last in its group)
    gives its due date and status and ends the group, so that what follows starts the next."""

    def new(theme: str | None = None) -> dict[str, Any]:
        return {"theme": theme, "owner": None, "lines": [], "due": None, "status": None, "ended": False}

    groups: list[dict[str, Any]] = [new()]
    for ln in lines:
        text = ln.text.strip()
        if not text:
            continue
        m = _owner_line().match(text)
        if m and not ln.level:
            if groups[-1]["ended"]:
                groups.append(new())
            groups[-1]["owner"] = m.group(1).strip()
            continue
        status = None if ln.level else status_line(ln)
        if status is not None:
            if groups[-1]["ended"]:
                groups.append(new())
            groups[-1].update(due=status[0], status=status[1], ended=True)
            continue
        if ln.is_heading:
            groups.append(new(text))
            continue
        if groups[-1]["ended"]:
            groups.append(new())
        groups[-1]["lines"].append(ln)
    out = []
    for g in groups:
        md = to_markdown(g["lines"])
        if g["theme"] is None and g["owner"] is None and not md and g["due"] is None and g["status"] is None:
            continue
        out.append(Group(theme=g["theme"], owner=g["owner"], text=md, due=g["due"], status=g["status"]))
    return out


def format_pattern(fmt: str, **groups: str) -> str:
    """A regular expression for a vocabulary wording: each `{name}` a named group (`.+?` unless
    given), the rest literal, any run of spaces matching any whitespace."""
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", fmt):
        out.append(re.escape(fmt[pos : m.start()]))
        out.append(f"(?P<{m.group(1)}>{groups.get(m.group(1), '.+?')})")
        pos = m.end()
    out.append(re.escape(fmt[pos:]))
    return re.sub(r"(?:\\ )+", r"\\s+", "".join(out))


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: A date as reportgen prints one (`view.long_date`): "1 September 2018".
LONG_DATE = r"\d{1,2}\s+[A-Za-z]+\s+\d{4}"


def read_long_date(text: str) -> dt.date | None:
    """ "1 September 2018" (as every format prints a date) as a date; None for anything else."""
    m = re.fullmatch(r"\s*(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\s*", text)
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    try:
        return dt.date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
    except ValueError:
        return None


def date_or_text(text: str) -> dt.date | str:
    """A target date as shown: a date where it reads as one ("1 September 2018"), else the text."""
    return read_long_date(text) or text.strip()


def status_line(ln: Line) -> tuple[dt.date | None, str | None] | None:
    """An action group's status line (`GroupView.status_text`: 'Due 1 September 2018 · Open ·
    Overdue', the parts it has, in that order) as (due, status); None for any other line. The
    overdue flag is computed from the report date, so it is not read. A lone status word is a
    status line only in reportgen's italic (else it may be an action that says 'Done')."""
    parts = [p.strip() for p in ln.text.strip().split("·")]  # the view joins the parts with " · "
    due_re = re.compile(format_pattern(words.ACTION_DUE, date=LONG_DATE), re.I)
    statuses = {norm(v): k for k, v in words.ACTION_STATUS.items()}
    due: dt.date | None = None
    status: str | None = None
    stage = 0  # the parts come in order: due, status, overdue
    for part in parts:
        m = due_re.fullmatch(part)
        if stage == 0 and m:
            due = read_long_date(m.group("date"))
            if due is None:
                return None
            stage = 1
        elif stage <= 1 and norm(part) in statuses:
            status, stage = statuses[norm(part)], 2
        elif stage >= 1 and norm(part) == norm(words.OVERDUE) and due is not None:
            stage = 3
        else:
            return None
    if due is None and status is None:
        return None
    if due is None and len(parts) == 1 and not all(i for t, _, i in ln.runs if t.strip()):
        return None
    return due, status


def norm(text: str) -> str:
    """Text compared as a heading: lower case, single spaces, no colons or non-breaking spaces."""
    return re.sub(r"[\s:]+", " ", text.replace("\u00a0", " ")).strip().lower()


def not_data(text: str) -> bool:
    """A heading or line reportgen prints around the register tables (not register data, and
    never the organisation): a section heading such as "Risks", "Key to Scores", "Page 2 of 9"."""
    n = norm(text)
    heads = [
        words.KEY_TO_SCORES,
        words.SCORE_BANDS,
        words.HEAT_MAPS,
        *words.SECTION_HEADINGS.values(),
        words.TRACKING_HEADING,
        words.RISK_APPETITE,
        words.APPETITE_NOTE,
    ]
    return n in {norm(h) for h in heads} or n.startswith(words.NOT_DATA) or pack_line(text)


#: The warning an import of a Part B document gives: it holds the exempt information, and does not
#: say which it is, so a public document made from the import would publish it.
PART_B_IMPORTED = (
    "this is a Part B document (NOT FOR PUBLICATION): it holds exempt information without saying which; mark "
    "the exempt entries again ('exempt:') before building public documents from this register"
)


def template_pattern(template: str) -> str:
    """A vocabulary template as a pattern: each `{field}` any text."""
    return r"\s+".join(".+?".join(re.escape(p) for p in re.split(r"\{\w+\}", part)) for part in template.split())


def part_b_mark(text: str) -> bool:
    """Whether `text` is Part B's "NOT FOR PUBLICATION: exempt information under paragraph 3 …"."""
    return re.fullmatch(template_pattern(words.PART_B_NOTICE), " ".join(text.split()), re.I) is not None


def pack_line(text: str) -> bool:
    """A line reportgen prints for a pack, not register data: Part B's mark, what a selected
    document holds ("Entries owned by: children; 4 of 15 entries"), a deep dive's or a summary's
    headings."""
    t = " ".join(text.split())
    if part_b_mark(t):
        return True
    whole = (
        words.DEEP_DIVE,
        words.DEEP_DIVE_MORE,
        words.DEEP_DIVE_GRID,
        words.SUMMARY_HEADING,
        words.BAND_COUNTS,
        words.TOP_BAND,
        words.HISTORY_HEADING,
    )
    if any(re.fullmatch(template_pattern(w), t, re.I) for w in whole):
        return True
    parts = [
        template_pattern(w)
        for w in (words.SELECT_IDS, words.SELECT_BAND, words.SELECT_OWNER, words.SELECT_TYPE, words.SELECT_COUNT)
    ] + [re.escape(words.SELECT_ABOVE_APPETITE)]
    pieces = t.split("; ")
    return len(pieces) > 1 and all(any(re.fullmatch(p, piece, re.I) for p in parts) for piece in pieces)


def heading_block(texts: list[str], like: Register | None) -> dict[str, Any]:
    """The organisation, title, period and appendix label as the document's heading shows them
    (the lines above the first table); what it does not show is left out, never guessed."""
    out: dict[str, Any] = {}
    texts = [t for t in texts if t.strip() and not not_data(t)]
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


#: What an import writes when the document's heading does not say (and no --like register does).
UNKNOWN_ORGANISATION = "Unknown organisation"
UNKNOWN_PERIOD = "Unknown period"

Note = Callable[[str, str], None]


def settle_heading(
    meta: dict[str, Any],
    like: Register | None,
    created: dt.date | None,
    note: Note,
    where: str,
) -> dict[str, Any]:
    """The register's heading fields: what the document's heading shows (`meta`); else the
    `--like` register's; else, for the report date only, the file's created date; else a
    placeholder. Every value the heading does not show is named in a warning, with where it
    came from. Never the file's author, creator or last editor: that is a person (a clerk, or
    the program that made the file), not the organisation."""
    base = like.model_dump(exclude={"risks", "opportunities"}) if like else {}
    shown = {k: v for k, v in meta.items() if v}
    base.update(shown)
    for key, placeholder in (("organisation", UNKNOWN_ORGANISATION), ("period", UNKNOWN_PERIOD)):
        if key in shown:
            continue
        if like is not None:
            note(f"no {key} found in the {where}; {key} '{base[key]}' taken from the --like register: check it", where)
        else:
            base[key] = placeholder
            note(
                f"no {key} found in the {where}; wrote {key} '{placeholder}': set '{key}' by hand "
                "(or import with --like REGISTER)",
                where,
            )
    if "report_date" not in shown:
        if like is not None and like.report_date:
            note(f"report date {like.report_date} taken from the --like register: check it", where)
        elif created is not None:
            base["report_date"] = created
            note(f"report date {created} taken from the file's created date: check it", "file properties")
    return base


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
