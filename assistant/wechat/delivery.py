"""The 5-second rule: answer passively within `reply_s` (4.5 s), else say "success" at once and
push the answer through the customer-service API when it is ready; WeChat's retries of a
message are processed once (`assistant.wechat.dedupe`). An answer longer than one message
(2048 bytes) goes out as its first message passively and the rest pushed (≤ 5 in all).

The answer is computed in this object's own threads, so a slow one (the optional language model)
goes on after the HTTP response; the waiting is `asyncio.wait_for` on the server's event loop, and
tests set `reply_s` and hold the slow part on an event, never on time.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from assistant.wechat import dedupe
from assistant.wechat.bot import Bot
from assistant.wechat.messages import Message
from assistant.wechat.push import MAX_MESSAGES, Pusher
from assistant.wechat.replies import fit_text, fits, head_and_rest

log = logging.getLogger("innopoints.wechat")
REPLY_S = 4.5  # WeChat waits 5 s for the passive reply, then retries
KEPT = 10_000  # passive replies kept in memory for retries (WeChat retries within 15 s)
# Threads answering an account's messages in a worker. More threads than cores only share the
# interpreter lock: at 20 followers on 2 cores, 8 threads gave a p95 1.24x the plain chat's in the
# same runs, 4 and 2 threads 0.8–1.0x (benchmarks/wechat.py). 4 still lets a few slow answers (the
# optional language model) wait on the network together; messages beyond them queue, and any that
# miss the 4.5 s get "success" and their answer pushed.
WORKERS = 4


@dataclass(frozen=True)
class Handled:
    """A message's answer ("" for none) and whether this was its first delivery (not a retry)."""

    text: str
    first: bool


class Delivery:
    """Deliver one account's messages to the bot, passively or by push."""

    def __init__(
        self, *, bot: Bot, engine: Engine, account: str, clock: Callable[[], datetime], pusher: Pusher | None = None,
        reply_s: float = REPLY_S, workers: int = WORKERS, more_at: str = "",
    ) -> None:
        """`more_at`: the portal's page where a follower reads an answer too long for WeChat in full."""
        self.bot, self.engine, self.account, self.clock = bot, engine, account, clock
        self.pusher, self.reply_s, self.more_at = pusher, reply_s, more_at
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"wechat-{account[:12]}")
        # The passive replies given, for WeChat's retries: kept here at once (a retry to this worker)
        # and written to the store by one background thread (a retry to another worker comes 5 s
        # later). Written inline, this third write of a message doubled its p95 at 20 followers;
        # the thread writes whatever has gathered since its last write in one transaction.
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._unwritten: dict[str, str] = {}
        self._kept_lock = threading.Lock()
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"wechat-keep-{account[:8]}")

    async def deliver(self, msg: Message) -> str:
        """The passive reply text; "" for none ("success"): a retry, a late answer, an unsubscribe.

        Awaited on the server's event loop: the message is handled in this object's pool, and the
        wait for it holds no thread (a thread per waiting message was two more hand-overs of the
        interpreter lock per message, which at 20 followers showed in the p95)."""
        future = self.pool.submit(self._handle, msg)
        try:
            handled = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.reply_s)
        except TimeoutError:
            future.add_done_callback(lambda f: self._push_late(msg, f))
            return ""
        text = handled.text
        if handled.first and text:
            text = self._passive_part(msg, text)
            self._keep_passive(msg.dedupe_key, text)
        return text

    def _passive_part(self, msg: Message, text: str) -> str:
        """What fits the passive reply: all of `text`, or its first message with the rest pushed
        through the customer-service API (≤ `MAX_MESSAGES` in all), or — with no AppSecret to push
        with — its head, marked as shortened, with the portal's address when one is set."""
        if fits(text):
            return text
        if self.pusher is None:
            return fit_text(text, more_at=self.more_at)
        first, rest = head_and_rest(text)
        self.pool.submit(self._push, msg.from_user, rest, parts=MAX_MESSAGES - 1, what="the rest of a long answer")
        return first

    def _push(self, openid: str, text: str, *, parts: int, what: str) -> None:
        """Push `text` in ≤ `parts` messages from a background thread: a failure is logged, never raised."""
        assert self.pusher is not None
        try:
            self.pusher.push(openid, text, parts=parts)
        except Exception:  # noqa: BLE001 - a background thread: log, never crash the pool
            log.exception("wechat: pushing %s failed", what)

    def _handle(self, msg: Message) -> Handled:
        """In the pool: claim the message (a retry gets the reply already given) and answer it."""
        key = msg.dedupe_key
        seen = dedupe.claim(self.engine, account=self.account, key=key, now=self.clock())
        if not seen.first:
            with self._kept_lock:
                kept = self._kept.get(key)
            return Handled(kept or seen.reply or "", first=False)
        return Handled(self.bot.handle(msg, account=self.account), first=True)

    def _keep_passive(self, key: str, text: str) -> None:
        with self._kept_lock:
            self._kept[key] = text
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
            first = not self._unwritten  # else a write is already due and takes this one too
            self._unwritten[key] = text
        if first:
            self._keeper.submit(self._keep)

    def _keep(self) -> None:
        with self._kept_lock:
            replies, self._unwritten = self._unwritten, {}
        try:
            dedupe.answered(self.engine, account=self.account, replies=replies)
        except Exception:  # noqa: BLE001 - a background thread: a retry to another worker then gets "success"
            log.exception("wechat: keeping %d passive replies for retries failed", len(replies))

    def _push_late(self, msg: Message, future: Future[Handled]) -> None:
        """The answer that missed the passive reply, sent through the customer-service API (once:
        a retry of a message is never pushed)."""
        if future.cancelled():  # the service is stopping
            return
        handled = future.result()
        text = handled.text
        if not text or not handled.first:
            return
        if self.pusher is None:
            log.warning("wechat: an answer came after %.1f s and no AppSecret is set to push it; dropped", self.reply_s)
            return
        self._push(msg.from_user, text, parts=MAX_MESSAGES, what="a late answer")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self._keeper.shutdown(wait=True)  # the replies kept so far reach the store before it closes


__all__ = ["REPLY_S", "Delivery"]
