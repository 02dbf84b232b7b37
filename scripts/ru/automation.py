"""Russian for automation: rules, tasks and SLA, the outbox, `touchpath rules|tasks|worker`
and the automation page.

The lead merges it into the catalogue.
"""

RU = {
    # page and navigation
    "Automation": "Автоматизация",
    "Operations": "Операции",
    "event": "событие",
    "feedback": "отзыв",
    "alert": "тревога",
    "no reply in time": "нет ответа вовремя",
    "schedule": "расписание",
    "task overdue": "задача просрочена",
    "task": "задача",
    "email": "письмо",
    "SMS": "SMS",
    "webhook": "вебхук",
    "document": "документ",
    "open": "открыта",
    "due soon": "скоро срок",
    "breached": "просрочена",
    "met": "в срок",
    "late": "с опозданием",
    "done": "выполнена",
    "cancelled": "отменена",
    "There is no such rule.": "Такого правила нет.",
    "Write exactly one rule.": "Напишите ровно одно правило.",
    "The name of a rule cannot change here; add a new rule instead.": (
        "Имя правила здесь не меняется; добавьте новое правило."
    ),
    "The rule is too long.": "Правило слишком длинное.",
    "Rule “{name}” added.": "Правило «{name}» добавлено.",
    "Rule “{name}” saved.": "Правило «{name}» сохранено.",
    "Rule “{name}” removed.": "Правило «{name}» удалено.",
    "{n} message(s) queued again.": "Сообщений снова в очереди: {n}.",
    "New rule": "Новое правило",
    "Rules react to touchpoints: when an event, feedback, alert, a missed reply or a schedule "
    "comes, and the conditions hold, they create tasks for the touchpoint's manager and send "
    "emails, SMS and webhooks. The worker (touchpath worker) fires the rules and delivers the "
    "messages with retries.": (
        "Правила реагируют на точки контакта: когда приходит событие, отзыв, тревога, "
        "пропущенный ответ или наступает время по расписанию и условия выполнены, они ставят "
        "задачи ответственному за точку и отправляют письма, SMS и вебхуки. Обработчик "
        "(touchpath worker) запускает правила и доставляет сообщения с повторами."
    ),
    "Rules on": "Правил включено",
    "Tasks waiting for a reply": "Задач ждут ответа",
    "SLA breached": "SLA нарушен",
    "late replies": "ответов с опозданием",
    "Messages sent": "Сообщений отправлено",
    "waiting": "в очереди",
    "Dead letters": "Недоставленные",
    "Created": "Создана",
    "Done": "Готово",
    "Replied": "Ответили",
    "No tasks match.": "Подходящих задач нет.",
    "Median and 90th percentile from a task's creation to the manager's first reply, in "
    "minutes; the touchpoint's reply speed.": (
        "Медиана и 90-й процентиль времени от создания задачи до первого ответа менеджера, "
        "в минутах: скорость ответа точки контакта."
    ),
    "Median, min": "Медиана, мин",
    "p90, min": "p90, мин",
    "No replies recorded yet.": "Ответов пока нет.",
    "sending": "отправляется",
    "sent": "отправлено",
    "dead": "не доставлено",
    "No messages yet.": "Сообщений пока нет.",
    "Retry dead messages": "Повторить недоставленные",
    "Rule": "Правило",
    "on": "вкл",
    "off": "выкл",
    "Switch off": "Выключить",
    "Switch on": "Включить",
    "No rules yet.": "Правил пока нет.",
    "Rule (YAML)": "Правило (YAML)",
    "Trigger: event, feedback, alert, no_reply, task_overdue or schedule. "
    "Actions: task, email, sms, webhook, document. "
    "Texts are Jinja templates with customer, event and touchpoint "
    "fields; give one per language as ru: and en:.": (
        "Триггер: event (событие), feedback (отзыв), alert (тревога), no_reply (нет ответа), "
        "task_overdue (задача просрочена) или schedule (расписание). "
        "Действия: task, email, sms, webhook, document. Тексты — "
        "шаблоны Jinja с полями customer, event и touchpoint; для каждого языка свой: ru: и en:."
    ),
    "Delete this rule": "Удалить правило",
    "There is no such document.": "Такого документа нет.",
    "Documents": "Документы",
    "Document": "Документ",
    "Customer": "Клиент",
    "Generated documents (HTML, PDF); --save writes them to a folder.": (
        "Созданные документы (HTML, PDF); --save сохраняет их в папку."
    ),
    "Write each document's HTML and PDF into this folder.": (
        "Записать HTML и PDF каждого документа в эту папку."
    ),
    "{n} file(s) written to {path}": "файлов записано в {path}: {n}",
    "Preview with sample data": "Предпросмотр на примере",
    "Fix the rule to see its preview.": "Исправьте правило, чтобы увидеть предпросмотр.",
    # CLI: rules
    "Automation rules: trigger, conditions, actions (tasks, email, SMS, webhooks).": (
        "Правила автоматизации: триггер, условия, действия (задачи, письма, SMS, вебхуки)."
    ),
    "The rule's name (its id).": "Имя правила (его идентификатор).",
    "A YAML file of rules.": "YAML-файл с правилами.",
    "no such file": "нет такого файла",
    "List the rules.": "Список правил.",
    "No rules yet: add some with `touchpath rules add FILE`.": (
        "Правил пока нет: добавьте их командой `touchpath rules add ФАЙЛ`."
    ),
    "Rules": "Правила",
    "Title": "Название",
    "On": "Вкл",
    "Trigger": "Триггер",
    "Actions": "Действия",
    "Show one rule as YAML.": "Показать правило в YAML.",
    "Add the rules of a YAML file (names must be new).": (
        "Добавить правила из YAML-файла (имена должны быть новыми)."
    ),
    "Also fire on what happened before now.": "Сработать и на то, что было до сих пор.",
    "{n} rule(s) added.": "Добавлено правил: {n}.",
    "Replace a rule from a file, switch it on or off, or edit it.": (
        "Заменить правило из файла, включить или выключить его или отредактировать."
    ),
    "A YAML file with the new rule.": "YAML-файл с новым правилом.",
    "Switch the rule on or off.": "Включить или выключить правило.",
    "nothing changed": "ничего не изменилось",
    "{file}: want exactly one rule named {name}": (
        "{file}: нужно ровно одно правило с именем {name}"
    ),
    "Rule {name} saved.": "Правило {name} сохранено.",
    "Remove a rule (its tasks and messages stay).": (
        "Удалить правило (его задачи и сообщения останутся)."
    ),
    "Rule {name} removed.": "Правило {name} удалено.",
    "Write every rule as YAML (to stdout or a file).": (
        "Выгрузить все правила в YAML (на экран или в файл)."
    ),
    "Write to this file.": "Записать в этот файл.",
    "{n} rule(s) written to {path}": "правил записано в {path}: {n}",
    "Add or update the rules of a YAML file, all or nothing.": (
        "Добавить или обновить правила из YAML-файла: все или ни одного."
    ),
    "Also remove rules the file does not have.": "Удалить и правила, которых нет в файле.",
    "{added} added, {updated} updated.": "Добавлено: {added}, обновлено: {updated}.",
    "Render a rule's messages with sample data.": "Показать сообщения правила на примере данных.",
    "The customer's language: en or ru.": "Язык клиента: en или ru.",
    "A JSON file with the data to render with.": "JSON-файл с данными для подстановки.",
    "want a JSON object": "нужен JSON-объект",
    "Messages waiting, sent and dead, per channel.": (
        "Сообщения в очереди, отправленные и недоставленные, по каналам."
    ),
    "List messages of this status.": "Показать сообщения с этим статусом.",
    "Outbox": "Исходящие",
    "Give dead messages another set of attempts.": "Дать недоставленным сообщениям новые попытки.",
    "Message ids (default: all dead).": "Номера сообщений (по умолчанию все недоставленные).",
    "Show or change the channel settings (SMTP, SMS gateway ...).": (
        "Показать или изменить настройки каналов (SMTP, SMS-шлюз ...)."
    ),
    "section.field=value, e.g. smtp.host=mail.example.com": (
        "раздел.поле=значение, например smtp.host=mail.example.com"
    ),
    "no rule named {name!r}": "нет правила с именем {name!r}",
    "a rule named {name!r} exists already": "правило с именем {name!r} уже есть",
    # CLI: tasks
    "Tasks for managers created by the rules: list, reply, done, SLA, response times.": (
        "Задачи менеджерам от правил: список, ответ, выполнение, SLA, время ответа."
    ),
    "The task's number.": "Номер задачи.",
    "List tasks, newest first.": "Список задач, новые сверху.",
    "Only this manager's.": "Только задачи этого менеджера.",
    "Only this touchpoint's.": "Только задачи этой точки контакта.",
    "open, done or cancelled.": "open (открыта), done (выполнена) или cancelled (отменена).",
    "open, due_soon, breached, met or late.": (
        "open, due_soon (скоро срок), breached (просрочена), met (в срок) или late (с опозданием)."
    ),
    "No tasks.": "Задач нет.",
    "Tasks": "Задачи",
    "Task": "Задача",
    "Manager": "Менеджер",
    "SLA": "SLA",
    "Mark a task done (it counts as the reply if none was recorded).": (
        "Отметить задачу выполненной (считается ответом, если ответ не был отмечен)."
    ),
    "Task {id} done (SLA: {sla}).": "Задача {id} выполнена (SLA: {sla}).",
    "Record the first reply to the customer.": "Отметить первый ответ клиенту.",
    "Reply recorded for task {id} (SLA: {sla}).": "Ответ по задаче {id} отмечен (SLA: {sla}).",
    "Cancel a task.": "Отменить задачу.",
    "Task {id} cancelled.": "Задача {id} отменена.",
    "Give a task to another manager.": "Передать задачу другому менеджеру.",
    "The manager's name.": "Имя менеджера.",
    "Task {id} assigned.": "Задача {id} передана.",
    "How many tasks are open, due soon, breached, met or late.": (
        "Сколько задач открыто, скоро истекает, просрочено, выполнено в срок или с опозданием."
    ),
    "Median and p90 time to first reply.": "Медиана и p90 времени до первого ответа.",
    "touchpoint, manager, or both.": "touchpoint (точка), manager (менеджер) или both (оба).",
    "--by: want touchpoint, manager or both, not {by!r}": (
        "--by: нужно touchpoint, manager или both, а не {by!r}"
    ),
    "Time to first reply": "Время до первого ответа",
    "no task {id}": "нет задачи {id}",
    "task {id} is cancelled": "задача {id} отменена",
    "task {id} is done already": "задача {id} уже выполнена",
    # CLI: worker
    "Run the automation worker: fire rules, send emails, SMS and webhooks.": (
        "Запустить обработчик автоматизации: правила, письма, SMS и вебхуки."
    ),
    "One cycle: fire the rules, deliver what is due, exit.": (
        "Один цикл: запустить правила, доставить то, что пора, и выйти."
    ),
    "Messages claimed at a time.": "Сколько сообщений брать за раз.",
    "Seconds between cycles.": "Секунд между циклами.",
    "fired: {fired}; delivered: {delivered}": "сработало: {fired}; доставлено: {delivered}",
}
