"""Pushing an answer through the customer-service message API (when it came too late for the
passive reply), and fetching the access token it needs.

Official account: `POST {base}/cgi-bin/message/custom/send`; WeCom: `POST {base}/cgi-bin/message/send`
with the application's agentid. At most `MAX_MESSAGES` messages per user message. A refused
token (40001, 40014, 42001) is invalidated and the send tried once more with a fresh one; any
other error code (45015: the follower has not written for 48 hours; 45047: too many messages) is
logged and the rest of the answer dropped — never retried in a loop.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from assistant.wechat.callback import Kind
from assistant.wechat.replies import split_text
from assistant.wechat.tokens import AccessTokens, TokenUnavailable

log = logging.getLogger("innopoints.wechat")
MAX_MESSAGES = 5
TOKEN_REFUSED = {40001, 40014, 42001}
TIMEOUT_S = 10.0


def token_fetcher(http: httpx.Client, *, kind: Kind, api_base: str, app_id: str, secret: str) -> Any:
    """The `fetch` of `AccessTokens`: GET the token endpoint of the account's kind."""

    def fetch() -> tuple[str, int]:
        if kind == "mp":
            url, params = f"{api_base}/cgi-bin/token", {"grant_type": "client_credential", "appid": app_id, "secret": secret}
        else:
            url, params = f"{api_base}/cgi-bin/gettoken", {"corpid": app_id, "corpsecret": secret}
        data = http.get(url, params=params, timeout=TIMEOUT_S).json()
        if not data.get("access_token"):
            raise TokenUnavailable(f"access token refused: errcode {data.get('errcode')}")
        return str(data["access_token"]), int(data.get("expires_in") or 7200)

    return fetch


class Pusher:
    """Send text to a follower through the customer-service API of one account."""

    def __init__(self, http: httpx.Client, *, kind: Kind, api_base: str, tokens: AccessTokens, agent_id: str = "") -> None:
        self.http, self.kind, self.api_base, self.tokens, self.agent_id = http, kind, api_base, tokens, agent_id

    def push(self, openid: str, text: str, *, parts: int = MAX_MESSAGES) -> int:
        """Send `text` (split into ≤ `parts` messages); how many were accepted."""
        sent = 0
        for part in split_text(text, parts=min(parts, MAX_MESSAGES)):
            if not self._send(openid, part):
                break
            sent += 1
        return sent

    def _send(self, openid: str, content: str) -> bool:
        path = "/cgi-bin/message/custom/send" if self.kind == "mp" else "/cgi-bin/message/send"
        body: dict[str, Any] = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        if self.kind == "work":
            body["agentid"] = int(self.agent_id) if self.agent_id.isdigit() else self.agent_id
        for attempt in range(2):
            try:
                token = self.tokens.get()
                data = self.http.post(f"{self.api_base}{path}", params={"access_token": token}, json=body,
                                      timeout=TIMEOUT_S).json()
            except (httpx.HTTPError, ValueError, TokenUnavailable) as exc:
                log.warning("wechat: pushing to %s failed: %s", openid[:8], exc)
                return False
            code = int(data.get("errcode") or 0)
            if code == 0:
                return True
            if code in TOKEN_REFUSED and attempt == 0:
                self.tokens.invalidate(token)
                continue
            log.warning("wechat: the customer-service API refused a message to %s: errcode %s %s", openid[:8], code,
                        str(data.get("errmsg", ""))[:100])
            return False
        return False


__all__ = ["MAX_MESSAGES", "Pusher", "token_fetcher"]
