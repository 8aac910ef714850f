"""Users and API keys (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from assistant.access import accounts
from assistant.access.privacy import require_admin
from assistant.api.audit import audit_read
from assistant.api.deps import PrincipalDep, SessionDep
from assistant.api.responses import errors
from assistant.api.schemas import (
    ApiKeyCreated,
    ApiKeyPublic,
    EnterpriseBinding,
    UserCreate,
    UserPublic,
)

router = APIRouter(prefix="/api/users", tags=["用户"])
NamePath = Annotated[str, Path(min_length=1, max_length=64, description="用户名（1–64 个字符）")]
KeyIdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="密钥编号（1–2147483647，见 API 密钥列表）")]
ADMINS_ONLY = (403, "仅向管理员开放")


@router.get("", response_model=list[UserPublic], summary="用户列表", responses=errors(401, ADMINS_ONLY))
def list_users(request: Request, principal: PrincipalDep, session: SessionDep) -> list[dict[str, Any]]:
    """全部用户（仅管理员）。"""
    require_admin(principal)
    users = [accounts.public_user(u, usccs=accounts.bound_usccs(session=session, user=u))
             for u in accounts.list_users(session=session)]
    audit_read(request, principal, action="list_users", target=f"{len(users)} 个")
    return users


@router.post(
    "", response_model=UserPublic, status_code=201, summary="新建用户",
    responses=errors(401, ADMINS_ONLY, (409, "用户名已存在（不区分大小写）"), 413,
                     (422, "用户名、角色、密码或统一社会信用代码不合要求；企业用户须绑定库中已有的企业")),
)
def add_user(body: UserCreate, request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """新建用户；企业用户须绑定统一社会信用代码（仅管理员）。"""
    require_admin(principal)
    user = accounts.add_user(session=session, username=body.username, password=body.password, role=body.role,
                             uscc=body.uscc, display_name=body.display_name)
    audit_read(request, principal, action="add_user", target=user.username)
    return accounts.public_user(user)


@router.post(
    "/{username}/disable", response_model=UserPublic, summary="停用用户",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户"),
                     (409, "不能停用自己，也不能停用最后一位启用中的管理员"), 422),
)
def disable_user(username: NamePath, request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """停用用户：其令牌和 API 密钥立即失效；不能停用自己或最后一位管理员（仅管理员）。"""
    require_admin(principal)
    user = accounts.set_disabled(session=session, username=username, disabled=True, actor=principal.username)
    request.app.state.principals.forget_user(user.username)  # other workers: within recheck_seconds
    audit_read(request, principal, action="disable_user", target=user.username)
    return accounts.public_user(user)


@router.post(
    "/{username}/enable", response_model=UserPublic, summary="重新启用用户",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户"), 422),
)
def enable_user(username: NamePath, request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """重新启用已停用的用户：密码照旧可用，停用前的 API 密钥也恢复有效（仅管理员）。"""
    require_admin(principal)
    user = accounts.set_disabled(session=session, username=username, disabled=False)
    audit_read(request, principal, action="enable_user", target=user.username)
    return accounts.public_user(user)


@router.post(
    "/{username}/enterprises", response_model=UserPublic, summary="为企业用户再绑定一家企业",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户"), 413,
                     (422, "统一社会信用代码无效或不在库中，或该用户不是企业用户")),
)
def bind_enterprise(username: NamePath, body: EnterpriseBinding, request: Request, principal: PrincipalDep,
                    session: SessionDep) -> dict[str, Any]:
    """为企业用户再绑定一家企业（集团下属多家企业共用一个账号）；已绑定的不变（仅管理员）。"""
    require_admin(principal)
    user = accounts.bind_enterprise(session=session, username=username, uscc=body.uscc)
    request.app.state.principals.forget_user(user.username)  # other workers: within recheck_seconds
    audit_read(request, principal, action="bind_enterprise", target=f"{user.username} {body.uscc}"[:200])
    return accounts.public_user(user, usccs=accounts.bound_usccs(session=session, user=user))


@router.delete(
    "/{username}/enterprises/{uscc}", response_model=UserPublic, summary="解除企业用户的一家绑定企业",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户，或该用户没有绑定这家企业"),
                     (409, "这是该用户唯一的绑定企业"), 422),
)
def unbind_enterprise(username: NamePath, uscc: Annotated[str, Path(min_length=1, max_length=40, description="要解除绑定的统一社会信用代码")], request: Request,
                      principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """解除企业用户的一家绑定企业；唯一的一家不能解除（仅管理员）。"""
    require_admin(principal)
    user = accounts.unbind_enterprise(session=session, username=username, uscc=uscc)
    request.app.state.principals.forget_user(user.username)
    audit_read(request, principal, action="unbind_enterprise", target=f"{user.username} {uscc}"[:200])
    return accounts.public_user(user, usccs=accounts.bound_usccs(session=session, user=user))


@router.post(
    "/{username}/api-keys", response_model=ApiKeyCreated, status_code=201, summary="生成 API 密钥",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户，或已停用"), 422),
)
def new_api_key(username: NamePath, request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """为用户生成 API 密钥（只显示一次；仅管理员）。"""
    require_admin(principal)
    key = accounts.create_api_key(session=session, username=username)
    audit_read(request, principal, action="create_api_key", target=username)
    return {"username": username, "api_key": key}


@router.get(
    "/{username}/api-keys", response_model=list[ApiKeyPublic], summary="API 密钥列表",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户"), 422),
)
def list_api_keys(username: NamePath, request: Request, principal: PrincipalDep, session: SessionDep) -> list[dict[str, Any]]:
    """用户的 API 密钥：编号、前缀、生成时间、是否已吊销；密钥本身不再显示（仅管理员）。"""
    require_admin(principal)
    keys = accounts.list_api_keys(session=session, username=username)
    audit_read(request, principal, action="list_api_keys", target=username)
    return [accounts.public_api_key(k) for k in keys]


@router.delete(
    "/{username}/api-keys/{key_id}", response_model=ApiKeyPublic, summary="吊销 API 密钥",
    responses=errors(401, ADMINS_ONLY, (404, "没有这个用户，或该用户没有这个编号的密钥"), 422),
)
def revoke_api_key(username: NamePath, key_id: KeyIdPath, request: Request, principal: PrincipalDep,
                   session: SessionDep) -> dict[str, Any]:
    """吊销用户的一把 API 密钥，立即失效；用户的其他密钥和登录不受影响（仅管理员）。"""
    require_admin(principal)
    user = accounts.find_user(session=session, username=username)
    key = accounts.revoke_api_key(session=session, username=user.username, key_id=key_id)
    request.app.state.principals.forget_user(user.username)  # other workers: within recheck_seconds
    audit_read(request, principal, action="revoke_api_key", target=f"{username} #{key_id}")
    return accounts.public_api_key(key)
