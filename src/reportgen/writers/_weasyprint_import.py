"""Library work-around: import WeasyPrint without some fifty short-lived processes.

WeasyPrint (70) opens each native library by trying a list of names meant for several
systems ('libgobject-2.0-0', 'gobject-2.0', ..., 'libgobject-2.0.so.0'). For every name
the dynamic loader does not know, cffi falls back to `ctypes.util.find_library`, which
on Linux runs `ldconfig -p`, then `gcc` and `ld`, to look for it: about fifty processes,
0.2 of the 0.5 s the import takes, on the critical path of every PDF. On Linux those
look-ups cannot succeed where the loader failed (find_library looks for 'lib<name>.so',
and each list also has the plain soname, 'libgobject-2.0.so.0', which the loader finds
directly), so while WeasyPrint is imported `find_library` answers "not found" at once.
The libraries opened, and so the PDF's bytes, are the same.
"""

from __future__ import annotations

import sys


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
