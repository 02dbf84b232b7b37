"""Reading YAML that users upload without letting a small file expand into a huge one.

``yaml.safe_load`` refuses code but not a "billion laughs" document: anchors nested in
anchors expand a few hundred bytes into billions of nodes, and any later step that walks
or prints the result (a validation error formatting the value) hangs. Composing the
document first and counting its nodes, following aliases, stops that before anything is
built.

>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n"
...     for p, c in zip("abcdefgh", "bcdefghi"))
>>> load_bounded(bomb)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
touchpath.safe_yaml.YamlTooBig: the YAML document expands to more than 200000 nodes
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_NODES = 200_000


class YamlTooBig(yaml.YAMLError):
    """The document expands (through aliases) to more nodes than allowed.

    A ``YAMLError``, so every reader's existing handling of bad YAML reports it too.
    """


def too_many_nodes(root: Node, limit: int = MAX_NODES) -> bool:
    """Whether the composed document expands to more than ``limit`` nodes (aliases followed)."""
    stack: list[Node] = [root]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return False


def load_bounded(text: str, limit: int = MAX_NODES) -> Any:
    """``yaml.safe_load`` after checking the expansion; raises :class:`YamlTooBig`.

    Syntax errors come out as ``yaml.YAMLError`` like ``safe_load``'s.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None and too_many_nodes(root, limit):
        raise YamlTooBig(f"the YAML document expands to more than {limit} nodes")
    return yaml.safe_load(text)
