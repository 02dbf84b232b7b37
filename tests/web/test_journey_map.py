"""The journey map joins the catalogue with audits, feedback and the discovered journey."""

from __future__ import annotations

import re

from touchpath.catalogue.journey_map import Reactions, journey_columns
from touchpath.model import Catalogue, Stage, Touchpoint


def _catalogue() -> Catalogue:
    return Catalogue(
        business="b",
        stages=[Stage(id="buy", name="Buy", group="during", order=0)],
        touchpoints=[
            Touchpoint(id="chat", name="Chat", channel="site", stages=["buy"]),
            Touchpoint(id="cart", name="Cart", channel="site", stages=["buy"]),
            Touchpoint(id="shop", name="Shop", channel="store", stages=["buy"]),
        ],
    )


def test_a_card_is_negative_when_customers_dislike_it_or_the_audit_is_weak() -> None:
    (column,) = journey_columns(
        _catalogue(),
        {},
        have_data=False,
        audit={"cart": 0.49, "shop": 0.9},
        reactions={
            "chat": Reactions(0.5, 0.3, 0.2, 10),  # 30% of 10: negative
            "shop": Reactions(0.1, 0.9, 0.0, 9),  # too few reactions to judge
        },
    )
    cards = {c.tp.id: c for c in column.cards}
    assert cards["chat"].negative and cards["chat"].audit is None
    assert cards["cart"].negative and cards["cart"].reactions is None
    assert not cards["shop"].negative


def test_the_demo_map_shows_audit_scores_reactions_and_discovered_steps(client_for) -> None:
    page = client_for("vic").get("/w/shop/journey").text
    # the demo was built with a weak, disliked support chat (see demo/audits.py, feedback.py)
    chat = page.split(">Онлайн-чат поддержки</a>", 1)[1].split("</article>", 1)[0]
    assert re.search(r"audit \d+%", chat)
    negative = re.search(r"(\d+)% negative", chat)
    assert negative and int(negative.group(1)) >= 30
    card_start = page.rfind("<article", 0, page.index(">Онлайн-чат поддержки</a>"))
    assert "negative" in page[card_start : card_start + 80]
    assert "The most frequent steps customers really took:" in page
    assert page.count("→") >= 8
