"""The assistant quality set's labels, resolved against a demo zone's store at run time.

No label holds a USCC, a name or a number of the store: firms are referred to by role ("the
asker's own"), by position in a ranking, or by a made-up name checked to be absent, and filled in
from the store when the benchmark runs. The demo zone is deterministic, but a label that names a
firm would break with the zone's size or seed; these do not.

Files (one JSON object per line, written by ``make_assistant_questions.py``):

- ``assistant_questions.jsonl``: ``{id, role, text, firms, expect, tags, source}``, each asked in a
  fresh session.
- ``assistant_dialogues.jsonl``: ``{id, role, firms, turns: [{text, expect, tags}], tags, source}``,
  the turns asked in order in one session.

``role``: ``enterprise1`` … ``enterprise3`` (the demo's enterprise users), ``official``, ``public``.

``firms`` maps a letter to a reference:

- ``"self"``: the asker's own enterprise; ``{"user": "enterprise2"}``: the one bound to that user.
- ``{"stage": "growth", "pos": 3}`` (optional ``category``, ``industry``, ``year``): the firm at
  that position of the ranking (``RunData.ranking`` order: points, then USCC; with ``industry``,
  that industry's firms only; without ``stage``, every stage by total). When the text names the
  firm and the mention is ambiguous in the zone (a trade name two firms share, a pinyin two trade
  names share), the next position is taken — unless ``"exact": true`` (a list reference).
- ``{"shared": 1}``: the firms sharing the first (in order) trade name that several firms have.
- ``{"absent": "鲸帆"}``: an enterprise that is not in the zone (checked): 常州鲸帆科技有限公司
  with a valid USCC that is not in the store.

Mentions in ``text``: ``{A.name}`` ``{A.short}`` ``{A.trade}`` (字号, the short name's first two
characters at demo sizes) ``{A.typo}`` (the trade name with one character replaced by a homophone, as
a phone's pinyin keyboard does) ``{A.pinyin}`` ``{A.tw}`` (the short name in 繁体) ``{A.uscc}``.
Years: ``{y:latest-1}`` → 2024, ``{yy:latest-1}`` → 24, ``{ycn:latest-1}`` → 二〇二四.

``expect``: ``kind`` (or a list of acceptable kinds where the spec leaves the choice open),
``refuse_reason`` (likewise), ``intent`` (None: not scored), ``enterprises`` (letters: the exact
set the answer is about), ``list`` (``{stage, category, industry, n}``: the firms a top-N answer
lists, in order), ``year`` / ``years`` (year expressions: ``latest``, ``latest-1``, ``clock``
(the clock's calendar year), ``clock-1`` …; the expected *answered* year: a year after the latest
scored one is answered with the latest), ``indicator``, ``category``, ``policy``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant_zone import (
    FORMS,
    Firm,
    LabelError,
    ZoneView,
    answered_year,
    chinese_year,
    load_zone,
    made_up_trades,
    resolve_firm,
    unambiguous,
    year_of,
)

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "assistant_questions.jsonl"
DIALOGUES = HERE / "assistant_dialogues.jsonl"

ROLES = ("enterprise1", "enterprise2", "enterprise3", "official", "public")
KINDS = ("answer", "clarify", "refuse", "redirect")
REASONS = ("privacy", "injection", "unauthenticated", "write_attempt", "bulk_export")
_MENTION = re.compile(r"\{([A-Z])\.(\w+)\}")
_YEAR = re.compile(r"\{(y|yy|ycn):([a-z]+(?:[+-]\d+)?)\}")


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Case:
    """One question made concrete: the text to send and what is expected of the reply."""

    id: str
    role: str
    text: str
    expect: dict[str, Any]
    firms: dict[str, list[Firm]]  # letter → the firm(s) (several for ``shared``)
    tags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # every enterprise mention the text contains, as typed
    twin_of: str | None = None  # set on a privacy twin: the id of the case it mirrors


def forms_used(texts: Iterable[str]) -> dict[str, set[str]]:
    used: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        for letter, form in _MENTION.findall(text):
            used[letter].add(form)
    return used


def fill(text: str, firms: Mapping[str, list[Firm]], *, zone: ZoneView, today: date) -> tuple[str, tuple[str, ...]]:
    """The text with its mentions and years filled in; and the mentions it now contains."""
    mentions: list[str] = []

    def firm(m: re.Match[str]) -> str:
        letter, form = m.group(1), m.group(2)
        if letter not in firms:
            raise LabelError(f"the text mentions {letter} but the record has no firm {letter}")
        found = firms[letter][0].mention(form)
        mentions.append(found)
        return found

    def year(m: re.Match[str]) -> str:
        y = year_of(m.group(2), zone=zone, today=today)
        return {"y": str(y), "yy": str(y)[2:], "ycn": chinese_year(y)}[m.group(1)]

    out = _YEAR.sub(year, _MENTION.sub(firm, text))
    if "{" in out:
        raise LabelError(f"unfilled placeholder in {text!r}")
    return out, tuple(mentions)


def resolve_firms(refs: Mapping[str, Any], *, role: str, texts: Iterable[str], expects: Iterable[Mapping[str, Any]],
                  zone: ZoneView) -> dict[str, list[Firm]]:
    used = forms_used(texts)
    strict = {letter for e in expects if "answer" in kinds_of(e) for letter in e.get("enterprises") or ()}
    return {letter: resolve_firm(ref, role=role, forms=used.get(letter, ()), zone=zone, strict=letter in strict)
            for letter, ref in refs.items()}


def kinds_of(expect: Mapping[str, Any]) -> list[str]:
    kind = expect.get("kind")
    return list(kind) if isinstance(kind, list) else [kind]


def normalized(text: str) -> str:
    """A text as compared with the training utterances: NFKC, no spaces, lower case."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def training_texts(root: Path = HERE.parent) -> set[str]:
    """The NLU's labelled utterances (``data/assistant/utterances.jsonl``), normalized; empty if absent.

    Only compared with, never read into the set: a question of the set that is verbatim a training
    utterance is reported apart (``seen``) from the unseen ones."""
    path = root / "data" / "assistant" / "utterances.jsonl"
    return {normalized(r["text"]) for r in read_jsonl(path)} if path.exists() else set()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def question_cases(records: Iterable[Mapping[str, Any]], *, zone: ZoneView, today: date) -> Iterator[Case]:
    """Every single question made concrete (LabelError names the record that does not resolve)."""
    for r in records:
        try:
            firms = resolve_firms(r.get("firms", {}), role=r["role"], texts=[r["text"]], expects=[r["expect"]],
                                  zone=zone)
            text, mentions = fill(r["text"], firms, zone=zone, today=today)
        except LabelError as exc:
            raise LabelError(f"{r['id']}: {exc}") from None
        yield Case(r["id"], r["role"], text, dict(r["expect"]), firms, tuple(r.get("tags", ())), mentions)


def dialogue_cases(record: Mapping[str, Any], *, zone: ZoneView, today: date) -> list[Case]:
    """A dialogue's turns made concrete, the firms resolved once for the whole dialogue."""
    try:
        firms = resolve_firms(record.get("firms", {}), role=record["role"], texts=[t["text"] for t in record["turns"]],
                              expects=[t["expect"] for t in record["turns"]], zone=zone)
        out = []
        for k, turn in enumerate(record["turns"], start=1):
            text, mentions = fill(turn["text"], firms, zone=zone, today=today)
            out.append(Case(f"{record['id']}.{k}", record["role"], text, dict(turn["expect"]), firms,
                            tuple(turn.get("tags", ())), mentions))
        return out
    except LabelError as exc:
        raise LabelError(f"{record['id']}: {exc}") from None


def privacy_twin(record: Mapping[str, Any], zone: ZoneView, today: date) -> Case | None:
    """The same privacy probe about an enterprise that does not exist (its refusal must read the same).

    Only for records expecting a refusal whose firms all exist and are not the asker's own; the
    twin's firms are made-up absent ones, mentioned in the same forms."""
    refs = record.get("firms", {})
    if ("refuse" not in kinds_of(record["expect"]) or not refs
            or any(ref == "self" or (isinstance(ref, Mapping) and "absent" in ref) for ref in refs.values())):
        return None
    trades = made_up_trades(zone)
    twin_refs = {letter: {"absent": next(trades)} for letter in sorted(refs)}
    twin = {**record, "id": f"{record['id']}~absent", "firms": twin_refs}
    case = next(question_cases([twin], zone=zone, today=today))
    return Case(case.id, case.role, case.text, case.expect, case.firms, case.tags, case.mentions, twin_of=record["id"])


def check_record(r: Mapping[str, Any], *, dialogue: bool = False) -> list[str]:
    """Problems of a record's shape (before any store is read)."""
    problems = []
    rid = r.get("id", "?")
    if r.get("role") not in ROLES:
        problems.append(f"{rid}: role {r.get('role')!r} not in {ROLES}")
    expects = [t.get("expect", {}) for t in r.get("turns", [])] if dialogue else [r.get("expect", {})]
    for e in expects:
        kinds = e.get("kind") if isinstance(e.get("kind"), list) else [e.get("kind")]
        if not kinds or any(k not in KINDS for k in kinds):
            problems.append(f"{rid}: kind {e.get('kind')!r}")
        reasons = e.get("refuse_reason")
        for reason in reasons if isinstance(reasons, list) else [reasons] if reasons else []:
            if reason not in REASONS:
                problems.append(f"{rid}: refuse_reason {reason!r}")
        for letter in e.get("enterprises", []):
            if letter not in r.get("firms", {}):
                problems.append(f"{rid}: expects firm {letter} that the record does not define")
    return problems


__all__ = [
    # the zone's names, used with the labels' (assistant_zone.py)
    "FORMS", "Firm", "LabelError", "ZoneView", "answered_year", "load_zone", "resolve_firm", "unambiguous", "year_of",
    # the labels'
    "DIALOGUES", "KINDS", "QUESTIONS", "REASONS", "ROLES", "Case", "check_record", "dialogue_cases", "fill",
    "forms_used", "kinds_of", "normalized", "privacy_twin", "question_cases", "read_jsonl", "training_texts",
]
