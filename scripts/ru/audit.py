"""Russian for touchpoint audits, competitors, gaps, the improvement plan and `touchpath audit`.

The lead merges it into the catalogue.
"""

RU = {
    "Touchpoint audits, competitors, gaps and the improvement plan.": (
        "Аудит точек контакта, конкуренты, пробелы и план улучшений."
    ),
    "{option}: {value!r} is not a date YYYY-MM-DD": "{option}: {value!r} — не дата ГГГГ-ММ-ДД",
    "Audit files (.csv, .yaml); each goes in whole or not at all.": (
        "Файлы аудитов (.csv, .yaml); каждый загружается целиком или не загружается вовсе."
    ),
    "Replace an audit already stored (same date, auditor, subject).": (
        "Заменить уже сохранённый аудит (та же дата, аудитор и объект)."
    ),
    "{file}: {audits} audits, {scores} scores imported": (
        "{file}: загружено аудитов — {audits}, оценок — {scores}"
    ),
    "Where to write (.csv or .yaml); - for stdout.": (
        "Куда записать (.csv или .yaml); - — в стандартный вывод."
    ),
    "Only audits of ours or of this competitor.": (
        "Только аудиты наших точек (ours) или этого конкурента."
    ),
    "csv or yaml (default: from the file name).": "csv или yaml (по умолчанию — по имени файла).",
    "--format: use csv or yaml": "--format: укажите csv или yaml",
    "{audits} audits written to {file}": "аудитов записано в {file}: {audits}",
    "Audits": "Аудиты",
    "touchpoint, stage, chain or parameter.": "touchpoint, stage, chain или parameter.",
    "ours or a competitor id (default: all).": "ours или id конкурента (по умолчанию — все).",
    "Score with the audits up to this date.": "Оценить по аудитам до этой даты.",
    "--by: use touchpoint, stage, chain or parameter": (
        "--by: укажите touchpoint, stage, chain или parameter"
    ),
    "unknown subject {value!r}: use {known}": "неизвестный объект {value!r}: укажите {known}",
    "Audit scores by {by} (0..1; — = missing)": "Оценки аудита по {by} (0..1; — = нет данных)",
    "Ours against competitors (0..1)": "Мы и конкуренты (0..1)",
    "Missing touchpoints": "Пропущенные точки контакта",
    "Missed channels (our audience is there, we are not)": (
        "Упущенные каналы (наша аудитория там есть, нас — нет)"
    ),
    "Touchpoints by type": "Точки контакта по типам",
    "{file}: not valid YAML": "{file}: некорректный YAML",
    "no event data ({reason}): importance from the audit alone": (
        "нет данных о событиях ({reason}): важность — только по аудиту"
    ),
    "Also write the plan to this CSV file.": "Также записать план в этот CSV-файл.",
    "Also write the plan to this Markdown file.": "Также записать план в этот Markdown-файл.",
    "YAML file with the weights of the impact formula.": "YAML-файл с весами формулы влияния.",
    "Weigh importance with the events (attribution, reach, drop-off).": (
        "Учитывать в важности события (атрибуцию, охват, уход после точки)."
    ),
    "Show only the first N items.": "Показать только первые N пунктов.",
    "Improvement plan (impact = importance × gap × negativity)": (
        "План улучшений (влияние = важность × разрыв × негатив)"
    ),
    "The plan item key, e.g. improve:support_chat.": (
        "Ключ пункта плана, например improve:support_chat."
    ),
    "Who does it.": "Кто выполняет.",
    "By when (YYYY-MM-DD).": "К какому сроку (ГГГГ-ММ-ДД).",
    "open, in_progress, done or dropped.": "open, in_progress, done или dropped.",
    "A note.": "Заметка.",
    "{key}: {status}": "{key}: {status}",
    "Show one channel's parameters.": "Показать параметры одного канала.",
    "Write the checklists to this YAML file.": "Записать чек-листы в этот YAML-файл.",
    "Use the checklists of this YAML file.": "Использовать чек-листы из этого YAML-файла.",
    "Go back to the default checklists.": "Вернуться к чек-листам по умолчанию.",
    "Audit checklists": "Чек-листы аудита",
    "the audit of {subject} on {date} by {auditor} is already stored "
    "(import with --replace to replace it)": (
        "аудит {subject} от {date}, аудитор {auditor}, уже сохранён "
        "(загрузите с --replace, чтобы заменить его)"
    ),
    "there is no audit {id}": "нет аудита {id}",
    "unknown status {status!r}; choose {choices}": (
        "неизвестный статус {status!r}; выберите {choices}"
    ),
    "a plan item key has 1 to 200 characters": "ключ пункта плана — от 1 до 200 символов",
    "Improve": "Улучшить",
    "Audit": "Аудит",
    "open": "открыт",
    "in progress": "в работе",
    "done": "сделано",
    "dropped": "отменён",
    "No events yet: importance comes from the audit alone.": (
        "Событий пока нет: важность считается только по аудиту."
    ),
    "There is no such plan item.": "Такого пункта плана нет.",
    "Due date: {value!r} is not a date YYYY-MM-DD": "Срок: {value!r} — не дата ГГГГ-ММ-ДД",
    "Unknown status.": "Неизвестный статус.",
    "{key}: saved ({status}).": "{key}: сохранено ({status}).",
    "no capture point: nothing turns a prospect into a customer": (
        "нет точки захвата: ничто не превращает потенциального клиента в покупателя"
    ),
    "the last step {step!r} is not a final chord": "последний шаг {step!r} — не последний аккорд",
    "the final chord leads into no new chain": "последний аккорд не ведёт в новую цепочку",
    "steps we do not have yet: {steps}": "шаги, которых у нас ещё нет: {steps}",
    "is empty": "не заполнено",
    "longer than {n} characters": "длиннее {n} символов",
    "{value!r} is not a date YYYY-MM-DD": "{value!r} — не дата ГГГГ-ММ-ДД",
    "unknown subject {value!r}: use ours or a competitor ({known})": (
        "неизвестный объект {value!r}: укажите ours или конкурента ({known})"
    ),
    "unknown touchpoint {value!r}": "неизвестная точка контакта {value!r}",
    "we do not have {value!r} (its status is missing): audit it at a competitor": (
        "у нас нет {value!r} (статус missing): оценивайте её у конкурента"
    ),
    "a link starts with http:// or https://": "ссылка начинается с http:// или https://",
    "duplicate of {other}: {touchpoint}/{parameter} scored twice in one audit": (
        "повтор строки {other}: {touchpoint}/{parameter} оценён дважды в одном аудите"
    ),
    "{value!r} is not on the {channel} checklist ({known})": (
        "{value!r} нет в чек-листе канала {channel} ({known})"
    ),
    "the header has no column {column!r}": "в заголовке нет столбца {column!r}",
    "unknown column; expected {columns}": "неизвестный столбец; ожидаются {columns}",
    "row {n}": "строка {n}",
    "more cells than columns": "ячеек больше, чем столбцов",
    "the file has no scores": "в файле нет оценок",
    "line {n}": "строка {n}",
    "not valid YAML": "некорректный YAML",
    "expected a list of audits": "ожидается список аудитов",
    "expected a mapping": "ожидается словарь (ключ: значение)",
    "unknown field": "неизвестное поле",
    "expected a list of scores": "ожидается список оценок",
    "not UTF-8 text": "не текст в UTF-8",
    "expected a .csv, .yaml or .yml file": "ожидается файл .csv, .yaml или .yml",
    "{name}: not audited yet; audit it to learn its gap.": (
        "{name}: ещё не оценена; проведите аудит, чтобы узнать разрыв."
    ),
    "{competitor} ({score})": "{competitor} ({score})",
    "the target {target}": "цели {target}",
    "{name}: audit score {score}, {gap} short of {reference}.": (
        "{name}: оценка аудита {score}, на {gap} ниже, чем у {reference}."
    ),
    "Weakest: {params}.": "Слабее всего: {params}.",
    "{share} of customer feedback about it is negative.": (
        "{share} отзывов клиентов о ней негативные."
    ),
    "{name}: we do not have it ({status}).": "{name}: у нас её нет ({status}).",
    "Offered by {who}.": "Есть у: {who}.",
    "Best competitor audit score {score}.": "Лучшая оценка конкурента {score}.",
    "Our audience uses the {channel} channel.": "Наша аудитория пользуется каналом {channel}.",
    "conversions happen here": "здесь происходят конверсии",
    "{share} of attributed conversions": "{share} атрибутированных конверсий",
    "reaches {share} of customers": "охватывает {share} клиентов",
    "{share} leave right after it": "{share} уходят сразу после неё",
    "Importance from its role and chains only (no event data).": (
        "Важность — только по роли и цепочкам (нет данных о событиях)."
    ),
    "It matters: {facts}.": "Почему важно: {facts}.",
    "yes": "да",
    "{value}{unit}, target {target}{unit}": "{value}{unit}, цель {target}{unit}",
    "Rank": "Место",
    "Item": "Пункт",
    "Impact": "Влияние",
    "Importance": "Важность",
    "Gap": "Разрыв",
    "Negativity": "Негатив",
    "Due": "Срок",
    "impact = importance × gap × negativity (see docs/audit.md for the weights).": (
        "влияние = важность × разрыв × негатив (веса — в docs/audit.md)."
    ),
    "not audited": "не оценено",
    "Walk the customer's path yourself and the competitors' paths (mystery shopping), score "
    "every touchpoint by its checklist, and see where we stand. Scores are weighted means of "
    "the parameters that were checked, from 0 to 100%; a dash means not audited, never zero.": (
        "Пройдите путь клиента сами и путь конкурентов (тайный покупатель), оцените каждую "
        "точку по её чек-листу и посмотрите, где мы находимся. Оценка — взвешенное среднее "
        "проверенных параметров от 0 до 100 %; прочерк означает «не оценено», а не ноль."
    ),
    "No audits yet": "Аудитов пока нет",
    "Fill in an audit as CSV (date, auditor, subject, touchpoint, parameter, value, evidence, "
    "link) or YAML and import it below, or from the command line:": (
        "Заполните аудит в CSV (date, auditor, subject, touchpoint, parameter, value, evidence, "
        "link) или YAML и загрузите его ниже или из командной строки:"
    ),
    "Ours against competitors": "Мы и конкуренты",
    "Touchpoints × competitors": "Точки контакта × конкуренты",
    "Scores by touchpoint": "Оценки по точкам контакта",
    "Best in class": "Лучший",
    "Gap to the best competitor": "Разрыв с лучшим конкурентом",
    "By stage": "По этапам",
    "By chain (ours)": "По цепочкам (наши)",
    "Score": "Оценка",
    "Audited": "Оценено",
    "Touchpoints we lack (status missing, or planned while a competitor has one), with what "
    "the audits saw at the competitors.": (
        "Точки, которых у нас нет (статус missing или planned, когда у конкурента она есть), "
        "и что аудиторы увидели у конкурентов."
    ),
    "Offered by": "Есть у",
    "Their best score": "Их лучшая оценка",
    "Evidence": "Подтверждение",
    "None: we have every touchpoint the competitors were seen to offer.": (
        "Нет: у нас есть все точки, которые замечены у конкурентов."
    ),
    "Missed channels": "Упущенные каналы",
    "Channels where our audience is and we have no active touchpoint.": (
        "Каналы, где есть наша аудитория, но нет нашей активной точки контакта."
    ),
    "planned or missing here: {items}": "запланировано или пропущено: {items}",
    "competitors present: {items}": "здесь есть конкуренты: {items}",
    "None.": "Нет.",
    "capture point and final chord in place; leads into the next chain.": (
        "точка захвата и последний аккорд на месте; ведёт в следующую цепочку."
    ),
    "Type": "Тип",
    "Count": "Количество",
    "Mean score": "Средняя оценка",
    "attention not set": "внимание не указано",
    "lifetime not set": "длительность не указана",
    "capture points": "точки захвата",
    "final chords": "последние аккорды",
    "wow points": "вау-точки",
    "Audit history": "История аудитов",
    "Export CSV": "Выгрузить CSV",
    "Export YAML": "Выгрузить YAML",
    "Date": "Дата",
    "Subject": "Объект",
    "Auditor": "Аудитор",
    "Scores": "Оценки",
    "Not checked": "Не проверено",
    "Notes": "Заметки",
    "Delete": "Удалить",
    "No audits stored.": "Сохранённых аудитов нет.",
    "Import audits": "Загрузить аудиты",
    "File (.csv, .yaml)": "Файл (.csv, .yaml)",
    "replace audits already stored": "заменить уже сохранённые аудиты",
    "Import": "Загрузить",
    "A file goes in whole or not at all: a wrong row (unknown touchpoint, a score outside its "
    "scale, a duplicate) is named and nothing is stored.": (
        "Файл загружается целиком или не загружается вовсе: ошибочная строка (неизвестная "
        "точка, оценка вне шкалы, повтор) будет названа, и ничего не сохранится."
    ),
    "Export Markdown": "Выгрузить Markdown",
    "What to fix first. Every touchpoint is ranked by impact = importance × gap × negativity: "
    "importance from the data (attribution share, reach, drop-off after it) or from its role in "
    "the chains; the gap to the target score or to the best competitor; negativity from "
    "customer feedback.": (
        "Что исправлять в первую очередь. Каждая точка ранжирована по влиянию = важность × "
        "разрыв × негатив: важность — по данным (доля в атрибуции, охват, уход после точки) "
        "или по роли в цепочках; разрыв — до целевой оценки или до лучшего конкурента; "
        "негатив — по отзывам клиентов."
    ),
    "Evidence used: {sources}.": "Использованы данные: {sources}.",
    "No event data or feedback: importance comes from the audit alone.": (
        "Нет событий и отзывов: важность считается только по аудиту."
    ),
    "Target score {target}; weights: attribution {a}, reach {r}, drop-off {d}, structure {s}, "
    "competitors {c}, audience {au}, negativity {n}.": (
        "Целевая оценка {target}; веса: атрибуция {a}, охват {r}, уход {d}, структура {s}, "
        "конкуренты {c}, аудитория {au}, негатив {n}."
    ),
    "No items: import audits of our touchpoints and the competitors' first.": (
        "Пунктов нет: сначала загрузите аудиты наших точек и точек конкурентов."
    ),
    "Why": "Почему",
    "Our audit scores over time": "Наши оценки аудита во времени",
    "Our weakest touchpoints over time": "Наши самые слабые точки во времени",
    "Each point is the score after one of our audits (a touchpoint not audited again keeps "
    "its earlier score).": (
        "Каждая точка графика — оценка после одного из наших аудитов (точка, которую не "
        "проверяли снова, сохраняет прежнюю оценку)."
    ),
    "attribution share": "доля в атрибуции",
    "reach": "охват",
    "drop-off after the touchpoint": "уход после точки",
    "negative feedback": "негативные отзывы",
    "Owner, due date, status": "Ответственный, срок, статус",
    "Due date": "Срок",
    "Ours": "Мы",
    "The file is larger than 5 MB.": "Файл больше 5 МБ.",
    "Choose a .csv or .yaml file to import.": "Выберите файл .csv или .yaml для загрузки.",
    "There is no such audit.": "Такого аудита нет.",
    "Audit deleted.": "Аудит удалён.",
    "Audit scores: ours against competitors": "Оценки аудита: мы и конкуренты",
    "Audit scores by touchpoint and subject": "Оценки аудита по точкам и объектам",
    "median time to first reply over {n} tasks (p90 {p90:.0f} s)": (
        "медиана времени до первого ответа по {n} задачам (p90 {p90:.0f} с)"
    ),
}
