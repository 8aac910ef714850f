"""Calibrated name evidence: how well a query names one document, and why (in Chinese).

Scores are on the searcher's one scale (``search.hybrid``): ≥ 0.9 the query *is* one of the
firm's names or keys, 0.7–0.9 a strong match (homophone, pinyin, initials, prefix, one wrong
character in the trade name that the rest corroborates), 0.5–0.7 plausible, below 0.5 weak.
The levels were set on the demo zone's query types; what they encode:

* A registered name is region + trade name (字号) + industry words + legal form. Region and legal
  form are noise (江苏 vs 常州, 有限 vs 股份; changzhou in pinyin too), so names are compared
  core to core; a region the firm's name holds corroborates a near spelling.
* One wrong character *in the trade name* is a typo (天和光能 → 天合光能) when something else
  agrees (``search.slips``); otherwise it is as likely a firm elsewhere (迈瑞医疗 against
  源瑞医疗), and so is a homophone of a bare two-character trade name (美的 against 美德): weak,
  capped. Same trade name with *different industry words* names a different firm (天合储能 is
  not 天合光能): that evidence is weak and caps the fused score, whatever products or vectors say.
* A spaced query is a name and extra terms (常州 耀裕机器人 精密): the name decides; an extra
  the profile does not hold makes the hit plausible (``EXTRA_TERM_CAP``), not weak.
* In mixed input (耀yu机器人) a name prefix that spells the whole trade name counts, and a firm
  with another character where the user typed a hanzi ranks below the one typed.
* Exact keys shared by several firms (initials, a trade name) keep their score; ties are broken
  by the searcher, not here.

Every reason drawn from a field beyond the name and short name names that field (曾用名, 英文名,
别名, 股票简称, 产品), so that a caller can show such reasons to some users as the field's name alone.
"""

from __future__ import annotations

from collections.abc import Callable

from search.fusion import Evidence
from search.fuzzy import edit_distance
from search.keys import KeyKind
from search.names import NameForms, PinyinForm
from search.normalize import NameNormalizer
from search.pinyin import PinyinTable
from search.query import Query
from search.slips import SlipJudge

__all__ = ["NameMatcher", "NEAR_MISS_CAP"]

_Add = Callable[..., None]
# A near-miss name (same trade name, other industry words) can never rise above weak.
NEAR_MISS_CAP = 0.45
# A name with extra query terms the firm's profile does not hold is plausible, not strong.
EXTRA_TERM_CAP = 0.65
_PINYIN_KINDS = {KeyKind.NAME: "全称", KeyKind.CORE: "名称", KeyKind.TRADE: "字号",
                 KeyKind.SHORT: "简称", KeyKind.FORMER_CORE: "曾用名", KeyKind.ALIAS: "别名",
                 KeyKind.STOCK_NAME: "股票简称"}
# Pinyin forms of fields beyond the names: a homophone reason names the field it was drawn from.
_FIELD_NOTES = {KeyKind.FORMER_CORE: "（曾用名）", KeyKind.ALIAS: "（别名）", KeyKind.STOCK_NAME: "（股票简称）"}


def _swapped(a: str, b: str) -> bool:
    """Whether b is a with two neighbouring characters exchanged (a prefix of b counts)."""
    b = b[: len(a)]
    if len(a) != len(b) or a == b or a[0] not in b[:2]:
        return False
    return edit_distance(a, b) == 1 and sorted(a) == sorted(b)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


class NameMatcher:
    """Compares an analyzed query with a document's name forms."""

    def __init__(self, normalizer: NameNormalizer, pinyin: PinyinTable) -> None:
        """Share the searcher's normalizer (industry words) and pinyin table."""
        self._normalizer = normalizer
        self._pinyin = pinyin
        self._slips = SlipJudge(normalizer, pinyin)

    def _name_words_only(self, text: str) -> bool:
        trade, _ = self._normalizer.split_trade(text)
        return text in self._normalizer.name_words or trade in self._normalizer.name_words

    def match(
        self, q: Query, f: NameForms, row: int, business: Callable[[], str], *, known_trade: bool
    ) -> list[Evidence]:
        """Name evidence for one document.

        ``business`` gives its products/industry/scope text (only computed when needed);
        ``known_trade`` says the query's trade name is some firm's trade name in the store.
        """
        out: list[Evidence] = []

        def add(score: float, reason: str, source: str = "name", cap: float = 1.0) -> None:
            out.append(Evidence(row, source, score, reason, cap))

        c = q.core
        if q.compact == f.full:
            add(1.0, "全称匹配")
        for registered, flat, core in f.formers:
            if q.compact == flat:
                add(0.97, f"曾用名: {registered}")
            elif c == core:
                add(0.93, f"曾用名: {registered}")
        for label, named in (("别名", f.aliases), ("股票简称", f.stock_names)):
            for written, flat, core in named:
                if q.compact == flat:
                    add(0.95, f"{label}: {written}")
                elif c == core:
                    add(0.93, f"{label}: {written}")
        if c == f.core:
            add(0.96, "核心名称匹配")
        if c in f.shorts:
            add(0.95, "简称匹配")
        if c == f.trade:
            add(0.93, "字号匹配")
        if out:
            return out
        if q.latin:
            self._latin(q, f, add)
        elif q.pinyin:
            self._homophone(q, f, add)
        if q.has_hanzi and not any(e.score >= 0.85 for e in out):
            self._typo(q, f, business, add, known_trade=known_trade)
        return out

    def _latin(self, q: Query, f: NameForms, add: _Add) -> None:
        # A region in front (changzhou yaoyu) is noise as in a hanzi name: the rest is the name.
        for text in dict.fromkeys((q.latin, q.latin_core)):
            self._latin_text(q, text, f, add)

    def _latin_text(self, q: Query, text: str, f: NameForms, add: _Add) -> None:
        trade_fulls = next((p.fulls for p in f.pinyin if p.kind == KeyKind.TRADE), ())
        for p in f.pinyin:
            what = _PINYIN_KINDS.get(p.kind, "名称")
            if text in p.fulls:
                add(0.92 if p.kind != KeyKind.NAME else 0.9, f"拼音: {text}（{what}）", "pinyin")
            elif text in p.initials and len(text) >= 2:
                add(0.82, f"拼音首字母: {text}（{what}）", "pinyin")
            elif len(text) >= 3 and p.kind in (KeyKind.CORE, KeyKind.SHORT):
                # A prefix counts once it spells the whole trade name (tianheguang for
                # 天合光能): huawei, a prefix of 华伟凯's huaweikai, names no firm here.
                if any(full.startswith(text) for full in p.fulls):
                    if any(text.startswith(t) for t in trade_fulls) and len(text) >= 6:
                        add(0.8, f"拼音前缀: {text}", "pinyin")
                elif any(initials.startswith(text) for initials in p.initials):
                    if len(text) > len(f.trade):
                        add(0.74, f"拼音首字母: {text}（{what}前缀）", "pinyin")
        if f.english:
            if text == f.english:
                add(0.97, "英文名匹配", "english")
            elif text == f.english_core:
                add(0.93, "英文名匹配", "english")
            elif any(text == "".join(f.english_words[:n]) for n in range(1, len(f.english_words))):
                add(0.82, f"英文名: {' '.join(f.english_words)}", "english")
            elif q.words and set(q.words) <= set(f.english_words):
                share = len(q.words) / max(len(f.english_words), 1)
                add(0.7 + 0.2 * share, f"英文名: {' '.join(f.english_words)}", "english")

    def _homophone(self, q: Query, f: NameForms, add: _Add) -> None:
        for p in f.pinyin:
            if len(p.initials[0]) < 2:
                continue
            # Every reason drawn from a former name or alias says so: a caller may hide those.
            field = _FIELD_NOTES.get(p.kind, "")
            if q.pinyin in p.fulls:
                if not q.mixed and len(q.core) <= 2 and not self._slips.region_agrees(q, f):
                    # 美的 (集团) against 美德: two syllables sound like many names; alone they
                    # name no firm (a region the firm has would say more).
                    add(0.45, f"同音字: {q.core}→{p.text}{field}", "pinyin", cap=NEAR_MISS_CAP)
                elif not q.mixed:
                    add(0.88, f"同音字: {q.core}→{p.text}{field}", "pinyin")
                else:
                    # 耀yu机器人 reads as 瑶裕机器人 too, but the user typed 耀: a homophone.
                    differ = self._slips.typed_differs(q.core, p.text)
                    add(0.86 if differ else 0.9, f"拼音: {q.pinyin}{field}", "pinyin")
                return
            if q.mixed and self._spells_trade(q.pinyin, p, f):
                # 耀yu机器人 for 耀裕机器人科技: a prefix that covers the whole trade name.
                differ = self._slips.typed_differs(q.core, p.text)
                add(0.82 if differ else 0.86, f"拼音前缀: {q.pinyin}{field}", "pinyin")
                return

    @staticmethod
    def _spells_trade(text: str, p: PinyinForm, f: NameForms) -> bool:
        """Whether latin ``text`` starts one of the form's spellings and covers its trade name."""
        if len(text) < 6 or p.kind not in (KeyKind.CORE, KeyKind.SHORT, KeyKind.FORMER_CORE, KeyKind.ALIAS, KeyKind.STOCK_NAME):
            return False
        trade = next((t.fulls for t in f.pinyin if t.kind == KeyKind.TRADE), ())
        return any(full.startswith(text) for full in p.fulls) and any(
            text.startswith(t) for t in trade
        )

    def _typo(
        self, q: Query, f: NameForms, business: Callable[[], str], add: _Add, *, known_trade: bool
    ) -> None:
        c = q.core
        # (form, what it is): a near spelling of a former name says so in its reason.
        named = [(form, "名称") for form in (f.core, *f.shorts)]
        named += [(core, "曾用名") for _, _, core in f.formers]
        named += [(core, "别名") for _, _, core in f.aliases]
        named += [(core, "股票简称") for _, _, core in f.stock_names]
        named = [(form, what) for form, what in named if len(form) >= 3]
        forms = [form for form, _ in named]
        distances = [edit_distance(c, form) for form in forms]
        # Two neighbours swapped (星联环保 for 联星环保, 尚中机精 for 尚中精机) is a slip of the
        # keyboard, whatever other firm the swapped spelling happens to name.
        # Two characters are too few: 华万 for 万华 is another word, not a slip.
        swapped = next((what for form, what in named if len(c) >= 3 and _swapped(c, form)), None)
        if swapped is not None:
            add(0.8, f"{swapped}近似（两字颠倒）")
            return
        # A homophone anywhere in a full name (江苏省达… for 江苏晟达…), even across the
        # region/trade boundary that core names cut at.
        if q.named and len(q.compact) == len(f.full) and edit_distance(q.compact, f.full) == 1:
            if self._pinyin.full(q.compact) == self._pinyin.full(f.full):
                add(0.86, "同音字（全称）", "pinyin")
                return
        anchor = next(
            (s for s in (f.trade, *f.shorts) if len(s) >= 2 and s in c and s != c), None
        )
        if anchor is not None:
            if not (q.spaced and self._name_and_terms(q, f, anchor, business, add)):
                self._residual(f, anchor, c.replace(anchor, "", 1), business, add, spaced=q.spaced)
            return
        size_trade = len(f.trade)
        # The query's trade name belongs to another firm in the store (重华生物 while 重华精锻
        # exists): a substituted character is then no typo of this firm's trade name.
        if known_trade:
            return
        if size_trade >= 2 and edit_distance(c[:size_trade], f.trade) >= size_trade:
            return  # the whole trade name differs: another firm, however alike the rest
        for (form, what), d in zip(named, distances, strict=True):
            size = max(len(c), len(form))
            if d == 1:
                score, reason = (0.7 if size >= 4 else 0.6), f"{what}近似（一字之差）"
            elif d == 2 and size >= 6:
                score, reason = 0.56, f"{what}近似（两字之差）"
            elif 4 <= len(c) < len(form) and edit_distance(c, form[: len(c)]) == 1:
                score, reason = 0.66, f"{what}近似（一字之差）"
            else:
                continue
            if self._slips.corroborated(q, form, f):
                add(score, reason)
            else:
                # 迈瑞医疗 against 源瑞医疗: a well-known firm elsewhere, not a slip of this one.
                add(0.45, reason, cap=NEAR_MISS_CAP)
            return

    def _name_and_terms(
        self, q: Query, f: NameForms, anchor: str, business: Callable[[], str], add: _Add
    ) -> bool:
        """A spaced query read as a name and extra terms (常州 耀裕机器人 精密): the part holding
        the trade name is judged as a name, the other parts as words about the firm. Whether it
        applied (the trade name lies within one part and other parts are left)."""
        part = next((p for p in q.parts if anchor in p), None)
        extras = [p for p in q.parts if p != part]
        if part is None or not extras:
            return False
        name = self._normalizer.core(part)  # 江苏耀裕 → 耀裕
        name = name if anchor in name else part
        found: list[tuple[float, str, str, float]] = []

        def collect(score: float, reason: str, source: str = "name", cap: float = 1.0) -> None:
            found.append((score, reason, source, cap))

        if name in f.shorts:
            collect(0.95, "简称匹配")
        elif name == f.core:
            collect(0.96, "核心名称匹配")
        else:
            self._residual(f, anchor, name.replace(anchor, "", 1), business, collect, spaced=False)
        if not found:
            return False
        score, reason, source, cap = found[0]
        known = business() + f.core
        unmatched = [e for e in extras if e not in known]
        if unmatched and score >= 0.5:
            if all(self._name_words_only(e) for e in unmatched):
                # 天合 医疗 against 天合光能: as 天合医疗, the trade name of another firm.
                add(0.4, f"字号相同但名称不同（{f.core}）", cap=NEAR_MISS_CAP)
                return True
            # The name is this firm's; its profile cannot confirm the rest (a product it does
            # not list, a typo): still a hit, no longer a strong one.
            score = min(score, EXTRA_TERM_CAP)
            reason = f"{reason}，未匹配: {'、'.join(unmatched)}"
        add(score, reason, source, cap)
        return True

    def _residual(
        self, f: NameForms, anchor: str, rest: str, business: Callable[[], str], add: _Add,
        *, spaced: bool,
    ) -> None:
        """The query holds the trade or short name ``anchor``; judge what else it says."""
        label = "简称" if anchor in f.shorts and anchor != f.trade else "字号"
        desc = f.descriptor if anchor == f.trade else f.core.replace(anchor, "", 1)
        if desc and desc.startswith(rest):
            add(0.9, f"名称前缀（{label}: {anchor}）")
        elif desc and rest.startswith(desc):
            extra = rest[len(desc):]
            if extra in business():
                add(0.86, f"{label}匹配, 产品: {extra}")
            elif self._name_words_only(extra):
                add(0.8, f"名称近似（多出“{extra}”）")
            else:
                add(0.6, f"{label}: {anchor}")
        elif desc and _swapped(rest, desc):
            add(0.8, "名称近似（两字颠倒）")
        elif desc and _subsequence(rest, desc):
            add(0.85, f"名称简写（{label}: {anchor}）")
        elif desc and self._pinyin.full(rest) == self._pinyin.full(desc):
            add(0.88, f"同音字: {rest}→{desc}", "pinyin")
        elif self._name_words_only(rest) and not spaced:
            # 天合储能 against 天合光能: same trade name, other industry words → another firm.
            add(0.4, f"字号相同但名称不同（{f.trade}{desc or ''}）", cap=NEAR_MISS_CAP)
        elif rest in business():
            add(0.84, f"{label}匹配, 产品: {rest}")
        elif desc and edit_distance(rest, desc) == 1 and len(desc) >= 2:
            add(0.66, "名称近似（一字之差）")
        else:
            # 常乐大酒店 against 常乐食品: the rest of the query says nothing this firm is.
            add(0.42, f"{label}相同但名称不同（{f.core}）", cap=NEAR_MISS_CAP)

