"""Russian for the messages of paths, the Sankey and touchpoint statistics (lead merges it)."""

RU = {
    "paths by stage need the catalogue": "для путей по этапам нужен каталог",
    "unknown value {value!r} for {option}; choose one of: {choices}": (
        "недопустимое значение {value!r} для {option}; выберите одно из: {choices}"
    ),
    "--top must be at least 1 (got {value})": "--top должно быть не меньше 1 (указано {value})",
    "--sankey must be at least 1 (got {value})": (
        "--sankey должно быть не меньше 1 (указано {value})"
    ),
    "--max-length must be at least 1 (got {value})": (
        "--max-length должно быть не меньше 1 (указано {value})"
    ),
    "unknown touchpoint {touchpoint!r}": "неизвестная точка контакта {touchpoint!r}",
    "Top paths": "Самые частые пути",
    "Top paths to conversion": "Самые частые пути к конверсии",
    "Top paths to drop-off": "Самые частые пути к уходу",
    "Customers": "Клиенты",
    "Path": "Путь",
    "conversion": "конверсия",
    "drop-off": "уход",
    "Paths: the first {steps} steps ({customers} customers)": (
        "Пути: первых шагов — {steps} (клиентов: {customers})"
    ),
    "step {step}": "шаг {step}",
    "Conversion rate": "Конверсия",
    "Reach (share of customers)": "Охват (доля клиентов)",
    "Conversion rate of customers who touched it": "Конверсия клиентов, прошедших через точку",
    "position {position:.1f}, first touch {first:.0%}, last touch {last:.0%}": (
        "позиция {position:.1f}, первое касание {first:.0%}, последнее касание {last:.0%}"
    ),
    "Touchpoints: reach and conversion ({customers} customers)": (
        "Точки контакта: охват и конверсия (клиентов: {customers})"
    ),
    "Drop-off after": "Уход после",
    "Steps": "Шагов",
    "Share": "Доля",
    "{title}: {customers} customers, {variants} variants": (
        "{title}: клиентов {customers}, вариантов {variants}"
    ),
    "From": "Откуда",
    "To": "Куда",
    "Sankey of the first {steps} steps ({beyond} customers go further)": (
        "Диаграмма Санки: первых шагов — {steps} (дальше идут клиентов: {beyond})"
    ),
    "The most common paths of customers through the touchpoints, with conversion.": (
        "Самые частые пути клиентов по точкам контакта и их конверсия."
    ),
    "How many path variants to show.": "Сколько вариантов пути показать.",
    "Which customers: all, converted or dropped (never converted).": (
        "Какие клиенты: all (все), converted (с конверсией) или dropped (ушедшие без конверсии)."
    ),
    "Step unit: touchpoint, channel or stage.": (
        "Единица шага: touchpoint (точка контакта), channel (канал) или stage (этап)."
    ),
    "Merge consecutive repeats of a step.": "Объединять идущие подряд повторы шага.",
    "Keep at most N steps of each path.": "Оставлять не более N шагов каждого пути.",
    "With --max-length: keep the first or the last steps.": (
        "С --max-length: оставлять первые (first) или последние (last) шаги."
    ),
    "Start paths at the first touch of this touchpoint.": (
        "Начинать пути с первого касания этой точки контакта."
    ),
    "End paths at the first touch of this touchpoint.": (
        "Заканчивать пути первым касанием этой точки контакта."
    ),
    "Also build a Sankey of the first K steps.": "Построить также диаграмму Санки первых K шагов.",
    "Touchpoint statistics: reach, conversion, position in paths, drop-off.": (
        "Статистика точек контакта: охват, конверсия, позиция в путях, уход."
    ),
    "Touchpoint": "Точка контакта",
    "Reach": "Охват",
    "Touches": "Касания",
    "Avg position": "Средняя позиция",
    "First touch": "Первое касание",
    "Last touch": "Последнее касание",
    "Touchpoints ({customers} customers)": "Точки контакта (клиентов: {customers})",
    "Count consecutive repeats as one step for positions and first/last touch.": (
        "Считать идущие подряд повторы одним шагом для позиций и первого/последнего касания."
    ),
}
