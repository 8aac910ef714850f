"""The callback envelope of one account: URL verification, opening a POSTed message (plaintext,
compatible or safe mode; WeCom always encrypted) and sealing the passive reply.

Every check happens before anything is handled: the timestamp within `window_s` of the clock,
the signature (`signature` over token/timestamp/nonce; `msg_signature` adds the ciphertext),
the ciphertext and its padding, the receive id (appid / CorpID) at the end of the plaintext, the
XML. A reply to an encrypted message is encrypted, with its own signature, timestamp and nonce.

    >>> cb = Callback(Account(kind="mp", token="spamtest", receive_id="wx2c2769f8efd9abc2",
    ...                       aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"), clock=time.time)   # doctest: +SKIP
    >>> cb.open(query, body).fields["Content"]                                                           # doctest: +SKIP
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from assistant.wechat.crypto import MessageCrypto, check_signature, signature
from assistant.wechat.errors import BadMessage, BadSignature
from assistant.wechat.parsing import MAX_BODY, parse_xml, require
from assistant.wechat.replies import encrypted_reply

WINDOW_S = 300  # WeChat's own SDKs accept a few minutes of clock skew; a replay older than this is refused
Kind = Literal["mp", "work"]  # official account (公众号) or WeCom (企业微信)


@dataclass(frozen=True)
class Account:
    """One callback's configuration: `receive_id` is the appid (mp) or the CorpID (work)."""

    kind: Kind
    token: str
    receive_id: str
    aes_key: str = ""
    window_s: int = WINDOW_S


@dataclass(frozen=True)
class Inbound:
    """A verified, decrypted message's fields, and whether its reply is to be encrypted."""

    fields: dict[str, str]
    encrypted: bool


class Callback:
    """Verify, open and seal for one `Account`; `clock` gives Unix seconds (tests pass their own)."""

    def __init__(self, account: Account, *, clock: Callable[[], float] = time.time) -> None:
        self.account = account
        self.clock = clock
        self.crypto = MessageCrypto(account.aes_key, account.receive_id) if account.aes_key else None

    # ------------------------------------------------------------------ checks
    def _query(self, query: Mapping[str, str], *names: str) -> list[str]:
        values = [query.get(n) or "" for n in names]
        for name, value in zip(names, values, strict=True):
            if not value or len(value) > 512:
                raise BadSignature(f"缺少或过长的参数 {name}")
        return values

    def _fresh(self, timestamp: str) -> None:
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > self.account.window_s:
            raise BadSignature("时间戳无效或超出允许范围（请检查服务器时间）")

    def _need_crypto(self) -> MessageCrypto:
        if self.crypto is None:
            raise BadMessage("本账号未配置 EncodingAESKey，不能接收加密消息")
        return self.crypto

    # ------------------------------------------------------------------ URL verification
    def verify_url(self, query: Mapping[str, str]) -> str:
        """What the GET of URL verification answers: the echostr (WeCom: decrypted)."""
        if self.account.kind == "mp":
            sig, ts, nonce, echostr = self._query(query, "signature", "timestamp", "nonce", "echostr")
            self._fresh(ts)
            check_signature(sig, self.account.token, ts, nonce)
            return echostr
        sig, ts, nonce, echostr = self._query(query, "msg_signature", "timestamp", "nonce", "echostr")
        self._fresh(ts)
        check_signature(sig, self.account.token, ts, nonce, echostr)
        return self._need_crypto().decrypt(echostr)

    # ------------------------------------------------------------------ messages
    def open(self, query: Mapping[str, str], body: bytes) -> Inbound:
        """The message of a POST, verified (and decrypted); refused before anything is handled."""
        if len(body) > MAX_BODY:
            parse_xml(body)  # raises BodyTooLarge
        encrypted = self.account.kind == "work" or query.get("encrypt_type", "raw") == "aes"
        if not encrypted:
            sig, ts, nonce = self._query(query, "signature", "timestamp", "nonce")
            self._fresh(ts)
            check_signature(sig, self.account.token, ts, nonce)
            return Inbound(fields=parse_xml(body), encrypted=False)
        sig, ts, nonce = self._query(query, "msg_signature", "timestamp", "nonce")
        self._fresh(ts)
        crypto = self._need_crypto()
        outer = parse_xml(body)
        (encrypt,) = require(outer, "Encrypt")
        check_signature(sig, self.account.token, ts, nonce, encrypt)
        return Inbound(fields=parse_xml(crypto.decrypt(encrypt).encode()), encrypted=True)

    def seal(self, reply_xml: str, inbound: Inbound) -> str:
        """The reply as sent: plain, or encrypted with its own signature, timestamp and nonce."""
        if not inbound.encrypted:
            return reply_xml
        encrypt = self._need_crypto().encrypt(reply_xml)
        ts, nonce = str(int(self.clock())), str(secrets.randbelow(10**10))
        return encrypted_reply(encrypt=encrypt, signature=signature(self.account.token, ts, nonce, encrypt),
                               timestamp=ts, nonce=nonce)


__all__ = ["WINDOW_S", "Account", "Callback", "Inbound", "Kind"]
