"""Russian for analytics/journey.py, analytics/conformance.py, charts/journey.py and
commands/journey.py (the journey map and conformance to designed chains).

Merge with ``python scripts/translate.py scripts/ru/journey.py``.
"""

RU = {
    # errors
    "unknown unit {value!r}; choose one of: {choices}": (
        "неизвестная единица {value!r}; выберите одну из: {choices}"
    ),
    "unknown chain {chain!r}; choose one of: {choices}": (
        "неизвестная цепочка {chain!r}; выберите одну из: {choices}"
    ),
    # durations
    "{n} s": "{n} с",
    "{n} min": "{n} мин",
    "{n} h": "{n} ч",
    "{n} d": "{n} дн.",
    # journey map figure
    "transitions: {n}": "переходов: {n}",
    "customers: {n}": "клиентов: {n}",
    "median time: {t}": "медианное время: {t}",
    "mean time: {t}": "среднее время: {t}",
    "Transitions": "Переходы",
    "touches: {n}": "касаний: {n}",
    "starts here: {n}": "начинают здесь: {n}",
    "ends here: {n}": "заканчивают здесь: {n}",
    "repeats: {n}": "повторов: {n}",
    "average position: {n}": "средняя позиция: {n}",
    "Journey map: what customers do next": "Карта пути: куда клиенты идут дальше",
    "Earlier in the path → later (by average position)": (
        "Раньше в пути → позже (по средней позиции)"
    ),
    # conformance figure
    "step {step}: {touchpoint}": "шаг {step}: {touchpoint}",
    "reached in order: {n}": "дошли по порядку: {n}",
    "left here: {n}": "ушли после шага: {n}",
    "first deviated here: {n}": "впервые отклонились здесь: {n}",
    "Designed chains: customers still on the chain at each step": (
        "Спроектированные цепочки: сколько клиентов ещё в цепочке на каждом шаге"
    ),
    "Step of the chain": "Шаг цепочки",
    "Share of customers who entered the chain": "Доля клиентов, вошедших в цепочку",
    "Chain": "Цепочка",
    # CLI options and help
    "Node of the map: touchpoint or channel.": (
        "Узел карты: touchpoint (точка контакта) или channel (канал)."
    ),
    "Show only edges with at least N transitions.": (
        "Показывать только связи, по которым не меньше N переходов."
    ),
    "Rows to show in tables.": "Сколько строк показывать в таблицах.",
    "Keep events without a touchpoint as the node (unmapped) instead of skipping.": (
        "Оставить события без точки контакта как узел (unmapped), а не пропускать их."
    ),
    "Check only this chain (repeat for several).": (
        "Проверить только эту цепочку (повторите для нескольких)."
    ),
    "The discovered journey map: which touchpoint customers go to next.": (
        "Карта реального пути клиентов: к какой точке контакта они переходят дальше."
    ),
    "How customers follow the designed chains: in order, deviations, exits.": (
        "Как клиенты проходят спроектированные цепочки: по порядку, отклонения, уходы."
    ),
    # CLI tables
    "source": "откуда",
    "target": "куда",
    "transitions": "переходы",
    "median time": "медианное время",
    "mean time": "среднее время",
    "Journey map: {shown} of {total} edges, {customers} customers": (
        "Карта пути: {shown} из {total} связей, клиентов: {customers}"
    ),
    "Starts": "Начало пути",
    "Ends": "Конец пути",
    "node": "узел",
    "The catalogue designs no chains.": "В каталоге нет спроектированных цепочек.",
    "chain": "цепочка",
    "entered": "вошли",
    "followed in order": "прошли по порядку",
    "share": "доля",
    "exactly": "точно по шагам",
    "exact share": "доля точно по шагам",
    "step": "шаг",
    "touchpoint": "точка контакта",
    "reached in order": "дошли по порядку",
    "left after": "ушли после шага",
    "skipped": "пропустили шаг",
    "replaced": "заменили шаг",
    "Chain: {name}": "Цепочка: {name}",
    "expected": "ожидался шаг",
    "kind": "тип",
    "skip": "пропуск",
    "replace": "замена",
    "instead": "вместо него",
    "First deviations": "Первые отклонения",
    "Touchpoints in use that no chain designs": (
        "Точки контакта, которые используются, но не входят ни в одну цепочку"
    ),
}
