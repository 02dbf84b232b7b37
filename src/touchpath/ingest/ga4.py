"""Google Analytics 4 BigQuery export: one GA4 event per row (JSON Lines or Parquet).

The rows are those of the ``events_YYYYMMDD`` tables, exported from BigQuery as
newline-delimited JSON (``bq extract --destination_format NEWLINE_DELIMITED_JSON``) or
Parquet. How the staged columns are filled:

- ``customer_id``: ``user_id`` when set, else ``user_pseudo_id``;
- ``ts``: ``event_timestamp`` (µs since the epoch, UTC) as given;
- ``event_id``: ``ga4:`` + md5 of user_pseudo_id, user_id, event_timestamp, event_name,
  the ``ga_session_id`` parameter and the ``batch_*`` fields (stable across re-imports);
- ``url`` / ``referrer``: the ``page_location`` / ``page_referrer`` parameters;
- ``source`` / ``medium`` / ``campaign``, the first of: ``collected_traffic_source``
  (``manual_source``, ``manual_medium``, ``manual_campaign_name``; a ``gclid`` alone means
  google / cpc), the ``source`` / ``medium`` / ``campaign`` event parameters, the same taken
  from the first event of the session that has them (option ``session_sources``, default
  true), and last the user's first-touch ``traffic_source`` (``source``, ``medium``, ``name``);
- ``is_conversion``: the event name is ``purchase`` or ``in_app_purchase`` (option
  ``conversion_events``), or one of the mapping's ``conversion`` events;
- ``value`` / ``currency`` (conversions only): ``ecommerce.purchase_revenue``, else the
  ``value`` parameter, with the ``currency`` parameter; without a currency the dollar
  figures (``ecommerce.purchase_revenue_in_usd``, ``event_value_in_usd``) in USD;
- ``attributes``: session id, page title, transaction id, device category, country, city,
  platform, stream id, event date, gclid, and any event parameter or JSON path
  (``$.device.language``) listed in the mapping's ``attributes``.

>>> GA4Reader().format
'ga4'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from touchpath.ingest.files import JsonlReader, ParquetReader
from touchpath.ingest.readers import (
    ImportFileError,
    base_suffix,
    head_bytes,
    quote_ident,
    register_reader,
    sql_literal,
    staged_select,
)

if TYPE_CHECKING:
    import duckdb

    from touchpath.ingest.mapping import Mapping

__all__ = ["DEFAULT_CONVERSION_EVENTS", "GA4Reader"]

DEFAULT_CONVERSION_EVENTS = ("purchase", "in_app_purchase")

_PARAM_TYPE = json.dumps(
    [
        {
            "key": "VARCHAR",
            "value": {
                "string_value": "VARCHAR",
                "int_value": "VARCHAR",
                "float_value": "VARCHAR",
                "double_value": "VARCHAR",
            },
        }
    ]
)

# Top-level JSON paths read once per row, by name.
_PATHS: dict[str, str] = {
    "event_timestamp": "$.event_timestamp",
    "event_name": "$.event_name",
    "user_pseudo_id": "$.user_pseudo_id",
    "user_id": "$.user_id",
    "event_date": "$.event_date",
    "cts_source": "$.collected_traffic_source.manual_source",
    "cts_medium": "$.collected_traffic_source.manual_medium",
    "cts_campaign": "$.collected_traffic_source.manual_campaign_name",
    "gclid": "$.collected_traffic_source.gclid",
    "ts_source": "$.traffic_source.source",
    "ts_medium": "$.traffic_source.medium",
    "ts_campaign": "$.traffic_source.name",
    "revenue": "$.ecommerce.purchase_revenue",
    "revenue_usd": "$.ecommerce.purchase_revenue_in_usd",
    "transaction_id": "$.ecommerce.transaction_id",
    "value_usd": "$.event_value_in_usd",
    "device_category": "$.device.category",
    "country": "$.geo.country",
    "city": "$.geo.city",
    "platform": "$.platform",
    "stream_id": "$.stream_id",
    "batch_page_id": "$.batch_page_id",
    "batch_ordering_id": "$.batch_ordering_id",
    "batch_event_index": "$.batch_event_index",
}


_PLACEHOLDERS = ", ".join(
    sql_literal(p)
    for p in ("(not set)", "(direct)", "(none)", "(organic)", "(referral)", "(data deleted)")
)


def _nonempty(expr: str) -> str:
    return f"nullif({expr}, '')"


class GA4Reader:
    """GA4 BigQuery export rows (JSON Lines, ``.gz`` allowed, or Parquet)."""

    format = "ga4"

    def __init__(self) -> None:
        self._jsonl = JsonlReader()
        self._parquet = ParquetReader()

    # ----------------------------------------------------------------- sniffing

    @staticmethod
    def _is_parquet(path: Path) -> bool:
        return head_bytes(path, 4) == b"PAR1"

    def sniff(self, path: Path) -> bool:
        """A JSON object line with ``event_name`` and ``user_pseudo_id`` or ``event_params``;
        or a Parquet file with those columns."""
        if self._is_parquet(path):
            try:
                names = {name for name, _ in self._parquet.columns(path)}
            except ImportFileError:  # a sniff never fails the import
                return False
            return "event_name" in names and bool({"user_pseudo_id", "event_params"} & names)
        if base_suffix(path) == ".parquet":
            return False
        head = head_bytes(path, 65536).decode("utf-8-sig", errors="replace")
        first = next((line for line in head.splitlines() if line.strip()), "").lstrip()
        if not first.startswith("{"):
            return False
        return '"event_name"' in first and (
            '"user_pseudo_id"' in first or '"event_params"' in first
        )

    # ----------------------------------------------------------------- SQL

    def _rows_sql(self, path: Path) -> str:
        """(n, j): line (or row) number and the event as JSON text, objects only."""
        if self._is_parquet(path):
            names = [name for name, _ in self._parquet.columns(path)]
            struct = ", ".join(f"{quote_ident(n)} := {quote_ident(n)}" for n in names)
            return (
                "(SELECT file_row_number + 1 AS n, "
                f"CAST(to_json(struct_pack({struct})) AS VARCHAR) AS j "
                f"FROM read_parquet({sql_literal(str(path))}, file_row_number=true))"
            )
        return (
            f"(SELECT n, j FROM {self._jsonl.source_sql(path)} "
            "WHERE json_type(try_cast(j AS JSON)) = 'OBJECT')"
        )

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        options: dict[str, Any] = dict(mapping.options)
        conversions = [str(e).lower() for e in options.get("conversion_events", ())] or list(
            DEFAULT_CONVERSION_EVENTS
        )
        if mapping.conversion is not None and mapping.conversion.events:
            conversions += [e.lower() for e in mapping.conversion.events]
        session_sources = bool(options.get("session_sources", True))

        paths = "[" + ", ".join(sql_literal(p) for p in _PATHS.values()) + "]"
        index = {name: i for i, name in enumerate(_PATHS, start=1)}

        def v(name: str) -> str:
            return f"v[{index[name]}]"

        def param(key: str) -> str:
            return f"list_filter(pv, lambda x: x.k = {sql_literal(key)})[1].v"

        extracted = (
            f"SELECT n, j, json_extract_string(j, {paths}) AS v, "
            f"list_transform(from_json(json_extract(j, '$.event_params'), "
            f"{sql_literal(_PARAM_TYPE)}), lambda x: {{'k': x.key, 'v': coalesce("
            "x.value.string_value, x.value.int_value, x.value.double_value, "
            "x.value.float_value)}) AS pv "
            f"FROM {self._rows_sql(path)}"
        )
        has_cts = f"coalesce({_nonempty(v('cts_source'))}, {_nonempty(v('cts_medium'))})"
        has_par = f"coalesce({_nonempty(param('source'))}, {_nonempty(param('medium'))})"
        gclid = _nonempty(v("gclid"))
        event_level = f"""
            SELECT *,
              {has_cts} IS NOT NULL OR {gclid} IS NOT NULL OR {has_par} IS NOT NULL AS has_ev,
              CASE WHEN {has_cts} IS NOT NULL THEN {{'s': {v("cts_source")},
                     'm': {v("cts_medium")}, 'c': {v("cts_campaign")}}}
                   WHEN {gclid} IS NOT NULL THEN {{'s': 'google', 'm': 'cpc',
                     'c': coalesce({v("cts_campaign")}, {param("campaign")})}}
                   WHEN {has_par} IS NOT NULL THEN {{'s': {param("source")},
                     'm': {param("medium")}, 'c': {param("campaign")}}}
              END AS ev,
              {param("ga_session_id")} AS session_id,
              TRY_CAST({v("event_timestamp")} AS BIGINT) AS ts_us
            FROM ({extracted})
        """
        if session_sources:
            key = f"coalesce({v('user_pseudo_id')}, {v('user_id')}) || '/' || session_id"
            session = (
                f"CASE WHEN session_id IS NOT NULL AND NOT has_ev THEN "
                f"min_by(ev, ts_us) FILTER (WHERE has_ev) OVER (PARTITION BY {key}) END"
            )
        else:
            session = "NULL"
        with_session = f"SELECT *, {session} AS ses FROM ({event_level}) ORDER BY n"

        def traffic(field: str, fallback: str) -> str:
            expr = (
                f"CASE WHEN has_ev THEN ev.{field} WHEN ses IS NOT NULL THEN ses.{field} "
                f"ELSE {v(fallback)} END"
            )
            if field == "c":  # GA4's placeholders are no campaign names
                return f"CASE WHEN lower({expr}) IN ({_PLACEHOLDERS}) THEN NULL ELSE {expr} END"
            return expr

        names = ", ".join(sql_literal(e) for e in dict.fromkeys(conversions))
        is_conv = f"coalesce(lower({v('event_name')}) IN ({names}), false)"
        currency = _nonempty(param("currency"))
        revenue = f"coalesce({_nonempty(v('revenue'))}, {_nonempty(param('value'))})"
        usd = f"coalesce({_nonempty(v('revenue_usd'))}, {_nonempty(v('value_usd'))})"
        value = (
            f"CASE WHEN NOT {is_conv} THEN NULL WHEN {currency} IS NOT NULL THEN {revenue} "
            f"WHEN {usd} IS NOT NULL THEN {usd} ELSE {revenue} END"
        )
        currency_sql = (
            f"CASE WHEN NOT {is_conv} THEN NULL WHEN {currency} IS NOT NULL THEN upper({currency}) "
            f"WHEN {usd} IS NOT NULL THEN 'USD' END"
        )
        id_parts = ", ".join(
            f"coalesce({expr}, '')"
            for expr in (
                v("user_pseudo_id"),
                v("user_id"),
                v("event_timestamp"),
                v("event_name"),
                "session_id",
                v("batch_page_id"),
                v("batch_ordering_id"),
                v("batch_event_index"),
            )
        )
        event_id = (
            f"CASE WHEN {v('event_timestamp')} IS NOT NULL THEN "
            f"'ga4:' || md5(concat_ws(chr(31), {id_parts})) END"
        )
        attrs: list[tuple[str, str]] = [
            ("ga_session_id", "session_id"),
            ("page_title", param("page_title")),
            ("transaction_id", f"coalesce({v('transaction_id')}, {param('transaction_id')})"),
            ("device_category", v("device_category")),
            ("country", v("country")),
            ("city", v("city")),
            ("platform", v("platform")),
            ("stream_id", v("stream_id")),
            ("event_date", v("event_date")),
            ("gclid", v("gclid")),
        ]
        for extra in mapping.attributes or ():
            if extra.startswith("$"):
                attrs.append((extra, f"json_extract_string(j, {sql_literal(extra)})"))
            else:
                attrs.append((extra, param(extra)))
        pairs = ", ".join(f"{sql_literal(k)}, {expr}" for k, expr in attrs)
        attributes = (
            f"nullif(CAST(json_merge_patch('{{}}', json_object({pairs})) AS VARCHAR), '{{}}')"
        )
        columns = {
            "event_id": event_id,
            "customer_id": f"coalesce({_nonempty(v('user_id'))}, {v('user_pseudo_id')})",
            "ts": v("event_timestamp"),
            "event_name": v("event_name"),
            "campaign": traffic("c", "ts_campaign"),
            "source": traffic("s", "ts_source"),
            "medium": traffic("m", "ts_medium"),
            "referrer": param("page_referrer"),
            "url": param("page_location"),
            "is_conversion": f"CASE WHEN {is_conv} THEN 'true' END",
            "value": value,
            "currency": currency_sql,
        }
        return staged_select(f"({with_session})", columns, line="n", raw="j", attributes=attributes)

    # ----------------------------------------------------------------- hooks

    def rejects_sql(self, path: Path, mapping: Mapping) -> str:
        """Lines that are not JSON objects (JSON Lines only): line, field, reason, raw."""
        if self._is_parquet(path):
            return (
                "SELECT NULL::BIGINT AS line, NULL::VARCHAR AS field, "
                "NULL::VARCHAR AS reason, NULL::VARCHAR AS raw WHERE false"
            )
        return self._jsonl.rejects_sql(path, mapping)

    def resolve_lines(
        self, con: duckdb.DuckDBPyConnection, path: Path, table: str, rows: int
    ) -> None:
        """Line numbers past lines DuckDB rejected (JSON Lines only)."""
        if not self._is_parquet(path):
            self._jsonl.resolve_lines(con, path, table, rows)


register_reader(GA4Reader())
