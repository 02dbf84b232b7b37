"""``/w/{workspace}/keys``: the workspace's API keys, managed with an admin key.

The token of a new key is in the answer of the ``POST`` and nowhere else, ever.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from touchpath.store import api_keys
from touchpath.store.api_keys import ApiKey, KeyRole
from touchpath.store.auth import AuthError
from touchpath.web.api._deps import AUTH_RESPONSES, ApiAdmin

router = APIRouter(prefix="/w/{workspace}/keys", tags=["keys"], responses=AUTH_RESPONSES)


class KeyOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell keys apart")
    role: KeyRole
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: KeyRole


class CreatedKey(KeyOut):
    token: str = Field(description="The key itself: shown this once, store it now")


def _out(key: ApiKey) -> KeyOut:
    return KeyOut.model_validate(key, from_attributes=True)


@router.get("", response_model=list[KeyOut], summary="List the workspace's API keys")
def list_keys(ctx: ApiAdmin) -> list[KeyOut]:
    return [_out(k) for k in api_keys.list_api_keys(session=ctx.db)]


@router.post(
    "",
    status_code=201,
    response_model=CreatedKey,
    summary="Make a new API key (its token is shown once)",
    responses={422: {"description": "A bad name or role"}},
)
def create_key(ctx: ApiAdmin, new: NewKey) -> CreatedKey:
    key, token = api_keys.create_api_key(session=ctx.db, name=new.name, role=new.role)
    return CreatedKey(**_out(key).model_dump(), token=token)


@router.delete(
    "/{key_id}",
    response_model=KeyOut,
    summary="Revoke an API key (it stops working at once)",
    responses={404: {"description": "No key with this id"}},
)
def revoke_key(ctx: ApiAdmin, key_id: Annotated[int, Path(ge=1, le=2**62)]) -> KeyOut:
    try:
        return _out(api_keys.revoke_api_key(session=ctx.db, key_id=key_id))
    except AuthError as exc:
        from fastapi import HTTPException

        raise HTTPException(status_code=404, detail=str(exc)) from None
