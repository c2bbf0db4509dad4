"""Read a register workbook back into a register: reportgen's own, after finance edited it.

The register sheet is the one holding an Excel table (or, failing that, a header row
with an ID column). Columns are matched by heading; computed columns (rating, band,
trend) are recognised and not imported. Rich-text cells keep their bold and italic.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock

from .. import vocabulary as words
from ..diagnostics import Diagnostic
from ..model import Entry, Register, Score
from . import Imported, ImportError_
from ._common import ALIASES, cannot_open, groups_from_lines, heading_block, read_score, settle_heading, split_types
from ._docx_text import Line, to_markdown

# Headings of reportgen's earlier workbooks, and what they hold.
_EARLIER = {"control owner(s)": "controls.owner", "mitigation owner(s)": "actions.owner"}


def _headings() -> dict[str, str | None]:
    """reportgen's own headings (the vocabulary's), and what each holds; None: computed, not data."""
    out: dict[str, str | None] = {
        _norm(heading): (None if key in words.COMPUTED_COLUMNS and key != "kind" else key)
        for key, heading in words.REGISTER_COLUMNS.items()
    }
    for heading, key in _EARLIER.items():
        out.setdefault(heading, key)
    return out


_KIND_WORDS = {"opp": "opportunity", "r": "risk", "o": "opportunity"}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def _field_of(heading: str) -> str | None | bool:
    """The field a column heading names; None for a computed column; False if unknown."""
    n = _norm(heading)
    own = _headings()
    if n in own:
        return own[n]
    for f, names in ALIASES.items():
        if n in names:
            return f if f not in ("current", "residual", "target") else f"{f}.score"
    return False


def _lines(value: Any) -> list[Line]:
    """A cell's text as lines of (text, bold, italic) runs, with leading spaces as indent."""
    if value is None:
        return []
    runs: list[tuple[str, bool, bool]] = []
    if isinstance(value, CellRichText):
        for part in value:
            if isinstance(part, TextBlock):
                runs.append((part.text, bool(part.font.b), bool(part.font.i)))
            else:
                runs.append((str(part), False, False))
    else:
        runs.append((str(value), False, False))
    lines: list[Line] = [Line([])]
    for text, b, i in runs:
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                lines.append(Line([]))
            if piece:
                lines[-1].runs.append((piece, b, i))
    for ln in lines:
        first = ln.text
        ln.indent = len(first) - len(first.lstrip(" "))
    return lines


def _text(value: Any) -> str:
    return "\n".join(ln.text for ln in _lines(value)).strip()


def _owners(value: Any, themes: list[str]) -> dict[str | None, str]:
    """'Theme: owner' lines (a theme of the groups beside them), or plain owner lines."""
    out: dict[str | None, list[str]] = {}
    for line in _text(value).splitlines():
        line = line.strip()
        if not line:
            continue
        theme = next((t for t in themes if line.startswith(f"{t}: ")), None)
        if theme is not None:
            out.setdefault(theme, []).append(line[len(theme) + 2 :].strip())
        else:
            out.setdefault(None, []).append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def _values(ws) -> dict[int, dict[int, Any]]:
    """The cells of `ws` that hold a value, as {row: {column: value}}, in order.

    Read from openpyxl's own store of the cells the file holds (`ws._cells`): its public
    `ws.cell()` and `ws.iter_rows()` make a cell for every row and column up to the sheet's
    extent, and one stray cell, or a table whose range runs to row 1,048,576, then made 20
    million of them (4 GB)."""
    grid: dict[int, dict[int, Any]] = {}
    for (r, c), cell in sorted(ws._cells.items()):
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        grid.setdefault(r, {})[c] = value
    return grid


def _find_sheet(wb) -> tuple[Any, dict[int, dict[int, Any]], int, int, int]:
    """(sheet, its values, header row, first column, last row) of the register table."""
    for ws in wb.worksheets:
        for table in ws.tables.values():
            m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", table.ref)
            if m:
                from openpyxl.utils import column_index_from_string

                return ws, _values(ws), int(m.group(2)), column_index_from_string(m.group(1)), int(m.group(4))
    for ws in wb.worksheets:
        grid = _values(ws)
        for r, row in grid.items():
            if r > 30:
                break
            heads = [_field_of(v) for v in row.values()]
            if "id" in heads and sum(1 for h in heads if h) >= 3:
                return ws, grid, r, 1, max(grid)
    raise ImportError_("has no register sheet (no Excel table, and no header row with an ID column)")


def _date(text: str) -> dt.date | None:
    m = re.search(r"Report date:\s*(\d{1,2} \w+ \d{4})", text)
    if m:
        try:
            return dt.datetime.strptime(m.group(1), "%d %B %Y").date()
        except ValueError:
            return None
    return None


def read_xlsx(path: Path, like: Register | None = None, progress=None) -> Imported:
    try:
        # (from its bytes: openpyxl refuses a path whose name does not end .xlsx, and a
        # workbook is told by its content, whatever it is called)
        wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), rich_text=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a broken or foreign workbook
        raise ImportError_(cannot_open(path, exc, "Excel")) from exc
    name = str(path)
    notes: list[Diagnostic] = []

    def note(message: str, where: str, entry: str | None = None, fld: str | None = None) -> None:
        notes.append(Diagnostic(f"{message} ({where})", severity="warning", file=name, entry=entry, field=fld))

    try:
        ws, grid, header_row, first_col, last_row = _find_sheet(wb)
    except ImportError_ as exc:
        raise ImportError_(f"{path}: {exc}") from exc
    scoring = like.scoring if like else Register(organisation="x", period="x").scoring
    headings = {c: (str(v), _field_of(str(v))) for c, v in grid.get(header_row, {}).items() if c >= first_col}
    # reportgen's own register table writes one type a line: each line is then one type as written
    own = words.REGISTER_TABLE in ws.tables
    risks: list[Entry] = []
    opps: list[Entry] = []
    # Only the rows that hold values: a range may run to the sheet's last row.
    rows = [r for r in grid if header_row < r <= last_row]
    for n, r in enumerate(rows):
        if progress and n % 25 == 0:
            progress(f"{path.name}: reading row {r} of {rows[-1]}")
        cells = {c: grid[r].get(c) for c in headings}
        if all(v is None for v in cells.values()):
            continue
        id_col = next((c for c, (_, f) in headings.items() if f == "id"), None)
        ident = _text(cells.get(id_col)) if id_col else ""
        where = f"sheet '{ws.title}', row {r}"
        if not ident:
            ident = f"row {r}"
            note("a row with no ID was imported under a made-up ID", where, ident)
        data: dict[str, Any] = {"id": ident}
        kind = "risk"
        scores: dict[str, dict[str, Any]] = {}
        owners: dict[str, Any] = {}
        for c, (heading, f) in headings.items():
            value = cells[c]
            if f is None or f == "id" or value in (None, ""):
                continue
            if f is False:
                note(
                    f"column '{heading}' fits no field of the register; its text was not imported: "
                    f"{_text(value)[:60]!r}",
                    where,
                    ident,
                )
                continue
            if f == "kind":
                kinds = {_norm(w): k for k, w in words.KIND_WORDS.items()} | _KIND_WORDS
                kind = kinds.get(_norm(value), "risk")
            elif "." in f and f.split(".")[0] in ("current", "residual", "target"):
                which, part = f.split(".")
                if isinstance(value, bool):
                    value = str(value)
                if isinstance(value, (int, float)) and float(value).is_integer():
                    scores.setdefault(which, {})[part] = int(value)
                elif part == "score":
                    score, problem = read_score(_text(value), scoring)
                    if problem:
                        note(f"{problem}; kept as written", where, ident, which)
                    if score is not None:
                        scores.setdefault(which, {}).update(score.model_dump(exclude_none=True))
                else:
                    scores.setdefault(which, {})[part] = _text(value)
            elif f in ("controls.owner", "actions.owner"):
                owners[f.split(".")[0]] = value
            elif f in ("controls", "actions"):
                groups = groups_from_lines(_lines(value))
                if groups:
                    data[f] = groups
            elif f == "types":
                data[f] = split_types(_text(value), one_a_line=own)
            elif f in ("owner", "title", "target_date", "target_confidence"):
                data[f] = _text(value)
            else:
                md = to_markdown(_lines(value))
                if md:
                    data[f] = md
        for key, value in owners.items():
            groups = data.get(key, [])
            found = _owners(value, [g.theme for g in groups if g.theme])
            if not groups:
                data[key] = [{"owner": "\n".join(found.values()), "text": ""}]
            else:
                data[key] = [
                    g.model_copy(update={"owner": found.get(g.theme, found.get(None) if not g.theme else None)})
                    for g in groups
                ]
                unthemed = found.get(None)
                if unthemed and all(g.theme for g in groups):
                    data[key][0] = data[key][0].model_copy(update={"owner": data[key][0].owner or unthemed})
        for which, parts in scores.items():
            data[which] = _edited_score(parts, scoring, kind, ident, which, where, note)
        (risks if kind == "risk" else opps).append(Entry(**data))
    if not risks and not opps:
        raise ImportError_(f"{path}: its register sheet has no entries")
    above = [_text(row[first_col]) for r, row in grid.items() if r < header_row and first_col in row]
    meta = heading_block([a for a in above if not a.startswith(("Period:", "Scores are"))], like)
    facts = next((a for a in above if a.startswith("Period:")), "")
    m = re.match(r"Period:\s*(.*?)(?:\s{2,}|$)", facts)
    if m:
        meta["period"] = m.group(1).strip()
    meta["report_date"] = _date(facts)
    created = wb.properties.created
    base = settle_heading(meta, like, created.date() if created is not None else None, note, "title block")
    base["layout"] = "cards" if any(s.title.lower() == "cards" for s in wb.worksheets) else base.get("layout", "table")
    base["risks"] = risks
    base["opportunities"] = opps
    return Imported(Register.model_validate(base), notes)


def _edited_score(parts: dict[str, Any], scoring, kind, ident, which, where, note) -> Score:
    """A score as the sheet holds it. If someone changed the score but not its likelihood and
    impact (or the reverse), keep what they typed last... which the sheet cannot tell: keep the
    score, drop the stale likelihood and impact, and say so."""
    score = parts.get("score")
    lk, im = parts.get("likelihood"), parts.get("impact")
    if isinstance(score, int) and isinstance(lk, int) and isinstance(im, int) and lk * im != score:
        note(
            f"score {score} does not match likelihood {lk} × impact {im} = {lk * im}; kept the score {score} "
            "and dropped the likelihood and impact: set them again",
            where,
            ident,
            which,
        )
        return Score(score=score)
    return Score(score=score, likelihood=lk, impact=im)
