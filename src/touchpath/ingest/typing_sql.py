"""The SQL that types and checks staged rows, and the dimension tables (channel groups,
rule touchpoints) evaluated once per distinct key.

Every staged row becomes one row of ``_tp_rows`` columns: typed values, a derived or given
``event_id`` and, for a row that fails a check, its error code ``err`` (see
:data:`ERRORS`) and the failing text ``bad``.
"""

from __future__ import annotations

from collections import abc
from typing import Any

import duckdb

from touchpath.ingest.mapping import Mapping
from touchpath.ingest.readers import sql_literal
from touchpath.model.catalogue import Catalogue

ROWS = "_tp_rows"
"""The temporary table of typed rows (materialised path, and bad rows of the streaming one)."""

TRUE_WORDS = ("1", "true", "t", "yes", "y", "on", "да", "истина")
FALSE_WORDS = ("0", "false", "f", "no", "n", "off", "нет", "ложь")

# err code → (field, reason as SQL over the failing text `bad`)
ERRORS: dict[int, tuple[str, str]] = {
    1: ("customer_id", "'missing customer_id'"),
    2: ("customer_id", "'customer_id is longer than 200 characters or starts with NUL'"),
    3: ("event_id", "'event_id is longer than 200 characters or starts with NUL'"),
    4: ("ts", "'missing timestamp'"),
    5: ("ts", "'cannot read timestamp ' || bad || {ts_hint}"),
    6: ("value", "'value ' || bad || ' is not a number'"),
    7: ("is_conversion", "'is_conversion ' || bad || ' is not true/false (1/0, yes/no)'"),
    8: ("currency", "'currency ' || bad || ' is not a 3-letter code such as EUR'"),
    9: (
        "currency",
        "'value ' || bad || ' has no currency; add a currency column or currency: to the mapping'",
    ),
    10: ("touchpoint", "'unknown touchpoint ' || bad || ': not in the catalogue'"),
}


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The first value of the first row of ``sql`` (None when there is no row).

    Fetches every row: a result left unfinished keeps the connection busy (DuckDB 2.0
    then refuses ``register``).
    """
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def _trimmed(col: str) -> str:
    """``col`` without surrounding spaces, NULL when empty.

    Ids seldom hold a space at all, so only those that do (or are empty) go through
    ``trim``: ``trim`` on every row costs as much as the cast after it, and testing
    both ends (``LIKE ' %' OR LIKE '% '``) costs twice one ``contains`` (10M ids:
    0.07 s against 0.15 s).
    """
    spaced = f"strlen({col}) = 0 OR contains({col}, ' ')"
    return f"CASE WHEN {spaced} THEN nullif(trim({col}), '') ELSE {col} END"


def _ts_sql(text: str, mapping: Mapping) -> str:
    """TIMESTAMPTZ from text: custom format, ISO 8601, or epoch s/ms/µs/ns; else NULL.

    Naive times are read in the session time zone, which the import sets to the
    mapping's ``timezone``. The ISO cast ignores surrounding spaces itself; the other
    forms (tried only where it fails) get a trimmed value.
    """
    col = f"trim({text})"
    tries = []
    fmt = mapping.timestamp_format
    if fmt:
        parsed = f"try_strptime({col}, {sql_literal(fmt)})"
        tries.append(parsed if ("%z" in fmt or "%Z" in fmt) else f"CAST({parsed} AS TIMESTAMPTZ)")
    tries.append(f"TRY_CAST({text} AS TIMESTAMPTZ)")
    digits = f"length(ltrim({col}, '-'))"
    epoch = (
        f"CASE WHEN regexp_full_match({col}, '-?[0-9]{{9,19}}') THEN timezone('UTC', "
        f"make_timestamp(CASE WHEN {digits} <= 11 THEN CAST({col} AS BIGINT) * 1000000 "
        f"WHEN {digits} <= 14 THEN CAST({col} AS BIGINT) * 1000 "
        f"WHEN {digits} <= 17 THEN CAST({col} AS BIGINT) "
        f"ELSE CAST({col} AS BIGINT) // 1000 END)) "
        f"WHEN regexp_full_match({col}, '-?[0-9]{{9,11}}\\.[0-9]+') "
        f"THEN to_timestamp(CAST({col} AS DOUBLE)) END"
    )
    tries.append(epoch)
    return "coalesce(" + ", ".join(tries) + ")"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(sql_literal(w) for w in words)


def typed_sql(
    staged: str,
    mapping: Mapping,
    catalogue: Catalogue | None,
    types: dict[str, str] | None = None,
) -> str:
    """The SELECT that types and checks every staged row (the columns of ``_tp_rows``).

    The staged text of the columns channel grouping and touchpoint rules read is kept as
    it is; those expressions run later once per distinct combination (see
    :func:`dimension_table`). ``raw`` is not read here, so DuckDB never builds it for
    good rows.
    """
    known = {tp.id for tp in catalogue.touchpoints} if catalogue is not None else None
    types = types or {}
    conv_in = "s.is_conversion"
    if types.get("is_conversion") == "BOOLEAN":
        conv_in = "NULL::VARCHAR"
        conversion = "coalesce(s.is_conversion, false)"
    else:
        conv_words = "lower(trim(s.is_conversion))"
        conversion = (
            f"CASE WHEN s.is_conversion IS NULL OR trim(s.is_conversion) = '' THEN false "
            f"WHEN {conv_words} IN ({_words(TRUE_WORDS)}) THEN true "
            f"WHEN {conv_words} IN ({_words(FALSE_WORDS)}) THEN false END"
        )
    if mapping.conversion is not None and mapping.conversion.events:
        names = ", ".join(sql_literal(n.lower()) for n in mapping.conversion.events)
        conversion = f"(coalesce(lower(s.event_name) IN ({names}), false) OR {conversion})"
    value_text = "s.value"
    if types.get("value", "VARCHAR") != "VARCHAR":
        # numbers need no parsing; only a NaN/infinity needs its text (for the reason)
        value = "CAST(s.value AS DOUBLE)"
        value_text = f"CASE WHEN NOT isfinite({value}) THEN CAST(s.value AS VARCHAR) END"
    else:
        value_in = "trim(s.value)"
        value = (
            f"coalesce(TRY_CAST(s.value AS DOUBLE), CASE WHEN regexp_full_match({value_in}, "
            f"'-?[0-9 ]+,[0-9]+') THEN TRY_CAST(replace(replace({value_in}, ' ', ''), ',', '.') "
            "AS DOUBLE) END)"
        )
    ts_text = "s.ts"
    ts = _ts_sql("nullif(s.ts, '')", mapping)
    if types.get("ts", "VARCHAR") != "VARCHAR":
        # naive TIMESTAMP/DATE values are read in the session (mapping) time zone, as text is
        ts_text, ts = "NULL::VARCHAR", "CAST(s.ts AS TIMESTAMPTZ)"
    default_currency = sql_literal(mapping.currency) if mapping.currency else "NULL"
    currency = f"upper(coalesce({_trimmed('s.currency')}, {default_currency}))"
    # url and referrer have no column in `events`: they join the attributes object.
    extra = (
        "concat_ws(',', CASE WHEN s.url IS NOT NULL THEN '\"url\":' || to_json(s.url) END, "
        "CASE WHEN s.referrer IS NOT NULL THEN '\"referrer\":' || to_json(s.referrer) END, "
        "nullif(substr(s.attributes, 2, length(s.attributes) - 2), ''))"
    )
    attributes = (
        "CASE WHEN s.url IS NULL AND s.referrer IS NULL THEN s.attributes "
        "WHEN s.attributes IS NULL AND s.referrer IS NULL "
        # the text json_object gives; one concat() copies the text once, where each ||
        # copies it again (10M rows: 0.26 s, not 0.36 s)
        "THEN concat('{\"url\":', to_json(s.url), '}') "
        f"ELSE concat('{{', {extra}, '}}') END"
    )
    typed = f"""
        SELECT s.line, {ts_text} AS ts_in, {value_text} AS value_in, {conv_in} AS conv_in,
               {_trimmed("s.event_id")} AS given_id,
               {_trimmed("s.customer_id")} AS customer_id,
               {ts} AS ts,
               s.event_name, s.touchpoint, s.channel, s.campaign, s.source, s.medium,
               s.referrer, s.url,
               {conversion} AS is_conversion,
               {value} AS value,
               {currency} AS currency,
               {attributes} AS attributes
        FROM ({staged}) s
    """
    checks: list[tuple[int, str]] = [
        (1, "t.customer_id IS NULL"),
        (2, "strlen(t.customer_id) > 200 AND length(t.customer_id) > 200"),
        (2, "t.customer_id < chr(1)"),
        (3, "strlen(t.given_id) > 200 AND length(t.given_id) > 200"),
        (3, "t.given_id < chr(1)"),
        (4, "t.ts IS NULL AND nullif(trim(t.ts_in), '') IS NULL"),
        (5, "t.ts IS NULL"),
        (6, "t.value IS NULL AND nullif(trim(t.value_in), '') IS NOT NULL"),
        (6, "NOT isfinite(t.value)"),
        (7, "t.is_conversion IS NULL"),
        (8, "t.currency IS NOT NULL AND NOT regexp_full_match(t.currency, '[A-Z]{3}')"),
        (9, "t.currency IS NULL AND t.value <> 0"),
    ]
    if known is not None:
        ids = ", ".join(sql_literal(k) for k in sorted(known)) or "NULL"
        checks.append(
            (
                10,
                f"nullif(trim(t.touchpoint), '') IS NOT NULL AND trim(t.touchpoint) NOT IN ({ids})",
            )
        )
    err = "CASE " + " ".join(f"WHEN {cond} THEN {code}" for code, cond in checks) + " END"
    bad = """CASE e.err
            WHEN 5 THEN e.ts_in WHEN 6 THEN e.value_in WHEN 7 THEN e.conv_in
            WHEN 8 THEN e.currency WHEN 9 THEN CAST(e.value AS VARCHAR)
            WHEN 10 THEN e.touchpoint END"""
    hashed = (
        "md5(concat_ws(chr(31), e.customer_id, CAST(epoch_us(e.ts) AS VARCHAR), "
        "coalesce(e.event_name, ''), coalesce(e.touchpoint, ''), coalesce(e.url, ''), "
        "coalesce(CAST(e.value AS VARCHAR), '')))"
    )
    return f"""
        SELECT e.line, coalesce(e.given_id, {hashed}) AS event_id,
               e.given_id IS NULL AS derived, false AS dup,
               e.customer_id, e.ts, e.event_name, e.touchpoint, e.channel, e.campaign,
               e.source, e.medium, e.referrer, e.url,
               coalesce(e.is_conversion, false) AS is_conversion,
               e.value, e.currency, e.attributes, e.err,
               CASE WHEN e.err IS NOT NULL THEN left({bad}, 200) END AS bad
        FROM (SELECT t.*, {err} AS err FROM ({typed}) t) e
    """


STAGED_TEXT = (
    "event_name",
    "touchpoint",
    "channel",
    "campaign",
    "source",
    "medium",
    "referrer",
    "url",
)


def _referenced(expr: str) -> list[str]:
    """The staged text columns a rules/channel expression reads (they quote their names)."""
    return [name for name in STAGED_TEXT if f'"{name}"' in expr]


def dimension_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    expr: str,
    origin: str,
    narrowed: abc.Mapping[str, str] | None = None,
) -> list[str]:
    """Evaluate ``expr`` once per distinct combination of the columns it reads.

    Channel grouping and touchpoint rules are long chains of regular expressions; real
    files repeat a few thousand (source, medium, url ...) combinations millions of times.
    ``narrowed`` gives, for a key column, the SQL (over ``origin``) of the part of it
    that ``expr`` reads (see :func:`~touchpath.ingest.channels.channel_url_key_sql`).
    Returns the key columns (empty when ``expr`` reads none: it is then a constant).
    """
    keys = _referenced(expr)
    narrowed = narrowed or {}
    con.execute(f"DROP TABLE IF EXISTS {table}")
    if keys:
        cols = ", ".join(f"{narrowed.get(k, k)} AS {k}" for k in keys)
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT *, true AS {_HIT}, {expr} AS result "
            f"FROM (SELECT DISTINCT {cols} FROM {origin})"
        )
    return keys


_HIT = "_tp_hit"


def dimension_join(
    alias: str,
    table: str,
    keys: list[str],
    inline: str,
    narrowed: abc.Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """(JOIN clause, value) for a dimension table over the rows aliased ``r``.

    ``narrowed`` gives the key SQL over ``r`` for the columns narrowed in the table. A
    key the table lacks gets ``inline``, the expression evaluated in place. (DuckDB
    hashes and compares the keys itself: faster than joining on our own hash of them
    and comparing them again.)
    """
    narrowed = narrowed or {}
    same = " AND ".join(
        f"{narrowed.get(k, 'r.' + k)} IS NOT DISTINCT FROM {alias}.{k}" for k in keys
    )
    join = f"LEFT JOIN {table} {alias} ON {same}"
    return join, f"CASE WHEN {alias}.{_HIT} THEN {alias}.result ELSE {inline} END"
