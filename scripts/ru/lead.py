"""Russian for the lead's messages (shell helpers, engines, init/demo options)."""

RU = {
    "chart written to {path}": "график записан в {path}",
    "Write the chart to this HTML file (opens offline).": (
        "Записать график в этот HTML-файл (открывается без интернета)."
    ),
    "Events store: duckdb (one file) or spark (Parquet folder).": (
        "Хранилище событий: duckdb (один файл) или spark (папка Parquet)."
    ),
    "unknown events engine {name}; choose one of: {choices}": (
        "неизвестный движок событий {name}; выберите один из: {choices}"
    ),
}
