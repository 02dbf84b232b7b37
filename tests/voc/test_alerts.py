"""Alerts: negative share above a threshold, significant drops, idempotent re-runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from touchpath.store.feedback import AlertRow, FeedbackRow
from touchpath.voc import AlertConfig, check_alerts, negative_shares, reaction_shares


def add(session: Session, rows: list[dict[str, object]]) -> None:
    now = datetime.now(UTC)
    base = {
        "customer_id": None,
        "stage": None,
        "channel": None,
        "text": None,
        "language": None,
        "reaction_source": "rating",
        "import_id": None,
        "created_at": now,
    }
    session.execute(insert(FeedbackRow), [{**base, **r} for r in rows])
    session.commit()


def answers(
    touchpoint: str, start: int, month: int, scores: list[int], kind: str = "nps"
) -> list[dict[str, object]]:
    from touchpath.voc.records import reaction_from_rating

    return [
        {
            "feedback_id": f"{touchpoint}-{month}-{start + i}",
            "ts": datetime(2025, month, 10, tzinfo=UTC) + timedelta(hours=i),
            "touchpoint": touchpoint,
            "kind": kind,
            "score": float(s),
            "reaction": reaction_from_rating(kind, s),
        }
        for i, s in enumerate(scores)
    ]


def test_negative_share_raises_one_alert_and_reruns_do_not_duplicate(session: Session) -> None:
    # chat: 12 of 30 negative (40 %); site: 3 of 30 (10 %); phone: 5 of 8 but too few
    add(session, answers("chat", 0, 5, [2] * 12 + [10] * 18))
    add(session, answers("site", 0, 5, [3] * 3 + [9] * 27))
    add(session, answers("phone", 0, 5, [1] * 5 + [9] * 3))
    config = AlertConfig(negative_share=0.3, min_count=20)
    first = check_alerts(session=session, config=config)
    assert len(first.created) == 1
    again = check_alerts(session=session, config=config)
    assert again.created == [] and again.updated == first.created
    [alert] = session.scalars(select(AlertRow)).all()
    assert (alert.kind, alert.touchpoint, alert.status) == ("negative_share", "chat", "open")
    assert abs(alert.value - 0.4) < 1e-12
    assert alert.details["n"] == 30 and alert.details["negative"] == 12
    shares = negative_shares(session=session)
    assert shares == {"chat": 12 / 30, "phone": 5 / 8, "site": 3 / 30}
    table = reaction_shares(session=session)
    assert list(table.columns) == ["touchpoint", "positive", "negative", "neutral", "n"]
    assert table.set_index("touchpoint").loc["phone", "n"] == 8


def test_an_alert_closes_when_the_touchpoint_recovers(session: Session) -> None:
    add(session, answers("chat", 0, 5, [2] * 12 + [10] * 18))
    config = AlertConfig(min_count=20)
    created = check_alerts(session=session, config=config).created
    add(session, answers("chat", 100, 5, [10] * 60))  # now 12 of 90 negative
    run = check_alerts(session=session, config=config)
    assert run.closed == created
    assert session.get(AlertRow, created[0]).status == "closed"  # type: ignore[union-attr]


def test_a_significant_nps_drop_raises_an_alert(session: Session) -> None:
    add(session, answers("checkout", 0, 3, [10] * 30 + [8] * 10))  # NPS 75
    add(session, answers("checkout", 0, 4, [9] * 12 + [8] * 8 + [4] * 20))  # NPS −20
    run = check_alerts(session=session, config=AlertConfig(negative_share=0.9, min_count=20))
    [alert] = [session.get(AlertRow, i) for i in run.created]
    assert alert is not None and alert.kind == "nps_drop" and alert.touchpoint == "checkout"
    assert (alert.previous, alert.value) == (75.0, -20.0)
    assert alert.p_value is not None and alert.p_value < 0.001
    assert alert.details["period"] == "2025-04"
    assert check_alerts(session=session, config=AlertConfig(negative_share=0.9)).created == []


def test_an_insignificant_change_raises_nothing(session: Session) -> None:
    add(session, answers("checkout", 0, 3, [10] * 12 + [8] * 10 + [3] * 8))
    add(session, answers("checkout", 0, 4, [10] * 11 + [8] * 10 + [3] * 9))
    run = check_alerts(session=session, config=AlertConfig(negative_share=0.9, min_count=20))
    assert run.created == []
