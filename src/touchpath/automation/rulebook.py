"""Rules in the metadata DB: list, get, add or replace, remove, import — each keeps the order.

A new rule starts reading its source *from now* (``watermark = -1``, resolved to the
newest event, feedback or alert on the worker's next pass), so switching on a rule never
floods managers with tasks about last year; ``backfill=True`` starts from the beginning.
Editing a rule keeps how far it has read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.automation.rules import Rule
from touchpath.automation.templates import check_rule_templates
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store.automation import RuleRow

FROM_NOW = -1


class RuleError(TouchpathError):
    pass


@dataclass(frozen=True)
class StoredRule:
    """A rule with its row id and reading position."""

    id: int
    rule: Rule
    watermark: int
    last_run_at: datetime | None
    created_at: datetime


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _stored(row: RuleRow) -> StoredRule:
    created = _aware(row.created_at)
    assert created is not None
    return StoredRule(
        id=row.id,
        rule=Rule.model_validate_json(row.definition),
        watermark=row.watermark,
        last_run_at=_aware(row.last_run_at),
        created_at=created,
    )


def list_rules(*, session: Session, enabled_only: bool = False) -> list[StoredRule]:
    stmt = sa.select(RuleRow).order_by(RuleRow.position, RuleRow.id)
    if enabled_only:
        stmt = stmt.where(RuleRow.enabled.is_(True))
    return [_stored(r) for r in session.scalars(stmt)]


def get_rule(*, session: Session, name: str) -> StoredRule:
    row = session.scalar(sa.select(RuleRow).where(RuleRow.name == name))
    if row is None:
        raise RuleError(_("no rule named {name!r}").format(name=name))
    return _stored(row)


def save_rule(
    *, session: Session, rule: Rule, create_only: bool = False, backfill: bool = False
) -> StoredRule:
    """Add ``rule``, or replace the rule of the same name (the caller commits)."""
    problem = check_rule_templates(rule)
    if problem is not None:
        raise RuleError(f"rule {rule.name}: {problem[0]}: {problem[1]}")
    now = datetime.now(UTC)
    row = session.scalar(sa.select(RuleRow).where(RuleRow.name == rule.name))
    definition = rule.model_dump_json()
    if row is None:
        position = session.scalar(sa.select(sa.func.coalesce(sa.func.max(RuleRow.position), -1)))
        row = RuleRow(
            name=rule.name,
            position=int(position if position is not None else -1) + 1,
            enabled=rule.enabled,
            trigger=rule.trigger.kind,
            definition=definition,
            watermark=0 if backfill else FROM_NOW,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        if create_only:
            raise RuleError(_("a rule named {name!r} exists already").format(name=rule.name))
        old = Rule.model_validate_json(row.definition)
        if old.trigger.kind != rule.trigger.kind:
            row.watermark = 0 if backfill else FROM_NOW  # a new source: start over
        row.enabled, row.trigger = rule.enabled, rule.trigger.kind
        row.definition, row.updated_at = definition, now
    session.flush()
    return _stored(row)


def remove_rule(*, session: Session, name: str) -> None:
    row = session.scalar(sa.select(RuleRow).where(RuleRow.name == name))
    if row is None:
        raise RuleError(_("no rule named {name!r}").format(name=name))
    session.delete(row)


def set_enabled(*, session: Session, name: str, enabled: bool) -> StoredRule:
    row = session.scalar(sa.select(RuleRow).where(RuleRow.name == name))
    if row is None:
        raise RuleError(_("no rule named {name!r}").format(name=name))
    rule = Rule.model_validate_json(row.definition).model_copy(update={"enabled": enabled})
    row.enabled, row.definition = enabled, rule.model_dump_json()
    session.flush()
    return _stored(row)


def import_rules(*, session: Session, rules: list[Rule], replace: bool = False) -> tuple[int, int]:
    """Add or update each rule; with ``replace`` rules absent from ``rules`` are removed.

    Returns (added, updated). All or nothing: the caller's transaction holds it together.
    """
    existing = {s.rule.name for s in list_rules(session=session)}
    added = updated = 0
    for rule in rules:
        save_rule(session=session, rule=rule)
        if rule.name in existing:
            updated += 1
        else:
            added += 1
    if replace:
        keep = {r.name for r in rules}
        for name in existing - keep:
            remove_rule(session=session, name=name)
    return added, updated
