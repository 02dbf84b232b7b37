"""Touchpoint mapping rules: each match field, lists, globs, regex, precedence, loading,
SQL safety, and the SQL expression agreeing with the Python oracle on random rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from touchpath.ingest.rules import (
    MATCH_FIELDS,
    MappingRules,
    RulesError,
    TouchpointRule,
    UnknownTouchpointError,
    load_rules,
    match_touchpoint,
    parse_rules,
    sql_literal,
    touchpoint_sql,
)

COLUMNS = ("event_name", "url", "source", "medium", "campaign", "referrer", "channel")


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_match(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[TouchpointRule],
    rows: Sequence[Mapping[str, str | None]],
) -> list[str | None]:
    """Run touchpoint_sql over rows given as bound parameters (not SQL text)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE staged (n INTEGER, "
        + ", ".join(f"{c} VARCHAR" for c in COLUMNS)
        + ")"
    )
    con.executemany(
        f"INSERT INTO staged VALUES (?, {', '.join('?' for _ in COLUMNS)})",
        [[i, *(row.get(c) for c in COLUMNS)] for i, row in enumerate(rows)],
    )
    result = con.execute(f"SELECT {touchpoint_sql(rules)} FROM staged ORDER BY n").fetchall()
    return [r[0] for r in result]


def check(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[TouchpointRule],
    cases: Sequence[tuple[Mapping[str, str | None], str | None]],
) -> None:
    rows = [row for row, _ in cases]
    expected = [tp for _, tp in cases]
    assert [match_touchpoint(rules, row) for row in rows] == expected
    assert sql_match(con, rules, rows) == expected


# --------------------------------------------------------------------------- each field


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("event_name", "event_name"),
        ("url", "url"),
        ("utm_source", "source"),
        ("utm_medium", "medium"),
        ("utm_campaign", "campaign"),
        ("referrer", "referrer"),
        ("channel", "channel"),
    ],
)
def test_each_field_matches_its_column(
    con: duckdb.DuckDBPyConnection, field: str, column: str
) -> None:
    assert MATCH_FIELDS[field] == column
    rule = TouchpointRule.model_validate({"touchpoint": "tp", field: "Value"})
    others = [c for c in COLUMNS if c != column]
    check(
        con,
        [rule],
        [
            ({column: "value"}, "tp"),
            ({column: "VALUE"}, "tp"),
            ({column: "value2"}, None),
            ({column: None}, None),
            ({other: "value" for other in others}, None),
        ],
    )


def test_all_fields_must_match(con: duckdb.DuckDBPyConnection) -> None:
    rule = TouchpointRule(touchpoint="direct_ads", utm_source="yandex", utm_medium="cpc")
    check(
        con,
        [rule],
        [
            ({"source": "yandex", "medium": "cpc"}, "direct_ads"),
            ({"source": "yandex", "medium": "organic"}, None),
            ({"source": "google", "medium": "cpc"}, None),
            ({"source": "yandex"}, None),
        ],
    )


def test_lists_mean_any_of(con: duckdb.DuckDBPyConnection) -> None:
    rule = TouchpointRule(
        touchpoint="vk",
        utm_source=["vk", "vk.com", "re:^vkontakte"],
        utm_medium=["cpc", "*target*"],
    )
    check(
        con,
        [rule],
        [
            ({"source": "vk", "medium": "cpc"}, "vk"),
            ({"source": "VK.com", "medium": "smm_targeting"}, "vk"),
            ({"source": "vkontakte_ads", "medium": "cpc"}, "vk"),
            ({"source": "ok", "medium": "cpc"}, None),
            ({"source": "vk", "medium": "social"}, None),
        ],
    )


def test_globs(con: duckdb.DuckDBPyConnection) -> None:
    rules = [
        TouchpointRule(touchpoint="contacts", url="*/contacts*"),
        TouchpointRule(touchpoint="promo", utm_campaign="spring_202?"),
        TouchpointRule(touchpoint="pct", utm_campaign="50%_off*"),
        TouchpointRule(touchpoint="under", event_name="form_*"),
    ]
    check(
        con,
        rules,
        [
            ({"url": "https://shop.ru/contacts/"}, "contacts"),
            ({"url": "HTTPS://SHOP.RU/CONTACTS"}, "contacts"),
            ({"url": "https://shop.ru/about/contacts?x=1"}, "contacts"),
            ({"url": "https://shop.ru/contact"}, None),
            ({"campaign": "spring_2025"}, "promo"),
            ({"campaign": "spring_20250"}, None),
            ({"campaign": "spring_202"}, None),
            # % and _ are literal in globs, not SQL wildcards
            ({"campaign": "50%_off_all"}, "pct"),
            ({"campaign": "50x_off"}, None),
            ({"campaign": "50%Xoff"}, None),
            ({"event_name": "form_submit"}, "under"),
            ({"event_name": "formXsubmit"}, None),
            ({"event_name": "form_"}, "under"),
        ],
    )


def test_regex(con: duckdb.DuckDBPyConnection) -> None:
    rules = [
        TouchpointRule(touchpoint="callback", event_name=r"re:^(callback|call_me)_\d+$"),
        TouchpointRule(touchpoint="catalog", url=r"re:/catalog/[a-z]+/"),
    ]
    check(
        con,
        rules,
        [
            ({"event_name": "callback_12"}, "callback"),
            ({"event_name": "CALL_ME_3"}, "callback"),
            ({"event_name": "callback_x"}, None),
            ({"url": "https://shop.ru/catalog/shoes/123"}, "catalog"),  # search, not full
            ({"url": "https://shop.ru/catalog/123/"}, None),
        ],
    )


def test_cyrillic_is_case_insensitive(con: duckdb.DuckDBPyConnection) -> None:
    rules = [TouchpointRule(touchpoint="call", utm_campaign=["Звонок", "*Акция*"])]
    check(
        con,
        rules,
        [
            ({"campaign": "ЗВОНОК"}, "call"),
            ({"campaign": "весенняя акция 2025"}, "call"),
            ({"campaign": "звонки"}, None),
        ],
    )


def test_first_matching_rule_wins(con: duckdb.DuckDBPyConnection) -> None:
    rules = [
        TouchpointRule(touchpoint="brand_ads", utm_source="yandex", utm_campaign="*brand*"),
        TouchpointRule(touchpoint="direct_ads", utm_source="yandex"),
        TouchpointRule(touchpoint="site", url="*"),
    ]
    check(
        con,
        rules,
        [
            ({"source": "yandex", "campaign": "brand_spring"}, "brand_ads"),
            ({"source": "yandex", "campaign": "generic"}, "direct_ads"),
            ({"source": "google"}, "site"),
            ({}, "site"),  # "*" matches a missing url too (missing = empty text)
        ],
    )


def test_empty_pattern_matches_missing(con: duckdb.DuckDBPyConnection) -> None:
    rules = [TouchpointRule(touchpoint="untagged", utm_source="", url="*shop.ru*")]
    check(
        con,
        rules,
        [
            ({"url": "https://shop.ru/"}, "untagged"),
            ({"url": "https://shop.ru/", "source": ""}, "untagged"),
            ({"url": "https://shop.ru/", "source": "vk"}, None),
            ({"url": "https://shop.ru/?utm_source=vk"}, None),
        ],
    )


def test_utm_fields_fall_back_to_url_parameters(con: duckdb.DuckDBPyConnection) -> None:
    rules = [TouchpointRule(touchpoint="direct_ads", utm_source="yandex", utm_medium="cpc")]
    check(
        con,
        rules,
        [
            ({"url": "https://shop.ru/?utm_source=yandex&utm_medium=cpc"}, "direct_ads"),
            ({"url": "https://shop.ru/?a=1&utm_medium=cpc&utm_source=Yandex#top"}, "direct_ads"),
            # the column wins over the url
            ({"url": "https://shop.ru/?utm_source=yandex&utm_medium=cpc", "source": "vk"}, None),
            ({"url": "https://shop.ru/?xutm_source=yandex&utm_medium=cpc"}, None),
        ],
    )


# --------------------------------------------------------------------------- validation


def test_rule_validation() -> None:
    with pytest.raises(ValidationError, match="at least one match field"):
        TouchpointRule(touchpoint="x")
    with pytest.raises(ValidationError, match="empty list"):
        TouchpointRule(touchpoint="x", url=[])
    with pytest.raises(ValidationError, match="bad regular expression"):
        TouchpointRule(touchpoint="x", url="re:(")
    with pytest.raises(ValidationError, match="RE2"):
        TouchpointRule(touchpoint="x", url="re:foo(?!bar)")
    with pytest.raises(ValidationError, match="RE2"):
        TouchpointRule(touchpoint="x", url=r"re:(a)\1")
    with pytest.raises(ValidationError, match="Extra inputs"):
        TouchpointRule.model_validate({"touchpoint": "x", "utm_sourse": "vk"})
    with pytest.raises(ValidationError):
        TouchpointRule(touchpoint="Not A Slug", url="*")
    with pytest.raises(ValidationError, match="NUL"):
        TouchpointRule(touchpoint="x", url="a\x00b")
    assert TouchpointRule.model_validate(
        {"touchpoint": "x", "utm_campaign": 2024}
    ).utm_campaign == ("2024")


def test_known_touchpoints() -> None:
    rules = [TouchpointRule(touchpoint="a", url="*"), TouchpointRule(touchpoint="b", url="*")]
    assert "'a'" in touchpoint_sql(rules, known={"a", "b"})
    with pytest.raises(UnknownTouchpointError, match="rule 2: b"):
        touchpoint_sql(rules, known={"a"})


def test_no_rules_gives_null(con: duckdb.DuckDBPyConnection) -> None:
    assert sql_match(con, [], [{"url": "x"}]) == [None]
    assert match_touchpoint([], {"url": "x"}) is None


def test_columns_override(con: duckdb.DuckDBPyConnection) -> None:
    rules = [TouchpointRule(touchpoint="paid", channel="paid_search", url="*/landing*")]
    expr = touchpoint_sql(rules, columns={"channel": "ch", "channel_group": "grp", "url": "page"})
    query = f"SELECT {expr} FROM (SELECT NULL AS ch, 'paid_search' AS grp, '/landing/' AS page)"
    assert con.sql(query).fetchall() == [("paid",)]
    row = {"channel_group": "paid_search", "url": "/landing/"}
    assert match_touchpoint(rules, row) == "paid"


def test_channel_matches_the_text_or_the_channel_group(con: duckdb.DuckDBPyConnection) -> None:
    rules = [
        TouchpointRule(touchpoint="paid", channel=["paid_search", "paid_social"]),
        TouchpointRule(touchpoint="phone", channel="Телефон"),
        TouchpointRule(touchpoint="partners", channel="direct"),
    ]
    check(
        con,
        rules,
        [
            ({"source": "yandex", "medium": "cpc"}, "paid"),
            ({"url": "https://shop.ru/?utm_source=vk&utm_medium=cpc"}, "paid"),
            ({"channel": "paid_search"}, "paid"),
            ({"channel": "телефон"}, "phone"),
            ({"channel": "телефон", "source": "google", "medium": "ppc"}, "paid"),
            ({"source": "vk", "medium": "social"}, None),
            # the own site (and own_domains) make a referrer direct
            ({"referrer": "https://pay.bank.ru/", "url": "https://shop.ru/"}, None),
        ],
    )
    row = {"referrer": "https://pay.bank.ru/", "url": "https://shop.ru/"}
    assert match_touchpoint(rules, row, own_domains=["bank.ru"]) == "partners"
    expr = touchpoint_sql(rules, own_domains=["bank.ru"])
    query = (
        f"SELECT {expr} FROM (SELECT 'https://pay.bank.ru/' AS referrer, 'https://shop.ru/' AS url,"
        " NULL AS source, NULL AS medium, NULL AS channel)"
    )
    assert con.sql(query).fetchall() == [("partners",)]


# --------------------------------------------------------------------------- SQL safety


HOSTILE = [
    "x' OR 1=1 --",
    "'; DROP TABLE staged; --",
    "x'); SELECT 1; --",
    "\\' OR ''='",
    "re:(') OR true OR (')",
    "*' ESCAPE '' OR 'a' LIKE 'a",
    '"; DROP TABLE staged; --',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_cannot_inject_sql(con: duckdb.DuckDBPyConnection, value: str) -> None:
    rule = TouchpointRule(touchpoint="hit", utm_source=value, event_name=value, url=[value, "z"])
    # the hostile value only matches itself
    check(
        con,
        [rule],
        [
            ({"source": "other", "event_name": "other", "url": "other"}, None),
            (
                {"source": "zzz", "event_name": "x", "url": "a"},
                None,
            ),
        ],
    )
    tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'staged'")
    assert tables.fetchall() == [(1,)]
    if not value.startswith("re:") and "*" not in value:
        assert match_touchpoint([rule], {"source": value, "event_name": value, "url": value}) == (
            "hit"
        )
        assert sql_match(con, [rule], [{"source": value, "event_name": value, "url": value}]) == [
            "hit"
        ]


def test_sql_literal() -> None:
    assert sql_literal("a'b") == "'a''b'"
    with pytest.raises(ValueError, match="NUL"):
        sql_literal("\x00")


# --------------------------------------------------------------------------- loading


def test_load_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        """\
# touchpoints of the demo shop
touchpoints:
  - touchpoint: contacts_page
    url: "*/contacts*"
  - touchpoint: direct_ads
    utm_source: [yandex, ya.ru]
    utm_medium: cpc
    description: Яндекс Директ
""",
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert [r.touchpoint for r in rules] == ["contacts_page", "direct_ads"]
    assert rules[1].utm_source == ["yandex", "ya.ru"]
    assert MappingRules.load(path).match({"source": "ya.ru", "medium": "CPC"}) == "direct_ads"
    assert "direct_ads" in MappingRules.load(path).sql()
    # a bare list works too, and an empty file means no rules
    path.write_text("- touchpoint: blog\n  url: '*/blog/*'\n", encoding="utf-8")
    assert load_rules(path)[0].touchpoint == "blog"
    path.write_text("", encoding="utf-8")
    assert load_rules(path) == []
    path.write_text("touchpoints:\n", encoding="utf-8")
    assert load_rules(path) == []


def test_load_rules_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        """\
touchpoints:
  - touchpoint: contacts
    url: "*/contacts*"
  - touchpoint: Bad Id
    url: "*"
  - touchpoint: typo
    utm_sourse: vk
  - touchpoint: lookahead
    event_name: "re:(?=x)"
  - touchpoint: shape
    url: {a: 1}
  - touchpoint: nothing
  - url: "*"
""",
        encoding="utf-8",
    )
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{path}:4: touchpoint: a touchpoint id is lower-case")
    assert lines[1].startswith(f"{path}:7: utm_sourse: unknown field")
    assert lines[2].startswith(f"{path}:9: event_name: regular expression")
    assert lines[3] == f"{path}:11: url: expected a text or a list of texts"
    assert lines[4].startswith(f"{path}:12: rule: a rule needs at least one match field")
    assert lines[5] == f"{path}:13: touchpoint: required"
    assert len(caught.value.issues) == 6


def test_load_rules_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("touchpoints:\n  - touchpoint: a\n    url: [x\n", encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{path}:\d+: yaml: "):
        load_rules(path)
    path.write_text("touchpoint:\n  - url: x\n", encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{path}:1: touchpoint: unknown section"):
        load_rules(path)
    path.write_text("touchpoints: 3\n", encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{path}:1: touchpoints: expected a list"):
        load_rules(path)
    with pytest.raises(RulesError, match=r"^<rules>:1: rule: expected a mapping"):
        parse_rules("- just text\n")


# --------------------------------------------------------------------------- SQL == Python

ALPHABET = st.sampled_from([*"abcxyzABC.-_/?&=%*:' ЯяЁё", "utm_source=", "utm_medium="])
TEXT = st.lists(ALPHABET, max_size=8).map("".join)
VALUE = st.one_of(st.none(), TEXT, st.sampled_from(["yandex", "cpc", "VK", "", "a_b", "50%"]))

PATTERN = st.one_of(
    TEXT,
    st.sampled_from(["*", "a*", "*b*", "?", "a?c", "*%*", "*_*", "", "yandex", "re:^a", "re:b$"]),
    st.sampled_from(["re:[a-c]+", "re:Я", "re:^$", r"re:\.", "re:x|y", "re:(?i)abc", "re:'"]),
)
FIELD_VALUE = st.one_of(PATTERN, st.lists(PATTERN, min_size=1, max_size=3))


@st.composite
def rules_strategy(draw: st.DrawFn) -> list[TouchpointRule]:
    rules = []
    for i in range(draw(st.integers(0, 4))):
        fields = draw(st.lists(st.sampled_from(list(MATCH_FIELDS)), min_size=1, unique=True))
        data: dict[str, object] = {"touchpoint": f"tp{i}"}
        for field in fields:
            data[field] = draw(FIELD_VALUE)
        rules.append(TouchpointRule.model_validate(data))
    return rules


ROWS = st.lists(st.fixed_dictionaries({c: VALUE for c in COLUMNS}), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy(), rows=ROWS)
def test_sql_equals_python(
    con: duckdb.DuckDBPyConnection,
    rules: list[TouchpointRule],
    rows: list[dict[str, str | None]],
) -> None:
    assert sql_match(con, rules, rows) == [match_touchpoint(rules, row) for row in rows]
