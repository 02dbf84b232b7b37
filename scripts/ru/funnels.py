"""Russian for the messages of funnels, their charts and ``touchpath funnel`` (lead merges it)."""

RU = {
    # analytics/funnels.py: user errors
    "the window must be longer than zero": "окно должно быть больше нуля",
    "a funnel needs at least one step": "в воронке должен быть хотя бы один шаг",
    "stage steps need the catalogue": "для шагов-этапов нужен каталог",
    "the segment breakdown needs the customers table": (
        "для разбивки по сегментам нужна таблица клиентов"
    ),
    "the segment breakdown needs the customers table: {error}": (
        "для разбивки по сегментам нужна таблица клиентов: {error}"
    ),
    "the default funnel (the journey stages) needs the catalogue": (
        "для воронки по умолчанию (этапы пути клиента) нужен каталог"
    ),
    "unknown funnel mode {mode!r}; choose one of: {choices}": (
        "неизвестный режим воронки {mode!r}; выберите один из: {choices}"
    ),
    "unknown breakdown {by!r}; choose one of: {choices}": (
        "неизвестная разбивка {by!r}; выберите одну из: {choices}"
    ),
    "a funnel has at most {n} steps": "в воронке может быть не больше {n} шагов",
    "unknown stage {id!r}; known stages: {known}": ("неизвестный этап {id!r}; есть этапы: {known}"),
    "bad window {value!r}: write a number and a unit, e.g. 30d, 12h or 90m": (
        "неверное окно {value!r}: укажите число и единицу, например 30d, 12h или 90m"
    ),
    "step {n} has no condition": "у шага {n} нет условия",
    "step {n}": "шаг {n}",
    "unknown touchpoint {id!r}": "неизвестная точка контакта {id!r}",
    "--steps is empty: give at least one step": "--steps пуст: укажите хотя бы один шаг",
    # time-to-convert bins
    "under 1 min": "меньше 1 мин",
    "{a}–{b} min": "{a}–{b} мин",
    "{a}–{b} h": "{a}–{b} ч",
    "{a}–{b} days": "{a}–{b} дн.",
    "{n} days and more": "{n} дн. и больше",
    # charts/funnels.py
    "Funnel": "Воронка",
    "Step": "Шаг",
    "Group": "Группа",
    "Time to convert from the first step": "Время от первого шага",
    "Time from the first step": "Время от первого шага",
    "Customers": "Клиенты",
    "Step reached": "Достигнутый шаг",
    "All customers": "Все клиенты",
    "(none)": "(нет)",
    "{n}. {label}": "{n}. {label}",
    # commands/funnel.py: tables
    "ordered": "по порядку",
    "strict order": "строгий порядок",
    "any order": "любой порядок",
    "channel": "канал",
    "campaign": "кампания",
    "segment": "сегмент",
    "cohort": "когорта",
    "Conversion": "Конверсия",
    "From previous": "От предыдущего",
    "From first": "От первого",
    "Drop-off": "Ушли",
    "Drop-off rate": "Доля ушедших",
    "Median time": "Медиана времени",
    "90% within": "90% быстрее",
    "Funnel ({mode})": "Воронка ({mode})",
    "window {window}": "окно {window}",
    "By {by} (customers at each step)": "По полю «{by}» (клиенты на каждом шаге)",
    "{n} s": "{n} с",
    "{n} min": "{n} мин",
    "{h} h {m} min": "{h} ч {m} мин",
    "{d} d {h} h": "{d} дн. {h} ч",
    "{n} d": "{n} дн.",
    "chart written to {path}": "график записан в {path}",
    # commands/funnel.py: help
    "Customers through ordered steps (touchpoints or stages): conversion, drop-off and time "
    "to convert. Without --steps: the journey stages.": (
        "Клиенты по шагам воронки (точки контакта или этапы): конверсия, уход и время до "
        "шага. Без --steps — этапы пути клиента."
    ),
    "Comma-separated touchpoint ids (stage ids with --stages).": (
        "Идентификаторы точек контакта через запятую (с --stages — этапов)."
    ),
    "Read --steps and --exclude as stage ids.": "Считать --steps и --exclude этапами.",
    "ordered (other events may come between), strict (the very next event) or any (any order).": (
        "ordered (между шагами могут быть другие события), strict (шаг — следующее же "
        "событие) или any (в любом порядке)."
    ),
    "Conversion window from step 1, e.g. 30d, 12h, 90m.": (
        "Окно конверсии от первого шага, например 30d, 12h, 90m."
    ),
    "Break down by channel, campaign, segment or cohort (first-touch month).": (
        "Разбивка по каналу, кампании, сегменту или когорте (месяц первого касания)."
    ),
    "Comma-separated steps that remove a customer from the funnel.": (
        "Шаги через запятую, после которых клиент исключается из воронки."
    ),
}
