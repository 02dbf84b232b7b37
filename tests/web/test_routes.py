"""Every page for every role: what it shows, checked against the stores read directly."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pytest

from touchpath.catalogue.journey_map import journey_columns
from touchpath.model import Catalogue, Chain, Stage, Touchpoint
from touchpath.web.forms import move
from touchpath.web.pages import PLACEHOLDERS

from .conftest import PASSWORD, catalogue_of, login, post, users_of

PAGES = ["", "touchpoints", "touchpoints/-new", "chains", "journey", "users"]


def events_db(root: Path, member: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(root / member / "events.duckdb"), read_only=True)


def text_of(page: str) -> str:
    """The visible text of a page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# -- login ---------------------------------------------------------------------------------


def test_login_page_and_wrong_password(client_for) -> None:
    client = client_for()
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login"
    bad = login(client, "ann", "not the password")
    assert bad.status_code == 400
    assert "Wrong user name or password." in bad.text
    unknown = login(client, "nobody", PASSWORD)
    assert unknown.status_code == 400


def test_login_opens_every_workspace_the_user_has(client_for) -> None:
    ann = client_for("ann")
    page = ann.get("/w/shop/")
    assert page.status_code == 200
    # ann has accounts in both members: both are in the workspace list of the navigation
    assert 'href="/w/clinic/"' in page.text and 'href="/w/shop/"' in page.text
    assert ann.get("/w/clinic/").status_code == 200
    alice = client_for("alice")
    assert 'href="/w/clinic/"' not in alice.get("/w/shop/").text


def test_anonymous_requests_go_to_the_login_page(client_for) -> None:
    client = client_for()
    for page in PAGES + [p.entry.slug for p in PLACEHOLDERS]:
        response = client.get(f"/w/shop/{page}", follow_redirects=False)
        assert response.status_code == 303, page
        assert response.headers["location"].startswith("/login?next=/w/shop/"), page


def test_login_returns_to_the_page_asked_for(client_for) -> None:
    client = client_for()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={
            "username": "vic",
            "password": PASSWORD,
            "next": "/w/clinic/journey",
            "csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/w/clinic/journey"


# -- every page, every role ---------------------------------------------------------------


@pytest.mark.parametrize("user", ["boss", "ann", "vic"])
def test_every_page_opens_for_each_role(client_for, user: str) -> None:
    client = client_for(user)
    expected = {"boss": 200, "ann": 200, "vic": 200}
    for member in ("shop", "clinic"):
        for page in ["", "touchpoints", "chains", "journey"] + [p.entry.slug for p in PLACEHOLDERS]:
            assert client.get(f"/w/{member}/{page}").status_code == expected[user], (member, page)
    catalogue_page = client.get("/w/shop/touchpoints")
    for tp_id in re.findall(r'href="/w/shop/touchpoints/([a-z0-9_.\-]+)"', catalogue_page.text):
        assert client.get(f"/w/shop/touchpoints/{tp_id}").status_code == 200
    for chain_id in re.findall(
        r'href="/w/shop/chains/([a-z0-9_.\-]+)"', client.get("/w/shop/chains").text
    ):
        assert client.get(f"/w/shop/chains/{chain_id}").status_code == 200
    # the analyst pages and the admin page follow the role
    assert client.get("/w/shop/touchpoints/-new").status_code == (403 if user == "vic" else 200)
    assert client.get("/w/shop/users").status_code == (200 if user == "boss" else 403)


def test_navigation_hides_what_the_role_cannot_open(client_for) -> None:
    assert 'href="/w/shop/users"' in client_for("boss").get("/w/shop/").text
    assert 'href="/w/shop/users"' not in client_for("ann").get("/w/shop/").text
    viewer_page = client_for("vic").get("/w/shop/touchpoints").text
    assert "touchpoints/-new" not in viewer_page


def test_unknown_things_are_404(client_for) -> None:
    client = client_for("ann")
    assert client.get("/w/nowhere/").status_code == 404
    assert client.get("/w/shop/touchpoints/no_such_tp").status_code == 404
    assert client.get("/w/shop/chains/no_such_chain").status_code == 404


# -- dashboard ------------------------------------------------------------------------------


def test_dashboard_kpis_match_the_events_store(people: Path, client_for) -> None:
    with events_db(people, "shop") as con:
        events, customers, conversions, converted = con.execute(
            "SELECT count(*), count(DISTINCT customer_id), count(*) FILTER (is_conversion),"
            " count(DISTINCT customer_id) FILTER (is_conversion) FROM events"
        ).fetchone()
        channels = con.execute("SELECT channel, count(*) FROM events GROUP BY 1").fetchall()
    page = client_for("vic").get("/w/shop/")
    text = text_of(page.text)
    for value in (events, customers, conversions, converted):
        assert f"{value:,}" in text
    rate = converted / customers * 100
    assert f"conversion rate {rate:.1f}%" in text
    # the channel table: every channel with its touches, in the row of its label
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([\d,]+)</td>", page.text)
    shown = {label: int(n.replace(",", "")) for label, n in rows}
    assert sorted(shown.values()) == sorted(n for _c, n in channels)
    # the chart's data is in the page, plotly.js comes from this server
    assert 'src="/vendor/plotly.min.js"' in page.text
    assert 'id="figure-channels"' in page.text


def test_plotly_js_is_served_from_the_installed_package(client_for) -> None:
    import plotly

    response = client_for().get("/vendor/plotly.min.js")
    assert response.status_code == 200
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert response.content == bundled.read_bytes()


# -- the catalogue ------------------------------------------------------------------------


def new_touchpoint(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "id": "vk_chat",
        "name": "Чат ВКонтакте",
        "channel": "messenger",
        "mode": "online",
        "stages": ["search", "comparison"],
        "role": "capture",
        "attention": "long",
        "lifetime": "repetitive",
        "owner": "Анна",
        "status": "planned",
        "tags": "чат, соцсети",
        "wow": "on",
    }
    form.update(changes)
    return form


def test_create_edit_delete_a_touchpoint(people: Path, client_for) -> None:
    ann = client_for("ann")
    created = post(ann, "/w/shop/touchpoints", new_touchpoint())
    assert created.status_code == 303
    tp = catalogue_of(people, "shop").touchpoint("vk_chat")
    assert tp.model_dump(mode="json") == {
        "id": "vk_chat",
        "name": "Чат ВКонтакте",
        "description": None,
        "channel": "messenger",
        "mode": "online",
        "stages": ["search", "comparison"],
        "role": "capture",
        "wow": True,
        "attention": "long",
        "lifetime": "repetitive",
        "owner": "Анна",
        "automated": False,
        "status": "planned",
        "tags": ["чат", "соцсети"],
    }
    assert "Touchpoint “Чат ВКонтакте” added." in ann.get("/w/shop/touchpoints").text

    edited = post(
        ann,
        "/w/shop/touchpoints/vk_chat",
        new_touchpoint(
            id="ignored",
            owner="",
            automated="on",
            wow=None,
            stages=["purchase"],
            attention="",
            status="active",
        ),
    )
    assert edited.status_code == 303
    tp = catalogue_of(people, "shop").touchpoint("vk_chat")
    assert (tp.owner, tp.automated, tp.wow, tp.stages, tp.attention, tp.status.value) == (
        None,
        True,
        False,
        ["purchase"],
        None,
        "active",
    )
    with pytest.raises(KeyError):
        catalogue_of(people, "shop").touchpoint("ignored")

    deleted = post(ann, "/w/shop/touchpoints/vk_chat/delete")
    assert deleted.status_code == 303
    with pytest.raises(KeyError):
        catalogue_of(people, "shop").touchpoint("vk_chat")


def test_touchpoint_form_errors_keep_what_was_typed(people: Path, client_for) -> None:
    ann = client_for("ann")
    before = catalogue_of(people, "shop")
    bad_id = post(ann, "/w/shop/touchpoints", new_touchpoint(id="Bad Id!", name="Мой чат"))
    assert bad_id.status_code == 400
    assert "Id: use lower-case latin letters" in html.unescape(bad_id.text)
    assert 'value="Мой чат"' in bad_id.text
    taken = post(ann, "/w/shop/touchpoints", new_touchpoint(id="checkout"))
    assert taken.status_code == 400
    assert "exists already" in html.unescape(taken.text)
    no_name = post(ann, "/w/shop/touchpoints", new_touchpoint(name=""))
    assert no_name.status_code == 400 and "Name: this field is required" in no_name.text
    assert catalogue_of(people, "shop") == before


def test_a_touchpoint_in_a_chain_cannot_be_deleted(people: Path, client_for) -> None:
    ann = client_for("ann")
    response = post(ann, "/w/shop/touchpoints/checkout/delete")
    assert response.status_code == 400
    assert "remove it from the chain first" in html.unescape(response.text)
    assert catalogue_of(people, "shop").touchpoint("checkout")


def test_catalogue_filters(people: Path, client_for) -> None:
    catalogue = catalogue_of(people, "shop")
    page = client_for("vic").get(
        "/w/shop/touchpoints", params={"stage": "purchase", "status": "active"}
    )
    shown = set(re.findall(r'href="/w/shop/touchpoints/([a-z0-9_.\-]+)"', page.text)) - {"-new"}
    expected = {
        tp.id
        for tp in catalogue.touchpoints
        if "purchase" in tp.stages and tp.status.value == "active"
    }
    assert shown == expected and expected


# -- chains -------------------------------------------------------------------------------


def reference_move(steps: list[str], action: str, added: str | None = None) -> list[str]:
    """The designer's buttons, written out case by case."""
    kind, _, where = action.partition(":")
    if kind == "add":
        return steps + ([added] if added else [])
    if not where.isdigit() or int(where) >= len(steps):
        return steps
    i = int(where)
    if kind == "up" and i > 0:
        return [*steps[: i - 1], steps[i], steps[i - 1], *steps[i + 1 :]]
    if kind == "down" and i + 1 < len(steps):
        return [*steps[:i], steps[i + 1], steps[i], *steps[i + 2 :]]
    if kind == "remove":
        return steps[:i] + steps[i + 1 :]
    return steps


@pytest.mark.parametrize(
    "action",
    [
        "up:0",
        "up:1",
        "up:3",
        "down:0",
        "down:2",
        "down:3",
        "remove:0",
        "remove:3",
        "remove:9",
        "up:x",
        "save",
        "add",
    ],
)
def test_move_matches_the_reference(action: str) -> None:
    steps = ["a", "b", "c", "d"]
    assert move(steps, action, "e") == reference_move(steps, action, "e")


def test_design_a_chain(people: Path, client_for) -> None:
    ann = client_for("ann")
    created = post(
        ann, "/w/shop/chains", {"id": "quick", "name": "Быстрый заказ", "first_step": "context_ad"}
    )
    assert created.status_code == 303 and created.headers["location"] == "/w/shop/chains/quick"

    def chain() -> Chain:
        return next(c for c in catalogue_of(people, "shop").chains if c.id == "quick")

    def press(action: str, steps: list[str], **extra: object) -> None:
        response = post(
            ann,
            "/w/shop/chains/quick",
            {"name": "Быстрый заказ", "steps": steps, "action": action, **extra},
        )
        assert response.status_code == 303, html.unescape(response.text)

    press("add", ["context_ad"], add_step="product_page")
    press("add", chain().steps, add_step="checkout")
    assert chain().steps == ["context_ad", "product_page", "checkout"]
    press("up:2", chain().steps)
    assert chain().steps == ["context_ad", "checkout", "product_page"]
    press("down:0", chain().steps)
    assert chain().steps == ["checkout", "context_ad", "product_page"]
    press("remove:1", chain().steps)
    assert chain().steps == ["checkout", "product_page"]
    # a drag (sent as "save" with the new order) and the chain's other fields
    press("save", ["product_page", "checkout"], next_chain="online_delivery", description="тест")
    saved = chain()
    assert (saved.steps, saved.next_chain, saved.description) == (
        ["product_page", "checkout"],
        "online_delivery",
        "тест",
    )
    page = ann.get("/w/shop/chains/quick").text
    assert page.index("Карточка товара") < page.index("Оформление и оплата заказа")


def test_chain_rules_come_back_as_messages(people: Path, client_for) -> None:
    ann = client_for("ann")
    before = catalogue_of(people, "shop")
    chain = before.chains[0]
    empty = post(
        ann,
        f"/w/shop/chains/{chain.id}",
        {"name": chain.name, "steps": [chain.steps[0]], "action": "remove:0"},
    )
    assert empty.status_code == 400 and "Steps: add at least one" in html.unescape(empty.text)
    twice = post(
        ann,
        f"/w/shop/chains/{chain.id}",
        {"name": chain.name, "steps": ["cart", "cart"], "action": "save"},
    )
    assert twice.status_code == 400 and "follows itself" in html.unescape(twice.text)
    unknown = post(
        ann,
        f"/w/shop/chains/{chain.id}",
        {"name": chain.name, "steps": ["cart", "no_such"], "action": "save"},
    )
    assert unknown.status_code == 400 and "unknown touchpoint 'no_such'" in html.unescape(
        unknown.text
    )
    assert catalogue_of(people, "shop") == before


def test_delete_a_chain(people: Path, client_for) -> None:
    ann = client_for("ann")
    leads_on = [c for c in catalogue_of(people, "shop").chains if c.next_chain]
    target = leads_on[0].next_chain
    refused = post(ann, f"/w/shop/chains/{target}/delete")
    assert refused.status_code == 400
    free = next(
        c.id
        for c in catalogue_of(people, "shop").chains
        if not any(o.next_chain == c.id for o in catalogue_of(people, "shop").chains)
    )
    assert post(ann, f"/w/shop/chains/{free}/delete").status_code == 303
    assert free not in {c.id for c in catalogue_of(people, "shop").chains}


# -- the journey map ------------------------------------------------------------------------


def test_journey_map_columns_and_cards(people: Path, client_for) -> None:
    catalogue = catalogue_of(people, "shop")
    with events_db(people, "shop") as con:
        touches = dict(
            con.execute(
                "SELECT touchpoint, count(*) FROM events WHERE touchpoint IS NOT NULL GROUP BY 1"
            ).fetchall()
        )
    page = client_for("vic").get("/w/shop/journey").text
    # stages are columns in journey order
    positions = [page.index(f"<h2>{html.escape(s.name)}</h2>") for s in catalogue.stages_in_order()]
    assert positions == sorted(positions)
    cards = re.findall(
        r'<article class="tp-card (\w+)(?: negative)?">\s*<h3><a href="/w/shop/touchpoints/'
        r'([a-z0-9_.\-]+)">(.*?)</article>',
        page,
        re.S,
    )
    # one card per (touchpoint, stage) pair
    assert len(cards) == sum(max(len(tp.stages), 1) for tp in catalogue.touchpoints)
    for state, tp_id, body in cards:
        tp = catalogue.touchpoint(tp_id)
        if tp.status.value == "missing":
            assert state == "missing"
        elif tp.status.value == "planned":
            assert state == "planned"
        else:
            n = touches.get(tp_id, 0)
            assert state == ("live" if n else "silent")
            assert f"{n:,} touches" in body
        if tp.owner:
            assert html.escape(tp.owner) in body
    # the designed chains are listed beside the map
    for chain in catalogue.chains:
        assert html.escape(chain.name) in page


def test_journey_columns_show_gaps() -> None:
    catalogue = Catalogue(
        business="b",
        stages=[
            Stage(id="s1", name="S1", group="before", order=1),
            Stage(id="s0", name="S0", group="before", order=0),
        ],
        touchpoints=[
            Touchpoint(id="a", name="A", channel="site", stages=["s0"]),
            Touchpoint(id="b", name="B", channel="site", stages=["s1"], status="missing"),
            Touchpoint(id="c", name="C", channel="site"),
        ],
    )
    stats = {
        "a": {"touches": 0, "customers": 0, "conversions": 0},
        "c": {"touches": 5, "customers": 2, "conversions": 0},
    }
    columns = journey_columns(catalogue, stats, have_data=True)
    assert [c.stage.id if c.stage else None for c in columns] == ["s0", "s1", None]
    assert [[card.state for card in c.cards] for c in columns] == [
        ["silent"],
        ["missing"],
        ["live"],
    ]
    assert [c.is_gap for c in columns] == [False, True, False]


# -- placeholders ---------------------------------------------------------------------------


def test_placeholder_pages_say_what_is_missing_and_how_to_add_it(client_for) -> None:
    client = client_for("vic")
    dashboard = client.get("/w/shop/").text
    waiting = client.app.state.pages.placeholders  # the pages no module serves yet
    assert {p.entry.slug for p in waiting} < {p.entry.slug for p in PLACEHOLDERS}
    for placeholder in waiting:
        assert f'href="/w/shop/{placeholder.entry.slug}"' in dashboard
        page = html.unescape(client.get(f"/w/shop/{placeholder.entry.slug}").text)
        assert "Not here yet" in page
        assert placeholder.how in page
        if placeholder.command:
            assert placeholder.command in page


# -- users (admin) --------------------------------------------------------------------------


def test_admin_manages_users(people: Path, client_for) -> None:
    boss = client_for("boss")
    added = post(
        boss, "/w/clinic/users", {"username": "nina", "password": "long enough", "role": "viewer"}
    )
    assert added.status_code == 303
    assert ("nina", "viewer") in users_of(people, "clinic")
    assert "nina" not in dict(users_of(people, "shop"))
    assert post(boss, "/w/clinic/users/nina/role", {"role": "analyst"}).status_code == 303
    assert ("nina", "analyst") in users_of(people, "clinic")
    short = post(
        boss, "/w/clinic/users", {"username": "oleg", "password": "short", "role": "viewer"}
    )
    assert short.status_code == 400 and "at least 8 characters" in short.text
    assert post(boss, "/w/clinic/users/nina/delete").status_code == 303
    assert "nina" not in dict(users_of(people, "clinic"))
    # the last admin stays an admin
    demoted = post(boss, "/w/clinic/users/boss/role", {"role": "viewer"})
    assert demoted.status_code == 400 and "last admin" in html.unescape(demoted.text)
    assert ("boss", "admin") in users_of(people, "clinic")
