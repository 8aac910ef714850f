"""Login (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from assistant.access import accounts, throttle
from assistant.api.deps import ClientDep, PrincipalDep, SessionDep, SettingsDep
from assistant.api.responses import errors
from assistant.api.schemas import Me, Token
from assistant.config import Settings
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
    """用户名和密码换取访问令牌（同一地址对同一用户名连续失败后须等待，时长逐次翻倍；不影响其他地址）。"""
    if len(form.username) > 64 or len(form.password) > 200:
        raise BadRequest("用户名或密码过长")
    now = request.app.state.clock()
    failed = throttle.check(session=session, username=form.username, client=client, policy=login_policy(settings), now=now)
    user = accounts.authenticate(session=session, username=form.username, password=form.password, client=client,
                                 audit=request.app.state.audit.add, now=now)
    if failed:  # a success forgives this pair (and writes nothing when there was nothing to forgive)
        throttle.forgive(session=session, username=form.username, client=client)
    token = accounts.issue_token(user, secret=settings.secret_key, minutes=settings.token_minutes)
    return Token(access_token=token, expires_in=settings.token_minutes * 60)


def login_policy(settings: Settings) -> throttle.LoginPolicy:
    """The throttling policy the settings describe."""
    return throttle.LoginPolicy(
        free=settings.login_failures_allowed, max_wait_s=settings.login_backoff_max_seconds,
        address_failures=settings.login_address_failures_allowed, window_s=settings.login_window_seconds,
    )


@router.get("/me", response_model=Me, summary="当前调用者", responses=errors(401))
def me(principal: PrincipalDep) -> Me:
    """当前调用者的角色（未登录为 public）。"""
    return Me(role=principal.role, role_name=accounts.ROLES[principal.role], username=principal.username, uscc=principal.uscc,
              usccs=list(principal.bound))
