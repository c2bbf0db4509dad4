"""Entry IDs: the characters an ID may not hold, and IDs one look-alike character apart."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Characters that change the direction text is shown in: an ID can be made to print as another.
_BIDI = set("\u061c\u200e\u200f") | {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
# Characters that print as nothing but are not format characters (fillers, the grapheme joiner).
_BLANK_LETTERS = set("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def _name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}, {name}" if name else f"U+{ord(ch):04X}"


def id_problem(ident: str) -> str | None:
    """Why an ID cannot be printed as one clear line (None if it can): a line break or control
    character, a text-direction override, an invisible character, or nothing but spaces."""
    for ch in ident:
        category = unicodedata.category(ch)
        if ch in _LINE_BREAKS or category in ("Zl", "Zp"):
            return f"contains a line break (U+{ord(ch):04X}): an ID must be one line; delete it"
        if category in ("Cc", "Cs") or ch in "\ufffe\uffff":
            return (
                f"contains a control character (U+{ord(ch):04X}); delete it (it is often pasted in from another "
                "program)"
            )
        if ch in _BIDI:
            return (
                f"contains an invisible text-direction character ({_name(ch)}) that makes the ID print "
                "differently from how it reads; delete it"
            )
        if category == "Cf" or ch in _BLANK_LETTERS:
            return (
                f"contains an invisible character ({_name(ch)}); delete it (it is often pasted in from another program)"
            )
    if not ident.strip():
        return "is blank: every risk and opportunity needs an ID"
    return None


_ID = re.compile(r"^(.*?)(\d+)$")


def split_id(ident: str) -> tuple[str, str] | None:
    """`CR12` -> (`CR`, `12`); None for an ID that does not end in a number."""
    m = _ID.match(ident.strip())
    if not m:
        return None
    return m.group(1), m.group(2)


def confusions(ident: str) -> list[str]:
    """IDs one look-alike character away: O/0 and I/1."""
    swaps = {"0": "O", "O": "0", "1": "I", "I": "1", "o": "0"}
    out = []
    for k, ch in enumerate(ident):
        if ch in swaps:
            out.append(ident[:k] + swaps[ch] + ident[k + 1 :])
    return out
