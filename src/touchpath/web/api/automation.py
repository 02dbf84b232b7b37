"""``/w/{workspace}/rules``, ``/tasks`` and ``/response-times``: the automation.

A rule's body is the JSON form of one rule of the rules YAML (docs/automation.md), checked
by the same model (:class:`touchpath.automation.rules.Rule`) and stored by
:mod:`touchpath.automation.rulebook`, as ``touchpath rules add/edit`` does. Tasks come
from :mod:`touchpath.automation.tasks` (``touchpath tasks ...``). The routes hold no logic.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from touchpath.automation import rulebook, tasks
from touchpath.automation.rules import Rule
from touchpath.store.automation import TaskRow
from touchpath.web.api._analysis import Row, rows
from touchpath.web.api._deps import AUTH_RESPONSES, ApiAnalyst, ApiCtx, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["automation"], responses=AUTH_RESPONSES)

RuleName = Annotated[
    str, Path(description="The rule's name (a slug)", pattern=r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
]
TaskId = Annotated[int, Path(description="The task's id", ge=1, le=2**62)]
RULE_404: dict[int | str, dict[str, Any]] = {404: {"description": "No rule with this name"}}
TASK_404: dict[int | str, dict[str, Any]] = {404: {"description": "No task with this id"}}
BAD_INPUT: dict[int | str, dict[str, Any]] = {
    422: {"description": "The input is wrong (the message says where)"}
}
LEVELS = {"both": ("touchpoint", "manager"), "touchpoint": ("touchpoint",), "manager": ("manager",)}


class RuleOut(BaseModel):
    """A stored rule: its definition and where the worker has read up to."""

    id: int
    name: str
    enabled: bool
    trigger: str = Field(description="The trigger's kind")
    watermark: int = Field(description="The last source row the rule has seen (-1: from now)")
    last_run_at: dt.datetime | None
    created_at: dt.datetime
    rule: Rule


class TaskOut(BaseModel):
    id: int
    key: str
    title: str
    body: str
    status: str = Field(description="open, done or cancelled")
    touchpoint: str | None
    manager: str | None
    customer_id: str | None
    created_at: dt.datetime
    due_at: dt.datetime | None
    first_reply_at: dt.datetime | None
    done_at: dt.datetime | None
    sla: str = Field(description="open, due_soon, breached, met or late")


class ResponseTimesOut(BaseModel):
    by: str
    rows: list[Row] = Field(description="n, median_seconds and p90_seconds per group")


def _rule(stored: rulebook.StoredRule) -> RuleOut:
    return RuleOut(
        id=stored.id,
        name=stored.rule.name,
        enabled=stored.rule.enabled,
        trigger=stored.rule.trigger.kind,
        watermark=stored.watermark,
        last_run_at=stored.last_run_at,
        created_at=stored.created_at,
        rule=stored.rule,
    )


def _stored(db: Session, name: str) -> rulebook.StoredRule:
    for stored in rulebook.list_rules(session=db):
        if stored.rule.name == name:
            return stored
    raise HTTPException(status_code=404, detail=f"there is no rule {name!r}")


def _task(task: tasks.Task) -> TaskOut:
    return TaskOut.model_validate(task, from_attributes=True)


def _known_task(ctx: ApiCtx, task_id: int) -> None:
    if ctx.db.get(TaskRow, task_id) is None:
        raise HTTPException(status_code=404, detail=f"there is no task {task_id}")


# -- rules --------------------------------------------------------------------------------


@router.get("/rules", response_model=list[RuleOut], summary="List the rules, in their order")
def list_rules(ctx: ApiViewer) -> list[RuleOut]:
    return [_rule(s) for s in rulebook.list_rules(session=ctx.db)]


@router.get("/rules/{name}", response_model=RuleOut, responses=RULE_404, summary="Get one rule")
def get_rule(ctx: ApiViewer, name: RuleName) -> RuleOut:
    return _rule(_stored(ctx.db, name))


@router.put(
    "/rules/{name}",
    response_model=RuleOut,
    responses=BAD_INPUT,
    summary="Create or replace a rule (the body: one rule of the rules YAML, as JSON)",
)
def put_rule(
    ctx: ApiAnalyst,
    name: RuleName,
    rule: Rule,
    backfill: Annotated[
        bool, Query(description="A new rule also fires on what happened before now")
    ] = False,
) -> RuleOut:
    if rule.name != name:
        raise HTTPException(
            status_code=422, detail=f"the body's name {rule.name!r} is not the URL's {name!r}"
        )
    try:
        stored = rulebook.save_rule(session=ctx.db, rule=rule, backfill=backfill)
        ctx.db.commit()
    except BaseException:
        ctx.db.rollback()
        raise
    return _rule(stored)


@router.delete(
    "/rules/{name}",
    status_code=204,
    response_class=Response,
    responses=RULE_404,
    summary="Remove a rule (its tasks and messages stay)",
)
def delete_rule(ctx: ApiAnalyst, name: RuleName) -> Response:
    _stored(ctx.db, name)
    rulebook.remove_rule(session=ctx.db, name=name)
    ctx.db.commit()
    return Response(status_code=204)


# -- tasks --------------------------------------------------------------------------------


@router.get("/tasks", response_model=list[TaskOut], summary="Tasks, newest first")
def list_tasks(
    ctx: ApiViewer,
    manager: Annotated[str | None, Query(max_length=200)] = None,
    touchpoint: Annotated[str | None, Query(max_length=64)] = None,
    status: Literal["open", "done", "cancelled"] | None = None,
    sla: Literal["open", "due_soon", "breached", "met", "late"] | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> list[TaskOut]:
    found = tasks.list_tasks(
        session=ctx.db, manager=manager, touchpoint=touchpoint, status=status, sla=sla, limit=limit
    )
    return [_task(t) for t in found]


@router.get("/tasks/{task_id}", response_model=TaskOut, responses=TASK_404, summary="Get a task")
def get_task(ctx: ApiViewer, task_id: TaskId) -> TaskOut:
    _known_task(ctx, task_id)
    (task,) = (t for t in tasks.list_tasks(session=ctx.db, limit=10**9) if t.id == task_id)
    return _task(task)


@router.post(
    "/tasks/{task_id}/reply",
    response_model=TaskOut,
    responses=TASK_404,
    summary="Record the first reply to the customer (later replies change nothing)",
)
def reply_task(ctx: ApiAnalyst, task_id: TaskId) -> TaskOut:
    _known_task(ctx, task_id)
    task = tasks.record_reply(session=ctx.db, task_id=task_id)
    ctx.db.commit()
    return _task(task)


@router.post(
    "/tasks/{task_id}/done",
    response_model=TaskOut,
    responses={**TASK_404, **BAD_INPUT},
    summary="Close a task (with no reply recorded, closing it is the reply)",
)
def finish_task(ctx: ApiAnalyst, task_id: TaskId) -> TaskOut:
    _known_task(ctx, task_id)
    try:
        task = tasks.mark_done(session=ctx.db, task_id=task_id)
        ctx.db.commit()
    except BaseException:
        ctx.db.rollback()
        raise
    return _task(task)


@router.get(
    "/response-times",
    response_model=ResponseTimesOut,
    summary="Median and p90 time to first reply per touchpoint and/or manager",
)
def get_response_times(
    ctx: ApiViewer, by: Literal["both", "touchpoint", "manager"] = "both"
) -> ResponseTimesOut:
    return ResponseTimesOut(by=by, rows=rows(tasks.response_times(session=ctx.db, by=LEVELS[by])))
