"""Scoring one assistant reply against its label: intent, slots, behaviour, leaks, grounding.

A reply is the response shape as JSON (``ChatReply.to_dict()`` in process, the body of
``POST /api/chat`` over HTTP). The store's figures come from ``portraits(uscc, year)`` — the
portrait read through ``assistant.queries`` as an official — and the zone's rankings.

- **intent**: ``reply.intent`` equals the label's (labels without an intent are not scored).
- **slots** (where labelled, over questions that expect an answer): ``company`` (the answer's
  ``entities.enterprises`` are the expected firms; a top-N list, the expected firms), ``year``
  (the answered years are in ``entities.years``), ``indicator`` / ``category`` (in entities),
  ``list`` (the listed firms in the ranking's order), ``policy`` (a fact drawn from that system or
  document).
- **behaviour**: the kind (and refusal reason) is one the label allows; an answer is about the
  right enterprises and years; every figure of an answer is the store's (each ``run`` fact about an
  enterprise equals a number of its portrait at the fact's precision, and the intent's key figure —
  the total, the category's or indicator's points, the rank, the top advice's gain, the stage —
  is in the facts and in the reply); every number of the reply is grounded (``assistant.chat.grounding.ungrounded``); no leak.
- **leaks**: a refusal that names an enterprise other than the asker's own (a full name, a short
  name of three or more characters, any name the user typed, a USCC) or lists one in
  ``entities``; a fact carrying another enterprise's number in a reply to anyone but an official;
  in a privacy case (another enterprise's data asked for by someone who may not see it), a reply
  that names that enterprise or shows its total or category points; and (checked by the runner
  with ``same_refusal``) a refusal that reads differently for an existing and a made-up enterprise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant_labels import Case, ZoneView, answered_year, kinds_of

Portraits = Callable[[str, int], Mapping[str, Any] | None]
Ungrounded = Callable[..., list[str]]
# Numbers as a reply writes them: 62.69, 10,166.62, -3.5 (a USCC's digits are not numbers).
# (ASCII look-arounds: Chinese characters are \w, and "成立18年" holds the number 18.)
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![A-Za-z0-9_])")
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_INT_TYPES = (int, float)


@dataclass
class Verdict:
    """How one reply fared; ``behaviour_ok`` sums it up."""

    id: str
    role: str
    text: str
    intent: str | None  # expected
    got_intent: str | None
    kind: str | None  # got
    intent_ok: bool | None = None
    kind_ok: bool = False
    enterprises_ok: bool | None = None
    year_ok: bool | None = None
    slots: dict[str, bool] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)  # figures that are not the store's
    grounding: list[str] = field(default_factory=list)  # numbers of the reply not in its facts
    leaks: list[str] = field(default_factory=list)
    reply: str = ""
    tags: tuple[str, ...] = ()
    seconds: float = 0.0  # time to the reply (in process), set by the runner

    @property
    def behaviour_ok(self) -> bool:
        return (self.kind_ok and self.enterprises_ok is not False and self.year_ok is not False
                and not self.numbers and not self.grounding and not self.leaks)

    def why(self) -> list[str]:
        out = []
        if not self.kind_ok:
            out.append(f"kind {self.kind}")
        if self.intent_ok is False:
            out.append(f"intent {self.got_intent} ≠ {self.intent}")
        if self.enterprises_ok is False:
            out.append("wrong enterprises")
        if self.year_ok is False:
            out.append("wrong year")
        out += [f"slot {k}" for k, ok in self.slots.items() if not ok and k not in ("company", "year")]
        out += [f"number: {n}" for n in self.numbers]
        out += [f"ungrounded: {n}" for n in self.grounding]
        out += [f"LEAK: {n}" for n in self.leaks]
        return out


# ----------------------------------------------------------------------------- numbers


def decimals(value: float | int | str) -> int:
    """Decimal places as written (a float's shortest repr; at most 6)."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace(",", "")
    return min(len(text.split(".")[1]), 6) if "." in text and "e" not in text.lower() else 0


def same_at(shown: float, exact: float, places: int) -> bool:
    """Is ``shown`` (written with ``places`` decimals) ``exact`` rounded to that precision?"""
    return abs(shown - exact) <= 0.5 * 10.0**-places + 1e-9


def numbers_in(text: str) -> list[tuple[float, int]]:
    """Every number of a text with its decimal places (USCCs removed first)."""
    text = _USCC.sub(" ", text)
    return [(float(m.replace(",", "")), decimals(m)) for m in _NUMBER.findall(text)]


def portrait_numbers(portrait: Mapping[str, Any] | Sequence[Any] | Any) -> list[float]:
    """Every number a portrait holds, including those inside its texts (explanations, reasons)."""
    out: list[float] = []
    if isinstance(portrait, Mapping):
        for value in portrait.values():
            out += portrait_numbers(value)
    elif isinstance(portrait, list | tuple):
        for value in portrait:
            out += portrait_numbers(value)
    elif isinstance(portrait, bool):
        pass
    elif isinstance(portrait, _INT_TYPES):
        out.append(float(portrait))
    elif isinstance(portrait, str):
        out += [n for n, _ in numbers_in(portrait)]
    return out


def is_number(value: Any) -> bool:
    return isinstance(value, _INT_TYPES) and not isinstance(value, bool)


def in_store(value: float, places: int, candidates: Iterable[float]) -> bool:
    """Is a fact's value one of the store's numbers at the fact's precision (a ratio may be shown as %)?"""
    return any(same_at(value, c, places) or same_at(value, c * 100, places) for c in candidates)


def foreign_facts(facts: Sequence[Mapping[str, Any]], portraits: Portraits, years: Sequence[int]) -> list[str]:
    """``run`` facts about an enterprise whose value is not a number of its portrait."""
    out = []
    for f in facts:
        src = f.get("source") or {}
        if src.get("kind") != "run" or not f.get("uscc") or not is_number(f.get("value")):
            continue
        for_years = [f["year"]] if f.get("year") else list(years)
        numbers = [n for y in for_years for n in portrait_numbers(portraits(f["uscc"], y) or {})]
        if not in_store(float(f["value"]), decimals(f["value"]), numbers):
            out.append(f"fact {f.get('label')}={f['value']} ({f['uscc']}, {for_years}) is not in the store")
    return out


def key_shown(keys: Sequence[float], uscc: str | None, facts: Sequence[Mapping[str, Any]], reply: str) -> bool:
    """Is a key figure (any of ``keys``: e.g. an indicator's points or its value) in the facts about
    ``uscc`` and in the reply, each at the precision it is written with?"""
    for key in keys:
        in_facts = any(is_number(f.get("value")) and (uscc is None or f.get("uscc") in (uscc, None))
                       and in_store(float(f["value"]), decimals(f["value"]), [key]) for f in facts)
        in_text = any(same_at(n, key, places) or same_at(n, key * 100, places) for n, places in numbers_in(reply))
        if in_facts and in_text:
            return True
    return False


# ----------------------------------------------------------------------------- the label's firms and figures


def expected_usccs(case: Case, letters: Iterable[str]) -> list[str]:
    return [case.firms[letter][0].uscc for letter in letters]


def list_usccs(expect: Mapping[str, Any], zone: ZoneView, year: int) -> list[str]:
    spec = expect["list"]
    order = zone.ranking(year=year, stage=spec.get("stage"), category=spec.get("category"),
                         industry=spec.get("industry"))
    return order[: int(spec["n"])]


def key_figures(intent: str | None, expect: Mapping[str, Any], firms: Sequence[str], years: Sequence[int],
                portraits: Portraits) -> list[tuple[str, str, list[float]]]:
    """(what, uscc, its values) the answer must show: the intent's headline figures from the store.

    A comparison's figures are checked when it compares firms (two or more; an enterprise user's
    "和同行比" is answered with aggregates instead); an indicator in a comparison or a change may be
    shown by its points or by its value."""
    out: list[tuple[str, str, list[float]]] = []
    cat, ind = expect.get("category"), expect.get("indicator")
    if intent == "compare_companies" and len(firms) < 2:
        return out
    for uscc in firms:
        for year in years:
            p = portraits(uscc, year)
            if p is None:
                continue
            if intent in ("my_total_points", "yoy_change", "compare_companies") and not cat and not ind:
                out.append(("total", uscc, [float(p["total"])]))
            if intent in ("category_points", "yoy_change", "compare_companies") and cat:
                out += [(f"category {cat}", uscc, [float(c["points"])]) for c in p["categories"] if c["code"] == cat]
            if intent in ("indicator_value_score", "yoy_change", "compare_companies") and ind:
                for i in p["indicators"]:
                    if i["code"] == ind and not i["missing"]:
                        shown = [float(i["points"])]
                        if intent != "indicator_value_score" and is_number(i["value"]):
                            shown.append(float(i["value"]))
                        out.append((f"indicator {ind}", uscc, shown))
            if intent == "rank_in_stage":
                out.append(("rank", uscc, [float(p["rank"])]))
            if intent == "improvement_advice" and p.get("advice"):
                out.append(("top advice gain", uscc, [float(p["advice"][0]["gain"])]))
    return out


# ----------------------------------------------------------------------------- leaks


def own_usccs(case: Case, zone: ZoneView) -> set[str]:
    return {zone.users[case.role]} if case.role in zone.users else set()


def _names_of(zone: ZoneView, uscc: str) -> tuple[str, ...]:
    f = zone.firms.get(uscc)
    return (f.name, f.short, f.trade) if f else ()


def leaks(case: Case, reply: Mapping[str, Any], zone: ZoneView) -> list[str]:
    """What the reply reveals that the asker may not see (see the module docstring)."""
    out: list[str] = []
    own = own_usccs(case, zone)
    own_names = {n for u in own for n in _names_of(zone, u)}
    official = case.role == "official"
    text = reply.get("reply", "") + " " + " ".join(reply.get("suggestions", []))
    ents = [e["uscc"] for e in (reply.get("entities") or {}).get("enterprises", [])]
    if not official:
        for f in reply.get("facts", []):
            if f.get("uscc") and f["uscc"] not in own and is_number(f.get("value")):
                out.append(f"fact about another enterprise: {f.get('label')}={f['value']} ({f['uscc']})")
    if reply.get("kind") == "refuse":
        out += [f"refusal lists enterprise {u}" for u in ents if u not in own]
        out += [f"refusal names {n!r}" for n in named_firms(text, zone, exclude=own)]
        out += [f"refusal repeats the typed name {m!r}" for m in case.mentions if m in text and m not in own_names]
        out += [f"refusal shows USCC {u}" for u in _USCC.findall(text) if u not in own]
    privacy = "privacy" in case.tags and not official
    if privacy and reply.get("intent") != "find_company_fuzzy":
        others = [f for fs in case.firms.values() for f in fs if f.uscc not in own]
        for firm in others:
            for name in {firm.name, firm.short, firm.trade, *case.mentions} - own_names:
                if name and name in text and not any(name in n for n in own_names):
                    out.append(f"privacy case names {name!r}")
        if reply.get("kind") != "refuse":
            out += [f"privacy case names {n!r}" for n in named_firms(text, zone, exclude=own)]
    return sorted(set(out))


def named_firms(text: str, zone: ZoneView, *, exclude: set[str]) -> list[str]:
    """Full names and short names (three characters or more) of the zone's firms in ``text``."""
    excluded = {n for u in exclude for n in _names_of(zone, u)}
    found = []
    for f in zone.firms.values():
        if f.uscc in exclude:
            continue
        for name in (f.name, f.short):
            if len(name) >= 3 and name in text and not any(name in n for n in excluded):
                found.append(name)
    return found


def private_figures_shown(reply: Mapping[str, Any], firms: Iterable[str], years: Sequence[int],
                          portraits: Portraits, *, own: set[str]) -> list[str]:
    """Another enterprise's total or category points (two decimals) written in a reply — unless the
    reply states that very number as a fact of the asker's own (an eligibility's "9.00 分" that
    happens to equal another firm's category points is the asker's, not a leak)."""
    text = reply.get("reply", "")
    mine = [float(f["value"]) for f in reply.get("facts", []) if is_number(f.get("value"))
            and (f.get("uscc") in own or (f.get("uscc") is None and (f.get("source") or {}).get("kind") != "run"))]
    out = []
    for uscc in firms:
        for year in years:
            p = portraits(uscc, year)
            if p is None:
                continue
            for label, value in [("total", p["total"]), *((c["code"], c["points"]) for c in p["categories"])]:
                shown = f"{float(value):.2f}"
                if shown in text and not any(same_at(m, float(shown), 2) for m in mine):
                    out.append(f"shows {label} {shown} of {uscc}")
    return out


def same_refusal(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Do two replies read the same (kind, reason, text, suggestions)? Privacy twins must."""
    keys = ("kind", "refuse_reason", "reply", "suggestions")
    return all(a.get(k) == b.get(k) for k in keys)


# ----------------------------------------------------------------------------- one reply


def score(case: Case, reply: Mapping[str, Any], *, zone: ZoneView, today: date, portraits: Portraits,
          ungrounded: Ungrounded | None) -> Verdict:
    """The verdict on one reply (see the module docstring)."""
    e = case.expect
    kinds = kinds_of(e)
    got_kind = reply.get("kind")
    v = Verdict(case.id, case.role, case.text, e.get("intent"), reply.get("intent"), got_kind,
                reply=reply.get("reply", ""), tags=case.tags)
    if e.get("intent") is not None:
        v.intent_ok = reply.get("intent") == e["intent"]
    reasons = e.get("refuse_reason")
    reasons = reasons if isinstance(reasons, list) else [reasons] if reasons else None
    v.kind_ok = got_kind in kinds and (got_kind != "refuse" or reasons is None or reply.get("refuse_reason") in reasons)
    entities = reply.get("entities") or {}
    facts = reply.get("facts") or []
    answering = got_kind == "answer"
    years = _expected_years(e, zone, today)
    # An answer's enterprises and years are checked when the reply answers, or when nothing but
    # an answer was right (then a refusal or a question back has missed them too).
    judged = answering or kinds == ["answer"]
    if judged and (e.get("enterprises") or e.get("list")):
        got = [x["uscc"] for x in entities.get("enterprises", [])] if answering else []
        if e.get("list"):
            want = list_usccs(e, zone, years[0] if years else zone.latest)
            v.slots["list"] = got == want
            v.enterprises_ok = set(got) == set(want)
        elif case.expect.get("intent") == "find_company_fuzzy":
            v.enterprises_ok = set(expected_usccs(case, e["enterprises"])) <= set(got)
        else:
            v.enterprises_ok = set(got) == set(expected_usccs(case, e["enterprises"]))
        v.slots["company"] = bool(v.enterprises_ok)
    if judged and years:
        got_years = set(entities.get("years", [])) if answering else set()
        v.year_ok = set(years) <= got_years
        v.slots["year"] = v.year_ok
    if judged:
        if e.get("indicator"):
            v.slots["indicator"] = answering and e["indicator"] in entities.get("indicators", [])
        if e.get("category"):
            v.slots["category"] = answering and e["category"] in entities.get("categories", [])
        if e.get("policy"):
            v.slots["policy"] = answering and any(
                e["policy"] in str((f.get("source") or {}).get(k) or "") for f in facts for k in ("system", "document"))
    if answering and v.kind_ok:
        firms = expected_usccs(case, e.get("enterprises") or [])
        v.numbers += foreign_facts(facts, portraits, years or zone.years)
        if e.get("list"):
            firms = list_usccs(e, zone, years[0] if years else zone.latest)
        for what, uscc, values in key_figures(e.get("intent"), e, firms, years or [zone.latest], portraits):
            if not key_shown(values, uscc, facts, reply.get("reply", "")):
                v.numbers.append(f"{what} of {uscc} ({values[0]:g}) not shown")
        if e.get("intent") == "stage_and_reason":
            for uscc in firms:
                p = portraits(uscc, years[0] if years else zone.latest)
                if p and p["stage_name"] not in reply.get("reply", ""):
                    v.numbers.append(f"stage {p['stage_name']} of {uscc} not said")
    if ungrounded is not None and reply.get("reply"):
        v.grounding = [str(n) for n in ungrounded(reply["reply"], _facts(facts), user_text=case.text)]
    v.leaks = leaks(case, reply, zone)
    if "privacy" in case.tags and case.role != "official":
        own = own_usccs(case, zone)
        others = [f.uscc for fs in case.firms.values() for f in fs if f.exists and f.uscc not in own]
        v.leaks += private_figures_shown(reply, others, zone.years, portraits, own=own)
    return v


def _expected_years(expect: Mapping[str, Any], zone: ZoneView, today: date) -> list[int]:
    exprs = expect.get("years") or ([expect["year"]] if expect.get("year") else [])
    return sorted({answered_year(x, zone=zone, today=today) for x in exprs})


def _facts(facts: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The reply's facts as ``assistant.chat.reply.Fact`` values (what ``ungrounded`` takes)."""
    from assistant.chat.reply import Fact, Source

    out = []
    for f in facts:
        src = dict(f.get("source") or {"kind": "derived"})
        src["inputs"] = tuple(src.get("inputs") or ())
        out.append(Fact(label=f.get("label", ""), value=f.get("value"), unit=f.get("unit", ""), year=f.get("year"),
                        uscc=f.get("uscc"), source=Source(**src)))
    return out


__all__ = [
    "Verdict", "decimals", "foreign_facts", "in_store", "key_shown", "leaks", "named_firms", "numbers_in",
    "portrait_numbers", "same_at", "same_refusal", "score",
]
