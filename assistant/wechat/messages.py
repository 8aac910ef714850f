"""An incoming message or event, from the fields of its XML (`assistant.wechat.parsing`)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.wechat.errors import BadMessage
from assistant.wechat.parsing import require


@dataclass(frozen=True)
class Message:
    """What the handler reads of one message: who sent it to whom, its type and content."""

    to_user: str  # the account (gh_… / the CorpID)
    from_user: str  # the follower's openid (WeCom: the member's UserID)
    create_time: int
    msg_type: str  # text, voice, event, image, …
    content: str = ""
    msg_id: str = ""
    event: str = ""  # subscribe, unsubscribe, CLICK, SCAN, …
    event_key: str = ""
    recognition: str = ""  # a voice message's speech recognition, when the account has it on

    @property
    def dedupe_key(self) -> str:
        """What makes WeChat's retries of this message one: MsgId, else sender + CreateTime (events)."""
        return f"id:{self.msg_id}" if self.msg_id else f"ev:{self.from_user}:{self.create_time}:{self.event}"

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Message:
        """The message, or BadMessage naming a missing or malformed field."""
        to_user, from_user, created, msg_type = require(fields, "ToUserName", "FromUserName", "CreateTime", "MsgType")
        if not created.isdigit() or len(created) > 12:
            raise BadMessage("CreateTime 不是有效的时间戳")
        if len(from_user) > 128 or len(to_user) > 128:
            raise BadMessage("ToUserName 或 FromUserName 过长")
        return cls(
            to_user=to_user, from_user=from_user, create_time=int(created), msg_type=msg_type.lower(),
            content=fields.get("Content", ""), msg_id=fields.get("MsgId", "")[:64], event=fields.get("Event", ""),
            event_key=fields.get("EventKey", "")[:128], recognition=fields.get("Recognition", ""),
        )


__all__ = ["Message"]
