"""A WeChat server simulator written from Tencent's documentation, independently of
`assistant.wechat`: hashlib for signatures, `cryptography`'s AES for the envelope, its own PKCS#7
(to 32 bytes) and its own XML. Proven first on Tencent's published test vector
(test_simulator.py), then used to talk to the live service over real HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

Mode = Literal["plain", "compat", "safe", "work"]


def sha1_sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _key(aes_key: str) -> bytes:
    return base64.b64decode(aes_key + "=")


def encrypt(aes_key: str, receive_id: str, text: str, *, pad_to: int = 32) -> str:
    key = _key(aes_key)
    body = text.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + receive_id.encode()
    n = pad_to - len(plain) % pad_to
    plain += bytes([n]) * n
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def encrypt_raw(aes_key: str, plain: bytes) -> str:
    """Encrypt bytes exactly as given (no padding added): for hostile ciphertexts."""
    key = _key(aes_key)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def decrypt(aes_key: str, ciphertext: str) -> tuple[str, str]:
    """(message, receive id) of a ciphertext."""
    key = _key(aes_key)
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(base64.b64decode(ciphertext)) + dec.finalize()
    n = plain[-1]
    assert 1 <= n <= 32 and plain[-n:] == bytes([n]) * n, "bad padding in the reply"
    plain = plain[:-n]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20:20 + length].decode(), plain[20 + length:].decode()


def xml_of(fields: dict[str, Any]) -> str:
    parts = []
    for k, v in fields.items():
        # WeChat writes text as CDATA; a "]]>" inside is split across two sections.
        text = str(v).replace("]]>", "]]]]><![CDATA[>")
        parts.append(f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{text}]]></{k}>")
    return "<xml>" + "".join(parts) + "</xml>"


def fields_of(text: str) -> dict[str, str]:
    root = ET.fromstring(text)
    assert root.tag == "xml"
    return {child.tag: child.text or "" for child in root}


@dataclass
class Follower:
    """One follower talking to the service through the simulated WeChat server."""

    url: str  # the callback URL (…/wechat or …/wechat/work)
    token: str
    aes_key: str
    receive_id: str  # appid / CorpID
    mode: Mode
    now: Callable[[], float]
    openid: str = ""
    account_name: str = "gh_test_account"

    def __post_init__(self) -> None:
        self.openid = self.openid or "o" + secrets.token_hex(12)
        self.msg_ids = iter(range(10**15 + secrets.randbelow(10**9), 10**16))

    def text(self, content: str, *, msg_id: int | None = None) -> dict[str, Any]:
        return {"ToUserName": self.account_name, "FromUserName": self.openid, "CreateTime": int(self.now()),
                "MsgType": "text", "Content": content, "MsgId": msg_id if msg_id is not None else next(self.msg_ids)}

    def event(self, event: str, key: str = "") -> dict[str, Any]:
        fields: dict[str, Any] = {"ToUserName": self.account_name, "FromUserName": self.openid,
                                  "CreateTime": int(self.now()), "MsgType": "event", "Event": event}
        if key:
            fields["EventKey"] = key
        return fields

    def request(self, fields: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """The query and body WeChat would send for this message in this mode."""
        ts, nonce = str(int(self.now())), str(secrets.randbelow(10**9))
        plain = xml_of(fields)
        query = {"timestamp": ts, "nonce": nonce}
        if self.mode == "plain":
            query["signature"] = sha1_sign(self.token, ts, nonce)
            return query, plain.encode()
        enc = encrypt(self.aes_key, self.receive_id, plain)
        query["msg_signature"] = sha1_sign(self.token, ts, nonce, enc)
        if self.mode == "work":
            body = xml_of({"ToUserName": self.receive_id, "AgentID": "1000002", "Encrypt": enc})
            return query, body.encode()
        query.update(signature=sha1_sign(self.token, ts, nonce), encrypt_type="aes", openid=self.openid)
        if self.mode == "safe":
            body = xml_of({"ToUserName": self.account_name, "Encrypt": enc})
        else:  # compatible: the plain fields and the ciphertext side by side
            body = plain[: -len("</xml>")] + f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
        return query, body.encode()

    def post(self, http: httpx.Client, fields: dict[str, Any]) -> httpx.Response:
        query, body = self.request(fields)
        return http.post(self.url, params=query, content=body, headers={"Content-Type": "text/xml"})

    def reply(self, response: httpx.Response) -> dict[str, str] | None:
        """The reply's fields, its envelope checked (signature, appid, addressing, size); None for "success"."""
        assert response.status_code == 200, response.text
        if response.text in ("success", ""):
            return None
        if self.mode == "plain":
            fields = fields_of(response.text)
        else:
            outer = fields_of(response.text)
            assert outer["MsgSignature"] == sha1_sign(self.token, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
            inner, receiver = decrypt(self.aes_key, outer["Encrypt"])
            assert receiver == self.receive_id
            fields = fields_of(inner)
        assert fields["ToUserName"] == self.openid and fields["FromUserName"] == self.account_name
        assert fields["MsgType"] == "text"
        assert len(fields["Content"].encode()) <= 2048
        return fields

    def say(self, http: httpx.Client, content: str) -> str:
        fields = self.reply(self.post(http, self.text(content)))
        assert fields is not None
        return fields["Content"]
