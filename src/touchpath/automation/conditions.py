"""Conditions: structured filters over a firing's data — never ``eval``.

The data is a nested dict (``event``, ``customer``, ``touchpoint``, ``feedback``, ``alert``);
a condition names a dotted path in it, an operator and a value. A missing field fails
every operator except ``exists: false`` and ``ne``. Numbers compare as numbers, anything
else as text, so ``"10" gt 9`` is true and ``"abc" gt 9`` is simply false.

>>> data = {"event": {"value": 1500.0, "touchpoint": "checkout"}}
>>> holds([Condition(field="event.value", op="gte", value=1000)], data)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from touchpath.automation.rules import Condition

_MISSING = object()


def lookup(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or a private sentinel when any part is absent."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(left: Any, right: Any) -> int | None:
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    return None


def check(condition: Condition, data: Mapping[str, Any]) -> bool:
    """Whether one condition holds for ``data``."""
    value = lookup(data, condition.field)
    op, want = condition.op, condition.value
    if op == "exists":
        present = value is not _MISSING and value is not None
        return present == (want is None or bool(want))
    if value is _MISSING:
        return op == "ne"
    if op == "eq":
        return bool(value == want or _compare(value, want) == 0)
    if op == "ne":
        return not (value == want or _compare(value, want) == 0)
    if op == "in":
        return value in want or any(_compare(value, w) == 0 for w in want)
    if op == "not_in":
        return not (value in want or any(_compare(value, w) == 0 for w in want))
    if op == "contains":
        if isinstance(value, str):
            return str(want).lower() in value.lower()
        return isinstance(value, list | tuple) and want in value
    if op == "startswith":
        return isinstance(value, str) and value.startswith(str(want))
    order = _compare(value, want)
    if order is None:
        return False
    return {"gt": order > 0, "gte": order >= 0, "lt": order < 0, "lte": order <= 0}[op]


def holds(conditions: Sequence[Condition], data: Mapping[str, Any]) -> bool:
    """All conditions hold (an empty list always does)."""
    return all(check(c, data) for c in conditions)
