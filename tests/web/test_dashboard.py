"""The dashboard joins the customers' voice, the plan's first items and task SLAs."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from touchpath.store.db import create_engine
from touchpath.store.feedback import load_feedback

from .conftest import metadata_url


def test_dashboard_shows_overall_nps_the_plan_head_and_alerts(client_for, people) -> None:
    page = client_for("vic").get("/w/shop/").text
    # overall NPS recomputed here from the stored answers: % promoters − % detractors
    engine = create_engine(metadata_url(people, "shop"))
    with Session(engine) as session:
        feedback = load_feedback(session=session)
    engine.dispose()
    scores = feedback.loc[feedback["kind"] == "nps", "score"].dropna()
    expected = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    voice = page.split("Customers&#39; voice", 1)[1].split("</section>", 1)[0]
    shown = re.search(r'<div class="value">(-?\d+)</div><div class="name">NPS</div>', voice)
    assert shown and int(shown.group(1)) == round(expected)
    fix = page.split("Fix first", 1)[1].split("</div>\n</section>", 1)[0]
    assert fix.count("<li>") == 3
    assert "Open alerts" in voice
    assert "past their SLA" in fix
