"""Russian for the web app, `touchpath serve` and `touchpath user` (merge: scripts/translate.py)."""

RU = {
    # navigation and sections
    "Overview": "Обзор",
    "Design": "Проектирование",
    "Analytics": "Аналитика",
    "Quality and voice": "Качество и отзывы",
    "Operations": "Операции",
    "Administration": "Администрирование",
    "Dashboard": "Сводка",
    "Chains": "Цепочки",
    "Journey map": "Карта пути клиента",
    "Funnel": "Воронка",
    "Paths": "Пути",
    "Discovered journey": "Реальный путь",
    "Attribution": "Атрибуция",
    "Retention": "Удержание",
    "Audits and competitors": "Аудит и конкуренты",
    "Voice of the customer": "Голос клиента",
    "Improvement plan": "План улучшений",
    "Automation": "Автоматизация",
    "Users": "Пользователи",
    "Workspaces": "Рабочие области",
    "Main navigation": "Главное меню",
    "Log in": "Войти",
    "Log out": "Выйти",
    "Customer touchpoints and journeys": "Точки контакта и путь клиента",
    "User name": "Имя пользователя",
    "Password": "Пароль",
    "Wrong user name or password.": "Неверное имя пользователя или пароль.",
    # errors
    "Error": "Ошибка",
    "Not allowed": "Нет доступа",
    "Not found": "Не найдено",
    "There is no such page.": "Такой страницы нет.",
    "There is no such touchpoint.": "Такой точки контакта нет.",
    "There is no such chain.": "Такой цепочки нет.",
    "Back to the start page": "На главную страницу",
    "Your role ({role}) cannot do this here.": "Ваша роль ({role}) не позволяет сделать это здесь.",
    "The form has expired or did not come from this site; reload the page.": (
        "Форма устарела или отправлена не с этого сайта; обновите страницу."
    ),
    "The request is not complete; reload the page.": "Запрос неполный; обновите страницу.",
    "plotly is not installed.": "plotly не установлен.",
    "{field}: {message}": "{field}: {message}",
    "this field is required": "обязательное поле",
    "use lower-case latin letters, digits and _ . - (at most 64 characters)": (
        "используйте строчные латинские буквы, цифры и _ . - (не длиннее 64 символов)"
    ),
    "choose one of the listed values": "выберите одно из значений списка",
    "add at least one": "добавьте хотя бы один",
    "too long": "слишком длинно",
    # roles
    "admin": "администратор",
    "analyst": "аналитик",
    "viewer": "наблюдатель",
    # dashboard
    "Customers": "Клиенты",
    "Touches (events)": "Касания (события)",
    "Converted customers": "Клиенты с конверсией",
    "conversion rate {rate}": "конверсия {rate}",
    "{n} orders": "заказов: {n}",
    "Catalogue": "Каталог",
    "Stages": "Этапы",
    "Competitors": "Конкуренты",
    "Missing, while competitors have them": "Отсутствуют у нас, есть у конкурентов",
    "Nobody answers for": "Без ответственного",
    "Open the journey map": "Открыть карту пути клиента",
    "Top touchpoints": "Главные точки контакта",
    "Touchpoint": "Точка контакта",
    "(no touchpoint)": "(без точки контакта)",
    "No events yet. Import them with: touchpath import FILE": (
        "Событий пока нет. Загрузите их командой: touchpath import ФАЙЛ"
    ),
    "Touches and customers by channel": "Касания и клиенты по каналам",
    "Channel": "Канал",
    # catalogue
    "New touchpoint": "Новая точка контакта",
    "Stage": "Этап",
    "Status": "Статус",
    "Search": "Поиск",
    "name or owner": "название или ответственный",
    "Filter": "Отобрать",
    "all": "все",
    "Name": "Название",
    "Classification": "Классификация",
    "Owner": "Ответственный",
    "Wow touchpoint": "Wow-точка",
    "nobody": "никто",
    "No touchpoints match.": "Нет подходящих точек контакта.",
    "Id": "Идентификатор",
    "Description": "Описание",
    "Mode": "Формат",
    "Role": "Роль",
    "Attention": "Внимание",
    "Lifetime": "Время жизни",
    "Tags": "Метки",
    "comma-separated": "через запятую",
    "the person responsible": "ответственный сотрудник",
    "automated (a robot runs it)": "автоматизирована (работает робот)",
    "Lower-case latin letters, digits and _ . -; events refer to the touchpoint by it.": (
        "Строчные латинские буквы, цифры и _ . -; по нему события ссылаются на точку контакта."
    ),
    "In the data: {touches} touches by {customers} customers, {conversions} conversions.": (
        "В данных: касаний {touches}, клиентов {customers}, конверсий {conversions}."
    ),
    "Add": "Добавить",
    "Save": "Сохранить",
    "Cancel": "Отмена",
    "Step of the chains:": "Шаг цепочек:",
    "Delete this touchpoint?": "Удалить эту точку контакта?",
    "Delete touchpoint": "Удалить точку контакта",
    "A touchpoint with the id {id!r} exists already.": (
        "Точка контакта с идентификатором {id!r} уже есть."
    ),
    "Touchpoint “{name}” added.": "Точка контакта «{name}» добавлена.",
    "Touchpoint “{name}” saved.": "Точка контакта «{name}» сохранена.",
    "Touchpoint “{name}” deleted.": "Точка контакта «{name}» удалена.",
    # chains
    "A chain is the order of touchpoints you designed for one business process, from the "
    "first contact to the final chord.": (
        "Цепочка — это порядок точек контакта, задуманный для одного бизнес-процесса: "
        "от первого контакта до последнего аккорда."
    ),
    "then": "затем",
    "No chains yet.": "Цепочек пока нет.",
    "New chain": "Новая цепочка",
    "First step": "Первый шаг",
    "Create": "Создать",
    "Next chain": "Следующая цепочка",
    "Steps": "Шаги",
    "Move up": "Выше",
    "Move down": "Ниже",
    "Remove": "Убрать",
    "Add a step": "Добавить шаг",
    "Tip: drag the steps to reorder them.": "Шаги можно перетаскивать мышью.",
    "Chains leading into this one:": "Цепочки, ведущие в эту:",
    "Delete this chain?": "Удалить эту цепочку?",
    "Delete chain": "Удалить цепочку",
    "A chain with the id {id!r} exists already.": "Цепочка с идентификатором {id!r} уже есть.",
    "Chain “{name}” created: now add its steps.": "Цепочка «{name}» создана: добавьте шаги.",
    "Chain “{name}” saved.": "Цепочка «{name}» сохранена.",
    "Chain “{name}” deleted.": "Цепочка «{name}» удалена.",
    "{n} touches": "касаний: {n}",
    # journey map
    "active, touched": "действует, есть касания",
    "active, no touches": "действует, касаний нет",
    "missing (gap)": "отсутствует (пробел)",
    "No events yet: the cards show the catalogue only. Import events with: touchpath import FILE": (
        "Событий пока нет: карточки показывают только каталог. Загрузите события командой: "
        "touchpath import ФАЙЛ"
    ),
    "Without a stage": "Без этапа",
    "No active touchpoint at this stage": "На этом этапе нет действующей точки контакта",
    "nobody answers for it": "нет ответственного",
    "Missing": "Отсутствует",
    "competitors have it": "есть у конкурентов",
    "{n} customers": "клиентов: {n}",
    "{n} conversions": "конверсий: {n}",
    "Designed chains": "Спроектированные цепочки",
    "Design one": "Спроектировать",
    "Open the directly-follows graph": "Открыть граф переходов",
    "The journey customers really took (directly-follows graph) appears here when the journey "
    "discovery module is installed.": (
        "Путь, который клиенты прошли на самом деле (граф прямых переходов), появится здесь, "
        "когда будет установлен модуль выявления пути."
    ),
    "{n} touches have no touchpoint: add mapping rules to place them.": (
        "Касаний без точки контакта: {n}. Добавьте правила сопоставления, чтобы их распределить."
    ),
    "Touchpoints in the data but not in the catalogue:": (
        "Точки контакта из данных, которых нет в каталоге:"
    ),
    # pages still to come
    "Not here yet": "Пока недоступно",
    "This workspace has {events} events of {customers} customers so far.": (
        "Сейчас в рабочей области событий: {events}, клиентов: {customers}."
    ),
    "The funnel explorer counts how many customers pass each step of a chain within a time "
    "window, and where they drop off.": (
        "Воронка считает, сколько клиентов проходит каждый шаг цепочки за заданное время "
        "и где они уходят."
    ),
    "Import events whose rows are mapped to touchpoints, and design a chain; the funnel "
    "module of touchpath fills this page.": (
        "Загрузите события, сопоставленные с точками контакта, и спроектируйте цепочку; "
        "эту страницу заполнит модуль воронок touchpath."
    ),
    "The paths page shows how customers really move between touchpoints (Sankey).": (
        "Страница путей показывает, как клиенты на самом деле переходят между точками контакта "
        "(диаграмма Санкей)."
    ),
    "Import events with touchpoints; the paths module of touchpath fills this page.": (
        "Загрузите события с точками контакта; эту страницу заполнит модуль путей touchpath."
    ),
    "The discovered journey is the directly-follows graph of the touchpoints customers met, "
    "to compare with the designed chains.": (
        "Реальный путь — это граф прямых переходов между точками контакта, которые прошли "
        "клиенты; его сравнивают со спроектированными цепочками."
    ),
    "Import events with touchpoints; the journey discovery module of touchpath fills this page.": (
        "Загрузите события с точками контакта; эту страницу заполнит модуль выявления пути "
        "touchpath."
    ),
    "Attribution compares how models (first touch, last touch, linear, Markov, Shapley) "
    "credit touchpoints with the conversions.": (
        "Атрибуция сравнивает, как модели (первое касание, последнее касание, линейная, "
        "марковская, Шепли) распределяют конверсии между точками контакта."
    ),
    "Import events that mark conversions (is_conversion, value); the attribution module of "
    "touchpath fills this page.": (
        "Загрузите события с отметкой конверсий (is_conversion, value); эту страницу заполнит "
        "модуль атрибуции touchpath."
    ),
    "Retention shows how many customers come back, cohort by cohort.": (
        "Удержание показывает, сколько клиентов возвращается, по когортам."
    ),
    "Import at least a few months of events; the retention module of touchpath fills this page.": (
        "Загрузите события хотя бы за несколько месяцев; эту страницу заполнит модуль удержания "
        "touchpath."
    ),
    "Audits score each touchpoint by its parameters, ours against competitors' (radar, "
    "heatmap, missing touchpoints).": (
        "Аудит оценивает каждую точку контакта по её параметрам — наши против конкурентов "
        "(радар, тепловая карта, пропущенные точки)."
    ),
    "Add competitors and the touchpoints they offer to the catalogue, then record audits; the "
    "audit module of touchpath fills this page.": (
        "Добавьте в каталог конкурентов и их точки контакта, затем проведите аудит; эту страницу "
        "заполнит модуль аудита touchpath."
    ),
    "Customer voice: NPS, CSAT, CES and reviews per touchpoint, with their tone.": (
        "Голос клиента: NPS, CSAT, CES и отзывы по точкам контакта с их тональностью."
    ),
    "Import survey answers and reviews; the voice-of-the-customer module of touchpath fills "
    "this page.": (
        "Загрузите ответы на опросы и отзывы; эту страницу заполнит модуль «Голос клиента» "
        "touchpath."
    ),
    "The improvement plan ranks what to fix first, from audits, feedback and the drop-offs "
    "of the funnel.": (
        "План улучшений показывает, что исправлять в первую очередь, по данным аудита, отзывов "
        "и потерь в воронке."
    ),
    "Record audits and import feedback; the plan module of touchpath fills this page.": (
        "Проведите аудит и загрузите отзывы; эту страницу заполнит модуль плана touchpath."
    ),
    "Automation rules turn touches into actions: a lead from the site becomes a task for a "
    "manager, an order status change sends an SMS.": (
        "Правила автоматизации превращают касания в действия: заявка с сайта становится задачей "
        "менеджеру, смена статуса заказа отправляет SMS."
    ),
    "Define rules; the automation module of touchpath fills this page.": (
        "Задайте правила; эту страницу заполнит модуль автоматизации touchpath."
    ),
    # users
    "People who may open the workspace “{name}”. A viewer reads, an analyst also edits the "
    "catalogue and chains, an admin also manages users.": (
        "Кто может открывать рабочую область «{name}». Наблюдатель только читает, аналитик ещё "
        "и правит каталог и цепочки, администратор ещё и управляет пользователями."
    ),
    "Language": "Язык",
    "Added": "Добавлен",
    "Change": "Изменить",
    "browser's": "как в браузере",
    "Remove this user?": "Удалить этого пользователя?",
    "Add a user": "Добавить пользователя",
    "User {name} added.": "Пользователь {name} добавлен.",
    "The role of {name} is changed.": "Роль пользователя {name} изменена.",
    "User {name} removed.": "Пользователь {name} удалён.",
    "You cannot remove yourself.": "Нельзя удалить самого себя.",
    "the password must have at least {n} characters": "пароль должен быть не короче {n} символов",
    "user name {name!r}: use latin letters, digits and _ . @ - (at most 64, starting with a "
    "letter or digit)": (
        "имя пользователя {name!r}: используйте латинские буквы, цифры и _ . @ - (не длиннее 64, "
        "начиная с буквы или цифры)"
    ),
    "user {name!r} already exists": "пользователь {name!r} уже есть",
    "there is no user {name!r}": "пользователя {name!r} нет",
    "unknown role {role!r}; choose admin, analyst or viewer": (
        "неизвестная роль {role!r}; выберите admin, analyst или viewer"
    ),
    "{name!r} is the last admin of this workspace: make another admin first": (
        "{name!r} — последний администратор рабочей области: сначала назначьте другого"
    ),
    # the CLI: serve and user
    "Serve the web app on the workspace (or every workspace of a group).": (
        "Запустить веб-приложение для рабочей области (или всех рабочих областей группы)."
    ),
    "Address to listen on.": "Адрес, на котором принимать соединения.",
    "Port to listen on.": "Порт, на котором принимать соединения.",
    "touchpath serves {names} at {url}": "touchpath открывает {names} по адресу {url}",
    "Demo login: user {user}, password {password}": (
        "Вход в демо: пользователь {user}, пароль {password}"
    ),
    "Press Ctrl+C to stop.": "Чтобы остановить, нажмите Ctrl+C.",
    "nobody can log in yet: add a user first, e.g. `touchpath user add admin --role admin`": (
        "войти пока некому: сначала добавьте пользователя, например "
        "`touchpath user add admin --role admin`"
    ),
    "The users of the web app: add, list, change a password, remove.": (
        "Пользователи веб-приложения: добавить, показать, сменить пароль, удалить."
    ),
    "In a group: the member workspace(s) to act on (default: every member).": (
        "В группе: рабочие области, с которыми работать (по умолчанию — все)."
    ),
    "Add a user with a role (admin, analyst or viewer).": (
        "Добавить пользователя с ролью (admin, analyst или viewer)."
    ),
    "User name (the login).": "Имя пользователя (логин).",
    "admin, analyst or viewer.": "admin, analyst или viewer.",
    "User {name} added to {workspace} as {role}.": (
        "Пользователь {name} добавлен в {workspace} с ролью {role}."
    ),
    "List the users of each workspace with their roles.": (
        "Показать пользователей каждой рабочей области и их роли."
    ),
    "workspace": "рабочая область",
    "user": "пользователь",
    "language": "язык",
    "added": "добавлен",
    "Set a new password for a user (their sessions end).": (
        "Задать пользователю новый пароль (его сеансы завершатся)."
    ),
    "User name.": "Имя пользователя.",
    "Password of {name} changed in {workspace}.": (
        "Пароль пользователя {name} в {workspace} изменён."
    ),
    "Remove a user (the last admin stays).": (
        "Удалить пользователя (последний администратор остаётся)."
    ),
    "User {name} removed from {workspace}.": "Пользователь {name} удалён из {workspace}.",
    "unknown member {name!r}; choose from {choices}": (
        "неизвестная рабочая область группы {name!r}; выберите из: {choices}"
    ),
    "Too many failed attempts. Try again in {minutes} min.": (
        "Слишком много неудачных попыток. Повторите через {minutes} мин."
    ),
    "customers dislike it or the audit found it weak": (
        "клиентам не нравится или аудит нашёл слабой"
    ),
    "latest audit score": "последняя оценка аудита",
    "audit {score}": "аудит {score}",
    "{n} reactions: positive, neutral, negative": (
        "реакций: {n} — позитивные, нейтральные, негативные"
    ),
    "{share} negative": "{share} негатива",
    "The most frequent steps customers really took:": (
        "Самые частые шаги, которые клиенты сделали на самом деле:"
    ),
    "One document to hand to a client or a director: the catalogue, the journey map, the "
    "funnel, attribution, audits against competitors, customer feedback and the improvement "
    "plan — whatever this workspace holds.": (
        "Один документ для клиента или руководителя: каталог, карта пути, воронка, атрибуция, "
        "аудиты против конкурентов, отзывы клиентов и план улучшений — всё, что есть "
        "в этой области."
    ),
    "The HTML file opens offline in any browser; the PDF is the same report printed. "
    "On a big workspace it takes a minute.": (
        "HTML-файл открывается без сети в любом браузере; PDF — тот же отчёт в печатном виде. "
        "На большой области подготовка занимает около минуты."
    ),
    "Customers' voice": "Голос клиентов",
    "interval (95%) {low} … {high}": "интервал (95 %) {low} … {high}",
    "negative reactions": "негативных реакций",
    "{n} answers": "ответов: {n}",
    "No customer feedback yet. Import it with: touchpath feedback import FILE": (
        "Отзывов клиентов пока нет. Импортируйте их: touchpath feedback import ФАЙЛ"
    ),
    "Open alerts": "Открытые сигналы",
    "Open the voice of the customer": "Открыть голос клиента",
    "Fix first": "Исправить в первую очередь",
    "impact {value}": "влияние {value}",
    "Open the improvement plan": "Открыть план улучшений",
    "Tasks": "Задачи",
    "{breached} past their SLA, {soon} due soon, {open} open.": (
        "просрочено по SLA: {breached}, скоро срок: {soon}, открыто: {open}."
    ),
}
