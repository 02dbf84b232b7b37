"""Rows to domain types and back; the only place that knows both shapes.

``*_to_row`` fill an existing or new row in place (so a row keeps its identity across
saves); child lists are synced: kept, renumbered, added to or trimmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from touchpath.model import (
    Attention,
    Chain,
    Channel,
    Competitor,
    Lifetime,
    Mode,
    Role,
    Stage,
    StageGroup,
    Status,
    Touchpoint,
)
from touchpath.store.tables import (
    ChainRow,
    ChainStepRow,
    CompetitorRow,
    CompetitorTouchpointRow,
    StageRow,
    TouchpointRow,
    TouchpointStageRow,
    TouchpointTagRow,
)

Child = TypeVar("Child", TouchpointTagRow, ChainStepRow, CompetitorTouchpointRow)


def stage_from_row(row: StageRow) -> Stage:
    return Stage(
        id=row.id,
        name=row.name,
        name_ru=row.name_ru,
        group=StageGroup(row.period),
        order=row.journey_order,
    )


def stage_to_row(row: StageRow, stage: Stage) -> None:
    row.name = stage.name
    row.name_ru = stage.name_ru
    row.period = stage.group.value
    row.journey_order = stage.order


def touchpoint_from_row(row: TouchpointRow) -> Touchpoint:
    return Touchpoint(
        id=row.id,
        name=row.name,
        description=row.description,
        channel=Channel(row.channel),
        mode=Mode(row.mode),
        stages=[link.stage_id for link in row.stage_links],
        role=Role(row.role),
        wow=row.wow,
        attention=None if row.attention is None else Attention(row.attention),
        lifetime=None if row.lifetime is None else Lifetime(row.lifetime),
        owner=row.owner,
        automated=row.automated,
        status=Status(row.status),
        tags=[t.tag for t in row.tag_rows],
    )


def touchpoint_to_row(row: TouchpointRow, tp: Touchpoint) -> None:
    row.name = tp.name
    row.description = tp.description
    row.channel = tp.channel.value
    row.mode = tp.mode.value
    row.role = tp.role.value
    row.wow = tp.wow
    row.attention = None if tp.attention is None else tp.attention.value
    row.lifetime = None if tp.lifetime is None else tp.lifetime.value
    row.owner = tp.owner
    row.automated = tp.automated
    row.status = tp.status.value
    # Links are keyed by stage (the primary key), so reordering only renumbers them.
    links = {link.stage_id: link for link in row.stage_links}
    kept = []
    for position, stage_id in enumerate(tp.stages):
        link = links.pop(stage_id, None) or TouchpointStageRow(stage_id=stage_id)
        link.position = position
        kept.append(link)
    row.stage_links = kept
    _sync_children(row.tag_rows, tp.tags, _new_tag, _set_tag)


def chain_from_row(row: ChainRow) -> Chain:
    return Chain(
        id=row.id,
        name=row.name,
        description=row.description,
        steps=[s.touchpoint_id for s in row.step_rows],
        next_chain=row.next_chain_id,
    )


def chain_to_row(row: ChainRow, chain: Chain) -> None:
    """Everything but ``next_chain``: the chain it names may not be stored yet."""
    row.name = chain.name
    row.description = chain.description
    _sync_children(row.step_rows, chain.steps, _new_step, _set_step)


def competitor_from_row(row: CompetitorRow) -> Competitor:
    return Competitor(
        id=row.id,
        name=row.name,
        website=row.website,
        notes=row.notes,
        touchpoints=[o.touchpoint_id for o in row.offer_rows],
    )


def competitor_to_row(row: CompetitorRow, competitor: Competitor) -> None:
    row.name = competitor.name
    row.website = competitor.website
    row.notes = competitor.notes
    _sync_children(row.offer_rows, competitor.touchpoints, _new_offer, _set_offer)


def _sync_children(
    rows: list[Child],
    values: Sequence[str],
    new: Callable[[int], Child],
    assign: Callable[[Child, str], None],
) -> None:
    """Make the positional child rows hold ``values``: update in place, append, trim."""
    for position, value in enumerate(values):
        if position == len(rows):
            rows.append(new(position))
        assign(rows[position], value)
    del rows[len(values) :]


def _new_tag(position: int) -> TouchpointTagRow:
    return TouchpointTagRow(position=position)


def _set_tag(row: TouchpointTagRow, value: str) -> None:
    row.tag = value


def _new_step(position: int) -> ChainStepRow:
    return ChainStepRow(position=position)


def _set_step(row: ChainStepRow, value: str) -> None:
    row.touchpoint_id = value


def _new_offer(position: int) -> CompetitorTouchpointRow:
    return CompetitorTouchpointRow(position=position)


def _set_offer(row: CompetitorTouchpointRow, value: str) -> None:
    row.touchpoint_id = value
