"""Library work-around: WeasyPrint's font subsetting asks cffi for a new C type per font per piece.

cffi parses every C type string it has not seen with pycparser, each parse prefixed by
all the type names WeasyPrint declares: about 2.5 ms a string. WeasyPrint 70 subsets each
font with `ffi.new(f'hb_codepoint_t[{n}]', values)`, and `n` (the glyphs a piece uses)
differs from font to font and piece to piece, so a build parsed a dozen or two array types
nobody needed: about 40 ms of the 2021/22 register's typesetting. An array of
`len(values)` items made from `values` is what `'hb_codepoint_t[]'` gives too, with one
parse for all lengths; `ffi.new` is wrapped to ask for that when the length written in
the type is the length of the values (otherwise it is called as it was). The memory
handed to HarfBuzz, and so the PDF's bytes, are the same.
"""

from __future__ import annotations

import re

_SIZED = re.compile(r"(\w[\w ]*?) *\[(\d+)\]")


def unsized_arrays() -> None:
    from weasyprint.text.ffi import ffi

    new = ffi.new
    if getattr(new, "_reportgen", False):
        return

    def sized_as_unsized(cdecl, init=None):
        if isinstance(cdecl, str) and isinstance(init, (tuple, list)):
            m = _SIZED.fullmatch(cdecl)
            if m and int(m.group(2)) == len(init):
                return new(f"{m.group(1)}[]", init)
        return new(cdecl, init)

    sized_as_unsized._reportgen = True  # type: ignore[attr-defined]
    ffi.new = sized_as_unsized
