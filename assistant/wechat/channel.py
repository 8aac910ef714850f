"""One WeChat account end to end: verified bytes in, the sealed passive reply (or "success") out.

    >>> channel.verify({"signature": …, "timestamp": …, "nonce": …, "echostr": "abc"})   # doctest: +SKIP
    'abc'
    >>> await channel.receive(query, body)                 # encrypted XML, or "success"  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.wechat.callback import Callback
from assistant.wechat.delivery import Delivery
from assistant.wechat.messages import Message
from assistant.wechat.replies import text_reply

SUCCESS = "success"  # WeChat's "no reply" (an empty body works too)


class Channel:
    """A `Callback` (envelope) and a `Delivery` (answers) for one account."""

    def __init__(self, callback: Callback, delivery: Delivery) -> None:
        self.callback = callback
        self.delivery = delivery

    @property
    def key(self) -> str:
        """The account as bindings and sessions name it: "mp:<appid>" or "work:<corpid>"."""
        return self.delivery.account

    def verify(self, query: Mapping[str, str]) -> str:
        """The body of the URL-verification answer."""
        return self.callback.verify_url(query)

    async def receive(self, query: Mapping[str, str], body: bytes) -> str:
        """The body of the answer to a POSTed message (all checks before anything is written).
        The envelope is opened and sealed here on the event loop (well under a millisecond: a
        body is at most `MAX_BODY`); the message is answered in the delivery's threads."""
        inbound = self.callback.open(query, body)
        msg = Message.from_fields(inbound.fields)
        text = await self.delivery.deliver(msg)
        if not text:
            return SUCCESS
        xml = text_reply(to_user=msg.from_user, from_user=msg.to_user, create_time=int(self.callback.clock()),
                         content=text)
        return self.callback.seal(xml, inbound)

    def close(self) -> None:
        self.delivery.close()


def account_key(kind: str, receive_id: str) -> str:
    return f"{kind}:{receive_id}"


__all__ = ["SUCCESS", "Channel", "account_key"]
