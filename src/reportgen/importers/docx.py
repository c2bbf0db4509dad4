"""Read a Word appendix (table layout or card layout) back into a register.

Tables are found by what they show: a header row whose cells are column headings
(the seeds' labels, common variants, or the labels of a `--like` register), or a
card whose first cell says "Risk ID ..." / "Opportunity ID ...". The Key to Scores,
band legend, the history (scores by quarter, entries in each band) and the heat maps' lists of
moves (since last quarter, current to target) are recognised and skipped; the council's risk appetite table is read
into `appetite:`. Of the notes reportgen computes under an entry's cells, those that
show a field give it back (an entry's own appetite level, a late review, the target
date); an action group's status line gives its due date and status. Text that fits no
field is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from .. import appetite as risk_appetite
from .. import vocabulary as words
from ..diagnostics import Diagnostic
from ..model import (
    DEFAULT_OPPORTUNITY_COLUMNS,
    DEFAULT_RISK_COLUMNS,
    Appetite,
    AppetiteLevel,
    Entry,
    Group,
    Register,
    Score,
)
from ..scoring import impact_labels, label_number, parse_point, read_point_cell, strip_computed
from . import Imported, ImportError_
from ._common import ALIASES as _ALIASES
from ._common import (
    LONG_DATE,
    PART_B_IMPORTED,
    cannot_open,
    date_or_text,
    format_pattern,
    not_data,
    part_b_mark,
    read_long_date,
    read_score,
    settle_heading,
    template_pattern,
)
from ._common import groups_from_lines as _groups_from_lines
from ._common import heading_block as _heading_block
from ._common import norm as _norm
from ._common import split_types as _types
from ._docx_text import Line, Numbering, paragraph_lines, style_names, to_markdown

# What each card label of the vocabulary introduces, as the importer stores it.
_CARD_KEYS = {
    "description": "description",
    "consequences": "consequences",
    "owner": "owner",
    "target_date": "target_date",
    "current_likelihood": "current.likelihood",
    "current_impact": "current.impact",
    "target_likelihood": "target.likelihood",
    "target_impact": "target.impact",
    "residual_likelihood": "residual.likelihood",
    "residual_impact": "residual.impact",
    "target_confidence": "target_confidence",
    "types": "types",
    "controls": "controls",
    "control_owner": "controls.owner",
    "actions": "actions",
    "action_owner": "actions.owner",
    "direction": "direction",
    "progress": "progress",
}
# Labels clerk-made cards use beyond reportgen's own (normalised), and the field each introduces.
_CARD_VARIANTS = {
    "description": "description",
    "consequences": "consequences",
    "possible benefits": "consequences",
    "opp owner": "owner",
    "owner": "owner",
    "target opportunity confidence": "target_confidence",
    "target opp confidence": "target_confidence",
    "target confidence": "target_confidence",
    "controls": "controls",
    "maximising actions": "actions",
    "action owner": "actions.owner",
    "progress to date": "progress",
    "type": "types",
}


def _card_labels() -> dict[str, str]:
    """Normalised card label -> the field it introduces: the vocabulary's labels for a risk and
    an opportunity (what reportgen prints), then the variants clerk-made cards use."""
    out = {_norm(words.card_label(kind, key)): fld for kind in words.NOUN for key, fld in _CARD_KEYS.items()}
    for label, fld in _CARD_VARIANTS.items():
        out.setdefault(label, fld)
    return out


def _score_labels() -> re.Pattern[str]:
    """`Current Risk Score: 16`: a card's score line, as the vocabulary labels it or as clerks do."""
    mine = "|".join(
        f"(?P<{key}_{kind}>{re.escape(words.card_label(kind, key))})"
        for kind in words.NOUN
        for key in ("current", "target", "residual")
    )
    return re.compile(
        rf"^\s*(?:{mine}|(?P<which>Current|Target|Residual)\s+(?:Risk\s+|Opportunity\s+|Opp\s+)?Score)"
        r"\s*:\s*(?P<value>.*)$",
        re.I | re.S,
    )


def _score_which(m: re.Match[str]) -> str:
    if m.group("which"):
        return m.group("which").lower()
    return next(name for name, value in m.groupdict().items() if value and name not in ("which", "value")).split("_")[0]


def _card_head() -> re.Pattern[str]:
    """`Risk ID Corp 1 – Title`, `Opportunity ID: CO2 Title: ...`: the first cell of a card."""
    mine = "|".join(f"(?P<{kind}>{re.escape(words.card_label(kind, 'id'))})" for kind in words.NOUN)
    return re.compile(rf"^\s*(?:(?:{mine})\b|(?P<other>risk|opportunity|opp)\s+ID\b)\s*:?\s*(?P<rest>.*)$", re.S | re.I)


def _head_kind(m: re.Match[str]) -> str:
    if m.group("opportunity"):
        return "opportunity"
    if m.group("risk"):
        return "risk"
    return "risk" if m.group("other").lower() == "risk" else "opportunity"


_KEY_WORDS = {"rare", "unlikely", "possible", "likely", "certain"}


def _note_patterns() -> dict[str, re.Pattern[str]]:
    """The notes the view puts under an entry's cells that give back a field, as the vocabulary
    words them: the appetite level (`● Above appetite (Averse, up to 4)`), a late review, the
    target date (and a passed one). The gap to target and whether an entry is within appetite
    are computed, and are never read as text."""
    leads = "|".join(re.escape(w) for w in (words.ABOVE_APPETITE, words.WITHIN_APPETITE))
    level = format_pattern(words.APPETITE_LEVEL, level=".+?", tolerance=r"\d+")
    return {
        "appetite": re.compile(rf"(?:{leads})\s*\({level}\)", re.I),
        "review_by": re.compile(format_pattern(words.REVIEW_OVERDUE, date=LONG_DATE), re.I),
        "passed": re.compile(format_pattern(words.TARGET_DATE_PASSED, date=LONG_DATE), re.I),
        "target_date": re.compile(format_pattern(words.TARGET_DATE, date=".+"), re.I),
        "exempt": re.compile(format_pattern(words.EXEMPT_MARK, paragraph=r"\d+", what=".+"), re.I),
    }


def _entry_notes(doc: _Doc, texts: list[str], data: dict[str, Any]) -> str | None:
    """Read an entry's computed notes into `data` (its review date, its target date where no
    column or card field gave one); return the appetite level its note shows, if any."""
    level = None
    patterns = _note_patterns()
    for text in texts:
        m = patterns["appetite"].fullmatch(text)
        if m:
            level = m.group("level").strip()
            continue
        m = patterns["exempt"].fullmatch(text)
        if m:  # Part B's line on an exempt entry: the marking, read back
            what = m.group("what").strip()
            fields = None if what.lower() == words.EXEMPT_WHOLE.lower() else [f.strip() for f in what.split(",")]
            data["exempt"] = {"paragraph": int(m.group("paragraph")), "fields": fields}
            continue
        m = patterns["review_by"].fullmatch(text)
        if m and read_long_date(m.group("date")):
            data["review_by"] = read_long_date(m.group("date"))
            continue
        m = patterns["passed"].fullmatch(text) or patterns["target_date"].fullmatch(text)
        if m and m.group("date").strip():
            data.setdefault("target_date", date_or_text(m.group("date")))
    return level


def _appetite_table(doc: _Doc, tbl) -> bool:
    """Whether `tbl` is the council's appetite as reportgen prints it (`appetite_key`)."""
    first = [_norm(_cell_text(doc, tc)) for tc in _unique_cells(tbl.rows[0])]
    return first == [_norm(c) for c in words.APPETITE_COLUMNS]


def _read_appetite(doc: _Doc, tbl, where: str) -> Appetite:
    """The appetite table: a row a level (its name, the highest score within it, the risk types
    at that level, one a paragraph, and the default level's line)."""
    levels: list[AppetiteLevel] = []
    by_type: dict[str, str] = {}
    default = None
    for r_i, row in enumerate(tbl.rows[1:], start=2):
        cells = _unique_cells(row)
        if len(cells) < 3:
            continue
        name, tolerance = _cell_text(doc, cells[0]), _cell_text(doc, cells[1])
        if not name:
            continue
        if not tolerance.isdigit():
            doc.note(
                f"appetite level {name!r}: its highest score {tolerance!r} is not a number; level not imported",
                f"{where}, row {r_i}",
            )
            continue
        levels.append(AppetiteLevel(name=name, tolerance=int(tolerance)))
        for ln in doc.lines(_paragraphs(cells[2])):
            text = ln.text.strip()
            if not text:
                continue
            if _norm(text) == _norm(words.APPETITE_DEFAULT):
                default = name
            else:
                by_type[text] = name
    return Appetite(levels=levels, by_type=by_type, default=default)


def _own_levels(doc: _Doc, base: dict[str, Any]) -> None:
    """An entry's own appetite level: the one its note shows, kept only where it differs from
    the level its types (or the default) give it under the imported appetite."""
    if not doc.shown_levels:
        return
    appetite = base.get("appetite")
    if isinstance(appetite, dict):
        appetite = Appetite.model_validate(appetite)
    for key, kind in (("risks", "risk"), ("opportunities", "opportunity")):
        out = []
        for e in base[key]:
            shown = doc.shown_levels.get(id(e))
            if shown is not None:
                e = _own_level(doc, e, kind, shown, appetite)
            out.append(e)
        base[key] = out


def _own_level(doc: _Doc, e: Entry, kind: str, shown: str, appetite: Appetite | None) -> Entry:
    why = None
    if appetite is None:
        why = f"the document has no '{words.RISK_APPETITE}' table"
    else:
        given = risk_appetite.level_of(e, kind, appetite)
        if given is not None and given.name.strip().lower() == shown.lower():
            return e
        level = risk_appetite.find_level(appetite, shown)
        if level is not None:
            return e.model_copy(update={"appetite": level.name})
        why = f"the '{words.RISK_APPETITE}' table has no such level"
    doc.note(f"the appetite level {shown!r} shown for {e.id} was not imported: {why}", "appetite", e.id, "appetite")
    return e


@dataclass
class _Doc:
    document: Any
    numbering: Numbering
    styles: dict[str, str]
    bold_styles: set[str]
    italic_styles: set[str]
    heading_styles: set[str]
    computed_styles: set[str]
    name: str
    notes: list[Diagnostic] = field(default_factory=list)
    #: The appetite level each entry's note shows (by the entry object's id): import keeps an
    #: entry's own level only where it differs from the one its types or the default give.
    shown_levels: dict[int, str] = field(default_factory=dict)

    def note(self, message: str, where: str, entry: str | None = None, fld: str | None = None) -> None:
        self.notes.append(
            Diagnostic(f"{message} ({where})", severity="warning", file=self.name, entry=entry, field=fld)
        )

    # -- paragraphs
    def lines(self, paragraphs) -> list[Line]:
        out: list[Line] = []
        for p in paragraphs:
            sid = self._style_id(p)
            if sid in self.computed_styles:
                continue  # reportgen's own trend lines: computed from last quarter, not register data
            ls = paragraph_lines(p, self.numbering, self.styles)
            for ln in ls:
                if sid in self.bold_styles or sid in self.italic_styles:
                    ln.runs = [(t, b or sid in self.bold_styles, i or sid in self.italic_styles) for t, b, i in ln.runs]
                ln.heading = sid in self.heading_styles
            out.extend(ls)
        return out

    def computed(self, paragraphs) -> list[str]:
        """The text of reportgen's computed lines among `paragraphs` (trends, and the notes the
        view adds under a cell: appetite, gap to target, a late review, the target date)."""
        return [
            " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))).split())
            for p in paragraphs
            if self._style_id(p) in self.computed_styles
        ]

    @staticmethod
    def _style_id(p) -> str | None:
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            return None
        ps = ppr.find(qn("w:pStyle"))
        return ps.get(qn("w:val")) if ps is not None else None


def _style_flags(document) -> tuple[set[str], set[str], set[str]]:
    bold, italic, heading = set(), set(), set()
    for s in document.styles:
        try:
            sid, name = s.style_id, (s.name or "")
        except (AttributeError, ValueError):
            continue
        chain, b, i = s, None, None
        while chain is not None and (b is None or i is None):
            try:
                if b is None and chain.font.bold is not None:
                    b = chain.font.bold
                if i is None and chain.font.italic is not None:
                    i = chain.font.italic
                chain = chain.base_style
            except AttributeError:
                break
        if b:
            bold.add(sid)
        if i:
            italic.add(sid)
        if re.match(r"(heading \d|.*sub-?heading)$", name.lower()):
            heading.add(sid)
    return bold, italic, heading


def _paragraphs(tc) -> list:
    return [p for p in tc.iter(qn("w:p"))]


def _unique_cells(row) -> list:
    """The w:tc elements of a row, once each (horizontally merged cells are one)."""
    return row._tr.findall(qn("w:tc"))


def _reportgens(lines: list[Line]) -> bool:
    """Whether these lines are reportgen's own plain text (its table text style), which
    writes one type a paragraph."""
    own = words.TABLE_TEXT_STYLE.lower()
    shown = [ln for ln in lines if ln.text.strip()]
    return bool(shown) and all(ln.style == own for ln in shown)


def _cell_text(doc: _Doc, tc) -> str:
    return "\n".join(ln.text for ln in doc.lines(_paragraphs(tc))).strip()


# --------------------------------------------------------------------------- table layout


def _column_map(like: Register | None) -> dict[str, tuple[str, str]]:
    """normalised heading -> (kind, field)."""
    out: dict[str, tuple[str, str]] = {}
    for kind, pairs in (("risk", DEFAULT_RISK_COLUMNS), ("opportunity", DEFAULT_OPPORTUNITY_COLUMNS)):
        for f, label in pairs:
            out.setdefault(_norm(label), (kind, f))
    if like is not None:
        for kind, cols in (("risk", like.columns.risks), ("opportunity", like.columns.opportunities)):
            for c in cols:
                out[_norm(c.label or "")] = (kind, c.field)
    for f, names in _ALIASES.items():
        for n in names:
            out.setdefault(n, ("", f))
    return out


def _header_fields(doc: _Doc, row, cmap) -> tuple[str, list[str | None], list[str]] | None:
    labels = [_cell_text(doc, tc) for tc in _unique_cells(row)]
    fields: list[str | None] = []
    kinds = []
    for lab in labels:
        n = _norm(lab)
        hit = cmap.get(n) or cmap.get(re.sub(r"\s*\(.*?\)\s*", " ", n).strip())
        fields.append(hit[1] if hit else None)
        if hit and hit[0]:
            kinds.append(hit[0])
        if n.startswith("opportunity"):
            kinds.append("opportunity")
    if "id" not in fields or sum(f is not None for f in fields) < 3:
        return None
    kind = "opportunity" if kinds.count("opportunity") > kinds.count("risk") else "risk"
    return kind, fields, labels


def _score_cell(doc: _Doc, text: str, scoring, entry: str, fld: str, where: str) -> Score | None:
    score, problem = read_score(text, scoring)
    if problem:
        doc.note(f"{problem}; kept as written", where, entry, fld)
    return score


def _read_table(
    doc: _Doc, tbl, kind: str, fields: list[str | None], labels: list[str], scoring, where: str
) -> list[Entry]:
    entries = []
    rows = tbl.rows
    for r_i, row in enumerate(rows[1:], start=2):
        cells = _unique_cells(row)
        # a header row repeated inside the table (Word's repeat flag, or a pasted copy)
        texts = [_cell_text(doc, tc) for tc in cells]
        if [_norm(t) for t in texts] == [_norm(x) for x in labels]:
            continue
        if not any(texts):
            continue
        data: dict[str, Any] = {}
        ident = None
        for c_i in range(len(cells)):
            f = fields[c_i] if c_i < len(fields) else None
            if f == "id":
                ident = texts[c_i].strip()
        ident = ident or f"{kind} {r_i - 1}"
        for c_i, tc in enumerate(cells):
            f = fields[c_i] if c_i < len(fields) else None
            text = texts[c_i]
            paragraphs = _paragraphs(tc)
            cell_where = f"{where}, row {r_i}, column '{labels[c_i] if c_i < len(labels) else c_i + 1}'"
            if f is None:
                if text.strip():
                    doc.note(
                        f"text in a column that fits no field of the register was not imported: {text.strip()[:60]!r}",
                        cell_where,
                        ident,
                    )
                continue
            if f == "id":
                data["id"] = text.strip()
            elif f in ("current", "residual", "target"):
                sc = _score_cell(doc, text, scoring, ident, f, cell_where)
                if sc is not None:
                    data[f] = sc
            elif f in ("controls", "actions"):
                g = _groups_from_lines(doc.lines(paragraphs))
                if g:
                    data[f] = g
            elif f == "types":
                t = _types(text, _reportgens(doc.lines(paragraphs)))
                if t:
                    data[f] = t
            elif f == "target_date":
                if text.strip():
                    data[f] = date_or_text(text)
            elif f in ("owner", "title", "target_confidence"):
                if text.strip():
                    data[f] = text.strip()
            elif f == "direction":
                md = to_markdown(doc.lines(paragraphs))
                md = strip_computed(md, []) if md else md
                if md:
                    data[f] = md
            else:
                md = to_markdown(doc.lines(paragraphs))
                if md:
                    data[f] = md
        if "id" not in data or not data["id"]:
            doc.note("a row with no ID was imported under a made-up ID", f"{where}, row {r_i}", ident)
            data["id"] = ident
        level = _entry_notes(doc, [t for tc in cells for t in doc.computed(_paragraphs(tc))], data)
        entry = Entry(**data)
        if level:
            doc.shown_levels[id(entry)] = level
        entries.append(entry)
    return entries


# --------------------------------------------------------------------------- card layout


def _card_fields(doc: _Doc, tbl, scoring, kind: str, where: str) -> Entry:
    cells: list = []
    seen: set[int] = set()
    for row in tbl.rows:
        for tc in _unique_cells(row):
            if id(tc) not in seen:
                seen.add(id(tc))
                cells.append(tc)
    head_text = _cell_text(doc, cells[0])
    m = _card_head().match(head_text)
    rest = m.group("rest").strip() if m else head_text
    parts = re.split(r"\s+[–—-]\s+|\s+Title\s*:\s*", rest, maxsplit=1)
    ident = parts[0].strip()
    title = parts[1].strip() if len(parts) > 1 else None
    if not ident:
        ident = f"{kind} in {where}"
        doc.note("a card with no ID was imported under a made-up ID", where, ident)
    data: dict[str, Any] = {"id": ident}
    if title:
        data["title"] = title
    segments: dict[str, list[Line]] = {}
    card_labels, score_labels = _card_labels(), _score_labels()
    for tc in cells[1:]:
        current: str | None = None
        for ln in doc.lines(_paragraphs(tc)):
            text = ln.text.strip()
            sm = score_labels.match(text)
            if sm:
                current = f"score.{_score_which(sm)}"
                segments.setdefault(current, []).append(ln)
                continue
            label = card_labels.get(_norm(text).rstrip(":"))
            if label and not ln.level:
                current = label
                segments.setdefault(current, [])
                continue
            if current is None:
                if text:
                    doc.note(f"text that fits no field was not imported: {text[:60]!r}", where, ident)
                continue
            segments[current].append(ln)
    for key, lines in segments.items():
        text = "\n".join(ln.text for ln in lines).strip()
        if key.startswith("score."):
            which = key.split(".")[1]
            raw = score_labels.sub(lambda mm: mm.group("value"), text, count=1)
            sc = _score_cell(doc, raw, scoring, ident, which, where)
            if sc is not None:
                data[which] = sc
        elif key in (
            "current.likelihood",
            "current.impact",
            "target.likelihood",
            "target.impact",
            "residual.likelihood",
            "residual.impact",
        ):
            which, axis = key.split(".")
            value = read_point_cell(text)
            if value is not None:
                base = data.setdefault(which, Score())
                data[which] = base.model_copy(update={axis: value})
        elif key in ("controls", "actions"):
            g = _groups_from_lines(lines)
            if g:
                data[key] = g
        elif key in ("controls.owner", "actions.owner"):
            data[f"_{key}"] = _owners_by_theme(lines)
        elif key == "types":
            if text:
                data["types"] = _types(text, _reportgens(lines))
        elif key == "target_date":
            if text:
                data[key] = date_or_text(text)
        elif key in ("owner", "target_confidence"):
            if text:
                data[key] = text
        else:
            md = to_markdown(lines)
            if md:
                data[key] = md
    for key in ("controls", "actions"):
        owners = data.pop(f"_{key}.owner", None)
        if owners:
            groups = data.get(key, [])
            if not groups:
                groups = [Group(owner=owners.get(None) or next(iter(owners.values())), text="")]
            else:
                groups = [g.model_copy(update={"owner": owners.get(g.theme, owners.get(None))}) for g in groups]
            data[key] = groups
    # A likelihood/impact with the score: check the score line agrees (validation reports it otherwise).
    for which in ("current", "target"):
        sc = data.get(which)
        if isinstance(sc, Score):
            data[which] = _fix_scale_words(doc, sc, scoring, kind, ident, which, where)
    level = _entry_notes(doc, [t for tc in cells for t in doc.computed(_paragraphs(tc))], data)
    entry = Entry(**data)
    if level:
        doc.shown_levels[id(entry)] = level
    return entry


def _fix_scale_words(doc: _Doc, sc: Score, scoring, kind: str, ident: str, which: str, where: str) -> Score:
    """A likelihood written with an impact word ('Major (4)'): keep the number, say so."""
    for axis, labels in (("likelihood", scoring.likelihood), ("impact", impact_labels(scoring, kind))):
        value = getattr(sc, axis)
        point = parse_point(value) if isinstance(value, str) else None
        if point and point.label and point.number is not None and label_number(labels, point.label) is None:
            doc.note(
                f"{axis} written '{value}', which is not {'a' if axis == 'likelihood' else 'an'} {axis} label; "
                f"kept the number, {point.number}",
                where,
                ident,
                f"{which} {axis}",
            )
            sc = sc.model_copy(update={axis: point.number})
    return sc


def _owners_by_theme(lines: list[Line]) -> dict[str | None, str]:
    """An owner box: plain owner text, or theme sub-headings each followed by its owner."""
    out: dict[str | None, list[str]] = {}
    theme: str | None = None
    for ln in lines:
        text = ln.text.strip()
        if not text:
            continue
        if ln.is_heading:
            theme = text
            continue
        out.setdefault(theme, []).append(text)
    return {k: "\n".join(v) for k, v in out.items()}


# --------------------------------------------------------------------------- document


def _is_key_table(doc: _Doc, tbl) -> bool:
    words = set()
    for row in tbl.rows[-3:]:
        for tc in _unique_cells(row):
            words.add(_norm(_cell_text(doc, tc)))
    return len(_KEY_WORDS & words) >= 4


def _is_band_legend(doc: _Doc, tbl, scoring) -> bool:
    names = {b.name.lower() for b in scoring.bands}
    firsts = [_norm(_cell_text(doc, _unique_cells(r)[0])) for r in tbl.rows if _unique_cells(r)]
    return bool(firsts) and all(f in names or f in ("band", "score band", "") for f in firsts)


def _pack_table(heading: str) -> bool:
    """Whether the table after `heading` is one a pack computes (a summary's entries by band and top
    band, a deep dive's further fields): not register data. (A history's: `_history_heading`.)"""
    t = " ".join(heading.split())
    return any(
        re.fullmatch(template_pattern(w), t, re.I) for w in (words.BAND_COUNTS, words.TOP_BAND, words.DEEP_DIVE_MORE)
    )


def _part_b(document) -> bool:
    """Whether a page header carries Part B's mark (`NOT FOR PUBLICATION: exempt information …`)."""
    for s in document.sections:
        for hdr in (s.header, s.first_page_header, s.even_page_header):
            if hdr.is_linked_to_previous:
                continue
            for p in hdr._element.iter(qn("w:p")):
                text = "".join(t.text or "" for t in p.iter(qn("w:t")))
                if part_b_mark(text.split("\t")[0]):
                    return True
    return False


def _history_heading(text: str) -> bool:
    """Whether `text` is a heading of the history reportgen prints after the register (built with
    earlier quarters): the tables under it are computed from the quarters, not register data."""
    return _norm(text) in (_norm(words.HISTORY_HEADING), _norm(words.HISTORY_BAND_COUNTS))


def _moves_line(text: str) -> bool:
    """Whether `text` heads a heat map's list of moves (`Moved since Q1 2018/19 (…):`, `Current to
    target (…):`), or is one of its items (`CR5: Likely/Major → Possible/Major`, after such a
    heading): computed from the scores, not register data."""
    n = _norm(text)
    return any(n.startswith(_norm(lead)) for lead in (words.MOVED_SINCE.split("{")[0], words.TARGET_TRACK + " ("))


#: The arrow between a move's cells (`Likely/Major → Possible/Major`).
_MOVE_ARROW = words.MOVE.split("{start}")[1].split("{end}")[0].strip()


def read_docx(path: Path, like: Register | None = None, progress=None) -> Imported:
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise ImportError_(cannot_open(path, exc, "Word")) from exc
    bold, italic, heading = _style_flags(document)
    names = style_names(document)
    computed = {sid for sid, n in names.items() if n.lower() == words.TREND_STYLE.lower()}
    doc = _Doc(document, Numbering.of(document), names, bold, italic, heading, computed, str(path))
    scoring = like.scoring if like else Register(organisation="x", period="x").scoring
    cmap = _column_map(like)
    risks: list[Entry] = []
    opps: list[Entry] = []
    layout = None
    before_tables: list[str] = []
    seen_table = False
    table_no = 0
    appetite: Appetite | None = None
    last_paragraph = ""
    in_moves = False  # after a heat map's moves heading, its items
    body = document.element.body
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
            if not text:
                continue
            last_paragraph = text
            if in_moves and _MOVE_ARROW in text:
                continue
            in_moves = seen_table and _moves_line(text)
            if not seen_table:
                before_tables.append(text)
            elif not not_data(text) and not _history_heading(text) and not in_moves:
                doc.note(f"a paragraph outside any register table was not imported: {text[:60]!r}", "body text")
            continue
        in_moves = False
        if el.tag != qn("w:tbl"):
            continue
        seen_table = True
        table_no += 1
        if progress:
            progress(f"{path.name}: reading table {table_no} ({len(risks) + len(opps)} entries so far)")
        tbl = docx.table.Table(el, document)
        where = f"table {table_no}"
        if not tbl.rows:
            continue
        if _history_heading(last_paragraph) or _pack_table(last_paragraph):
            continue  # computed from the quarters, or for a summary or a deep dive from the entries
        first = _cell_text(doc, _unique_cells(tbl.rows[0])[0]) if _unique_cells(tbl.rows[0]) else ""
        cm = _card_head().match(first)
        if cm:
            kind = _head_kind(cm)
            (risks if kind == "risk" else opps).append(_card_fields(doc, tbl, scoring, kind, where))
            layout = layout or "cards"
            continue
        head = _header_fields(doc, tbl.rows[0], cmap)
        if head:
            kind, fields, labels = head
            (risks if kind == "risk" else opps).extend(_read_table(doc, tbl, kind, fields, labels, scoring, where))
            layout = layout or "table"
            continue
        if _is_key_table(doc, tbl) or _is_band_legend(doc, tbl, scoring):
            continue
        if _norm(last_paragraph) == _norm(words.TRACKING_HEADING):
            continue  # the summary at the front: computed from the entries
        if _appetite_table(doc, tbl):
            appetite = _read_appetite(doc, tbl, where)
            continue
        if _cell_text(doc, _unique_cells(tbl.rows[0])[0]).lower().startswith(("changes", "period", "heat")):
            continue
        doc.note("a table that is not a register table was not imported", where)
    if not risks and not opps:
        raise ImportError_(f"{path}: has no register table (no table with an ID column, and no 'Risk ID' cards)")
    created = document.core_properties.created
    base = settle_heading(
        _heading_block(before_tables, like),
        like,
        created.date() if created is not None else None,
        doc.note,
        "heading",
    )
    base["layout"] = layout or "table"
    base["risks"] = risks
    base["opportunities"] = opps
    if appetite is not None:
        base["appetite"] = appetite
    _own_levels(doc, base)
    if _part_b(document) and not any(e.exempt for e in (*risks, *opps)):
        doc.note(PART_B_IMPORTED, "page header")
    return Imported(Register.model_validate(base), doc.notes)
