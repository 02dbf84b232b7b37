"""Message and document templates, rendered in a locked-down Jinja2 sandbox.

A template sees only the firing's data (plain dicts of the event, the customer, the
touchpoint ...), never Python objects, files or the environment. The layers, each because
the one before it is not enough on its own:

* :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` refuses attributes that start with
  ``_`` (``__class__``, ``__globals__``, ``__subclasses__``) and methods that change data;
  :class:`jinja2.StrictUndefined` turns a refused or missing name into an error, not "".
* No loader, so ``include``/``import``/``extends`` find nothing; no globals but a small
  ``range``; a short list of filters, each checked.
* Sizes are checked *before* anything big is built: ``*``, ``**``, ``~`` (concatenation),
  ``str.replace`` and ``join``, and every numeric argument of a call is capped.
* Time: a trace function on the template's own frames stops a render after
  :data:`TIME_LIMIT` seconds (loops that print nothing included); the output stops at
  :data:`MAX_OUTPUT` characters.

>>> render("Hello, {{ customer.name }}!", {"customer": {"name": "Анна"}})
'Hello, Анна!'
>>> render("{{ ''.__class__ }}", {})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
touchpath.automation.templates.TemplateRefusedError: template refused: access to ... unsafe.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.filters import FILTERS
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

from touchpath.automation.rules import Rule, rule_texts
from touchpath.errors import TouchpathError

MAX_SOURCE = 20_000
MAX_VALUE = 100_000
"""Longest string or list a template may build, and largest number it may pass to a call."""
MAX_OUTPUT = 200_000
TIME_LIMIT = 0.5
MAX_RANGE = 10_000
TEMPLATE_FILE = "<touchpath template>"

_FILTERS = [
    *("abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first"),
    *("float", "int", "items", "join", "last", "length", "list", "lower", "max", "min"),
    *("reverse", "round", "sort", "string", "striptags", "sum", "title", "tojson", "trim"),
    *("truncate", "unique", "upper", "urlencode", "wordcount"),
]


class TemplateRefusedError(TouchpathError):
    """A template is broken or tried something a template may not do."""


class _RenderTimeoutError(Exception):
    pass


def _too_big(value: Any) -> bool:
    return isinstance(value, str | list | tuple | dict) and len(value) > MAX_VALUE


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE:
        raise SecurityError(f"number {value} is larger than {MAX_VALUE}")


class _Generator(CodeGenerator):
    """Compiles ``a ~ b`` into a size-checked join instead of Jinja's plain one."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("), context.eval_ctx.autoescape)")


class Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox every touchpath template runs in (see the module docstring)."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "%", "+", "//", "/"})

    def __init__(self, *, html: bool) -> None:
        super().__init__(autoescape=html, undefined=StrictUndefined, loader=None)
        self.globals.clear()
        self.globals["range"] = _range
        self.filters = {name: _guard(FILTERS[name]) for name in _FILTERS}
        self.filters["replace"] = _replace
        self.filters["money"] = _money
        self.filters["number"] = _number
        self.filters["datetime"] = _datetime
        self.tests = {k: v for k, v in self.tests.items() if k not in ("callable",)}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(n, int)
                if sized and len(seq) * max(n, 0) > MAX_VALUE:
                    raise SecurityError(f"a value longer than {MAX_VALUE} would be built")
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent larger than 64")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting of text is not available in templates")
        result = self.binop_table[operator](left, right)
        if _too_big(result) or (isinstance(result, int) and result.bit_length() > 256):
            raise SecurityError(f"a value larger than {MAX_VALUE} would be built")
        return result

    def call(
        __self,  # noqa: N805 - Jinja's own signature keeps the names free for kwargs
        __context: Any,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        for value in (*args, *kwargs.values()):
            _check_number(value)
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name == "replace" and len(args) >= 2:
            _check_replace(owner, args[0], args[1])
        if isinstance(owner, str) and name == "join" and args:
            _check_join(owner, args[0])
        result = super().call(__context, __obj, *args, **kwargs)
        if _too_big(result):
            raise SecurityError(f"a value larger than {MAX_VALUE} would be built")
        return result

    def checked_concat(self, parts: tuple[Any, ...], autoescape: bool) -> str:
        texts = [p if isinstance(p, str) else str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_VALUE:
            raise SecurityError(f"a value longer than {MAX_VALUE} would be built")
        return str((markup_join if autoescape else str_join)(parts))


def _range(*args: int) -> range:
    for a in args:
        _check_number(a)
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range longer than {MAX_RANGE}")
    return rng


def _check_replace(text: str, old: Any, new: Any) -> None:
    if not isinstance(old, str) or not isinstance(new, str):
        return
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * max(len(new) - len(old), 0) > MAX_VALUE:
        raise SecurityError(f"a value longer than {MAX_VALUE} would be built")


def _check_join(sep: str, items: Any) -> None:
    if isinstance(items, list | tuple):
        total = sum(len(i) if isinstance(i, str) else 20 for i in items)
        if total + len(sep) * max(len(items) - 1, 0) > MAX_VALUE:
            raise SecurityError(f"a value longer than {MAX_VALUE} would be built")


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose numeric arguments are capped and whose result is size-checked."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            _check_number(value)
        if fn is FILTERS["join"] and len(args) >= 3 and isinstance(args[2], str):
            items = list(args[1]) if isinstance(args[1], Iterable) else []
            _check_join(args[2], items)
        result = fn(*args, **kwargs)
        if _too_big(result):
            raise SecurityError(f"a value larger than {MAX_VALUE} would be built")
        return result

    for attr in ("jinja_pass_arg",):
        if hasattr(fn, attr):
            setattr(guarded, attr, getattr(fn, attr))
    return guarded


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text = str(value)
    _check_replace(text, old, new)
    return text.replace(old, new, -1 if count is None else count)


def _locale(language: str | None) -> str:
    return language if language in ("en", "ru", "sr", "kk") else "en"


def _money(value: Any, currency: str = "EUR", language: str | None = None) -> str:
    """``{{ event.value | money(event.currency, customer.language) }}`` → ``1 500,00 ₽``."""
    number = Decimal(str(value))
    return str(format_currency(number, str(currency), locale=_locale(language)))


def _number(value: Any, language: str | None = None) -> str:
    return str(format_decimal(Decimal(str(value)), locale=_locale(language)))


@pass_context
def _datetime(
    context: Any,
    value: Any,
    language: str | None = None,
    fmt: str = "medium",
    timezone: str | None = None,
) -> str:
    """A moment in the workspace's time zone (``timezone`` in the data), or the one given.

    Events are stored in UTC; a customer reads "10:15" in Moscow, not "07:15".
    """
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    zone = timezone or context.get("timezone")
    if zone and moment.tzinfo is not None:
        try:
            moment = moment.astimezone(ZoneInfo(str(zone)))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {str(zone)[:60]!r}") from None
    if fmt not in ("short", "medium", "long"):
        fmt = "medium"
    return str(format_datetime(moment, fmt, locale=_locale(language)))


@cache
def sandbox(html: bool) -> Sandbox:
    return Sandbox(html=html)


@cache
def _compiled(source: str, html: bool) -> Any:
    env = sandbox(html)
    tree = env.parse(source)
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        kind = type(node).__name__.lower()
        raise SecurityError(
            f"line {node.lineno}: {kind} of other templates or files is not allowed"
        )
    code = env.compile(tree, filename=TEMPLATE_FILE)
    return env.template_class.from_code(env, code, env.make_globals(None))


def compile_template(source: str, *, html: bool = False) -> Any:
    """Compile (and cache) a template, or raise :class:`TemplateRefusedError` with the reason."""
    if len(source) > MAX_SOURCE:
        raise TemplateRefusedError(f"template refused: longer than {MAX_SOURCE} characters")
    try:
        return _compiled(source, html)
    except TemplateSyntaxError as exc:
        raise TemplateRefusedError(f"template line {exc.lineno}: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateRefusedError(f"template refused: {exc}") from None


def render(
    source: str,
    data: Mapping[str, Any],
    *,
    html: bool = False,
    time_limit: float = TIME_LIMIT,
    max_output: int = MAX_OUTPUT,
) -> str:
    """Render ``source`` with ``data`` (plain JSON-like values) in the sandbox."""
    template = compile_template(source, html=html)
    deadline = time.monotonic() + time_limit
    chunks: list[str] = []
    size = 0
    active = True  # the frames keep their trace function after the render: disarm it

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if active and time.monotonic() > deadline:
            raise _RenderTimeoutError
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == TEMPLATE_FILE:
            return local(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    stream = template.generate(dict(data))
    try:
        for chunk in stream:
            size += len(chunk)
            if size > max_output:
                raise TemplateRefusedError(f"template refused: output longer than {max_output}")
            if time.monotonic() > deadline:
                raise _RenderTimeoutError
            chunks.append(chunk)
    except _RenderTimeoutError:
        raise TemplateRefusedError(f"template refused: took longer than {time_limit} s") from None
    except SecurityError as exc:
        raise TemplateRefusedError(f"template refused: {exc}") from None
    except UndefinedError as exc:
        raise TemplateRefusedError(f"template: {exc.message}") from None
    except TemplateError as exc:
        raise TemplateRefusedError(f"template: {exc}") from None
    except RecursionError:
        raise TemplateRefusedError("template refused: recursion too deep") from None
    except Exception as exc:  # hostile input: any other failure is a refusal, not a crash
        raise TemplateRefusedError(f"template: {type(exc).__name__}: {exc}") from None
    finally:
        active = False
        stream.close()
        sys.settrace(previous)
    return "".join(chunks)


def check_rule_templates(rule: Rule) -> tuple[str, str] | None:
    """The first template of ``rule`` that does not compile, as (field path, reason)."""
    for where, source in rule_texts(rule):
        try:
            compile_template(source, html=True)
        except TemplateRefusedError as exc:
            return where, str(exc)
    return None
