"""Vendor readers (GA4, Yandex Metrica, Bitrix24): sniffing, the staged relation checked
against values computed here from the sample files with Python's json/csv modules, and
end-to-end imports into a DuckDB events store."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

from touchpath.engines import DuckDBEngine
from touchpath.ingest import READERS, STAGED_COLUMNS, detect_format, import_events
from touchpath.ingest.bitrix24 import BitrixReader, amount_sql, currency_sql, decode_head
from touchpath.ingest.ga4 import GA4Reader
from touchpath.ingest.mapping import Mapping, parse_mapping
from touchpath.ingest.readers import ImportFileError
from touchpath.ingest.yandex_metrica import YandexMetricaReader

DATA = Path(__file__).parent / "vendor_data"
GA4_FILE = DATA / "ga4_events.jsonl"
METRICA_FILE = DATA / "metrica_visits.tsv"
DEALS_FILE = DATA / "bitrix24_deals.csv"
LEADS_FILE = DATA / "bitrix24_leads_en.csv"
MOSCOW = ZoneInfo("Europe/Moscow")

Row = dict[str, Any]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def staged(
    con: duckdb.DuckDBPyConnection, fmt: str, path: Path, mapping: Mapping | None = None
) -> list[Row]:
    """The reader's staged relation as dicts, after its ``prepare`` hook if any."""
    reader = READERS[fmt]
    prepare = getattr(reader, "prepare", None)
    source = prepare(path) if prepare is not None else path
    rel = con.sql(reader.staging_sql(source, mapping or Mapping()))
    assert tuple(rel.columns) == STAGED_COLUMNS
    assert set(rel.types) >= {"BIGINT", "VARCHAR"}
    assert [str(t) for t in rel.types] == ["BIGINT"] + ["VARCHAR"] * (len(STAGED_COLUMNS) - 1)
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def utc_text(local: str, fmt: str, zone: ZoneInfo = MOSCOW) -> str:
    moment = datetime.strptime(local, fmt).replace(tzinfo=zone).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------- sniffing

FILES = {"ga4": GA4_FILE, "yandex_metrica": METRICA_FILE, "bitrix24": DEALS_FILE}


@pytest.fixture(scope="module")
def other_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generic files a vendor reader must not claim."""
    tmp = tmp_path_factory.mktemp("generic")
    plain_csv = tmp / "events.csv"
    plain_csv.write_text("id;customer_id;ts;source\n1;c1;2024-03-25T10:00:00Z;vk\n")
    plain_jsonl = tmp / "events.jsonl"
    plain_jsonl.write_text('{"customer_id": "c1", "ts": "2024-03-25T10:00:00Z"}\n')
    tsv = tmp / "events.tsv"
    tsv.write_text("ym:s:visitID\tclient\n1\t2\n")
    parquet = tmp / "events.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT 'c1' AS customer_id, 'page_view' AS event_name) TO '{parquet}' "
        "(FORMAT parquet)"
    )
    con.close()
    binary = tmp / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    return {
        "csv": plain_csv,
        "jsonl": plain_jsonl,
        "mixed_tsv": tsv,
        "parquet": parquet,
        "binary": binary,
    }


@pytest.mark.parametrize("fmt", list(FILES))
@pytest.mark.parametrize("file_fmt", list(FILES))
def test_sniff_own_file_only(fmt: str, file_fmt: str) -> None:
    assert READERS[fmt].sniff(FILES[file_fmt]) is (fmt == file_fmt)


@pytest.mark.parametrize("fmt", list(FILES))
def test_sniff_false_on_generic_files(fmt: str, other_files: dict[str, Path]) -> None:
    for path in other_files.values():
        assert READERS[fmt].sniff(path) is False, path


def test_detect_format_and_leads_file() -> None:
    assert detect_format(GA4_FILE) == "ga4"
    assert detect_format(METRICA_FILE) == "yandex_metrica"
    assert detect_format(DEALS_FILE) == "bitrix24"
    assert detect_format(LEADS_FILE) == "bitrix24"
    assert READERS["ga4"].sniff(LEADS_FILE) is False
    assert READERS["yandex_metrica"].sniff(LEADS_FILE) is False


def test_readers_are_registered() -> None:
    assert isinstance(READERS["ga4"], GA4Reader)
    assert isinstance(READERS["yandex_metrica"], YandexMetricaReader)
    assert isinstance(READERS["bitrix24"], BitrixReader)


# --------------------------------------------------------------------------- GA4


def ga4_objects(path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            out.append((n, obj))
    return out


def ga4_params(obj: dict[str, Any]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for p in obj.get("event_params") or []:
        value = p["value"]
        found = next(
            (
                value[k]
                for k in ("string_value", "int_value", "double_value", "float_value")
                if value.get(k) is not None
            ),
            None,
        )
        out[p["key"]] = None if found is None else str(found)
    return out


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def ga4_expected(path: Path) -> dict[int, Row]:
    """The staged values of every JSON object line, by line, computed from the docs."""
    objs = ga4_objects(path)
    level: dict[int, tuple[str | None, str | None, str | None] | None] = {}
    for n, o in objs:
        cts = o.get("collected_traffic_source") or {}
        par = ga4_params(o)
        if cts.get("manual_source") or cts.get("manual_medium"):
            level[n] = (
                cts.get("manual_source"),
                cts.get("manual_medium"),
                cts.get("manual_campaign_name"),
            )
        elif cts.get("gclid"):
            level[n] = ("google", "cpc", cts.get("manual_campaign_name") or par.get("campaign"))
        elif par.get("source") or par.get("medium"):
            level[n] = (par.get("source"), par.get("medium"), par.get("campaign"))
        else:
            level[n] = None
    sessions: dict[str, tuple[int, tuple[str | None, str | None, str | None]]] = {}
    for n, o in objs:
        session = ga4_params(o).get("ga_session_id")
        found = level[n]
        if session is None or found is None:
            continue
        key = f"{o.get('user_pseudo_id') or o.get('user_id')}/{session}"
        ts = int(o["event_timestamp"])
        if key not in sessions or ts < sessions[key][0]:
            sessions[key] = (ts, found)
    out = {}
    for n, o in objs:
        par = ga4_params(o)
        session = par.get("ga_session_id")
        key = f"{o.get('user_pseudo_id') or o.get('user_id')}/{session}"
        chosen = level[n]
        if chosen is None and session is not None and key in sessions:
            chosen = sessions[key][1]
        if chosen is None:
            tsrc = o.get("traffic_source") or {}
            chosen = (tsrc.get("source"), tsrc.get("medium"), tsrc.get("name"))
        source, medium, campaign = chosen
        if campaign and campaign.lower() in ("(direct)", "(organic)", "(referral)", "(none)"):
            campaign = None
        conversion = o.get("event_name") in ("purchase", "in_app_purchase")
        ecommerce = o.get("ecommerce") or {}
        value: float | None = None
        currency = None
        if conversion:
            revenue: Any = ecommerce.get("purchase_revenue")
            revenue = revenue if revenue is not None else par.get("value")
            usd = ecommerce.get("purchase_revenue_in_usd") or o.get("event_value_in_usd")
            if par.get("currency"):
                value, currency = float(revenue), str(par["currency"]).upper()
            elif usd is not None:
                value, currency = float(usd), "USD"
            elif revenue is not None:
                value = float(revenue)
        ts_text = text(o.get("event_timestamp"))
        id_parts = [
            o.get("user_pseudo_id"),
            o.get("user_id"),
            ts_text,
            o.get("event_name"),
            session,
            o.get("batch_page_id"),
            o.get("batch_ordering_id"),
            o.get("batch_event_index"),
        ]
        digest = hashlib.md5("\x1f".join(text(p) or "" for p in id_parts).encode()).hexdigest()
        out[n] = {
            "event_id": f"ga4:{digest}" if ts_text is not None else None,
            "customer_id": o.get("user_id") or o.get("user_pseudo_id"),
            "ts": ts_text,
            "event_name": o.get("event_name"),
            "source": source,
            "medium": medium,
            "campaign": campaign,
            "url": par.get("page_location"),
            "referrer": par.get("page_referrer"),
            "is_conversion": "true" if conversion else None,
            "value": value,
            "currency": currency,
            "session": session,
            "transaction_id": (ecommerce.get("transaction_id") or par.get("transaction_id")),
            "city": (o.get("geo") or {}).get("city"),
        }
    return out


def check_ga4_rows(rows: list[Row], expected: dict[int, Row]) -> None:
    assert sorted(r["line"] for r in rows) == sorted(expected)
    for row in rows:
        want = expected[row["line"]]
        for field in (
            "event_id",
            "customer_id",
            "ts",
            "event_name",
            "source",
            "medium",
            "campaign",
            "url",
            "referrer",
            "is_conversion",
            "currency",
        ):
            assert row[field] == want[field], (row["line"], field)
        got_value = None if row["value"] is None else float(row["value"])
        assert got_value == want["value"], row["line"]
        assert row["touchpoint"] is None
        assert row["channel"] is None
        attrs = json.loads(row["attributes"])
        assert attrs.get("ga_session_id") == want["session"]
        assert attrs.get("transaction_id") == want["transaction_id"]
        assert attrs.get("city") == want["city"]


def test_ga4_staged_jsonl(con: duckdb.DuckDBPyConnection) -> None:
    rows = staged(con, "ga4", GA4_FILE)
    expected = ga4_expected(GA4_FILE)
    assert len(expected) == 16  # 19 lines: 1 malformed, 1 array, 1 blank
    check_ga4_rows(rows, expected)
    by_line = {r["line"]: r for r in rows}
    # the session's landing event gives its source to the session's later events
    assert (by_line[3]["source"], by_line[3]["medium"]) == ("yandex", "cpc")
    # a gclid alone is google / cpc
    assert (by_line[8]["source"], by_line[8]["medium"]) == ("google", "cpc")
    # purchases: revenue with the currency parameter, else the dollar figure
    assert (by_line[4]["value"], by_line[4]["currency"]) == ("48990.0", "RUB")
    assert (by_line[13]["value"], by_line[13]["currency"]) == ("129.5", "USD")
    assert (by_line[16]["value"], by_line[16]["currency"]) == ("99.9", "EUR")
    # raw keeps the source line
    assert json.loads(by_line[5]["raw"])["user_id"] == "crm-1001"


def test_ga4_parquet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    objs = [
        o for _, o in ga4_objects(GA4_FILE) if o.get("user_pseudo_id") and o.get("event_timestamp")
    ]
    objs = [o for o in objs if str(o["event_timestamp"]).isdigit()]
    for o in objs:
        o["event_timestamp"] = int(o["event_timestamp"])  # BigQuery's INT64 in Parquet
    good.write_text("\n".join(json.dumps(o) for o in objs) + "\n", encoding="utf-8")
    parquet = tmp_path / "events_20240325.parquet"
    con.execute(
        f"COPY (SELECT * FROM read_json('{good}', format='newline_delimited')) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    assert GA4Reader().sniff(parquet)
    assert detect_format(parquet) == "ga4"
    rows = staged(con, "ga4", parquet)
    expected = ga4_expected(good)
    check_ga4_rows(rows, expected)
    assert GA4Reader().rejects_sql(parquet, Mapping()).endswith("WHERE false")


def test_ga4_options(con: duckdb.DuckDBPyConnection) -> None:
    mapping = parse_mapping(
        "options: {conversion_events: [generate_lead], session_sources: false}\n"
        "attributes: [engagement_time_msec, $.device.language]\n"
    )
    rows = {r["line"]: r for r in staged(con, "ga4", GA4_FILE, mapping)}
    assert rows[9]["is_conversion"] == "true"  # generate_lead
    assert rows[4]["is_conversion"] is None  # purchase no longer
    # without session sources, a later event falls back to the user's first touch
    assert (rows[9]["source"], rows[9]["campaign"]) == ("google", "brand")
    assert json.loads(rows[6]["attributes"])["engagement_time_msec"] == "5400"
    assert json.loads(rows[6]["attributes"])["$.device.language"] == "ru-ru"


# --------------------------------------------------------------------------- Yandex Metrica

GROUPS = {
    "organic": "organic_search",
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
MEDIUMS = {
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


def metrica_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    header = records[0]
    return [dict(zip(header, r, strict=True)) for r in records[1:] if len(r) == len(header)]


def items(cell: str) -> list[str]:
    inner = cell.strip().strip("[]")
    return [x.strip().strip("'\"") for x in inner.split(",") if x.strip().strip("'\"")]


def metrica_expected(r: dict[str, str], goals: list[str] | None = None) -> Row:
    traffic = r["ym:s:lastTrafficSource"]
    no_utm = not (r["ym:s:UTMSource"] or r["ym:s:UTMMedium"])
    try:
        ts = utc_text(r["ym:s:dateTime"], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        ts = r["ym:s:dateTime"]
    if no_utm:
        if traffic == "ad":
            social = any(w in r["ym:s:lastAdvEngine"] for w in ("vk", "target", "facebook"))
            channel: str | None = "paid_social" if social else "paid_search"
        else:
            channel = GROUPS.get(traffic)
        if traffic in ("direct", "internal", "saved"):
            source: str | None = "(direct)"
        else:
            host = r["ym:s:referer"].split("://")[-1].split("/")[0].removeprefix("www.")
            source = (
                r["ym:s:lastSearchEngineRoot"]
                or r["ym:s:lastAdvEngine"]
                or r["ym:s:lastSocialNetwork"]
                or host
                or None
            )
        medium: str | None = MEDIUMS.get(traffic)
        campaign = None
    else:
        channel = None
        source, medium = r["ym:s:UTMSource"] or None, r["ym:s:UTMMedium"] or None
        campaign = r["ym:s:UTMCampaign"] or None
    visit_goals = items(r["ym:s:goalsID"])
    if goals:
        conversion = bool(set(goals) & set(visit_goals))
    else:
        conversion = bool(visit_goals or items(r["ym:s:purchaseID"]))
    revenues = items(r["ym:s:purchaseRevenue"])
    value: float | str | None = None
    currency = None
    if revenues:
        try:
            value = sum(float(x) for x in revenues)
        except ValueError:
            value = r["ym:s:purchaseRevenue"]
        currency = (items(r["ym:s:purchaseCurrency"]) or ["RUB"])[0]
    return {
        "event_id": r["ym:s:visitID"],
        "customer_id": r["ym:s:clientID"] or None,
        "ts": ts,
        "event_name": "visit",
        "channel": channel,
        "source": source,
        "medium": medium,
        "campaign": campaign,
        "url": r["ym:s:startURL"] or None,
        "referrer": r["ym:s:referer"] or None,
        "is_conversion": "true" if conversion else "false",
        "value": value,
        "currency": currency,
    }


def as_value(text: str | None) -> float | str | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def test_metrica_staged(con: duckdb.DuckDBPyConnection) -> None:
    rows = staged(con, "yandex_metrica", METRICA_FILE)
    source_rows = metrica_rows(METRICA_FILE)
    assert len(rows) == len(source_rows) == 15  # 16 visits, one cut-off line
    by_id = {r["event_id"]: r for r in rows}
    for r in source_rows:
        want = metrica_expected(r)
        got = by_id[r["ym:s:visitID"]]
        for field, value in want.items():
            actual = as_value(got[field]) if field == "value" else got[field]
            assert actual == value, (r["ym:s:visitID"], field)
        attrs = json.loads(got["attributes"])
        assert attrs["regionCity"] == r["ym:s:regionCity"]
        assert attrs["deviceCategory"] == r["ym:s:deviceCategory"]
        assert "visitID" not in attrs and "clientID" not in attrs
        assert got["raw"] == "\t".join(r.values())
    # lines up to the cut-off line are exact (later ones are fixed for quarantined rows)
    assert [r["line"] for r in rows[:9]] == list(range(2, 11))
    first = by_id["7365470213590843393"]
    assert first["ts"] == "2024-03-25T09:59:41.000000Z"  # 12:59:41 Moscow time
    assert (first["value"], first["currency"], first["is_conversion"]) == ("48990.0", "RUB", "true")
    assert by_id["7365470213590843400"]["channel"] == "paid_social"  # VK ads, no UTM


def test_metrica_conversion_goals_and_timezone(con: duckdb.DuckDBPyConnection) -> None:
    mapping = parse_mapping("conversion_goals: [3002]\ntimezone: Asia/Yekaterinburg\n")
    rows = {r["event_id"]: r for r in staged(con, "yandex_metrica", METRICA_FILE, mapping)}
    for r in metrica_rows(METRICA_FILE):
        want = metrica_expected(r, goals=["3002"])
        assert rows[r["ym:s:visitID"]]["is_conversion"] == want["is_conversion"]
    assert rows["7365470213590843393"]["is_conversion"] == "true"  # [3001,3002]
    assert rows["7365470213590843400"]["is_conversion"] == "false"  # [3001]
    assert rows["7365470213590843396"]["is_conversion"] == "true"  # [3002]
    # 12:59:41 in Yekaterinburg (UTC+5)
    assert rows["7365470213590843393"]["ts"] == "2024-03-25T07:59:41.000000Z"


def test_metrica_attribution_models(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "visits.tsv"
    path.write_text(
        "ym:s:visitID\tym:s:clientID\tym:s:dateTimeUTC\tym:s:firstTrafficSource\t"
        "ym:s:lastsignTrafficSource\tym:s:lastsignUTMSource\tym:s:lastsignUTMMedium\t"
        "ym:s:startURL\n"
        "1\t100\t2024-03-25 12:00:00\torganic\tad\tyandex\tcpc\thttps://a.ru/\n"
        "2\t100\t2024-03-26 12:00:00\tdirect\tsocial\t\t\thttps://a.ru/\n",
        encoding="utf-8",
    )
    rows = staged(con, "yandex_metrica", path)
    assert [(r["source"], r["medium"], r["channel"]) for r in rows] == [
        ("yandex", "cpc", None),
        (None, "social", "social"),
    ]
    assert rows[0]["ts"] == "2024-03-25T09:00:00.000000Z"  # dateTimeUTC is UTC+3
    first = staged(con, "yandex_metrica", path, parse_mapping("options: {attribution: first}"))
    assert [r["channel"] for r in first] == [None, "direct"]
    assert json.loads(rows[0]["attributes"]) == {"firstTrafficSource": "organic"}


def test_metrica_needs_client_id(tmp_path: Path) -> None:
    path = tmp_path / "visits.tsv"
    path.write_text("ym:s:visitID\tym:s:dateTime\n1\t2024-03-25 12:00:00\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="ym:s:clientID"):
        YandexMetricaReader().staging_sql(path, Mapping())


# --------------------------------------------------------------------------- Bitrix24

# ID → (customer, UTC time, channel, source, won, value, currency)
DEALS: dict[str, tuple[str | None, str, str | None, str, str, str | None, str | None]] = {
    "101": ("Иван Петров", "2024-03-25T10:10:05", None, "yandex", "true", "48990.00", "RUB"),
    "102": ("Мария Козлова", "2024-03-25T12:20:00", "direct", "Звонок", "false", None, None),
    "103": (
        "ООО «Ромашка»",
        "2024-03-26T06:00:00",
        "referral",
        "Рекомендация",
        "true",
        "350000.00",
        "RUB",
    ),
    "104": (
        "Сергей Волков",
        "2024-03-26T08:45:00",
        "email",
        "Электронная почта",
        "false",
        None,
        None,
    ),
    "113": ("Татьяна Белова", "32.03.2024 10:00:00", "direct", "Звонок", "true", "5000.00", "RUB"),
    "105": ("Елена Новикова", "2024-03-27T05:05:00", None, "google", "true", "61200.50", "RUB"),
    "106": ("Дмитрий Соколов", "2024-03-27T09:00:00", "offline", "Выставка", "false", None, None),
    "107": (
        "Ирина Морозова",
        "2024-03-28T07:30:00",
        "messenger",
        "TELEGRAM",
        "true",
        "18000",
        "RUB",
    ),
    "108": (
        "Павел Лебедев",
        "2024-03-28T11:00:00",
        "referral",
        "Партнер",
        "true",
        "1200.00",
        "EUR",
    ),
    "114": (None, "2024-04-01T06:00:00", "direct", "Звонок", "true", "4000.00", "RUB"),
    "109": ("Ольга Зайцева", "2024-03-29T06:00:00", None, "vk", "false", None, None),
    "110": (
        "Иван Петров",
        "2024-03-29T15:45:00",
        "direct",
        "Повторная продажа",
        "true",
        "29990.00",
        "RUB",
    ),
    "111": ("Наталья Павлова", "2024-03-30T09:00:00", None, "flyer", "true", "7800.00", "RUB"),
    "112": ("Андрей Орлов", "2024-03-31T07:00:00", None, "Другое", "false", None, None),
    "115": ("Максим Егоров", "2024-04-01T08:00:00", "direct", "Веб-сайт", "true", "много", "RUB"),
}


def bitrix_rows(path: Path) -> list[dict[str, str]]:
    text_ = path.read_bytes().decode("utf-8-sig") if path == LEADS_FILE else None
    if text_ is None:
        text_ = path.read_bytes().decode("cp1251")
    records = list(csv.reader(io.StringIO(text_, newline=""), delimiter=";"))
    header = records[0]
    return [dict(zip(header, r, strict=True)) for r in records[1:] if len(r) == len(header)]


def test_bitrix_deals_staged(con: duckdb.DuckDBPyConnection) -> None:
    rows = staged(con, "bitrix24", DEALS_FILE)
    source_rows = bitrix_rows(DEALS_FILE)
    assert len(rows) == len(source_rows) == len(DEALS)
    by_id = {r["event_id"]: r for r in rows}
    for r in source_rows:
        got = by_id[f"b24:deal:{r['ID']}"]
        customer, ts, channel, source, won, value, currency = DEALS[r["ID"]]
        assert got["customer_id"] == (r["Контакт"] or r["Компания"] or None) == customer
        expected_ts = ts + ".000000Z" if ts[4] == "-" else ts
        assert got["ts"] == expected_ts
        if ts[4] == "-":  # independent check of the time zone arithmetic
            assert expected_ts == utc_text(r["Дата создания"], "%d.%m.%Y %H:%M:%S")
        assert got["event_name"] == "deal"
        assert got["channel"] == channel, r["ID"]
        assert got["source"] == source
        assert got["medium"] == (r["UTM Medium"] or None)
        assert got["campaign"] == (r["UTM Campaign"] or None)
        won_stage = r["Стадия сделки"] in ("Сделка успешна", "C1:WON")
        assert got["is_conversion"] == ("true" if won_stage else "false") == won
        assert (got["value"], got["currency"]) == (value, currency), r["ID"]
        attrs = json.loads(got["attributes"])
        assert attrs["title"] == r["Название сделки"]
        assert attrs["stage"] == r["Стадия сделки"]
        assert attrs["responsible"] == r["Ответственный"]
        assert attrs["crm_source"] == r["Источник"]
        assert attrs.get("amount") == (r["Сумма"] or None)
        assert got["touchpoint"] is None and got["url"] is None
    # a quoted value with a line break stays one record
    assert by_id["b24:deal:108"]["raw"].startswith("108;Кровать;")
    assert "Комментарий\nв две строки" in by_id["b24:deal:108"]["raw"]


def test_bitrix_leads_english_utf8_bom(con: duckdb.DuckDBPyConnection) -> None:
    assert BitrixReader().prepare(LEADS_FILE) == LEADS_FILE  # UTF-8: read in place
    rows = {r["event_id"]: r for r in staged(con, "bitrix24", LEADS_FILE)}
    source_rows = bitrix_rows(LEADS_FILE)
    assert len(rows) == len(source_rows) == 6
    for r in source_rows:
        got = rows[f"b24:lead:{r['ID']}"]
        assert got["event_name"] == "lead"
        assert got["customer_id"] == (r["Contact"] or r["Company"])
        assert got["ts"] == utc_text(r["Created"], "%m/%d/%Y %I:%M:%S %p")
    assert (rows["b24:lead:501"]["value"], rows["b24:lead:501"]["currency"]) == ("1500.00", "USD")
    assert (rows["b24:lead:504"]["value"], rows["b24:lead:504"]["currency"]) == ("2500.00", "USD")
    assert rows["b24:lead:504"]["is_conversion"] == "true"  # CONVERTED
    assert rows["b24:lead:502"]["is_conversion"] == "false"
    assert rows["b24:lead:505"]["channel"] == "messenger"  # 3|WHATSAPPBYEDNA
    assert rows["b24:lead:505"]["source"] == "WHATSAPPBYEDNA"
    assert rows["b24:lead:506"]["channel"] == "offline"


def test_bitrix_prepare_transcodes_cp1251(tmp_path: Path) -> None:
    prepared = BitrixReader().prepare(DEALS_FILE)
    try:
        assert prepared != DEALS_FILE
        assert prepared.read_bytes().decode() == DEALS_FILE.read_bytes().decode("cp1251")
    finally:
        prepared.unlink()
    assert decode_head("ID;Стадия сделки".encode("cp1251")) == "ID;Стадия сделки"
    assert decode_head("\ufeffID;Стадия".encode()) == "ID;Стадия"
    assert decode_head("ID;Ста".encode()[:-1]) == "ID;Ст"  # a character cut by the sample


def test_bitrix_options(con: duckdb.DuckDBPyConnection) -> None:
    mapping = parse_mapping(
        """\
timezone: Asia/Almaty
columns:
  customer_id: Компания
options:
  won_stages: ["re:^Подготовка"]
  source_channels: {"Другое": offline, "звонок": sms}
  timestamp: modified
  event_name: crm_deal
attributes: [Комментарий]
"""
    )
    rows = {r["event_id"]: r for r in staged(con, "bitrix24", DEALS_FILE, mapping)}
    assert rows["b24:deal:102"]["is_conversion"] == "true"  # Подготовка документов
    assert rows["b24:deal:102"]["value"] == "12500.00"
    assert rows["b24:deal:101"]["is_conversion"] == "false"
    assert rows["b24:deal:112"]["channel"] == "offline"
    assert rows["b24:deal:102"]["channel"] == "sms"
    assert rows["b24:deal:103"]["customer_id"] == "ООО «Ромашка»"
    assert rows["b24:deal:101"]["customer_id"] is None
    assert rows["b24:deal:101"]["event_name"] == "crm_deal"
    # modified 27.03.2024 18:00:00 in Almaty
    assert rows["b24:deal:101"]["ts"] == utc_text(
        "27.03.2024 18:00:00", "%d.%m.%Y %H:%M:%S", ZoneInfo("Asia/Almaty")
    )
    assert json.loads(rows["b24:deal:103"]["attributes"])["Комментарий"].startswith("Оплата")
    with pytest.raises(ValueError, match="not_a_group"):
        staged(
            con,
            "bitrix24",
            DEALS_FILE,
            parse_mapping("options: {source_channels: {x: not_a_group}}"),
        )


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("150 000,00", "150000.00", None),
        ("150\u00a0000,50", "150000.50", None),
        ("1,500.00", "1500.00", None),
        ("1.500,25", "1500.25", None),
        ("1,500", "1500", None),
        ("1,5", "1.5", None),
        ("1.500.000", "1500000", None),
        ("12.5", "12.5", None),
        ("-300", "-300", None),
        ("18 000 руб.", "18000", "RUB"),
        ("99 €", "99", "EUR"),
        ("5000 KZT", "5000", "KZT"),
        ("много", "много", None),
        ("10 попугаев", "10 попугаев", None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_bitrix_amounts(
    con: duckdb.DuckDBPyConnection, cell: str | None, value: str | None, currency: str | None
) -> None:
    number, word = amount_sql("c")
    got = con.execute(f"SELECT {number}, {word} FROM (SELECT ?::VARCHAR AS c)", [cell]).fetchall()
    assert got == [(value, currency)]


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Российский рубль", "RUB"), ("rub", "RUB"), ("Евро", "EUR"), ("₸", "KZT"), ("", None)],
)
def test_bitrix_currency_names(con: duckdb.DuckDBPyConnection, cell: str, code: str | None) -> None:
    expr = currency_sql("c")
    assert con.execute(f"SELECT {expr} FROM (SELECT ?::VARCHAR AS c)", [cell]).fetchall() == [
        (code,)
    ]


def test_bitrix_needs_a_creation_date(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("ID;Название сделки;Стадия сделки;Источник\n1;a;b;c\n", encoding="utf-8")
    assert BitrixReader().sniff(path)
    with pytest.raises(ImportFileError, match="Дата создания"):
        BitrixReader().staging_sql(path, Mapping())


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    eng = DuckDBEngine(tmp_path / "events.duckdb")
    eng.create()
    return eng


def events(engine: DuckDBEngine, where: str = "true") -> dict[str, Row]:
    with engine.raw(read_only=True) as con:
        rel = con.sql(
            "SELECT event_id, customer_id, "
            "strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts, event_name, "
            "touchpoint, channel, campaign, source, medium, is_conversion, value, currency, "
            f"attributes FROM events WHERE {where}"
        )
        return {r[0]: dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()}


def quarantine(engine: DuckDBEngine) -> list[tuple[int, str]]:
    with engine.raw(read_only=True) as con:
        rows = con.execute("SELECT line, field FROM quarantine ORDER BY line").fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def test_import_ga4(engine: DuckDBEngine) -> None:
    mapping = parse_mapping(
        """\
touchpoints:
  - touchpoint: checkout
    event_name: purchase
  - touchpoint: contacts_page
    url: "*/contacts*"
  - touchpoint: yandex_direct
    utm_source: yandex
    utm_medium: cpc
"""
    )
    report = import_events(engine, GA4_FILE, mapping=mapping)
    assert (report.format, report.imported, report.quarantined) == ("ga4", 13, 5)
    assert quarantine(engine) == [
        (7, "line"),
        (11, "ts"),
        (12, "ts"),
        (17, "line"),
        (19, "customer_id"),
    ]
    got = {(e["customer_id"], e["ts"], e["event_name"]): e for e in events(engine).values()}
    purchase = got[("1254093821.1711360000", "2024-03-25T10:15:00Z", "purchase")]
    assert (purchase["channel"], purchase["is_conversion"]) == ("paid_search", True)
    assert (purchase["value"], purchase["currency"], purchase["touchpoint"]) == (
        48990.0,
        "RUB",
        "checkout",
    )
    landing = got[("1254093821.1711360000", "2024-03-25T10:00:00Z", "session_start")]
    assert (landing["touchpoint"], landing["channel"]) == ("yandex_direct", "paid_search")
    contacts = got[("crm-1001", "2024-03-25T11:15:00Z", "page_view")]
    assert (contacts["touchpoint"], contacts["channel"]) == ("contacts_page", "organic_search")
    assert got[("31337001.1711364444", "2024-03-25T13:06:40Z", "page_view")]["channel"] == "direct"
    assert got[("99102833.1711363333", "2024-03-25T12:33:20Z", "page_view")]["channel"] == "social"
    email = got[("777000111.1711365555", "2024-03-25T13:56:40Z", "purchase")]
    assert (email["channel"], email["value"], email["currency"]) == ("email", 99.9, "EUR")
    assert json.loads(email["attributes"])["url"] == "https://shop.example.ru/checkout/done"
    again = import_events(engine, GA4_FILE, mapping=mapping)
    assert (again.imported, again.duplicates) == (0, 13)


def test_import_metrica(engine: DuckDBEngine) -> None:
    report = import_events(engine, METRICA_FILE, mapping=parse_mapping("conversion_goals: [3001]"))
    assert (report.format, report.imported, report.quarantined) == ("yandex_metrica", 12, 4)
    assert quarantine(engine) == [(7, "ts"), (12, "line"), (13, "customer_id"), (17, "value")]
    ev = events(engine)
    first = ev["7365470213590843393"]
    assert (first["ts"], first["channel"], first["is_conversion"]) == (
        "2024-03-25T09:59:41Z",
        "paid_search",
        True,
    )
    assert (first["value"], first["currency"], first["campaign"]) == (48990.0, "RUB", "spring_sale")
    assert ev["7365470213590843396"]["is_conversion"] is False  # goal 3002 is not configured
    channels = {e["channel"] for e in ev.values()}
    assert channels == {
        "paid_search",
        "organic_search",
        "direct",
        "referral",
        "social",
        "paid_social",
        "email",
        "messenger",
        "offline",
    }
    assert ev["7365470213590843401"]["channel"] == "email"  # by UTM, through the grouping
    assert ev["7365470213590843397"]["channel"] == "direct"  # internal


def test_import_bitrix(engine: DuckDBEngine) -> None:
    mapping = parse_mapping(
        """\
touchpoints:
  - touchpoint: phone_call
    utm_source: [Звонок, call]
  - touchpoint: site_form
    utm_source: [CRM-форма, Веб-сайт, yandex, google]
  - touchpoint: telegram
    utm_source: "*telegram*"
"""
    )
    report = import_events(engine, DEALS_FILE, mapping=mapping)
    assert (report.format, report.imported, report.quarantined) == ("bitrix24", 12, 4)
    assert quarantine(engine) == [(6, "ts"), (12, "line"), (13, "customer_id"), (18, "value")]
    ev = events(engine)
    won = {k for k, e in ev.items() if e["is_conversion"]}
    assert won == {f"b24:deal:{i}" for i in (101, 103, 105, 107, 108, 110, 111)}
    deal = ev["b24:deal:101"]
    assert (deal["ts"], deal["channel"], deal["touchpoint"]) == (
        "2024-03-25T10:10:05Z",
        "paid_search",
        "site_form",
    )
    assert (deal["value"], deal["currency"]) == (48990.0, "RUB")
    assert ev["b24:deal:102"]["touchpoint"] == "phone_call"
    assert ev["b24:deal:107"]["touchpoint"] == "telegram"
    assert ev["b24:deal:111"]["channel"] == "offline"  # flyer / qr by UTM
    assert ev["b24:deal:112"]["channel"] == "unassigned"
    assert sum(e["value"] or 0 for e in ev.values()) == pytest.approx(
        48990 + 350000 + 61200.5 + 18000 + 1200 + 29990 + 7800
    )
    leads = import_events(engine, LEADS_FILE)
    assert (leads.imported, leads.quarantined) == (6, 0)
    again = import_events(engine, DEALS_FILE, mapping=mapping)
    assert (again.imported, again.duplicates, again.quarantined) == (0, 12, 4)


def test_docs_describe_the_importers() -> None:
    """docs/importers.md names every option, won stage and CRM source the readers know."""
    from touchpath.ingest.bitrix24 import DEFAULT_WON_STAGES, HEADERS, SOURCE_GROUPS
    from touchpath.ingest.yandex_metrica import TRAFFIC_SOURCE_GROUPS, TRAFFIC_SOURCE_MEDIUMS

    doc = (Path(__file__).parents[2] / "docs" / "importers.md").read_text(encoding="utf-8")
    lower = doc.lower()
    for option in (
        "conversion_events",
        "session_sources",
        "attribution",
        "won_stages",
        "source_channels",
        "timestamp: modified",
        "entity",
        "event_name",
        "conversion_goals",
    ):
        assert option in doc, option
    for stage in DEFAULT_WON_STAGES:
        assert stage.lower() in lower, stage
    for source in SOURCE_GROUPS:
        assert source in lower, source
    for aliases in HEADERS.values():
        for alias in aliases:
            assert alias in lower, alias
    for key in (*TRAFFIC_SOURCE_GROUPS, *TRAFFIC_SOURCE_MEDIUMS.values()):
        assert key in doc, key
