"""Bitrix24 CRM deals or leads, as the CRM list exports them to CSV: one touch per row.

The export is ``;``-separated (``,`` and tab are recognised too), in Windows-1251 or UTF-8
with a BOM; headers are the portal's language (``ID;Название сделки;Стадия сделки;...``
or ``ID;Deal Name;Stage;...``) or the REST / BI field codes (``STAGE_ID``, ``SOURCE_ID``,
``DATE_CREATE``, ``OPPORTUNITY`` ...). :data:`HEADERS` lists the names read. How the staged
columns are filled:

- ``event_id``: ``b24:deal:<ID>`` or ``b24:lead:<ID>``; ``event_name``: ``deal`` / ``lead``
  (leads are recognised by their columns; option ``entity``);
- ``customer_id``: the contact's ID column when exported, else the company's, else the
  contact, else the company as the export writes them (names);
- ``ts``: ``Дата создания`` / ``Created`` (option ``timestamp: modified`` takes
  ``Дата изменения``), the portal's local time (``25.03.2024 14:05:33`` or
  ``03/25/2024 02:05:33 pm``) read in the mapping's ``timezone`` when set, else
  Europe/Moscow;
- ``source`` / ``medium`` / ``campaign``: ``UTM Source`` (else the CRM ``Источник``),
  ``UTM Medium``, ``UTM Campaign``; touchpoint rules then match the source;
- ``channel``: without UTM tags, the CRM source as a channel group
  (:data:`SOURCE_GROUPS`: a call or web form → direct, e-mail → email, recommendation or
  partner → referral, trade show → offline, Telegram / WhatsApp → messenger, VK → social;
  option ``source_channels`` adds or replaces entries);
- ``is_conversion``: the stage (or lead status) is a won one (:data:`DEFAULT_WON_STAGES`,
  rule pattern syntax, option ``won_stages``);
- ``value`` / ``currency`` (won rows only): ``Сумма`` / ``Amount`` (``150 000,00``,
  ``1,500.00``, ``150 000 руб.``) and ``Валюта`` / ``Currency`` (a code or a name such as
  «Российский рубль»);
- ``attributes``: title, stage, pipeline, responsible, CRM source and its details, contact,
  company, amount, modified date, UTM content and term, and the mapping's ``attributes``.
  Phones and e-mails are not copied.

>>> BitrixReader().format
'bitrix24'
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from touchpath.ingest.files import CsvReader, transcode_to_utf8
from touchpath.ingest.readers import (
    REJECTS_OPTIONS,
    ImportFileError,
    head_bytes,
    quote_ident,
    register_reader,
    sql_literal,
    staged_select,
)
from touchpath.ingest.rules import pattern_sql
from touchpath.ingest.yandex_metrica import local_time_sql, vendor_timezone
from touchpath.model.vocab import ChannelGroup

if TYPE_CHECKING:
    import duckdb

    from touchpath.ingest.mapping import Mapping

__all__ = [
    "CURRENCY_NAMES",
    "DEFAULT_WON_STAGES",
    "HEADERS",
    "SOURCE_GROUPS",
    "BitrixReader",
    "decode_head",
]

HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": (
        "название сделки",
        "название лида",
        "название",
        "deal name",
        "lead name",
        "deal title",
        "lead title",
        "title",
    ),
    "stage": (
        "стадия сделки",
        "статус лида",
        "стадия",
        "статус",
        "stage",
        "deal stage",
        "lead status",
        "status",
        "stage_id",
        "status_id",
    ),
    "pipeline": ("воронка", "направление", "pipeline", "category", "category_id"),
    "source": ("источник", "source", "source_id"),
    "source_info": (
        "дополнительно об источнике",
        "source information",
        "source description",
        "source_description",
    ),
    "created": ("дата создания", "создано", "created", "date created", "date_create"),
    "modified": ("дата изменения", "изменено", "modified", "date modified", "date_modify"),
    "amount": ("сумма", "сумма сделки", "amount", "opportunity", "deal amount"),
    "currency": ("валюта", "currency", "currency_id"),
    "contact_id": ("id контакта", "контакт: id", "contact id", "contact_id"),
    "company_id": ("id компании", "компания: id", "company id", "company_id"),
    "contact": ("контакт", "contact", "клиент", "client"),
    "company": ("компания", "название компании", "company", "company name", "company_title"),
    "responsible": ("ответственный", "responsible", "responsible person", "assigned_by_id"),
    "utm_source": ("utm source", "utm_source"),
    "utm_medium": ("utm medium", "utm_medium"),
    "utm_campaign": ("utm campaign", "utm_campaign"),
    "utm_content": ("utm content", "utm_content"),
    "utm_term": ("utm term", "utm_term"),
}
"""Export column names (lower case) read for each role, first found wins."""

_SPECIFIC = {
    "название сделки",
    "стадия сделки",
    "название лида",
    "статус лида",
    "deal name",
    "lead name",
    "deal stage",
    "lead status",
    "stage_id",
    "status_id",
}
_CRM = {"ответственный", "responsible", "assigned_by_id", "источник", "source", "source_id"}
_LEAD = {"название лида", "статус лида", "lead name", "lead status", "status_id"}

DEFAULT_WON_STAGES: tuple[str, ...] = (
    "Сделка успешна",
    "Успешная сделка",
    "Сделка заключена",
    "Успешно реализовано",
    "Успешно",
    "WON",
    "*:WON",
    "Deal won",
    "Closed won",
    "Качественный лид",
    "Сконвертирован",
    "CONVERTED",
    "Good lead",
)
"""Won deal stages and converted lead statuses (case-insensitive; ``C3:WON`` matches)."""

SOURCE_GROUPS: dict[str, str] = {
    # Bitrix24 SOURCE_ID codes, then the Russian and English names
    "call": "direct",
    "callback": "direct",
    "web": "direct",
    "webform": "direct",
    "store": "direct",
    "repeat_sale": "direct",
    "email": "email",
    "recommendation": "referral",
    "partner": "referral",
    "trade_show": "offline",
    "звонок": "direct",
    "входящий звонок": "direct",
    "обратный звонок": "direct",
    "веб-сайт": "direct",
    "сайт": "direct",
    "crm-форма": "direct",
    "интернет-магазин": "direct",
    "онлайн-чат": "direct",
    "повторная продажа": "direct",
    "существующий клиент": "direct",
    "электронная почта": "email",
    "e-mail": "email",
    "рекомендация": "referral",
    "по рекомендации": "referral",
    "партнер": "referral",
    "партнёр": "referral",
    "авито": "referral",
    "выставка": "offline",
    "incoming call": "direct",
    "website": "direct",
    "crm form": "direct",
    "online store": "direct",
    "live chat": "direct",
    "repeat sale": "direct",
    "existing client": "direct",
    "recommendation by a client": "referral",
    "avito": "referral",
    "trade show": "offline",
    "exhibition": "offline",
}
"""CRM source (code or name, lower case) → channel group; open lines are matched by name
(Telegram, WhatsApp, Viber → messenger; VK, Instagram, Facebook, OK → social)."""

CURRENCY_NAMES: dict[str, str] = {
    "руб": "RUB",
    "руб.": "RUB",
    "р.": "RUB",
    "₽": "RUB",
    "rur": "RUB",
    "рубль": "RUB",
    "российский рубль": "RUB",
    "russian ruble": "RUB",
    "$": "USD",
    "доллар": "USD",
    "доллар сша": "USD",
    "us dollar": "USD",
    "€": "EUR",
    "евро": "EUR",
    "euro": "EUR",
    "₸": "KZT",
    "тг": "KZT",
    "тг.": "KZT",
    "тенге": "KZT",
    "kazakhstani tenge": "KZT",
    "бел. руб.": "BYN",
    "белорусский рубль": "BYN",
    "belarusian ruble": "BYN",
    "₴": "UAH",
    "грн": "UAH",
    "гривна": "UAH",
    "дин.": "RSD",
    "динар": "RSD",
    "сербский динар": "RSD",
    "serbian dinar": "RSD",
    "юань": "CNY",
    "китайский юань": "CNY",
}
"""Currency names and signs in exports → ISO 4217 codes (3-letter codes pass as they are)."""

_TS_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)


def decode_head(data: bytes) -> str:
    """Text of the start of an export: UTF-8 (with or without BOM), else Windows-1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut at the end of the sample
            return data[: exc.start].decode("utf-8-sig")
        return data.decode("cp1251", errors="replace")


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _dialect(path: Path) -> tuple[str, list[str]]:
    text = decode_head(head_bytes(path, 65536))
    first = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delim = max(counts, key=lambda d: counts[d])
    try:
        names = next(csv.reader(io.StringIO(first), delimiter=delim))
    except (StopIteration, csv.Error):
        names = []
    return delim, [n.strip() for n in names]


def _role_columns(names: Sequence[str]) -> dict[str, str]:
    lower: dict[str, str] = {}
    for name in names:
        lower.setdefault(name.strip().lower(), name)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for role, aliases in HEADERS.items():
        for alias in aliases:
            column = lower.get(alias)
            if column is not None and column not in taken:
                found[role] = column
                taken.add(column)
                break
    return found


def _in_map(expr: str, table: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in table.items())
    return f"CASE {expr} {whens} END"


def amount_sql(text: str) -> tuple[str, str]:
    """SQL (number text, currency word) from an amount cell such as ``150 000,50 руб.``.

    The number text is NULL for an empty cell and the cell itself when it is no number,
    so the pipeline quarantines it.
    """
    cell = f"nullif(trim({text}), '')"
    squeezed = f"regexp_replace({cell}, '[ \\x{{00a0}}\\x{{202f}}]', '', 'g')"
    num = f"regexp_extract({squeezed}, '^-?[0-9][0-9.,]*')"
    word = f"lower(trim(substr({squeezed}, length({num}) + 1)))"
    normal = (
        f"CASE WHEN contains({num}, ',') AND contains({num}, '.') THEN "
        f"CASE WHEN strpos(reverse({num}), ',') < strpos(reverse({num}), '.') "
        f"THEN replace(replace({num}, '.', ''), ',', '.') ELSE replace({num}, ',', '') END "
        f"WHEN regexp_full_match({num}, '-?[0-9]{{1,3}}(,[0-9]{{3}})+') "
        f"THEN replace({num}, ',', '') "
        f"WHEN contains({num}, ',') THEN replace({num}, ',', '.') "
        f"WHEN regexp_full_match({num}, '-?[0-9]{{1,3}}(\\.[0-9]{{3}}){{2,}}') "
        f"THEN replace({num}, '.', '') ELSE {num} END"
    )
    named = _in_map(word, CURRENCY_NAMES)
    known_word = f"({word} = '' OR {named} IS NOT NULL OR regexp_full_match({word}, '[a-z]{{3}}'))"
    ok = f"TRY_CAST({normal} AS DOUBLE) IS NOT NULL AND {known_word}"
    currency_word = f"CASE WHEN {ok} AND {word} <> '' THEN coalesce({named}, upper({word})) END"
    number = f"CASE WHEN {cell} IS NULL THEN NULL WHEN {ok} THEN {normal} ELSE {cell} END"
    return number, currency_word


def currency_sql(text: str) -> str:
    """SQL: a currency cell (``RUB``, «Российский рубль», ``₽``) → a 3-letter code or the text."""
    cell = f"lower(nullif(trim({text}), ''))"
    return f"coalesce({_in_map(cell, CURRENCY_NAMES)}, upper({cell}))"


class BitrixReader:
    """Bitrix24 CRM deal or lead list exports (CSV, cp1251 or UTF-8)."""

    format = "bitrix24"

    def __init__(self) -> None:
        self._csv = CsvReader()

    def sniff(self, path: Path) -> bool:
        """An ``ID`` column with a deal/lead title or stage column and a CRM column."""
        _, names = _dialect(path)
        lower = {n.lower() for n in names}
        return "id" in lower and bool(lower & _SPECIFIC) and bool(lower & _CRM)

    def prepare(self, path: Path) -> Path:
        """A UTF-8 copy of a Windows-1251 export (in the temp folder); UTF-8 as it is."""
        if path.suffix.lower() == ".gz" or _is_utf8(path):
            return path
        fd, name = tempfile.mkstemp(prefix="touchpath-bitrix24-", suffix=".csv")
        os.close(fd)
        return transcode_to_utf8(path, "cp1251", Path(name))

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        delim, names = _dialect(path)
        if not names:
            raise ImportFileError(f"{path}: no header line")
        roles = _role_columns(names)
        options: dict[str, Any] = dict(mapping.options)
        entity = str(
            options.get("entity") or ("lead" if {n.lower() for n in names} & _LEAD else "deal")
        )

        def ref(role: str) -> str:
            name = roles.get(role)
            return f"nullif(trim({quote_ident(name)}), '')" if name else "NULL"

        time_role = "modified" if options.get("timestamp") == "modified" else "created"
        if time_role not in roles and "ts" not in mapping.columns:
            raise ImportFileError(
                f"{path}: no creation date column (Дата создания / Created); its columns "
                f"are: {', '.join(names)}"
            )
        won = [str(s) for s in options.get("won_stages", DEFAULT_WON_STAGES)]
        is_won = f"coalesce({pattern_sql(ref('stage'), won)}, false)" if won else "false"
        groups = dict(SOURCE_GROUPS)
        for key, group in dict(options.get("source_channels", {})).items():
            ChannelGroup(str(group))  # an unknown group fails here, naming the value
            groups[str(key).lower()] = str(group)
        # open lines are written "<line id>|<connector>", e.g. 1|TELEGRAM
        source_name = f"regexp_replace({ref('source')}, '^[0-9]+\\|', '')"
        crm_source = f"lower(coalesce({source_name}, ''))"
        messenger = sql_literal("telegram|whatsapp|viber|wazzup")
        social = sql_literal(r"vk|вконтакте|instagram|facebook|одноклассники|ok\.ru")
        source_group = (
            f"coalesce({_in_map(crm_source, groups)}, CASE "
            f"WHEN regexp_matches({crm_source}, {messenger}) THEN 'messenger' "
            f"WHEN regexp_matches({crm_source}, {social}) THEN 'social' END)"
        )
        no_utm = f"coalesce({ref('utm_source')}, {ref('utm_medium')}) IS NULL"
        number, amount_currency = amount_sql(ref("amount"))
        currency = f"coalesce({currency_sql(ref('currency'))}, {amount_currency})"
        customer = (
            f"coalesce({ref('contact_id')}, {ref('company_id')}, {ref('contact')}, "
            f"{ref('company')})"
        )
        columns: dict[str, str] = {
            "event_id": f"'b24:{entity}:' || {ref('id')}",
            "customer_id": customer,
            "ts": local_time_sql(ref(time_role), vendor_timezone(mapping), _TS_FORMATS),
            "event_name": sql_literal(str(options.get("event_name", entity))),
            "channel": f"CASE WHEN {no_utm} THEN {source_group} END",
            "campaign": ref("utm_campaign"),
            "source": f"coalesce({ref('utm_source')}, {source_name})",
            "medium": ref("utm_medium"),
            "is_conversion": f"CASE WHEN {is_won} THEN 'true' ELSE 'false' END",
            "value": f"CASE WHEN {is_won} THEN {number} END",
            "currency": f"CASE WHEN {is_won} AND {number} IS NOT NULL THEN {currency} END",
        }
        for field, name in mapping.columns.items():  # explicit mapping wins
            match = next((n for n in names if n.lower() == name.lower()), None)
            if match is None:
                raise ImportFileError(
                    f"{path}: the mapping reads {field} from column {name!r}, which the "
                    f"file does not have; its columns are: {', '.join(names)}"
                )
            columns[field] = f"nullif(trim({quote_ident(match)}), '')"
        attrs = [("entity", sql_literal(entity))]
        for role, key in (
            ("title", "title"),
            ("stage", "stage"),
            ("pipeline", "pipeline"),
            ("responsible", "responsible"),
            ("source", "crm_source"),
            ("source_info", "crm_source_info"),
            ("contact", "contact"),
            ("company", "company"),
            ("amount", "amount"),
            ("currency", "currency"),
            ("modified", "modified"),
            ("utm_content", "utm_content"),
            ("utm_term", "utm_term"),
        ):
            if role in roles:
                attrs.append((key, ref(role)))
        for extra in mapping.attributes or ():
            match = next((n for n in names if n.lower() == extra.lower()), None)
            if match is None:
                raise ImportFileError(f"{path}: attributes: no column {extra!r}")
            attrs.append((match, f"nullif(trim({quote_ident(match)}), '')"))
        pairs = ", ".join(f"{sql_literal(k)}, {expr}" for k, expr in attrs)
        attributes = f"CAST(json_merge_patch('{{}}', json_object({pairs})) AS VARCHAR)"
        return staged_select(
            self._source_sql(path, names, delim),
            columns,
            line="_line",
            raw=self._raw_sql(names, delim),
            attributes=attributes,
        )

    @staticmethod
    def _source_sql(path: Path, names: Sequence[str], delim: str) -> str:
        types = ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names)
        return (
            "(SELECT row_number() OVER () + 1 AS _line, * FROM read_csv("
            f"{sql_literal(str(path))}, auto_detect=false, header=true, "
            f"delim={sql_literal(delim)}, quote='\"', escape='\"', columns={{{types}}}, "
            f"compression='auto', {REJECTS_OPTIONS}))"
        )

    @staticmethod
    def _raw_sql(names: Sequence[str], delim: str) -> str:
        needs = sql_literal(f'[{delim}"\\r\\n]')
        parts = [
            f"CASE WHEN regexp_matches({quote_ident(n)}, {needs}) THEN "
            f"'\"' || replace({quote_ident(n)}, '\"', '\"\"') || '\"' "
            f"ELSE coalesce({quote_ident(n)}, '') END"
            for n in names
        ]
        return f"concat_ws({sql_literal(delim)}, {', '.join(parts)})"

    def resolve_lines(
        self, con: duckdb.DuckDBPyConnection, path: Path, table: str, rows: int
    ) -> None:
        """Real line numbers for the quarantined rows (quoted line breaks counted)."""
        self._csv.resolve_lines(con, path, table, rows)


register_reader(BitrixReader())
