"""Russian for analytics/retention.py, charts/retention.py and commands/retention.py.

Merge with ``python scripts/translate.py scripts/ru/retention.py``.
"""

RU = {
    # command and options
    "Retention and loyalty: CRR per period, cohorts, repeat purchases, churn, RFM.": (
        "Удержание и лояльность: CRR по периодам, когорты, повторные покупки, отток, RFM."
    ),
    "Period of the rates and cohorts: month, week, quarter.": (
        "Период для показателей и когорт: month (месяц), week (неделя), quarter (квартал)."
    ),
    "Add RFM per customer (lifetimes' definitions) and segments.": (
        "Добавить RFM по каждому клиенту (определения пакета lifetimes) и сегменты."
    ),
    "Last day counted, YYYY-MM-DD (default: the day of the last purchase).": (
        "Последний учитываемый день, ГГГГ-ММ-ДД (по умолчанию — день последней покупки)."
    ),
    "Days without a purchase after which a customer counts as churned.": (
        "Сколько дней без покупки, после которых клиент считается ушедшим (оттоком)."
    ),
    # errors
    "bad date {text!r}: use YYYY-MM-DD": "неверная дата {text!r}: используйте ГГГГ-ММ-ДД",
    "unknown period {period!r}: use one of {choices}": (
        "неизвестный период {period!r}: используйте один из {choices}"
    ),
    "unknown RFM unit {unit!r}: use one of {choices}": (
        "неизвестная единица RFM {unit!r}: используйте одну из {choices}"
    ),
    "no purchases (conversion events) to analyse": ("нет покупок (событий-конверсий) для анализа"),
    "no purchases up to {end}: the first one is on {first}": (
        "нет покупок по {end} включительно: первая покупка — {first}"
    ),
    "churn_after must be longer than zero": "churn_after должен быть больше нуля",
    # tables
    "Retention up to {end} (churned: no purchase in {days} days)": (
        "Удержание по {end} (отток: нет покупок {days} дн.)"
    ),
    "Customers": "Клиенты",
    "Purchases": "Покупки",
    "Repeat customers": "Повторные клиенты",
    "Repeat purchase rate": "Доля повторных покупок",
    "Active": "Активные",
    "Churned": "Ушедшие",
    "Churn rate": "Отток",
    "Per period: CRR = (E - N) / S (* = cut at the end date)": (
        "По периодам: CRR = (E - N) / S (* — период обрезан конечной датой)"
    ),
    "Period": "Период",
    "Purchasers": "Покупатели",
    "New": "Новые",
    "Returning": "Вернувшиеся",
    "Repeat rate": "Доля повторных",
    "At start (S)": "На начало (S)",
    "At end (E)": "На конец (E)",
    "Retained": "Удержанные",
    "Reactivated": "Реактивированные",
    "CRR": "CRR",
    "Cohorts by first purchase: share buying again": (
        "Когорты по первой покупке: доля купивших снова"
    ),
    "Cohort": "Когорта",
    "RFM segments (one row per customer in --json)": (
        "RFM-сегменты (по строке на клиента — в --json)"
    ),
    "Segment": "Сегмент",
    "Share": "Доля",
    "Days since last purchase": "Дней с последней покупки",
    "Orders": "Заказы",
    "Revenue": "Выручка",
    "Revenue share": "Доля выручки",
    # RFM segments
    "Champions": "Чемпионы",
    "Loyal customers": "Лояльные клиенты",
    "Potential loyalists": "Потенциально лояльные",
    "New customers": "Новые клиенты",
    "Promising": "Перспективные",
    "Need attention": "Требуют внимания",
    "About to sleep": "Засыпающие",
    "Can't lose them": "Нельзя потерять",
    "At risk": "В зоне риска",
    "Hibernating": "Спящие",
    # chart
    "Retention and loyalty up to {end}": "Удержание и лояльность по {end}",
    "Retention per period": "Удержание по периодам",
    "Cohort retention: share buying again": "Удержание когорт: доля купивших снова",
    "Periods since the first purchase": "Периодов после первой покупки",
    "Cohort (first purchase)": "Когорта (первая покупка)",
    "cohort {cohort}, +{offset}: {share} of {size} ({customers} customers)": (
        "когорта {cohort}, +{offset}: {share} из {size} ({customers} клиентов)"
    ),
    "Customer retention rate (CRR)": "Коэффициент удержания клиентов (CRR)",
    "Rate": "Доля",
    "RFM segments": "RFM-сегменты",
    "{segment}: {customers} customers ({share}), {revenue} of revenue": (
        "{segment}: {customers} клиентов ({share}), {revenue} выручки"
    ),
}
