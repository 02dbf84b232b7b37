"""Password guessing is slowed down: failures per name and per address, a sliding window."""

from __future__ import annotations

from touchpath.web.throttle import LoginThrottle

from .conftest import PASSWORD, login


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_counts_failures_in_a_sliding_window() -> None:
    clock = Clock()
    t = LoginThrottle(limit=3, period=60, clock=clock)
    for _ in range(2):
        t.failed("Ann", "1.1.1.1")
        clock.now += 10
    assert t.retry_after("ann", "1.1.1.1") is None  # two failures: still allowed
    t.failed("ann ", "2.2.2.2")  # same name (case and spaces ignored), another address
    # the first failure was at 1000: allowed again once it is 60 s old
    assert t.retry_after("ann", "3.3.3.3") == 1000 + 60 - clock.now == 40
    assert t.retry_after("bob", "3.3.3.3") is None  # other name, other address: fine
    clock.now = 1061
    assert t.retry_after("ann", "3.3.3.3") is None


def test_an_address_trying_many_names_is_stopped_and_success_clears() -> None:
    clock = Clock()
    t = LoginThrottle(limit=3, period=60, clock=clock)
    for name in ("a", "b", "c"):
        t.failed(name, "9.9.9.9")
    assert t.retry_after("d", "9.9.9.9") == 60
    assert t.retry_after("d", "8.8.8.8") is None
    t.succeeded("d", "9.9.9.9")
    assert t.retry_after("d", "9.9.9.9") is None


def test_the_login_form_refuses_after_five_failures_even_the_right_password(
    client_for, app
) -> None:
    clock = Clock()
    app.state.login_throttle = LoginThrottle(clock=clock)
    client = client_for()
    for _ in range(5):
        assert login(client, "ann", "not the password").status_code == 400
    blocked = login(client, "ann", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) == 900
    assert "Too many failed attempts" in blocked.text
    clock.now += 901
    assert login(client, "ann", PASSWORD).status_code == 303
