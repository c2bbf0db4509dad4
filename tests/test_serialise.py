"""The serialiser writes a register that reads back as the same register."""

from __future__ import annotations

import pytest

from conftest import sample_paths
from reportgen import api, reader, serialise


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_every_sample_round_trips(path, fmt, tmp_path):
    reg = reader.read(path).register
    text = serialise.to_yaml(reg) if fmt == "yaml" else serialise.to_json(reg)
    out = tmp_path / f"back.{fmt}"
    out.write_text(text, encoding="utf-8")
    assert api.load(out).register == api.load(path).register


def test_yaml_is_written_the_way_an_officer_would():
    reg = reader.read(sample_paths()[-1]).register  # small.yaml
    text = serialise.to_yaml(reg, header="Imported from appendix.docx")
    assert text.startswith("# Imported from appendix.docx\norganisation: Example County Council\n")
    assert "    consequences: |\n      - Services become unsustainable" in text
    assert "    current_score: 20\n" in text
    assert "scoring:" not in text and "columns:" not in text  # defaults are left out


def test_an_exempt_marking_is_written_back_as_the_register_wrote_it(tmp_path):
    reg = reader.read(next(p for p in sample_paths() if p.name == "q3-2021-22.yaml")).register
    (tmp_path / "back.yaml").write_text(serialise.to_yaml(reg), encoding="utf-8")
    back = reader.read(tmp_path / "back.yaml").register
    co2 = next(e for e in back.opportunities if e.id == "CO2")
    assert (co2.exempt.paragraph, co2.exempt.fields) == (3, ["actions"])
    assert '"exempt": {\n        "paragraph": 3' in serialise.to_json(reg)
