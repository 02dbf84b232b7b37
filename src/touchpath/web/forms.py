"""Form fields to domain objects: the only place that knows how the HTML forms are named.

A bad value becomes :class:`FormError` with one translated line naming the field, which
the page shows above the form it re-draws with what the user typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.model import Chain, Touchpoint

M = TypeVar("M", Touchpoint, Chain)


class FormError(TouchpathError):
    """What is wrong with a submitted form, in one line."""


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]
"""The submitted form, read once (the CSRF check reads the same cached copy)."""


def field_names() -> dict[str, str]:
    """Translated names of the form fields, for error messages."""
    return {
        "id": _("Id"),
        "name": _("Name"),
        "description": _("Description"),
        "channel": _("Channel"),
        "mode": _("Mode"),
        "stages": _("Stages"),
        "role": _("Role"),
        "attention": _("Attention"),
        "lifetime": _("Lifetime"),
        "owner": _("Owner"),
        "status": _("Status"),
        "tags": _("Tags"),
        "steps": _("Steps"),
        "next_chain": _("Next chain"),
    }


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _optional(form: FormData, name: str) -> str | None:
    return _text(form, name) or None


def _list(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def touchpoint_values(form: FormData) -> dict[str, Any]:
    """The touchpoint fields of a form, as plain values (also to re-fill the form)."""
    return {
        "id": _text(form, "id"),
        "name": _text(form, "name"),
        "description": _optional(form, "description"),
        "channel": _text(form, "channel"),
        "mode": _text(form, "mode") or "online",
        "stages": _list(form, "stages"),
        "role": _text(form, "role") or "regular",
        "wow": form.get("wow") == "on",
        "attention": _optional(form, "attention"),
        "lifetime": _optional(form, "lifetime"),
        "owner": _optional(form, "owner"),
        "automated": form.get("automated") == "on",
        "status": _text(form, "status") or "active",
        "tags": [t.strip() for t in _text(form, "tags").split(",") if t.strip()],
    }


def touchpoint_from(values: dict[str, Any]) -> Touchpoint:
    return _validated(Touchpoint, values)


def chain_from(values: dict[str, Any]) -> Chain:
    return _validated(Chain, values)


def _validated(model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        field = str(loc[0]) if loc else ""
        name = field_names().get(field, field)
        raise FormError(
            _("{field}: {message}").format(field=name, message=_explain(first))
        ) from None


def _explain(error: Any) -> str:
    """Pydantic's reason in the reader's language for the cases a form can produce."""
    kind = error.get("type", "")
    messages = {
        "string_pattern_mismatch": _(
            "use lower-case latin letters, digits and _ . - (at most 64 characters)"
        ),
        "string_too_short": _("this field is required"),
        "missing": _("this field is required"),
        "enum": _("choose one of the listed values"),
        "too_short": _("add at least one"),
        "string_too_long": _("too long"),
    }
    if kind in messages:
        return messages[kind]
    text = str(error.get("msg", ""))
    return text.removeprefix("Value error, ")


def move(steps: Sequence[str], action: str, added: str | None = None) -> list[str]:
    """The steps after one designer action: ``up:i``, ``down:i``, ``remove:i``, ``add``.

    Anything else (``save``) leaves the order as submitted.

    >>> move(["ad", "site", "call"], "up:2")
    ['ad', 'call', 'site']
    """
    result = list(steps)
    verb, _sep, where = action.partition(":")
    if verb == "add":
        if added:
            result.append(added)
        return result
    try:
        i = int(where)
    except ValueError:
        return result
    if not 0 <= i < len(result):
        return result
    if verb == "up" and i > 0:
        result[i - 1], result[i] = result[i], result[i - 1]
    elif verb == "down" and i < len(result) - 1:
        result[i + 1], result[i] = result[i], result[i + 1]
    elif verb == "remove":
        del result[i]
    return result
