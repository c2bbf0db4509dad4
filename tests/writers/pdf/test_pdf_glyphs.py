"""Emoji, Chinese and Devanagari reach the PDF as text in fonts that have them (the machine's
Noto fonts, which `scripts/ensure-system` installs); a character no installed font has is
named in a warning, with its entry and field, instead of printing as an empty box unsaid."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from reportgen import api
from reportgen.cli import main
from reportgen.writers.pdf import glyphs

TEXTS = {"emoji": "🙂", "cjk": "漢字", "devanagari": "हिन्दी"}


def register(tmp_path: Path) -> Path:
    p = tmp_path / "world.yaml"
    p.write_text(
        textwrap.dedent(
            f"""\
            organisation: Example County Council
            period: Q1 2027/28
            report_date: 2027-07-01
            risks:
              - id: CR1
                consequences: Residents' feedback {TEXTS["emoji"]}
                description: Signage in {TEXTS["cjk"]} and {TEXTS["devanagari"]} at the Civic Centre
                current_score: 12
                owner: Director of Communities
            """
        ),
        encoding="utf-8",
    )
    return p


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (scripts/ensure-system test) not installed")
def test_emoji_chinese_and_devanagari_are_typeset_in_fonts_that_have_them(tmp_path):
    result = api.build(register(tmp_path), tmp_path / "out", "pdf")
    assert not [str(d) for d in result.warnings if "no font" in d.message]
    pdf = result.written[0]
    text = pdf_text(pdf)
    for sample in TEXTS.values():
        assert sample in text
    fonts = pdf_fonts(pdf)
    # One font for each: not an empty box from the stylesheet's Liberation Sans.
    assert "Emoji" in fonts
    assert "CJK" in fonts or "Fallback" in fonts
    assert "Devanagari" in fonts


def test_characters_no_installed_font_has_are_named_with_their_field(tmp_path, monkeypatch, capsys):
    # A machine with fonts for Latin and Devanagari only.
    monkeypatch.setattr(glyphs, "fonts_have", lambda chars: {c for c in chars if ord(c) < 0x1000})
    reg = register(tmp_path)
    assert main(["build", str(reg), "-f", "pdf", "-o", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{reg}: warning: CR1 description: no font on this machine has 字 (U+5B57), 漢 (U+6F22): the PDF "
        "shows them as empty boxes (scripts/ensure-system build installs fonts that cover most scripts and emoji)",
        f"{reg}: warning: CR1 consequences: no font on this machine has 🙂 (U+1F642): the PDF shows it as an empty "
        "box (scripts/ensure-system build installs fonts that cover most scripts and emoji)",
    ]
    assert (tmp_path / "out" / "world.pdf").exists()


def test_latin_text_does_not_ask_fontconfig(monkeypatch):
    def asked(chars):
        raise AssertionError(f"fontconfig asked about {chars}")

    monkeypatch.setattr(glyphs, "fonts_have", asked)
    reg = api.load(Path(__file__).resolve().parents[3] / "samples" / "q2-2018-19.yaml").register
    assert glyphs.unshown(reg) == []


def test_fontconfig_is_asked_about_the_characters_of_this_machine():
    # DejaVu Sans, which the PDF needs anyway, has Cyrillic; no font has an unassigned code point.
    have = glyphs.fonts_have({"Ж", "\u0378"})
    assert have == {"Ж"}
