"""The HTML appendix: one standalone, accessible page (`page.build_html`), also the PDF's source.

The page's templates are compiled when it is first rendered, not when the writer registers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import Options, register

if TYPE_CHECKING:
    from ...view import ReportView


@register("html", "html", "Standalone accessible HTML page (WCAG 2.2 AA), no scripts or external files")
def render(view: ReportView, options: Options) -> bytes:
    from .page import build_html

    return build_html(view).encode("utf-8")
