"""English and Russian pages: the user's choice, else the browser's; numbers in its style."""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import duckdb
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import touchpath
from touchpath.i18n import reset_language, set_language
from touchpath.web.locale import fmt_money, fmt_number, fmt_percent, negotiate

from .conftest import login, post

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(touchpath.__file__).parent
RU_FILE = ROOT / "scripts" / "ru" / "web.py"
PO = SRC / "locale" / "ru" / "LC_MESSAGES" / "touchpath.po"


def lang_of(page: str) -> str:
    found = re.search(r'<html lang="(\w+)">', page)
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4", "ru"),
        ("de, fr;q=0.8", None),
        ("ru;q=0, en;q=0.1", "en"),
        ("", None),
        ("ru;q=abc, en", "en"),
    ],
)
def test_accept_language_negotiation(header: str, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_the_browser_language_is_used_before_login(client_for) -> None:
    ru = client_for(**{"Accept-Language": "ru-RU,ru;q=0.9"}).get("/login")
    assert lang_of(ru.text) == "ru"
    assert 'value="ru" class="on"' in ru.text  # the language switch shows the choice
    en = client_for(**{"Accept-Language": "en-US"}).get("/login")
    assert lang_of(en.text) == "en"
    assert lang_of(client_for().get("/login").text) == "en"


def test_russian_pages_translate_labels_and_stage_names(client_for) -> None:
    client = client_for(**{"Accept-Language": "ru"})
    assert login(client, "vic").status_code == 303
    page = client.get("/w/shop/journey").text
    assert lang_of(page) == "ru"
    assert "Осознание потребности" in page  # the stage's name_ru
    assert "Сайт" in page  # label(Channel.SITE) from the message catalogue
    assert "Need awareness" not in page


def test_the_user_setting_wins_and_is_remembered(people: Path, client_for) -> None:
    client = client_for(**{"Accept-Language": "ru"})
    assert login(client, "vic").status_code == 303
    assert lang_of(client.get("/w/shop/").text) == "ru"
    moved = post(client, "/language", {"lang": "en", "next": "/w/shop/chains"})
    assert moved.status_code == 303 and moved.headers["location"] == "/w/shop/chains"
    assert lang_of(client.get("/w/shop/").text) == "en"
    # stored in every workspace the user is logged into
    assert _language_of(people, "shop", "vic") == "en"
    assert _language_of(people, "clinic", "vic") == "en"
    # a new browser asking for Russian still gets the user's English after login
    other = client_for(**{"Accept-Language": "ru"})
    assert lang_of(other.get("/login").text) == "ru"
    assert login(other, "vic").status_code == 303
    assert lang_of(other.get("/w/shop/").text) == "en"
    # choosing "" goes back to the browser's language
    post(other, "/language", {"lang": "", "next": "/"})
    assert lang_of(other.get("/w/shop/").text) == "ru"
    assert _language_of(people, "shop", "vic") is None


def _language_of(root: Path, member: str, username: str) -> str | None:
    from touchpath.store import auth
    from touchpath.store.db import create_engine, session_factory

    from .conftest import metadata_url

    engine = create_engine(metadata_url(root, member))
    try:
        with session_factory(engine)() as db:
            user = auth.get_user(session=db, username=username)
            assert user is not None
            return user.language
    finally:
        engine.dispose()


def test_numbers_follow_the_language(people: Path, client_for) -> None:
    with duckdb.connect(str(people / "shop" / "events.duckdb"), read_only=True) as con:
        [(revenue,)] = con.execute(
            "SELECT sum(value) FROM events WHERE is_conversion AND currency = 'RUB'"
        ).fetchall()
    whole = round(revenue)
    assert whole >= 1000  # so a thousands separator shows
    en = client_for("vic").get("/w/shop/").text
    assert f">{whole:,}\xa0RUB<" in en
    ru_client = client_for(**{"Accept-Language": "ru"})
    login(ru_client, "vic")
    ru = ru_client.get("/w/shop/").text
    grouped = f"{whole:,}".replace(",", "\xa0")  # Russian groups thousands with a no-break space
    assert f">{grouped}\xa0₽<" in ru


@pytest.mark.parametrize(
    ("lang", "number", "share", "money"),
    [
        ("en", "1,234,567", "16.3%", "393,230\xa0RUB"),
        ("ru", "1\xa0234\xa0567", "16,3%", "393\xa0230\xa0₽"),
    ],
)
def test_formatters(lang: str, number: str, share: str, money: str) -> None:
    token = set_language(lang)
    try:
        assert fmt_number(1234567) == number
        assert fmt_percent(0.163) == share
        assert fmt_money(393230.0, "RUB") == money
        assert fmt_number(None) == "—"
        # a bound that rounds to zero shows no minus sign; other negatives keep theirs
        assert fmt_number(-0.3) == fmt_number(0) == "0"
        assert fmt_percent(-0.00004) == fmt_percent(0)
        assert fmt_number(-1.6) not in ("2", "-0") and fmt_number(-1.6).endswith("2")
    finally:
        reset_language(token)


# -- every message has its Russian ------------------------------------------------------------


def web_messages() -> set[str]:
    """Message ids in the web app's code and templates, and in the modules it added."""
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for _file, _line, message, _c, _ctx in extract_from_dir(
        str(SRC / "web"),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        keywords=keywords,
    ):
        found.update([message] if isinstance(message, str) else message)
    for module in (SRC / "commands" / "serve.py", SRC / "store" / "auth.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_web_message_has_a_russian_translation() -> None:
    ru: dict[str, str] = runpy.run_path(str(RU_FILE))["RU"]
    with PO.open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    messages = web_messages()
    assert len(messages) > 100
    missing = sorted(m for m in messages if m not in ru and m not in translated)
    assert missing == [], missing[:20]
    # translations keep their placeholders
    for msgid, text in ru.items():
        fields = re.compile(r"\{\w+[^}]*\}")
        assert set(fields.findall(msgid)) == set(fields.findall(text)), msgid


def test_russian_file_has_no_stale_entries() -> None:
    ru: dict[str, str] = runpy.run_path(str(RU_FILE))["RU"]
    stale = sorted(set(ru) - web_messages())
    assert stale == []
