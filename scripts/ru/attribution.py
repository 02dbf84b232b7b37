"""Russian for the attribution input, heuristic and Markov models and `touchpath attribute`.

The lead merges it into the catalogue.
"""

RU = {
    "this model needs touch ages: use paths_from_events(..., ages=True)": (
        "этой модели нужен возраст касаний: используйте paths_from_events(..., ages=True)"
    ),
    "a path table must be a DataFrame, not {kind}": (
        "таблица путей должна быть DataFrame, а не {kind}"
    ),
    "the path table has no column {column} (needs path, conversions, value, nulls)": (
        "в таблице путей нет столбца {column} (нужны path, conversions, value, nulls)"
    ),
    "path table row {row}: {column} must be a sequence, got {value!r}": (
        "таблица путей, строка {row}: {column} должен быть последовательностью, а не {value!r}"
    ),
    "path table row {row}: {column} is empty (null)": (
        "таблица путей, строка {row}: {column} пуст (null)"
    ),
    "path table row {row}: {column} has a null entry": (
        "таблица путей, строка {row}: в {column} есть пустой элемент (null)"
    ),
    "path table row {row}: {column} must be a number of at least 0, got {value!r}": (
        "таблица путей, строка {row}: {column} должно быть числом не меньше 0, а не {value!r}"
    ),
    "path table row {row}: ages must have one number per touch": (
        "таблица путей, строка {row}: в ages должно быть по одному числу на каждое касание"
    ),
    "{model} has no parameter {name}": "у модели {model} нет параметра {name}",
    "the lookback must be longer than zero": "окно ретроспективы должно быть больше нуля",
    "the path separator must not be empty": "разделитель касаний в пути не может быть пустым",
    "unknown unit {value!r}: use {choices}": "неизвестная единица {value!r}: используйте {choices}",
    "{file}: needs the columns path and total_conversions (found {found})": (
        "{file}: нужны столбцы path и total_conversions (найдены: {found})"
    ),
    "{file}:{line}: path: no touchpoint in {value!r}": (
        "{file}:{line}: path: в {value!r} нет ни одной точки контакта"
    ),
    "bad lookback {value!r}: write a number and a unit, e.g. 30d, 12h or 2w": (
        "неверное окно ретроспективы {value!r}: укажите число и единицу, например 30d, 12h или 2w"
    ),
    "{file}:{line}: {field}: not a number of at least 0: {value!r}": (
        "{file}:{line}: {field}: не число не меньше 0: {value!r}"
    ),
    "touch ages must be numbers of days of at least 0": (
        "возраст касаний должен быть числом дней не меньше 0"
    ),
    "half-life must be a positive number of days, got {value}": (
        "период полураспада должен быть положительным числом дней, указано {value}"
    ),
    "position weights must be at least 0 with 0 < first + last <= 1, "
    "got first={first}, last={last}": (
        "веса позиций должны быть не меньше 0, причём 0 < first + last <= 1; "
        "указано first={first}, last={last}"
    ),
    "the path table has no conversions to attribute": (
        "в таблице путей нет конверсий для атрибуции"
    ),
    "Markov order must be a whole number from 1 to {max}, got {order!r}": (
        "порядок марковской модели должен быть целым числом от 1 до {max}, указано {order!r}"
    ),
    "repeats must be keep or collapse, got {value!r}": (
        "repeats должно быть keep или collapse, указано {value!r}"
    ),
    "too many channels ({n}) for a Markov model of order {order}": (
        "слишком много каналов ({n}) для марковской модели порядка {order}"
    ),
    "unknown model {name!r}: use {choices}": "неизвестная модель {name!r}: используйте {choices}",
    "Multi-touch attribution: the conversions and value each channel earns.": (
        "Мультиканальная атрибуция: конверсии и ценность, которые приносит каждый канал."
    ),
    "{paths} paths, {conversions:,.0f} conversions, value {value:,.2f}": (
        "путей: {paths}, конверсий: {conversions:,.0f}, ценность: {value:,.2f}"
    ),
    "Attributed conversions by model": "Конверсии по моделям атрибуции",
    "Attributed value by model": "Ценность конверсий по моделям атрибуции",
    "Channel": "Канал",
    "Conversions": "Конверсии",
    "Share": "Доля",
    "Value": "Ценность",
    "Removal effect": "Эффект удаления",
    "a path file has no touch times": "в файле путей нет времени касаний",
    "Attribution: {model}": "Атрибуция: {model}",
    "first, last, last-non-direct, linear, time-decay, position, markov "
    "(or another registered model), or all to compare them.": (
        "first, last, last-non-direct, linear, time-decay, position, markov "
        "(или другая зарегистрированная модель) либо all, чтобы сравнить все."
    ),
    "Markov order: how many touches a state remembers.": (
        "Порядок марковской модели: сколько касаний помнит состояние."
    ),
    "Credit channels or touchpoints (events only).": (
        "Кому начислять: каналам или точкам контакта (только для событий)."
    ),
    "Keep touches at most this long before a conversion (none: all).": (
        "Учитывать касания не раньше этого срока до конверсии (none — все)."
    ),
    "Time decay: half-life in days.": "Затухание во времени: период полураспада в днях.",
    "Read a path table (ChannelAttribution CSV) instead of the workspace.": (
        "Прочитать таблицу путей (CSV в формате ChannelAttribution) вместо рабочей области."
    ),
    "Separator between the touches of a path in --paths.": (
        "Разделитель касаний в пути для --paths."
    ),
    "{model} skipped: {reason}": "модель {model} пропущена: {reason}",
    "{model} needs touch times: run it on the workspace's events": (
        "модели {model} нужно время касаний: запустите её на событиях рабочей области"
    ),
}
