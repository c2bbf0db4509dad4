"""Property tests over generated registers (Hypothesis)."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from reportgen import api, richtext, view
from reportgen.model import DEFAULT_IMPACT, DEFAULT_LIKELIHOOD

# Printable text without the control characters that documents cannot hold.
# The characters of real registers: ASCII, accents, pound signs, dashes and curly quotes.
ALPHABET = "".join(chr(c) for c in range(32, 127)) + "£€–—‘’“”•·éèçñöüÅ\n"
text = st.text(alphabet=ALPHABET, min_size=1, max_size=40).filter(lambda s: s.strip())
words = st.lists(st.from_regex(r"[A-Za-z][a-z]{1,9}", fullmatch=True), min_size=1, max_size=8).map(" ".join)


@st.composite
def scores(draw):
    lk = draw(st.integers(1, 5))
    im = draw(st.integers(1, 5))
    form = draw(st.sampled_from(["number", "numbers", "labels", "text", "both"]))
    if form == "number":
        return lk * im, (lk, im, False)
    if form == "numbers":
        return {"likelihood": lk, "impact": im}, (lk, im, True)
    if form == "labels":
        return {"likelihood": DEFAULT_LIKELIHOOD[lk - 1].upper(), "impact": DEFAULT_IMPACT[im - 1]}, (lk, im, True)
    if form == "text":
        return f"{lk * im} ({DEFAULT_IMPACT[im - 1]}/{DEFAULT_LIKELIHOOD[lk - 1]})", (lk, im, True)
    return {"score": lk * im, "likelihood": lk, "impact": im}, (lk, im, True)


@st.composite
def registers(draw):
    n = draw(st.integers(0, 6))
    ids = draw(st.lists(st.from_regex(r"CR[1-9][0-9]?", fullmatch=True), min_size=n, max_size=n, unique=True))
    risks, expect = [], []
    for ident in ids:
        sc, meta = draw(scores())
        entry = {
            "id": ident,
            "owner": draw(words),
            "current": sc,
            "description": draw(text),
            "consequences": "\n".join(f"- {w}" for w in draw(st.lists(words, min_size=1, max_size=4))),
        }
        risks.append(entry)
        expect.append(meta)
    reg = {"organisation": draw(words), "period": draw(words), "risks": risks}
    return reg, expect


def _dump_yaml(data) -> str:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False  # ruamel's flow-style emitter writes some plain scalars it cannot read back
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registers())
def test_yaml_and_json_give_the_same_valid_model(tmp_path, case):
    data, expect = case
    y = tmp_path / "r.yaml"
    j = tmp_path / "r.json"
    y.write_text(_dump_yaml(data), encoding="utf-8")
    j.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from_yaml = api.load(y)
    from_json = api.load(j)
    assert from_yaml.register == from_json.register
    assert not [w for w in from_yaml.warnings if w.severity == "error"]
    for entry, (lk, im, with_parts) in zip(from_yaml.register.risks, expect):
        assert entry.current.score == lk * im
        if with_parts:
            assert (entry.current.likelihood, entry.current.impact) == (lk, im)
    v = view.build(from_yaml.register)
    for ev in v.entries():
        sv = ev.current
        assert sv.band is not None and sv.band.min <= sv.score <= sv.band.max
        assert sv.text.startswith(str(sv.score))


@settings(max_examples=100, deadline=None)
@given(st.lists(words, min_size=1, max_size=6), st.lists(words, min_size=0, max_size=3))
def test_bullets_keep_every_word_and_their_nesting(top, nested):
    md = "\n".join(f"- {w}" for w in top)
    if nested:
        md += "\n" + "\n".join(f"  - {w}" for w in nested)
    blocks = richtext.parse(md)
    assert [b.text for b in blocks] == top + nested
    assert [b.level for b in blocks] == [1] * len(top) + [2] * len(nested)
    assert all(b.marker == richtext.BULLET for b in blocks)


@settings(max_examples=100, deadline=None)
@given(text)
def test_any_text_is_kept_as_text(value):
    """Whatever an officer types, every non-space character survives rich-text parsing as text or markup."""
    blocks = richtext.parse(value)
    kept = "".join(b.text for b in blocks)
    for ch in set(value) - set(" \t\n\r*_\\#-+>`=~|[]()!<&.0123456789\u00a0\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\x1f"):
        if ch.isspace():
            continue
        assert ch in kept, (value, kept)
