"""The public API: load, check, render and build. The CLI is a thin layer over this."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, RegisterError
from .writers import EARLY, Options, available, present
from .writers import get as get_writer

if TYPE_CHECKING:
    from .model import Register

# reader, validate and view (pydantic, ruamel.yaml, markdown-it) are imported where they are
# used: a build starts the PDF's typesetting process first, and that process should not wait
# for them (nor carry them).


@dataclass
class Checked:
    """A register that passed validation, with its warnings."""

    register: Register
    warnings: list[Diagnostic]
    path: Path


def load(path: str | Path) -> Checked:
    """Read and validate a register; raises `RegisterError` listing every problem."""
    from . import reader, validate

    try:
        loaded = reader.read(path)
    except RegisterError as exc:
        if exc.partial is not None:
            # Report the later checks' findings on what could be read, in the same run.
            try:
                validate.check(exc.partial)
            except RegisterError as more:
                exc.diagnostics.extend(more.diagnostics)
            exc.diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
        raise
    register, warnings = validate.check(loaded)
    return Checked(register, warnings, loaded.path)


def render(register: Register, fmt: str, options: Options | None = None) -> bytes:
    """Render a validated register in one format and return the file's bytes."""
    from . import view

    writers = available()
    if fmt not in writers:
        raise UnavailableFormat(fmt)
    return writers[fmt].render(view.build(register), options or Options())


class UnavailableFormat(Exception):
    def __init__(self, fmt: str):
        self.fmt = fmt
        have = ", ".join(available()) or "none yet"
        super().__init__(f"the '{fmt}' format is not available in this version of reportgen (available: {have})")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@dataclass
class BuildResult:
    register: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def build(
    path: str | Path,
    out_dir: str | Path = "output",
    formats: list[str] | None = None,
    options: Options | None = None,
    previous: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Validate a register and write each format as `out_dir/<stem>.<ext>`; with `previous`
    (last quarter's register) every format also shows the trend and what changed.

    Every format is rendered in memory before any file is replaced, so a failure
    leaves last quarter's files as they were."""
    opts = options or Options()
    with ExitStack() as stack:
        # Writers with a session (the PDF's typesetting processes) start it first, before the
        # register is read and the other writers' libraries are imported, and render in the
        # background while the other formats are written.
        sessions = {}
        for f in EARLY:
            early = get_writer(f) if formats is None or f in formats else None
            if early is not None and early.session is not None:
                sessions[f] = stack.enter_context(early.session())
        have = present()  # without importing the other writers' libraries yet
        formats = formats or have
        for fmt in formats:
            if fmt not in have:
                raise UnavailableFormat(fmt)
        from . import view

        checked = load(path)
        last = load(previous) if previous is not None else None
        v = view.build(checked.register, last.register if last else None, str(previous) if previous else None)
        started = {f: s.begin(v, opts) for f, s in sessions.items()}
        writers = available()
        # The others first, then wait for the background ones; the files keep the build order.
        done: dict[str, bytes] = {}
        for i, f in enumerate(sorted(formats, key=lambda f: f in started), 1):
            if progress:
                progress(f"{checked.path.name}: rendering {f} ({i}/{len(formats)}, {len(v.entries())} entries)")
            done[f] = started[f]() if f in started else writers[f].render(v, opts)
        rendered = [(writers[f], done[f]) for f in formats]
    out = Path(out_dir)
    result = BuildResult(checked.path, warnings=list(checked.warnings))
    if v.comparison:
        result.warnings.extend(v.comparison.warnings)
    for writer, data in rendered:
        target = out / f"{checked.path.stem}.{writer.extension}"
        write_atomic(target, data)
        result.written.append(target)
    return result


__all__ = ["Checked", "BuildResult", "RegisterError", "UnavailableFormat", "build", "load", "render", "write_atomic"]
