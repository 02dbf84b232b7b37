"""The template sandbox: data in, text out; nothing else reachable, nothing unbounded."""

from __future__ import annotations

import time

import pytest

from touchpath.automation.templates import MAX_VALUE, TemplateRefusedError, render

DATA = {
    "customer": {"name": "<b>Анна</b>", "language": "ru", "email": "anna@example.com"},
    "event": {"value": 1500, "currency": "RUB", "ts": "2026-11-23T10:00:00+00:00"},
}

ATTACKS = {
    "class": "{{ ''.__class__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "data class": "{{ customer.__class__ }}",
    "globals via lipsum": "{{ lipsum.__globals__ }}",
    "globals via cycler": "{{ cycler.__init__.__globals__.os.environ }}",
    "self": "{{ self.__init__.__globals__ }}",
    "private name mangling": "{{ self._TemplateReference__context }}",
    "format attribute": "{{ '{0.__class__}'.format(customer) }}",
    "attr filter": "{{ customer|attr('__class__') }}",
    "bound method owner": "{{ customer.items.__self__ }}",
    "mutation": "{{ customer.update({'a': 1}) }}",
    "file include": "{% include '/etc/passwd' %}",
    "import": "{% import 'os' as os %}",
    "extends": "{% extends '/etc/hosts' %}",
    "environment": "{{ environ }}{{ os }}{{ config }}",
    "big string": "{{ 'a' * 10000000 }}",
    "big power": "{{ 9 ** 9999999 }}",
    "percent format width": "{{ '%0999999999d' % 1 }}",
    "ljust": "{{ 'a'.ljust(1000000000) }}",
    "concat doubling": "{% set a = 'x' * 100000 %}{% set b = a ~ a %}{{ b }}",
    "replace growth": "{% set a = 'x' * 1000 %}{{ a.replace('x', a) }}",
    "replace filter growth": "{% set a = 'x' * 1000 %}{{ a|replace('x', a) }}",
    "join growth": "{{ ''.join(['x' * 100000] * 10) }}",
    "recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "silent nested loop": "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}"
    "{% endfor %}",
    "loud nested loop": "{% for i in range(9999) %}{% for j in range(9999) %}x{% endfor %}"
    "{% endfor %}",
    "range too long": "{{ range(10000000)|list }}",
}


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("source", ATTACKS.values(), ids=list(ATTACKS))
def test_attacks_are_refused_quickly_with_a_clear_error(source: str, html: bool) -> None:
    start = time.monotonic()
    with pytest.raises(TemplateRefusedError) as info:
        render(source, DATA, html=html)
    assert time.monotonic() - start < 3.0
    message = str(info.value)
    assert message.startswith("template")
    assert "\n" not in message


def test_refusal_names_the_reason() -> None:
    with pytest.raises(TemplateRefusedError, match=r"__class__.*unsafe"):
        render("{{ customer.__class__ }}", DATA)
    with pytest.raises(TemplateRefusedError, match="include of other templates or files"):
        render("{% include '/etc/passwd' %}", DATA)
    with pytest.raises(TemplateRefusedError, match="took longer than"):
        render("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", DATA)
    with pytest.raises(TemplateRefusedError, match=str(MAX_VALUE)):
        render("{{ 'a' * 10000000 }}", DATA)
    with pytest.raises(TemplateRefusedError, match="'missing' is undefined"):
        render("{{ missing }}", DATA)


def test_html_escapes_the_data_and_text_does_not() -> None:
    assert render("<p>{{ customer.name }}</p>", DATA, html=True) == "<p>&lt;b&gt;Анна&lt;/b&gt;</p>"
    assert render("{{ customer.name }}", DATA, html=False) == "<b>Анна</b>"
    # concatenation keeps escaping in HTML
    assert render("{{ 'x' ~ customer.name }}", DATA, html=True) == "x&lt;b&gt;Анна&lt;/b&gt;"


def test_money_and_dates_follow_the_language() -> None:
    ru = render("{{ event.value|money(event.currency, 'ru') }}", DATA)
    en = render("{{ event.value|money(event.currency, 'en') }}", DATA)
    # CLDR: Russian groups with a no-break space and uses a decimal comma; English "RUB1,500.00"
    assert ru.replace("\xa0", " ") == "1 500,00 ₽"
    assert en == "RUB 1,500.00" or en == "RUB1,500.00"
    assert "нояб" in render("{{ event.ts|datetime('ru') }}", DATA)


def test_ordinary_templates_work() -> None:
    source = (
        "{% for i in range(3) %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %} "
        "{{ customer.email|upper }} {{ [3, 1, 2]|sort|join('-') }} {{ customer.name|length }}"
    )
    assert render(source, DATA) == "0,1,2 ANNA@EXAMPLE.COM 1-2-3 11"


def test_times_print_in_the_workspace_time_zone() -> None:
    data = {"event": {"ts": "2026-11-23T07:15:00+00:00"}, "timezone": "Europe/Moscow"}
    # 07:15 UTC is 10:15 in Moscow (UTC+3, no daylight saving since 2014)
    assert "10:15" in render("{{ event.ts|datetime('ru') }}", data)
    assert "7:15" in render("{{ event.ts|datetime('en', 'short', 'UTC') }}", data)
    assert "7:15:00" in render("{{ event.ts|datetime('en') }}", {"event": data["event"]})
    with pytest.raises(TemplateRefusedError, match="unknown time zone"):
        render("{{ event.ts|datetime('en', 'short', '../../etc/passwd') }}", data)
