"""The PDF appendix: the HTML page typeset by WeasyPrint as tagged PDF/UA-1.

A4 landscape, running header, "Page X of Y", an outline entry per risk and
opportunity and for the changes summary, the Key to Scores and each heat map (all
from the stylesheet's `@page` and `@media print` rules); title, author, subject,
language and dates in the metadata (from the page's <title>, <meta> and lang).
Dates come from `view.date`, so the same register gives the same bytes.

WeasyPrint is imported inside `render_pdf`, not at the top: importing it takes about
half a second, which every build (even `-f docx`) would otherwise pay when the
writers register themselves.
"""

from __future__ import annotations

from ..view import ReportView
from . import Options, register
from ._pdf_pydyf import page_references_once


def _no_fetch(url: str, *args, **kwargs):
    """The page is self-contained: nothing is fetched, from the network or the disk."""
    raise ValueError(f"reportgen's PDF does not load external resources ({url})")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    page_references_once()
    document = HTML(string=html, url_fetcher=_no_fetch, media_type="print").render(pdf_tags=True)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


@register("pdf", "pdf", "Tagged PDF (PDF/UA-1), A4 landscape, with bookmarks per entry")
def render(view: ReportView, options: Options) -> bytes:
    # Imported here, not at the top: importing the html module registers the html writer,
    # and loading the pdf writer must not (re-)register another format as a side effect.
    from .html import build_html

    return render_pdf(build_html(view))
