"""Check a register against its own Key to Scores and the rules a committee expects.

`check` resolves every likelihood/impact label to its number and fills in a score
from likelihood x impact, so the view and writers see numbers only. Errors stop a
build; warnings are printed and the build goes on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from . import scoring
from .diagnostics import Diagnostic, RegisterError
from .model import SCORE_FIELDS, Entry, Register, Score, field_key
from .reader import Loaded, SourceMap, field_words

#: Excel holds at most this many characters in a cell.
MAX_CELL_CHARS = 32_767
# Characters XML 1.0 cannot hold (so no .docx, .xlsx or XHTML can carry them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class _Checker:
    def __init__(self, loaded: Loaded):
        self.reg = loaded.register
        self.smap: SourceMap = loaded.source
        self.out: list[Diagnostic] = []

    # -- reporting
    def _add(self, severity: str, path: tuple[Any, ...], msg: str, entry: str | None, rest: tuple[Any, ...]) -> None:
        loc = self.smap.value(path)
        self.out.append(
            Diagnostic(
                msg,
                severity=severity,  # type: ignore[arg-type]
                file=self.smap.file,
                line=loc[0] if loc else None,
                column=loc[1] if loc else None,
                entry=entry,
                field=field_words(rest) or None,
            )
        )

    def error(self, path, msg, entry=None, rest=()):
        self._add("error", path, msg, entry, rest)

    def warn(self, path, msg, entry=None, rest=()):
        self._add("warning", path, msg, entry, rest)

    def key_path(self, list_name: str, i: int, fname: str) -> tuple:
        """The path of an entry field as the file wrote it (`current_score` or `current`)."""
        alias = field_key(Entry, fname)
        if (list_name, i, alias) in self.smap.values:
            return (list_name, i, alias)
        return (list_name, i, fname)

    def entries(self) -> Iterator[tuple[str, int, Entry]]:
        for i, e in enumerate(self.reg.risks):
            yield "risks", i, e
        for i, e in enumerate(self.reg.opportunities):
            yield "opportunities", i, e

    # -- scheme
    def scheme(self) -> None:
        s = self.reg.scoring
        for name, labels in (
            ("likelihood", s.likelihood),
            ("impact", s.impact),
            ("opportunity_impact", s.opportunity_impact),
        ):
            if len(labels) < 2:
                self.error(("scoring", name), f"needs at least two labels, found {len(labels)}", rest=("scoring", name))
            dup = [k for k, c in Counter(x.lower() for x in labels).items() if c > 1]
            if dup:
                self.error(("scoring", name), f"label '{dup[0]}' is used twice", rest=("scoring", name))
        if len(s.impact) != len(s.opportunity_impact):
            self.error(
                ("scoring", "opportunity_impact"),
                f"has {len(s.opportunity_impact)} labels but the risk impact scale has {len(s.impact)}",
                rest=("scoring", "opportunity_impact"),
            )
        top = len(s.likelihood) * len(s.impact)
        covered: dict[int, str] = {}
        for i, band in enumerate(s.bands):
            path = ("scoring", "bands", i)
            if band.min > band.max:
                self.error(path, f"band '{band.name}' runs from {band.min} down to {band.max}", rest=path)
            for v in range(max(band.min, 1), min(band.max, top) + 1):
                if v in covered:
                    self.error(path, f"band '{band.name}' overlaps band '{covered[v]}' at score {v}", rest=path)
                    break
                covered[v] = band.name
            ratio = contrast(band.colour, band.text_colour)
            if ratio < 4.5:
                self.error(
                    path,
                    f"band '{band.name}': text {band.text_colour} on {band.colour} has contrast {ratio:.2f}:1, "
                    "below the 4.5:1 that WCAG AA asks for",
                    rest=path,
                )
        missing = [
            v
            for v in sorted({a * b for a in range(1, len(s.likelihood) + 1) for b in range(1, len(s.impact) + 1)})
            if v not in covered
        ]
        if missing:
            self.error(
                ("scoring", "bands"),
                f"no band covers score(s) {', '.join(map(str, missing))}",
                rest=("scoring", "bands"),
            )

    # -- scores
    def resolve(self, value: Any, labels: list[str], other: list[str], axis: str, where: tuple) -> int | None:
        path, entry, rest = where
        got = scoring.resolve_point(value, labels, axis, other)  # type: ignore[arg-type]
        if got.problem:
            self.error(path, got.problem, entry, rest)
        return got.number

    def score(self, list_name: str, i: int, e: Entry, fname: str) -> Score | None:
        sc: Score | None = getattr(e, fname)
        if sc is None:
            return None
        s = self.reg.scoring
        impact_labels = scoring.impact_labels(s, "risk" if list_name == "risks" else "opportunity")
        all_impacts = list(dict.fromkeys(s.impact + s.opportunity_impact))
        base = self.key_path(list_name, i, fname)
        top = len(s.likelihood) * len(impact_labels)
        lk = im = None
        if sc.likelihood is not None:
            lk = self.resolve(
                sc.likelihood,
                s.likelihood,
                all_impacts,
                "likelihood",
                (base + ("likelihood",), e.id, (fname, "likelihood")),
            )
        if sc.impact is not None:
            im = self.resolve(
                sc.impact, impact_labels, s.likelihood, "impact", (base + ("impact",), e.id, (fname, "impact"))
            )
        value = sc.score
        if value is not None:
            if value > top:
                self.error(
                    base + ("score",) if (base + ("score",)) in self.smap.values else base,
                    f"{value} is above the highest possible score, {top}",
                    e.id,
                    (fname,),
                )
                return None
            if value < 1:
                self.error(
                    base + ("score",) if (base + ("score",)) in self.smap.values else base,
                    f"{value} is below the lowest possible score, 1",
                    e.id,
                    (fname,),
                )
                return None
        if lk is not None and im is not None:
            product = lk * im
            if value is not None and value != product:
                self.error(
                    base,
                    f"{value} does not match likelihood {scoring.numbered_label(s.likelihood, lk)} × impact "
                    f"{scoring.numbered_label(impact_labels, im)} = {product}",
                    e.id,
                    (fname,),
                )
                return None
            value = product
        return Score(score=value, likelihood=lk, impact=im, as_written=sc.as_written)

    # -- text
    def text(self) -> None:
        def visit(node: Any, path: tuple) -> None:
            if isinstance(node, str):
                entry = None
                rest = path
                if len(path) >= 2 and path[0] in ("risks", "opportunities"):
                    lst = getattr(self.reg, path[0])
                    entry, rest = lst[path[1]].id, path[2:]
                m = _XML_ILLEGAL.search(node)
                if m:
                    self.error(
                        path,
                        f"contains a control character (U+{ord(m.group()):04X}) that documents cannot hold; "
                        "delete it (it is often pasted in from another program)",
                        entry,
                        rest,
                    )
                if len(node) > MAX_CELL_CHARS:
                    self.error(
                        path,
                        f"is {len(node):,} characters long; a spreadsheet cell holds at most "
                        f"{MAX_CELL_CHARS:,}: split it or shorten it",
                        entry,
                        rest,
                    )
            elif isinstance(node, dict):
                for k, v in node.items():
                    visit(v, path + (k,))
            elif isinstance(node, list):
                for k, v in enumerate(node):
                    visit(v, path + (k,))

        visit(self.reg.model_dump(mode="python", exclude_defaults=False), ())

    # -- whole register
    def run(self) -> Register:
        self.scheme()
        self.text()
        seen: dict[str, tuple] = {}
        resolved: dict[str, list[Entry]] = {"risks": [], "opportunities": []}
        for list_name, i, e in self.entries():
            key = e.id.strip()
            if key in seen:
                other = self.smap.value(seen[key])
                also = f" (also at line {other[0]})" if other else ""
                self.error(
                    (list_name, i, "id"),
                    f"'{key}' is used by more than one entry{also}; IDs must be unique",
                    e.id,
                    ("id",),
                )
            else:
                seen[key] = (list_name, i, "id")
            scores = {f: self.score(list_name, i, e, f) for f in SCORE_FIELDS}
            resolved[list_name].append(e.model_copy(update=scores))
            self.entry_warnings(list_name, i, e, scores)
        self.series_warnings()
        self.hidden_field_warnings()
        return self.reg.model_copy(update=resolved)

    def hidden_field_warnings(self) -> None:
        """In the table layout, a field with text but no column would be missing from the
        Word, PDF and HTML appendix: say so, rather than drop it silently."""
        if self.reg.layout != "table":
            return
        for list_name, i, e in self.entries():
            cols = self.reg.columns.risks if list_name == "risks" else self.reg.columns.opportunities
            shown = {c.field for c in cols}
            for fname in Entry.model_fields:
                value = getattr(e, fname)
                if fname in shown or value in (None, "", []):
                    continue
                key = field_key(Entry, fname)
                self.warn(
                    self.key_path(list_name, i, fname),
                    f"the table layout has no column for it, so the Word, PDF and HTML appendix will not "
                    f"show it (the Excel workbook does): add a '{fname}' column under 'columns:' or use "
                    f"'layout: cards'",
                    e.id,
                    (key,),
                )

    def entry_warnings(self, list_name: str, i: int, e: Entry, scores: dict[str, Score | None]) -> None:
        cur = scores["current"].score if scores["current"] else None
        for fname in ("residual", "target"):
            sc = scores[fname]
            if cur is None or sc is None or sc.score is None:
                continue
            if list_name == "risks" and sc.score > cur:
                self.warn(
                    self.key_path(list_name, i, fname),
                    f"{sc.score} is above the current score, {cur}: a {fname} score should not be worse than today's",
                    e.id,
                    (fname,),
                )
            if list_name == "opportunities" and sc.score < cur:
                self.warn(
                    self.key_path(list_name, i, fname),
                    f"{sc.score} is below the current score, {cur}: an opportunity's "
                    f"{fname} should not be smaller than today's",
                    e.id,
                    (fname,),
                )
        owners = [g.owner for g in e.controls + e.actions if g.owner and g.owner.strip()]
        if not (e.owner and e.owner.strip()) and not owners:
            self.warn((list_name, i), "has no owner: every risk and opportunity needs someone accountable", e.id)

    def series_warnings(self) -> None:
        for list_name in ("risks", "opportunities"):
            entries = getattr(self.reg, list_name)
            parts = [(_split_id(e.id), i, e) for i, e in enumerate(entries)]
            prefixes = Counter(p[0][0] for p in parts if p[0])
            for split, i, e in parts:
                if not split:
                    continue
                prefix, number = split
                suggestion = None
                # A zero typed for the letter O (C01 in a CO1, CO2... series) or the reverse.
                for other in prefixes:
                    if other == prefix:
                        continue
                    # the minority spelling is the odd one out; on a tie, the one with a leading zero
                    odd = prefixes[prefix] < prefixes[other] or (
                        prefixes[prefix] == prefixes[other] and number.startswith("0") and len(number) > 1
                    )
                    for cand in _confusions(e.id) if odd else []:
                        cs = _split_id(cand)
                        if cs and cs[0] == other:
                            suggestion = cand
                            break
                    if suggestion:
                        break
                if suggestion is None and prefixes[prefix] == 1 and len(prefixes) > 1:
                    common, count = prefixes.most_common(1)[0]
                    if count > 1:
                        suggestion = f"{common}{int(number)}"
                if suggestion:
                    series = sorted({f"{p}…" for p in prefixes if p != prefix})
                    self.warn(
                        (list_name, i, "id"),
                        f"'{e.id}' breaks the series of IDs ({', '.join(series)}): did you mean '{suggestion}'?",
                        e.id,
                        ("id",),
                    )


_ID = re.compile(r"^(.*?)(\d+)$")


def _split_id(ident: str) -> tuple[str, str] | None:
    m = _ID.match(ident.strip())
    if not m:
        return None
    return m.group(1), m.group(2)


def _confusions(ident: str) -> list[str]:
    """IDs one look-alike character away: O/0 and I/1."""
    swaps = {"0": "O", "O": "0", "1": "I", "I": "1", "o": "0"}
    out = []
    for k, ch in enumerate(ident):
        if ch in swaps:
            out.append(ident[:k] + swaps[ch] + ident[k + 1 :])
    return out


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check(loaded: Loaded) -> tuple[Register, list[Diagnostic]]:
    """Validate a loaded register. Returns the register with scores resolved to numbers and
    the warnings; raises `RegisterError` (errors and warnings together) if anything is wrong."""
    checker = _Checker(loaded)
    resolved = checker.run()
    checker.out.sort(key=lambda d: (d.line or 0, d.column or 0))
    if any(d.severity == "error" for d in checker.out):
        raise RegisterError(checker.out)
    return resolved, checker.out
