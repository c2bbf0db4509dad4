"""WeasyPrint's, pydyf's and cffi's work-arounds, all in one place.

Each is a measured speed-up that keeps the PDF's pages (`tests/writers/pdf/test_pdf_workarounds.py`
typesets with and without them and compares the bytes; the compression level alone changes
how the streams are compressed, not what they hold). Each returns True when it is in place and
False when the library no longer has the shape it patches; `apply()` makes them all and
says which did not take, and the tests fail loudly on any that did not, so a library
upgrade that makes one idle is seen at once.
"""

from __future__ import annotations

import re
import sys

# --------------------------------------------------------------------------- importing WeasyPrint

# Library work-around: import WeasyPrint without some fifty short-lived processes.
#
# WeasyPrint (70) opens each native library by trying a list of names meant for several
# systems ('libgobject-2.0-0', 'gobject-2.0', ..., 'libgobject-2.0.so.0'). For every name
# the dynamic loader does not know, cffi falls back to `ctypes.util.find_library`, which
# on Linux runs `ldconfig -p`, then `gcc` and `ld`, to look for it: about fifty processes,
# 0.2 of the 0.5 s the import takes, on the critical path of every PDF. On Linux those
# look-ups cannot succeed where the loader failed (find_library looks for 'lib<name>.so',
# and each list also has the plain soname, 'libgobject-2.0.so.0', which the loader finds
# directly), so while WeasyPrint is imported `find_library` answers "not found" at once.
# The libraries opened, and so the PDF's bytes, are the same.


def import_weasyprint() -> None:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401

        return
    import ctypes.util

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real


# --------------------------------------------------------------------------- table rows

# Library work-around: stop laying out a table row WeasyPrint is going to move to the next page.
#
# A register row may not be split across pages (`break-inside: avoid`) unless it is taller
# than a page. WeasyPrint 70 (`layout/table.py`, `group_layout`) lays out every cell of a
# row down to the foot of the page, and only then sees that a cell did not fit and starts
# the row again on the next page. Rows of a register are long (often most of a page), so
# that lays out most of a row's cells for nothing on nearly every page: much of
# a long table's typesetting.
#
# Once one cell of such a row has not fitted (and the page already holds something, which
# is when WeasyPrint gives the row up), the row's remaining cells are answered "nothing
# fits" without being laid out; WeasyPrint discards the row's cells either way, so the
# pages, and the PDF's bytes, are the same (a test compares them). The row being laid out
# is known from `resolve_percentages`, which `group_layout` calls on each row before its
# cells; the cells are laid out by `block_container_layout`, which `table_layout` imports
# from `layout/block.py` when it runs. If WeasyPrint changes shape, nothing is patched.


class _Row:
    row = None  # the row whose cells are being laid out
    given_up = None  # that row, once a cell of it has not fitted
    skipped = 0  # cells not laid out (for the tests)


STATE = _Row()


def give_up_rows_early() -> bool:
    import weasyprint.layout.block as block
    import weasyprint.layout.table as table
    from weasyprint.formatting_structure.boxes import TableCellBox, TableRowBox

    layout = getattr(block, "block_container_layout", None)
    resolve = getattr(table, "resolve_percentages", None)
    avoid = getattr(block, "avoid_page_break", None)
    if getattr(layout, "_reportgen", False):
        return True
    if layout is None or resolve is None or avoid is None:
        return False

    def resolve_row_first(box, *args, **kwargs):
        if isinstance(box, TableRowBox):
            STATE.row = box
            STATE.given_up = None
        return resolve(box, *args, **kwargs)

    def cell_layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs):
        row = STATE.row
        if (
            page_is_empty
            or row is None
            or not isinstance(box, TableCellBox)
            or not any(cell is box for cell in row.children)
        ):
            return layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs)
        if STATE.given_up is row:
            STATE.skipped += 1
            return None, None, {"break": "any", "page": None}, [], False, None
        out = layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs)
        # As group_layout decides: a cell placed nothing or ran over, on a page that holds
        # something, in a row (or cell) that avoids breaks inside: the row goes to the next page.
        if (out[0] is None or out[1] is not None) and (
            avoid(row.style["break_inside"], context)
            or any(avoid(cell.style["break_inside"], context) for cell in row.children)
        ):
            STATE.given_up = row
        return out

    cell_layout._reportgen = True  # type: ignore[attr-defined]
    block.block_container_layout = cell_layout
    table.resolve_percentages = resolve_row_first
    return True


# --------------------------------------------------------------------------- cffi arrays

# Library work-around: WeasyPrint's font subsetting asks cffi for a new C type per font per piece.
#
# cffi parses every C type string it has not seen with pycparser, each parse prefixed by
# all the type names WeasyPrint declares. WeasyPrint 70 subsets each font with
# `ffi.new(f'hb_codepoint_t[{n}]', values)`, and `n` (the glyphs a piece uses) differs from
# font to font and piece to piece, so a build parsed a dozen or two array types nobody
# needed (bench/FIGURES.md). An array of
# `len(values)` items made from `values` is what `'hb_codepoint_t[]'` gives too, with one
# parse for all lengths; `ffi.new` is wrapped to ask for that when the length written in
# the type is the length of the values (otherwise it is called as it was). The memory
# handed to HarfBuzz, and so the PDF's bytes, are the same.

_SIZED = re.compile(r"(\w[\w ]*?) *\[(\d+)\]")


def unsized_arrays() -> bool:
    from weasyprint.text.ffi import ffi

    new = getattr(ffi, "new", None)
    if getattr(new, "_reportgen", False):
        return True
    if new is None:
        return False

    def sized_as_unsized(cdecl, init=None):
        if isinstance(cdecl, str) and isinstance(init, (tuple, list)):
            m = _SIZED.fullmatch(cdecl)
            if m and int(m.group(2)) == len(init):
                return new(f"{m.group(1)}[]", init)
        return new(cdecl, init)

    sized_as_unsized._reportgen = True  # type: ignore[attr-defined]
    ffi.new = sized_as_unsized
    return True


# --------------------------------------------------------------------------- pydyf

# Library work-around for pydyf, the PDF serialiser WeasyPrint uses (see the docstring).


def page_references_once() -> bool:
    """Work around a quadratic cost in pydyf (0.13): `PDF.page_references` rebuilds the
    tuple of every page's reference each time it is read, and WeasyPrint's tagging reads
    it once per structure element, so a 130-page register spent ~1.3 s (and a 1000-entry
    one minutes) rebuilding the same tuple. Remember it until a page is added; the
    references, and so the PDF's bytes, are exactly the same."""
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(prop, property):
        return False  # pydyf changed: leave it alone
    if getattr(prop.fget, "_reportgen", False):
        return True
    getter = prop.fget
    if getter is None:
        return False

    def page_references(self):
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_reportgen_page_refs")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), getter(self))
            self.__dict__["_reportgen_page_refs"] = cached
        return cached[1]

    page_references._reportgen = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)
    return True


#: zlib's default level: about the size of level 9's, and faster (bench/FIGURES.md).
COMPRESS_LEVEL = 6


def compress_level_default() -> bool:
    """Work around pydyf (0.13) compressing every stream at zlib level 9, a good part of the
    time of writing a piece for a few per cent of its size.
    pydyf calls `zlib.compressobj(level=9)` on its module's `zlib`; give it one whose
    `compressobj` uses `COMPRESS_LEVEL`. The output stays deterministic."""
    import zlib

    import pydyf

    if not hasattr(pydyf, "zlib"):
        return False
    if getattr(pydyf.zlib, "_reportgen", False):
        return True

    class _Zlib:
        _reportgen = True

        def __getattr__(self, name):
            return getattr(zlib, name)

        @staticmethod
        def compressobj(level=COMPRESS_LEVEL, *args, **kwargs):
            return zlib.compressobj(COMPRESS_LEVEL, *args, **kwargs)

    pydyf.zlib = _Zlib()
    return True


def apply() -> list[str]:
    """Make every work-around (after `import_weasyprint`); the names of those that did not take."""
    made = {
        "page_references_once": page_references_once(),
        "compress_level_default": compress_level_default(),
        "unsized_arrays": unsized_arrays(),
        "give_up_rows_early": give_up_rows_early(),
    }
    return [name for name, ok in made.items() if not ok]
