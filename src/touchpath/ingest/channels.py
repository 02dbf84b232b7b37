"""The default channel grouping: which :class:`ChannelGroup` an event's traffic belongs to.

It follows Google Analytics 4's default channel group definitions, adapted to the Russian
market: Yandex, Mail.ru, Rambler count as search engines; VK, OK, Dzen, Telegram ...
as social sites and messengers; Yandex Direct's ``yclid`` marks paid search like
Google's ``gclid``. The rules, first match wins (``src`` / ``med`` are the source and
medium lower-cased, or the url's ``utm_source`` / ``utm_medium`` when they are empty):

1. the staged ``channel`` already holds a channel group value (a vendor reader set it) → it;
2. ``med`` is display, banner, cpm, expandable, interstitial, rtb → **display**;
3. the url carries ``gclid``, ``yclid``, ``gbraid`` or ``wbraid`` → **paid_search**;
4. ``med`` is affiliate, affiliates, partner, partners, cpa → **referral**;
5. ``med`` is paid (``*cp*``, ppc, paid*, *retarget*, remarketing, context) or target /
   targeting: → **paid_social** when ``src`` is a social site or messenger, ``med`` mentions
   social / smm, or ``med`` is target*; else **paid_search**;
6. ``src`` or ``med`` is email, e-mail, newsletter, mailing ..., or ``src`` is a webmail
   (e.mail.ru, mail.yandex.ru, mail.google.com ...) → **email**;
7. ``src`` or ``med`` is sms, or ``med`` mentions push / notification → **sms**;
8. ``src`` is a messenger (telegram, t.me, whatsapp, viber ...) or ``med`` is messenger →
   **messenger**;
9. ``src`` or ``med`` is offline, qr, print, outdoor, tv, radio ... → **offline**;
10. ``src`` is a social site (vk, ok.ru, dzen, youtube, instagram, tiktok ...) or ``med`` is
    social, sm, smm, social-network ... → **social**;
11. ``src`` is a search engine (yandex, google, bing, mail.ru, rambler, duckduckgo ...) or
    ``med`` is organic / seo → **organic_search**;
12. ``med`` is referral, link, app → **referral**;
13. ``src`` is ``(direct)`` / direct and ``med`` is empty, (none), (not set) → **direct**;
14. no ``src`` and ``med`` empty: by the referrer's host — none → **direct**; the url's own
    site (or one of ``own_domains``) → **direct**; a webmail → **email**; a social site →
    **social**; a messenger → **messenger**; a search engine → **organic_search**; any
    other → **referral**;
15. anything else → **unassigned**.

:func:`channel_group_sql` is the DuckDB ``CASE`` expression used in bulk imports;
:func:`channel_group` is its pure-Python oracle, equal on every row (tested).

>>> channel_group("yandex", "cpc", None, None, None, None)
<ChannelGroup.PAID_SEARCH: 'paid_search'>
>>> channel_group(None, None, None, "https://dzen.ru/a/xyz", "https://shop.ru/", None)
<ChannelGroup.SOCIAL: 'social'>
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from touchpath.ingest.rules import sql_literal
from touchpath.model.vocab import ChannelGroup

__all__ = [
    "CHANNEL_RULES",
    "channel_group",
    "channel_group_inputs_sql",
    "channel_group_row",
    "channel_group_sql",
    "channel_url_key_sql",
    "host_of",
]


def _sites(bare: Sequence[str], domains: Sequence[str]) -> str:
    """A regex over a lower-case source or host naming one of the sites.

    ``bare`` names match alone (``google``) or as a domain with a country / generic
    suffix (``google.com.tr``, ``news.google.com``); ``domains`` match as written or
    with subdomains (``go.mail.ru``).
    """
    names = "|".join(re.escape(name) for name in bare)
    doms = "|".join(re.escape(dom) for dom in domains)
    suffix = r"(?:\.(?:com|co|net|org|[a-z]{2}))?(?:\.[a-z]{2})?"
    return rf"(?:[a-z0-9-]+\.)*(?:(?:{names}){suffix}|(?:{doms}))"


SEARCH_NAMES: tuple[str, ...] = (
    "yandex",
    "google",
    "bing",
    "rambler",
    "duckduckgo",
    "yahoo",
    "baidu",
    "ecosia",
    "qwant",
    "startpage",
    "nigma",
    "sputnik",
    "naver",
    "seznam",
    "ask",
)
SEARCH_DOMAINS: tuple[str, ...] = ("ya.ru", "mail.ru", "search.brave.com", "search.aol.com")
SEARCH_RE = _sites(SEARCH_NAMES, SEARCH_DOMAINS)
SOCIAL_NAMES: tuple[str, ...] = (
    "vk",
    "vkontakte",
    "ok",
    "odnoklassniki",
    "facebook",
    "fb",
    "instagram",
    "ig",
    "youtube",
    "yt",
    "dzen",
    "tiktok",
    "twitter",
    "linkedin",
    "pinterest",
    "rutube",
    "livejournal",
    "pikabu",
    "reddit",
    "threads",
    "tenchat",
    "vkvideo",
    "likee",
)
SOCIAL_DOMAINS: tuple[str, ...] = (
    "vk.cc",
    "youtu.be",
    "zen.yandex.ru",
    "zen.yandex.com",
    "x.com",
    "t.co",
    "fb.me",
)
SOCIAL_RE = _sites(SOCIAL_NAMES, SOCIAL_DOMAINS)
MESSENGER_NAMES: tuple[str, ...] = ("telegram", "tg", "whatsapp", "viber", "icq", "signal")
MESSENGER_DOMAINS: tuple[str, ...] = (
    "t.me",
    "wa.me",
    "telegram.me",
    "telegram.org",
    "web.telegram.org",
)
MESSENGER_RE = _sites(MESSENGER_NAMES, MESSENGER_DOMAINS)
WEBMAIL_RE = (
    r"(?:mail\.yandex\.[a-z.]+|e\.mail\.ru|touch\.mail\.ru|octavius\.mail\.ru|"
    r"mail\.google\.com|outlook\.(?:live|office|office365)\.com|mail\.rambler\.ru|"
    r"mail\.yahoo\.com|webmail\.[a-z0-9.-]+)"
)
MARKETPLACE_RE = (
    r"(?:[a-z0-9-]+\.)*(?:market\.yandex\.[a-z.]+|market\.ya\.ru|ozon\.ru|wildberries\.ru|"
    r"wb\.ru|megamarket\.ru|avito\.ru|aliexpress\.(?:ru|com)|lamoda\.ru)"
)
"""Marketplaces: sites of search engines' owners (Yandex Market) that are not search."""
PAID_MEDIUM_RE = r"(?:.*cp.*|ppc|paid.*|.*retarget.*|remarketing|context)"
PAID_SOCIAL_MEDIUM_RE = r"(?:target|targeting|targeted|.*social.*|.*smm.*)"
TARGET_MEDIUMS = ("target", "targeting", "targeted")
PUSH_MEDIUM_RE = r"(?:.*push.*|.*notification.*)"
CLICK_ID_RE = r"[?&#](?:gclid|yclid|gbraid|wbraid)="
HOST_RE = r"^(?:[a-z][a-z0-9+.\-]*:)?(?://)?(?:[^/?#@]*@)?([^/?#:]*)"

DIRECT_SOURCES = ("(direct)", "direct")
EMPTY_MEDIUMS = ("", "(none)", "(not set)", "none")
DISPLAY_MEDIUMS = ("display", "banner", "cpm", "expandable", "interstitial", "rtb")
AFFILIATE_MEDIUMS = ("affiliate", "affiliates", "partner", "partners", "cpa")
EMAIL_WORDS = ("email", "e-mail", "e_mail", "e mail", "newsletter", "mailing", "emailing")
SMS_WORDS = ("sms",)
MESSENGER_MEDIUMS = ("messenger", "messengers", "im", "chatbot", "telegram", "whatsapp", "viber")
OFFLINE_WORDS = (
    "offline",
    "qr",
    "qr-code",
    "qr_code",
    "qrcode",
    "print",
    "outdoor",
    "tv",
    "radio",
    "flyer",
    "leaflet",
    "billboard",
    "pos",
)
SOCIAL_MEDIUMS: tuple[str, ...] = ("social", "social-network", "social-media", "sm", "smm")
SOCIAL_MEDIUMS += ("social network", "social media", "social_network", "social_media")
ORGANIC_MEDIUMS = ("organic", "seo")
REFERRAL_MEDIUMS = ("referral", "link", "app")

CHANNEL_RULES: tuple[tuple[str, str], ...] = (
    ("display", "medium is display, banner, cpm, expandable, interstitial, rtb"),
    ("paid_search", "url has gclid, yclid, gbraid or wbraid"),
    ("referral", "medium is affiliate, partner, cpa"),
    ("paid_social / paid_search", "medium is paid: paid_social for social sources"),
    ("email", "source or medium is email, newsletter, mailing; source is a webmail"),
    ("sms", "source or medium is sms; medium mentions push or notification"),
    ("messenger", "source is a messenger; medium is messenger"),
    ("offline", "source or medium is offline, qr, print, outdoor, tv, radio"),
    ("social", "source is a social site; medium is social, sm, smm"),
    ("organic_search", "source is a search engine; medium is organic or seo"),
    ("referral", "medium is referral, link, app"),
    ("direct", "source is (direct) and medium empty"),
    ("by referrer", "no source or medium: direct, email, social, messenger, search, referral"),
    ("unassigned", "anything else"),
)
"""The grouping's rules in order, as (group, condition) — for documentation and the UI."""

_GROUPS = tuple(group.value for group in ChannelGroup)


# --------------------------------------------------------------------------- Python oracle


def host_of(url: str | None) -> str:
    """The lower-case host of a url (or bare ``host/path``), without ``www.``; '' if none.

    >>> host_of("https://WWW.Yandex.ru/search/?text=x")
    'yandex.ru'
    """
    found = re.match(HOST_RE, (url or "").lower())
    host = found.group(1) if found else ""
    return re.sub(r"^www\.", "", host, count=1)


def _utm(value: str | None, url: str | None, name: str) -> str:
    if not value and url:
        found = re.search(rf"[?&]utm_{name}=([^&#]*)", url)
        value = found.group(1) if found else ""
    return (value or "").lower().strip(" ")


def _is(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None


def _own_site(ref: str, url_host: str, own_domains: Sequence[str]) -> bool:
    if url_host and (
        ref == url_host or ref.endswith("." + url_host) or url_host.endswith("." + ref)
    ):
        return True
    return any(ref == dom or ref.endswith("." + dom) for dom in own_domains)


def channel_group(
    source: str | None,
    medium: str | None,
    campaign: str | None,
    referrer: str | None,
    url: str | None,
    event_name: str | None,
    *,
    channel: str | None = None,
    own_domains: Sequence[str] = (),
) -> ChannelGroup:
    """The channel group of one event (pure-Python twin of :func:`channel_group_sql`).

    ``campaign`` and ``event_name`` do not change the default grouping; they are part of
    the signature so that custom groupings can use them.

    >>> channel_group(None, None, None, "https://www.google.com/", "https://shop.ru/a", None)
    <ChannelGroup.ORGANIC_SEARCH: 'organic_search'>
    >>> channel_group("vk", "cpc", "spring", None, None, None)
    <ChannelGroup.PAID_SOCIAL: 'paid_social'>
    """
    del campaign, event_name
    given = (channel or "").lower().strip(" ")
    if given in _GROUPS:
        return ChannelGroup(given)
    src = _utm(source, url, "source")
    med = _utm(medium, url, "medium")
    lower_url = (url or "").lower()
    if med in DISPLAY_MEDIUMS:
        return ChannelGroup.DISPLAY
    if re.search(CLICK_ID_RE, lower_url):
        return ChannelGroup.PAID_SEARCH
    if med in AFFILIATE_MEDIUMS:
        return ChannelGroup.REFERRAL
    if _is(PAID_MEDIUM_RE, med) or med in TARGET_MEDIUMS:
        social = _is(SOCIAL_RE, src) or _is(MESSENGER_RE, src) or _is(PAID_SOCIAL_MEDIUM_RE, med)
        return ChannelGroup.PAID_SOCIAL if social else ChannelGroup.PAID_SEARCH
    if src in EMAIL_WORDS or med in EMAIL_WORDS or _is(WEBMAIL_RE, src):
        return ChannelGroup.EMAIL
    if src in SMS_WORDS or med in SMS_WORDS or _is(PUSH_MEDIUM_RE, med):
        return ChannelGroup.SMS
    if _is(MESSENGER_RE, src) or med in MESSENGER_MEDIUMS:
        return ChannelGroup.MESSENGER
    if src in OFFLINE_WORDS or med in OFFLINE_WORDS:
        return ChannelGroup.OFFLINE
    if _is(SOCIAL_RE, src) or med in SOCIAL_MEDIUMS:
        return ChannelGroup.SOCIAL
    if _is(MARKETPLACE_RE, src):
        return ChannelGroup.REFERRAL
    if _is(SEARCH_RE, src) or med in ORGANIC_MEDIUMS:
        return ChannelGroup.ORGANIC_SEARCH
    if med in REFERRAL_MEDIUMS:
        return ChannelGroup.REFERRAL
    if src in DIRECT_SOURCES and med in EMPTY_MEDIUMS:
        return ChannelGroup.DIRECT
    if src == "" and med in EMPTY_MEDIUMS:
        ref = host_of(referrer)
        if ref == "" or _own_site(ref, host_of(url), own_domains):
            return ChannelGroup.DIRECT
        if _is(WEBMAIL_RE, ref):
            return ChannelGroup.EMAIL
        if _is(SOCIAL_RE, ref):
            return ChannelGroup.SOCIAL
        if _is(MESSENGER_RE, ref):
            return ChannelGroup.MESSENGER
        if _is(MARKETPLACE_RE, ref):
            return ChannelGroup.REFERRAL
        if _is(SEARCH_RE, ref):
            return ChannelGroup.ORGANIC_SEARCH
        return ChannelGroup.REFERRAL
    return ChannelGroup.UNASSIGNED


def channel_group_row(
    row: Mapping[str, str | None], *, own_domains: Sequence[str] = ()
) -> ChannelGroup:
    """:func:`channel_group` of a staged row (column → text)."""
    return channel_group(
        row.get("source"),
        row.get("medium"),
        row.get("campaign"),
        row.get("referrer"),
        row.get("url"),
        row.get("event_name"),
        channel=row.get("channel"),
        own_domains=own_domains,
    )


# --------------------------------------------------------------------------- SQL


def _in(expr: str, words: Sequence[str]) -> str:
    return f"{expr} IN ({', '.join(sql_literal(w) for w in words)})"


def _full(expr: str, pattern: str) -> str:
    return f"regexp_full_match({expr}, {sql_literal(pattern)})"


def channel_group_inputs_sql(*, columns: Mapping[str, str] | None = None) -> str:
    """The grouping's inputs of one row as a DuckDB struct (source, medium normalised).

    For :func:`channel_group_sql` ``inputs``: compute this in an inner ``SELECT`` and the
    grouping over it reads each input once (faster than the self-contained expression).
    """
    cols = dict(columns or {})

    def col(name: str) -> str:
        return cols.get(name, '"' + name + '"')

    def utm(name: str) -> str:
        param = sql_literal(rf"[?&]utm_{name}=([^&#]*)")
        found = (
            f"CASE WHEN contains({col('url')}, {sql_literal(f'utm_{name}=')}) "
            f"THEN regexp_extract({col('url')}, {param}, 1) END"
        )
        return f"trim(lower(coalesce(nullif({col(name)}, ''), {found}, '')))"

    return (
        f"{{'s': {utm('source')}, 'm': {utm('medium')}, "
        f"'g': trim(lower(coalesce({col('channel')}, ''))), "
        f"'u': {col('url')}, 'r': {col('referrer')}}}"
    )


def channel_url_key_sql(*, columns: Mapping[str, str] | None = None) -> str:
    """The part of the url that the grouping reads, as a DuckDB expression.

    The url counts only through its query (utm tags and click ids all contain ``=``)
    and, when the row has a referrer, its host (the own-site test). Otherwise it is
    NULL here, which groups the same. Channel groups are evaluated once per distinct
    key (see :func:`~touchpath.ingest.typing_sql.dimension_table`): keyed on this
    instead of the url, a file of a million page urls has a handful of keys.
    """
    cols = dict(columns or {})
    url = cols.get("url", '"url"')
    referrer = cols.get("referrer", '"referrer"')
    return f"CASE WHEN {referrer} IS NOT NULL OR contains({url}, '=') THEN {url} END"


def channel_group_sql(
    *,
    columns: Mapping[str, str] | None = None,
    own_domains: Sequence[str] = (),
    inputs: str | None = None,
) -> str:
    """A DuckDB expression over the staged columns giving a ChannelGroup value.

    Parameters
    ----------
    columns
        Optional SQL expressions to use instead of the staged column names
        (``source, medium, referrer, url, channel``).
    own_domains
        Extra hosts counted as the own site (a referrer from them is direct traffic).
    inputs
        The SQL name of a column holding :func:`channel_group_inputs_sql` (computed in an
        inner ``SELECT``); without it the expression binds its inputs itself.

    >>> import duckdb
    >>> duckdb.sql(
    ...     "SELECT " + channel_group_sql() + " FROM (SELECT 'yandex' AS source, 'cpc' AS medium,"
    ...     " NULL AS referrer, NULL AS url, NULL AS channel)"
    ... ).fetchall()
    [('paid_search',)]
    """
    # Each input is computed once per row and bound to a name (a lambda parameter, or
    # the caller's column): DuckDB does not share repeated subexpressions across the
    # branches of a CASE, and the grouping reads the source and medium many times.
    x = inputs or "_tp_x"
    src, med, given, url = f"{x}.s", f"{x}.m", f"{x}.g", f"{x}.u"

    def host(expr: str) -> str:
        raw = f"regexp_extract(lower(coalesce({expr}, '')), {sql_literal(HOST_RE)}, 1)"
        return f"regexp_replace({raw}, '^www\\.', '')"

    ref, url_host = "_tp_y.rh", "_tp_y.uh"
    own = [
        f"({url_host} <> '' AND ({ref} = {url_host} OR ends_with({ref}, '.' || {url_host})"
        f" OR ends_with({url_host}, '.' || {ref})))"
    ]
    own += [
        f"({ref} = {sql_literal(dom)} OR ends_with({ref}, {sql_literal('.' + dom)}))"
        for dom in (d.lower() for d in own_domains)
    ]
    paid_social = (
        f"{_full(src, SOCIAL_RE)} OR {_full(src, MESSENGER_RE)} "
        f"OR {_full(med, PAID_SOCIAL_MEDIUM_RE)}"
    )
    by_referrer = (
        f"list_transform([{{'rh': {host(x + '.r')}, 'uh': {host(url)}}}], lambda _tp_y: "
        f"CASE WHEN {ref} = '' OR {' OR '.join(own)} THEN 'direct' "
        f"WHEN {_full(ref, WEBMAIL_RE)} THEN 'email' "
        f"WHEN {_full(ref, SOCIAL_RE)} THEN 'social' "
        f"WHEN {_full(ref, MESSENGER_RE)} THEN 'messenger' "
        f"WHEN {_full(ref, MARKETPLACE_RE)} THEN 'referral' "
        f"WHEN {_full(ref, SEARCH_RE)} THEN 'organic_search' "
        "ELSE 'referral' END)[1]"
    )
    whens = [
        (_in(given, _GROUPS), given),
        (_in(med, DISPLAY_MEDIUMS), "'display'"),
        (
            f"regexp_matches(lower(coalesce({url}, '')), {sql_literal(CLICK_ID_RE)})",
            "'paid_search'",
        ),
        (_in(med, AFFILIATE_MEDIUMS), "'referral'"),
        (
            f"{_full(med, PAID_MEDIUM_RE)} OR {_in(med, TARGET_MEDIUMS)}",
            f"CASE WHEN {paid_social} THEN 'paid_social' ELSE 'paid_search' END",
        ),
        (
            f"{_in(src, EMAIL_WORDS)} OR {_in(med, EMAIL_WORDS)} OR {_full(src, WEBMAIL_RE)}",
            "'email'",
        ),
        (
            f"{_in(src, SMS_WORDS)} OR {_in(med, SMS_WORDS)} OR {_full(med, PUSH_MEDIUM_RE)}",
            "'sms'",
        ),
        (f"{_full(src, MESSENGER_RE)} OR {_in(med, MESSENGER_MEDIUMS)}", "'messenger'"),
        (f"{_in(src, OFFLINE_WORDS)} OR {_in(med, OFFLINE_WORDS)}", "'offline'"),
        (f"{_full(src, SOCIAL_RE)} OR {_in(med, SOCIAL_MEDIUMS)}", "'social'"),
        (_full(src, MARKETPLACE_RE), "'referral'"),
        (f"{_full(src, SEARCH_RE)} OR {_in(med, ORGANIC_MEDIUMS)}", "'organic_search'"),
        (_in(med, REFERRAL_MEDIUMS), "'referral'"),
        (f"{_in(src, DIRECT_SOURCES)} AND {_in(med, EMPTY_MEDIUMS)}", "'direct'"),
        (f"{src} = '' AND {_in(med, EMPTY_MEDIUMS)}", by_referrer),
    ]
    body = " ".join(f"WHEN {cond} THEN {then}" for cond, then in whens)
    case = f"CASE {body} ELSE 'unassigned' END"
    if inputs:
        return case
    bound = channel_group_inputs_sql(columns=columns)
    return f"list_transform([{bound}], lambda _tp_x: {case})[1]"
