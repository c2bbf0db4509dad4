"""The `reportgen` command line: a thin layer over `reportgen.api` that parses and prints.

`main(argv) -> int` is what tests call. Expected problems print one clear line per
problem and exit non-zero; a Python traceback appears only with `--debug`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__, api
from .diagnostics import RegisterError, ReportgenError
from .writers import FORMATS, Options

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_diagnostics(diags) -> None:
    for d in diags:
        click.echo(str(d), err=True)


@contextmanager
def _progress() -> Iterator[api.Progress | None]:
    """A progress line on a terminal (overwritten in place, cleared at the end); nothing when
    output is not a terminal. `clear()` clears it before a result is printed."""
    stream = click.get_text_stream("stderr")
    if not stream.isatty():
        yield None
        return

    def show(message: str) -> None:
        stream.write("\r\033[K" + message)
        stream.flush()

    try:
        yield show
    finally:
        _clear_progress()


def _clear_progress() -> None:
    stream = click.get_text_stream("stderr")
    if stream.isatty():
        stream.write("\r\033[K")
        stream.flush()


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--debug", is_flag=True, help="Show a Python traceback when something goes wrong.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn a council's risk & opportunity register (YAML or JSON, or its own Word appendix or
    Excel workbook) into committee-ready documents: the Appendix A Word table, a tagged PDF,
    an Excel workbook and accessible HTML.

    \b
    Example:
      reportgen init register.yaml
      reportgen validate register.yaml
      reportgen build register.yaml -o output/
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("registers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the documents into.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    metavar="LIST",
    help=f"Comma-separated formats to write ({', '.join(FORMATS)}); default: all.",
)
@click.option(
    "--reference-docx",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A council's own Word template: its styles, fonts, margins, header and logo are used.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    metavar="REGISTER",
    multiple=True,
    help="An earlier quarter's register (give it again for more, or a folder of them): the latest is last "
    "quarter, for each entry's direction of travel and a summary of what changed; all of them for its "
    "scores over time.",
)
@click.option(
    "--part",
    type=click.Choice(["a", "b"], case_sensitive=False),
    default="a",
    show_default=True,
    help="a: the public documents, exempt information withheld; b: the exempt version, NOT FOR PUBLICATION, "
    "written as <name>-part-b.<ext>.",
)
@click.option(
    "--pack",
    type=click.Choice(["register", "summary", "deep-dive"]),
    default="register",
    show_default=True,
    help="register: the whole appendix; summary: a summary for Cabinet (<name>-summary); deep-dive: one "
    "document per entry of --ids (<name>-<ID>).",
)
@click.option("--ids", metavar="LIST", help="Only these entries (comma-separated IDs).")
@click.option("--band", metavar="BAND", help="Only entries whose current score is in this band (e.g. 'Very high').")
@click.option("--owner", metavar="TEXT", help="Only entries whose owner's name contains TEXT (any case).")
@click.option("--type", "type_", metavar="TYPE", help="Only entries of this risk type (any case).")
@click.option("--above-appetite", is_flag=True, help="Only entries above the council's risk appetite.")
def build(
    registers: list[Path],
    out_dir: Path,
    fmt: str | None,
    reference_docx: Path | None,
    previous: tuple[Path, ...],
    part: str,
    pack: str,
    ids: str | None,
    band: str | None,
    owner: str | None,
    type_: str | None,
    above_appetite: bool,
) -> None:
    """Validate each REGISTER and write its documents as OUTPUT/<register-name>.<format>.

    A REGISTER (and --previous) is a YAML or JSON register, or a Word appendix (.docx) or
    register workbook (.xlsx) read as `reportgen import` reads it.
    With --previous, every format shows each score's trend since last quarter
    (up, down, level or new) and starts with a summary of what changed; given
    more than one earlier quarter (in any order: they are put in order by report
    date, else period), each entry's scores over all of them, and how long it has
    been in its band.
    A register's files are replaced together, and only once every one is written:
    a failed run leaves last quarter's files untouched.

    \b
    Example:
      reportgen build samples/q2-2018-19.yaml -o output/ -f docx,pdf
      reportgen build samples/q2-2018-19.yaml --previous samples/q1-2018-19.yaml
      reportgen build "Appendix A Q2.xlsx" --previous "Appendix A Q1.docx"
      reportgen build cr-q2.yaml --previous cr-q1.yaml --previous cr-q4.yaml
      reportgen build cr-q2.yaml --part b
      reportgen build cr-q2.yaml --pack summary --previous cr-q1.yaml
      reportgen build cr-q2.yaml --pack deep-dive --ids CR3,CR5
      reportgen build cr-q2.yaml --owner "children's services" -f pdf
    """
    options = Options(reference_docx=reference_docx)
    failed = False
    with _progress() as progress:
        selection = api.Selection(
            ids=tuple(i.strip() for i in (ids or "").split(",") if i.strip()),
            band=band,
            owner=owner,
            type=type_,
            above_appetite=above_appetite,
        )
        what = api.Pack(pack=pack, part=part.lower(), selection=selection)
        for result in api.build_all(registers, out_dir, fmt, options, list(previous), progress, pack=what):
            _clear_progress()
            _print_diagnostics(result.error.diagnostics if result.error else result.warnings)
            for path in result.written:
                click.echo(f"wrote {path}")
            failed = failed or result.error is not None
    if failed:
        raise SystemExit(EXIT_INVALID)


@cli.command()
@click.argument("registers", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(registers: list[Path]) -> None:
    """Check each REGISTER and report every error and warning, with file, line and field.

    A REGISTER may also be a Word appendix (.docx) or register workbook (.xlsx).
    Exit status 0 when every register is valid (warnings allowed), 1 otherwise.

    \b
    Example:
      reportgen validate samples/q1-2018-19.yaml
    """
    failed = False
    for reg in registers:
        try:
            with _progress() as progress:
                checked = api.load(reg, progress)
        except RegisterError as exc:
            _print_diagnostics(exc.diagnostics)
            click.echo(f"{reg}: {_count(len(exc.errors), 'error')}", err=True)
            failed = True
            continue
        _print_diagnostics(checked.warnings)
        n = len(checked.register.risks) + len(checked.register.opportunities)
        click.echo(f"{reg}: valid, {n} entries, {_count(len(checked.warnings), 'warning')}")
    if failed:
        raise SystemExit(EXIT_INVALID)


@cli.command()
def schema() -> None:
    """Print the register's JSON Schema, for editors that autocomplete and check as you type.

    \b
    Example:
      reportgen schema > register.schema.json
    """
    click.echo(json.dumps(api.schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("path", default="register.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, force: bool) -> None:
    """Write a small, valid starter register to PATH (default register.yaml) to edit.

    \b
    Example:
      reportgen init cr-q3.yaml && reportgen validate cr-q3.yaml
    """
    click.echo(f"wrote {api.init(path, force)}")


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Register file to write (default: SOURCE's name with .yaml, beside it).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Write the register as YAML or JSON.",
)
@click.option(
    "--like",
    type=click.Path(path_type=Path),
    metavar="REGISTER",
    help="An existing register whose settings (Key to Scores, column labels) the import keeps.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_(source: Path, out: Path | None, fmt: str, like: Path | None, force: bool) -> None:
    """Read a Word appendix (.docx) or a register workbook (.xlsx) into a register file.

    Tables are found by their headings, cards by their 'Risk ID' lines, scores such as
    '16 (Major/Likely)' are read into score, likelihood and impact. What cannot be read is
    kept as written and reported; the register written is then validated.

    \b
    Example:
      reportgen import "Appendix A Q2.docx" -o cr-q2.yaml
      reportgen import register.xlsx --like cr-q2.yaml --format json
    """
    with _progress() as progress:
        result = api.import_register(source, out, fmt, like, force, progress)
    _print_diagnostics(result.notes)
    click.echo(f"wrote {result.written}")
    _print_diagnostics(result.diagnostics)
    if not result.valid:
        click.echo(f"{result.written}: written, but it does not validate yet: correct the errors above", err=True)
        raise SystemExit(EXIT_INVALID)
    warnings = _count(len(result.diagnostics) + len(result.notes), "warning")
    click.echo(f"{result.written}: valid, {result.entries} entries, {warnings}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interruption so that the same clean-up runs as for Ctrl-C: the
    temporary files go, the PDF's workers stop, and no file is half replaced."""


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # (only there can Python set one)
        yield
        return
    me = os.getpid()

    def terminated(signum, frame):
        if os.getpid() != me:  # a process forked by the build (a PDF worker): the build cleans up
            os._exit(128 + signum)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the clean-up finish
        raise Terminated()

    before = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (default sys.argv[1:]) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    with _sigterm_interrupts():
        try:
            cli.main(args=args, prog_name="reportgen", standalone_mode=False)
        except click.exceptions.Exit as exc:  # --help, --version
            return exc.exit_code
        except (click.Abort, KeyboardInterrupt) as exc:  # click turns Ctrl-C (and SIGTERM) into Abort
            cause = exc if isinstance(exc, KeyboardInterrupt) else exc.__cause__
            click.echo(f"reportgen: {'terminated' if isinstance(cause, Terminated) else 'interrupted'}", err=True)
            return EXIT_INVALID
        except click.ClickException as exc:  # usage errors
            if debug:
                traceback.print_exc()
            exc.show()
            return EXIT_USAGE if isinstance(exc, click.UsageError) else EXIT_INVALID
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else EXIT_INVALID
        except ReportgenError as exc:
            if debug:
                traceback.print_exc()
                if exc.details:
                    click.echo(exc.details, err=True)
            hint = " (run with --debug for details)" if exc.details and not debug else ""
            click.echo(f"reportgen: {exc}{hint}", err=True)
            return exc.exit_code
        except RegisterError as exc:
            if debug:
                traceback.print_exc()
            _print_diagnostics(exc.diagnostics)
            return EXIT_INVALID
        except Exception as exc:  # an unexpected failure: one line unless --debug
            if debug:
                traceback.print_exc()
            else:
                click.echo(
                    f"reportgen: error: {exc.__class__.__name__}: {exc} (run with --debug for details)", err=True
                )
            return EXIT_INVALID
    return EXIT_OK


def run() -> None:
    """The `reportgen` command: `main`, then leave at once.

    Tearing the interpreter down (pydantic, lxml, openpyxl, WeasyPrint and their objects)
    is work nobody waits for: every file is written and synced by then (`api.write_files`),
    and nothing of ours runs at exit, so flush the output and logging and exit without it.
    Tests call `main`, which returns.

    The cyclic garbage collector's automatic passes are off for the command's short life:
    they walk the objects of every library imported, again and again. The cycles a build
    does leave are collected at chosen moments instead: by the PDF's workers after each
    piece (`writers.pdf.workers`), and here while they typeset, after the other formats are
    written (`pdf.Typesetting.begin`), so the peak memory stays where it was with the
    collector on. The figures are in bench/FIGURES.md."""
    import gc
    import logging

    gc.disable()
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say there
            pass
    os._exit(code)
