"""Characters no font on this machine can show, named before they print as empty boxes.

WeasyPrint takes each character from the first font that has it (the stylesheet's, then
any installed font fontconfig offers); a character no font has is drawn as an empty box
(".notdef"), silently. `scripts/ensure-system build` installs Noto fonts for most of the
world's scripts, Chinese, Japanese and Korean, and emoji; a machine without them, or a
script none covers, gets a warning per field naming the characters.

Cheap: only a register with characters beyond Latin and common punctuation asks
fontconfig at all (through its C library, as WeasyPrint does: no process is started
and WeasyPrint is not imported), once per process, for the union of every font's characters.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...model import Register
    from .. import Options

#: Characters the stylesheet's own font (Liberation Sans) is taken to have: Latin to
#: Latin Extended-B and the general punctuation (dashes, quotes, bullets).
_LATIN = 0x250
_PUNCTUATION = range(0x2000, 0x2070)
#: Characters listed in one warning at most.
SHOWN = 8


def _needs_a_glyph(ch: str) -> bool:
    o = ord(ch)
    if o < _LATIN or o in _PUNCTUATION:
        return False
    # Format characters (joiners, direction marks), variation selectors and the like draw nothing.
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn", "Cs"):
        return False
    return not (0xFE00 <= o <= 0xFE0F or 0xE0000 <= o <= 0xE0FFF)


def _strings(node: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, path + (k,))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _strings(v, path + (i,))


def unshown(register: Register, covered=None) -> list[tuple[str | None, str, list[str]]]:
    """(entry ID or None, field, characters) for each field holding characters no installed
    font has, in register order. `covered(chars) -> set` says which of `chars` a font has."""
    data = register.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    wanted: dict[tuple[str | None, str], set[str]] = {}
    for path, text in _strings(data, ()):
        if text.isascii():
            continue
        chars = {ch for ch in text if _needs_a_glyph(ch)}
        if not chars:
            continue
        if len(path) >= 3 and path[0] in ("risks", "opportunities"):
            entry = getattr(register, path[0])[path[1]].id
            key: tuple[str | None, str] = (entry, str(path[2]))
        else:
            key = (None, " ".join(str(p) for p in path if not isinstance(p, int)))
        wanted.setdefault(key, set()).update(chars)
    if not wanted:
        return []
    everything = set().union(*wanted.values())
    have = (covered or fonts_have)(everything)
    out = []
    for (entry, field), chars in wanted.items():
        missing = sorted(chars - have)
        if missing:
            out.append((entry, field, missing))
    return out


def warn_unshown(register: Register, options: Options) -> None:
    """A warning for each field with characters no installed font has (see the module's doc)."""
    from ...diagnostics import Diagnostic

    for entry, field, chars in unshown(register):
        listed = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in chars[:SHOWN])
        if len(chars) > SHOWN:
            listed += f" and {len(chars) - SHOWN} more"
        options.warnings.append(
            Diagnostic(
                f"no font on this machine has {listed}: the PDF shows "
                + ("it as an empty box" if len(chars) == 1 else "them as empty boxes")
                + " (scripts/ensure-system build installs fonts that cover most scripts and emoji)",
                "warning",
                entry=entry,
                field=field,
            )
        )


# --------------------------------------------------------------------------- fontconfig


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@lru_cache(maxsize=1)
def _union():
    """fontconfig and the union of the characters of every font it lists, or None
    without fontconfig (then nothing is warned about: there is no telling)."""
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    fc.FcInitLoadConfigAndFonts.restype = vp
    fc.FcPatternCreate.restype = vp
    fc.FcObjectSetBuild.restype = vp
    fc.FcObjectSetBuild.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FontSet)
    fc.FcFontList.argtypes = [vp, vp, vp]
    fc.FcPatternGetCharSet.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(vp)]
    fc.FcCharSetCreate.restype = vp
    fc.FcCharSetMerge.argtypes = [vp, vp, vp]
    fc.FcCharSetHasChar.argtypes = [vp, ctypes.c_uint32]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
    for fn in ("FcObjectSetDestroy", "FcPatternDestroy", "FcConfigDestroy"):
        getattr(fc, fn).argtypes = [vp]
    config = fc.FcInitLoadConfigAndFonts()
    if not config:
        return None
    pattern = fc.FcPatternCreate()
    objects = fc.FcObjectSetBuild(b"charset", None)
    fonts = fc.FcFontList(config, pattern, objects)
    union = fc.FcCharSetCreate()
    try:
        if fonts:
            cs = vp()
            for i in range(fonts.contents.nfont):
                if fc.FcPatternGetCharSet(fonts.contents.fonts[i], b"charset", 0, ctypes.byref(cs)) == 0:
                    fc.FcCharSetMerge(union, cs, None)
    finally:
        if fonts:
            fc.FcFontSetDestroy(fonts)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)
    return fc, union


def fonts_have(chars: set[str]) -> set[str]:
    """Those of `chars` some installed font has (all of them, when fontconfig cannot be asked)."""
    found = _union()
    if found is None:
        return set(chars)
    fc, union = found
    return {ch for ch in chars if fc.FcCharSetHasChar(union, ord(ch))}


__all__ = ["fonts_have", "unshown", "warn_unshown"]
