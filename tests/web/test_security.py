"""CSRF on every form, roles on every route, workspaces sealed off, text escaped, headers."""

from __future__ import annotations

import base64
import json
import re
import stat
from pathlib import Path

import itsdangerous
import pytest

from touchpath.store import auth
from touchpath.store.db import create_engine, session_factory
from touchpath.web import create_app
from touchpath.web.app import api_routes
from touchpath.web.security import safe_next

from .conftest import (
    PASSWORD,
    SECRET,
    catalogue_of,
    csrf_of,
    login,
    metadata_url,
    post,
    users_of,
)

XSS = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(2)>'


def post_routes(app) -> list[str]:
    """Every POST route of the app, its path parameters filled for the shop."""
    fill = {
        "{ws}": "shop",
        "{touchpoint_id}": "checkout",
        "{chain_id}": "online_delivery",
        "{username}": "vic",
        "{audit_id}": "1",
        "{name}": "chat_lead_callback",
        "{task_id}": "1",
        "{alert_id}": "1",
    }
    paths = []
    for route in api_routes(app):
        if "POST" in route.methods:
            path = route.path
            for key, value in fill.items():
                path = path.replace(key, value)
            assert "{" not in path, f"fill in the parameters of {route.path}"
            paths.append(path)
    return paths


def workspace_routes(app, method: str) -> list[str]:
    return [r.path for r in api_routes(app) if method in r.methods and r.path.startswith("/w/{ws}")]


def snapshot(root: Path) -> tuple[object, ...]:
    return (
        catalogue_of(root, "shop"),
        catalogue_of(root, "clinic"),
        users_of(root, "shop"),
        users_of(root, "clinic"),
    )


FORM = {
    "name": "x",
    "id": "new_one",
    "channel": "site",
    "steps": ["cart"],
    "action": "save",
    "first_step": "cart",
    "username": "zed",
    "password": "long enough",
    "role": "admin",
    "lang": "ru",
}


# -- CSRF -----------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(app, people: Path, client_for) -> None:
    boss = client_for("boss")
    before = snapshot(people)
    routes = post_routes(app)
    assert {"/login", "/logout", "/language", "/w/shop/touchpoints", "/w/shop/users"} <= set(routes)
    for path in routes:
        missing = boss.post(path, data=FORM, follow_redirects=False)
        assert missing.status_code == 403, path
        wrong = boss.post(path, data={**FORM, "csrf_token": "forged"}, follow_redirects=False)
        assert wrong.status_code == 403, path
        header = boss.post(
            path, data=FORM, headers={"X-CSRF-Token": "forged"}, follow_redirects=False
        )
        assert header.status_code == 403, path
    assert snapshot(people) == before
    # the same browser is still logged in: nothing above logged it out
    assert boss.get("/w/shop/").status_code == 200


def test_a_token_from_another_session_is_refused(client_for) -> None:
    ann, boss = client_for("ann"), client_for("boss")
    response = boss.post(
        "/w/shop/touchpoints/cart/delete", data={"csrf_token": ann.csrf}, follow_redirects=False
    )
    assert response.status_code == 403


def test_login_rotates_the_csrf_token(client_for) -> None:
    client = client_for()
    before = csrf_of(client, "/login")
    assert login(client, "vic").status_code == 303
    assert client.csrf != before
    stale = client.post(
        "/language", data={"lang": "ru", "csrf_token": before}, follow_redirects=False
    )
    assert stale.status_code == 403


# -- roles ----------------------------------------------------------------------------------


def test_viewer_cannot_change_anything(app, people: Path, client_for) -> None:
    vic = client_for("vic")
    before = snapshot(people)
    mutating = [p for p in post_routes(app) if p.startswith("/w/")]
    assert len(mutating) == len(workspace_routes(app, "POST")) >= 9
    for path in mutating:
        assert post(vic, path, FORM).status_code == 403, path
    assert snapshot(people) == before
    # the pages a viewer may read show no forms that change things (the language and
    # logout forms excepted)
    for page in (
        "touchpoints",
        "touchpoints/checkout",
        "chains",
        "chains/online_delivery",
        "journey",
        "",
    ):
        text = vic.get(f"/w/shop/{page}").text
        actions = set(re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', text))
        assert actions <= {"/language", "/logout"}, (page, actions)


def test_analyst_cannot_manage_users(app, people: Path, client_for) -> None:
    ann = client_for("ann")
    before = users_of(people, "shop")
    for path in [p for p in post_routes(app) if "/users" in p]:
        assert post(ann, path, FORM).status_code == 403, path
    assert ann.get("/w/shop/users").status_code == 403
    assert users_of(people, "shop") == before


def test_every_workspace_route_checks_the_user(app, client_for) -> None:
    """No route under /w/ answers an anonymous browser (a new route without a role fails)."""
    anonymous = client_for()
    token = csrf_of(anonymous)
    for path in workspace_routes(app, "GET") + workspace_routes(app, "POST"):
        filled = (
            path.replace("{ws}", "shop")
            .replace("{touchpoint_id}", "cart")
            .replace("{chain_id}", "online_delivery")
            .replace("{username}", "vic")
        )
        got = anonymous.get(filled, follow_redirects=False)
        sent = anonymous.post(filled, data={"csrf_token": token}, follow_redirects=False)
        for response in (got, sent):
            assert response.status_code in (303, 405), (filled, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login")


# -- workspaces sealed off --------------------------------------------------------------------


def test_a_user_of_one_workspace_sees_nothing_of_another(app, people: Path, client_for) -> None:
    alice = client_for("alice")  # an analyst in shop, unknown to clinic
    clinic = catalogue_of(people, "clinic")
    before = snapshot(people)
    for path in workspace_routes(app, "GET"):
        filled = (
            path.replace("{ws}", "clinic")
            .replace("{touchpoint_id}", clinic.touchpoints[0].id)
            .replace("{chain_id}", clinic.chains[0].id)
            .replace("{username}", "boss")
        )
        response = alice.get(filled, follow_redirects=False)
        assert response.status_code == 404, filled
        assert clinic.touchpoints[0].name not in response.text
    for path in workspace_routes(app, "POST"):
        filled = (
            path.replace("{ws}", "clinic")
            .replace("{touchpoint_id}", clinic.touchpoints[0].id)
            .replace("{chain_id}", clinic.chains[0].id)
            .replace("{username}", "boss")
        )
        assert post(alice, filled, FORM).status_code == 404, filled
    assert snapshot(people) == before
    # and nothing of the clinic appears on the shop's pages she can open
    shop_names = {tp.name for tp in catalogue_of(people, "shop").touchpoints}
    clinic_only = [tp.name for tp in clinic.touchpoints if tp.name not in shop_names]
    assert clinic_only
    for page in ("", "touchpoints", "chains", "journey"):
        text = alice.get(f"/w/shop/{page}").text
        assert clinic.business not in text
        assert not any(name in text for name in clinic_only)


def forge(session: dict[str, object]) -> str:
    """A session cookie as the server would sign it (only someone with the secret can)."""
    signer = itsdangerous.TimestampSigner(SECRET)
    data = base64.b64encode(json.dumps(session).encode())
    return signer.sign(data).decode()


def test_a_shop_login_does_not_open_the_clinic_even_in_a_forged_cookie(
    people: Path, client_for
) -> None:
    alice = client_for()
    assert login(alice, "alice").status_code == 303
    # a real session token of alice's, issued by the shop's database
    engine = create_engine(metadata_url(people, "shop"))
    with session_factory(engine)() as db:
        user = auth.get_user(session=db, username="alice")
        assert user is not None
        token = auth.open_session(session=db, user_id=user.id)
    engine.dispose()
    intruder = client_for()
    intruder.cookies.set("touchpath_session", forge({"auth": {"clinic": token}}))
    response = intruder.get("/w/clinic/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    # the same token is good for the shop, where it was issued
    honest = client_for()
    honest.cookies.set("touchpath_session", forge({"auth": {"shop": token}}))
    assert honest.get("/w/shop/").status_code == 200


def test_a_tampered_cookie_is_ignored(client_for) -> None:
    client = client_for("vic")
    cookie = client.cookies.get("touchpath_session")
    assert cookie
    client.cookies.set(
        "touchpath_session", cookie[:-3] + ("AAA" if cookie[-3:] != "AAA" else "BBB")
    )
    response = client.get("/w/shop/", follow_redirects=False)
    assert response.status_code == 303


# -- sessions -----------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(people: Path, client_for) -> None:
    client = client_for("vic")
    kept = client.cookies.get("touchpath_session")
    assert post(client, "/logout").status_code == 303
    assert client.get("/w/shop/", follow_redirects=False).status_code == 303
    replay = client_for()
    replay.cookies.set("touchpath_session", kept)
    assert replay.get("/w/shop/", follow_redirects=False).status_code == 303
    engine = create_engine(metadata_url(people, "shop"))
    with session_factory(engine)() as db:
        assert auth.count_sessions(session=db, username="vic") == 0
    engine.dispose()


def test_the_session_cookie_is_http_only_and_same_site(client_for) -> None:
    client = client_for()
    response = login(client, "vic")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie


def test_changing_a_password_ends_the_sessions(people: Path, client_for) -> None:
    client = client_for("vic")
    engine = create_engine(metadata_url(people, "shop"))
    with session_factory(engine)() as db:
        auth.set_password(session=db, username="vic", password="a new password")
    engine.dispose()
    assert client.get("/w/shop/", follow_redirects=False).status_code == 303
    assert login(client_for(), "vic", "a new password").status_code == 303


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/w/clinic/journey", "/w/clinic/journey"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        ("journey", "/"),
    ],
)
def test_redirects_stay_on_this_site(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_login_does_not_redirect_elsewhere(client_for) -> None:
    client = client_for()
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={
            "username": "vic",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/w/shop/"


# -- escaping ---------------------------------------------------------------------------------


def test_touchpoint_names_are_escaped_everywhere(people: Path, client_for) -> None:
    ann = client_for("ann")
    form = {
        "id": "evil",
        "name": XSS,
        "channel": "site",
        "stages": ["search"],
        "owner": XSS_ATTR,
        "description": XSS,
        "tags": XSS,
        "status": "missing",
    }
    assert post(ann, "/w/shop/touchpoints", form).status_code == 303
    assert catalogue_of(people, "shop").touchpoint("evil").name == XSS  # stored as typed
    assert (
        post(
            ann, "/w/shop/chains", {"id": "evil_chain", "name": XSS, "first_step": "evil"}
        ).status_code
        == 303
    )
    # a competitor offering it puts its name on the gap card
    pages = ["", "touchpoints", "touchpoints/evil", "chains", "chains/evil_chain", "journey"]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for page in pages:
        text = ann.get(f"/w/shop/{page}").text
        assert XSS not in text, page
        assert "<img src=x" not in text, page
        assert escaped in text, page
    # the flash message after saving carries the name too
    post(ann, "/w/shop/touchpoints/evil", {**form, "status": "active"})
    assert XSS not in ann.get("/w/shop/touchpoints").text


def test_form_errors_echo_input_escaped(client_for) -> None:
    ann = client_for("ann")
    response = post(ann, "/w/shop/touchpoints", {"id": XSS, "name": XSS_ATTR, "channel": "site"})
    assert response.status_code == 400
    assert XSS not in response.text and "<img src=x" not in response.text
    failed_login = client_for()
    token = csrf_of(failed_login)
    echo = failed_login.post(
        "/login", data={"username": XSS, "password": "x", "next": XSS_ATTR, "csrf_token": token}
    )
    assert XSS not in echo.text and "<img src=x" not in echo.text


# -- headers and files --------------------------------------------------------------------------


def test_security_headers_on_every_kind_of_response(client_for) -> None:
    client = client_for("vic")
    for path in (
        "/login",
        "/w/shop/",
        "/w/shop/journey",
        "/static/app.css",
        "/w/nowhere/",
        "/vendor/plotly.min.js",
    ):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "frame-ancestors 'none'" in csp
        assert not re.search(r"https?:|\*", csp), csp  # no remote sources at all
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_scripts(client_for) -> None:
    """CSP forbids inline scripts; the only <script> blocks without src hold JSON data."""
    client = client_for("vic")
    for page in ("/w/shop/", "/w/shop/journey", "/w/shop/chains/online_delivery", "/login"):
        text = client.get(page).text
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert 'src="/' in tag or 'type="application/json"' in tag, (page, tag)
        assert not re.search(r"\son\w+=", text), page  # no inline event handlers


def test_the_secret_is_made_once_and_private(people: Path) -> None:
    app = create_app(people)
    path = people / ".web" / "secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first = path.read_text()
    assert len(first.strip()) >= 32
    create_app(people)
    assert path.read_text() == first
    app.state.site.close()


def test_passwords_are_stored_as_argon2_hashes(people: Path) -> None:
    engine = create_engine(metadata_url(people, "shop"))
    with engine.connect() as con:
        rows = con.exec_driver_sql("SELECT username, password_hash FROM users").fetchall()
    engine.dispose()
    assert rows
    for _name, hashed in rows:
        assert hashed.startswith("$argon2id$")
        assert PASSWORD not in hashed


def test_the_real_hasher_uses_argon2id_with_strong_parameters() -> None:
    from argon2 import Type

    hasher = auth.password_hasher()  # the tests swap in a cheap one for speed
    assert hasher.type is Type.ID
    # at least OWASP's minimum for argon2id: 19 MiB, 2 passes
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024
    assert hasher.verify(hasher.hash(PASSWORD), PASSWORD)


def test_a_refused_upload_leaves_no_open_file(client_for) -> None:
    """A multipart post without a CSRF token is refused and its temporary file closed.

    The suite turns warnings into errors, so a leaked upload (an unclosed temporary file's
    ResourceWarning) would fail this test.
    """
    import gc

    ann = client_for("ann")
    refused = ann.post(
        "/w/shop/audits/import",
        files={"file": ("audit.csv", b"x" * 2_000_000, "text/csv")},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    gc.collect()
