"""Schemathesis fuzzes every operation of the OpenAPI spec in-process: no server error.

Bodies, path and query values come from the spec (and beyond it); the calls carry an
admin key of the ``shop`` workspace so they reach the routes' code rather than stopping
at the key check (which test_routes covers). Examples per operation are bounded so the
whole run stays under a minute.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from touchpath.store import api_keys
from touchpath.web import create_app
from touchpath.web.api import mount_api

from .conftest import SECRET, Keys

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_target(
    api_template: tuple[Path, Keys], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    root = tmp_path_factory.mktemp("fuzz") / "demo"
    shutil.copytree(api_template[0], root)
    app = create_app(root, secret=SECRET)
    api = mount_api(app, merger=False)
    yield api, api_template[1][("shop", "admin")]
    from touchpath.web.api.collect import close_writers

    close_writers(api)


def test_no_operation_answers_with_a_server_error(fuzz_target: tuple[Any, str]) -> None:
    api, token = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", api)
    headers = {"Authorization": f"Bearer {token}"}
    keys = api.state.site.members["shop"].sessions
    with keys() as db:
        admin_id = next(k.id for k in api_keys.list_api_keys(session=db) if k.name == "admin")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: Any) -> None:
            if case.path_parameters is not None and "workspace" in case.path_parameters:
                case.path_parameters["workspace"] = "shop"
            if case.path_parameters and case.path_parameters.get("key_id") == admin_id:
                case.path_parameters["key_id"] = 1  # keep the fuzzer's own key working
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )

        started = time.monotonic()
        try:
            fuzz()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc)[-1500:]}")
        print(f"{operation.label}: {time.monotonic() - started:.1f}s")
    assert not failures, "\n\n".join(failures)
    with keys() as db:  # the calls were made with a key that worked to the end
        assert api_keys.key_for_token(session=db, token=token) is not None
