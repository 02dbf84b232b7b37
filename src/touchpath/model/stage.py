"""Stages of the buyer's journey (этапы покупательского пути)."""

from __future__ import annotations

from pydantic import Field

from touchpath.model.base import Domain, Name, Slug
from touchpath.model.vocab import StageGroup


class Stage(Domain):
    """One stage of the journey; ``order`` sorts stages left to right on the journey map."""

    id: Slug
    name: Name
    name_ru: Name | None = None
    group: StageGroup
    order: int = Field(ge=0)


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage(
        id="awareness",
        name="Need awareness",
        name_ru="Осознание потребности",
        group=StageGroup.BEFORE,
        order=0,
    ),
    Stage(
        id="search",
        name="Information search",
        name_ru="Поиск информации",
        group=StageGroup.BEFORE,
        order=1,
    ),
    Stage(
        id="comparison",
        name="Comparison of alternatives",
        name_ru="Сравнение альтернатив",
        group=StageGroup.BEFORE,
        order=2,
    ),
    Stage(
        id="purchase",
        name="Purchase decision",
        name_ru="Решение о покупке",
        group=StageGroup.DURING,
        order=3,
    ),
    Stage(
        id="post_purchase",
        name="Post-purchase reaction",
        name_ru="Реакция на покупку",
        group=StageGroup.AFTER,
        order=4,
    ),
)
"""The five stages of the methodology (seeds 002 and 004), grouped before/during/after."""
