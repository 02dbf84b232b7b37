"""Russian for attribution/shapley.py, bootstrap.py, compare.py and charts/attribution.py.

Merge with ``python scripts/translate.py scripts/ru/attribution_shapley.py``.
"""

RU = {
    "exact Shapley values need 2^n channel subsets: {n} channels is too many "
    "(at most {limit}); use method='permutation'": (
        "точный расчёт значений Шепли перебирает 2^n подмножеств каналов: {n} каналов — "
        "слишком много (не больше {limit}); используйте method='permutation'"
    ),
    "unknown Shapley game {game!r}: use conversions or rate": (
        "неизвестная игра Шепли {game!r}: используйте conversions или rate"
    ),
    "unknown Shapley method {method!r}: use auto, exact or permutation": (
        "неизвестный метод Шепли {method!r}: используйте auto, exact или permutation"
    ),
    "n_permutations must be at least 2": "n_permutations должно быть не меньше 2",
    "n_boot must be at least 2": "n_boot должно быть не меньше 2",
    "level must be between 0 and 1, got {level}": (
        "уровень доверия должен быть между 0 и 1, получено {level}"
    ),
    "unknown bootstrap unit {unit!r}: use path or row": (
        "неизвестная единица бутстрэпа {unit!r}: используйте path или row"
    ),
    "the path table has no conversions to attribute": (
        "в таблице путей нет конверсий, которые можно распределить"
    ),
    "no models to compare": "нет моделей для сравнения",
    "the comparison has no column {column}": "в сравнении нет столбца {column}",
    "unknown chart metric {metric!r}": "неизвестный показатель графика {metric!r}",
    "Attributed conversions": "Атрибутированные конверсии",
    "Share of conversions": "Доля конверсий",
    "Attributed conversion value": "Атрибутированная ценность конверсий",
    "Share of conversion value": "Доля ценности конверсий",
    "Attribution by model": "Атрибуция по моделям",
    "Channel": "Канал",
    "Model": "Модель",
}
