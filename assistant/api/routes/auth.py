"""Login (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from assistant.access import accounts
from assistant.api.deps import ClientDep, PrincipalDep, SessionDep, SettingsDep
from assistant.api.responses import errors
from assistant.api.schemas import Me, Token
from assistant.errors import BadRequest

router = APIRouter(prefix="/api/auth", tags=["登录"])


@router.post(
    "/token", response_model=Token, summary="登录（获取访问令牌）",
    responses=errors((400, "用户名或密码过长"), (401, "用户名或密码错误，或账号已停用"), 413, 422, 429,
                     (503, "数据库正忙（可能正在发布评分），请稍后再试")),
)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Token:
    """用户名和密码换取访问令牌（失败次数过多时暂时锁定）。"""
    if len(form.username) > 64 or len(form.password) > 200:
        raise BadRequest("用户名或密码过长")
    accounts.check_throttle(
        session=session, username=form.username, client=client,
        allowed=settings.login_failures_allowed, window_seconds=settings.login_window_seconds,
    )
    user = accounts.authenticate(session=session, username=form.username, password=form.password, client=client,
                                 audit=request.app.state.audit.add)
    token = accounts.issue_token(user, secret=settings.secret_key, minutes=settings.token_minutes)
    return Token(access_token=token, expires_in=settings.token_minutes * 60)


@router.get("/me", response_model=Me, summary="当前调用者", responses=errors(401))
def me(principal: PrincipalDep) -> Me:
    """当前调用者的角色（未登录为 public）。"""
    return Me(role=principal.role, role_name=accounts.ROLES[principal.role], username=principal.username, uscc=principal.uscc)
