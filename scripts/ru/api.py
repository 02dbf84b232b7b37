"""Russian for the API keys (`touchpath apikey`) and the collector (`touchpath collect`).

The lead merges it into the catalogue.
"""

RU = {
    "API keys of the REST API and the event collector: create, list, revoke.": (
        "API-ключи REST API и сборщика событий: создать, показать, отозвать."
    ),
    "In a group: the member workspace the key belongs to.": (
        "В группе: рабочее пространство, которому принадлежит ключ."
    ),
    "Make a key; its token is shown this once.": (
        "Создать ключ; его токен показывается только сейчас."
    ),
    "What the key is for, e.g. 'site snippet'.": ("Для чего ключ, например «сниппет сайта»."),
    (
        "collector (only sends events: for a site's snippet), viewer (reads), "
        "analyst (also edits the catalogue), admin (also manages keys)."
    ): (
        "collector (только отправляет события: для сниппета сайта), viewer (читает), "
        "analyst (также правит каталог), admin (также управляет ключами)."
    ),
    "API key {id} ({role}) for {member}: {token}": "API-ключ {id} ({role}) для {member}: {token}",
    "Store it now: it is not shown again.": "Сохраните его сейчас: больше он показан не будет.",
    "The keys of the workspace (or of every member).": (
        "Ключи рабочего пространства (или каждого участника группы)."
    ),
    "API keys": "API-ключи",
    "member": "участник",
    "name": "название",
    "prefix": "префикс",
    "role": "роль",
    "last used": "последнее использование",
    "revoked": "отозван",
    "Stop a key working at once.": "Немедленно отключить ключ.",
    "The key's id (see apikey list).": "Номер ключа (см. apikey list).",
    "API key {id} of {member} is revoked.": "API-ключ {id} пространства {member} отозван.",
    "unknown member {name!r}; choose from {choices}": (
        "неизвестный участник {name!r}; выберите из: {choices}"
    ),
    "this is a group: choose the member with --member ({choices})": (
        "это группа: выберите участника через --member ({choices})"
    ),
    "a key needs a name of 1 to {n} characters": (
        "у ключа должно быть название от 1 до {n} символов"
    ),
    "unknown role {role!r}; choose collector, viewer, analyst or admin": (
        "неизвестная роль {role!r}; выберите collector, viewer, analyst или admin"
    ),
    "there is no API key {id}": "API-ключа {id} нет",
    "Events sent to the collector: merge them into the events store, see the backlog.": (
        "События, отправленные в сборщик: перенести их в хранилище событий, посмотреть очередь."
    ),
    "Move staged events into the events store (every member).": (
        "Перенести накопленные события в хранилище событий (во всех участниках)."
    ),
    "Keep merging until stopped.": "Переносить непрерывно, пока не остановят.",
    "Seconds between merges (--watch).": "Секунд между переносами (--watch).",
    "{ws}: another merge is running": "{ws}: уже идёт другой перенос",
    (
        "{ws}: {merged:,} merged: {imported:,} imported, {dup:,} duplicates, "
        "{quarantined:,} quarantined"
    ): (
        "{ws}: перенесено {merged:,}: импортировано {imported:,}, дубликатов {dup:,}, "
        "в карантине {quarantined:,}"
    ),
    "Events staged and still waiting to be merged.": (
        "События в накопителе и ещё не перенесённые."
    ),
    "{ws}: {staged:,} staged, {waiting:,} waiting": (
        "{ws}: принято {staged:,}, ждут переноса {waiting:,}"
    ),
}
