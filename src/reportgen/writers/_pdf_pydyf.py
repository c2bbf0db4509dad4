"""Library work-around for pydyf, the PDF serialiser WeasyPrint uses (see the docstring)."""

from __future__ import annotations


def page_references_once() -> None:
    """Work around a quadratic cost in pydyf (0.13): `PDF.page_references` rebuilds the
    tuple of every page's reference each time it is read, and WeasyPrint's tagging reads
    it once per structure element, so a 130-page register spent ~1.3 s (and a 1000-entry
    one minutes) rebuilding the same tuple. Remember it until a page is added; the
    references, and so the PDF's bytes, are exactly the same."""
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(prop, property) or getattr(prop.fget, "_reportgen", False):
        return  # already patched, or pydyf changed: leave it alone

    def page_references(self):
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_reportgen_page_refs")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), prop.fget(self))
            self.__dict__["_reportgen_page_refs"] = cached
        return cached[1]

    page_references._reportgen = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


#: zlib's default level: within 5% of level 9's size, and a fifth faster on a register's PDF.
COMPRESS_LEVEL = 6


def compress_level_default() -> None:
    """Work around pydyf (0.13) compressing every stream at zlib level 9, which took about
    a fifth of the time of writing a 60-page piece (0.37 of 1.9 s) to save 5% of its size.
    pydyf calls `zlib.compressobj(level=9)` on its module's `zlib`; give it one whose
    `compressobj` uses `COMPRESS_LEVEL`. The output stays deterministic."""
    import zlib

    import pydyf

    if not hasattr(pydyf, "zlib") or getattr(pydyf.zlib, "_reportgen", False):
        return

    class _Zlib:
        _reportgen = True

        def __getattr__(self, name):
            return getattr(zlib, name)

        @staticmethod
        def compressobj(level=COMPRESS_LEVEL, *args, **kwargs):
            return zlib.compressobj(COMPRESS_LEVEL, *args, **kwargs)

    pydyf.zlib = _Zlib()
