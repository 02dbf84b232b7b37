"""Russian for the voice of the customer: feedback import, KPIs, alerts, the "voice" page.

The lead merges it into the catalogue.
"""

RU = {
    "Acknowledge": "Принять",
    "After": "После",
    "Alert": "Сигнал",
    "Alert {id}: {status}.": "Сигнал {id}: {status}.",
    "Alerts": "Сигналы",
    "Answers": "Ответы",
    "Before": "До",
    "CES dropped": "CES упал",
    "CSAT dropped": "CSAT упал",
    "NPS dropped": "NPS упал",
    "CSV or JSON Lines file of answers.": "Файл ответов CSV или JSON Lines.",
    "Choose a .csv or .jsonl file to import.": "Выберите файл .csv или .jsonl для импорта.",
    "Close": "Закрыть",
    "Column mapping (.yaml, optional)": "Сопоставление столбцов (.yaml, необязательно)",
    "Column mapping of a survey export (YAML), see docs/voc.md.": (
        "Сопоставление столбцов выгрузки опроса (YAML), см. docs/voc.md."
    ),
    "Columns: feedback_id, customer_id, ts, touchpoint, stage, channel, kind (nps, csat, ces, "
    "stars, text), score, text, language. Re-importing adds nothing; a bad row is quarantined "
    "with its line, field and reason, never lost.": (
        "Столбцы: feedback_id, customer_id, ts, touchpoint, stage, channel, kind (nps, csat, "
        "ces, stars, text), score, text, language. Повторный импорт ничего не добавляет; "
        "ошибочная строка уходит в карантин с номером строки, полем и причиной и не теряется."
    ),
    "Customer feedback: survey answers (NPS, CSAT, CES, stars) and reviews.": (
        "Обратная связь клиентов: ответы на опросы (NPS, CSAT, CES, звёзды) и отзывы."
    ),
    "Customers' reactions by touchpoint": "Реакции клиентов по точкам контакта",
    "Details": "Подробности",
    "Duplicates": "Дубликаты",
    "Feedback imports": "Импорт отзывов",
    "Feedback stored: {n:,}": "Отзывов в базе: {n:,}",
    "Field": "Поле",
    "File": "Файл",
    "File (.csv, .jsonl)": "Файл (.csv, .jsonl)",
    "Group by": "Группировать по",
    "How customers feel about each touchpoint: NPS (promoters 9–10 minus detractors 0–6), "
    "CSAT (share of 4–5 answers) and CES (mean effort score, 7 = very easy), each with its "
    "interval (95%); the share of positive, neutral and negative reactions from ratings and "
    "review texts; and alerts where many reactions are negative or a score dropped "
    "significantly.": (
        "Как клиенты относятся к каждой точке контакта: NPS (промоутеры 9–10 минус критики "
        "0–6), CSAT (доля ответов 4–5) и CES (средняя оценка усилий, 7 — очень легко), каждый "
        "с 95-процентным интервалом; доли позитивных, нейтральных и негативных реакций по "
        "оценкам и текстам отзывов; и сигналы, где негативных реакций много или показатель "
        "значимо упал."
    ),
    "Import feedback": "Импорт отзывов",
    "Import survey answers (NPS 0–10, CSAT 1–5, CES 1–7, star ratings) and reviews as CSV or "
    "JSON Lines below, or from the command line:": (
        "Импортируйте ответы на опросы (NPS 0–10, CSAT 1–5, CES 1–7, звёзды) и отзывы в CSV "
        "или JSON Lines ниже или из командной строки:"
    ),
    "Imported": "Загружено",
    "Intervals: NPS from the variance of the promoter/detractor difference, CSAT by Wilson's "
    "score method, CES by Student's t. Response rate = rated answers / survey invitations, "
    "where invitations were imported.": (
        "Интервалы: NPS — по дисперсии разности долей промоутеров и критиков, CSAT — методом "
        "Уилсона, CES — по t-распределению Стьюдента. Доля ответивших = ответы с оценкой / "
        "приглашения к опросу, если приглашения импортированы."
    ),
    "KPI trends with intervals (95%)": "Динамика показателей с 95-процентными интервалами",
    "KPIs, grouped by: {group}": "Показатели, группировка: {group}",
    "Line": "Строка",
    "Metric": "Показатель",
    "NPS answers by score": "Ответы NPS по оценкам",
    "NPS answers by score (n = {n})": "Ответы NPS по оценкам (n = {n})",
    "NPS by period ({period}), with intervals (95%)": (
        "NPS по периодам ({period}) с 95-процентными интервалами"
    ),
    "Negative": "Негативные",
    "Neutral": "Нейтральные",
    "Positive": "Позитивные",
    "No alerts: no touchpoint has many negative reactions or a significant drop.": (
        "Сигналов нет: ни у одной точки контакта нет ни большой доли негатива, ни значимого "
        "падения."
    ),
    "No feedback stored yet: import some with `touchpath feedback import FILE`.": (
        "Отзывов пока нет: импортируйте их командой `touchpath feedback import ФАЙЛ`."
    ),
    "No feedback yet": "Отзывов пока нет",
    "No significant change between the last two periods (p < 0.05).": (
        "Значимых изменений между двумя последними периодами нет (p < 0,05)."
    ),
    "None: no KPI changed significantly (p < 0.05, at least 10 answers in each period).": (
        "Нет: ни один показатель не изменился значимо (p < 0,05, не менее 10 ответов в каждом "
        "периоде)."
    ),
    "Only alerts with this status (open, acknowledged, closed).": (
        "Только сигналы с этим статусом (open, acknowledged, closed)."
    ),
    "Only this import.": "Только этот импорт.",
    "Quarantined": "В карантине",
    "Quarantined feedback rows": "Строки отзывов в карантине",
    "Quarantined rows": "Строки в карантине",
    "Raised": "Создан",
    "Reactions, grouped by: {group}": "Реакции, группировка: {group}",
    "Read": "Прочитано",
    "Reason": "Причина",
    "Response rate": "Доля ответивших",
    "Row": "Строка",
    "Run the negative-share and KPI-drop checks first.": (
        "Сначала проверить долю негатива и падение показателей."
    ),
    "See them with: touchpath feedback quarantine": (
        "Посмотреть их: touchpath feedback quarantine"
    ),
    "Significant changes between the last two periods": (
        "Значимые изменения между двумя последними периодами"
    ),
    "Significant changes between the last two periods (p < 0.05)": (
        "Значимые изменения между двумя последними периодами (p < 0,05)"
    ),
    "The alert's id.": "Номер сигнала.",
    "The file is larger than 50 MB.": "Файл больше 50 МБ.",
    "The mapping is larger than 64 KB.": "Сопоставление больше 64 КБ.",
    "There is no such alert.": "Такого сигнала нет.",
    "Voice of the customer: {n:,} answers": "Голос клиента: ответов — {n:,}",
    "Voice-of-the-customer KPIs per touchpoint, stage or channel: NPS, CSAT and CES with "
    "intervals (95%), reaction shares, and the change between the last two periods.": (
        "Показатели голоса клиента по точкам контакта, этапам или каналам: NPS, CSAT и CES с "
        "95-процентными интервалами, доли реакций и изменение между двумя последними периодами."
    ),
    "When": "Когда",
    "a kind is required ({kinds})": "нужен тип ответа ({kinds})",
    "a line must be a JSON object": "строка должна быть JSON-объектом",
    "a text review has no score; give a kind": "у текстового отзыва нет оценки; укажите тип",
    "a text review needs a text": "у текстового отзыва должен быть текст",
    "a time is required": "нужно время",
    "a {kind} answer needs a score": "у ответа {kind} должна быть оценка",
    "acknowledged": "принят",
    "closed": "закрыт",
    "after": "после",
    "before": "до",
    "alert {id}: {status}": "сигнал {id}: {status}",
    "an id is required": "нужен идентификатор",
    "answers": "ответы",
    "duplicates": "дубликаты",
    "from": "с",
    "to": "по",
    "imported": "загружено",
    "invalid bytes for the file's encoding": "недопустимые байты для кодировки файла",
    "many negative reactions": "много негативных реакций",
    "message": "сообщение",
    "metric": "показатель",
    "month, week or quarter: one row per period.": (
        "month, week или quarter: по строке на период."
    ),
    "no alert {id}": "сигнала {id} нет",
    "not valid JSON: {msg}": "некорректный JSON: {msg}",
    "open, acknowledged or closed.": "open, acknowledged или closed.",
    "period": "период",
    "quarantined": "в карантине",
    "read": "прочитано",
    "response rate": "доля ответивших",
    "score": "оценка",
    "score {score}: {n} answers": "оценка {score}: ответов — {n}",
    "the file lists survey invitations": "в файле — приглашения к опросу",
    "touchpoint, stage, channel or all.": "touchpoint, stage, channel или all.",
    "unknown channel {value!r}": "неизвестный канал {value!r}",
    "unknown grouping {by!r} (touchpoint, stage, channel, all)": (
        "неизвестная группировка {by!r} (touchpoint, stage, channel, all)"
    ),
    "unknown period {p!r} (month, week, quarter)": (
        "неизвестный период {p!r} (month, week, quarter)"
    ),
    "unknown stage {value!r}": "неизвестный этап {value!r}",
    "unknown status {s!r} (open, acknowledged, closed)": (
        "неизвестный статус {s!r} (open, acknowledged, closed)"
    ),
    "wrong number of columns: {n} instead of {m}": "неверное число столбцов: {n} вместо {m}",
    "{file}: cannot tell the format from the name; set format: csv or jsonl in a mapping": (
        "{file}: по имени не понять формат; укажите format: csv или jsonl в сопоставлении"
    ),
    "{file}: import .csv or .jsonl files": "{file}: импортируйте файлы .csv или .jsonl",
    "{file}: no such file": "{file}: файла нет",
    "{file}: the file is empty": "{file}: файл пуст",
    "{file}: {read} rows read, {imported} imported, {dup} duplicates, {bad} quarantined": (
        "{file}: прочитано строк — {read}, загружено — {imported}, дубликатов — {dup}, "
        "в карантине — {bad}"
    ),
    "{file}:1: repeated column names": "{file}:1: повторяющиеся названия столбцов",
    "{metric} by period, with intervals (95%)": "{metric} по периодам с 95-процентными интервалами",
    "{metric}: {before} → {after} ({p_from} → {p_to}), p = {p}": (
        "{metric}: {before} → {after} ({p_from} → {p_to}), p = {p}"
    ),
    "{n} answers": "ответов: {n}",
    "{share} of {n} reactions negative in {days} days (threshold {threshold})": (
        "{share} из {n} реакций негативные за {days} дн. (порог {threshold})"
    ),
    "{value!r} is not a feedback kind ({kinds})": "{value!r} — не тип ответа ({kinds})",
    "{value!r} is not a number": "{value!r} — не число",
    "{value!r} is not a time (expected {expected})": "{value!r} — не время (ожидается {expected})",
    "{value} is outside the {kind} scale {low}–{high}": "{value} вне шкалы {kind} {low}–{high}",
    "Also: who bought again after answering, by reaction (reads the events).": (
        "Ещё: кто купил снова после ответа, по реакциям (читает события)."
    ),
    "Bought again after answering, by reaction": "Купили снова после ответа, по реакциям",
}
