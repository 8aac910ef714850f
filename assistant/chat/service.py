"""One chat turn, the same for every surface: `ChatService.reply(...) -> ChatReply`.

clean → length checks (empty, emoji only, too long: a short polite reply, never an error) →
understand (`assistant.chat.nlu`) → decide (`assistant.chat.dialogue`: follow-ups, enterprises,
privacy) → answer (`assistant.chat.answers`) → grounding check (a number of the reply missing from
its facts is a bug: logged, and the reply falls back to the facts themselves) → optional rephrasing
by a model (kept only when every number still matches) → save the turn and the state
(`assistant.chat.sessions`) → `ChatReply`.

Every turn that reads non-public data is recorded through the turn's `Audit` callback (action
`chat`), beside the reads the queries record themselves. The caller's identity is the `Principal`
the surface proved (a token, an API key, the WeChat binding); nothing typed in a message changes it.

    >>> service = ChatService(ctx, vocab=vocab, sessions=SessionStore(engine))   # doctest: +SKIP
    >>> service.reply(principal=PUBLIC, message="帮助").kind                       # doctest: +SKIP
    'answer'
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from assistant.access.privacy import Principal
from assistant.chat import answers, nlu
from assistant.chat.answers.years import published_years
from assistant.chat.dialogue import Step, decide
from assistant.chat.grounding import ungrounded
from assistant.chat.refusals import examples
from assistant.chat.reply import ChatReply, Entities, Fact
from assistant.chat.request import Answer, Request
from assistant.chat.sessions import SessionStore, owner_of
from assistant.errors import ServiceError
from assistant.queries import eligibility
from assistant.queries.audit import Audit, record
from assistant.queries.systems import evaluation_versions
from scoring.errors import ScoringError
from scoring.systems.words import number as fmt_number
from scoring.systems.words import points as fmt_points

if TYPE_CHECKING:
    from assistant.chat.context import ChatContext

log = logging.getLogger("innopoints.chat")
MAX_CHARS = 1000  # a question longer than this is a pasted document, not a question
UNDERSTOOD = 4096  # readings of messages kept (at most MAX_CHARS characters each)
_NO_ANSWER = "抱歉，这个问题我暂时查不到准确的数据，请换个问法，或联系园区工作人员。"


class ChatService:
    """The assistant: understanding, dialogue, answers and sessions over one `ChatContext`.

    `vocab` is the NLU's vocabulary (built once: indicators, categories, industries); `model` an
    optional `ChatModel` that rephrases answers (off by default).
    """

    def __init__(self, ctx: ChatContext, *, vocab: Any, sessions: SessionStore, model: Any = None) -> None:
        self.ctx = ctx
        self.vocab = vocab
        self.sessions = sessions
        self.model = model
        # A message's reading depends on its text, the day and what the last reply asked for,
        # nothing else: the same questions come again and again (menu keys, "我们的积分"), and
        # each is read once (about a tenth of a templated answer's time).
        self._understand = lru_cache(maxsize=UNDERSTOOD)(partial(nlu.understand, vocab=vocab))

    def warm(self) -> None:
        """Run one message through understanding, so that whatever loads lazily loads now."""
        nlu.understand("帮助", vocab=self.vocab, today=self.ctx.clock().date())

    def prepare(self, stop: threading.Event | None = None) -> None:
        """Score the official evaluations (科小, 高企) of the latest published year for the whole
        zone now, so that no asker of "我们能评上高企吗" waits for the first scoring (seconds on a
        real zone; later questions read the kept answers). For a start-up's background thread:
        `stop` ends it between evaluations; a failure is logged, the questions then score on demand."""
        try:
            years = published_years(self.ctx)
        except ScoringError:  # nothing published yet: nothing to prepare
            return
        try:
            for version in evaluation_versions(self.ctx.systems_dir):
                if stop is not None and stop.is_set():
                    return
                eligibility.prepare(engine=self.ctx.engine, runs=self.ctx.runs, systems_dir=self.ctx.systems_dir,
                                    version=version, year=years[-1])
        except Exception:  # noqa: BLE001 - only a warm-up: the first question scores on demand
            log.warning("chat: scoring the evaluations ahead failed", exc_info=True)

    def reply(
        self, *, principal: Principal, message: str, session_id: str | None = None, audit: Audit | None = None,
        caller: str | None = None,
    ) -> ChatReply:
        """Answer one message in a session (a new one without `session_id`, or for an unknown or
        expired one); NotFound for another caller's session; RateLimited past the per-user limit
        (`caller`: the key the limit counts, by default the user; the public's surface passes its address)."""
        now = self.ctx.clock()
        owner = owner_of(principal.role, principal.username)
        session = self.sessions.open(owner=owner, session_id=session_id, now=now)
        self.sessions.check_rate(caller=caller or owner, now=now)
        text = nlu.clean(message or "")
        early = _bad_input(text, principal)
        if early is not None:
            intent, answer = early
            state = session.state.unchanged()
        else:
            u = self._understand(text, today=now.date(), expecting=session.state.expecting)
            step = decide(u, session.state, principal=principal, ctx=self.ctx, audit=audit)
            intent = step.intent
            answer = self._answer(step, principal=principal, text=text, audit=audit)
            state = step.remember(answer)
        out = _reply(session.id, intent, answer)
        self.sessions.save(session, state=state, message=text, reply=out.to_dict(), caller=caller or owner, now=now)
        return out

    def history(self, *, principal: Principal, session_id: str) -> dict[str, Any]:
        """The caller's own session, turn by turn; NotFound for any other."""
        return self.sessions.history(owner=owner_of(principal.role, principal.username), session_id=session_id,
                                     now=self.ctx.clock())

    def _answer(self, step: Step, *, principal: Principal, text: str, audit: Audit | None) -> Answer:
        """The dialogue's own reply, or the answerers' — checked, rephrased if a model is set, audited."""
        if step.request is None:
            assert step.answer is not None
            return step.answer
        request = step.request
        try:
            answer = answers.answer(request, principal=principal, ctx=self.ctx, audit=audit)
        except (ScoringError, ServiceError) as exc:  # e.g. nothing published yet; the message may name a firm
            log.info("chat: %s for %s: %s", type(exc).__name__, request.intent, exc)
            return Answer(reply=_NO_ANSWER, suggestions=examples(principal))
        except Exception:  # noqa: BLE001 - a bug in one answerer must not turn a question into a 5xx
            log.exception("chat: answering %s failed", request.intent)
            return Answer(reply=_NO_ANSWER, suggestions=examples(principal))
        if step.note and answer.kind == "answer":
            answer = replace(answer, reply=f"{step.note}{answer.reply}")
        answer = grounded(answer, user_text=text, intent=request.intent)
        if self.model is not None and answer.kind == "answer":
            answer = self._rephrased(answer, user_text=text)
        if answer.kind == "answer" and (request.enterprises or any(f.uscc for f in answer.facts)):
            usccs = list(dict.fromkeys([e.uscc for e in request.enterprises] + [f.uscc for f in answer.facts if f.uscc]))
            record(audit, action="chat", target=f"{request.intent} {','.join(usccs)}"[:200])
        if answer.kind == "answer" and answer.entities == Entities():
            answer = replace(answer, entities=_entities(request, answer))
        return answer

    def _rephrased(self, answer: Answer, *, user_text: str) -> Answer:
        """The model's wording when it keeps every number of the facts; the template otherwise."""
        try:
            text = self.model.rephrase(answer)
        except Exception:  # noqa: BLE001 - the model is optional: any failure keeps the template
            log.warning("chat: the model's rephrasing failed", exc_info=True)
            return answer
        if not text or ungrounded(text, answer.facts, user_text=user_text):
            return answer
        return replace(answer, reply=text)


def _bad_input(text: str, principal: Principal) -> tuple[str, Answer] | None:
    """A short polite reply to a message that is no question: empty, symbols only, far too long."""
    if not text:
        return "help", Answer(reply="请输入您想问的问题，例如：", kind="clarify", suggestions=examples(principal))
    if len(text) > MAX_CHARS:
        return "help", Answer(reply="您的问题太长了，请只保留想问的那一句话。", kind="clarify",
                              suggestions=examples(principal))
    if not any(ch.isalnum() for ch in text):  # emoji, punctuation: nothing to read
        return "chitchat_out_of_scope", Answer(
            reply="我只能看懂文字提问。我是科技创新积分助手，可以回答积分、指标口径和相关政策的问题。",
            kind="redirect", suggestions=examples(principal))
    return None


def grounded(answer: Answer, *, user_text: str, intent: str) -> Answer:
    """The answer if every number of its reply is in its facts; else (a bug, logged) the facts as they are."""
    problems = ungrounded(answer.reply, answer.facts, user_text=user_text)
    if not problems:
        return answer
    log.error("chat: ungrounded numbers %s in the %s reply %r", problems, intent, answer.reply)
    shown = "；".join(f"{f.label}：{_value(f)}" for f in answer.facts if f.value is not None)
    safe = replace(answer, reply=f"查到的数据如下：{shown}。" if shown else _NO_ANSWER)
    if ungrounded(safe.reply, safe.facts, user_text=user_text):
        safe = replace(answer, reply=_NO_ANSWER)
    return safe


def _value(fact: Fact) -> str:
    """A fact as an answer prints it: points with 2 decimals, other numbers as people write them."""
    v = fact.value
    if isinstance(v, bool) or not isinstance(v, int | float):
        return f"{v}{fact.unit}"
    text = fmt_points(float(v)) if fact.unit == "分" else fmt_number(float(v))
    return f"{text} %" if fact.unit == "%" else f"{text}{fact.unit}"


def _entities(request: Request, answer: Answer) -> Entities:
    """What an answer is about when its answerer did not say: the request's slots."""
    return Entities(
        enterprises=request.enterprises, indicators=(request.indicator,) if request.indicator else (),
        categories=(request.category,) if request.category else (), years=answer.years or request.years,
    )


def _reply(session_id: str, intent: str, answer: Answer) -> ChatReply:
    """The response shape; a refusal carries no entities and no facts, whatever produced it."""
    refusing = answer.kind == "refuse"
    return ChatReply(
        session_id=session_id, reply=answer.reply, kind=answer.kind, intent=intent,
        refuse_reason=answer.refuse_reason if refusing else None,
        entities=Entities() if refusing else answer.entities, facts=() if refusing else answer.facts,
        suggestions=answer.suggestions,
    )


__all__ = ["MAX_CHARS", "ChatService", "grounded"]
