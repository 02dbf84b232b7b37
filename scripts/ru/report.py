"""Russian for the report (`touchpath report`, touchpath.report)."""

RU = {
    "Touchpoints report": "Отчёт о точках контакта",
    "At a glance": "Коротко",
    "Touchpoint catalogue": "Каталог точек контакта",
    "Every touchpoint of the business, where it serves and who answers for it.": (
        "Все точки контакта бизнеса: на каком этапе они работают и кто за них отвечает."
    ),
    "Stages of the buyer's journey as columns; dashed cards are touchpoints we lack.": (
        "Этапы пути покупателя — столбцы; пунктирные карточки — точки, которых у нас нет."
    ),
    "Funnel by journey stage": "Воронка по этапам пути",
    "How many customers reach each stage of the journey, in order, and when.": (
        "Сколько клиентов доходит до каждого этапа пути, по порядку, и когда."
    ),
    "How customers really moved: the most frequent steps between touchpoints.": (
        "Как клиенты шли на самом деле: самые частые переходы между точками контакта."
    ),
    "Attribution: which channels earn the conversions": (
        "Атрибуция: какие каналы приносят конверсии"
    ),
    "Share of the conversions each channel earns under four models; where they "
    "disagree, the channel's role is in the middle of the journey.": (
        "Доля конверсий каждого канала по четырём моделям; где модели расходятся, "
        "канал работает в середине пути."
    ),
    "No events in this workspace yet: import them to fill this section.": (
        "В этой рабочей области ещё нет событий: импортируйте их, чтобы заполнить раздел."
    ),
    "No conversions in the events: attribution needs converting journeys.": (
        "В событиях нет конверсий: атрибуции нужны пути, закончившиеся конверсией."
    ),
    "touchpoints in the catalogue": "точек контакта в каталоге",
    "missing touchpoints": "пропущенных точек",
    "designed chains": "спроектированных цепочек",
    "competitors": "конкурентов",
    "customers who converted": "клиентов с конверсией",
    "conversion rate": "конверсия",
    "Events from {first} to {last}.": "События с {first} по {last}.",
    "Revenue: {amount} in {orders} orders.": "Выручка: {amount} в {orders} заказах.",
    "No events yet: the report shows the catalogue only.": (
        "Событий пока нет: отчёт показывает только каталог."
    ),
    "Stages": "Этапы",
    "Role": "Роль",
    "Owner": "Ответственный",
    "Status": "Статус",
    "Step": "Шаг",
    "from the previous step": "от предыдущего шага",
    "from the first step": "от первого шага",
    "Median time": "Медианное время",
    "days": "дн.",
    "From": "Откуда",
    "To": "Куда",
    "Transitions": "Переходы",
    "h": "ч",
    "Made by touchpath from the workspace {name}. Every figure is computed from the "
    "workspace's own data; the formulas are in the touchpath documentation.": (
        "Подготовлено touchpath по рабочей области {name}. Все цифры рассчитаны по данным "
        "самой области; формулы описаны в документации touchpath."
    ),
    "{file}: a report is written as .html or .pdf": "{file}: отчёт записывается как .html или .pdf",
    "a PDF needs Chromium: install it (apt-get install chromium) or set TOUCHPATH_CHROMIUM "
    "to its path; the HTML report needs nothing": (
        "для PDF нужен Chromium: установите его (apt-get install chromium) или укажите путь "
        "в TOUCHPATH_CHROMIUM; HTML-отчёту ничего не нужно"
    ),
    "a PDF needs the playwright package: pip install playwright": (
        "для PDF нужен пакет playwright: pip install playwright"
    ),
    "Chromium could not print the report: {error}": "Chromium не смог напечатать отчёт: {error}",
    "Write the report (catalogue, journey map, funnel, attribution, audits, feedback, plan) "
    "as one HTML file that opens offline, or as a PDF.": (
        "Записать отчёт (каталог, карта пути, воронка, атрибуция, аудиты, отзывы, план) "
        "одним HTML-файлом, который открывается без сети, или в PDF."
    ),
    "The file to write: FILE.html or FILE.pdf.": "Куда записать: ФАЙЛ.html или ФАЙЛ.pdf.",
    "Language of the report: en or ru.": "Язык отчёта: en или ru.",
    "Writing the report": "Пишу отчёт",
    "Report written to {file}": "Отчёт записан в {file}",
    "Download the report": "Скачать отчёт",
    "Report": "Отчёт",
    "Audits against competitors": "Аудиты против конкурентов",
    "Customer feedback": "Отзывы клиентов",
    "Improvement plan": "План улучшений",
    "No audits yet: walk your customers' path and your competitors', then import the scores.": (
        "Аудитов пока нет: пройдите путь своего клиента и клиента конкурентов, затем "
        "импортируйте оценки."
    ),
    "Weighted audit scores (0–100%) of our touchpoints and the same touchpoints at each "
    "competitor; touchpoints a competitor has and we lack are listed below.": (
        "Взвешенные оценки аудита (0–100 %) наших точек контакта и тех же точек у каждого "
        "конкурента; точки, которые есть у конкурентов, но нет у нас, перечислены ниже."
    ),
    "Ours": "Наши",
    "No customer feedback yet: import survey answers and reviews.": (
        "Отзывов клиентов пока нет: импортируйте ответы на опросы и отзывы."
    ),
    "NPS with its interval (95%), CSAT (share of 4–5) and the share of negative reactions per "
    "touchpoint, from the customers' own answers and reviews.": (
        "NPS с 95-процентным интервалом, CSAT (доля оценок 4–5) и доля негативных реакций по "
        "точкам контакта — по ответам и отзывам самих клиентов."
    ),
    "Nothing to rank yet: the plan needs audits, events or feedback.": (
        "Пока нечего ранжировать: плану нужны аудиты, события или отзывы."
    ),
    "What to fix first: impact = importance from the data × gap to the target or the best "
    "competitor × negativity of the customers' reactions.": (
        "Что исправлять первым: влияние = важность по данным × отставание от цели или лучшего "
        "конкурента × негатив в реакциях клиентов."
    ),
    "Missing touchpoints": "Пропущенные точки контакта",
    "Missed channels": "Упущенные каналы",
    "Our audience is there, we are not:": "Наша аудитория там есть, а нас нет:",
    "{n} answers and reviews.": "Ответов и отзывов: {n}.",
    "Answers": "Ответы",
    "interval (95%)": "интервал (95 %)",
    "negative": "негативная",
    "What to fix": "Что исправить",
    "Impact": "Влияние",
    "Why": "Почему",
    "{n} more items in the workspace's plan: touchpath audit plan": (
        "Ещё пунктов в плане области: {n} — touchpath audit plan"
    ),
    "unknown language {value!r}; choose one of: {choices}": (
        "неизвестный язык {value!r}; выберите один из: {choices}"
    ),
}
