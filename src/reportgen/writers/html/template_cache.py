"""Compiled templates kept between builds, as Python keeps .pyc files.

Jinja2 compiles the page's templates to Python on every run, on the way to the PDF's
first piece. Jinja2's own bytecode cache keeps the compiled code in a folder
(`$XDG_CACHE_HOME/reportgen/templates`, else `~/.cache/reportgen/templates`), keyed by each
template's name and checked against a hash of its source, so an edited template is
compiled afresh. The first build after an install or a template change compiles and
writes; where the folder cannot be made or written, templates are compiled every time,
as before. The output does not depend on it.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2


class _Cache(jinja2.FileSystemBytecodeCache):
    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a read-only or full disk: compiled again next time
            pass


def template_cache() -> jinja2.BytecodeCache | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "reportgen" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _Cache(str(folder))
