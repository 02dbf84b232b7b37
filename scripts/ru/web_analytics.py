"""Russian for the analytics pages of the web app: funnel, paths, discovered journey,
attribution, retention (merge: scripts/translate.py)."""

RU = {
    # form checks and words every page uses
    "{field}: {value} is not one of: {choices}": (
        "{field}: {value} — нет среди допустимых: {choices}"
    ),
    "{field}: write a whole number from {low} to {high} (got {value})": (
        "{field}: укажите целое число от {low} до {high} (указано {value})"
    ),
    "{field}: answer 1 (yes) or 0 (no), not {value}": (
        "{field}: укажите 1 (да) или 0 (нет), а не {value}"
    ),
    "{field}: there is no touchpoint {value} in the catalogue": (
        "{field}: в каталоге нет точки контакта {value}"
    ),
    "Please correct the form:": "Исправьте форму:",
    "No events yet": "Событий пока нет",
    (
        "This page is computed from the workspace's events, and there are none yet. Import a "
        "file of events (CSV, JSON lines or Parquet) whose rows are mapped to touchpoints:"
    ): (
        "Эта страница строится по событиям рабочей области, а их пока нет. Загрузите файл "
        "событий (CSV, JSON Lines или Parquet), строки которого сопоставлены с точками контакта:"
    ),
    "(no channel)": "(без канала)",
    "(none)": "(нет)",
    "Show": "Показать",
    "Reset": "Сбросить",
    "Step": "Шаг",
    "Step {n}": "Шаг {n}",
    "steps": "шагов",
    "none": "нет",
    "no": "нет",
    "any": "любая",
    "repeat": "повтор",
    "converted": "купили",
    "conversion rate": "конверсия",
    # funnel
    "Steps: choose at least one step": "Шаги: выберите хотя бы один шаг",
    "Steps: a funnel has at most {n} steps": "Шаги: в воронке не больше {n} шагов",
    "Step {n}: there is no stage or touchpoint {value} in the catalogue": (
        "Шаг {n}: в каталоге нет этапа или точки контакта {value}"
    ),
    "Window: {message}": "Окно: {message}",
    "Step order": "Порядок шагов",
    "Breakdown": "Разбивка",
    "ordered: in this order, other touches between allowed": (
        "по порядку: в этом порядке, другие касания между шагами допустимы"
    ),
    "strict: each step right after the previous one": "строго: каждый шаг сразу после предыдущего",
    "any order: every step, in whatever order": "в любом порядке: все шаги, порядок не важен",
    "channel of the first step": "канал первого шага",
    "campaign of the first step": "кампания первого шага",
    "cohort (month of the first touch)": "когорта (месяц первого касания)",
    (
        "How many customers pass each step, where they leave and how long they take. A customer "
        "enters at their first touch of step 1."
    ): (
        "Сколько клиентов проходит каждый шаг, где они уходят и сколько времени им нужно. Клиент "
        "входит в воронку при первом касании шага 1."
    ),
    "Steps, in order": "Шаги по порядку",
    "Window": "Окно",
    (
        "Window: every step within this time of entering, e.g. 30d, 12h, 90m or 2w; empty for no "
        "limit."
    ): (
        "Окно: каждый шаг — не позже этого срока после входа, например 30d, 12h, 90m или 2w; "
        "пусто — без ограничения."
    ),
    "Nobody reached the first step": "Первого шага не достиг никто",
    (
        "No event of the workspace matches step 1. Choose another first step, or map events to "
        "its touchpoints (a stage counts the touchpoints that serve it in the catalogue)."
    ): (
        "Ни одно событие рабочей области не подходит к шагу 1. Выберите другой первый шаг или "
        "сопоставьте события с его точками контакта (этап включает точки, которые относятся к "
        "нему в каталоге)."
    ),
    "{entered} customers entered, {finished} reached the last step.": (
        "Вошли {entered} клиентов, до последнего шага дошли {finished}."
    ),
    "from previous": "от предыдущего",
    "from first": "от первого",
    "dropped off": "ушли",
    "drop-off rate": "доля ушедших",
    "90% within": "90% быстрее",
    "Times are measured from the customer's step 1.": "Время отсчитывается от шага 1 клиента.",
    "(the six biggest groups)": "(шесть самых крупных групп)",
    "Time to convert from the first step": "Время от первого шага",
    "Nobody reached a second step yet, so there is no time to show.": (
        "Второго шага пока не достиг никто, поэтому времени показать нечего."
    ),
    "Group": "Группа",
    "first to last": "от первого до последнего",
    "{n} smaller groups are not shown.": "Не показано небольших групп: {n}.",
    "Nobody entered the funnel, so there are no groups.": "В воронку никто не вошёл, групп нет.",
    # paths
    "Collapse repeats": "Склеивать повторы",
    "Longest path": "Самый длинный путь",
    "Keep": "Оставлять",
    "Sankey steps": "Шагов на диаграмме",
    "all customers": "все клиенты",
    "who converted": "купившие",
    "who dropped off": "ушедшие",
    "stage": "этап",
    (
        "The journeys customers really take, step by step. A converted customer's path ends at "
        "their first conversion."
    ): (
        "Пути, которыми клиенты проходят на самом деле, шаг за шагом. Путь купившего клиента "
        "заканчивается на его первой конверсии."
    ),
    "yes: a a b → a b": "да: a a b → a b",
    "the first touch": "первого касания",
    "conversion or the last touch": "конверсии или последнего касания",
    "the first steps": "первые шаги",
    "the last steps": "последние шаги",
    "{customers} customers, {variants} different paths.": (
        "Клиентов: {customers}, разных путей: {variants}."
    ),
    "No customer's path matches these settings (check the From and To touchpoints).": (
        "Ни один путь не подходит под эти настройки (проверьте точки «От» и «До»)."
    ),
    "Sankey: the first {n} steps": "Диаграмма Сэнки: первые шаги ({n})",
    (
        "Each column is a step; paths end in conversion (green) or drop-off (red). {n} customers "
        "go on past the last step shown."
    ): (
        "Каждый столбец — шаг; пути заканчиваются конверсией (зелёный) или уходом (красный). "
        "Клиентов, чей путь продолжается дальше показанного: {n}."
    ),
    "No paths to draw.": "Нет путей для диаграммы.",
    "Touchpoint statistics": "Статистика точек контакта",
    "Over each customer's whole history ({n} customers).": (
        "По всей истории каждого клиента (клиентов: {n})."
    ),
    "reach": "охват",
    "average position": "средняя позиция",
    "first touch": "первое касание",
    "last touch": "последнее касание",
    "left after it": "ушли после неё",
    (
        "First and last touch: share of all customers whose path starts or ends there. Left "
        "after it: share of its customers whose last touch it was and who never converted."
    ): (
        "Первое и последнее касание: доля всех клиентов, чей путь здесь начинается или "
        "заканчивается. Ушли после неё: доля её клиентов, для которых она стала последним "
        "касанием и которые так и не купили."
    ),
    # discovered journey
    "Nodes": "Узлы",
    "At least": "Не меньше",
    "Arrows drawn": "Стрелок на графе",
    "Events without a touchpoint": "События без точки контакта",
    "touchpoints": "точки контакта",
    "channels": "каналы",
    (
        "What customers do next: every pair of consecutive touches is an arrow (the "
        "directly-follows graph), beside the chains you designed."
    ): (
        "Что клиенты делают дальше: каждая пара последовательных касаний — стрелка (граф "
        "непосредственного следования), рядом со спроектированными цепочками."
    ),
    "skip them": "пропускать",
    "show as a node": "показывать узлом",
    "At least: hide arrows with fewer transitions than this.": (
        "Не меньше: скрывать стрелки, у которых переходов меньше этого числа."
    ),
    "Directly-follows graph": "Граф переходов",
    "{customers} customers; {drawn} of {all} arrows drawn.": (
        "Клиентов: {customers}; показано стрелок: {drawn} из {all}."
    ),
    (
        "Earlier touchpoints on the left, later on the right; the thicker the arrow, the more "
        "transitions. Hover an arrow's dot or a touchpoint for the numbers."
    ): (
        "Ранние точки контакта слева, поздние справа; чем толще стрелка, тем больше переходов. "
        "Наведите на точку стрелки или на точку контакта, чтобы увидеть числа."
    ),
    "No arrow has that many transitions: lower the “At least” number.": (
        "Ни у одной стрелки нет столько переходов: уменьшите число «Не меньше»."
    ),
    "No chains are designed yet, so there is nothing to compare the real journeys with.": (
        "Цепочки ещё не спроектированы, поэтому реальные пути сравнивать не с чем."
    ),
    (
        "An analyst designs one on the Chains page: the touchpoints of one business process in "
        "order."
    ): (
        "Аналитик проектирует цепочку на странице «Цепочки»: точки контакта одного "
        "бизнес-процесса по порядку."
    ),
    "Open Chains": "Открыть цепочки",
    "followed": "прошли",
    (
        "Entered: touched the chain's first step. Followed: then reached every step in order "
        "(other touches allowed between). Exactly: nothing else between."
    ): (
        "Вошли: коснулись первого шага цепочки. Прошли: затем достигли всех шагов по порядку "
        "(другие касания между ними допустимы). Точно: без других касаний между шагами."
    ),
    "Nobody entered a designed chain yet.": "В спроектированные цепочки пока никто не вошёл.",
    "left here": "ушли здесь",
    "deviated": "отклонились",
    "Where they went instead": "Куда пошли вместо этого",
    "step {n}, instead of {expected}:": "шаг {n}, вместо «{expected}»:",
    "skipped ahead": "перескочили вперёд",
    "and {n} more.": "и ещё {n}.",
    "Nobody touched its first step yet.": "Первого шага пока никто не касался.",
    "Where journeys start": "Где начинаются пути",
    "Where journeys end": "Где заканчиваются пути",
    "Used, but in no chain": "Используются, но не входят в цепочки",
    "Every touchpoint in use is a step of a chain.": (
        "Каждая используемая точка — шаг какой-то цепочки."
    ),
    "{n} smaller transitions are not listed.": "Не показано небольших переходов: {n}.",
    "No transition has that many customers' moves.": (
        "Ни у одного перехода нет столько движений клиентов."
    ),
    # retention
    "Last day: write a date as YYYY-MM-DD, e.g. 2025-06-30 (got {value})": (
        "Последний день: укажите дату как ГГГГ-ММ-ДД, например 2025-06-30 (указано {value})"
    ),
    "Churned after": "Отток через",
    "month": "месяц",
    "week": "неделя",
    "quarter": "квартал",
    "Last day: {message}": "Последний день: {message}",
    (
        "Who buys again, who stays and who has lapsed. A purchase is a conversion event; a "
        "customer is active while their last purchase is more recent than the churn period."
    ): (
        "Кто покупает снова, кто остаётся, а кто ушёл. Покупка — событие-конверсия; клиент "
        "активен, пока его последняя покупка свежее срока оттока."
    ),
    "Churned after (days)": "Отток через (дней)",
    "Last day": "Последний день",
    "YYYY-MM-DD": "ГГГГ-ММ-ДД",
    "Last day: purchases after it are ignored; empty for the day of the last purchase.": (
        "Последний день: покупки после него не учитываются; пусто — день последней покупки."
    ),
    "No purchases yet": "Покупок пока нет",
    (
        "Retention counts purchases: events marked as conversions (is_conversion, with their "
        "value). This workspace has {events} events but none is a conversion."
    ): (
        "Удержание считается по покупкам: событиям, отмеченным как конверсии (is_conversion, со "
        "стоимостью). В рабочей области {events} событий, но ни одно не конверсия."
    ),
    (
        "Map the purchase (order paid, visit done) to is_conversion in the mapping file and "
        "import the events again:"
    ): (
        "Сопоставьте покупку (оплаченный заказ, состоявшийся визит) с is_conversion в файле "
        "сопоставления и загрузите события снова:"
    ),
    "Up to {end}; a customer counts as churned after {days} days without a purchase.": (
        "По {end}; клиент считается ушедшим после {days} дней без покупок."
    ),
    "Customers who bought": "Покупавших клиентов",
    "{n} bought twice or more": "купили дважды и больше: {n}",
    "{n} churned": "ушли: {n}",
    "buyers": "покупатели",
    "new": "новые",
    "returning": "вернувшиеся",
    "repeat rate": "доля повторных",
    "active at start (S)": "активны в начале (S)",
    "active at end (E)": "активны в конце (E)",
    "retained": "удержаны",
    "reactivated": "вернулись",
    (
        "CRR = (E − N) / S: customers active at the period's end, less the new ones, over those "
        "active at its start. * the period is cut at the last day."
    ): (
        "CRR = (E − N) / S: активные в конце периода за вычетом новых, делённые на активных в "
        "его начале. * период обрезан последним днём."
    ),
    "Cohorts by first purchase": "Когорты по первой покупке",
    "The same as a table": "То же таблицей",
    "No cohorts yet.": "Когорт пока нет.",
    (
        "Recency (days since the last purchase), frequency (orders) and money (revenue) scored "
        "1–5 among the buyers; the segment comes from recency and frequency."
    ): (
        "Давность (дней с последней покупки), частота (заказы) и деньги (выручка) оцениваются от "
        "1 до 5 среди покупателей; сегмент определяют давность и частота."
    ),
    "days since last purchase": "дней с последней покупки",
    "orders": "заказы",
    "revenue share": "доля выручки",
    # attribution
    "Last non-direct touch": "Последнее непрямое касание",
    "Linear": "Линейная",
    "Position-based (40/20/40)": "По позиции (40/20/40)",
    "Time decay (7-day half-life)": "С затуханием (полураспад 7 дней)",
    "Markov chain, order 1": "Цепь Маркова, порядок 1",
    "Markov chain, order 2": "Цепь Маркова, порядок 2",
    "Shapley value": "Вектор Шепли",
    "Simplified Shapley": "Упрощённый Шепли",
    "Credit": "Кому засчитывать",
    "Bootstrap intervals": "Бутстреп-интервалы",
    "Replicates": "Повторений",
    "Models: tick at least one model": "Модели: отметьте хотя бы одну модель",
    "Models: unknown model {value}; choose among: {choices}": (
        "Модели: неизвестная модель {value}; выберите из: {choices}"
    ),
    "share of conversions": "долю конверсий",
    "conversion value": "ценность конверсий",
    "share of value": "долю ценности",
    (
        "Which touchpoints earn the conversions? Each model splits every converting journey's "
        "conversions among its touches by its own rule; seeing them side by side shows how much "
        "the answer depends on the model."
    ): (
        "Какие точки контакта приносят конверсии? Каждая модель по своему правилу делит "
        "конверсии каждого пути между его касаниями; сравнение моделей рядом показывает, "
        "насколько ответ зависит от модели."
    ),
    "Models": "Модели",
    "Bootstrap intervals (95%)": "Бутстреп-интервалы (95%)",
    "Compare": "Сравнить",
    (
        "Intervals refit every model on resampled journeys; more replicates are steadier but "
        "slower."
    ): (
        "Интервалы заново обучают каждую модель на перевыбранных путях; чем больше повторений, "
        "тем устойчивее результат, но дольше расчёт."
    ),
    "Not installed yet: {models}.": "Пока не установлены: {models}.",
    "No conversions yet": "Конверсий пока нет",
    "Attribution credits conversions, and none of this workspace's {events} events is one.": (
        "Атрибуция распределяет конверсии, а среди {events} событий рабочей области нет ни одной."
    ),
    (
        "Mark conversions (an order, a booking) as is_conversion with their value in the mapping "
        "file and import the events again:"
    ): (
        "Отметьте конверсии (заказ, запись) как is_conversion со стоимостью в файле "
        "сопоставления и загрузите события снова:"
    ),
    "{journeys} journeys, {conversions} conversions, {paths} different paths.": (
        "Путей клиентов: {journeys}, конверсий: {conversions}, разных путей: {paths}."
    ),
    "A journey is a customer's touches up to and including their first conversion.": (
        "Путь — касания клиента до его первой конверсии включительно."
    ),
    "The chart shows the {n} biggest; the table lists all {all}.": (
        "На графике — {n} крупнейших, в таблице — все {all}."
    ),
    "Credit by model": "Вклад по моделям",
    "Lookback": "Окно атрибуции",
    "Lookback: {message}": "Окно атрибуции: {message}",
    (
        "Lookback: touches at most this long before the journey's end count, e.g. 30d or 2w; "
        "empty for all."
    ): (
        "Окно атрибуции: учитываются касания не раньше этого срока до конца пути, например 30d "
        "или 2w; пусто — все."
    ),
    (
        "A journey is a customer's touches up to a conversion (the conversion itself is not a "
        "touch) or, for the rest, up to their last touch."
    ): (
        "Путь — касания клиента до конверсии (сама конверсия не касание), а для остальных "
        "касаний — до последнего из них."
    ),
}
