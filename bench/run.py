"""Benchmark: build registers of 15, 100 and 1000 entries in every format.

Prints wall time and peak memory (resident memory of the build and its typesetting
processes together, sampled every 20 ms) per format and size, and
the ratio of a full build (all formats) of the largest sample register to LibreOffice
converting that register's .docx to PDF: three of each in turns, in the same run, the
median ratio (the machine's speed drifts by a third from minute to minute).

    .venv/bin/python bench/run.py              # all sizes
    .venv/bin/python bench/run.py --sizes 15,100
    .venv/bin/python bench/run.py --long-word  # PDF time of 1 and 4 entries each holding a 32,767-character word

Targets (issue 4): ratio < 1; 1000 entries, all formats, under 60 s with peak memory
under 1 GB on the 2-core machine. Issue 15: the PDF's time grows linearly with long
unbroken words (`--long-word`: 4 entries take about 4 times 1 entry's, not 5-8 times).
This script measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FORMATS = ["docx", "pdf", "xlsx", "html"]


def seed_entries() -> list[dict]:
    """Entries of the real sample registers, to copy seed-like text from."""
    y = YAML(typ="safe", pure=True)
    out = []
    for name in ("q1-2018-19.yaml", "q2-2018-19.yaml", "q3-2021-22.yaml"):
        data = y.load((SAMPLES / name).read_text(encoding="utf-8"))
        out.extend(data.get("risks", []) + data.get("opportunities", []))
    return out


def make_register(n: int, layout: str, path: Path) -> None:
    rng = random.Random(n)
    pool = seed_entries()
    risks = []
    for i in range(n):
        e = dict(rng.choice(pool))
        e["id"] = f"CR{i + 1}"
        lk, im = rng.randint(1, 5), rng.randint(1, 5)
        for key in ("current_score", "residual_score", "target_score", "current", "residual", "target"):
            e.pop(key, None)
        e["current_score"] = {"likelihood": lk, "impact": im}
        e["residual_score" if layout == "table" else "target_score"] = {"likelihood": max(1, lk - 1), "impact": im}
        risks.append(e)
    reg = {"organisation": "Benchmark County Council", "period": f"Q1 {n} entries", "report_date": "2026-07-01",
           "layout": layout, "risks": risks}
    path.write_text(json.dumps(reg, default=str), encoding="utf-8")


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the PDF's typesetting workers), in MB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def long_word_register(n: int, path: Path) -> None:
    """`n` entries, each with a 32,767-character word (the most a spreadsheet cell holds) in its description."""
    word = ("Lorem" * 7000)[:32767]
    risks = [{"id": f"CR{i + 1}", "description": word, "current_score": 12, "owner": "Director"} for i in range(n)]
    reg = {"organisation": "Benchmark County Council", "period": "Q1 2026/27", "report_date": "2026-07-01",
           "risks": risks}
    path.write_text(json.dumps(reg), encoding="utf-8")


def long_words(rg: list[str], work: Path) -> None:
    print(f"{'entries':>8} {'PDF s':>8} {'peak MB':>8}   (each entry: one 32,767-character word)")
    walls = {}
    for n in (1, 4):
        reg = work / f"long-{n}.json"
        long_word_register(n, reg)
        walls[n], mb = peak_of(rg + ["build", str(reg), "-f", "pdf", "-o", str(work / "out")])
        print(f"{n:>8} {walls[n]:>8.2f} {mb:>8.0f}", flush=True)
    print(f"4 entries / 1 entry: {walls[4] / walls[1]:.1f} (linear: about 4)")


def peak_of(cmd: list[str]) -> tuple[float, float]:
    """Run `cmd`; its wall time and the peak of its memory, summed over it and every process
    it starts (sampled every 20 ms), in MB."""
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: a build's warnings may fill a pipe
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - started
        errors.seek(0)
        err = errors.read()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, peak


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def reportgen() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "reportgen"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reportgen"]


def interpreter(rg: list[str]) -> str:
    """The Python the build runs on (the virtualenv's base interpreter, which matters: see
    scripts/pick-python), and how long it takes for a fixed loop now: the machine's speed
    drifts, and this says whether a slow figure is the build's or the machine's."""
    python = rg[0] if rg[0] == sys.executable else str(Path(rg[0]).with_name("python"))
    probe = ("import os, sys, time\nt = time.process_time()\nd = {}\n"
             "for i in range(2_000_000):\n    d[i % 1000] = d.get(i % 1000, 0) + i\n"
             "print(os.path.realpath(sys.executable), sys.version.split()[0], f'{time.process_time() - t:.2f}')")
    exe, version, loop = subprocess.run([python, "-c", probe], capture_output=True, text=True,
                                        check=True).stdout.split()
    return f"reportgen runs on {exe} (Python {version}); reference loop {loop} s of CPU"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="15,100,1000")
    ap.add_argument("--layout", default="table", choices=["table", "cards"])
    ap.add_argument("--formats", default=",".join(FORMATS), help="formats to time one by one (default: all)")
    ap.add_argument("--no-full", action="store_true", help="skip the all-formats build and the LibreOffice ratio")
    ap.add_argument("--long-word", action="store_true",
                    help="only time PDFs of 1 and 4 entries with a 32,767-character word")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    rg = reportgen()
    print(interpreter(rg) + "\n")
    if args.long_word:
        long_words(rg, work)
        shutil.rmtree(work, ignore_errors=True)
        return 0
    print(f"{'entries':>8} {'format':>6} {'seconds':>8} {'peak MB':>8}")
    for n in sizes:
        reg = work / f"bench-{n}.json"
        make_register(n, args.layout, reg)
        for fmt in args.formats.split(","):
            wall, mb = peak_of(rg + ["build", str(reg), "-f", fmt, "-o", str(work / "out")])
            print(f"{n:>8} {fmt:>6} {wall:>8.2f} {mb:>8.0f}", flush=True)
        if not args.no_full:
            wall, mb = peak_of(rg + ["build", str(reg), "-o", str(work / "out")])
            print(f"{n:>8} {'all':>6} {wall:>8.2f} {mb:>8.0f}", flush=True)
    if args.no_full:
        shutil.rmtree(work, ignore_errors=True)
        return 0

    # The largest sample register: a full build against LibreOffice converting its .docx, in
    # turns, three times each (timed alone: no memory sampling beside them); the median ratio.
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".yaml", ".json"))
    largest = max(samples, key=lambda p: p.stat().st_size)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    build = rg + ["build", str(largest), "-o", str(work / "s")]
    if not soffice:
        print(f"\nfull build of {largest.name} (all formats): {timed(build):.2f} s")
        print("LibreOffice not found: ratio not measured")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    profile = work / "lo-profile"
    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(work / "lo"), str(work / "s" / f"{largest.stem}.docx")]
    timed(build)
    cold = timed(convert)  # the first LibreOffice start creates its profile
    ours, theirs = [], []
    for _ in range(3):
        ours.append(timed(build))
        theirs.append(timed(convert))
    print(f"\nfull build of {largest.name} (all formats): {', '.join(f'{t:.2f}' for t in ours)} s")
    print(f"LibreOffice .docx -> PDF of the same register: {', '.join(f'{t:.2f}' for t in theirs)} s "
          f"(first start {cold:.2f} s)")
    print(f"ratio full build / LibreOffice, median of 3: {statistics.median(o / t for o, t in zip(ours, theirs)):.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
