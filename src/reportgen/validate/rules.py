"""The checks a register must pass: one small function each, run in order by `check`.

A rule takes the `Context` and yields `Diagnostic`s; it changes nothing. Errors stop a
build, warnings are printed and the build goes on. `RULES` is the order they run in (the
order of findings at the same place in the file).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from ..appetite import current_score, find_level, level_of, plan_score
from ..diagnostics import Diagnostic
from ..model import SCORE_FIELDS, Entry, Group, Scoring, column_label, field_key
from .colour import contrast
from .context import At, Context, Path
from .ids import confusions, id_problem, split_id

Rule = Callable[[Context], Iterator[Diagnostic]]

#: Excel holds at most this many characters in a cell.
MAX_CELL_CHARS = 32_767
#: Word holds each document property (title, subject, author, comments) in at most 255
#: characters; python-docx refuses more ("exceeded 255 char limit for property").
MAX_WORD_PROPERTY_CHARS = 255
#: The longest property the Word writer builds from the register's heading (writers/docx
#: `_properties`: the comments); `tests/validate/test_rules.py` builds a Word file at the limit.
WORD_DESCRIPTION = "{appendix} to the committee report: {title} {period}"
# Characters XML 1.0 cannot hold (so no .docx, .xlsx or XHTML can carry them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --------------------------------------------------------------------------- the Key to Scores


def scale_labels(ctx: Context) -> Iterator[Diagnostic]:
    """Each scale has at least two labels, none used twice."""
    s = ctx.register.scoring
    for name in ("likelihood", "impact", "opportunity_impact"):
        labels: list[str] = getattr(s, name)
        path = ("scoring", name)
        if len(labels) < 2:
            yield ctx.error(path, f"needs at least two labels, found {len(labels)}", rest=path)
        dup = [k for k, c in Counter(x.lower() for x in labels).items() if c > 1]
        if dup:
            yield ctx.error(path, f"label '{dup[0]}' is used twice", rest=path)


def opportunity_scale_matches(ctx: Context) -> Iterator[Diagnostic]:
    """Opportunities' impact scale is as long as risks' (the Key to Scores shows them side by side)."""
    s = ctx.register.scoring
    if len(s.impact) != len(s.opportunity_impact):
        path = ("scoring", "opportunity_impact")
        yield ctx.error(
            path, f"has {len(s.opportunity_impact)} labels but the risk impact scale has {len(s.impact)}", rest=path
        )


def _coverage(s: Scoring) -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """The band each possible score falls in (the first band to claim it), and for each band that
    runs into an earlier one, the first score they share. A band counts up to its first overlap."""
    top = len(s.likelihood) * len(s.impact)
    covered: dict[int, str] = {}
    overlaps: dict[int, tuple[int, str]] = {}
    for i, band in enumerate(s.bands):
        for v in range(max(band.min, 1), min(band.max, top) + 1):
            if v in covered:
                overlaps[i] = (v, covered[v])
                break
            covered[v] = band.name
    return covered, overlaps


def band_ranges(ctx: Context) -> Iterator[Diagnostic]:
    """A band runs upwards and overlaps no other."""
    bands = ctx.register.scoring.bands
    _, overlaps = _coverage(ctx.register.scoring)
    for i, band in enumerate(bands):
        path = ("scoring", "bands", i)
        if band.min > band.max:
            yield ctx.error(path, f"band '{band.name}' runs from {band.min} down to {band.max}", rest=path)
        if i in overlaps:
            score, other = overlaps[i]
            yield ctx.error(path, f"band '{band.name}' overlaps band '{other}' at score {score}", rest=path)


def band_contrast(ctx: Context) -> Iterator[Diagnostic]:
    """A band's text can be read on its colour (WCAG AA, 4.5:1)."""
    for i, band in enumerate(ctx.register.scoring.bands):
        ratio = contrast(band.colour, band.text_colour)
        if ratio < 4.5:
            path = ("scoring", "bands", i)
            yield ctx.error(
                path,
                f"band '{band.name}': text {band.text_colour} on {band.colour} has contrast {ratio:.2f}:1, "
                "below the 4.5:1 that WCAG AA asks for",
                rest=path,
            )


def bands_cover_every_score(ctx: Context) -> Iterator[Diagnostic]:
    """Every likelihood x impact falls in a band."""
    s = ctx.register.scoring
    covered, _ = _coverage(s)
    possible = {a * b for a in range(1, len(s.likelihood) + 1) for b in range(1, len(s.impact) + 1)}
    missing = [v for v in sorted(possible) if v not in covered]
    if missing:
        path = ("scoring", "bands")
        yield ctx.error(path, f"no band covers score(s) {', '.join(map(str, missing))}", rest=path)


# --------------------------------------------------------------------------- text


def _subject(ctx: Context, path: Path) -> tuple[str | None, Path]:
    """The entry a text's path is in (as diagnostics name it) and the rest of the path."""
    if len(path) >= 2 and path[0] in ("risks", "opportunities"):
        at = At(path[0], path[1], getattr(ctx.register, path[0])[path[1]])
        return ctx.label(at), path[2:]
    return None, path


def _is_entry_id(path: Path) -> bool:
    return len(path) == 3 and path[0] in ("risks", "opportunities") and path[2] == "id"


def control_characters(ctx: Context) -> Iterator[Diagnostic]:
    """No text holds a character XML cannot (an entry's ID is checked by `id_characters`)."""
    for path, text in ctx.strings:
        m = _XML_ILLEGAL.search(text)
        if m and not _is_entry_id(path):
            yield ctx.error(
                path,
                f"contains a control character (U+{ord(m.group()):04X}) that documents cannot hold; "
                "delete it (it is often pasted in from another program)",
                *_subject(ctx, path),
            )


def fits_a_cell(ctx: Context) -> Iterator[Diagnostic]:
    """No text is longer than an Excel cell holds."""
    for path, text in ctx.strings:
        if len(text) > MAX_CELL_CHARS:
            yield ctx.error(
                path,
                f"is {len(text):,} characters long; a spreadsheet cell holds at most "
                f"{MAX_CELL_CHARS:,}: split it or shorten it",
                *_subject(ctx, path),
            )


def heading_fits_word(ctx: Context) -> Iterator[Diagnostic]:
    """The organisation, and the appendix label, title and period together, fit a Word document property."""
    reg = ctx.register
    if len(reg.organisation) > MAX_WORD_PROPERTY_CHARS:
        yield ctx.error(
            ("organisation",),
            f"is {len(reg.organisation):,} characters long; a Word document's author holds at most "
            f"{MAX_WORD_PROPERTY_CHARS}: shorten it",
            rest=("organisation",),
        )
    parts = {"appendix": reg.appendix or "", "title": reg.title, "period": reg.period}
    longest = len(WORD_DESCRIPTION.format(**{**parts, "appendix": reg.appendix or "Appendix"}).strip())
    if longest > MAX_WORD_PROPERTY_CHARS:
        name = max(parts, key=lambda k: len(parts[k]))
        others = " and ".join(("the appendix label" if k == "appendix" else f"the {k}") for k in parts if k != name)
        yield ctx.error(
            (name,),
            f"is too long for a Word document: with {others} it makes a {longest}-character document "
            f"description, and Word holds at most {MAX_WORD_PROPERTY_CHARS}; shorten it by "
            f"{longest - MAX_WORD_PROPERTY_CHARS} characters",
            rest=(name,),
        )


# --------------------------------------------------------------------------- IDs


def id_characters(ctx: Context) -> Iterator[Diagnostic]:
    """An ID is one line of visible characters, shown in the direction it is written, and not blank."""
    for at in ctx.entries():
        problem = id_problem(at.entry.id)
        if problem:
            yield ctx.error(at.path + ("id",), problem, ctx.label(at), ("id",))


def duplicate_ids(ctx: Context) -> Iterator[Diagnostic]:
    """No two entries share an ID."""
    seen: dict[str, Path] = {}
    for at in ctx.entries():
        if id_problem(at.entry.id):
            continue
        key = at.entry.id.strip()
        if key in seen:
            other = ctx.source.value(seen[key])
            also = f" (also at line {other[0]})" if other else ""
            yield ctx.error(
                at.path + ("id",),
                f"'{key}' is used by more than one entry{also}; IDs must be unique",
                ctx.label(at),
                ("id",),
            )
        else:
            seen[key] = at.path + ("id",)


def _series_suggestion(ident: str, prefix: str, number: str, prefixes: Counter[str]) -> str | None:
    """The ID a typing slip most likely meant, if `ident` breaks its list's series of IDs."""
    for other in prefixes:
        if other == prefix:
            continue
        # A zero typed for the letter O (C01 in a CO1, CO2... series) or the reverse: the minority
        # spelling is the odd one out; on a tie, the one with a leading zero.
        odd = prefixes[prefix] < prefixes[other] or (
            prefixes[prefix] == prefixes[other] and number.startswith("0") and len(number) > 1
        )
        for cand in confusions(ident) if odd else []:
            cs = split_id(cand)
            if cs and cs[0] == other:
                return cand
    common, count = prefixes.most_common(1)[0]
    if prefixes[prefix] == 1 and len(prefixes) > 1 and count > 1:
        return f"{common}{int(number)}"
    return None


def id_series(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of an ID that breaks its list's series (C01 among CO1, CO2...), with the one likely meant."""
    for list_name in ("risks", "opportunities"):
        ats = [at for at in ctx.entries() if at.list_name == list_name and not id_problem(at.entry.id)]
        parts = [(split_id(at.entry.id), at) for at in ats]
        prefixes = Counter(p[0] for p, _ in parts if p)
        for split, at in parts:
            if not split:
                continue
            suggestion = _series_suggestion(at.entry.id, *split, prefixes)
            if suggestion:
                series = sorted({f"{p}…" for p in prefixes if p != split[0]})
                yield ctx.warning(
                    at.path + ("id",),
                    f"'{at.entry.id}' breaks the series of IDs ({', '.join(series)}): did you mean '{suggestion}'?",
                    ctx.label(at),
                    ("id",),
                )


# --------------------------------------------------------------------------- scores and owners


def scores_on_scales(ctx: Context) -> Iterator[Diagnostic]:
    """Every likelihood and impact is on its scale, and every score is likelihood x impact."""
    yield from ctx.resolution.problems


def _later_scores(ctx: Context) -> Iterator[tuple[At, str, int, int]]:
    """(entry, 'residual' or 'target', that score, the current score) where an entry has both."""
    for at in ctx.entries():
        scores = ctx.resolution.scores[at.path]
        cur = scores["current"].score if scores["current"] else None
        for fname in ("residual", "target"):
            sc = scores[fname]
            if cur is not None and sc is not None and sc.score is not None:
                yield at, fname, sc.score, cur


def risk_not_worse_later(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of a risk's residual or target score above its current score."""
    for at, fname, score, cur in _later_scores(ctx):
        if at.kind == "risk" and score > cur:
            yield ctx.warning(
                ctx.key_path(at, fname),
                f"{score} is above the current score, {cur}: a {fname} score should not be worse than today's",
                ctx.label(at),
                (fname,),
            )


def opportunity_not_smaller_later(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of an opportunity's residual or target score below its current score."""
    for at, fname, score, cur in _later_scores(ctx):
        if at.kind == "opportunity" and score < cur:
            yield ctx.warning(
                ctx.key_path(at, fname),
                f"{score} is below the current score, {cur}: an opportunity's "
                f"{fname} should not be smaller than today's",
                ctx.label(at),
                (fname,),
            )


def scores_kept_as_written(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of a score kept as written (`as_written`) with no number: an import could not read it,
    so it is shown as written, with no band and no cell in the heat map, until someone writes it."""
    for at in ctx.entries():
        for fname in SCORE_FIELDS:
            sc = getattr(at.entry, fname)
            resolved = ctx.resolution.scores[at.path][fname]
            if sc is None or not sc.as_written or resolved is None or resolved.score is not None:
                continue  # (one that did not resolve is an error already)
            yield ctx.warning(
                ctx.key_path(at, fname),
                f"kept as written, '{sc.as_written}', with no number: it is shown as written, with no band "
                "and no cell in the heat map; write the score, e.g. 12 or '12 (Major/Possible)'",
                ctx.label(at),
                (fname,),
            )


def has_current_score(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of an entry with no current score at all: it has no band, no cell in the heat map and
    no trend since last quarter."""
    written = {field_key(Entry, "current"), "current"}
    for at in ctx.entries():
        # (one the file gives that could not be read is an error already, not a missing score)
        if at.entry.current is None and not any(at.path + (k,) in ctx.source.values for k in written):
            yield ctx.warning(
                at.path,
                "has no current score: every risk and opportunity needs one (its band, its cell in the "
                "heat map and its trend come from it); add 'current_score'",
                ctx.label(at),
            )


def has_owner(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of an entry with no owner, neither its own nor a group's."""
    for at in ctx.entries():
        e = at.entry
        groups = [g for g in (*e.controls, *e.actions) if isinstance(g, Group)]  # the model made them groups
        owners = [g.owner for g in groups if g.owner and g.owner.strip()]
        if not (e.owner and e.owner.strip()) and not owners:
            yield ctx.warning(
                at.path, "has no owner: every risk and opportunity needs someone accountable", ctx.label(at)
            )


# --------------------------------------------------------------------------- layout


#: Fields the view shows in other columns' cells when they have no column of their own: the
#: appetite under the current score, the target date under the plan's score, the review date
#: (when passed) under the ID. `exempt` is a marking, not content: a public document withholds
#: what it marks, and Part B says NOT FOR PUBLICATION on every page.
NOT_COLUMNS = ("appetite", "review_by", "target_date", "exempt")


def fields_without_columns(ctx: Context) -> Iterator[Diagnostic]:
    """In the table layout, warn of a field with text but no column: the Word, PDF and HTML
    appendix would not show it, so say so rather than drop it silently, and say exactly what to
    write (a column listed under `columns:` is added to the default ones, never instead of them)."""
    reg = ctx.register
    if reg.layout != "table":
        return
    for at in ctx.entries():
        cols = reg.columns.risks if at.kind == "risk" else reg.columns.opportunities
        shown = {c.field for c in cols if c.show}
        hidden = {c.field for c in cols if not c.show}
        for fname in Entry.model_fields:
            value = getattr(at.entry, fname)
            if fname in shown or fname in NOT_COLUMNS or value in (None, "", []):
                continue
            if fname in hidden:
                what = f"its column under 'columns: {at.list_name}:' has 'show: false': remove that"
            else:
                what = (
                    f"add '- {{field: {fname}, label: {column_label(at.kind, fname)}}}' to the register's "
                    f"'columns: {at.list_name}:' list (only that column: the others stay)"
                )
            yield ctx.warning(
                ctx.key_path(at, fname),
                f"the table layout has no column for it, so the Word, PDF and HTML appendix will not "
                f"show it (the Excel workbook does): {what}, or use 'layout: cards'",
                ctx.label(at),
                (field_key(Entry, fname),),
            )


#: Every rule, in the order `check` runs them.
# --------------------------------------------------------------------------- appetite


def appetite_levels(ctx: Context) -> Iterator[Diagnostic]:
    """Appetite levels are named once each, and tolerate rising scores on the Key's scale."""
    appetite = ctx.register.appetite
    if appetite is None:
        return
    s = ctx.register.scoring
    top = len(s.likelihood) * len(s.impact)
    seen: set[str] = set()
    previous = None
    for i, lv in enumerate(appetite.levels):
        path = ("appetite", "levels", i)
        rest = ("appetite", "level", lv.name)
        if lv.name.strip().lower() in seen:
            yield ctx.error(path, f"the level '{lv.name}' is named twice", rest=rest)
        seen.add(lv.name.strip().lower())
        if not 1 <= lv.tolerance <= top:
            yield ctx.error(
                path + ("tolerance",),
                f"tolerance {lv.tolerance} is off the Key to Scores, which runs from 1 to {top}",
                rest=rest,
            )
        elif previous is not None and lv.tolerance <= previous.tolerance:
            yield ctx.error(
                path + ("tolerance",),
                f"tolerance {lv.tolerance} does not rise above '{previous.name}' ({previous.tolerance}): list the "
                "levels lowest first, each tolerating more than the one before",
                rest=rest,
            )
        previous = lv


def appetite_names(ctx: Context) -> Iterator[Diagnostic]:
    """Every level named (by a type, as the default, by an entry) is one of the levels defined."""
    appetite = ctx.register.appetite
    if appetite is None:
        for at in ctx.entries():
            if at.entry.appetite:
                yield ctx.error(
                    ctx.key_path(at, "appetite"),
                    f"'{at.entry.appetite}' is an appetite level, but the register has no 'appetite:' with levels",
                    ctx.label(at),
                    ("appetite",),
                )
        return
    names = ", ".join(lv.name for lv in appetite.levels)

    def unknown(name: str) -> str:
        return f"'{name}' is not one of the appetite levels defined under 'appetite: levels' ({names})"

    for t, name in appetite.by_type.items():
        if find_level(appetite, name) is None:
            yield ctx.error(("appetite", "by_type", t), unknown(name), rest=("appetite", "by_type", t))
    if appetite.default and find_level(appetite, appetite.default) is None:
        yield ctx.error(("appetite", "default"), unknown(appetite.default), rest=("appetite", "default"))
    for at in ctx.entries():
        if at.entry.appetite and find_level(appetite, at.entry.appetite) is None:
            yield ctx.error(ctx.key_path(at, "appetite"), unknown(at.entry.appetite), ctx.label(at), ("appetite",))


def appetite_types_used(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of a type under `appetite: by_type` that no entry has (a misspelt type sets nothing)."""
    appetite = ctx.register.appetite
    if appetite is None:
        return
    used = {t.strip().lower() for at in ctx.entries() for t in at.entry.types}
    for t in appetite.by_type:
        if t.strip().lower() not in used:
            yield ctx.warning(
                ("appetite", "by_type", t),
                f"no entry has the type '{t}', so this sets no entry's appetite (is it spelt as the entries spell it?)",
                rest=("appetite", "by_type", t),
            )


def plan_within_appetite(ctx: Context) -> Iterator[Diagnostic]:
    """Warn of an entry above appetite whose plan (target, else residual score) is above it too."""
    reg = ctx.resolution.register
    for at, entry in zip(ctx.entries(), (*reg.risks, *reg.opportunities)):
        level = level_of(entry, at.kind, reg.appetite)
        current, plan = current_score(entry), plan_score(entry)
        if level is None or current is None or plan is None or current <= level.tolerance:
            continue
        if plan > level.tolerance:
            which = "target" if entry.target is not None and entry.target.score is not None else "residual"
            yield ctx.warning(
                ctx.key_path(at, which),
                f"the current score, {current}, is above its appetite ({level.name}, up to {level.tolerance}) and "
                f"its {which} score, {plan}, is too: the plan does not bring it within appetite",
                ctx.label(at),
                (which,),
            )


RULES: list[Rule] = [
    scale_labels,
    opportunity_scale_matches,
    band_ranges,
    band_contrast,
    bands_cover_every_score,
    control_characters,
    fits_a_cell,
    heading_fits_word,
    id_characters,
    duplicate_ids,
    scores_on_scales,
    scores_kept_as_written,
    has_current_score,
    risk_not_worse_later,
    opportunity_not_smaller_later,
    has_owner,
    id_series,
    fields_without_columns,
    appetite_levels,
    appetite_names,
    appetite_types_used,
    plan_within_appetite,
]
