"""The command line: exit codes, messages, no traceback, help with examples, atomic output."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import SAMPLES
from reportgen import api, writers
from reportgen.cli import main

SMALL = SAMPLES / "small.yaml"


@pytest.mark.parametrize("command", ["build", "validate", "schema", "init"])
def test_every_command_has_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out
    assert f"reportgen {command}" in out


def test_top_level_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("build", "validate", "schema", "init"):
        assert command in out
    assert main(["--version"]) == 0
    assert "reportgen, version" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert main(["build"]) == 2
    assert main(["build", str(SMALL), "-f", "pptx"]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'pptx'" in err
    assert "Traceback" not in err


def test_validate_valid_register(capsys):
    assert main(["validate", str(SMALL)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"{SMALL}: valid, 3 entries, 0 warnings"
    assert captured.err == ""


def _fake_html(monkeypatch, render=lambda view, options: b"<html></html>"):
    writers.available()  # load the real writers first, so undoing the patch restores the real one
    monkeypatch.setitem(writers._REGISTRY, "html", writers.Writer("html", "html", "test", render))


def test_invalid_register_exits_1_without_traceback_and_writes_nothing(tmp_path, capsys, monkeypatch):
    _fake_html(monkeypatch)
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: T\nperiod: Q1\nrisks:\n  - id: CR3\n    owner: A\n    current: 4\n    residual: 30\n")
    assert main(["build", str(bad), "-f", "html", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"{bad}:7:15: CR3 residual score: 30 is above the highest possible score, 25"
    assert not (tmp_path / "out").exists()


def test_unexpected_failure_is_one_line_unless_debug(tmp_path, capsys, monkeypatch):
    def boom(view, options):
        raise RuntimeError("disk on fire")

    _fake_html(monkeypatch, boom)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "reportgen: error: RuntimeError: disk on fire (run with --debug for details)"
    assert main(["--debug", "build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_failed_build_keeps_last_quarters_file(tmp_path, capsys, monkeypatch):
    good = tmp_path / "small.html"
    good.write_bytes(b"last quarter")

    def boom(view, options):
        raise RuntimeError("render failed")

    _fake_html(monkeypatch, boom)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 1
    assert good.read_bytes() == b"last quarter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.html"]


def test_write_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(api.OutputError, match="a.docx: disk full; no file was replaced"):
        api.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_build_writes_each_available_format(tmp_path, capsys):
    available = writers.available()
    if not available:
        pytest.skip("no writer is available yet")
    assert main(["build", str(SMALL), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote {tmp_path / ('small.' + w.extension)}" for w in available.values()]
    for w in available.values():
        assert (tmp_path / f"small.{w.extension}").stat().st_size > 0


def test_build_prints_warnings(tmp_path, capsys, monkeypatch):
    _fake_html(monkeypatch)
    assert main(["build", str(SAMPLES / "q1-2018-19.yaml"), "-f", "html", "-o", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "warning: C01 ID: 'C01' breaks the series of IDs" in captured.err
    assert captured.out.strip() == f"wrote {tmp_path / 'q1-2018-19.html'}"


def test_schema_is_json_schema_for_the_register(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"organisation", "period"}
    entry = schema["$defs"]["Entry"]
    assert entry["additionalProperties"] is False
    assert all(p.get("description") for p in entry["properties"].values())
    assert {"current_score", "residual_score", "target_score"} <= set(entry["properties"])


def test_schema_accepts_the_samples():
    import jsonschema
    from ruamel.yaml import YAML

    from reportgen.model import Register

    schema = Register.model_json_schema()
    for name in ("q1-2018-19.yaml", "q3-2021-22.yaml", "small.yaml"):
        data = YAML(typ="safe", pure=True).load((SAMPLES / name).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "cr-q3.yaml"
    assert main(["init", str(target)]) == 0
    assert main(["validate", str(target)]) == 0
    assert "valid, 2 entries, 0 warnings" in capsys.readouterr().out
    target.write_text("mine")
    assert main(["init", str(target)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert target.read_text() == "mine"
    assert main(["init", str(target), "--force"]) == 0


def test_runs_as_python_module():
    proc = subprocess.run([sys.executable, "-m", "reportgen", "validate", str(SMALL)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "valid, 3 entries" in proc.stdout


def test_the_command_exits_with_mains_status_and_all_its_output(tmp_path):
    """`run` (the console command) leaves without interpreter teardown: its exit status and
    every line it printed, to a pipe, must still arrive, and its files be complete."""
    missing = tmp_path / "missing.yaml"
    proc = subprocess.run([sys.executable, "-m", "reportgen", "validate", str(missing)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "no such file" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(SMALL), "-o", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"wrote {tmp_path / ('small.' + ext)}" for ext in ("docx", "pdf", "xlsx", "html")
    ]
    assert (tmp_path / "small.pdf").read_bytes().rstrip().endswith(b"%%EOF")


def test_progress_is_shown_on_a_terminal_only(tmp_path, monkeypatch, tty):
    _fake_html(monkeypatch)
    assert main(["build", str(SMALL), "-f", "html", "-o", str(tmp_path)]) == 0
    assert "small.yaml: rendering html (1/1, 3 entries)" in tty.getvalue()
    assert tty.getvalue().endswith("\r\033[K")  # the line is cleared before the results are printed


# --------------------------------------------------------------------------- a build's files: all or none (issue 15)


def _parts(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_folder_where_a_file_goes_replaces_no_file_and_is_named(tmp_path, capsys):
    (tmp_path / "small.docx").write_bytes(b"last quarter")
    (tmp_path / "small.html").mkdir()
    assert main(["build", str(SMALL), "-f", "docx,html", "-o", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"reportgen: cannot write {tmp_path / 'small.html'}: it is a folder; no file was replaced\n"
    assert captured.out == ""
    assert (tmp_path / "small.docx").read_bytes() == b"last quarter"
    assert _parts(tmp_path) == []


def test_a_full_disk_replaces_no_file_and_names_the_one_that_failed(tmp_path, capsys, monkeypatch):

    for ext in ("docx", "html"):
        (tmp_path / f"small.{ext}").write_bytes(b"last quarter")
    written = []
    real = os.fsync

    def fsync(fd):  # the second file finds the disk full
        written.append(fd)
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr("os.fsync", fsync)
    assert main(["build", str(SMALL), "-f", "docx,html", "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"reportgen: cannot write {tmp_path / 'small.html'}: No space left on device; no file was replaced\n"
    )
    for ext in ("docx", "html"):
        assert (tmp_path / f"small.{ext}").read_bytes() == b"last quarter"
    assert _parts(tmp_path) == []


# --------------------------------------------------------------------------- no output over an input (issue 15)


def test_a_register_is_never_overwritten_by_its_own_output(tmp_path, capsys):
    reg = tmp_path / "reg.html"
    reg.write_bytes(SMALL.read_bytes())
    assert main(["build", str(reg), "-f", "html", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"reportgen: {reg} would overwrite the register {reg}: write the output to another folder (-o)\n"
    assert reg.read_bytes() == SMALL.read_bytes()
    # nor through another spelling of the folder, or a link
    sub = tmp_path / "sub"
    sub.mkdir()
    assert main(["build", str(reg), "-f", "html", "-o", str(sub / "..")]) == 2
    out = tmp_path / "out"
    out.mkdir()
    (out / "reg.html").hardlink_to(reg)
    assert main(["build", str(reg), "-f", "html", "-o", str(out)]) == 2
    assert reg.read_bytes() == SMALL.read_bytes()


def test_previous_and_the_reference_document_are_never_overwritten(tmp_path, capsys):
    previous = tmp_path / "small.html"
    previous.write_bytes(SMALL.read_bytes())
    assert main(["build", str(SMALL), "--previous", str(previous), "-f", "html", "-o", str(tmp_path)]) == 2
    assert "would overwrite a previous register" in capsys.readouterr().err
    assert previous.read_bytes() == SMALL.read_bytes()
    reference = tmp_path / "small.docx"
    reference.write_bytes(b"the council's template")
    assert main(["build", str(SMALL), "--reference-docx", str(reference), "-f", "docx", "-o", str(tmp_path)]) == 2
    assert "would overwrite the reference document" in capsys.readouterr().err
    assert reference.read_bytes() == b"the council's template"


def test_two_registers_of_one_name_are_refused_before_anything_is_written(tmp_path, capsys):
    a, b = tmp_path / "A" / "reg.yaml", tmp_path / "B" / "reg.yaml"
    for p in (a, b):
        p.parent.mkdir()
        p.write_bytes(SMALL.read_bytes())
    out = tmp_path / "out"
    assert main(["build", str(a), str(b), "-f", "html", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"reportgen: {a} and {b} would both be written as {out / 'reg'}.*: build them into different folders (-o)\n"
    )
    assert not out.exists()
    # the same register named twice is simply built once
    assert main(["build", str(a), str(tmp_path / "B" / ".." / "A" / "reg.yaml"), "-f", "html", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out / 'reg.html'}\n"


# ------------------------------------------------------------------ SIGTERM and the temporary folder (issue 15)


def _big_register(path, n: int) -> None:
    """A table register of `n` entries with the Q2 sample's text (long enough to typeset for a while)."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load((SAMPLES / "q2-2018-19.yaml").read_text(encoding="utf-8"))
    seeds = data["risks"]
    data["risks"] = [dict(seeds[i % len(seeds)], id=f"CR{i + 1}") for i in range(n)]
    data["opportunities"] = []
    path.write_text(json.dumps(data, default=str), encoding="utf-8")


def _descendants(pid: int) -> set[int]:

    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                found.update(kids)
                todo.extend(kids)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for(condition, timeout: float = 120) -> None:

    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF's workers fork on Linux only")
def test_sigterm_mid_build_leaves_no_temporary_files_and_no_workers(tmp_path):

    reg = tmp_path / "big.json"
    _big_register(reg, 120)
    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", str(reg), "-f", "html,pdf", "-o", str(out)],
        env=dict(os.environ, TMPDIR=str(tmp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the workers have their pieces: typesetting is under way
        _wait_for(lambda: any(f.name.startswith("1-") for d in tmp.glob("reportgen-pdf-*") for f in d.iterdir()))
        workers = _descendants(proc.pid)
        assert workers
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 1
    assert err.splitlines()[-1] == "reportgen: terminated"
    assert "Traceback" not in err
    assert list(tmp.iterdir()) == []
    assert not out.exists() or list(out.iterdir()) == []
    _wait_for(lambda: not any(_alive(p) for p in workers), timeout=60)


def _terminated_in(tmp_path, function: str, call: int) -> str:
    """Build small.docx and small.html into `tmp_path`, stopped by SIGTERM while the build's
    `call`-th call of `function` (in `os`) waits (a test hook); the command's stderr."""
    marker = tmp_path.parent / f"{tmp_path.name}-waiting-{function}"
    hook = textwrap.dedent(
        f"""
        import os, sys, time
        real, calls = os.{function}, []
        def waiting(*args):
            calls.append(args)
            if len(calls) == {call}:
                open(sys.argv[1], "w").close()
                time.sleep(3)
            return real(*args)
        os.{function} = waiting
        from reportgen.cli import main
        sys.exit(main(sys.argv[2:]))
        """
    )
    args = ["build", str(SMALL), "-f", "docx,html", "-o", str(tmp_path)]
    proc = subprocess.Popen(
        [sys.executable, "-c", hook, str(marker), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(marker.exists)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1
    return err


def test_sigterm_while_writing_leaves_no_part_file_and_last_quarters_files(tmp_path):
    for ext in ("docx", "html"):
        (tmp_path / f"small.{ext}").write_bytes(b"last quarter")
    # between writing the first temporary file and the second
    assert _terminated_in(tmp_path, "fsync", 1) == "\nreportgen: terminated\n"
    assert _parts(tmp_path) == []
    for ext in ("docx", "html"):
        assert (tmp_path / f"small.{ext}").read_bytes() == b"last quarter"
    # between replacing the first file and the second: the second is replaced too, then it stops
    assert _terminated_in(tmp_path, "replace", 2) == "\nreportgen: terminated\n"
    assert _parts(tmp_path) == []
    for ext in ("docx", "html"):
        assert (tmp_path / f"small.{ext}").read_bytes() != b"last quarter"


def _small_tmpfs(folder, kib: int, argv: list[str]) -> subprocess.CompletedProcess:
    """Run `argv` with a `kib` KiB file system mounted on `folder`, in a mount namespace of its
    own (an unprivileged user namespace: nothing is mounted for anyone else)."""

    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        pytest.skip("needs Linux's unshare")
    probe = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", str(folder)], capture_output=True)
    if probe.returncode:
        pytest.skip(f"cannot mount a small file system here: {probe.stderr.decode().strip()}")
    script = 'mount -t tmpfs -o size="$1"k tmpfs "$2" && shift 2 && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(kib), str(folder), *argv], capture_output=True, text=True
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF's workers fork on Linux only")
def test_a_full_tmpdir_is_one_clear_line(tmp_path):

    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    env = f"TMPDIR={tmp}"
    argv = ["env", env, sys.executable, "-m", "reportgen", "build", str(SMALL), "-f", "pdf", "-o", str(out)]
    proc = _small_tmpfs(tmp, 8, argv)  # room for tempfile's probe, not for the PDF's pieces
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        f"reportgen: cannot write the PDF's temporary files in {tmp}: No space left on device; "
        "set TMPDIR to a folder with room\n"
    )
    assert not out.exists()
    # A TMPDIR that does not exist (or cannot be written) is passed over for /tmp, as Python does.
    env = dict(os.environ, TMPDIR=str(tmp_path / "missing"))
    cmd = [sys.executable, "-m", "reportgen", "build", str(SMALL), "-f", "pdf", "-o", str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")
