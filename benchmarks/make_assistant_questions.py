"""Write the assistant quality set: ``assistant_questions.jsonl`` and ``assistant_dialogues.jsonl``.

    python benchmarks/make_assistant_questions.py          # rewrite both files (deterministic)
    python benchmarks/make_assistant_questions.py --check  # fail if the committed files differ

The questions are hand-written (``assistant_set_singles.py``, ``assistant_set_dialogues.py``),
independently of the assistant's training utterances (``data/assistant/``, never read here). Labels
follow ``assistant_labels.py``; this module fills in the defaults every label shares, so that the
hand-written tables stay short:

- an enterprise-data intent asked by an enterprise user about its own enterprise (no firm letter
  in the text, or ``{S.…}``) is an ``answer`` about ``S`` (``self``); about a named other
  enterprise, a ``refuse`` for ``privacy`` naming none; asked by the public, a ``refuse`` for
  ``unauthenticated``; asked by an official without a firm, a ``clarify``;
- the expected year comes from the year words of the text (今年 → ``clock``, 去年 → ``clock-1``,
  前年 → ``clock-2``, ``{y:latest-1}`` → ``latest-1``), else ``latest`` for data answers;
- tags are added from the text: ``traditional`` (繁体), ``emoji``, ``latin`` (pinyin fragments,
  English), ``pinyin``,
  ``typo`` / ``uscc`` (those mention forms), ``privacy`` (another enterprise's data asked for).

A few variants are generated (``source: gen``, seeded): phone-typing transforms of hand-written
questions (繁体, a trailing emoji, a word typed in pinyin, filler words, no spaces), each keeping its
source's label.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))

from assistant_labels import DIALOGUES, QUESTIONS, check_record  # noqa: E402

from assistant.chat.intents import ENTERPRISE_DATA, INTENTS  # noqa: E402

E1, E2, E3, OFF, PUB = "enterprise1", "enterprise2", "enterprise3", "official", "public"
ENTERPRISES = (E1, E2, E3)
PEER = {E1: E2, E2: E3, E3: E1, OFF: E1, PUB: E2}
STAGES = ("startup", "growth", "development", "mature")
AUTO = object()
SEED = 20260315
DATA_INTENTS = ENTERPRISE_DATA | {"compare_companies", "top_n_list"}
_LETTER = re.compile(r"\{([A-Z])\.\w+\}")
_YEAR_TEMPLATE = re.compile(r"\{(?:y|yy|ycn):([a-z]+(?:-\d+)?)\}")
# Longest first: 大前年 before 前年. 繁体 writes these words with the same characters.
_YEAR_WORDS = (("大前年", "clock-3"), ("前年", "clock-2"), ("上一年度", "clock-1"), ("上年", "clock-1"),
               ("去年", "clock-1"), ("本年度", "clock"), ("今年", "clock"))
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def rank_ref(i: int, *, stage: str | None = None) -> dict[str, Any]:
    """A firm chosen by position in a stage's ranking, varied with ``i`` (positions that exist even
    in the 200-firm test zone, whose mature stage has about 14 firms)."""
    s = stage or STAGES[i % 4]
    return {"stage": s, "pos": 1 + (i * 3) % (8 if s == "mature" else 20)}


def years_in(text: str) -> str | None:
    m = _YEAR_TEMPLATE.search(text)
    if m:
        return m.group(1)
    for word, expr in _YEAR_WORDS:
        if word in text:
            return expr
    return None


def auto_tags(text: str, firms: dict[str, Any]) -> set[str]:
    from search.normalize import to_simplified

    tags = set()
    plain = _LETTER.sub("", _YEAR_TEMPLATE.sub("", text))
    if to_simplified(plain) != plain:
        tags.add("traditional")
    if _EMOJI.search(plain):
        tags.add("emoji")
    if re.search(r"[A-Za-z]{2,}", plain):
        tags.add("latin")  # pinyin fragments and English words
    if ".pinyin}" in text:
        tags.add("pinyin")
    if ".typo}" in text:
        tags.add("typo")
    if ".uscc}" in text:
        tags.add("uscc")
    if ".tw}" in text:
        tags.add("traditional")
    if any(isinstance(r, dict) and "absent" in r for r in firms.values()):
        tags.add("nonexistent")
    return tags


def expect(role: str, text: str, intent: str | None, *, firms: dict[str, Any], kind: Any = None,
           reason: Any = None, ent: Any = AUTO, year: Any = AUTO, years: Sequence[str] | None = None,
           ind: str | None = None, cat: str | None = None, lst: dict[str, Any] | None = None,
           policy: str | None = None) -> tuple[dict[str, Any], set[str]]:
    """The label of one question or turn, with the defaults of the module docstring; and tags."""
    tags: set[str] = set()
    letters = list(dict.fromkeys(_LETTER.findall(text)))
    others = [x for x in letters if x != "S"]
    if "S" in letters:
        firms.setdefault("S", "self")
    if "P" in letters:
        firms.setdefault("P", {"user": PEER[role]})
    default_kind, default_reason = "answer", None
    if intent in ENTERPRISE_DATA:
        if role in ENTERPRISES:
            default_kind, default_reason = ("refuse", "privacy") if others else ("answer", None)
        elif role == OFF:
            default_kind = "answer" if others else "clarify"
        else:
            default_kind, default_reason = "refuse", "unauthenticated"
    elif intent == "chitchat_out_of_scope":
        default_kind = "redirect"
    if kind is None:
        kind = default_kind
        reason = default_reason if reason is None else reason
    if intent in ENTERPRISE_DATA and others and role != OFF:
        tags.add("privacy")  # another enterprise's data asked for by someone who may not see it
    kinds = kind if isinstance(kind, list) else [kind]
    if ent is AUTO:
        if "answer" not in kinds:
            ent = None
        elif intent in ENTERPRISE_DATA and role in ENTERPRISES and not others:
            ent = ["S"]
        elif intent in ENTERPRISE_DATA or intent == "compare_companies" or (intent == "find_company_fuzzy" and others):
            ent = others or None
        else:
            ent = None
    if ent and "S" in ent:
        firms.setdefault("S", "self")
    if ent:
        for letter in ent:
            if letter == "P":
                firms.setdefault("P", {"user": PEER[role]})
    if year is AUTO:
        year = years_in(text) if "answer" in kinds and intent in DATA_INTENTS else None
        if year is None and "answer" in kinds and intent in DATA_INTENTS and intent != "policy_eligibility":
            year = "latest"
    if intent == "yoy_change" and years is None and "answer" in kinds:
        years = ["latest-1", "latest"]
    out: dict[str, Any] = {"kind": kind, "intent": intent}
    if reason:
        out["refuse_reason"] = reason
    if ent:
        out["enterprises"] = ent
    if lst:
        out["list"] = lst
    if years:
        out["years"] = list(years)
    elif year:
        out["year"] = year
    for key, value in (("indicator", ind), ("category", cat), ("policy", policy)):
        if value:
            out[key] = value
    if reason in ("privacy",) or (isinstance(reason, list) and "privacy" in reason):
        tags.add("privacy")
    if kinds == ["clarify"]:
        tags.add("ambiguous")
    return out, tags | auto_tags(text, firms)


class Book:
    """Collects the records as the hand-written tables add them."""

    def __init__(self) -> None:
        self.questions: list[dict[str, Any]] = []
        self.dialogues: list[dict[str, Any]] = []

    def ask(self, role: str, text: str, intent: str | None, *, firms: dict[str, Any] | None = None,
            tags: Iterable[str] = (), **kw: Any) -> None:
        refs = dict(firms or {})
        label, auto = expect(role, text, intent, firms=refs, **kw)
        used = set(_LETTER.findall(text)) | set(label.get("enterprises", []))
        refs = {k: v for k, v in refs.items() if k in used}
        self.questions.append({
            "id": f"q{len(self.questions) + 1:04d}", "role": role, "text": text, "firms": refs,
            "expect": label, "tags": sorted(auto | set(tags)), "source": "hand",
        })

    def each(self, roles: Sequence[str], intent: str | None, texts: str, **kw: Any) -> None:
        """One question per line of ``texts``, the roles taken in turn."""
        for i, text in enumerate(t.strip() for t in texts.strip().splitlines() if t.strip()):
            self.ask(roles[i % len(roles)], text, intent, **kw)

    def about(self, role: str, intent: str | None, texts: str, *, start: int = 0,
              extra: dict[str, Any] | None = None, **kw: Any) -> None:
        """One question per line about a ranking firm ``A`` (``rank_ref``), a different one per line."""
        for i, text in enumerate(t.strip() for t in texts.strip().splitlines() if t.strip()):
            self.ask(role, text, intent, firms={"A": rank_ref(start + i), **(extra or {})}, **kw)

    def dialogue(self, role: str, turns: Sequence[tuple[str, str | None, dict[str, Any]]], *,
                 firms: dict[str, Any] | None = None, tags: Iterable[str] = ()) -> None:
        refs = dict(firms or {})
        out, all_tags = [], set(tags)
        for text, intent, kw in turns:
            if kw.get("ent") and "kind" not in kw:
                kw = {**kw, "kind": "answer"}  # a follow-up about a firm named earlier in the dialogue
            label, auto = expect(role, text, intent, firms=refs, **kw)
            out.append({"text": text, "expect": label, "tags": sorted(auto)})
            all_tags |= auto
        self.dialogues.append({
            "id": f"d{len(self.dialogues) + 1:03d}", "role": role, "firms": refs, "turns": out,
            "tags": sorted(all_tags), "source": "hand",
        })


# ----------------------------------------------------------------------------- generated variants
_PINYIN_WORDS = {"积分": "jifen", "排名": "paiming", "研发": "yanfa", "多少": "duoshao", "提高": "tigao"}
_FILLERS = ("那个", "就是", "请问", "麻烦问下", "hi ", "在吗 ")
_TAILS = ("😊", "🙏", "？？", "😂", "啊", "呀", "捏", "哈")


def phone_variants(questions: Sequence[dict[str, Any]], *, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """Phone-typing transforms of hand-written questions (other than mention-bearing texts'
    mentions, which the transforms never touch), each keeping its source's label."""
    import opencc

    to_tw = opencc.OpenCC("s2t")
    rng = random.Random(seed)
    pool = [q for q in questions if q["source"] == "hand" and len(q["text"]) >= 4]
    out: list[dict[str, Any]] = []
    seen = {q["text"] for q in questions}
    while len(out) < count:
        q = rng.choice(pool)
        parts = re.split(r"(\{[^}]*\})", q["text"])  # keep placeholders intact
        how = rng.choice(("tw", "tail", "pinyin", "filler", "tw_tail"))
        new = []
        for part in parts:
            if part.startswith("{"):
                new.append(part)
                continue
            if how in ("tw", "tw_tail"):
                part = to_tw.convert(part)
            if how == "pinyin":
                for word, py in _PINYIN_WORDS.items():
                    if word in part:
                        part = part.replace(word, py, 1)
                        break
            new.append(part)
        text = "".join(new)
        if how == "filler":
            text = rng.choice(_FILLERS) + text
        if how in ("tail", "tw_tail"):
            text = text + rng.choice(_TAILS)
        if text in seen or text == q["text"]:
            continue
        seen.add(text)
        tags = set(q["tags"]) | auto_tags(text, q["firms"]) | {"phone"}
        out.append({**q, "id": f"g{len(out) + 1:04d}", "text": text, "tags": sorted(tags), "source": "gen",
                    "variant_of": q["id"]})
    return out


def build() -> Book:
    from assistant_set_dialogues import add_dialogues
    from assistant_set_singles import add_singles

    book = Book()
    add_singles(book)
    add_dialogues(book)
    book.questions.extend(phone_variants(book.questions, count=80))
    return book


def lines(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def problems(book: Book) -> list[str]:
    out = [p for q in book.questions for p in check_record(q)]
    out += [p for d in book.dialogues for p in check_record(d, dialogue=True)]
    intents = {q["expect"]["intent"] for q in book.questions} | {
        t["expect"]["intent"] for d in book.dialogues for t in d["turns"]}
    out += [f"no question for intent {i}" for i in INTENTS if i not in intents]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    book = build()
    bad = problems(book)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    files = {QUESTIONS: lines(book.questions), DIALOGUES: lines(book.dialogues)}
    if args.check:
        stale = [p.name for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"out of date: {', '.join(stale)} (run benchmarks/make_assistant_questions.py)", file=sys.stderr)
            return 1
        return 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"{len(book.questions)} questions, {len(book.dialogues)} dialogues written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
