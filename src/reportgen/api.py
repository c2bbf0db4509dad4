"""The public API: load, render, build, import, init and schema. The CLI is a thin layer over this.

Every expected failure is an exception with a one-line message: `RegisterError` (a register
that cannot be used: every problem found, each with where it is) or `ReportgenError` (an
output that cannot be written, a request that contradicts itself, a document that cannot
be imported).
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, RegisterError, ReportgenError
from .selection import Selection
from .writers import FORMATS, Options, UnknownFormat, parse_formats
from .writers import get as get_writer

if TYPE_CHECKING:
    from .model import Register

# reader, validate, view and the importers (pydantic, ruamel.yaml, markdown-it) are imported
# where they are used: a build starts the PDF's typesetting processes first, and those should
# not wait for them (nor carry them).

#: Told what is happening, a line at a time (the CLI shows it on a terminal).
Progress = Callable[[str], None]


class OutputError(ReportgenError):
    """A file that cannot be written: which one and why (and whether any file was replaced)."""


class Conflict(ReportgenError):
    """A build or import whose output would overwrite one of its inputs, or another's output."""

    exit_code = 2


# --------------------------------------------------------------------------- loading


@dataclass
class Checked:
    """A register that passed validation, with its warnings."""

    register: Register
    warnings: list[Diagnostic]
    path: Path


def load(path: str | Path, progress: Progress | None = None) -> Checked:
    """Read and validate a register: a YAML or JSON register file, or a Word appendix (.docx)
    or register workbook (.xlsx), read through the importers (told apart by their content).
    Raises `RegisterError` listing every problem; an imported document's warnings start with
    what the import could not read or place."""
    from . import importers

    p = Path(path)
    if importers.is_document(p):
        return _load_document(p, progress)
    from . import reader, validate

    try:
        loaded = reader.read(p)
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


def _load_document(path: Path, progress: Progress | None) -> Checked:
    from . import importers, validate
    from .reader import Loaded, SourceMap

    try:
        imported = importers.import_file(path, progress=progress)
    except importers.ImportError_ as exc:
        raise RegisterError([Diagnostic(str(exc))]) from exc  # (the message names the file)
    # A document has no lines to point at: the checks name the file, the entry and the field.
    loaded = Loaded(imported.register, SourceMap(str(path)), path)
    try:
        register, warnings = validate.check(loaded)
    except RegisterError as exc:
        exc.diagnostics[:0] = imported.notes
        raise
    return Checked(register, imported.notes + warnings, path)


def render(register: Register, fmt: str, options: Options | None = None) -> bytes:
    """Render a validated register in one format and return the file's bytes; what the writer
    warns of is appended to `options.warnings`."""
    from . import view

    return get_writer(fmt).render(view.build(register), options or Options())


# --------------------------------------------------------------------------- writing files


def write_files(files: Mapping[Path, bytes]) -> None:
    """Write every file or none: each goes to a temporary file beside it first, and they
    replace the old files only once all are written, so a reader sees last quarter's set or
    this one's, never half of a file or a mixture. Raises `OutputError` naming the file that
    could not be written, and why; the temporary files are removed (on an interruption too)."""
    temps: list[tuple[str, Path]] = []
    replaced = 0
    target = None
    try:
        for target in files:
            if target.is_dir():
                raise IsADirectoryError(21, "it is a folder", str(target))
        for target, data in files.items():
            _folder(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            temps.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        with _uninterrupted():  # Ctrl-C or SIGTERM now takes effect once all are replaced
            for tmp, target in temps:
                os.replace(tmp, target)
                replaced += 1
    except OSError as exc:
        assert target is not None
        done = "no file was replaced" if not replaced else f"{replaced} of {len(files)} files were replaced"
        raise OutputError(f"cannot write {target}: {_why(exc)}; {done}") from exc
    finally:
        for tmp, _ in temps[replaced:]:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of either."""
    write_files({Path(path): data})


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (where the system can) until the block is done."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where a folder should be (there, or further up)
        for f in (folder, *folder.parents):
            if f.exists() and not f.is_dir():
                raise NotADirectoryError(20, f"{f} is a file, not a folder") from None
        raise


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _same(a: Path, b: Path) -> bool:
    """The same file (a link to it, or another spelling of its path)?"""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:  # one does not exist (yet)
        pass
    return a.resolve() == b.resolve()


def _refuse_overwriting(outputs: Iterable[Path], inputs: Iterable[tuple[Path, str]], instead: str) -> None:
    inputs = list(inputs)
    for out in outputs:
        for path, what in inputs:
            if _same(out, path):
                raise Conflict(f"{out} would overwrite {what} {path}: {instead}")


# --------------------------------------------------------------------------- building


@dataclass
class BuildResult:
    register: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: From `build_all`: the register (or `previous`) cannot be used; nothing was written for it.
    error: RegisterError | None = None


def build(
    path: str | Path,
    out_dir: str | Path = "output",
    formats: str | Iterable[str] | None = None,
    options: Options | None = None,
    previous: Previous = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate a register and write each format as `out_dir/<stem>.<ext>`; with `previous`
    (earlier quarters' registers: one, several, or a folder of them) every format also shows
    the trend and what changed since the latest, and each entry's scores over them all. A register
    may be a YAML or JSON file, a Word appendix or a register workbook (see `load`).

    Every format is rendered in memory, and written all or none (`write_files`), so a failure
    leaves last quarter's files as they were. Raises `RegisterError` for a register that
    cannot be used, `Conflict` when an output would overwrite an input, `OutputError`."""
    [result] = build_all([path], out_dir, formats, options, previous, progress, keep_going=False)
    return result


#: What a build can make of a register besides the register itself (`--pack`).
PACKS = ("register", "summary", "deep-dive")


@dataclass(frozen=True)
class Pack:
    """What a build makes of each register (`reportgen build --part/--pack/--ids/...`): the public
    documents (Part A) or Part B; the register, a summary, or a deep dive per entry; of the whole
    register or a selection of its entries (see `packs`)."""

    pack: str = "register"
    part: str = "a"
    selection: Selection = Selection()

    def suffixes(self) -> list[str]:
        """The names a register's files take after its stem (`-summary`, `-CR3`, `-part-b`)."""
        tail = "-part-b" if self.part == "b" else ""
        if self.pack == "deep-dive":
            return [f"-{re.sub(r'[^A-Za-z0-9]+', '-', i).strip('-')}{tail}" for i in self.selection.ids]
        own = "" if self.selection.empty else f"-{self.selection.slug()}"
        return [own + ("-summary" if self.pack == "summary" else "") + tail]

    def formats(self, wanted: list[str]) -> list[str]:
        """The summary is for reading: Word, PDF and HTML (a workbook of it would not be)."""
        return [f for f in wanted if f != "xlsx"] if self.pack == "summary" else wanted


def build_all(
    paths: Iterable[str | Path],
    out_dir: str | Path = "output",
    formats: str | Iterable[str] | None = None,
    options: Options | None = None,
    previous: Previous = None,
    progress: Progress | None = None,
    keep_going: bool = True,
    pack: Pack | None = None,
) -> Iterator[BuildResult]:
    """`build` each register in turn, yielding its result as it is written. Before anything
    is read, refuses (`Conflict`) a build in which an output would overwrite an input (a
    register, `previous`, the reference .docx) or two registers would be written to the same
    files. With `keep_going`, a register that cannot be used gives a result with its `error`
    and the others are still built. `pack` says what documents each register becomes (default:
    the public register, every entry)."""
    pack = pack or Pack()
    if pack.pack not in PACKS:
        raise ReportgenError(f"--pack: '{pack.pack}' is not a pack; choose from {', '.join(PACKS)}")
    if pack.part not in ("a", "b"):
        raise ReportgenError(f"--part: '{pack.part}' is not a part; choose a (public) or b (exempt)")
    if pack.pack == "deep-dive" and not pack.selection.ids:
        raise ReportgenError("--pack deep-dive needs --ids: the entries to dive into (e.g. --ids CR3,CR5)")
    wanted = pack.formats(parse_formats(formats))
    if not wanted:
        raise ReportgenError("the summary is written as Word, PDF and HTML: ask for one of them (-f)")
    opts = options or Options()
    out = Path(out_dir)
    registers: list[Path] = []
    for p in map(Path, paths):
        if not any(_same(p, q) for q in registers):  # the same register named twice is built once
            registers.append(p)
    inputs = [(p, "the register") for p in registers]
    earlier = previous_files(previous)
    inputs.extend((p, "a previous register") for p in earlier)
    if opts.reference_docx is not None:
        inputs.append((Path(opts.reference_docx), "the reference document"))
    plan: list[tuple[Path, dict[str, dict[str, Path]]]] = []
    claimed: dict[Path, Path] = {}
    for reg in registers:
        targets = {
            suffix: {f: out / f"{reg.stem}{suffix}.{FORMATS[f].extension}" for f in wanted}
            for suffix in pack.suffixes()
        }
        every = [t for per in targets.values() for t in per.values()]
        _refuse_overwriting(every, inputs, "write the output to another folder (-o)")
        first = every[0]
        other = next((r for t, r in claimed.items() if _same(t, first)), None)
        if other is not None:
            raise Conflict(
                f"{other} and {reg} would both be written as {first.with_suffix('.*')}: build them into different "
                "folders (-o)"
            )
        claimed[first] = reg
        plan.append((reg, targets))
    return _build_each(plan, opts, earlier, progress, keep_going, pack)


#: Earlier quarters for a build: a register, several, or a folder of them (None: none).
Previous = str | Path | Iterable[str | Path] | None
#: What a folder given as --previous is read for.
_REGISTER_SUFFIXES = (".yaml", ".yml", ".json", ".docx", ".xlsx")


def previous_files(previous: Previous) -> list[Path]:
    """The files `previous` names: each path given, a folder's registers and documents in name order."""
    if previous is None:
        return []
    given = [Path(previous)] if isinstance(previous, str | Path) else [Path(p) for p in previous]
    out: list[Path] = []
    for p in given:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in _REGISTER_SUFFIXES))
        else:
            out.append(p)
    return out


def _build_each(
    plan, opts: Options, previous: list[Path], progress, keep_going: bool, pack: Pack
) -> Iterator[BuildResult]:
    last: list[Checked] = []  # `previous`, loaded once
    for reg, targets in plan:
        try:
            yield _build_one(reg, targets, opts, previous, last, progress, pack)
        except RegisterError as exc:
            if not keep_going:
                raise
            yield BuildResult(reg, error=exc)


def _build_one(
    path: Path,
    targets: dict[str, dict[str, Path]],
    opts: Options,
    previous: list[Path],
    last: list[Checked],
    progress: Progress | None,
    pack: Pack,
) -> BuildResult:
    formats = list(next(iter(targets.values())))
    opts = replace(opts, warnings=[])  # the writers' warnings about this register's files
    files: dict[Path, bytes] = {}
    with ExitStack() as stack:
        # A writer with a session (the PDF's typesetting processes) starts it first, before the
        # register is read and the other writers' libraries are imported, and renders in the
        # background while the other formats are rendered.
        sessions = {f: stack.enter_context(_session(f)) for f in formats if FORMATS[f].session}
        from . import history, packs, view

        checked = load(path, progress)
        if previous and not last:
            last.extend(load(p, progress) for p in previous)
        ordered = history.order((checked.register, str(checked.path)), [(c.register, str(c.path)) for c in last])
        earlier = packs.withhold_earlier([r for r, _ in ordered], checked.register, pack.part)
        docs = packs.documents(checked.register, str(checked.path), pack.pack, pack.part, pack.selection)
        comparison_warnings: list[Diagnostic] = []
        for n, doc in enumerate(docs):
            before = earlier if pack.selection.empty else [packs.narrow(r, doc.register) for r in earlier]
            v = view.build(
                doc.register,
                before[-1] if before else None,
                ordered[-1][1] if ordered else None,
                earlier=before,
                document=doc,
            )
            if v.comparison and n == 0:
                comparison_warnings = v.comparison.warnings
            # The sessions typeset the first document while the others render; any further one
            # (a deep dive's next entry) renders on its own.
            started = {f: s.begin(v, opts) for f, s in sessions.items()} if n == 0 else {}
            done: dict[str, bytes] = {}
            for i, f in enumerate(sorted(formats, key=lambda f: f in started), 1):
                if progress:
                    progress(f"{checked.path.name}: rendering {f} ({i}/{len(formats)}, {len(v.entries())} entries)")
                done[f] = started[f]() if f in started else get_writer(f).render(v, opts)
            for f in formats:
                files[targets[doc.suffix][f]] = done[f]
    write_files(files)
    result = BuildResult(checked.path, written=list(files), warnings=list(checked.warnings))
    result.warnings.extend(comparison_warnings)
    # (a writer's warning that names no file is about the register)
    result.warnings.extend(d if d.file else replace(d, file=str(checked.path)) for d in opts.warnings)
    return result


def _session(fmt: str) -> Any:
    start = get_writer(fmt).session
    assert start is not None  # (`writers.register` checks it against FORMATS)
    return start()


# --------------------------------------------------------------------------- import, init, schema


@dataclass
class ImportResult:
    source: Path
    written: Path
    #: What the import could not read or place (warnings).
    notes: list[Diagnostic]
    #: The written register's own check: its errors (if it does not validate yet) and warnings.
    diagnostics: list[Diagnostic]
    entries: int = 0

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def import_register(
    source: str | Path,
    out: str | Path | None = None,
    fmt: str = "yaml",
    like: str | Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a Word appendix (.docx) or register workbook (.xlsx) into a register file (`out`,
    default: the source's name with `.yaml` or `.json`), keeping the settings of the register
    `like` where the document cannot show them, then check the file written."""
    from . import importers, serialise

    if fmt not in ("yaml", "json"):
        raise ValueError(f"a register is written as yaml or json, not {fmt!r}")
    src = Path(source)
    target = Path(out) if out is not None else src.with_suffix(f".{fmt}")
    inputs = [(src, "the document")] + ([(Path(like), "the register")] if like is not None else [])
    _refuse_overwriting([target], inputs, "name another register file to write (-o)")
    if target.exists() and not force:
        raise ReportgenError(f"{target} already exists; use --force to overwrite it")
    like_reg = load(like).register if like is not None else None
    try:
        imported = importers.import_file(src, like_reg, progress=progress)
    except importers.ImportError_ as exc:
        raise ReportgenError(str(exc)) from exc
    if fmt == "json":
        text = serialise.to_json(imported.register)
    else:
        text = serialise.to_yaml(imported.register, header=f"Imported by reportgen from {src.name}")
    write_atomic(target, text.encode("utf-8"))
    result = ImportResult(src, target, imported.notes, [])
    try:
        checked = load(target)
    except RegisterError as exc:
        result.diagnostics = exc.diagnostics
    else:
        result.diagnostics = checked.warnings
        result.entries = len(checked.register.risks) + len(checked.register.opportunities)
    return result


def init(path: str | Path = "register.yaml", force: bool = False) -> Path:
    """Write a small, valid starter register to `path` (not over an existing file unless `force`)."""
    from importlib import resources

    p = Path(path)
    if p.exists() and not force:
        raise ReportgenError(f"{p} already exists; use --force to overwrite it")
    write_atomic(p, resources.files("reportgen").joinpath("starter.yaml").read_bytes())
    return p


def schema() -> dict[str, Any]:
    """The register's JSON Schema (draft 2020-12), every field with its description."""
    from .model import Register

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Register.model_json_schema(),
        "title": "reportgen register",  # (not pydantic's "Register")
    }


__all__ = [
    "BuildResult",
    "Checked",
    "Conflict",
    "ImportResult",
    "OutputError",
    "Pack",
    "RegisterError",
    "ReportgenError",
    "Selection",
    "UnknownFormat",
    "build",
    "build_all",
    "import_register",
    "init",
    "load",
    "render",
    "schema",
    "write_atomic",
    "write_files",
]
