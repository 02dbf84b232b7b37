"""Every route × every key role, and keys that must open nothing.

The table below says, independently of the code, which role each route needs; a route
the app serves but the table lacks fails the first test, so new routes get checked too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from touchpath.store.api_keys import key_allows

from .conftest import ROLES, Keys

TOUCHPOINT = {
    "id": "api_tp",
    "name": "API touchpoint",
    "channel": "site",
    "stages": ["purchase"],
}
STAGE = {"id": "api_stage", "name": "Loyalty", "group": "after", "order": 6}
CHAIN = {"id": "api_chain", "name": "API chain", "steps": ["context_ad", "product_page"]}
COMPETITOR = {"id": "api_rival", "name": "Rival", "touchpoints": ["context_ad"]}
EVENT = {"event_id": "route-1", "customer_id": "c1", "ts": "2025-05-01T10:00:00+03:00"}
AUDIT_CSV = "date,auditor,subject,touchpoint,parameter,value\n2030-01-02,R,ours,cart,design,4\n"
RULE = {
    "name": "api-rule",
    "trigger": {"kind": "event", "event_name": ["purchase"]},
    "actions": [{"kind": "task", "title": "Call {{ customer.id }}", "due_minutes": 15}],
}

# method, path (under /api/v1/w/{member}), role needed, JSON body
ROUTES: list[tuple[str, str, str, Any]] = [
    ("GET", "/touchpoints", "viewer", None),
    ("GET", "/touchpoints/context_ad", "viewer", None),
    ("PUT", "/touchpoints/api_tp", "analyst", TOUCHPOINT),
    ("DELETE", "/touchpoints/api_tp", "analyst", None),
    ("GET", "/stages", "viewer", None),
    ("GET", "/stages/purchase", "viewer", None),
    ("PUT", "/stages/api_stage", "analyst", STAGE),
    ("GET", "/chains", "viewer", None),
    ("GET", "/chains/online_delivery", "viewer", None),
    ("PUT", "/chains/api_chain", "analyst", CHAIN),
    ("DELETE", "/chains/api_chain", "analyst", None),
    ("GET", "/competitors", "viewer", None),
    ("GET", "/competitors/technomarket", "viewer", None),
    ("PUT", "/competitors/api_rival", "analyst", COMPETITOR),
    ("DELETE", "/competitors/api_rival", "analyst", None),
    ("GET", "/funnel", "viewer", None),
    ("GET", "/paths", "viewer", None),
    ("GET", "/journey", "viewer", None),
    ("GET", "/retention", "viewer", None),
    ("GET", "/attribution", "viewer", None),
    ("POST", "/collect", "collector", {"events": [EVENT]}),
    ("GET", "/keys", "admin", None),
    ("POST", "/keys", "admin", {"name": "bi", "role": "viewer"}),
    ("DELETE", "/keys/1", "admin", None),
    ("GET", "/audits", "viewer", None),
    ("GET", "/audits/1", "viewer", None),
    ("POST", "/audits?format=csv", "analyst", AUDIT_CSV),
    ("DELETE", "/audits/1", "analyst", None),
    ("GET", "/audit-scores", "viewer", None),
    ("GET", "/audit-gaps", "viewer", None),
    ("GET", "/plan?data=false", "viewer", None),
    ("PATCH", "/plan/improve:cart", "analyst", {"owner": "Anna"}),
    ("GET", "/feedback", "viewer", None),
    ("GET", "/kpis", "viewer", None),
    ("GET", "/alerts", "viewer", None),
    ("POST", "/alerts/check", "analyst", None),
    ("PATCH", "/alerts/1", "analyst", {"status": "acknowledged"}),
    ("GET", "/rules", "viewer", None),
    ("GET", "/rules/chat_lead_callback", "viewer", None),
    ("PUT", "/rules/api-rule", "analyst", RULE),
    ("DELETE", "/rules/api-rule", "analyst", None),
    ("GET", "/tasks", "viewer", None),
    ("GET", "/tasks/1", "viewer", None),
    ("POST", "/tasks/1/reply", "analyst", None),
    ("POST", "/tasks/1/done", "analyst", None),
    ("GET", "/response-times", "viewer", None),
]
# the name of the id segment of each resource's item routes (others: item_id)
ID_PARAMS = {
    "keys": "{key_id}",
    "audits": "{audit_id}",
    "plan": "{item_key}",
    "alerts": "{alert_id}",
    "rules": "{name}",
    "tasks": "{task_id}",
}
LITERAL_SEGMENTS = {"check"}


def _body(body: Any) -> dict[str, Any]:
    """Request arguments for ``body``: text goes as ``text/plain``, the rest as JSON."""
    if isinstance(body, str):
        return {"content": body.encode(), "headers": {"Content-Type": "text/plain"}}
    return {"json": body}


def _template(path: str) -> str:
    parts = path.split("?")[0].split("/")
    if len(parts) > 2 and parts[2] not in LITERAL_SEGMENTS:
        parts[2] = ID_PARAMS.get(parts[1], "{item_id}")
    return "/w/{workspace}" + "/".join(parts)


def test_the_table_covers_every_route_the_api_serves(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    served = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    listed = {(method, _template(path)) for method, path, _role, _body in ROUTES}
    assert served == listed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "needed", "body"), ROUTES, ids=lambda v: str(v)[:30])
def test_each_role_gets_exactly_its_rights(
    call: Callable[..., Any], role: str, method: str, path: str, needed: str, body: Any
) -> None:
    response = call(method, "shop", role, path, **_body(body))
    if key_allows(role, needed):
        assert response.status_code < 400 or response.status_code in (404, 409), response.text
    else:
        assert response.status_code == 403, response.text
        assert role in response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "needed", "body"), ROUTES, ids=lambda v: str(v)[:30])
def test_a_key_of_another_workspace_opens_nothing(
    client: Any, keys: Keys, method: str, path: str, needed: str, body: Any
) -> None:
    for member, other in (("shop", "clinic"), ("clinic", "shop")):
        for role in ROLES:
            kwargs = _body(body)
            headers = {
                **kwargs.pop("headers", {}),
                "Authorization": f"Bearer {keys[(other, role)]}",
            }
            response = client.request(
                method, f"/api/v1/w/{member}{path}", headers=headers, **kwargs
            )
            assert response.status_code == 401, (member, role, response.text)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer tp_not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": ""},
        {"X-API-Key": "tp_" + "x" * 500},
    ],
)
def test_no_key_or_a_wrong_key_is_401(client: Any, headers: dict[str, str]) -> None:
    response = client.get("/api/v1/w/shop/touchpoints", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_workspace_looks_like_a_wrong_key(client: Any, keys: Keys) -> None:
    token = keys[("shop", "admin")]
    response = client.get("/api/v1/w/nowhere/touchpoints", headers={"X-API-Key": token})
    assert response.status_code == 401


def test_the_x_api_key_header_works_like_bearer(client: Any, keys: Keys) -> None:
    response = client.get(
        "/api/v1/w/clinic/stages", headers={"X-API-Key": keys[("clinic", "viewer")]}
    )
    assert response.status_code == 200
    assert [s["id"] for s in response.json()][:2] == ["awareness", "search"]


def test_only_a_collector_key_may_travel_in_the_url(client: Any, keys: Keys) -> None:
    body = {"events": [EVENT]}
    ok = client.post(f"/api/v1/w/shop/collect?key={keys[('shop', 'collector')]}", json=body)
    assert ok.status_code == 202
    admin = client.post(f"/api/v1/w/shop/collect?key={keys[('shop', 'admin')]}", json=body)
    assert admin.status_code == 403 and "Authorization header" in admin.json()["detail"]
    reading = client.get(f"/api/v1/w/shop/touchpoints?key={keys[('shop', 'viewer')]}")
    assert reading.status_code == 401  # other routes ignore ?key=


def test_a_revoked_key_stops_working_at_once(call: Callable[..., Any], keys: Keys) -> None:
    listed = call("GET", "shop", "admin", "/keys").json()
    viewer = next(k for k in listed if k["name"] == "viewer")
    assert call("GET", "shop", "viewer", "/stages").status_code == 200
    revoked = call("DELETE", "shop", "admin", f"/keys/{viewer['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert call("GET", "shop", "viewer", "/stages").status_code == 401
    assert call("GET", "clinic", "viewer", "/stages").status_code == 200  # the other one's
