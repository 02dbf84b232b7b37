"""Default channel grouping: a hand-written table of cases, and SQL == Python on random rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.ingest.channels import (
    CHANNEL_RULES,
    channel_group,
    channel_group_inputs_sql,
    channel_group_row,
    channel_group_sql,
    channel_url_key_sql,
    host_of,
)
from touchpath.model.vocab import ChannelGroup as G

COLUMNS = ("source", "medium", "campaign", "referrer", "url", "event_name", "channel")
SHOP = "https://shop.ru/catalog/"


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_groups(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[Mapping[str, str | None]],
    own_domains: Sequence[str] = (),
) -> list[str]:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE staged (n INTEGER, "
        + ", ".join(f"{c} VARCHAR" for c in COLUMNS)
        + ")"
    )
    con.executemany(
        f"INSERT INTO staged VALUES (?, {', '.join('?' for _ in COLUMNS)})",
        [[i, *(row.get(c) for c in COLUMNS)] for i, row in enumerate(rows)],
    )
    expr = channel_group_sql(own_domains=own_domains)
    return [r[0] for r in con.execute(f"SELECT {expr} FROM staged ORDER BY n").fetchall()]


# (source, medium, referrer, url, expected) — the GA4 definitions, Russian-market sites
CASES: list[tuple[str | None, str | None, str | None, str | None, G]] = [
    # paid search
    ("yandex", "cpc", None, SHOP, G.PAID_SEARCH),
    ("google", "ppc", None, SHOP, G.PAID_SEARCH),
    ("yandex_direct", "cpc", None, SHOP, G.PAID_SEARCH),
    ("bing", "paidsearch", None, SHOP, G.PAID_SEARCH),
    ("mytarget", "retargeting", None, SHOP, G.PAID_SEARCH),
    (None, None, "https://yandex.ru/", SHOP + "?yclid=123456", G.PAID_SEARCH),
    (None, None, "https://www.google.com/", SHOP + "?gclid=abc", G.PAID_SEARCH),
    (None, None, None, SHOP + "?utm_source=yandex&utm_medium=cpc", G.PAID_SEARCH),
    ("", "", None, SHOP + "?utm_source=google&utm_medium=CPC&utm_campaign=x", G.PAID_SEARCH),
    # paid social
    ("vk", "cpc", None, SHOP, G.PAID_SOCIAL),
    ("vk.com", "paid_social", None, SHOP, G.PAID_SOCIAL),
    ("facebook", "paid", None, SHOP, G.PAID_SOCIAL),
    ("ig", "cpc", None, SHOP, G.PAID_SOCIAL),
    ("telegram", "cpm_telegram_ads", None, SHOP, G.PAID_SOCIAL),
    ("mytarget", "target", None, SHOP, G.PAID_SOCIAL),
    ("ok.ru", "smm_cpc", None, SHOP, G.PAID_SOCIAL),
    # display
    ("yandex", "cpm", None, SHOP, G.DISPLAY),
    ("rsy", "display", None, SHOP, G.DISPLAY),
    ("partner", "Banner", None, SHOP, G.DISPLAY),
    ("yandex", "display", None, SHOP + "?yclid=1", G.DISPLAY),
    # organic search
    ("yandex", "organic", None, SHOP, G.ORGANIC_SEARCH),
    ("google", None, None, SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://yandex.ru/search/?text=shop", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://ya.ru/search/?text=shop", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://www.google.com.tr/", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://go.mail.ru/search?q=shop", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://nova.rambler.ru/search?query=x", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://duckduckgo.com/", SHOP, G.ORGANIC_SEARCH),
    (None, None, "https://www.bing.com/search?q=x", SHOP, G.ORGANIC_SEARCH),
    ("yandex.ru", "(none)", None, SHOP, G.ORGANIC_SEARCH),
    ("site", "seo", None, SHOP, G.ORGANIC_SEARCH),
    # social
    ("vk", "social", None, SHOP, G.SOCIAL),
    ("vk", None, None, SHOP, G.SOCIAL),
    ("blogger", "smm", None, SHOP, G.SOCIAL),
    (None, None, "https://vk.com/club123", SHOP, G.SOCIAL),
    (None, None, "https://m.vk.com/wall-1_2", SHOP, G.SOCIAL),
    (None, None, "https://ok.ru/group/1", SHOP, G.SOCIAL),
    (None, None, "https://dzen.ru/a/xyz", SHOP, G.SOCIAL),
    (None, None, "https://zen.yandex.ru/media/x", SHOP, G.SOCIAL),
    (None, None, "https://market.yandex.ru/product/1", SHOP, G.REFERRAL),
    ("market.yandex.ru", "referral", None, SHOP, G.REFERRAL),
    ("market.yandex.ru", None, None, SHOP, G.REFERRAL),
    (None, None, "https://www.ozon.ru/product/1", SHOP, G.REFERRAL),
    (None, None, "https://www.youtube.com/watch?v=1", SHOP, G.SOCIAL),
    (None, None, "https://l.instagram.com/", SHOP, G.SOCIAL),
    (None, None, "https://www.tiktok.com/@shop", SHOP, G.SOCIAL),
    (None, None, "https://l.facebook.com/l.php", SHOP, G.SOCIAL),
    (None, None, "https://t.co/abc", SHOP, G.SOCIAL),
    # messenger
    ("telegram", None, None, SHOP, G.MESSENGER),
    ("tg", "post", None, SHOP, G.MESSENGER),
    ("shop_bot", "messenger", None, SHOP, G.MESSENGER),
    ("whatsapp", "(none)", None, SHOP, G.MESSENGER),
    (None, None, "https://t.me/shopchannel/15", SHOP, G.MESSENGER),
    (None, None, "https://web.telegram.org/", SHOP, G.MESSENGER),
    (None, None, "https://wa.me/79990001122", SHOP, G.MESSENGER),
    # email
    ("newsletter", "email", None, SHOP, G.EMAIL),
    ("unisender", "e-mail", None, SHOP, G.EMAIL),
    ("email", None, None, SHOP, G.EMAIL),
    ("sendpulse", "Newsletter", None, SHOP, G.EMAIL),
    ("e.mail.ru", "referral", None, SHOP, G.EMAIL),  # GA4 names webmail referrers so
    (None, None, "https://e.mail.ru/inbox/", SHOP, G.EMAIL),
    (None, None, "https://mail.yandex.ru/?uid=1", SHOP, G.EMAIL),
    (None, None, "https://mail.google.com/mail/u/0/", SHOP, G.EMAIL),
    # sms and push
    ("sms", None, None, SHOP, G.SMS),
    ("smsc", "sms", None, SHOP, G.SMS),
    ("app", "push", None, SHOP, G.SMS),
    ("site", "web-push", None, SHOP, G.SMS),
    # offline
    ("flyer", "qr", None, SHOP, G.OFFLINE),
    ("billboard", "offline", None, SHOP, G.OFFLINE),
    ("offline", None, None, SHOP, G.OFFLINE),
    ("metro", "outdoor", None, SHOP, G.OFFLINE),
    # referral
    ("partner.ru", "referral", None, SHOP, G.REFERRAL),
    ("admitad", "cpa", None, SHOP, G.REFERRAL),
    ("blog", "affiliate", None, SHOP, G.REFERRAL),
    (None, None, "https://habr.com/ru/articles/1/", SHOP, G.REFERRAL),
    (None, None, "https://market.example.org/x", SHOP, G.REFERRAL),
    (None, "(none)", "https://otzovik.com/review", SHOP, G.REFERRAL),
    # direct
    (None, None, None, SHOP, G.DIRECT),
    ("", "", "", SHOP, G.DIRECT),
    ("(direct)", "(none)", None, SHOP, G.DIRECT),
    ("(direct)", "(not set)", "https://habr.com/", SHOP, G.DIRECT),
    (None, None, "https://shop.ru/cart", SHOP, G.DIRECT),
    (None, None, "https://www.shop.ru/", SHOP, G.DIRECT),
    (None, None, "https://pay.shop.ru/ok", SHOP, G.DIRECT),
    (None, None, None, None, G.DIRECT),
    # unassigned
    ("partner-blog.ru", None, None, SHOP, G.UNASSIGNED),
    ("promo", "weird", None, SHOP, G.UNASSIGNED),
    ("yandex", "weird", None, SHOP, G.ORGANIC_SEARCH),  # GA4: a search source is enough
    (None, "something", "https://yandex.ru/", SHOP, G.UNASSIGNED),
]


@pytest.mark.parametrize(("source", "medium", "referrer", "url", "expected"), CASES)
def test_python_table(
    source: str | None, medium: str | None, referrer: str | None, url: str | None, expected: G
) -> None:
    assert channel_group(source, medium, None, referrer, url, None) is expected


def test_sql_table(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        {"source": s, "medium": m, "referrer": r, "url": u, "campaign": "c", "event_name": "e"}
        for s, m, r, u, _ in CASES
    ]
    assert sql_groups(con, rows) == [expected.value for *_, expected in CASES]


def test_two_level_form_gives_the_same_groups(con: duckdb.DuckDBPyConnection) -> None:
    rows = [{"source": s, "medium": m, "referrer": r, "url": u} for s, m, r, u, _ in CASES]
    sql_groups(con, rows)  # fills the staged table
    inner = f"SELECT n, {channel_group_inputs_sql()} AS inp FROM staged"
    outer = channel_group_sql(inputs="inp", own_domains=["bank.ru"])
    got = con.execute(f"SELECT {outer} FROM ({inner}) ORDER BY n").fetchall()
    assert [g for (g,) in got] == [expected.value for *_, expected in CASES]


def test_every_group_is_reachable() -> None:
    reached = {expected for *_, expected in CASES}
    assert reached == set(G) - {G.UNASSIGNED} | {G.UNASSIGNED}
    assert len(CHANNEL_RULES) == 14


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("offline", G.OFFLINE), (" Messenger ", G.MESSENGER), ("sms", G.SMS), ("vk", G.SOCIAL)],
)
def test_staged_channel_group_wins(
    con: duckdb.DuckDBPyConnection, channel: str, expected: G
) -> None:
    row = {"source": "vk", "medium": "social", "channel": channel}
    assert channel_group_row(row) is expected
    assert sql_groups(con, [row]) == [expected.value]


def test_own_domains(con: duckdb.DuckDBPyConnection) -> None:
    row = {"referrer": "https://pay.bank.ru/3ds", "url": SHOP}
    assert channel_group_row(row) is G.REFERRAL
    assert channel_group_row(row, own_domains=["bank.ru"]) is G.DIRECT
    assert sql_groups(con, [row], own_domains=["bank.ru"]) == ["direct"]
    assert sql_groups(con, [row]) == ["referral"]


def test_host_of() -> None:
    assert host_of("https://www.Shop.ru:8443/a?b#c") == "shop.ru"
    assert host_of("yandex.ru/search") == "yandex.ru"
    assert host_of("//cdn.shop.ru/x") == "cdn.shop.ru"
    assert host_of("https://user:pw@shop.ru/") == "shop.ru"
    assert host_of(None) == ""
    assert host_of("") == ""


# --------------------------------------------------------------------------- SQL == Python

WORDS = [
    "yandex", "google", "vk", "vk.com", "ok.ru", "t.me", "telegram", "mail.ru", "e.mail.ru",
    "cpc", "cpm", "cpa", "ppc", "paid_social", "target", "organic", "social", "smm", "email",
    "sms", "push", "qr", "offline", "referral", "(direct)", "(none)", "(not set)", "messenger",
    "display", "affiliate", "seo", "Direct", " VK ", "shop.ru", "www.shop.ru", "pay.shop.ru",
    "dzen.ru", "zen.yandex.ru", "mail.yandex.ru", "habr.com", "",
]  # fmt: skip
ATOM = st.sampled_from([*WORDS, *"aZ.-_:/?&=#@ Яё"])
TEXT = st.lists(ATOM, max_size=6).map("".join)
SCHEME = st.sampled_from(["https://", "http://", "//", "", "android-app://", "HTTPS://www."])
URLISH = st.builds(
    lambda scheme, host, path, query: scheme + host + path + query,
    SCHEME,
    TEXT,
    st.sampled_from(["", "/", "/a/b", "/search?text=x"]),
    st.sampled_from(
        [
            "",
            "?gclid=1",
            "&yclid=2",
            "?utm_source=vk&utm_medium=cpc",
            "?utm_medium=email",
            "#utm_source=yandex",
            "?x=1&utm_source=google",
            "?wbraid=z",
        ]
    ),
)
VALUE = st.one_of(st.none(), TEXT, st.sampled_from(WORDS))
CHANNEL = st.one_of(st.none(), st.sampled_from([g.value for g in G]), TEXT)
ROW = st.fixed_dictionaries(
    {
        "source": VALUE,
        "medium": VALUE,
        "campaign": VALUE,
        "referrer": st.one_of(st.none(), URLISH),
        "url": st.one_of(st.none(), URLISH),
        "event_name": VALUE,
        "channel": CHANNEL,
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=20))
def test_sql_equals_python(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, str | None]]
) -> None:
    assert sql_groups(con, rows, own_domains=["partner.ru"]) == [
        channel_group_row(row, own_domains=["partner.ru"]).value for row in rows
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=20))
def test_url_key_keeps_what_the_grouping_reads(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, str | None]]
) -> None:
    """Groups are evaluated per distinct key with the url narrowed: the same groups."""
    sql_groups(con, rows)  # fills `staged`
    key = channel_url_key_sql()
    keys = [r[0] for r in con.execute(f"SELECT {key} FROM staged ORDER BY n").fetchall()]
    for row, narrowed in zip(rows, keys, strict=True):
        assert narrowed in (None, row["url"])
        for own in ((), ["partner.ru"]):
            assert channel_group_row({**row, "url": narrowed}, own_domains=own) == (
                channel_group_row(row, own_domains=own)
            ), (row, narrowed)


def test_url_key_drops_untagged_urls_without_referrer(con: duckdb.DuckDBPyConnection) -> None:
    rows: list[dict[str, str | None]] = [
        {"url": SHOP + "p/1", "referrer": None},
        {"url": SHOP + "p/1?utm_source=vk", "referrer": None},
        {"url": SHOP + "p/1", "referrer": "https://ya.ru/"},
        {"url": SHOP + "p/1", "referrer": "https://www.shop.ru/cart"},  # own site: direct
    ]
    sql_groups(con, rows)
    key = channel_url_key_sql()
    keys = [r[0] for r in con.execute(f"SELECT {key} FROM staged ORDER BY n").fetchall()]
    assert keys == [None, SHOP + "p/1?utm_source=vk", SHOP + "p/1", SHOP + "p/1"]
    groups = [channel_group_row({**row, "url": k}) for row, k in zip(rows, keys, strict=True)]
    assert groups == [G.DIRECT, G.SOCIAL, G.ORGANIC_SEARCH, G.DIRECT]


def test_docs_list_every_group_and_site() -> None:
    """docs/importers.md keeps up with the grouping: groups, site names, medium words."""
    import re as _re
    from pathlib import Path

    from touchpath.ingest import channels

    doc = (Path(__file__).parents[2] / "docs" / "importers.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Channel grouping") : doc.index("## Touchpoint rules")]
    for group in G:
        assert f"`{group.value}`" in section, group
    for names in (channels.SEARCH_NAMES, channels.SOCIAL_NAMES, channels.MESSENGER_NAMES):
        for name in names:
            assert _re.search(rf"\b{_re.escape(name)}\b", section), name
    for domains in (channels.SEARCH_DOMAINS, channels.SOCIAL_DOMAINS, channels.MESSENGER_DOMAINS):
        for domain in domains:
            assert domain in section, domain
    for words in (
        channels.DISPLAY_MEDIUMS,
        channels.AFFILIATE_MEDIUMS,
        channels.EMAIL_WORDS,
        channels.MESSENGER_MEDIUMS,
        channels.OFFLINE_WORDS,
        channels.SOCIAL_MEDIUMS,
        channels.ORGANIC_MEDIUMS,
        channels.REFERRAL_MEDIUMS,
    ):
        for word in words:
            assert word in section, word
