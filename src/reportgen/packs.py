"""Packs: what one register becomes for each reader. Public documents withhold exempt
information; Part B holds it; a filter selects entries; a summary or a deep dive is a shorter view.

Withholding is done to the register itself, before the view sees it: what is withheld is not in
the register the writers are given, so it cannot reach a public file by any path (text, metadata,
bookmarks, hidden rows or sheets). The earlier quarters a build compares with are withheld the
same way, for the entries withheld this quarter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import vocabulary as words
from .appetite import current_score, level_of
from .compare import match
from .diagnostics import Diagnostic, RegisterError
from .model import Entry, Exempt, Group, Register
from .selection import Selection

#: The text fields a withheld entry keeps empty, and those the notice stands in for.
_TEXT = ("description", "consequences", "direction", "progress", "target_confidence", "owner", "title")
_SCORES = ("current", "residual", "target")
_ALIASES = {"current_score": "current", "residual_score": "residual", "target_score": "target"}


def notice(paragraph: int) -> str:
    """`Exempt information under paragraph 3 of Schedule 12A to the Local Government Act 1972`."""
    return words.EXEMPT_NOTICE.format(paragraph=paragraph)


def withheld_fields(exempt: Exempt) -> set[str] | None:
    """The fields an exemption withholds (None: the whole entry but its ID and title)."""
    if exempt.fields is None:
        return None
    return {_ALIASES.get(f, f) for f in exempt.fields}


def _withhold_entry(e: Entry, exempt: Exempt) -> Entry:
    text = notice(exempt.paragraph)
    fields = withheld_fields(exempt)
    update: dict[str, Any] = {}
    if fields is None:  # the whole entry: its ID and title stay, and the notice says why
        update = {name: None for name in _TEXT if name != "title"}
        update |= {s: None for s in _SCORES}
        update |= {
            "description": text,
            "types": [],
            "controls": [],
            "actions": [],
            "target_date": None,
            "appetite": None,
            "review_by": None,
        }
        return e.model_copy(update=update)
    for name in fields:
        if name in _SCORES:
            update[name] = None
        elif name in ("controls", "actions"):
            update[name] = [Group(text=text)]
        elif name == "types":
            update[name] = [text]
        elif name in ("appetite", "review_by", "target_date"):
            update[name] = None
        else:
            update[name] = text
    return e.model_copy(update=update)


def _norm(ident: str) -> str:
    return re.sub(r"\s+", "", ident).upper()


def withhold(reg: Register, marks: Register | None = None) -> Register:
    """The public register: each exempt entry, or its exempt fields, replaced by the notice.
    `marks` (this quarter's register) withholds the same entries of an earlier quarter's."""
    exempt: dict[str, Exempt] = {}
    for source in (marks, reg):
        if source is None:
            continue
        for e in (*source.risks, *source.opportunities):
            if e.exempt is not None:
                exempt[_norm(e.id)] = e.exempt

    def public(entries: list[Entry]) -> list[Entry]:
        return [_withhold_entry(e, exempt[_norm(e.id)]) if _norm(e.id) in exempt else e for e in entries]

    return reg.model_copy(update={"risks": public(reg.risks), "opportunities": public(reg.opportunities)})


def paragraphs(reg: Register) -> list[int]:
    """The paragraphs of Schedule 12A the register's exempt information falls under."""
    return sorted({e.exempt.paragraph for e in (*reg.risks, *reg.opportunities) if e.exempt is not None})


def part_b_notice(reg: Register) -> str:
    """`NOT FOR PUBLICATION: exempt information under paragraph 3 of Schedule 12A …`."""
    found = paragraphs(reg)
    which = ", ".join(map(str, found)) if found else "—"
    noun = "paragraphs" if len(found) > 1 else "paragraph"
    return words.PART_B_NOTICE.format(paragraphs=f"{noun} {which}")


# --------------------------------------------------------------------------- selecting entries


def _band_of(reg: Register, e: Entry) -> str | None:
    score = current_score(e)
    if score is None:
        return None
    return next((b.name for b in reg.scoring.bands if b.min <= score <= b.max), None)


def select(reg: Register, sel: Selection, file: str) -> Register:
    """The register holding only the selected entries. Raises `RegisterError` (one line, naming the
    filter) for an ID the register does not have or a selection of nothing."""
    entries = [*reg.risks, *reg.opportunities]
    known = {_norm(e.id): e.id for e in entries}
    unknown = [i for i in sel.ids if _norm(i) not in known]
    if unknown:
        raise RegisterError([Diagnostic(f"--ids: {', '.join(unknown)} is not an entry of this register", file=file)])
    if sel.band and not any(b.name.lower() == sel.band.lower() for b in reg.scoring.bands):
        names = ", ".join(b.name for b in reg.scoring.bands)
        raise RegisterError(
            [Diagnostic(f"--band: '{sel.band}' is not a band of its Key to Scores ({names})", file=file)]
        )

    def chosen(kind: str, e: Entry) -> bool:
        if sel.ids and _norm(e.id) not in {_norm(i) for i in sel.ids}:
            return False
        if sel.band and (_band_of(reg, e) or "").lower() != sel.band.lower():
            return False
        if sel.owner:
            owners = [e.owner or ""] + [g.owner or "" for g in (*e.controls, *e.actions)]
            if not any(sel.owner.lower() in o.lower() for o in owners):
                return False
        if sel.type and sel.type.lower() not in {t.lower() for t in e.types}:
            return False
        if sel.above_appetite:
            level = level_of(e, kind, reg.appetite)
            score = current_score(e)
            if level is None or score is None or score <= level.tolerance:
                return False
        return True

    risks = [e for e in reg.risks if chosen("risk", e)]
    opportunities = [e for e in reg.opportunities if chosen("opportunity", e)]
    if not risks and not opportunities:
        raise RegisterError(
            [Diagnostic(f"{sel.describe()}: no entry of the register is selected; nothing written", file=file)]
        )
    return reg.model_copy(update={"risks": risks, "opportunities": opportunities})


def count(reg: Register) -> int:
    return len(reg.risks) + len(reg.opportunities)


@dataclass(frozen=True)
class Document:
    """One document set a build writes for a register: its register (withheld, selected), the
    suffix its files are named with, and what the view says of it."""

    register: Register
    suffix: str = ""
    #: What the document holds, in words, for its first page ("Entries owned by: children; 4 of 15 entries").
    selection: str = ""
    #: "NOT FOR PUBLICATION …" for Part B, else "".
    part_b: str = ""
    #: "register", "summary" or "deep-dive".
    pack: str = "register"


def documents(
    reg: Register, file: str, pack: str = "register", part: str = "a", sel: Selection | None = None
) -> list[Document]:
    """The document sets a build writes for `reg`: the public register (Part A) or Part B, of
    the whole register or a selection, as a register, a summary or one deep dive per entry."""
    sel = sel or Selection()
    total = count(reg)
    full = reg
    if not sel.empty:
        reg = select(reg, sel, file)
    b = part.lower() == "b"
    notice_b = part_b_notice(full) if b else ""
    shown = reg if b else withhold(reg)
    described = f"{sel.describe()}; {words.SELECT_COUNT.format(n=count(reg), total=total)}" if not sel.empty else ""
    tail = "-part-b" if b else ""
    if pack == "deep-dive":
        if not sel.ids:
            raise RegisterError([Diagnostic("--pack deep-dive needs --ids: the entries to dive into", file=file)])
        out = []
        for e in (*shown.risks, *shown.opportunities):
            one = shown.model_copy(
                update={
                    "risks": [e] if e in shown.risks else [],
                    "opportunities": [e] if e in shown.opportunities else [],
                    "layout": "cards",
                }
            )
            slug = re.sub(r"[^A-Za-z0-9]+", "-", e.id).strip("-")
            out.append(Document(one, f"-{slug}{tail}", words.DEEP_DIVE.format(id=e.id), notice_b, "deep-dive"))
        return out
    suffix = ("" if sel.empty else f"-{sel.slug()}") + ("-summary" if pack == "summary" else "") + tail
    return [Document(shown, suffix, described, notice_b, pack)]


def narrow(earlier: Register, selected: Register) -> Register:
    """An earlier quarter's register holding only the entries matched to those `selected` holds (by
    ID, look-alikes too): a selection is compared with last quarter's same entries, not told that
    every other entry has closed."""
    keep: set[int] = set()
    for kind in ("risks", "opportunities"):
        matched = match(getattr(selected, kind), getattr(earlier, kind))
        keep |= {id(p) for _, p in matched.pairs if p is not None}
    return earlier.model_copy(
        update={
            "risks": [e for e in earlier.risks if id(e) in keep],
            "opportunities": [e for e in earlier.opportunities if id(e) in keep],
        }
    )


def withhold_earlier(earlier: Sequence[Register], current: Register, part: str = "a") -> list[Register]:
    """Earlier quarters' registers as this build may show them: withheld as this quarter's exempt
    entries are (and as their own marks say), unless it is Part B."""
    if part.lower() == "b":
        return list(earlier)
    return [withhold(r, marks=current) for r in earlier]


__all__ = ["Document", "Selection", "documents", "narrow", "notice", "select", "withhold", "withhold_earlier"]
