"""Assistant quality: the labelled set through `ChatService`, as each asker; then latency over HTTP.

    python benchmarks/assistant_quality.py                          # temporary demo zone (2,791 firms)
    python benchmarks/assistant_quality.py --data-dir var --failures
    python benchmarks/assistant_quality.py --data-dir var --no-latency --json > quality.json
    python benchmarks/assistant_quality.py --data-dir var --only q01 --failures

Data: the demo zone (`innopoints demo --size N` into `--data-dir`, built when its SQLite file is
missing; a temporary folder by default). The set: `assistant_questions.jsonl` (single questions,
each in a fresh session) and `assistant_dialogues.jsonl` (turns in one session), labels as
`assistant_labels.py` describes, resolved against the store before anything runs (a label that
does not resolve stops the benchmark and names the record). The clock (`--today`, default 15 March
of the year after the latest scored one: "今年" is then a year not scored yet, as in the spec's own
example) is the `ChatContext`'s.

In process: one `ChatService` built like the API's lifespan builds it (store engine, run cache,
searcher, vocabulary, sessions — `assistant.chat.build.build_service`; no LLM, no rate limit); every question and dialogue is sent as its role (the demo
users' `Principal`s; the public's). Each reply is scored by `assistant_scoring.score` against the
store read through `assistant.queries` as an official (portraits, rankings). Each privacy probe of
an existing enterprise is also asked about a made-up one (a twin); the two replies must read the
same. Reported: intent accuracy (overall, per intent), slot accuracy (per slot), behaviour
accuracy (overall, per role, per tag — `unseen` / `seen`: the questions that are not / are verbatim
one of the NLU's training utterances), leaks, grounding failures; `--failures` lists each miss.
Targets: behaviour ≥ 95 %, every intent ≥ 90 %, leaks 0.

Then `assistant_latency.py`: p95 per turn at 1 client and at 20 concurrent sessions over HTTP
against `innopoints serve` (`--no-latency` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # before benchmarks/: benchmarks/scoring.py must not shadow `scoring`
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))

import assistant_labels as labels  # noqa: E402
from assistant_scoring import Verdict, same_refusal, score  # noqa: E402
from stats import percentiles  # noqa: E402

BEIJING = timezone(timedelta(hours=8))
TARGET_BEHAVIOUR = 0.95
TARGET_INTENT = 0.90
REPORTED_TAGS = ("unseen", "seen", "privacy", "ambiguous", "phone", "traditional", "latin", "emoji", "typo", "pinyin", "claim",
                 "affiliate", "injection", "write", "bulk", "nonexistent")


# ----------------------------------------------------------------------------- the zone and the service


def ensure_demo(data_dir: Path, size: int) -> None:
    """`innopoints demo --size N` into ``data_dir`` unless its database is there."""
    if (data_dir / "innopoints.sqlite").exists():
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"building the demo zone ({size} firms) into {data_dir} …", file=sys.stderr)
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_ENVIRONMENT": "development"}
    done = subprocess.run([sys.executable, "-m", "assistant.cli.main", "demo", "--size", str(size)], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"innopoints demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


class Zone:
    """The store, its runs and searcher, read as an official: what the service and the scoring share."""

    def __init__(self, data_dir: Path, *, embedder: str) -> None:
        from assistant.access import accounts
        from assistant.config import Settings
        from assistant.queries import portrait_store
        from assistant.queries.run_cache import RunCache
        from assistant.queries.search_index import SearchIndex
        from scoring.store.db import make_engine

        self.settings = Settings(data_dir=data_dir, environment="development", embedder=embedder)  # type: ignore[arg-type]
        self.engine = make_engine(self.settings.db_url, busy_timeout=self.settings.database_busy_seconds)
        accounts.ensure_tables(self.engine)
        portrait_store.ensure_table(self.engine)
        self.runs = RunCache(self.engine, recheck_s=3600.0)  # nothing is published while the benchmark runs
        self.index = SearchIndex.from_settings(self.settings, self.engine, background=False)
        if self.index.embedder is not None:
            self.index.build()  # encodes what the passage cache lacks (minutes on a fresh data folder)
        else:
            self.index.load()
        self.view = labels.load_zone(self.engine, self.runs)
        self._portraits: dict[tuple[str, int], dict[str, Any] | None] = {}

    def portrait(self, uscc: str, year: int) -> dict[str, Any] | None:
        """The portrait read through `assistant.queries` as an official (None: no such firm or year)."""
        from sqlmodel import Session

        from assistant.queries.portraits import portrait
        from scoring.errors import NotFound

        key = (uscc, year)
        if key not in self._portraits:
            try:
                with Session(self.engine) as session:
                    self._portraits[key] = portrait(principal=official(), session=session, uscc=uscc, year=year,
                                                    run_data=self.runs.run_data)
            except NotFound:
                self._portraits[key] = None
        return self._portraits[key]

    def check_rankings(self, specs: Iterable[Mapping[str, Any]]) -> None:
        """The benchmark's rankings agree with `assistant.queries.rankings` (stage lists)."""
        from assistant.queries.rankings import ranking

        for spec in specs:
            if not spec.get("stage") or spec.get("industry"):
                continue
            got = ranking(principal=official(), runs=self.runs, audit=None, stage=spec["stage"],
                          category=spec.get("category"), size=int(spec["n"]))
            ours = self.view.ranking(year=got["year"], stage=spec["stage"], category=spec.get("category"))
            if [i["uscc"] for i in got["items"]] != ours[: int(spec["n"])]:
                raise RuntimeError(f"the benchmark's ranking of {spec} differs from assistant.queries.rankings")


def official() -> Any:
    """The identity the benchmark reads the store with (an official sees everything)."""
    from assistant.access.privacy import Principal

    return Principal(role="official", username="assistant-quality")


def principal(role: str, zone: labels.ZoneView) -> Any:
    """The demo user's identity as the channel would give it (the public: no one)."""
    from assistant.access.privacy import PUBLIC, Principal

    if role == "public":
        return PUBLIC
    if role == "official":
        return Principal(role="official", username="official")
    return Principal(role="enterprise", username=role, uscc=zone.users[role])


def chat_service(zone: Zone, *, today: date) -> Any:
    """The `ChatService` the API's lifespan builds (`assistant.chat.build.build_service`), over the
    benchmark's store, runs and searcher, with its clock; no LLM, no rate limit; prepared (the
    evaluations scored ahead) as the lifespan prepares it."""
    from assistant.chat.build import build_service

    now = datetime.combine(today, datetime.min.time(), BEIJING).replace(hour=10)
    service = build_service(engine=zone.engine, runs=zone.runs, index=zone.index, systems_dir=zone.settings.systems_dir,
                            policies_dir=zone.settings.policies_dir, clock=lambda: now, turns_per_minute=0, model=None)
    service.prepare()  # as the lifespan does in the background: the evaluations scored ahead
    return service


# ----------------------------------------------------------------------------- running the set


def ask(service: Any, case: labels.Case, who: Any, session_id: str | None, timings: list[float]) -> dict[str, Any]:
    t0 = time.perf_counter()
    reply = service.reply(principal=who, message=case.text, session_id=session_id, audit=None)
    timings.append(time.perf_counter() - t0)
    return reply.to_dict()  # type: ignore[no-any-return]


def run_set(zone: Zone, service: Any, *, today: date, only: str | None, questions_file: Path = labels.QUESTIONS,
            dialogues_file: Path = labels.DIALOGUES) -> dict[str, Any]:
    from assistant.chat.grounding import ungrounded

    view = zone.view
    questions = [q for q in labels.read_jsonl(questions_file) if not only or q["id"].startswith(only)]
    dialogues = [d for d in labels.read_jsonl(dialogues_file) if not only or d["id"].startswith(only)]
    # Resolve every label before asking anything: a label that does not resolve names its record.
    singles = list(labels.question_cases(questions, zone=view, today=today))
    twins = [t for q in questions if "privacy" in q.get("tags", ()) for t in [labels.privacy_twin(q, view, today)] if t]
    turns = [labels.dialogue_cases(d, zone=view, today=today) for d in dialogues]
    zone.check_rankings([c.expect["list"] for c in [*singles, *(t for ts in turns for t in ts)] if c.expect.get("list")])
    timings: list[float] = []
    verdicts: list[Verdict] = []
    replies: dict[str, dict[str, Any]] = {}

    training = labels.training_texts()

    def judge(case: labels.Case, reply: dict[str, Any]) -> None:
        replies[case.id] = reply
        v = score(case, reply, zone=view, today=today, portraits=zone.portrait, ungrounded=ungrounded)
        # A question that is verbatim one of the NLU's training utterances is reported apart.
        v.tags = (*v.tags, "seen" if labels.normalized(case.text) in training else "unseen")
        v.seconds = timings[-1]
        verdicts.append(v)

    for case in singles:
        judge(case, ask(service, case, principal(case.role, view), None, timings))
    for ts in turns:
        session_id = None
        for case in ts:
            reply = ask(service, case, principal(case.role, view), session_id, timings)
            session_id = reply.get("session_id") or session_id
            judge(case, reply)
    by_id = {v.id: v for v in verdicts}
    for twin in twins:
        reply = ask(service, twin, principal(twin.role, view), None, timings)
        original = replies[twin.twin_of or ""]
        if original.get("kind") == "refuse" and not same_refusal(original, reply):
            by_id[twin.twin_of or ""].leaks.append(
                f"the refusal differs for a made-up enterprise: {reply.get('kind')} {reply.get('reply')!r}")
    return {"verdicts": verdicts, "timings": timings, "singles": len(singles), "dialogues": len(turns),
            "turns": sum(len(t) for t in turns), "twins": len(twins), "plan": _plan(singles, turns)}


def _plan(singles: Sequence[labels.Case], turns: Sequence[Sequence[labels.Case]]) -> list[tuple[str, list[str]]]:
    """The sessions the latency part plays: every dialogue and every single question."""
    return [(ts[0].role, [c.text for c in ts]) for ts in turns] + [(c.role, [c.text]) for c in singles]


# ----------------------------------------------------------------------------- the report


def rate(items: Sequence[bool]) -> float | None:
    return sum(items) / len(items) if items else None


def summarize(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    per_intent: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        per_intent[v.intent or "(none: guards, vague)"].append(v)
    slots: dict[str, list[bool]] = defaultdict(list)
    for v in verdicts:
        for name, ok in v.slots.items():
            slots[name].append(ok)
    by_role: dict[str, list[bool]] = defaultdict(list)
    by_tag: dict[str, list[bool]] = defaultdict(list)
    for v in verdicts:
        by_role[v.role].append(v.behaviour_ok)
        for tag in v.tags:
            by_tag[tag].append(v.behaviour_ok)
    intent_scored = [v.intent_ok for v in verdicts if v.intent_ok is not None]
    return {
        "replies": len(verdicts),
        "intent_accuracy": rate([bool(x) for x in intent_scored]),
        "behaviour_accuracy": rate([v.behaviour_ok for v in verdicts]),
        "per_intent": {
            name: {"n": len(vs), "intent": rate([bool(v.intent_ok) for v in vs if v.intent_ok is not None]),
                   "behaviour": rate([v.behaviour_ok for v in vs]),
                   "p95_ms": round(1000 * percentiles([v.seconds for v in vs], 95)[0], 1)}
            for name, vs in sorted(per_intent.items())
        },
        "slots": {name: {"n": len(oks), "accuracy": rate(oks)} for name, oks in sorted(slots.items())},
        "by_role": {name: {"n": len(oks), "behaviour": rate(oks)} for name, oks in sorted(by_role.items())},
        "by_tag": {name: {"n": len(by_tag[name]), "behaviour": rate(by_tag[name])} for name in REPORTED_TAGS if by_tag[name]},
        "leaks": [f"{v.id}: {leak}" for v in verdicts for leak in v.leaks],
        "grounding_failures": [f"{v.id}: {g}" for v in verdicts for g in v.grounding],
    }


def pct(x: float | None) -> str:
    return "   –  " if x is None else f"{100 * x:5.1f} %"


def print_summary(s: dict[str, Any], run: dict[str, Any], today: date) -> None:
    p50, p95 = (round(1000 * x, 1) for x in percentiles(run["timings"], 50, 95))
    print(f"assistant quality: {run['singles']} questions, {run['dialogues']} dialogues ({run['turns']} turns), "
          f"{run['twins']} privacy twins; clock {today.isoformat()}")
    print(f"intent accuracy {pct(s['intent_accuracy'])}   behaviour accuracy {pct(s['behaviour_accuracy'])}   "
          f"leaks {len(s['leaks'])}   grounding failures {len(s['grounding_failures'])}")
    print(f"\n{'intent':<24} {'n':>4} {'intent':>8} {'behaviour':>10} {'p95 ms':>8}  (p95: in process, per turn)")
    for name, f in s["per_intent"].items():
        print(f"{name:<24} {f['n']:>4} {pct(f['intent']):>8} {pct(f['behaviour']):>10} {f['p95_ms']:>8.1f}")
    print(f"\n{'slot':<12} {'n':>4} {'accuracy':>9}")
    for name, f in s["slots"].items():
        print(f"{name:<12} {f['n']:>4} {pct(f['accuracy']):>9}")
    print("\nbehaviour by role: " + "; ".join(f"{r} {pct(f['behaviour']).strip()} (n={f['n']})" for r, f in s["by_role"].items()))
    print("behaviour by tag:  " + "; ".join(f"{t} {pct(f['behaviour']).strip()} (n={f['n']})" for t, f in s["by_tag"].items()))
    print(f"in process, per turn: p50 {p50} ms, p95 {p95} ms")
    worst = min((f["intent"] for f in s["per_intent"].values() if f["intent"] is not None), default=None)
    met = (s["behaviour_accuracy"] or 0) >= TARGET_BEHAVIOUR and (worst or 0) >= TARGET_INTENT and not s["leaks"]
    print(f"targets: behaviour ≥ 95 %, every intent ≥ 90 % (lowest {pct(worst).strip()}), leaks 0: "
          f"{'met' if met else 'NOT met'}")


def print_failures(verdicts: Sequence[Verdict]) -> None:
    bad = [v for v in verdicts if not v.behaviour_ok or v.intent_ok is False]
    print(f"\n## {len(bad)} failure(s)")
    for v in bad:
        print(f"- {v.id} [{v.role}] {v.text!r} → {v.kind}/{v.got_intent}: {'; '.join(v.why())}")
        print(f"    {v.reply[:160]!r}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="demo zone folder (built there if missing; default: a temporary one)")
    ap.add_argument("--size", type=int, default=2791, help="firms of a demo zone built here")
    ap.add_argument("--today", type=date.fromisoformat, help="the clock's date (default: 15 March after the latest scored year)")
    ap.add_argument("--embedder", choices=("e5", "none"), default="e5", help="the searcher's embedder (none: text only)")
    ap.add_argument("--only", help="only records whose id starts with this")
    ap.add_argument("--holdout", action="store_true",
                    help="the held-out set instead (assistant_holdout*.jsonl: written after the fixes, never tuned on)")
    ap.add_argument("--failures", action="store_true", help="list every miss")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--no-latency", action="store_true", help="skip the HTTP latency part")
    ap.add_argument("--repeat", type=int, default=3, help="measured latency runs (median reported)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes for the latency part")
    ap.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                    help="environment of the served app (e.g. a higher chat rate limit)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="assistant-quality-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "zone"
        ensure_demo(data_dir, args.size)
        zone = Zone(data_dir, embedder=args.embedder)
        today = args.today or date(zone.view.latest + 1, 3, 15)
        service = chat_service(zone, today=today)
        files = ({"questions_file": HERE / "assistant_holdout.jsonl", "dialogues_file": HERE / "assistant_holdout_dialogues.jsonl"}
                 if args.holdout else {})
        run = run_set(zone, service, today=today, only=args.only, **files)
        summary = summarize(run["verdicts"])
        out: dict[str, Any] = {"summary": summary, "today": today.isoformat()}
        if not args.json:
            print_summary(summary, run, today)
            if args.failures:
                print_failures(run["verdicts"])
        if not args.no_latency:
            from assistant_latency import latency, print_latency

            # The per-user limit on chat messages would answer 429 to 20 sessions of four users.
            # The server searches with the embedder the in-process part used (its vectors are saved in
            # the data folder by then).
            env = {"INNOPOINTS_CHAT_TURNS_PER_MINUTE": "0", "INNOPOINTS_EMBEDDER": args.embedder,
                   **dict(kv.split("=", 1) for kv in args.server_env)}
            rep = latency(data_dir, run["plan"], repeat=args.repeat, concurrencies=(1, 20),
                          log_path=Path(tmp) / "server.log", extra_env=env, workers=args.workers)
            out["latency"] = rep
            if not args.json:
                print_latency(rep)
        if args.json:
            out["verdicts"] = [asdict(v) | {"behaviour_ok": v.behaviour_ok} for v in run["verdicts"]]
            print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
