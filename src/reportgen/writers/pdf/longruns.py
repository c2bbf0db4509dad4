"""Long unbroken runs of text (a pasted 30,000-character token, a link of hundreds of
characters) made breakable for WeasyPrint, which lays them out in quadratic time.

Why: WeasyPrint (70) sets a table cell's text a line at a time. For a line with a break
opportunity it lays out a few times the line's length of text; for a word too long for
the line (`overflow-wrap: break-word`, or `anywhere`: the same code) it lays out the
*whole* rest of the text to find where to cut the first line, so a run of n characters
costs n²/line-length: a 32,767-character word took 46 s to typeset, four of them 364 s.
CSS alone cannot help, since the cost is in how the word is cut, not whether.

So a run longer than `LONG_RUN` characters gets a zero-width space (U+200B) between its
characters: break opportunities everywhere, as `overflow-wrap` would break it, found in
the first few times the line's length of text. Lines end at the same characters as
before (the run was too long for any line of the page anyway); U+200B draws nothing and
is not in the PDF's text, so a reader, a search or a copy sees the run as written.
Only the PDF's HTML is changed; the HTML page keeps the text as it was. Words are never
this long, so no word is ever broken by it; nor are scripts written without spaces
(Chinese, Japanese, Thai, ...), which break between their own characters already; nor
is a character cluster (a letter and its accents, an emoji sequence, a flag) cut.
"""

from __future__ import annotations

import re
import unicodedata

#: Longer than a cell of the PDF's widest layout holds on one line (about 200 characters
#: across A4 landscape at its type size): such a run is cut wherever it is. Shorter runs
#: (a link, a long compound word) are left to `overflow-wrap: break-word` as they were:
#: their quadratic cost is a few milliseconds.
LONG_RUN = 200
ZWSP = "\u200b"

# Scripts that break between their own characters (no spaces): a long run of them is not
# a long word. CJK, kana, Hangul, full-width forms; Thai, Lao, Myanmar, Khmer (Pango breaks
# these by dictionary).
_SPACELESS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
)
#: A run: no white space, no tag, none of those scripts; an entity (`&amp;`) is one character.
_RUN = re.compile(rf"(?:&#?[A-Za-z0-9]+;|[^\s<>&{_SPACELESS}]){{{LONG_RUN + 1},}}")
_TOKEN = re.compile(r"&#?[A-Za-z0-9]+;|.", re.S)
_TEXT = re.compile(rf">([^<]{{{LONG_RUN + 1},}})")  # text between tags, long enough to hold a run


def _joins(ch: str) -> bool:
    """`ch` belongs to the character before it (an accent, a joiner, a variation selector,
    an emoji modifier or tag)."""
    if len(ch) != 1:
        return False
    o = ord(ch)
    return (
        unicodedata.category(ch).startswith("M")
        or o == 0x200D
        or 0xFE00 <= o <= 0xFE0F
        or 0x1F3FB <= o <= 0x1F3FF
        or 0xE0000 <= o <= 0xE01EF
    )


def _regional(ch: str) -> bool:
    return len(ch) == 1 and 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _breakable(run: str) -> str:
    tokens = _TOKEN.findall(run)
    out = [tokens[0]]
    for prev, ch in zip(tokens, tokens[1:]):
        if not (_joins(ch) or prev == "\u200d" or (_regional(prev) and _regional(ch))):
            out.append(ZWSP)
        out.append(ch)
    return "".join(out)


def _text(m: re.Match) -> str:
    return ">" + _RUN.sub(lambda r: _breakable(r.group(0)), m.group(1))


def break_long_runs(page: str) -> str:
    """The HTML page with every run of more than `LONG_RUN` characters in its body's text
    breakable between any two of its characters (see the module's doc)."""
    start = page.find("<body")
    if start < 0 or not _RUN.search(page, start):
        return page
    return page[:start] + _TEXT.sub(_text, page[start:])


__all__ = ["LONG_RUN", "break_long_runs"]
