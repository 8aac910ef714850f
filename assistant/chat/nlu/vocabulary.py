"""Every word the assistant knows, with what it means: built once, shared by every message.

The zone systems' files (`kind: zone`: v1.0, v1.1) give indicator and category names and aliases,
the evaluation systems (`tsme-2017`, `hte-2016`) give policy ids, the store gives the industries
it uses, and `data/assistant/lexicon.yaml` adds what people type (研发占比, 科小, 我司, 这家).
From them: a table surface → `Meaning`, read by forward maximum matching; a table of the same
surfaces by sound (syllables), so that a homophone typo (研发废用, 总份) still reads; latin
pinyin of each surface (zongfen → 总分); and the indicator surfaces for fuzzy matching.

`Vocabulary.from_systems` also trains the intent classifier on `data/assistant/utterances.jsonl`
(under 2 s): build it once, in the API's lifespan or the CLI command, never per message.

>>> vocab = Vocabulary.from_systems(SYSTEMS_DIR, train=False)
>>> vocab.meanings["研发占比"].indicators
('IN02',)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.chat.nlu.lexicon import DEFAULT_LEXICON, Lexicon, LexiconError, load_lexicon
from assistant.chat.understanding import CompanyRef
from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.labels import STAGES
from search.dicts import DEFAULT_DICT_DIR, read_entries
from search.normalize import compact, fold
from search.pinyin import PinyinTable, is_hanzi

if TYPE_CHECKING:
    from assistant.chat.nlu.classifier import IntentClassifier

__all__ = ["SYSTEMS_DIR", "Meaning", "Vocabulary"]


@dataclass(frozen=True)
class Meaning:
    """What a surface word means: slot values, a company reference, or a word of the question."""

    indicators: tuple[str, ...] = ()  # one code: that indicator; several: ask which
    category: str | None = None
    stage: str | None = None
    industry: str | None = None
    policy: str | None = None
    ref: CompanyRef | None = None
    word: bool = False  # a word of the question itself (总分, 怎么算, 的)
    name_part: bool = False  # an industry word of registered names (科技, 智能): part of a name

    @property
    def is_slot(self) -> bool:
        """Whether the surface states a slot value (not a reference, not a question word)."""
        return bool(self.indicators or self.category or self.stage or self.industry or self.policy)

    def merged(self, other: Meaning) -> Meaning:
        """Both meanings of one surface (高企: the indicator FD22 and the policy hte-2016)."""
        return Meaning(
            indicators=tuple(dict.fromkeys(self.indicators + other.indicators)),
            category=self.category or other.category,
            stage=self.stage or other.stage,
            industry=self.industry or other.industry,
            policy=self.policy or other.policy,
            ref=self.ref or other.ref,
            word=self.word or other.word,
            name_part=self.name_part or other.name_part,
        )


def _key(text: str) -> str:
    return fold(text).strip()


def _pinyin_key(syllables: Iterable[str]) -> str:
    return "".join(syllables)


@dataclass(frozen=True)
class Vocabulary:
    """The words of indicators, categories, stages, industries, policies, references and questions."""

    meanings: Mapping[str, Meaning]
    indicator_names: Mapping[str, str]  # code → name (the newest version's)
    category_names: Mapping[str, str]
    industries: tuple[str, ...]
    name_words: frozenset[str]  # industry words of registered names (科技, 智能): never a name alone
    pinyin: PinyinTable
    longest: int = 1
    sounds: Mapping[tuple[str, ...], str] = field(default_factory=dict)  # syllables → surface
    latin: Mapping[str, str] = field(default_factory=dict)  # toneless pinyin → surface
    fuzzy_terms: tuple[str, ...] = ()  # indicator surfaces long enough to match with a typo
    classifier: IntentClassifier | None = None

    def indicators_containing(self, word: str, *, limit: int = 10) -> tuple[str, ...]:
        """The indicators one of whose names holds `word` ("标准" → the five standards), closest
        first (the shortest such name), at most `limit`: the choices for a vague "标准那项"."""
        key = _key(word)
        best: dict[str, int] = {}
        for surface, meaning in self.meanings.items():
            if len(meaning.indicators) == 1 and key and key in surface:
                code = meaning.indicators[0]
                best[code] = min(best.get(code, len(surface)), len(surface))
        return tuple(sorted(best, key=lambda c: (best[c], c)))[:limit]

    @classmethod
    def from_systems(
        cls,
        systems_dir: Path = SYSTEMS_DIR,
        *,
        industries: Iterable[str] = (),
        lexicon: Path = DEFAULT_LEXICON,
        policies_dir: Path | None = None,
        utterances: Path | None = None,
        train: bool = True,
    ) -> Vocabulary:
        """The vocabulary of a systems folder, the store's industries and the lexicon, with the
        intent classifier trained on `utterances` (default: the shipped set) unless `train=False`."""
        from scoring.systems.loader import load_system

        lex = load_lexicon(lexicon)
        table: dict[str, Meaning] = {}

        def add(surface: str, meaning: Meaning) -> None:
            key = _key(surface)
            if key:
                table[key] = table[key].merged(meaning) if key in table else meaning

        indicator_names: dict[str, str] = {}
        category_names: dict[str, str] = {}
        evaluations: dict[str, str] = {}
        for path in sorted(systems_dir.glob("*.yaml"), key=lambda p: p.name):
            system = load_system(path)
            if system.kind == "evaluation":
                evaluations[system.version] = system.name
                continue
            for cat in system.categories:
                category_names[cat.code] = cat.name
            for ind in system.indicators:
                indicator_names[ind.code] = ind.name
        # Surfaces are added from the oldest version on: a later name for the same code adds to it.
        for path in sorted(systems_dir.glob("*.yaml"), key=lambda p: p.name):
            system = load_system(path)
            if system.kind == "evaluation":
                continue
            # "v1.1和v1.0有什么不同": a version of the system is a word, never a company name.
            for surface in (f"v{system.version}", f"{system.version}版", f"v{system.version}版", f"{system.version}版本"):
                add(surface, Meaning(word=True))
            for cat in system.categories:
                add(cat.name, Meaning(category=cat.code))
            for ind in system.indicators:
                for surface in (ind.name, ind.code, *ind.aliases):
                    add(surface, Meaning(indicators=(ind.code,)))
        _check_codes(lex, indicator_names, category_names, lexicon)
        for code, words in lex.indicators.items():
            for w in words:
                add(w, Meaning(indicators=(code,)))
        for w, codes in lex.ambiguous.items():
            add(w, Meaning(indicators=tuple(codes)))
        for code, words in lex.categories.items():
            for w in words:
                add(w, Meaning(category=code))
        for code, name in STAGES.items():
            add(name, Meaning(stage=code))
        for code, words in lex.stages.items():
            for w in words:
                add(w, Meaning(stage=code))
        store_industries = tuple(dict.fromkeys(i for i in industries if i))
        for name in store_industries:
            add(name, Meaning(industry=name))
        for name, words in lex.industries.items():
            if name in store_industries:
                for w in words:
                    add(w, Meaning(industry=name))
        for version, name in evaluations.items():
            add(version, Meaning(policy=version))
            add(name.split("（")[0], Meaning(policy=version))
        for source in (_policy_files(policies_dir or systems_dir.parent / "policies"), lex.policies):
            for pid, words in source.items():
                for w in words:
                    add(w, Meaning(policy=pid))
        for w in lex.refs.self:
            add(w, Meaning(ref="self"))
        for w in lex.refs.previous:
            add(w, Meaning(ref="previous"))
        for w in lex.function_words:
            key = _key(w)
            # A slot or a reference keeps its meaning; the word list only adds plain words.
            if key and key not in table:
                table[key] = Meaning(word=True)
        name_words = frozenset(fold(f[0]) for f in read_entries(DEFAULT_DICT_DIR / "name_words.txt"))
        for w in name_words:
            # 智能 in 恒托智能 must not leave 能 to be read as a question word: name words are
            # matched too, and stay part of the name around them.
            if w not in table:
                table[w] = Meaning(name_part=True)

        pinyin = PinyinTable.from_dir()
        sounds: dict[tuple[str, ...], str] = {}
        latin: dict[str, str] = {}
        # Longer surfaces first, so that a shared sound keeps the more specific word.
        # Latin is read with the words' own readings (重复 is chongfu, 成长 chengzhang): the
        # default reading of a character in names (重 zhong, 长 chang) would read zhongfu, a firm's
        # name typed in pinyin, as 重复. pypinyin's phrase table is loaded once, here.
        from pypinyin import lazy_pinyin

        for surface in sorted(table, key=len, reverse=True):
            if all(is_hanzi(ch) for ch in surface):
                syllables = tuple(pinyin.reading(ch) for ch in surface)
                if len(surface) >= 2:
                    sounds.setdefault(syllables, surface)
                    # And by the word's own reading: 成长期 is cheng zhang qi, so 成张期 typed by sound finds it.
                    sounds.setdefault(tuple(lazy_pinyin(surface)), surface)
                latin.setdefault(_pinyin_key(lazy_pinyin(surface)), surface)
        for key, surface in list(latin.items()):
            if "v" in key:  # 略 is lve to pypinyin, lue on a keyboard
                latin.setdefault(key.replace("v", "u"), surface)
        fuzzy = tuple(s for s, m in table.items() if m.indicators and len(compact(s)) >= 5)
        vocab = cls(
            meanings=table,
            indicator_names=indicator_names,
            category_names=category_names,
            industries=store_industries,
            name_words=name_words,
            pinyin=pinyin,
            longest=max((len(s) for s in table), default=1),
            sounds=sounds,
            latin=latin,
            fuzzy_terms=fuzzy,
        )
        if not train:
            return vocab
        from assistant.chat.nlu.classifier import IntentClassifier
        from assistant.chat.nlu.utterances import DEFAULT_UTTERANCES

        return replace(vocab, classifier=IntentClassifier.train(utterances or DEFAULT_UTTERANCES, vocab=vocab))


def _check_codes(lex: Lexicon, indicators: Mapping[str, str], categories: Mapping[str, str], path: Path) -> None:
    unknown = [c for c in lex.indicators if c not in indicators]
    unknown += [c for codes in lex.ambiguous.values() for c in codes if c not in indicators]
    unknown += [c for c in lex.categories if c not in categories]
    unknown += [c for c in lex.stages if c not in STAGES]
    if unknown:
        raise LexiconError(f"{path}: 指标体系中没有这些代码：{', '.join(sorted(set(unknown)))}")


def _policy_files(folder: Path) -> dict[str, list[str]]:
    """Names of the items of data/policies/*.yaml (`policies:` entries with `id`, `title`,
    `aliases`): an official evaluation's under its system's id (hte → hte-2016), the slot the
    evaluation answers read; any other item under its own id (credit, reward-hte-first)."""
    import yaml

    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue  # the answers' loader reports a broken policy file; understanding skips it
        items = doc.get("policies") if isinstance(doc, dict) else None
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict) or not item.get("id"):
                continue
            pid = str(item["evaluation"] if item.get("kind") == "evaluation" and item.get("evaluation") else item["id"])
            names = [item.get("title"), *(item.get("aliases") or [])]
            found.setdefault(pid, []).extend(str(n) for n in names if isinstance(n, str) and n)
    return found
