"""Refusals of the WeChat callback (framework-free; `assistant.api.errors` maps them to HTTP).

    ServiceError (assistant.errors)
     ├── Forbidden                403
     │    └── BadSignature        403  signature, msg_signature or timestamp window wrong
     │         └── WrongReceiver  403  the decrypted message names another appid / CorpID
     ├── BadRequest               400
     │    └── BadMessage          400  not XML, DOCTYPE or entities, fields missing, ciphertext
     │                                 or padding broken
     └── PayloadTooLarge          413  a body over the cap

Nothing is written for any of them: they are raised before a message is handled.
"""

from __future__ import annotations

from assistant.errors import BadRequest, Forbidden, PayloadTooLarge


class BadSignature(Forbidden):
    """The request was not signed with this account's token, or its timestamp is outside the window."""

    code = "wechat_bad_signature"


class WrongReceiver(BadSignature):
    """The decrypted message was meant for another official account or corporation."""

    code = "wechat_wrong_receiver"


class BadMessage(BadRequest):
    """The body is no WeChat message: not XML, hostile XML, missing fields, broken ciphertext."""

    code = "wechat_bad_message"


class BodyTooLarge(PayloadTooLarge):
    code = "payload_too_large"


__all__ = ["BadMessage", "BadSignature", "BodyTooLarge", "WrongReceiver"]
