"""The catalogue as a YAML file people edit by hand and keep under version control.

Reading points every mistake at its line: the document is *composed* (parsed into nodes
that remember their position) and only then constructed into plain data, so a pydantic
error at ``("chains", 0, "steps")`` or a :meth:`Catalogue.problems` entry can be walked back
to the node it came from. Only PyYAML's safe loader is used: the file may come from anyone.

Writing keeps the file readable: keys in the model's field order, Cyrillic as is, enums as
plain words, short lists on one line, and fields left out when they hold their default.

>>> text = dump_catalogue_yaml(Catalogue(business="Клиника «Здоровье»"))
>>> parse_catalogue_yaml(text, filename="clinic.yaml").business
'Клиника «Здоровье»'
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from touchpath.errors import TouchpathError
from touchpath.model import Catalogue
from touchpath.safe_yaml import load_bounded

MAX_NODES = 200_000
"""Most nodes a catalogue file may expand to (anchors and aliases included): a guard
against "billion laughs" documents, far above any real catalogue."""

_ALWAYS_WRITTEN = frozenset({"id", "name", "channel"})
_SECTIONS_ALWAYS_WRITTEN = frozenset({"business", "stages"})
"""Stages are written even when they are the defaults: the journey map belongs in the file."""


class CatalogueFileError(TouchpathError):
    """A catalogue file is wrong at ``line``; ``errors`` lists every mistake found.

    ``str()`` is one line, ``"<file>:<line>: <field>: <message>"``, like a compiler's.
    """

    def __init__(
        self,
        *,
        file: str,
        line: int,
        field: str,
        message: str,
        errors: Sequence[CatalogueFileError] = (),
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = " ".join(message.split())
        self.errors: list[CatalogueFileError] = list(errors) or [self]
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


# -- reading ----------------------------------------------------------------------------


def load_catalogue_yaml(path: Path) -> Catalogue:
    """Read a catalogue file (UTF-8, a BOM is tolerated).

    A file that cannot be opened raises the ``OSError``; everything wrong inside it raises
    :class:`CatalogueFileError`.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogueFileError(
            file=str(path), line=line, field="encoding", message=f"not UTF-8 text: {exc.reason}"
        ) from None
    return parse_catalogue_yaml(text, filename=str(path))


def parse_catalogue_yaml(text: str, *, filename: str) -> Catalogue:
    """Parse and check catalogue text; ``filename`` is only used in error messages."""
    errors = _Errors(filename)
    root = _compose(text, errors)
    if root is None:
        errors.add(1, "business", "the file is empty; a catalogue needs at least `business:`")
        raise errors.error()
    _check_nodes(root, errors)
    errors.raise_if_any()
    data = _construct(text, errors)
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            errors.add(*_explain(root, err))
        raise errors.error() from None
    for problem in catalogue.problems():
        line, _node = _locate(root, problem.loc)
        errors.add(line, problem.field, problem.message)
    errors.raise_if_any()
    return catalogue


class _Errors:
    """Collects mistakes; raises the first by line, carrying all of them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[CatalogueFileError] = []

    def add(self, line: int, field: str, message: str) -> None:
        err = CatalogueFileError(file=self.file, line=line, field=field, message=message)
        if not any(str(e) == str(err) for e in self.found):
            self.found.append(err)

    def error(self) -> CatalogueFileError:
        ordered = sorted(self.found, key=lambda e: e.line)
        first = ordered[0]
        return CatalogueFileError(
            file=first.file,
            line=first.line,
            field=first.field,
            message=first.message,
            errors=ordered,
        )

    def raise_if_any(self) -> None:
        if self.found:
            raise self.error()


def _compose(text: str, errors: _Errors) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        errors.add(_yaml_error_line(exc, text), "syntax", _yaml_error_message(exc))
    except RecursionError:
        errors.add(1, "syntax", "the document nests too deeply")
    raise errors.error()


def _construct(text: str, errors: _Errors) -> Any:
    """Plain data from the text, once the nodes passed :func:`_check_nodes`."""
    try:
        return load_bounded(text)
    except yaml.YAMLError as exc:  # e.g. an unknown tag such as !!python/object
        errors.add(_yaml_error_line(exc, text), "syntax", _yaml_error_message(exc))
    except RecursionError:
        errors.add(1, "syntax", "the document nests too deeply")
    raise errors.error()


def _yaml_error_line(exc: yaml.YAMLError, text: str) -> int:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            return int(mark.line) + 1
    if isinstance(exc, yaml.reader.ReaderError):  # a forbidden character, by offset
        return text.count("\n", 0, exc.position) + 1
    return 1


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.problem, exc.context) if p]
        return "; ".join(parts) or "not valid YAML"
    return str(exc)


def _check_nodes(root: Node, errors: _Errors) -> None:
    """Reject what PyYAML would silently accept: duplicate keys, alias bombs."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(root, ())]
    seen = 0
    while stack:
        node, path = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            line = node.start_mark.line + 1
            errors.add(line, ".".join(path) or "syntax", f"more than {MAX_NODES} nodes")
            return
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                name = str(key.value) if isinstance(key, ScalarNode) else "?"
                if isinstance(key, ScalarNode) and name != "<<":
                    if name in keys:
                        where = ".".join((*path, name))
                        errors.add(key.start_mark.line + 1, where, f"key {name!r} appears twice")
                    keys.add(name)
                stack.append((value, (*path, name)))
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(node.value))


def _locate(root: Node, loc: Sequence[str | int]) -> tuple[int, Node | None]:
    """The line of the node at ``loc``; when a part is absent, the line of its parent.

    Keys give the key's own line (a nested block starts on the line after it).
    """
    node: Node | None = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, MappingNode):
            matches = [
                (k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)
            ]
            if not matches:
                return line, node
            key, node = matches[-1]  # the constructed data keeps the last duplicate
            line = key.start_mark.line + 1
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line, node
    return line, node


_VALUE_ERROR = re.compile(r"^(?:Value error, )?(?:(\w+): )?(.*)$", re.DOTALL)


def _explain(root: Node, err: ErrorDetails) -> tuple[int, str, str]:
    """Line, field and message for one pydantic error."""
    loc = list(err["loc"])
    message = err["msg"]
    if err["type"] == "value_error":
        # Model validators say "stages: ..." -- point at that key when it is there.
        m = _VALUE_ERROR.match(message)
        if m is not None:
            key, rest = m.groups()
            _line, node = _locate(root, loc)
            if (
                key
                and isinstance(node, MappingNode)
                and any(isinstance(k, ScalarNode) and k.value == key for k, _v in node.value)
            ):
                loc.append(key)
                message = rest
            else:
                message = message.removeprefix("Value error, ")
    line, node = _locate(root, loc)
    if err["type"] != "missing" and isinstance(node, ScalarNode):
        message += f" (got {node.value!r})"
        if err["type"] == "string_type" and node.style is None:
            message += "; YAML reads it as a number or true/false: put it in quotes"
    field = ".".join(str(p) for p in loc) or "document"
    return line, field, message


# -- writing ----------------------------------------------------------------------------


def dump_catalogue_yaml(catalogue: Catalogue) -> str:
    """The catalogue as YAML text that :func:`parse_catalogue_yaml` reads back equal."""
    data = _to_data(catalogue, keep=_SECTIONS_ALWAYS_WRITTEN)
    head = {k: v for k, v in data.items() if not isinstance(v, list)}
    chunks = [_dump(head)] + [_dump({k: v}) for k, v in data.items() if k not in head]
    header = "# touchpath catalogue; every field is described in docs/catalogue.md\n"
    return header + "\n".join(chunks)


def save_catalogue_yaml(catalogue: Catalogue, path: Path) -> None:
    """Write the catalogue to ``path``, atomically: a failed write leaves the old file."""
    path = Path(path)
    text = dump_catalogue_yaml(catalogue)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _to_data(model: BaseModel, *, keep: frozenset[str] = _ALWAYS_WRITTEN) -> dict[str, Any]:
    """Fields in declaration order, without those equal to their default."""
    data: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if name not in keep and not info.is_required() and value == default:
            continue
        data[name] = _plain(value)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _to_data(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        if all(isinstance(v, str) for v in items):
            return _Flow(items)
        return items
    return value


class _Flow(list[str]):
    """A list of words written on one line: ``stages: [search, comparison]``."""


class _Dumper(yaml.SafeDumper):
    """Block sequences indented under their key, as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_ESCAPE_ONLY = re.compile("[\r\x85\u2028\u2029\ufeff]")
"""Characters a YAML reader folds or drops unless they are escaped in double quotes;
PyYAML's emitter would otherwise write some of them raw (e.g. NEL in a flow list)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if _ESCAPE_ONLY.search(value):
        style = '"'
    elif "\n" in value.rstrip("\n"):
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
