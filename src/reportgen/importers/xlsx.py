"""Read a register workbook back into a register: reportgen's own, after finance edited it.

The register sheet is the one holding an Excel table (or, failing that, a header row
with an ID column). Columns are matched by heading; computed columns (rating, band,
trend) are recognised and not imported, except that a Rating reading "… (as written, not
a score)" beside an empty Score cell gives that score back as written. Rich-text cells
keep their bold and italic; where a program saved the workbook without any (openpyxl or
pandas do), the writer's hidden Formatting sheet gives them back to unedited cells.

Scores: a score that is the formula likelihood × impact of its row (as reportgen writes a
current score) is likelihood × impact, whatever value the file cached (none, after a
program that does not calculate saved it; a stale one is replaced, with a warning). A typed
score that does not match its likelihood × impact: the Rating beside it (the labels when
the workbook was made) tells which was edited. Other formulas are read as their values.

Appetite, targets and actions (a register that tracks them): the appetite (levels, the level
of each risk type, the default) from the Appetite sheet; an entry's own level from the
Register's Appetite Level column, kept only where it differs from the level its types (or the
default) give it; a next review and a target date as dates; each action group's due date and
status from the Actions sheet, matched to the Register's groups by the entry's ID and the
action's text, else its number (see `_match_actions`). The flags and counts beside them
(above appetite, gap, overdue, next due) are computed, and not read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel

from .. import appetite as appetite_rule
from .. import richtext
from .. import vocabulary as words
from ..diagnostics import Diagnostic
from ..model import Appetite, AppetiteLevel, Entry, Group, Register, Score
from . import Imported, ImportError_
from ._common import (
    ALIASES,
    PART_B_IMPORTED,
    cannot_open,
    groups_from_lines,
    heading_block,
    part_b_mark,
    read_score,
    settle_heading,
    split_types,
)
from ._docx_text import Line, to_markdown

# Headings of reportgen's earlier workbooks, and what they hold.
_EARLIER = {"control owner(s)": "controls.owner", "mitigation owner(s)": "actions.owner"}


def _headings() -> dict[str, str | None]:
    """reportgen's own headings (the vocabulary's), and what each holds; None: computed, not data
    (a score's Rating is named, `current.rating`: it can hold a score as written)."""
    out: dict[str, str | None] = {
        _norm(heading): (
            None if key in words.COMPUTED_COLUMNS and key != "kind" and not key.endswith(".rating") else key
        )
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
    """(sheet, its values, header row, first column, last row) of the register table: reportgen's
    own (by its name: the Actions, Appetite and History sheets hold tables too), else the first
    table that is not one of reportgen's others; else a header row with an ID column, on the
    Register sheet first, and never on a sheet holding one of reportgen's other tables (the History
    sheet's ID, Type and Title are not a register)."""
    ours = {name.lower() for name in words.NOT_REGISTER_TABLES}
    tables = [(ws, t) for ws in wb.worksheets for t in ws.tables.values() if t.displayName.lower() not in ours]
    tables.sort(key=lambda wt: wt[1].displayName != words.REGISTER_TABLE)
    for ws, table in tables:
        m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", table.ref)
        if m:
            return ws, _values(ws), int(m.group(2)), column_index_from_string(m.group(1)), int(m.group(4))
    for ws in sorted(wb.worksheets, key=lambda ws: ws.title != words.REGISTER_SHEET):
        if any(t.displayName.lower() in ours for t in ws.tables.values()):
            continue
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


def _formulas(ws, data: bytes, grid: dict[int, dict[int, Any]]) -> dict[tuple[int, int], tuple[str, Any]]:
    """Each formula cell of `ws` that holds one, {(row, column): (formula, its cached value)}, and
    the cached values in `grid` in place of the formulas (None where the file has none: a
    program that does not calculate saved it). The workbook is opened again for the values
    (openpyxl gives a cell's formula or its value, not both), streamed, over their rows only."""
    found = {
        (r, c): str(cell.value)
        for (r, c), cell in ws._cells.items()
        if cell.data_type == "f" and r in grid and c in grid[r]
    }
    if not found:
        return {}
    rows = sorted({r for r, _ in found})
    cols = sorted({c for _, c in found})
    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        cached: dict[tuple[int, int], Any] = {}
        sheet = values[ws.title]
        for r, row in enumerate(
            sheet.iter_rows(min_row=rows[0], max_row=rows[-1], min_col=cols[0], max_col=cols[-1], values_only=True),
            rows[0],
        ):
            for c, value in enumerate(row, cols[0]):
                if (r, c) in found:
                    cached[(r, c)] = value
    finally:
        values.close()
    out = {}
    for (r, c), formula in found.items():
        value = cached.get((r, c))
        out[(r, c)] = (formula, value)
        if value is None or (isinstance(value, str) and not value.strip()):
            del grid[r][c]
        else:
            grid[r][c] = value
    return out


def _text_check(text: str) -> str:
    """The check of a cell's text on the Formatting sheet (writers/xlsx/formatting.py)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_RUN = re.compile(r"(\d+):(\d+):(b|i|bi)")


def _restyled(text: str, runs: str) -> CellRichText | None:
    """`text` with the bold and italic `runs` (`start:length:how ...`) of a Formatting record."""
    parts: list = []
    at = 0
    for item in runs.split():
        m = _RUN.fullmatch(item)
        if not m:
            return None
        start, length, how = int(m.group(1)), int(m.group(2)), m.group(3)
        if start < at or start + length > len(text) or not length:
            return None
        if start > at:
            parts.append(text[at:start])
        parts.append(TextBlock(InlineFont(b="b" in how or None, i="i" in how or None), text[start : start + length]))
        at = start + length
    if at < len(text):
        parts.append(text[at:])
    return CellRichText(parts) if parts else None


def _restore_emphasis(wb, grid, header_row: int, headings: dict[int, tuple[str, Any]]) -> None:
    """Bold and italic from the hidden Formatting sheet, for a workbook saved by a program that
    dropped every rich-text run (none is left): each record gives back its cell's runs if the
    cell's text is still the text recorded (an edited cell keeps its edit)."""
    if words.FORMATTING_SHEET not in wb.sheetnames:
        return
    if any(isinstance(v, CellRichText) for row in grid.values() for v in row.values()):
        return  # rich text survived: what is plain was made plain
    records: dict[tuple[str, str], tuple[str, str]] = {}
    for row in _values(wb[words.FORMATTING_SHEET]).values():
        ident, heading, check, runs = (str(row.get(c, "")).strip() for c in (1, 2, 3, 4))
        if ident and re.fullmatch(r"[0-9a-f]{16}", check):
            records[(ident, _norm(heading))] = (check, runs)
    id_col = next((c for c, (_, f) in headings.items() if f == "id"), None)
    if not records or id_col is None:
        return
    rows = {r: _text(row.get(id_col)) for r, row in grid.items() if r > header_row}
    seen: dict[str, int] = {}
    for ident in rows.values():
        seen[ident] = seen.get(ident, 0) + 1
    for r, ident in rows.items():
        if seen[ident] != 1:
            continue  # an ID on two rows: which row a record is of cannot be told
        for c, (heading, _) in headings.items():
            record = records.get((ident, _norm(heading)))
            value = grid[r].get(c)
            if record and isinstance(value, str) and _text_check(value) == record[0]:
                rich = _restyled(value, record[1])
                if rich is not None:
                    grid[r][c] = rich


# Where a warning goes: note(message, where, entry=None, fld=None).
_Note = Callable[..., None]


@dataclass
class _Sheet:
    """The register table as found: its sheet, its values (formulas as their cached values), where
    its header and rows are, each column's heading and field, and its formulas' cells."""

    ws: Any
    grid: dict[int, dict[int, Any]]
    header_row: int
    first_col: int
    last_row: int
    formulas: dict[tuple[int, int], tuple[str, Any]]
    headings: dict[int, tuple[str, Any]]
    own: bool  # reportgen's own register table, which writes one type (one group) a line
    column_of: dict[str, int]


@dataclass
class _Context:
    """What every row is read against: the table, the scale, the agreed appetite, the Actions
    sheet's rows (and the IDs they were matched to) and where warnings go."""

    sheet: _Sheet
    scoring: Any
    agreed: Appetite | None
    actions: dict[str, list[_ActionRow]]
    note: _Note
    matched: set[str] = field(default_factory=set)


@dataclass
class _Row:
    """One row of the register table as its cells were read, before its owners, actions and
    scores are settled."""

    r: int
    ident: str
    where: str
    data: dict[str, Any]
    kind: str = "risk"
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[str, str] = field(default_factory=dict)
    owners: dict[str, Any] = field(default_factory=dict)
    level: str = ""


def read_xlsx(path: Path, like: Register | None = None, progress=None) -> Imported:
    """The register in the workbook at `path`, with a warning for each thing not read as written."""
    raw, wb = _open(path)
    name = str(path)
    notes: list[Diagnostic] = []

    def note(message: str, where: str, entry: str | None = None, fld: str | None = None) -> None:
        notes.append(Diagnostic(f"{message} ({where})", severity="warning", file=name, entry=entry, field=fld))

    sheet = _register_table(path, wb, raw)
    scoring = like.scoring if like else Register(organisation="x", period="x").scoring
    appetite = _read_appetite(wb, note)
    agreed = appetite if appetite is not None else (like.appetite if like else None)
    ctx = _Context(sheet, scoring, agreed, _read_actions(wb, note), note)
    risks, opps = _read_entries(ctx, path, progress)
    if not risks and not opps:
        raise ImportError_(f"{path}: its register sheet has no entries")
    _note_unmatched_actions(ctx)
    base, above = _heading(wb, sheet, like, note)
    if appetite is not None:
        base["appetite"] = appetite
    base["risks"] = risks
    base["opportunities"] = opps
    _note_part_b(wb, above, note)
    return Imported(Register.model_validate(base), notes)


def _open(path: Path) -> tuple[bytes, Any]:
    """The workbook's bytes and the workbook, read from its bytes (openpyxl refuses a path whose
    name does not end .xlsx, and a workbook is told by its content, whatever it is called), with
    rich text, and formulas as formulas: a score that is likelihood x impact follows them;
    `_formulas` reads the cached values."""
    try:
        raw = path.read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(raw), rich_text=True)
    except Exception as exc:  # openpyxl raises several kinds for a broken or foreign workbook
        raise ImportError_(cannot_open(path, exc, "Excel")) from exc
    return raw, wb


def _register_table(path: Path, wb, raw: bytes) -> _Sheet:
    """The register table (`_find_sheet`), its formulas' cached values read in (`_formulas`), its
    headings matched to fields, and the bold and italic the Formatting sheet gives back."""
    try:
        ws, grid, header_row, first_col, last_row = _find_sheet(wb)
    except ImportError_ as exc:
        raise ImportError_(f"{path}: {exc}") from exc
    try:
        found = _formulas(ws, raw, grid)
    except Exception as exc:  # as in `_open`: the same bytes, opened again for the cached values
        raise ImportError_(cannot_open(path, exc, "Excel")) from exc
    headings = {c: (str(v), _field_of(str(v))) for c, v in grid.get(header_row, {}).items() if c >= first_col}
    # reportgen's own register table writes one type a line: each line is then one type as written
    own = words.REGISTER_TABLE in ws.tables
    _restore_emphasis(wb, grid, header_row, headings)
    column_of = {f: c for c, (_, f) in headings.items() if isinstance(f, str)}
    return _Sheet(ws, grid, header_row, first_col, last_row, found, headings, own, column_of)


def _read_entries(ctx: _Context, path: Path, progress) -> tuple[list[Entry], list[Entry]]:
    """The risks and the opportunities, a row each; a row with no value in any column is skipped.
    Only the rows that hold values are visited: a table's range may run to the sheet's last row."""
    sheet = ctx.sheet
    risks: list[Entry] = []
    opps: list[Entry] = []
    rows = [r for r in sheet.grid if sheet.header_row < r <= sheet.last_row]
    for n, r in enumerate(rows):
        if progress and n % 25 == 0:
            progress(f"{path.name}: reading row {r} of {rows[-1]}")
        cells = {c: sheet.grid[r].get(c) for c in sheet.headings}
        if all(v is None for v in cells.values()):
            continue
        kind, entry = _read_entry(ctx, r, cells)
        (risks if kind == "risk" else opps).append(entry)
    return risks, opps


def _read_entry(ctx: _Context, r: int, cells: dict[int, Any]) -> tuple[str, Entry]:
    """One row's entry and its kind: its cells read (`_read_cells`), then its owners, its actions'
    due dates and statuses, its scores, and its own appetite level settled, in that order."""
    row = _read_cells(ctx, r, cells)
    unsaid = _settle_owners(row)
    if row.ident in ctx.actions:
        ctx.matched.add(row.ident)
        row.data["actions"] = _match_actions(
            row.data.get("actions", []), ctx.actions[row.ident], unsaid, row.ident, ctx.note
        )
    _settle_scores(ctx, row)
    entry = Entry(**row.data)
    if row.level:
        entry = _own_level(entry, row.kind, row.level, ctx.agreed, row.ident, row.where, ctx.note)
    return row.kind, entry


def _row_id(ctx: _Context, r: int, cells: dict[int, Any]) -> str:
    """The row's ID; a row without one is given `row N`, with a warning."""
    id_col = next((c for c, (_, f) in ctx.sheet.headings.items() if f == "id"), None)
    ident = _text(cells.get(id_col)) if id_col else ""
    if not ident:
        ident = f"row {r}"
        ctx.note("a row with no ID was imported under a made-up ID", f"sheet '{ctx.sheet.ws.title}', row {r}", ident)
    return ident


def _read_cells(ctx: _Context, r: int, cells: dict[int, Any]) -> _Row:
    """The row's cells, column by column: a computed column is skipped (a score's Rating is kept
    aside, as it may hold a score as written), a column fitting no field is named in a warning
    and not imported, and every other value goes to its field (`_read_value`)."""
    ident = _row_id(ctx, r, cells)
    row = _Row(r, ident, f"sheet '{ctx.sheet.ws.title}', row {r}", {"id": ident})
    for c, (heading, f) in ctx.sheet.headings.items():
        value = cells[c]
        if f is None or f == "id" or value in (None, ""):
            continue
        if isinstance(f, str) and f.endswith(".rating"):
            row.ratings[f.split(".")[0]] = _text(value)
            continue
        if f is False:
            ctx.note(
                f"column '{heading}' fits no field of the register; its text was not imported: {_text(value)[:60]!r}",
                row.where,
                ident,
            )
            continue
        _read_value(ctx, row, f, value)
    return row


def _read_value(ctx: _Context, row: _Row, f: str, value: Any) -> None:
    """One cell's value into the field `f` of the row: the kind from its word, a score's part
    (`_read_score_part`), owners kept aside until the groups are read, groups, types, the level,
    dates (`_read_date`), plain text, or rich text as Markdown."""
    if f == "kind":
        kinds = {_norm(w): k for k, w in words.KIND_WORDS.items()} | _KIND_WORDS
        row.kind = kinds.get(_norm(value), "risk")
    elif "." in f and f.split(".")[0] in ("current", "residual", "target"):
        which, part = f.split(".")
        _read_score_part(ctx, row, which, part, value)
    elif f in ("controls.owner", "actions.owner"):
        row.owners[f.split(".")[0]] = value
    elif f in ("controls", "actions"):
        groups = _groups(_lines(value), ctx.sheet.own)
        if groups:
            row.data[f] = groups
    elif f == "types":
        row.data[f] = split_types(_text(value), one_a_line=ctx.sheet.own)
    elif f == "appetite.level":
        row.level = _text(value)
    elif f in ("target_date", "review_by"):
        _read_date(ctx, row, f, value)
    elif f in ("owner", "title", "target_confidence"):
        row.data[f] = _text(value)
    else:
        md = to_markdown(_lines(value))
        if md:
            row.data[f] = md


def _read_score_part(ctx: _Context, row: _Row, which: str, part: str, value: Any) -> None:
    """A score's score, likelihood or impact cell: a whole number as itself; a score's text read
    as a score (what cannot be read is kept as written, with a warning); a label as written."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)) and float(value).is_integer():
        row.scores.setdefault(which, {})[part] = int(value)
    elif part == "score":
        score, problem = read_score(_text(value), ctx.scoring)
        if problem:
            ctx.note(f"{problem}; kept as written", row.where, row.ident, which)
        if score is not None:
            row.scores.setdefault(which, {}).update(score.model_dump(exclude_none=True))
    else:
        row.scores.setdefault(which, {})[part] = _text(value)


def _read_date(ctx: _Context, row: _Row, f: str, value: Any) -> None:
    """A target date is a date where it is one (a real date, or typed 2027-03-31), else as written
    ("March 2022"); a next review is a date (or a date's number), else not imported, with a warning."""
    if f == "target_date":
        when, _ = _date_of(value)
        row.data[f] = when if when is not None else _text(value)
        return
    when, problem = _date_of(value, serial=True)
    if when is None:
        ctx.note(f"the review date {problem}; not imported", row.where, row.ident, f)
    else:
        row.data[f] = when


def _settle_owners(row: _Row) -> set[int]:
    """The controls' and actions' owners from their owner cells (`_owners`, `_owned`): an owner
    cell without groups beside it is one group with no text; unthemed owner lines where every
    group has a theme go to the first group without an owner. Returns the action groups whose
    owner the owner cell does not say (all, without one): the Actions sheet's say it."""
    data = row.data
    unsaid = set(range(len(data.get("actions", []))))
    for key, value in row.owners.items():
        groups = data.get(key, [])
        found = _owners(value, [g.theme for g in groups if g.theme])
        if not groups:
            data[key] = [{"owner": "\n".join(found.values()), "text": ""}]
        else:
            data[key], unclear = _owned(groups, found)
            if key == "actions":
                unsaid = unclear
            unthemed = found.get(None)
            if unthemed and all(g.theme for g in groups):
                data[key][0] = data[key][0].model_copy(update={"owner": data[key][0].owner or unthemed})
    return unsaid


def _settle_scores(ctx: _Context, row: _Row) -> None:
    """Each score of the row: a formula score cell decides it (`_formula_score`); else a Rating
    beside an empty score gives a score as written (`_as_written`); else a typed score is
    checked against its likelihood × impact (`_edited_score`). A score with no part is left out."""
    sheet = ctx.sheet
    for which in ("current", "residual", "target"):
        parts = row.scores.get(which, {})
        cell = sheet.formulas.get((row.r, sheet.column_of.get(f"{which}.score", 0)))
        rating = row.ratings.get(which, "")
        product = cell is not None and _product_of_row(cell[0], row.r, sheet.column_of, which)
        decided = _formula_score(parts, product, cell, row.ident, which, row.where, ctx.note) if cell else None
        if decided is not None:
            parts = decided
        elif rating and not parts:
            parts = _as_written(rating)
        else:
            parts = _edited_score(parts, rating, ctx.scoring, row.kind, row.ident, which, row.where, ctx.note)
        if any(v is not None for v in parts.values()):
            row.data[which] = Score(**parts)


def _note_unmatched_actions(ctx: _Context) -> None:
    """A warning for each entry ID of the Actions sheet that no row of the register has."""
    for ident, unmatched in ctx.actions.items():
        if ident not in ctx.matched:
            ctx.note(
                f"the actions of '{ident}' match no entry of the register; their due dates and statuses were not "
                "imported",
                f"sheet '{words.ACTIONS_SHEET}', row {unmatched[0].row}",
                ident,
                "actions",
            )


def _heading(wb, sheet: _Sheet, like: Register | None, note: _Note) -> tuple[dict[str, Any], list[str]]:
    """The register's heading from the title block above the table (organisation, title, the
    `Period:` line's period and report date, settled against `like` and the workbook's creation
    date) and its layout (cards where there is a Cards sheet); and the title block's lines."""
    grid, first_col = sheet.grid, sheet.first_col
    above = [_text(row[first_col]) for r, row in grid.items() if r < sheet.header_row and first_col in row]
    meta = heading_block([a for a in above if not a.startswith(("Period:", "Scores are"))], like)
    facts = next((a for a in above if a.startswith("Period:")), "")
    m = re.match(r"Period:\s*(.*?)(?:\s{2,}|$)", facts)
    if m:
        meta["period"] = m.group(1).strip()
    meta["report_date"] = _date(facts)
    created = wb.properties.created
    base = settle_heading(meta, like, created.date() if created is not None else None, note, "title block")
    base["layout"] = "cards" if any(s.title.lower() == "cards" for s in wb.worksheets) else base.get("layout", "table")
    return base, above


def _note_part_b(wb, above: list[str], note: _Note) -> None:
    """A warning where the workbook is a Part B (its mark in the title block or the first sheet's A1)."""
    first = wb.worksheets[0]["A1"].value
    if any(part_b_mark(str(t)) for t in (*above, first or "") if t):
        note(PART_B_IMPORTED, f"sheet '{wb.worksheets[0].title}', row 1")


_REF = r"\$?([A-Z]{1,3})\$?([0-9]+)"
_PRODUCT = re.compile(rf"=\s*{_REF}\s*\*\s*{_REF}\s*")


def _product_of_row(formula: str, row: int, column_of: dict[str, int], which: str) -> bool:
    """Whether `formula` is this row's likelihood × impact (`=J6*K6`, either way round)."""
    m = _PRODUCT.fullmatch(formula)
    lk, im = column_of.get(f"{which}.likelihood"), column_of.get(f"{which}.impact")
    if not m or lk is None or im is None:
        return False
    refs = {(column_index_from_string(m.group(k)), int(m.group(k + 1))) for k in (1, 3)}
    return refs == {(lk, row), (im, row)}


def _replaces(lk: int, im: int, held: Any) -> str:
    return f"likelihood {lk} × impact {im} = {lk * im} replaces the score {held} the workbook held; check it"


def _formula_score(
    parts: dict[str, Any], product: bool, cell: tuple[str, Any], ident, which, where, note
) -> dict[str, Any] | None:
    """A score cell holding a formula. This row's likelihood × impact is that product, whatever
    the file cached (nothing, when a program that does not calculate saved it after an edit; a
    stale value is replaced, with a warning naming both). Another formula is read as its value,
    as a typed score (None: not decided here)."""
    formula, held = cell
    lk, im = parts.get("likelihood"), parts.get("impact")
    if product and isinstance(lk, int) and isinstance(im, int):
        if isinstance(held, (int, float)) and not isinstance(held, bool) and held != lk * im:
            note(_replaces(lk, im, held if not float(held).is_integer() else int(held)), where, ident, f"{which} score")
        return {"score": lk * im, "likelihood": lk, "impact": im}
    if "score" not in parts:
        note(f"the score is a formula, {formula}, with no value saved in the file: not imported", where, ident, which)
    return None


def _as_written(rating: str) -> dict[str, Any]:
    """A score the workbook shows in its Rating cell as written, marked "(as written, not a score)"."""
    mark = f"({words.NOT_A_SCORE})"
    text = rating.strip()
    if text.endswith(mark) and text[: -len(mark)].strip():
        return {"as_written": text[: -len(mark)].strip()}
    return {}


def _labels(lk: int, im: int, scoring, kind: str) -> str:
    """The Rating the workbook wrote for a likelihood and impact: `Major/Likely`, impact first."""
    impact = scoring.impact if kind == "risk" else scoring.opportunity_impact
    if not (0 < lk <= len(scoring.likelihood) and 0 < im <= len(impact)):
        return ""
    return _norm(f"{impact[im - 1]}/{scoring.likelihood[lk - 1]}")


def _edited_score(parts: dict[str, Any], rating: str, scoring, kind, ident, which, where, note) -> dict[str, Any]:
    """A typed score that does not match its likelihood × impact: one of them was edited. The
    Rating beside them is the likelihood and impact's labels when the workbook was made: if they
    still match, the score was edited (keep it, drop the stale likelihood and impact); if not (or
    there is no Rating), the likelihood or impact was, and likelihood × impact replaces the score.
    Either way, say so."""
    score = parts.get("score")
    lk, im = parts.get("likelihood"), parts.get("impact")
    if isinstance(score, int) and isinstance(lk, int) and isinstance(im, int) and lk * im != score:
        if rating and _norm(rating) == _labels(lk, im, scoring, kind):
            note(
                f"score {score} does not match likelihood {lk} × impact {im} = {lk * im}; kept the score {score} "
                "and dropped the likelihood and impact: set them again",
                where,
                ident,
                which,
            )
            return {"score": score}
        note(_replaces(lk, im, score), where, ident, f"{which} score")
        return {"score": lk * im, "likelihood": lk, "impact": im}
    return parts


# --------------------------------------------------------------------------- appetite, targets and actions

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")


def _date_of(value: Any, serial: bool = False) -> tuple[dt.date | None, str]:
    """A cell as a date, or why it is not one: a real Excel date, a date typed as text (ISO, or
    day first as a council writes it), or (`serial`: a column of dates only) a date's number,
    as a program that dropped the cell's date format left it."""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if serial and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date(), ""
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), ""
        except ValueError:
            continue
    return None, f"{text[:40]!r} is not a date"


def _groups(lines: list[Line], own: bool) -> list[Group]:
    """Controls or actions from a cell. reportgen's own cell puts a blank line between groups and
    none within one, so there each blank line also ends a group: two groups without a theme stay
    two (their due dates and statuses are matched to them one by one)."""
    if not own:
        return groups_from_lines(lines)
    chunks: list[list[Line]] = [[]]
    for ln in lines:
        if ln.text.strip():
            chunks[-1].append(ln)
        elif chunks[-1]:
            chunks.append([])
    return [g for chunk in chunks if chunk for g in groups_from_lines(chunk)]


def _owned(groups: list[Group], found: dict[str | None, str]) -> tuple[list[Group], set[int]]:
    """The groups with their owners from the owner cell ({theme: owner}, None: the unthemed
    lines); and the groups whose owner the cell cannot tell from another's. It lists a themed
    group's owner under its theme and the unthemed groups' owners one a line, each once: where
    there are as many lines as unthemed groups, each is its group's, in order; where there are
    fewer (an owner of two groups, or a group with none), every unthemed group gets them all
    (and they are the groups it cannot tell apart)."""
    unthemed = [i for i, g in enumerate(groups) if not g.theme]
    lines = [ln for ln in (found.get(None) or "").splitlines() if ln.strip()]
    one_each = len(unthemed) > 1 and len(lines) == len(unthemed)
    out = []
    for i, g in enumerate(groups):
        if g.theme:
            owner = found.get(g.theme)
        elif one_each:
            owner = lines[unthemed.index(i)]
        else:
            owner = found.get(None)
        out.append(g.model_copy(update={"owner": owner}))
    return out, set(unthemed) if len(unthemed) > 1 and not one_each and lines else set()


def _words(text: str | None) -> str:
    """Text compared as words only: a Register cell and an Actions cell of the same group agree."""
    return " ".join(re.findall(r"\w+", (text or "").lower()))


@dataclass
class _ActionRow:
    """A row of the Actions sheet: which group of which entry, and what import takes from it."""

    row: int
    number: int | None
    key: str  # the theme and text, as words
    owner: str
    due: dt.date | None
    status: str | None


def _read_actions(wb, note) -> dict[str, list[_ActionRow]]:
    """The Actions sheet's rows by entry ID (none: the workbook has no Actions sheet)."""
    found = next(
        ((ws, t) for ws in wb.worksheets for t in ws.tables.values() if t.displayName == words.ACTIONS_TABLE), None
    )
    if found is None:
        return {}
    ws, table = found
    m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", table.ref)
    if not m:
        return {}
    header, last = int(m.group(2)), int(m.group(4))
    grid = _values(ws)
    names = {_norm(h): k for k, h in words.ACTION_COLUMNS.items()}
    col = {names[_norm(v)]: c for c, v in grid.get(header, {}).items() if _norm(v) in names}
    if "id" not in col:
        note("the Actions table has no ID column; due dates and statuses were not imported", f"sheet '{ws.title}'")
        return {}
    statuses = {_norm(k): k for k in words.ACTION_STATUS} | {_norm(v): k for k, v in words.ACTION_STATUS.items()}
    out: dict[str, list[_ActionRow]] = {}
    for r in sorted(r for r in grid if header < r <= last):
        row = grid[r]

        def cell(key: str, row: dict[int, Any] = row) -> Any:
            return row.get(col[key]) if key in col else None

        ident = _text(cell("id"))
        if not ident:
            continue
        where = f"sheet '{ws.title}', row {r}"
        number = cell("number")
        due, problem = _date_of(cell("due"), serial=True) if cell("due") is not None else (None, "")
        if problem:
            note(f"the due date {problem}; not imported", where, ident, "actions")
        status = None
        if cell("status") is not None:
            status = statuses.get(_norm(re.sub(r"[-_]", " ", _text(cell("status")))))
            if status is None:
                note(
                    f"the status {_text(cell('status'))[:40]!r} is none of "
                    f"{', '.join(words.ACTION_STATUS.values())}; not imported",
                    where,
                    ident,
                    "actions",
                )
        out.setdefault(ident, []).append(
            _ActionRow(
                r,
                int(number) if isinstance(number, (int, float)) and float(number).is_integer() else None,
                _words(f"{_text(cell('theme'))} {_text(cell('text'))}"),
                _text(cell("owner")),
                due,
                status,
            )
        )
    return out


def _match_actions(groups: list[Group], rows: list[_ActionRow], unsaid: set[int], ident: str, note) -> list[Group]:
    """The entry's action groups with the due dates and statuses of their Actions rows. A row is
    its group's where its text is that group's text (and no other row's); the rest by the
    action's number, its group's place in the Register's cell. The owner is the Register's,
    except for the groups whose owner its owner cell does not say (`unsaid`: it has none, or
    cannot tell which unthemed group is whose): then the row's. A row matching no group is named
    in a warning."""
    pairs: dict[int, _ActionRow] = {}
    used: set[int] = set()
    for i, g in enumerate(groups):
        key = _words(f"{g.theme or ''} {richtext.plain(g.text)}")
        same = [k for k, a in enumerate(rows) if k not in used and a.key == key]
        if len(same) == 1:
            pairs[i] = rows[same[0]]
            used.add(same[0])
    for i in range(len(groups)):
        if i not in pairs:
            k = next((k for k, a in enumerate(rows) if k not in used and a.number == i + 1), None)
            if k is not None:
                pairs[i] = rows[k]
                used.add(k)
    for k, a in enumerate(rows):
        if k not in used:
            note(
                f"action {a.number if a.number is not None else '?'} of '{ident}' matches none of its actions on the "
                f"'{words.REGISTER_SHEET}' sheet; its due date and status were not imported",
                f"sheet '{words.ACTIONS_SHEET}', row {a.row}",
                ident,
                "actions",
            )
    out = []
    for i, g in enumerate(groups):
        paired = pairs.get(i)
        if paired is None:
            out.append(g)
            continue
        a = paired
        update: dict[str, Any] = {"due": a.due, "status": a.status}
        if i in unsaid:
            update["owner"] = a.owner or None
        elif _norm(a.owner) != _norm(g.owner):
            note(
                f"action {i + 1}'s owner is {a.owner or 'blank'!r} on the '{words.ACTIONS_SHEET}' sheet and "
                f"{g.owner or 'blank'!r} on the '{words.REGISTER_SHEET}' sheet; kept the Register's",
                f"sheet '{words.ACTIONS_SHEET}', row {a.row}",
                ident,
                "actions",
            )
        out.append(g.model_copy(update=update))
    return out


def _read_appetite(wb, note) -> Appetite | None:
    """The appetite on the Appetite sheet, found by its headings: its levels (Level, Tolerance),
    the level of each risk type (Risk Type, Level) and the default level (None: no such sheet)."""
    if words.APPETITE_SHEET not in wb.sheetnames:
        return None
    ws = wb[words.APPETITE_SHEET]
    grid = _values(ws)
    where = f"sheet '{ws.title}'"
    heads = {
        "levels": tuple(_norm(h) for h in words.APPETITE_LEVEL_HEADINGS),
        "types": tuple(_norm(h) for h in words.APPETITE_TYPE_HEADINGS),
    }
    at: dict[str, tuple[int, int]] = {}
    default = None
    for r, row in grid.items():
        for c, v in row.items():
            pair = (_norm(v), _norm(row.get(c + 1)))
            for name, want in heads.items():
                if pair == want and name not in at:
                    at[name] = (r, c)
            if _norm(v) == _norm(words.APPETITE_DEFAULT_LEVEL):
                default = _text(row.get(c + 1)) or None

    def below(name: str) -> list[tuple[int, str, Any]]:
        if name not in at:
            return []
        r, c = at[name]
        out = []
        while (r := r + 1) in grid and _text(grid[r].get(c)):
            out.append((r, _text(grid[r][c]), grid[r].get(c + 1)))
        return out

    levels = []
    for r, name, tolerance in below("levels"):
        if isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and float(tolerance).is_integer():
            levels.append(AppetiteLevel(name=name, tolerance=int(tolerance)))
        elif isinstance(tolerance, str) and tolerance.strip().isdigit():
            levels.append(AppetiteLevel(name=name, tolerance=int(tolerance.strip())))
        else:
            note(f"level '{name}' has no tolerance (a whole number); not imported", f"{where}, row {r}")
    if not levels:
        note("no appetite levels found (a Level and a Tolerance column); the appetite was not imported", where)
        return None
    by_type = {name: _text(level) for _, name, level in below("types") if _text(level)}
    return Appetite(levels=levels, by_type=by_type, default=default)


def _own_level(entry: Entry, kind: str, level: str, agreed: Appetite | None, ident: str, where: str, note) -> Entry:
    """The entry with its own appetite level where the Register's Appetite Level differs from
    the level its types (or the default) give it: the column shows the level the entry answers
    to, which is its own only where it names one."""
    if agreed is None:
        note(
            f"appetite level '{level}' not imported: the workbook has no '{words.APPETITE_SHEET}' sheet defining "
            "the levels (import with --like REGISTER to take them from a register)",
            where,
            ident,
            "appetite",
        )
        return entry
    given = appetite_rule.level_of(entry.model_copy(update={"appetite": None}), kind, agreed)
    if given is not None and _norm(given.name) == _norm(level):
        return entry
    return entry.model_copy(update={"appetite": level})
