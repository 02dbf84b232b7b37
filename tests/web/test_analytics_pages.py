"""The analytics pages (funnel, paths, discovered journey, attribution, retention).

Each page for each role; bad parameters answered with 400 and a message naming the
field; the numbers shown checked against pandas computations over the events file read
directly (not through touchpath); a touchpoint named like a script escaped everywhere;
pages without data say what is missing and how to add it; results cached per data
version; Russian.

Most tests share one app over one copy of the demo (module scope): the pages only read,
and the analyses are computed once for the whole file.
"""

from __future__ import annotations

import gettext
import html
import itertools
import json
import os
import re
import runpy
import shutil
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import touchpath
from touchpath import i18n
from touchpath.labels import group_label
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.store.db import create_engine, session_factory
from touchpath.web import create_app
from touchpath.web.locale import fmt_percent
from touchpath.web.routes import attribution as attribution_page

from .conftest import SECRET, catalogue_of, login, metadata_url

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = ["funnel", "paths", "journey-graph", "attribution", "retention"]
TITLES = {
    "funnel": "Funnel",
    "paths": "Paths",
    "journey-graph": "Discovered journey",
    "attribution": "Attribution",
    "retention": "Retention",
}
WRONG = {
    "funnel": "mode",
    "paths": "kind",
    "journey-graph": "unit",
    "attribution": "metric",
    "retention": "period",
}
HOSTILE = "<script>alert(1)</script>Корзина"
ROOT = Path(__file__).resolve().parents[2]
SRC = Path(touchpath.__file__).parent
WINDOW = timedelta(days=30)
PO = SRC / "locale" / "ru" / "LC_MESSAGES" / "touchpath.po"


# -- fixtures --------------------------------------------------------------------------------


def rename(root: Path, member: str, touchpoint: str, name: str) -> None:
    engine = create_engine(metadata_url(root, member))
    try:
        with session_factory(engine)() as db:
            tp = crud.load_catalogue(session=db).touchpoint(touchpoint)
            crud.upsert_touchpoint(session=db, touchpoint=tp.model_copy(update={"name": name}))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the demo for the module; the shop's cart is named like a script."""
    root = tmp_path_factory.mktemp("analytics") / "demo"
    shutil.copytree(demo_template, root)
    rename(root, "shop", "cart", HOSTILE)
    return root


@pytest.fixture(scope="module")
def shared_app(site: Path) -> Any:
    return create_app(site, secret=SECRET)


@pytest.fixture(scope="module")
def browsers(shared_app: Any) -> Iterator[dict[str, TestClient]]:
    """Logged-in clients of the shared app by user name ("" is not logged in)."""
    clients: dict[str, TestClient] = {}
    for username in ("", "boss", "ann", "vic", "alice"):
        client = TestClient(shared_app)
        client.__enter__()
        if username:
            assert login(client, username).status_code == 303
        clients[username] = client
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def events(site: Path) -> pd.DataFrame:
    """The shop's events read straight from its DuckDB file, in journey order."""
    con = duckdb.connect(str(site / "shop" / "events.duckdb"), read_only=True)
    try:
        query = "SELECT * FROM events ORDER BY customer_id, ts, seq, event_id"
        frame = con.sql(query).to_arrow_table().to_pandas()
    finally:
        con.close()
    return frame.reset_index(drop=True)


@pytest.fixture(scope="module")
def catalogue(site: Path) -> Catalogue:
    return catalogue_of(site, "shop")


def get(client: TestClient, url: str) -> Any:
    return client.get(url, follow_redirects=False)


# -- reading pages ---------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (th and td alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def table_with(page: str, heading: str) -> list[list[str]]:
    """The table whose first row has a cell equal to ``heading``; its data rows."""
    for table in tables(page):
        if table and heading in table[0]:
            return table[1:]
    raise AssertionError(f"no table with a {heading!r} column")


def figure(page: str, name: str) -> dict[str, Any]:
    found = re.search(
        rf'<script type="application/json" id="figure-{name}">(.*?)</script>', page, re.S
    )
    assert found, f"no figure {name}"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def number(text: str) -> float:
    """A number as the English pages write it: 1,234.5 or 12.5%."""
    cleaned = text.split()[0].replace(",", "").rstrip("%")
    return float(cleaned)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def errors_of(page: str) -> str:
    found = re.search(r'<div class="error" role="alert">(.*?)</div>', page, re.S)
    assert found, "no error message on the page"
    return text_of(found.group(1))


# -- independent computations (pandas over the events file) ---------------------------------


def stage_touchpoints(catalogue: Catalogue, stage: str) -> set[str]:
    return {tp.id for tp in catalogue.touchpoints if stage in tp.stages}


def two_step_funnel(events: pd.DataFrame, first: str, second: str) -> tuple[int, int, Counter]:
    """Ordered funnel by hand: entry at the first touch of ``first``; ``second`` at or
    after it within the window. Also the entering customers by the entry's channel."""
    entered = reached = 0
    channels: Counter[str] = Counter()
    for _cid, rows in events.groupby("customer_id", sort=False):
        at_first = rows[rows["touchpoint"] == first]
        if at_first.empty:
            continue
        entry = at_first.iloc[0]  # events are in (ts, seq, event_id) order
        entered += 1
        channels[str(entry["channel"])] += 1
        later = rows[
            (rows["touchpoint"] == second)
            & (rows["ts"] >= entry["ts"])
            & (rows["ts"] <= entry["ts"] + WINDOW)
        ]
        reached += int(not later.empty)
    return entered, reached, channels


def customer_paths(events: pd.DataFrame) -> Counter[tuple[str, ...]]:
    """Each customer's touchpoints up to the first conversion, repeats collapsed."""
    paths: Counter[tuple[str, ...]] = Counter()
    for _cid, rows in events.groupby("customer_id", sort=False):
        steps: list[str] = []
        for tp, conversion in zip(rows["touchpoint"], rows["is_conversion"], strict=True):
            unit = "(unmapped)" if tp is None or pd.isna(tp) else str(tp)
            if not steps or steps[-1] != unit:
                steps.append(unit)
            if conversion:
                break
        paths[tuple(steps)] += 1
    return paths


def transitions(events: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """Consecutive mapped touches: (source, target) → (transitions, customers)."""
    mapped = events[events["touchpoint"].notna()]
    count: Counter[tuple[str, str]] = Counter()
    who: dict[tuple[str, str], set[str]] = {}
    for cid, rows in mapped.groupby("customer_id", sort=False):
        tps = list(rows["touchpoint"])
        for pair in itertools.pairwise(tps):
            count[pair] += 1
            who.setdefault(pair, set()).add(str(cid))
    return {pair: (n, len(who[pair])) for pair, n in count.items()}


# -- every page, every role ------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_role_reads_every_analytics_page(browsers: dict[str, TestClient], page: str) -> None:
    for user in ("boss", "ann", "vic"):
        response = get(browsers[user], f"/w/shop/{page}")
        assert response.status_code == 200, (user, page)
        assert f"<h1>{TITLES[page]}</h1>" in response.text
        assert f'href="/w/shop/{page}" class="current"' in response.text
        assert "Not here yet" not in response.text  # the placeholder gave way
    anonymous = get(browsers[""], f"/w/shop/{page}")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next=/w/shop/{page}"
    # alice has an account in the shop only: the clinic does not exist for her, while vic
    # (who has one there) gets the clinic's page (here its answer to a wrong parameter)
    wrong = f"/w/clinic/{page}?{WRONG[page]}=nonsense"
    assert get(browsers["alice"], wrong).status_code == 404
    assert get(browsers["vic"], wrong).status_code == 400
    # the pages only read: there is nothing to post to
    assert browsers["vic"].post(f"/w/shop/{page}").status_code in (403, 405)


# -- bad parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "messages"),
    [
        ("funnel?window=3x", ["Window: bad window '3x'"]),
        ("funnel?window=0d", ["Window: the window must be longer than zero"]),
        ("funnel?mode=loose", ["Step order: “loose” is not one of: ordered, strict, any"]),
        ("funnel?by=segment", ["Breakdown: “segment” is not one of"]),
        ("funnel?step=tp:nowhere", ["Step 1: there is no stage or touchpoint nowhere"]),
        ("funnel?step=&step=", ["Steps: choose at least one step"]),
        ("funnel?" + "&".join(["step=stage:search"] * 21), ["at most 20 steps"]),
        ("paths?kind=some", ["Customers: “some” is not one of: all, converted, dropped"]),
        (
            "paths?top=0&steps=99",
            [
                "Top paths: write a whole number from 1 to 100 (got “0”)",
                "Sankey steps: write a whole number from 1 to 8 (got “99”)",
            ],
        ),
        ("paths?max_length=ten", ["Longest path: write a whole number from 1 to 50"]),
        ("paths?collapse=maybe", ["Collapse repeats: answer 1 (yes) or 0 (no)"]),
        ("paths?from=nowhere", ["From: there is no touchpoint nowhere in the catalogue"]),
        ("journey-graph?min_count=-3", ["At least: write a whole number from 1 to"]),
        ("journey-graph?unit=stage", ["Nodes: “stage” is not one of: touchpoint, channel"]),
        ("attribution?sent=1", ["Models: tick at least one model"]),
        ("attribution?model=oracle", ["Models: unknown model oracle"]),
        ("attribution?n_boot=100000", ["Replicates: write a whole number from 10 to 500"]),
        ("attribution?metric=roi", ["Show: “roi” is not one of"]),
        ("retention?period=year", ["Period: “year” is not one of: month, week, quarter"]),
        ("retention?churn_after=0", ["Churned after: write a whole number from 1 to 3,650"]),
        ("retention?end=31.12.2025", ["Last day: write a date as YYYY-MM-DD"]),
        ("retention?end=2001-01-01", ["Last day: no purchases up to 2001-01-01"]),
    ],
)
def test_bad_parameters_get_400_and_a_message(
    browsers: dict[str, TestClient], url: str, messages: list[str]
) -> None:
    response = get(browsers["vic"], f"/w/shop/{url}")
    assert response.status_code == 400, response.text[-2000:]
    shown = errors_of(response.text)
    for message in messages:
        assert message in shown, shown
    assert "Traceback" not in response.text
    assert '<form class="card analytics-form"' in response.text  # the form, to fix it


def test_a_bad_lookback_gets_400(browsers: dict[str, TestClient]) -> None:
    if attribution_page.events_paths() is None:
        pytest.skip("touchpath.attribution.paths is not installed: the page has no lookback")
    response = get(browsers["vic"], "/w/shop/attribution?lookback=3x")
    assert response.status_code == 400
    assert "Lookback: bad lookback '3x'" in errors_of(response.text)
    assert 'name="lookback" value="3x"' in response.text


def test_a_bad_value_is_shown_back_escaped(browsers: dict[str, TestClient]) -> None:
    response = get(browsers["vic"], "/w/shop/funnel?window=<b>x</b>&mode=<i>")
    assert response.status_code == 400
    assert "<b>x</b>" not in response.text and "<i>" not in response.text
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in response.text  # refilled, escaped


# -- the numbers, against pandas -------------------------------------------------------------


def test_funnel_of_the_stages_starts_with_every_customer_of_the_first_stage(
    browsers: dict[str, TestClient], events: pd.DataFrame, catalogue: Catalogue
) -> None:
    page = get(browsers["vic"], "/w/shop/funnel").text
    rows = table_with(page, "Step")
    stages = catalogue.stages_in_order()
    assert [r[1] for r in rows] == [s.name for s in stages]  # default: the five stages
    first = stage_touchpoints(catalogue, stages[0].id)
    expected = events.loc[events["touchpoint"].isin(first), "customer_id"].nunique()
    assert expected > 0
    assert number(rows[0][2]) == expected
    chart = figure(page, "funnel")
    assert chart["data"][0]["x"][0] == expected
    assert chart["data"][0]["x"] == [number(r[2]) for r in rows]


def test_two_touchpoint_funnel_and_its_breakdown_match_a_hand_count(
    browsers: dict[str, TestClient], events: pd.DataFrame
) -> None:
    entered, reached, channels = two_step_funnel(events, "context_ad", "product_page")
    page = get(
        browsers["vic"], "/w/shop/funnel?step=tp:context_ad&step=tp:product_page&window=30d"
    ).text
    rows = table_with(page, "Step")
    assert [number(r[2]) for r in rows] == [entered, reached]
    assert number(rows[1][5]) == entered - reached  # dropped off

    page = get(
        browsers["vic"],
        "/w/shop/funnel?step=tp:context_ad&step=tp:product_page&window=30d&by=channel",
    ).text
    groups = table_with(page, "Group")
    shown = {row[0]: int(number(row[1])) for row in groups}
    assert shown == {group_label(c): n for c, n in channels.items()}


def test_top_paths_match_the_customers_paths(
    browsers: dict[str, TestClient], events: pd.DataFrame, catalogue: Catalogue
) -> None:
    expected = customer_paths(events)
    page = get(browsers["vic"], "/w/shop/paths").text
    summary = re.search(r"([\d,]+) customers, ([\d,]+) different paths", text_of(page))
    assert summary
    assert number(summary.group(1)) == sum(expected.values())
    assert number(summary.group(2)) == len(expected)
    names = {tp.id: tp.name for tp in catalogue.touchpoints}
    by_names = {tuple(names.get(u, u) for u in path): n for path, n in expected.items()}
    parsed = tables(page)[0][1:]
    shown_paths = [
        tuple(html.unescape(step) for step in re.findall(r"<li>(.*?)</li>", cell))
        for cell in re.findall(r'<ol class="path-steps">(.*?)</ol>', page, re.S)
    ]
    assert len(parsed) == len(shown_paths) == 20
    counts = []
    for steps, cells in zip(shown_paths, parsed, strict=True):
        assert by_names[steps] == number(cells[3]), steps
        counts.append(number(cells[3]))
    assert counts == sorted(expected.values(), reverse=True)[:20]


def test_journey_graph_edges_and_chain_entrants_match_pandas(
    browsers: dict[str, TestClient], events: pd.DataFrame, catalogue: Catalogue
) -> None:
    expected = transitions(events)
    ids = {tp.name: tp.id for tp in catalogue.touchpoints}
    page = get(browsers["vic"], "/w/shop/journey-graph?min_count=2").text
    rows = table_with(page, "transitions")
    assert len(rows) == sum(1 for n, _c in expected.values() if n >= 2)
    for cells in rows:
        target = cells[1].removesuffix(" (repeat)")
        pair = (ids[cells[0]], ids[target])
        assert expected[pair] == (number(cells[2]), number(cells[3])), pair
    # conformance: entrants of each chain touched its first step
    chains = table_with(page, "Chain")
    for chain, cells in zip(catalogue.chains, chains, strict=True):
        first = chain.steps[0]
        entrants = events.loc[events["touchpoint"] == first, "customer_id"].nunique()
        assert cells[0] == chain.name
        assert number(cells[1]) == entrants


def test_retention_summary_matches_the_purchases(
    browsers: dict[str, TestClient], events: pd.DataFrame
) -> None:
    purchases = events[events["is_conversion"]]
    per_customer = purchases.groupby("customer_id").size()
    page = text_of(get(browsers["vic"], "/w/shop/retention").text)

    def kpi(name: str) -> float:
        found = re.search(rf"([\d,.]+%?)\s+{re.escape(name)}", page)
        assert found, name
        return number(found.group(1))

    assert kpi("Customers who bought") == len(per_customer) > 0
    assert kpi("Purchases") == len(purchases)
    assert kpi("Repeat purchase rate") == round(100 * (per_customer >= 2).mean(), 1)


def last_touches(events: pd.DataFrame, *, from_events: bool) -> Counter[str]:
    """Per credited conversion, the touchpoint of its journey's last touch.

    With the attribution package's paths: a conversion ends a journey of the touches since
    the previous conversion, at most 30 days old (conversion events are not touches); one
    without a touch is not credited. Without it (the page's own paths): one journey per
    customer up to and including the first conversion event, which is the last touch.
    """
    last: Counter[str] = Counter()
    for _cid, rows in events.groupby("customer_id", sort=False):
        touches: list[tuple[Any, str]] = []
        for ts, tp, conversion in zip(
            rows["ts"], rows["touchpoint"], rows["is_conversion"], strict=True
        ):
            mapped = tp is not None and not pd.isna(tp)
            if not from_events:
                if conversion:
                    last[str(tp) if mapped else "(unmapped)"] += 1
                    break
                continue
            if not conversion:
                if mapped:
                    touches.append((ts, str(tp)))
                continue
            recent = [t for when, t in touches if when >= ts - WINDOW]
            if recent:
                last[recent[-1]] += 1
            touches = []
    return last


def test_attribution_models_share_out_every_conversion(
    browsers: dict[str, TestClient], events: pd.DataFrame, catalogue: Catalogue
) -> None:
    page = get(browsers["vic"], "/w/shop/attribution?model=last_touch&model=linear").text
    from_events = attribution_page.events_paths() is not None
    expected = last_touches(events, from_events=from_events)
    total = sum(expected.values())
    assert total > 0
    shown = re.search(r"([\d,]+) conversions", text_of(page))
    assert shown and number(shown.group(1)) == total
    names = {tp.id: tp.name for tp in catalogue.touchpoints}
    rows = table_with(page, "Touchpoint")
    header = tables(page)[[t[0][0] if t else "" for t in tables(page)].index("Touchpoint")][0]
    assert header[1:] == ["Last touch", "Linear"]
    last = {r[0]: number(r[1]) for r in rows if number(r[1])}
    assert last == {names.get(t, t): float(n) for t, n in expected.items()}
    linear = sum(number(r[2]) for r in rows)
    assert linear == pytest.approx(total, abs=0.05 * len(rows))  # shown to one decimal
    chart = figure(page, "attribution")
    assert [t["name"] for t in chart["data"]] == ["Last touch", "Linear"]


# -- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "funnel?step=tp:context_ad&step=tp:cart&by=channel",
        "paths",
        "paths?by=touchpoint&from=cart",
        "journey-graph",
        "attribution",
        "retention",
    ],
)
def test_a_touchpoint_named_like_a_script_stays_text(
    browsers: dict[str, TestClient], url: str
) -> None:
    page = get(browsers["vic"], f"/w/shop/{url}").text
    assert "<script>alert(1)" not in page
    if not url.startswith("retention"):  # retention shows no touchpoint
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Корзина" in page
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S):
        assert "<" not in block  # chart JSON cannot close its script element
        json.loads(block)


# -- missing data ----------------------------------------------------------------------------


def _execute(root: Path, member: str, sql: str) -> None:
    con = duckdb.connect(str(root / member / "events.duckdb"))
    try:
        con.execute(sql)
    finally:
        con.close()


def test_pages_without_events_say_how_to_import_them(people: Path, client_for) -> None:
    _execute(people, "shop", "DELETE FROM events")
    vic = client_for("vic")
    for page in PAGES:
        response = get(vic, f"/w/shop/{page}")
        assert response.status_code == 200, page
        shown = text_of(response.text)
        assert "No events yet" in shown, page
        assert "touchpath import events.csv --mapping mapping.yaml" in shown
        assert 'id="figure-' not in response.text


def test_pages_without_conversions_or_chains_say_what_is_missing(people: Path, client_for) -> None:
    _execute(people, "shop", "UPDATE events SET is_conversion = false")
    engine = create_engine(metadata_url(people, "shop"))
    try:
        with session_factory(engine)() as db:
            for chain in crud.load_catalogue(session=db).chains:
                crud.delete_chain(session=db, chain_id=chain.id)
    finally:
        engine.dispose()
    vic = client_for("vic")
    retention = text_of(get(vic, "/w/shop/retention").text)
    assert "No purchases yet" in retention and "is_conversion" in retention
    attribution = text_of(get(vic, "/w/shop/attribution").text)
    assert "No conversions yet" in attribution and "is_conversion" in attribution
    graph = get(vic, "/w/shop/journey-graph")
    assert graph.status_code == 200
    assert "No chains are designed yet" in text_of(graph.text)
    assert 'href="/w/shop/chains"' in graph.text
    assert 'id="figure-graph"' in graph.text  # the discovered journey is still there


# -- cache -----------------------------------------------------------------------------------


def test_results_are_computed_once_per_data_version(app: Any, people: Path, client_for) -> None:
    vic = client_for("vic")
    ann = client_for("ann")
    cache = app.state.cache
    assert get(vic, "/w/shop/paths").status_code == 200
    misses = cache.misses
    assert get(ann, "/w/shop/paths").status_code == 200  # another user, same data
    assert cache.misses == misses
    events_file = people / "shop" / "events.duckdb"
    stat = events_file.stat()
    os.utime(events_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # "new data"
    assert get(vic, "/w/shop/paths").status_code == 200
    assert cache.misses > misses


# -- Russian ---------------------------------------------------------------------------------


class _Dictionary(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


def russian() -> dict[str, str]:
    """Every Russian text there is: the compiled catalogue and the files still to merge."""
    with PO.open("rb") as fh:
        ru = {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id and m.string}
    for file in sorted((ROOT / "scripts" / "ru").glob("*.py")):
        ru.update(runpy.run_path(str(file)).get("RU", {}))
    return ru


def test_pages_in_russian(monkeypatch: pytest.MonkeyPatch, client_for) -> None:
    ru = russian()

    def translations(language: str) -> gettext.NullTranslations:
        found = gettext.translation(
            i18n.DOMAIN, i18n.LOCALE_DIR, languages=[language], fallback=True
        )
        if language == "ru":
            found.add_fallback(_Dictionary(ru))
        return found

    monkeypatch.setattr(i18n, "translations", translations)
    client = client_for(**{"Accept-Language": "ru-RU,ru;q=0.9"})
    assert login(client, "vic").status_code == 303
    funnel = client.get("/w/shop/funnel").text
    assert "<h1>Воронка</h1>" in funnel
    assert "Осознание потребности" in funnel
    token = i18n.set_language("ru")
    try:
        first = fmt_percent(1.0)  # "100,0 %" with a no-break space
    finally:
        i18n.reset_language(token)
    assert table_with(funnel, "Шаг")[0][4] == " ".join(first.split())
    assert figure(funnel, "funnel")["layout"]["separators"] == ",\u00a0"
    bad = client.get("/w/shop/retention?period=year")
    assert bad.status_code == 400
    assert "Период: «year» — нет среди допустимых" in errors_of(bad.text)


def test_every_message_of_the_analytics_pages_has_russian() -> None:
    ru = russian()
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    names = ["_analytics", "funnel", "paths", "journey_graph", "retention", "attribution"]
    found: set[str] = set()
    for name in names:
        module = SRC / "web" / "routes" / f"{name}.py"
        found.update(m for _l, m, _c, _x in extract_from_file("python", str(module), keywords))
        template = SRC / "web" / "templates" / f"{name.lstrip('_')}.html"
        if name == "_analytics":
            template = SRC / "web" / "templates" / "_analytics_status.html"
        found.update(m for _l, m, _c, _x in extract_from_file("jinja2", str(template), keywords))
    assert len(found) > 150
    mine: dict[str, str] = runpy.run_path(str(ROOT / "scripts" / "ru" / "web_analytics.py"))["RU"]
    missing = sorted(m for m in found if m not in ru)
    assert missing == []
    assert sorted(set(mine) - found) == []  # no stale entries
    fields = re.compile(r"\{\w+[^}]*\}")
    for msgid, text in mine.items():
        assert set(fields.findall(msgid)) == set(fields.findall(text)), msgid
