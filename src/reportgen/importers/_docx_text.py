"""Word paragraphs -> the register's Markdown.

Reads what a document shows, whoever made it: real Word lists (w:numPr, with the
numbering part telling bullet from number), list styles ("List Bullet 2"), typed
bullets (•, ·, -, o for nested), typed numbers ("1."), manual line breaks that
split a cell into lines, and bold/italic runs. python-docx has no API for list
levels or numbering formats, so this walks the paragraph XML (lxml) directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

W_P, W_R, W_T, W_BR, W_TAB, W_CR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")

# Typed bullets: the character, and the nesting it usually stands for.
_TYPED_BULLET = re.compile(r"^\s*([•·▪■●◦○\-–—*o§Ø➢✓])(?:\s+|\t)(?=\S)")
_TYPED_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")
_NESTED_CHARS = set("o◦○-–")


@dataclass
class Line:
    """One line of a cell as read: its runs and its list position."""

    runs: list[tuple[str, bool, bool]]  # text, bold, italic
    level: int = 0  # 0 body, 1.. list depth
    ordered: bool = False
    number: int | None = None
    indent: int = 0  # left indent in twips (to nest typed bullets)
    heading: bool = False  # in a heading / sub-heading style
    list_id: str | None = None  # a real Word list's numId: a new one starts a new list
    start: int = 1  # the number a real Word list starts at, at this level
    style: str = ""  # the paragraph style's name, in lower case

    @property
    def is_heading(self) -> bool:
        """A sub-heading: a heading style, or wholly bold text that is not a list item."""
        if self.level:
            return False
        runs = [r for r in self.runs if r[0].strip()]
        return bool(runs) and (self.heading or all(b for _, b, _ in runs))

    @property
    def text(self) -> str:
        return "".join(t for t, _, _ in self.runs)


@dataclass
class Numbering:
    """numId -> (level -> (format, start)) from word/numbering.xml, with each w:num's start
    overrides (a list that starts at 3 is a w:num overriding its abstract list's start)."""

    formats: dict[str, dict[int, tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstract: dict[str, dict[int, tuple[str, int]]] = {}
        for a in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in a.iter(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "bullet",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[a.get(qn("w:abstractNumId"))] = levels
        out = cls()
        for num in root.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            levels = dict(abstract.get(ref.get(qn("w:val")), {}))
            for ov in num.iter(qn("w:lvlOverride")):
                start = ov.find(qn("w:startOverride"))
                ilvl = int(ov.get(qn("w:ilvl"), "0"))
                if start is not None and start.get(qn("w:val"), "").isdigit():
                    levels[ilvl] = (levels.get(ilvl, ("decimal", 1))[0], int(start.get(qn("w:val"))))
            out.formats[num.get(qn("w:numId"))] = levels
        return out


def _on(el) -> bool:
    if el is None:
        return False
    val = el.get(qn("w:val"))
    return val is None or val.lower() not in ("0", "false", "off", "none")


def _run_style(r, para_bold: bool, para_italic: bool) -> tuple[bool, bool]:
    rpr = r.find(qn("w:rPr"))
    bold, italic = para_bold, para_italic
    if rpr is not None:
        b = rpr.find(qn("w:b"))
        i = rpr.find(qn("w:i"))
        if b is not None:
            bold = _on(b)
        if i is not None:
            italic = _on(i)
    return bold, italic


def _style_name(p, styles) -> str:
    ppr = p.find(qn("w:pPr"))
    sid = None
    if ppr is not None:
        ps = ppr.find(qn("w:pStyle"))
        if ps is not None:
            sid = ps.get(qn("w:val"))
    if not sid:
        return ""
    return styles.get(sid, sid)


def paragraph_lines(p, numbering: Numbering, styles: dict[str, str]) -> list[Line]:
    """A w:p element as one or more lines (manual line breaks split it)."""
    ppr = p.find(qn("w:pPr"))
    level, ordered, number, indent = 0, False, None, 0
    list_id, start = None, 1
    if ppr is not None:
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is not None:
            ilvl_el, num_el = num_pr.find(qn("w:ilvl")), num_pr.find(qn("w:numId"))
            num_id = num_el.get(qn("w:val")) if num_el is not None else None
            if num_id and num_id != "0":
                ilvl = int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
                level = ilvl + 1
                fmt, start = numbering.formats.get(num_id, {}).get(ilvl, ("bullet", 1))
                ordered = fmt not in ("bullet", "none")
                list_id = num_id
        ind = ppr.find(qn("w:ind"))
        if ind is not None:
            try:
                indent = int(ind.get(qn("w:left")) or ind.get(qn("w:start")) or 0)
            except ValueError:
                indent = 0
    style = _style_name(p, styles).lower()
    if not level:
        m = re.match(r"list (bullet|number)(?: (\d))?$", style)
        if m:
            level = int(m.group(2) or 1)
            ordered = m.group(1) == "number"
    para_bold = para_italic = False
    lines: list[Line] = [Line([], level, ordered, number, indent, list_id=list_id, start=start, style=style)]
    for r in p.iter(W_R):
        bold, italic = _run_style(r, para_bold, para_italic)
        for child in r:
            if child.tag == W_T and child.text:
                lines[-1].runs.append((child.text, bold, italic))
            elif child.tag == W_TAB:
                lines[-1].runs.append(("\t", bold, italic))
            elif child.tag in (W_BR, W_CR) and child.get(qn("w:type")) in (None, "textWrapping"):
                lines.append(Line([], 0, False, None, indent, style=style))
    return [ln for ln in lines if ln.text.strip() or ln is lines[0]]


def _typed_markers(lines: list[Line]) -> None:
    """Turn typed bullets and numbers into list levels (in place)."""
    indents = sorted({ln.indent for ln in lines if _TYPED_BULLET.match(ln.text) or _TYPED_NUMBER.match(ln.text)})
    for ln in lines:
        if ln.level:
            continue
        if all(b for t, b, _ in ln.runs if t.strip()):
            continue  # a wholly bold "1. Leadership" line is a numbered sub-heading, not a list item
        m = _TYPED_BULLET.match(ln.text)
        n = None if m else _TYPED_NUMBER.match(ln.text)
        if not (m or n):
            continue
        found = m or n
        assert found is not None
        cut = found.end()
        if m:
            # "• 1. Establishing...": a typed bullet before a typed number. The page shows the
            # number, so it is a numbered item (one level), not a number nested in a bullet.
            n = _TYPED_NUMBER.match(ln.text[cut:])
            if n:
                cut += n.end()
                m = None
        _strip_prefix(ln, cut)
        depth = indents.index(ln.indent) + 1 if len(indents) > 1 else 1
        if m and m.group(1) in _NESTED_CHARS and m.group(1) != "-" and depth == 1:
            depth = 2
        ln.level = depth
        if n:
            ln.ordered = True
            ln.number = int(n.group(1))


def _strip_prefix(ln: Line, cut: int) -> None:
    out = []
    for text, b, i in ln.runs:
        if cut <= 0:
            out.append((text, b, i))
        elif len(text) <= cut:
            cut -= len(text)
        else:
            out.append((text[cut:], b, i))
            cut = 0
    ln.runs = out


def _inline(runs: list[tuple[str, bool, bool]]) -> str:
    """Runs as Markdown inline text: **bold**, *italic*; whitespace kept outside the markers."""
    merged: list[list] = []
    for text, b, i in runs:
        text = text.replace("\t", " ")
        if merged and merged[-1][1:] == [b, i]:
            merged[-1][0] += text
        else:
            merged.append([text, b, i])
    out = []
    for text, b, i in merged:
        core = text.strip()
        if not core or not (b or i):
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        mark = "***" if b and i else "**" if b else "*"
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return "".join(out).strip()


def to_markdown(lines: list[Line]) -> str:
    """Lines of a cell as register Markdown: paragraphs, lists, nested lists, bold, italic."""
    lines = [ln for ln in lines if ln.text.strip()]
    _typed_markers(lines)
    out: list[str] = []
    indents: list[int] = []  # indent (in spaces) of each open list level's content
    prev_list = False
    numbers: dict[int, int] = {}
    lists: dict[int, str | None] = {}  # the real Word list (numId) numbered at each level
    for ln in lines:
        text = _inline(ln.runs)
        if not ln.level:
            if out:
                out.append("")
            out.append(_escape_para(text))
            prev_list = False
            indents.clear()
            numbers.clear()
            continue
        level = min(ln.level, len(indents) + 1)
        del indents[level - 1 :]
        for k in list(numbers):
            if k > level:
                del numbers[k]
        pad = sum(indents)
        if ln.ordered:
            if ln.number is not None:
                n = ln.number
            elif level in numbers and lists.get(level) == ln.list_id:
                n = numbers[level] + 1
            else:  # a new list: at the number Word starts it at
                n = ln.start
            lists[level] = ln.list_id
            numbers[level] = n
            marker = f"{n}."
        else:
            numbers.pop(level, None)
            marker = "-"
        if out and not prev_list:
            out.append("")
        out.append(" " * pad + f"{marker} {text}")
        indents.append(len(marker) + 1)
        prev_list = True
    return "\n".join(out)


def _escape_para(text: str) -> str:
    """A body paragraph that would otherwise read as a list or heading in Markdown."""
    if re.match(r"^([-+*]|\d{1,9}[.)]|#{1,6})(\s|$)", text):
        return "\\" + text
    return text


def cell_markdown(paragraph_elements, numbering: Numbering, styles: dict[str, str]) -> str:
    lines: list[Line] = []
    for p in paragraph_elements:
        lines.extend(paragraph_lines(p, numbering, styles))
    return to_markdown(lines)


def style_names(document) -> dict[str, str]:
    """styleId -> style name, to recognise 'List Bullet 2' and the like."""
    out = {}
    for s in document.styles:
        try:
            out[s.style_id] = s.name or s.style_id
        except (AttributeError, ValueError):
            continue
    return out
