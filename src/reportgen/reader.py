"""Read a register file (YAML or JSON) into the model, remembering where every value was.

Locations come from the parsers themselves: ruamel.yaml's node marks for YAML, and
json-source-map for JSON. Every problem becomes a `Diagnostic` naming the file, line,
column, entry and field; all of them are reported together in one `RegisterError`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import json_source_map
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, RegisterError
from .model import Register

#: Largest register file accepted. The biggest real register we know is ~50 kB.
MAX_BYTES = 20 * 1024 * 1024
#: Most values (every list item, mapping key and value) a register may hold, once YAML
#: aliases are followed. A register of 5000 entries holds about 190,000; a 4 MB list of zeros
#: holds two million, and an alias bomb expands a few hundred bytes into billions.
MAX_VALUES = 250_000
#: Deepest nesting of lists and mappings; a register needs fewer than ten levels.
MAX_DEPTH = 64

PathKey = tuple[Any, ...]
Loc = tuple[int, int]  # 1-based line, column


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a register file starts."""

    file: str
    values: dict[PathKey, Loc] = field(default_factory=dict)
    keys: dict[PathKey, Loc] = field(default_factory=dict)

    def value(self, path: PathKey) -> Loc | None:
        """Location of the value at `path`, or of its nearest enclosing value."""
        path = tuple(path)
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def key(self, path: PathKey) -> Loc | None:
        return self.keys.get(tuple(path)) or self.value(path)


@dataclass
class Loaded:
    """A register read from a file, with where its values came from."""

    register: Register
    source: SourceMap
    path: Path


# --------------------------------------------------------------------------- parsing


def _too_many(name: str, line: int | None = None) -> RegisterError:
    return RegisterError(
        [
            Diagnostic(
                f"holds more than {MAX_VALUES:,} values, far more than a register (even one of 5000 entries "
                "holds about 190,000), so it was not read: is this the right file?",
                file=name,
                line=line,
            )
        ]
    )


def _too_deep(name: str, line: int | None = None, column: int | None = None) -> RegisterError:
    return RegisterError(
        [
            Diagnostic(
                f"nested more than {MAX_DEPTH} levels deep: too deep to be a register",
                file=name,
                line=line,
                column=column,
            )
        ]
    )


class _TooMany(Exception):
    def __init__(self, line: int):
        self.line = line


class _CountingComposer(Composer):
    """ruamel's composer, stopping once the file has given more than MAX_VALUES values: a
    plain list of millions of values took ruamel minutes and gigabytes to compose whole."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooMany(self.parser.peek_event().start_mark.line + 1)
        return super().compose_node(parent, index)


def _parse_yaml(text: str, name: str) -> tuple[Any, SourceMap]:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _CountingComposer
    yaml.max_depth = MAX_DEPTH  # ruamel composes recursively: stop before Python's recursion limit
    try:
        node = yaml.compose(text)
    except _TooMany as exc:
        raise _too_many(name, exc.line) from None
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise _too_deep(name, mark.line + 1 if mark else None) from None
    except RecursionError:
        raise _too_deep(name) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RegisterError(
            [Diagnostic(f"this is not valid YAML: {problem}", file=name, line=line, column=col)]
        ) from exc
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors for syntax
        raise RegisterError([Diagnostic(f"this is not valid YAML: {exc}", file=name)]) from exc
    if node is None:
        raise RegisterError(
            [Diagnostic("the file is empty: a register needs at least an organisation and a period", file=name)]
        )
    _check_size(node, name)
    smap = SourceMap(name)
    _map_yaml(node, (), smap)
    try:
        data = yaml.constructor.construct_document(node)
    except RecursionError:
        raise _too_deep(name) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RegisterError(
            [Diagnostic(f"this value cannot be read: {getattr(exc, 'problem', exc)}", file=name, line=line, column=col)]
        ) from exc
    return data, smap


def _check_size(root: Node, name: str) -> None:
    """Reject alias bombs and absurd nesting before anything walks the expanded tree."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(name, node.start_mark.line + 1)
        if id(node) in sizes:
            continue
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                children.extend((k, v))
        if not done:
            stack.append((node, depth, True))
            stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(c), 1) for c in children)
        if total > MAX_VALUES:  # the composer stopped at MAX_VALUES values before aliases were followed
            raise RegisterError(
                [
                    Diagnostic(
                        f"its aliases expand to more than {MAX_VALUES:,} values: too large to be a register "
                        "(is this a YAML alias bomb?)",
                        file=name,
                        line=node.start_mark.line + 1,
                    )
                ]
            )
        sizes[id(node)] = total


def _map_yaml(node: Node, path: PathKey, smap: SourceMap) -> None:
    smap.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            _map_yaml(child, path + (i,), smap)
    elif isinstance(node, MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, ScalarNode) else None
            if key is None:
                continue
            smap.keys[path + (key,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
            _map_yaml(v, path + (key,), smap)


# A JSON string (an unterminated one runs to the end, so a scan never goes back), or a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)', re.S)
_JSON_NESTING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)|[\[\]{}]', re.S)


def _check_json_shape(text: str, name: str) -> None:
    """Refuse too many values or too deep a nesting from the text, before json and json-source-map
    build anything: two million zeros took them gigabytes, then pydantic's validation aborted."""
    bare = _JSON_STRING.sub('""', text)  # what is left of ,:[]{} is structure
    opens = bare.count("[") + bare.count("{")
    # every item after a comma, every key and its value, every list or mapping, and the whole
    # (counted as YAML's are: a register gives about the same count in either)
    if 1 + bare.count(",") + bare.count(":") + opens > MAX_VALUES:
        raise _too_many(name)
    if opens <= MAX_DEPTH:
        return
    depth = 0
    for m in _JSON_NESTING.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise _too_deep(name, line, m.start() - text.rfind("\n", 0, m.start()))
        elif token in "]}":
            depth -= 1


def _parse_json(text: str, name: str) -> tuple[Any, SourceMap]:
    _check_json_shape(text, name)
    repeated: list[tuple[dict[str, Any], str, Any, Any]] = []

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                repeated.append((out, key, out[key], value))
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=mapping)
    except json.JSONDecodeError as exc:
        raise RegisterError(
            [Diagnostic(f"this is not valid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno)]
        ) from exc
    except RecursionError:
        raise _too_deep(name) from None
    smap = SourceMap(name)
    for pointer, entry in json_source_map.calculate(text).items():
        parts = tuple(_unescape(p) for p in pointer.split("/")[1:]) if pointer else ()
        path = _json_path(data, parts)
        smap.values[path] = (entry.value_start.line + 1, entry.value_start.column + 1)
        if entry.key_start is not None:
            smap.keys[path] = (entry.key_start.line + 1, entry.key_start.column + 1)
    if repeated:
        raise RegisterError(_repeated_keys(data, repeated, smap))
    return data, smap


def _repeated_keys(
    data: Any, repeated: list[tuple[dict[str, Any], str, Any, Any]], smap: SourceMap
) -> list[Diagnostic]:
    """JSON's parser keeps a key's last value silently (a score of 25 became 1): name each key
    given twice in one mapping, where it is given again, as YAML's parser does."""
    paths: dict[int, PathKey] = {}
    stack: list[tuple[Any, PathKey]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            paths[id(node)] = path
            stack.extend((v, path + (k,)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(node))
    out = []
    for mapping, key, first, then in repeated:
        path = paths.get(id(mapping), ()) + (key,)
        where = smap.key(path)  # json-source-map keeps the last place a key was given
        entry, rest = entry_label(data, path)
        out.append(
            Diagnostic(
                f"'{key}' is given twice in the same mapping ({_short(first)}, then {_short(then)}): give it once",
                file=smap.file,
                line=where[0] if where else None,
                column=where[1] if where else None,
                entry=entry,
                field=field_words(rest[:-1]) or None,
            )
        )
    return sorted(out, key=lambda d: (d.line or 0, d.column or 0))


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _describe(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _json_path(data: Any, parts: tuple[str, ...]) -> PathKey:
    """Turn JSON-pointer parts into the same path keys as YAML (list indices as ints)."""
    out: list[Any] = []
    for part in parts:
        if isinstance(data, list):
            idx = int(part)
            out.append(idx)
            data = data[idx] if idx < len(data) else None
        else:
            out.append(part)
            data = data.get(part) if isinstance(data, dict) else None
    return tuple(out)


def _too_large(name: str, size: str) -> RegisterError:
    return RegisterError(
        [
            Diagnostic(
                f"the file is {size}: too large to be a register (the limit is {MAX_BYTES // 2**20} MiB)", file=name
            )
        ]
    )


def _check_text(raw: bytes, name: str) -> None:
    """A register is UTF-8 text: name UTF-16 (which Windows' Notepad may save) and binary files
    plainly, rather than as the first character YAML cannot read."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RegisterError(
            [
                Diagnostic(
                    "is saved as UTF-16 text: save the register as UTF-8 (in Notepad: Save As, Encoding: UTF-8)",
                    file=name,
                )
            ]
        )
    nul = raw.find(b"\x00")
    if nul < 0:
        return
    sample = raw[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) > 0.3 * len(sample) / 2 and min(even, odd) < 0.05 * len(sample) / 2:
        raise RegisterError(
            [
                Diagnostic(
                    "looks like UTF-16 text (every other byte is zero): save the register as UTF-8 "
                    "(in Notepad: Save As, Encoding: UTF-8)",
                    file=name,
                )
            ]
        )
    line = raw.count(b"\n", 0, nul) + 1
    raise RegisterError(
        [
            Diagnostic(
                "holds a zero byte (NUL), which text never does: this looks like a binary file, not a register; "
                "save the register as UTF-8 text",
                file=name,
                line=line,
            )
        ]
    )


def parse_file(path: Path) -> tuple[Any, SourceMap]:
    """Read and parse a register file into plain data and its source map."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RegisterError([Diagnostic("no such file", file=name)]) from None
    except OSError as exc:
        raise RegisterError([Diagnostic(f"cannot be read: {exc.strerror or exc}", file=name)]) from exc
    if path.is_dir():
        raise RegisterError([Diagnostic("is a folder, not a register file", file=name)])
    if size > MAX_BYTES:
        raise _too_large(name, f"{size / 1e6:.0f} MB")
    try:
        # At most MAX_BYTES + 1 bytes: a device or a named pipe has no size to check beforehand.
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise RegisterError([Diagnostic(f"cannot be read: {exc.strerror or exc}", file=name)]) from exc
    if len(raw) > MAX_BYTES:
        raise _too_large(name, f"more than {MAX_BYTES // 2**20} MiB")
    _check_text(raw, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(
            [Diagnostic(f"is not UTF-8 text (byte {exc.start}): save the register as UTF-8", file=name)]
        ) from exc
    if not text.strip():
        raise RegisterError(
            [Diagnostic("the file is empty: a register needs at least an organisation and a period", file=name)]
        )
    if path.suffix.lower() == ".json":
        data, smap = _parse_json(text, name)
    else:
        data, smap = _parse_yaml(text, name)
    if not isinstance(data, dict):
        line = smap.value(())
        raise RegisterError(
            [
                Diagnostic(
                    f"a register is a mapping of fields (organisation, period, risks, ...), not {_describe(data)}",
                    file=name,
                    line=line[0] if line else None,
                )
            ]
        )
    return data, smap


# --------------------------------------------------------------------------- model errors

FIELD_WORDS = {
    "id": "ID",
    "current": "current score",
    "residual": "residual score",
    "target": "target score",
    "current_score": "current score",
    "residual_score": "residual score",
    "target_score": "target score",
    "controls": "current controls",
    "actions": "actions",
    "types": "type",
    "direction": "direction of travel",
    "target_date": "target date",
    "target_confidence": "target confidence",
    "report_date": "report date",
}


def _describe(value: Any) -> str:
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"text ({short!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return type(value).__name__


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, Any]:
    """Follow a pydantic error location through the data, dropping union tags."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and isinstance(part, str)
            and part.isidentifier()
            and part[:1].islower()
            and "[" not in part
        ):
            # a missing or unknown field named in the location
            path.append(part)
            node = None
    return tuple(path), node


def entry_label(data: Any, path: PathKey) -> tuple[str | None, PathKey]:
    """The entry ID (or 'risk 3') a path points into, and the rest of the path."""
    if len(path) >= 2 and path[0] in ("risks", "opportunities") and isinstance(path[1], int):
        kind = "risk" if path[0] == "risks" else "opportunity"
        entry = None
        try:
            entry = data[path[0]][path[1]]
        except (KeyError, IndexError, TypeError):
            pass
        ident = entry.get("id") if isinstance(entry, dict) else None
        label = str(ident) if isinstance(ident, (str, int)) and str(ident).strip() else f"{kind} {path[1] + 1}"
        return label, path[2:]
    return None, path


def field_words(rest: PathKey) -> str:
    words: list[str] = []
    for part in rest:
        if isinstance(part, int):
            words.append(f"#{part + 1}")
        else:
            words.append(FIELD_WORDS.get(part, part.replace("_", " ")))
    return " ".join(words)


def _message(err: Any, value: Any, field_name: str | None, parent_fields: list[str]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is missing: this field is required"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(field_name), parent_fields, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; the fields here are: {', '.join(parent_fields)}"
        return f"is not a field a register knows{hint}"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind in ("string_type",):
        return f"should be text, not {_describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"should be a whole number, not {_describe(value)}"
    if kind in ("list_type",):
        return f"should be a list, not {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"should be a mapping of fields, not {_describe(value)}"
    if kind == "literal_error":
        return f"should be one of {err['ctx']['expected']}, not {_describe(value)}"
    if kind.startswith("date"):
        return f"should be a date written YYYY-MM-DD, not {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"should be a colour written #RRGGBB, not {_describe(value)}"
    if kind in ("less_than_equal", "less_than"):
        return f"should be at most {err['ctx'].get('le', err['ctx'].get('lt'))}, not {_describe(value)}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"should be at least {err['ctx'].get('ge', err['ctx'].get('gt'))}, not {_describe(value)}"
    if kind == "string_too_short":
        return "must not be blank"
    return f"{err['msg']} (found {_describe(value)})"


def _fields_at(path: PathKey) -> list[str]:
    from . import model

    if len(path) == 2 and path[0] in ("risks", "opportunities"):
        return model.file_keys(model.Entry)
    if len(path) == 4 and path[0] in ("risks", "opportunities") and path[2] in ("controls", "actions"):
        return model.file_keys(model.Group)
    if len(path) == 3 and path[0] in ("risks", "opportunities") and path[2] in _SCORE_KEYS:
        return model.file_keys(model.Score)
    if path == ():
        return model.file_keys(model.Register)
    if path == ("scoring",):
        return model.file_keys(model.Scoring)
    if len(path) == 3 and path[:2] == ("scoring", "bands"):
        return model.file_keys(model.Band)
    if path == ("columns",):
        return model.file_keys(model.Columns)
    if len(path) == 3 and path[0] == "columns":
        return model.file_keys(model.Column)
    return []


_SCORE_KEYS = {"current", "residual", "target", "current_score", "residual_score", "target_score"}


def model_diagnostics(exc: ValidationError, data: Any, smap: SourceMap) -> list[Diagnostic]:
    """Translate pydantic's errors into officer-readable diagnostics, one per value."""
    seen: dict[PathKey, Diagnostic] = {}
    for err in exc.errors():
        path, value = _walk(data, tuple(err["loc"]))
        if path in seen:
            continue
        kind = err["type"]
        if kind == "extra_forbidden" or kind == "missing":
            line_col = smap.key(path) if kind == "extra_forbidden" else smap.value(path[:-1])
            field_name = path[-1] if path else None
            parent_fields = _fields_at(path[:-1])
        else:
            line_col = smap.value(path)
            field_name = path[-1] if path else None
            parent_fields = []
        # A union that failed every way (a score given as a list, say) gives one message.
        if kind not in ("extra_forbidden", "missing", "value_error") and path and path[-1] in _SCORE_KEYS:
            msg = (
                f"should be a score: a number such as 12, a number with labels such as '12 (Major/Possible)', "
                f"or score/likelihood/impact; not {_describe(value)}"
            )
        elif kind not in ("extra_forbidden", "missing") and path and path[-1] in ("controls", "actions"):
            msg = f"should be Markdown text or a list of groups (theme, owner, text), not {_describe(value)}"
        else:
            msg = _message(err, value, field_name, parent_fields)
        entry, rest = entry_label(data, path)
        if kind == "extra_forbidden" and f"{field_name}_score" in parent_fields:
            msg = f"'{field_name}' and '{field_name}_score' are the same field: give it once"
        elif kind == "extra_forbidden":
            msg = f"'{field_name}' {msg}"
            rest = rest[:-1]
        seen[path] = Diagnostic(
            msg,
            file=smap.file,
            line=line_col[0] if line_col else None,
            column=line_col[1] if line_col else None,
            entry=entry,
            field=field_words(rest) or None,
        )
    return sorted(seen.values(), key=lambda d: (d.line or 0, d.column or 0))


def build_model(data: Any, smap: SourceMap) -> Register:
    try:
        return Register.model_validate(data)
    except ValidationError as exc:
        raise RegisterError(model_diagnostics(exc, data, smap)) from exc


def salvage(data: Any, smap: SourceMap) -> Register | None:
    """The register with every field that failed the model taken out, so the later
    checks can still report their errors in the same run. None if nothing is left."""
    import copy

    data = copy.deepcopy(data)
    for _ in range(5):
        try:
            return Register.model_validate(data)
        except ValidationError as exc:
            changed = False
            for err in exc.errors():
                path, _ = _walk(data, tuple(err["loc"]))
                if len(path) >= 3 and path[0] in ("risks", "opportunities") and isinstance(path[1], int):
                    entry = data[path[0]][path[1]]
                    if path[2] == "id":
                        entry["id"] = f"{path[0][:-1]} {path[1] + 1}"
                    else:
                        entry.pop(path[2], None)
                    changed = True
                elif len(path) == 2 and path[0] in ("risks", "opportunities") and isinstance(path[1], int):
                    data[path[0]][path[1]] = {"id": f"{path[0][:-1]} {path[1] + 1}"}
                    changed = True
                else:
                    return None
            if not changed:
                return None
    return None


def read(path: str | Path) -> Loaded:
    """Read a register file into the model. Raises `RegisterError` with every problem found."""
    p = Path(path)
    data, smap = parse_file(p)
    try:
        return Loaded(build_model(data, smap), smap, p)
    except RegisterError as exc:
        partial = salvage(data, smap)
        exc.partial = Loaded(partial, smap, p) if partial is not None else None
        raise
