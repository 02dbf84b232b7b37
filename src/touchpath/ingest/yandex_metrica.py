"""Yandex Metrica Logs API, visits (``source=visits``): one touch per visit.

The Logs API returns TSV (ClickHouse ``TabSeparated``: no quotes) whose header names the
fields, ``ym:s:visitID``, ``ym:s:clientID`` ... Traffic fields may carry an attribution
model (``ym:s:lastTrafficSource``, ``ym:s:lastsignUTMSource``); the reader takes the model
in the ``attribution`` option (default ``last``), else the plain name, else any model.
How the staged columns are filled:

- ``event_id``: ``ym:s:visitID``; ``customer_id``: ``ym:s:clientID``;
- ``ts``: ``ym:s:dateTime``, the counter's local time, read in the mapping's ``timezone``
  when set, else Europe/Moscow (without it: ``ym:s:dateTimeUTC``, which Metrica gives in
  UTC+3; last ``ym:s:date``);
- ``event_name``: ``visit`` (option ``event_name``);
- ``source`` / ``medium`` / ``campaign``: ``UTMSource`` / ``UTMMedium`` / ``UTMCampaign``;
  without UTM tags the source is the search engine, ad system, social network or
  referring site Metrica found, and the medium follows ``TrafficSource`` the way GA4 names
  them (organic, cpc, referral, social, email, messenger, qr, (none));
- ``channel``: without UTM tags, ``TrafficSource`` as a channel group (see
  :data:`TRAFFIC_SOURCE_GROUPS`; ad traffic from VK, myTarget, Facebook ... is paid
  social); with UTM tags the default grouping decides;
- ``url`` / ``referrer``: ``ym:s:startURL`` / ``ym:s:referer``;
- ``is_conversion``: ``ym:s:goalsID`` (``[123,456]``) holds one of the mapping's
  ``conversion_goals``; when none are configured, any goal or purchase counts;
- ``value`` / ``currency``: the sum of ``ym:s:purchaseRevenue`` with the first
  ``ym:s:purchaseCurrency``, else the mapping's ``currency``, else RUB;
- ``attributes``: every other column, named without the ``ym:s:`` prefix.

>>> TRAFFIC_SOURCE_GROUPS["qrcode"]
'offline'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from touchpath.ingest.files import CsvReader, streamable
from touchpath.ingest.readers import (
    POSITION_COLUMN,
    REJECTS_OPTIONS,
    STREAM_RELATION,
    ImportFileError,
    head_bytes,
    quote_ident,
    register_reader,
    sql_literal,
    staged_select,
)

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from touchpath.ingest.mapping import Mapping

__all__ = [
    "DEFAULT_TIMEZONE",
    "TRAFFIC_SOURCE_GROUPS",
    "TRAFFIC_SOURCE_MEDIUMS",
    "YandexMetricaReader",
    "local_time_sql",
    "vendor_timezone",
]

PREFIX = "ym:s:"
DEFAULT_TIMEZONE = "Europe/Moscow"
ATTRIBUTIONS = (
    "last",
    "lastsign",
    "first",
    "last_yandex_direct_click",
    "cross_device_last",
    "cross_device_last_significant",
    "cross_device_first",
    "cross_device_last_yandex_direct_click",
    "automatic",
)

TRAFFIC_SOURCE_GROUPS: dict[str, str] = {
    "organic": "organic_search",
    "ad": "paid_search",
    "direct": "direct",
    "internal": "direct",
    "saved": "direct",
    "referral": "referral",
    "email": "email",
    "social": "social",
    "messenger": "messenger",
    "qrcode": "offline",
    "recommend": "social",
}
"""Metrica's ``TrafficSource`` → channel group (``undefined`` is left to the grouping)."""

TRAFFIC_SOURCE_MEDIUMS: dict[str, str] = {
    "organic": "organic",
    "ad": "cpc",
    "direct": "(none)",
    "internal": "(none)",
    "saved": "(none)",
    "referral": "referral",
    "email": "email",
    "social": "social",
    "messenger": "messenger",
    "qrcode": "qr",
    "recommend": "recommend",
}
"""Metrica's ``TrafficSource`` → the medium GA4 would report for it."""

SOCIAL_AD_ENGINES = (
    r"vk|mytarget|my_target|target|facebook|instagram|tiktok|telegram|ok_ru|odnoklassniki"
)

_TS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def vendor_timezone(mapping: Mapping, default: str = DEFAULT_TIMEZONE) -> str:
    """The mapping's ``timezone`` when the user set it, else ``default``."""
    return mapping.timezone if "timezone" in mapping.model_fields_set else default


def local_time_sql(expr: str, timezone: str, formats: Sequence[str] = _TS_FORMATS) -> str:
    """SQL: local time text ``expr`` in ``timezone`` → ISO 8601 UTC text (``...Z``).

    Text in none of the ``formats`` is passed on unchanged, so the pipeline reads it
    (ISO with an offset) or quarantines it with its own message.

    >>> import duckdb
    >>> duckdb.sql("SELECT " + local_time_sql("'2024-03-25 10:00:00'", "Europe/Moscow")).fetchall()
    [('2024-03-25T07:00:00.000000Z',)]
    """
    fmts = "[" + ", ".join(sql_literal(f) for f in formats) + "]"
    parsed = f"try_strptime(trim({expr}), {fmts})"
    utc = f"timezone({sql_literal(timezone)}, {parsed}) AT TIME ZONE 'UTC'"
    return f"coalesce(strftime({utc}, '%Y-%m-%dT%H:%M:%S.%fZ'), {expr})"


def array_items_sql(expr: str) -> str:
    """SQL: a Logs API array (``[1,2]``, ``['RUB','USD']``) → list of non-empty texts."""
    items = f"string_split(trim(coalesce({expr}, ''), '[] '), ',')"
    return f"list_filter(list_transform({items}, lambda x: trim(x, ' ''\"')), lambda x: x <> '')"


def _header(path: Path) -> list[str]:
    head = head_bytes(path, 65536).decode("utf-8-sig", errors="replace")
    lines = head.splitlines()
    return [name.strip() for name in lines[0].split("\t")] if lines else []


class YandexMetricaReader:
    """Yandex Metrica Logs API visits, TSV with ``ym:s:`` headers (``.gz`` allowed)."""

    format = "yandex_metrica"

    def __init__(self) -> None:
        self._csv = CsvReader()

    def sniff(self, path: Path) -> bool:
        """The header is tab-separated ``ym:s:`` field names."""
        names = _header(path)
        return len(names) >= 2 and all(name.startswith(PREFIX) for name in names)

    @staticmethod
    def find(names: Sequence[str], base: str, attribution: str = "last") -> str | None:
        """The header name of field ``base`` (``TrafficSource``), any attribution model."""
        lower = {name.lower(): name for name in names}
        order = [attribution, "", *ATTRIBUTIONS]
        for model in order:
            found = lower.get((PREFIX + model + base).lower())
            if found is not None:
                return found
        return None

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        names, columns, attributes = self._staged_columns(path, mapping)
        raw = (
            "concat_ws(chr(9), " + ", ".join(f"coalesce({quote_ident(n)}, '')" for n in names) + ")"
        )
        types = ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names)
        source_sql = (
            f"(SELECT row_number() OVER () + 1 AS _line, * FROM read_csv("
            f"{sql_literal(str(path))}, auto_detect=false, header=true, "
            f"delim={sql_literal(chr(9))}, "
            f"quote='', escape='', columns={{{types}}}, compression='auto', {REJECTS_OPTIONS}))"
        )
        return staged_select(source_sql, columns, line="_line", raw=raw, attributes=attributes)

    def stream_staging_sql(self, path: Path, mapping: Mapping) -> str | None:
        """The staged relation over :meth:`open_stream` (see readers); None for a
        compressed file."""
        if not streamable(path):
            return None
        _, columns, attributes = self._staged_columns(path, mapping)
        return staged_select(
            f"{STREAM_RELATION} AS src",
            columns,
            line=POSITION_COLUMN,
            raw="NULL",
            attributes=attributes,
        )

    def open_stream(self, path: Path, mapping: Mapping) -> pa.RecordBatchReader:
        """The rows in file order, numbered, read by pyarrow as the CSV reader does
        (TabSeparated has no quotes, so no file falls back for using them)."""
        tsv = mapping.model_copy(update={"delimiter": "\t", "quote": "", "header": True})
        return self._csv.open_stream(path, tsv, dialect=("\t", _header(path)))

    def _staged_columns(
        self, path: Path, mapping: Mapping
    ) -> tuple[list[str], dict[str, str], str | None]:
        """The header names, the staged columns' SQL over them, and the attributes' SQL."""
        names = _header(path)
        if not names or not all(name.startswith(PREFIX) for name in names):
            raise ImportFileError(
                f"{path}: not a Yandex Metrica Logs API visits export (a tab-separated "
                f"header of ym:s: fields)"
            )
        options = mapping.options
        attribution = str(options.get("attribution", "last"))
        used: set[str] = set()

        def col(base: str, *, traffic: bool = False) -> str | None:
            name = self.find(names, base, attribution) if traffic else self.find(names, base, "")
            if name is not None:
                used.add(name)
            return name

        def ref(name: str | None) -> str:
            return f"nullif(trim({quote_ident(name)}), '')" if name else "NULL"

        visit, client = col("visitID"), col("clientID")
        if client is None and "customer_id" not in mapping.columns:
            raise ImportFileError(
                f"{path}: no ym:s:clientID column; add it to the Logs API request "
                f"(its columns are: {', '.join(names)})"
            )
        date_time, date_time_utc, date = col("dateTime"), col("dateTimeUTC"), col("date")
        tz = vendor_timezone(mapping)
        if date_time:
            ts = local_time_sql(ref(date_time), tz)
        elif date_time_utc:
            ts = local_time_sql(ref(date_time_utc), "Etc/GMT-3")  # Metrica: "UTC+3"
        elif date:
            ts = local_time_sql(ref(date), tz)
        else:
            raise ImportFileError(f"{path}: no ym:s:dateTime column; add it to the request")

        utm_source, utm_medium = (
            ref(col("UTMSource", traffic=True)),
            ref(col("UTMMedium", traffic=True)),
        )
        utm_campaign = ref(col("UTMCampaign", traffic=True))
        traffic = f"lower({ref(col('TrafficSource', traffic=True))})"
        adv = ref(col("AdvEngine", traffic=True))
        engines = [
            ref(col("SearchEngineRoot", traffic=True)),
            ref(col("SearchEngine", traffic=True)),
            adv,
            ref(col("SocialNetwork", traffic=True)),
            ref(col("ReferalSource", traffic=True)),
        ]
        referer, start_url = ref(col("referer")), ref(col("startURL"))
        no_utm = f"coalesce({utm_source}, {utm_medium}) IS NULL"
        groups = " ".join(
            f"WHEN {sql_literal(k)} THEN {sql_literal(g)}" for k, g in TRAFFIC_SOURCE_GROUPS.items()
        )
        ad_group = (
            f"CASE WHEN regexp_matches(lower(coalesce({adv}, '')), "
            f"{sql_literal(SOCIAL_AD_ENGINES)}) THEN 'paid_social' ELSE 'paid_search' END"
        )
        channel = (
            f"CASE WHEN {no_utm} THEN CASE WHEN {traffic} = 'ad' THEN {ad_group} "
            f"ELSE CASE {traffic} {groups} END END END"
        )
        mediums = " ".join(
            f"WHEN {sql_literal(k)} THEN {sql_literal(m)}"
            for k, m in TRAFFIC_SOURCE_MEDIUMS.items()
        )
        host = (
            f"regexp_extract(lower(coalesce({referer}, '')), '^[a-z]+://(?:www\\.)?([^/?#:]+)', 1)"
        )
        found_source = (
            f"CASE WHEN {traffic} IN ('direct', 'internal', 'saved') THEN '(direct)' "
            f"ELSE coalesce({', '.join(engines)}, nullif({host}, '')) END"
        )
        source = f"CASE WHEN {no_utm} THEN {found_source} ELSE {utm_source} END"
        medium = f"CASE WHEN {no_utm} THEN CASE {traffic} {mediums} END ELSE {utm_medium} END"

        goals = array_items_sql(ref(col("goalsID")))
        purchases = array_items_sql(ref(col("purchaseID")))
        wanted = [str(goal) for goal in mapping.conversion_goals]
        if wanted:
            listed = "[" + ", ".join(sql_literal(g) for g in wanted) + "]"
            converted = f"list_has_any({goals}, {listed})"
        else:
            converted = f"(len({goals}) > 0 OR len({purchases}) > 0)"
        revenue_text = ref(col("purchaseRevenue"))
        revenues = array_items_sql(revenue_text)
        # a revenue that is not a number goes on as text, so the pipeline quarantines it
        value = (
            f"CASE WHEN len({revenues}) = 0 THEN NULL "
            f"WHEN len(list_filter({revenues}, lambda x: TRY_CAST(x AS DOUBLE) IS NULL)) > 0 "
            f"THEN {revenue_text} ELSE CAST(list_sum(list_transform({revenues}, "
            "lambda x: TRY_CAST(x AS DOUBLE))) AS VARCHAR) END"
        )
        currencies = array_items_sql(ref(col("purchaseCurrency")))
        default_currency = sql_literal(mapping.currency or "RUB")
        currency = (
            f"CASE WHEN len({revenues}) > 0 THEN coalesce({currencies}[1], {default_currency}) END"
        )

        columns: dict[str, str] = {
            "event_id": ref(visit),
            "customer_id": ref(client),
            "ts": ts,
            "event_name": sql_literal(str(options.get("event_name", "visit"))),
            "channel": channel,
            "campaign": f"CASE WHEN {no_utm} THEN NULL ELSE {utm_campaign} END",
            "source": source,
            "medium": medium,
            "referrer": referer,
            "url": start_url,
            "is_conversion": f"CASE WHEN {converted} THEN 'true' ELSE 'false' END",
            "value": value,
            "currency": currency,
        }
        for field, name in mapping.columns.items():  # explicit mapping wins
            if name not in names:
                raise ImportFileError(
                    f"{path}: the mapping reads {field} from column {name!r}, which the "
                    f"file does not have"
                )
            used.add(name)
            columns[field] = ref(name)
        rest = [n for n in names if n not in used]
        pairs = ", ".join(f"{sql_literal(n[len(PREFIX) :])}, {ref(n)}" for n in rest)
        attributes = (
            f"nullif(CAST(json_merge_patch('{{}}', json_object({pairs})) AS VARCHAR), '{{}}')"
            if rest
            else None
        )
        return names, columns, attributes

    def resolve_lines(
        self, con: duckdb.DuckDBPyConnection, path: Path, table: str, rows: int
    ) -> None:
        """Real line numbers for the quarantined rows (blank and rejected lines counted)."""
        self._csv.resolve_lines(con, path, table, rows)


register_reader(YandexMetricaReader())
