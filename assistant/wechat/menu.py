"""The official account's custom menu: a YAML file in `data/wechat/`, checked against WeChat's
limits and the keys the assistant answers, then pushed with `menu/create`.

    >>> menu = load_menu(DATA_DIR / "wechat" / "menu.yaml")     # doctest: +SKIP
    >>> push_menu(menu, http=client, api_base=..., tokens=tokens)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import Unprocessable
from assistant.wechat.bot import MENU_QUESTIONS
from assistant.wechat.tokens import AccessTokens


class Button(BaseModel):
    """A button: a CLICK with a key the assistant answers, a VIEW with a URL, or a folder of sub-buttons."""

    model_config = ConfigDict(extra="forbid")
    name: str
    type: Literal["click", "view"] | None = None
    key: str | None = None
    url: str | None = None
    sub_button: list[Button] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind(self) -> Button:
        if self.sub_button:
            if self.type or self.key or self.url:
                raise ValueError(f"菜单“{self.name}”有子菜单，不能同时设置 type/key/url")
            if len(self.sub_button) > 5:
                raise ValueError(f"菜单“{self.name}”最多 5 个子菜单")
            if any(b.sub_button for b in self.sub_button):
                raise ValueError(f"菜单“{self.name}”的子菜单不能再有子菜单")
            return self
        if self.type == "click" and self.key not in MENU_QUESTIONS:
            raise ValueError(f"菜单“{self.name}”的 key “{self.key}”不是助手认识的：可用 {'、'.join(MENU_QUESTIONS)}")
        if self.type == "view" and not (self.url or "").startswith(("http://", "https://")):
            raise ValueError(f"菜单“{self.name}”是链接，须有 http(s) 地址")
        if self.type is None:
            raise ValueError(f"菜单“{self.name}”须有 type（click 或 view）或子菜单")
        return self


class Menu(BaseModel):
    model_config = ConfigDict(extra="forbid")
    button: list[Button]

    @field_validator("button")
    @classmethod
    def _limits(cls, buttons: list[Button]) -> list[Button]:
        if not 1 <= len(buttons) <= 3:
            raise ValueError("一级菜单须为 1–3 个")
        for b in buttons:
            if len(b.name.encode()) > 16:
                raise ValueError(f"一级菜单“{b.name}”超过 16 字节（5 个汉字）")
            for s in b.sub_button:
                if len(s.name.encode()) > 60:
                    raise ValueError(f"子菜单“{s.name}”超过 60 字节")
        return buttons

    def to_wechat(self) -> dict[str, Any]:
        """The JSON `menu/create` takes (unset fields left out)."""
        return {"button": [_clean(b) for b in self.button]}


def _clean(b: Button) -> dict[str, Any]:
    out: dict[str, Any] = {"name": b.name}
    if b.sub_button:
        out["sub_button"] = [_clean(s) for s in b.sub_button]
    else:
        out["type"] = b.type
        out.update({k: v for k, v in (("key", b.key), ("url", b.url)) if v})
    return out


def load_menu(path: Path) -> Menu:
    """The menu of a YAML file, or Unprocessable naming the file and the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Menu.model_validate(data)
    except FileNotFoundError:
        raise Unprocessable(f"菜单文件 {path} 不存在") from None
    except yaml.YAMLError as exc:
        raise Unprocessable(f"菜单文件 {path} 不是有效的 YAML：{exc}") from None
    except ValidationError as exc:
        problems = "；".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise Unprocessable(f"菜单文件 {path} 有误：{problems}") from None


def push_menu(menu: Menu, *, http: httpx.Client, api_base: str, tokens: AccessTokens) -> None:
    """Create the menu on WeChat; Unprocessable with WeChat's error code if it refuses."""
    # Chinese as UTF-8, not \\u escapes: WeChat shows escapes literally on the menu.
    body = json.dumps(menu.to_wechat(), ensure_ascii=False).encode()
    token = tokens.get()
    data = http.post(f"{api_base}/cgi-bin/menu/create", params={"access_token": token}, content=body,
                     headers={"Content-Type": "application/json; charset=utf-8"}, timeout=10.0).json()
    if int(data.get("errcode") or 0) != 0:
        if int(data["errcode"]) in (40001, 40014, 42001):
            tokens.invalidate(token)
        raise Unprocessable(f"微信拒绝了菜单：错误码 {data.get('errcode')} {str(data.get('errmsg', ''))[:100]}")


__all__ = ["Menu", "load_menu", "push_menu"]
