"""Search quality: our HybridSearcher next to two baselines, on the demo zone plus the fixture.

    python benchmarks/search_quality.py                       # e5 embedder, table
    python benchmarks/search_quality.py --embedder none --failures
    python benchmarks/search_quality.py --json > quality.json
    python benchmarks/search_quality.py --size 100000 --embedder none   # quality at 100k vs 2,791

Data: the demo zone's enterprises from the SQLite store (``--db``, default var/innopoints.sqlite;
``innopoints demo`` writes it) plus ``tests/fixtures/search_enterprises.yaml``; the labelled
queries of ``benchmarks/search_queries.jsonl`` (``benchmarks/make_search_queries.py`` writes them,
types and labelling rules in its docstring).

Systems, all on the same documents and queries:

- **ours**: ``search.hybrid.HybridSearcher`` (``--embedder e5`` = ``search.vector.E5Embedder``,
  ``none`` = no vectors), ``search(q, limit=10, include_weak=True)``. A hit marked ``weak`` does
  not count as a result: ranks are taken over the confident (non-weak) hits, as the API shows them.
  ``top-1 any`` also counts weak hits (ranking ability without the relevance threshold).
- **rapidfuzz**: ``process.extract(query, full_names, scorer=fuzz.WRatio, limit=5)``.
- **bm25**: bm25s (default parameters) over ``jieba.lcut`` tokens of name + products + industry,
  the query cut the same way, top 5, hits of score 0 dropped.

A baseline has no "weak" flag, so it gets a score cut-off: hits below it are no result. The cut-off
is the one under which the most queries of this very set are answered right (a found query: its
top-1 is expected and above the cut-off; a not-in-store query: its top-1 is below it), i.e. the
best the baseline could do; it is printed. "top-1 any" is top-1 without any cut-off (or weak flag).

Metrics per query type: top-1 (the first result is an expected USCC), top-5, MRR (rank of the first
expected USCC among the top 10 for ours, top 5 for the baselines; 0 if absent); for not_in_store
and not_in_store_famous (well-known firms from elsewhere in China, ``famous_firms.tsv``) the pass
rate (no result, i.e. empty or only weak hits / hits below the cut-off). "overall" is over
all queries that have an answer (every type but the two not-in-store types).

``--size N`` pads the zone to N enterprises with synthetic ones generated like the demo zone
(``scoring.demo.model.simulate_firms`` + ``scoring.demo.names.enterprise_profiles``, another seed),
re-checks every label against the padded zone (a query that became ambiguous is dropped and
counted), and reports the same table at the demo size and at N on the kept queries, so the two are
comparable. At 100k use ``--embedder none`` (encoding 100k passages takes an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_search_queries import (  # noqa: E402
    ABSENT_TYPES,
    DB,
    FIXTURE,
    OUTPUT,
    TYPES,
    Doc,
    Labeller,
    load_demo,
    load_fixture,
)
from stats import percentiles  # noqa: E402  (benchmarks/stats.py)

PAD_SEED = 777
CACHE = ROOT / "var" / "search_quality_cache"  # passage vectors by text hash (git-ignored var/)
FOUND_TYPES = tuple(t for t in TYPES if t not in ABSENT_TYPES)


@dataclasses.dataclass
class Result:
    ids: list[str]  # ranked
    confident: list[bool]  # per hit: counts as a result (not weak / above the cut-off)
    scores: list[float]
    detail: list[Any] = dataclasses.field(default_factory=list)  # hits, for --failures


# --- data ------------------------------------------------------------------------------------


def load_queries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pad_docs(base: Sequence[Doc], size: int, *, seed: int = PAD_SEED) -> list[Doc]:
    """Synthetic enterprises generated like the demo zone, so that base + pad has ``size``."""
    import datetime as dt

    from scoring.demo.build import DEFAULT_YEARS, _founding_dates, _usccs
    from scoring.demo.model import simulate_firms
    from scoring.demo.names import enterprise_profiles

    n = size - len(base)
    if n <= 0:
        return []
    want, n = n, n + n // 100 + 10  # a few spare firms for those dropped as duplicates below
    firms = simulate_firms(n, seed=seed, years=DEFAULT_YEARS)
    founded = _founding_dates(firms, seed=seed)
    usccs = _usccs(firms, founded, seed=seed)
    dates = [dt.date.fromisoformat(str(d)) for d in founded]
    frame = enterprise_profiles(firms, usccs, dates, seed=seed)
    taken_ids = {d.uscc for d in base}
    taken_names = {k for d in base for k in (d.name, *d.former_names)}
    base_trades = {d.trade for d in base}
    out = []
    trade = lambda name: Doc("", name, "", (), None, "", "", "", "").trade  # noqa: E731
    for uscc, row in frame.iterrows():
        if uscc in taken_ids or row["name"] in taken_names:
            continue
        formers = tuple(
            f
            for f in row["former_names"]
            if f not in taken_names and trade(f) not in base_trades
        )
        out.append(
            Doc(
                uscc=str(uscc),
                name=row["name"],
                short_name=row["short_name"] or "",
                former_names=formers,
                english_name=row["english_name"] if isinstance(row["english_name"], str) else None,
                products=row["products"],
                industry=row["industry"],
                business_scope=row["business_scope"],
                source="pad",
                address=row["address"],
            )
        )
    return out[:want]


def revalidate(queries: Sequence[dict], docs: Sequence[Doc]) -> tuple[list[dict], list[dict]]:
    """Split queries into those still unambiguous over ``docs`` and those that are not."""
    lab = Labeller(docs)
    keep, dropped = [], []
    for q in queries:
        if q["type"] in ("product", "uscc"):
            ok = True  # niche fixture products and codes: the padding cannot take them
        elif q["expected"]:
            ok = not lab.ambiguous(q["type"], q["query"], q["expected"][0])
        else:
            ok = lab.absent(q["query"])
        (keep if ok else dropped).append(q)
    return keep, dropped


# --- systems ---------------------------------------------------------------------------------


def build_ours(docs: Sequence[Doc], embedder_kind: str) -> tuple[Callable[[str], Result], float]:
    from search.hybrid import Document, HybridSearcher

    fields = {f.name for f in dataclasses.fields(Document)}
    documents = []
    for d in docs:
        values = {
            "id": d.uscc,
            "name": d.name,
            "short_name": d.short_name or None,
            "former_names": tuple(d.former_names),
            "english_name": d.english_name,
            "products": d.products,
            "industry": d.industry,
            "business_scope": d.business_scope,
            "address": d.address,
            "aliases": d.aliases,
            "stock_codes": d.stock_codes,
            "stock_names": d.stock_names,
        }
        documents.append(Document(**{k: v for k, v in values.items() if k in fields}))
    embedder = vectors = None
    encode_s = 0.0
    if embedder_kind == "e5":
        from search.vector import E5Embedder, PassageCache, VectorIndex, encode_passages

        embedder = E5Embedder()
        passage = getattr(HybridSearcher, "passage", None)
        if passage is not None:  # encode through a cache on disk: reruns cost no encoding
            t0 = time.perf_counter()
            cache = PassageCache.load(CACHE, embedder=embedder.name, dim=embedder.dim)
            before = len(cache.vectors)
            texts = [passage(doc) for doc in documents]
            matrix = encode_passages(embedder, texts, cache=cache)
            if len(cache.vectors) != before:
                cache.save(CACHE)
            ids = [doc.id for doc in documents]
            vectors = VectorIndex.build(ids, matrix, embedder=embedder.name)
            encode_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    searcher = HybridSearcher(documents, embedder=embedder, vectors=vectors)
    built = time.perf_counter() - t0
    if encode_s:
        print(f"[ours] passages encoded (or read from {CACHE}) in {encode_s:.1f}s", file=sys.stderr)

    def run(query: str) -> Result:
        hits = searcher.search(query, limit=10, include_weak=True)
        return Result(
            ids=[h.id for h in hits],
            confident=[not h.weak for h in hits],
            scores=[float(h.score) for h in hits],
            detail=hits,
        )

    return run, built


def build_rapidfuzz(docs: Sequence[Doc]) -> tuple[Callable[[str], Result], float]:
    from rapidfuzz import fuzz, process

    t0 = time.perf_counter()
    names = [d.name for d in docs]
    ids = [d.uscc for d in docs]
    built = time.perf_counter() - t0

    def run(query: str) -> Result:
        found = process.extract(query, names, scorer=fuzz.WRatio, limit=5)
        return Result(
            ids=[ids[i] for _, _, i in found],
            confident=[True] * len(found),
            scores=[float(s) for _, s, _ in found],
            detail=[(names[i], s) for _, s, i in found],
        )

    return run, built


def _tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text.lower()) if re.search(r"\w", t)]


def build_bm25(docs: Sequence[Doc]) -> tuple[Callable[[str], Result], float]:
    import bm25s
    import jieba

    jieba.setLogLevel(60)
    t0 = time.perf_counter()
    corpus = [_tokens(f"{d.name} {d.products} {d.industry}") for d in docs]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    built = time.perf_counter() - t0
    ids = [d.uscc for d in docs]
    names = [d.name for d in docs]

    def run(query: str) -> Result:
        tokens = _tokens(query) or ["\u0000"]
        rows, scores = retriever.retrieve([tokens], k=5, show_progress=False)
        pairs = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
        return Result(
            ids=[ids[r] for r, _ in pairs],
            confident=[True] * len(pairs),
            scores=[s for _, s in pairs],
            detail=[(names[r], s) for r, s in pairs],
        )

    return run, built


# --- metrics ---------------------------------------------------------------------------------


def apply_cutoff(results: Sequence[Result], cut: float) -> list[Result]:
    return [
        Result(r.ids, [s >= cut for s in r.scores], r.scores, r.detail) for r in results
    ]


def best_cutoff(queries: Sequence[dict], results: Sequence[Result]) -> float:
    """The score cut-off under which the most queries are answered right (each query counts once:
    a found query right when its top-1 is expected and above the cut-off, a not-in-store query
    right when its top-1 is below it)."""
    candidates = sorted({s for r in results for s in r.scores[:1]} | {0.0, float("inf")})
    best, best_right = 0.0, -1
    for cut in candidates:
        right = sum(
            (bool(r.scores) and r.scores[0] >= cut and r.ids[0] in q["expected"])
            if q["expected"]
            else (not r.scores or r.scores[0] < cut)
            for q, r in zip(queries, results, strict=True)
        )
        if right > best_right:
            best, best_right = cut, right
    return best


def rank_of(q: dict, r: Result, *, strict: bool = True) -> int | None:
    ranked = [i for i, c in zip(r.ids, r.confident, strict=True) if c or not strict]
    for pos, uscc in enumerate(ranked, start=1):
        if uscc in q["expected"]:
            return pos
    return None


def metrics(queries: Sequence[dict], results: Sequence[Result]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[tuple[dict, Result]]] = defaultdict(list)
    for q, r in zip(queries, results, strict=True):
        groups[q["type"]].append((q, r))
        if q["expected"]:
            groups["overall"].append((q, r))
    out: dict[str, dict[str, float]] = {}
    for kind, pairs in groups.items():
        if kind in ABSENT_TYPES:
            passed = sum(not any(r.confident) for _, r in pairs)
            out[kind] = {"n": len(pairs), "pass": passed / len(pairs)}
            continue
        ranks = [rank_of(q, r) for q, r in pairs]
        any_ranks = [rank_of(q, r, strict=False) for q, r in pairs]
        out[kind] = {
            "n": len(pairs),
            "top1": sum(k == 1 for k in ranks) / len(pairs),
            "top5": sum(k is not None and k <= 5 for k in ranks) / len(pairs),
            "mrr": sum(1 / k for k in ranks if k) / len(pairs),
            "top1_any": sum(k == 1 for k in any_ranks) / len(pairs),
        }
    return out


def run_all(
    system: Callable[[str], Result], queries: Sequence[dict]
) -> tuple[list[Result], list[float]]:
    results, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        results.append(system(q["query"]))
        times.append(time.perf_counter() - t0)
    return results, times


def evaluate(
    docs: Sequence[Doc], queries: Sequence[dict], *, embedder: str, systems: Sequence[str]
) -> dict[str, Any]:
    """Every system on ``docs`` and ``queries``: metrics, timings, results."""
    report: dict[str, Any] = {"documents": len(docs), "queries": len(queries), "systems": {}}
    builders = {
        "ours": lambda: build_ours(docs, embedder),
        "rapidfuzz": lambda: build_rapidfuzz(docs),
        "bm25": lambda: build_bm25(docs),
    }
    for name in systems:
        build = builders[name]
        print(f"[{name}] building on {len(docs):,} documents …", file=sys.stderr, flush=True)
        system, built = build()
        print(f"[{name}] built in {built:.1f}s; {len(queries)} queries …", file=sys.stderr)
        results, times = run_all(system, queries)
        entry: dict[str, Any] = {"build_s": built}
        if name != "ours":
            cut = best_cutoff(queries, results)
            entry["cutoff"] = cut
            results = apply_cutoff(results, cut)
        entry["metrics"] = metrics(queries, results)
        p50, p95 = percentiles((t * 1000 for t in times), 50, 95)
        entry["latency_ms"] = {"p50": p50, "p95": p95}
        entry["results"] = results
        report["systems"][name] = entry
    return report


# --- output ----------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def print_table(report: dict[str, Any], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    systems = report["systems"]
    lead = next(iter(systems))
    table = Table(title=title, show_lines=False)
    table.add_column("type")
    table.add_column("n", justify="right")
    for name in systems:
        for col in ("top-1", "top-5", "MRR", "top-1 any"):
            table.add_column(f"{name}\n{col}", justify="right")
    for kind in (*TYPES, "overall"):
        first = systems[lead]["metrics"].get(kind)
        if first is None:
            continue
        row = [kind, str(first["n"])]
        for entry in systems.values():
            m = entry["metrics"][kind]
            if kind in ABSENT_TYPES:
                row += [f"pass {_pct(m['pass'])}", "", "", ""]
            else:
                row += [_pct(m["top1"]), _pct(m["top5"]), f"{m['mrr']:.3f}", _pct(m["top1_any"])]
        table.add_row(*row, style="bold" if kind == "overall" else None)
    console = Console(width=200)
    console.print(table)
    notes = []
    for name, entry in systems.items():
        lat = entry["latency_ms"]
        extra = ""
        if "cutoff" in entry:
            extra = f", score cut-off {entry['cutoff']:.3g} (best on this set)"
        notes.append(
            f"{name}: build {entry['build_s']:.1f}s, query p50 {lat['p50']:.1f} ms, "
            f"p95 {lat['p95']:.1f} ms{extra}"
        )
    console.print("\n".join(notes))


def failures(
    queries: Sequence[dict], results: Sequence[Result], names: dict[str, str]
) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for q, r in zip(queries, results, strict=True):
        if q["expected"]:
            if rank_of(q, r) == 1:
                continue
        elif not any(r.confident):
            continue
        got = []
        for hit in r.detail[:3]:
            if hasattr(hit, "reasons"):
                got.append(
                    {
                        "id": hit.id,
                        "name": hit.name,
                        "score": round(float(hit.score), 4),
                        "weak": bool(hit.weak),
                        "reasons": list(hit.reasons),
                    }
                )
        out[q["type"]].append(
            {
                "id": q["id"],
                "query": q["query"],
                "expected": [names.get(u, u) for u in q["expected"]],
                "note": q.get("note", ""),
                "got": got,
            }
        )
    return out


def print_failures(fails: dict[str, list[dict]]) -> None:
    for kind in TYPES:
        items = fails.get(kind, [])
        if not items:
            continue
        print(f"\n## {kind}: {len(items)} failure(s)")
        for f in items:
            expected = " / ".join(f["expected"]) or "(not in store)"
            print(f"- {f['id']} {f['query']!r} → expected {expected}  [{f['note']}]")
            if not f["got"]:
                print("    got nothing")
            for g in f["got"]:
                weak = " weak" if g["weak"] else ""
                print(f"    {g['score']:.3f}{weak} {g['name']}  {'; '.join(g['reasons'])}")


def strip_results(report: dict[str, Any]) -> dict[str, Any]:
    return {
        **report,
        "systems": {
            name: {k: v for k, v in entry.items() if k != "results"}
            for name, entry in report["systems"].items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=DB, help="SQLite store (default %(default)s)")
    ap.add_argument("--fixture", type=Path, default=FIXTURE)
    ap.add_argument("--queries", type=Path, default=OUTPUT)
    ap.add_argument("--embedder", choices=("e5", "none"), default="e5")
    ap.add_argument("--size", type=int, default=0, help="pad the zone to this many enterprises")
    ap.add_argument(
        "--systems",
        default="ours,rapidfuzz,bm25",
        help="comma-separated systems to run (default %(default)s)",
    )
    ap.add_argument("--types", help="comma-separated query types to run (default: all)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--failures", action="store_true", help="list our searcher's failures")
    args = ap.parse_args(argv)

    base = [*load_demo(args.db), *load_fixture(args.fixture)]
    queries = load_queries(args.queries)
    if args.types:
        wanted = set(args.types.split(","))
        queries = [q for q in queries if q["type"] in wanted]
    names = {d.uscc: d.name for d in base}
    missing = {u for q in queries for u in q["expected"]} - set(names)
    if missing:
        raise SystemExit(f"expected USCCs not in demo + fixture: {sorted(missing)[:5]}")

    runs: list[tuple[str, list[Doc]]] = [(f"{len(base):,} enterprises (demo + fixture)", base)]
    dropped: list[dict] = []
    if args.size > len(base):
        t0 = time.perf_counter()
        padded = [*base, *pad_docs(base, args.size)]
        queries, dropped = revalidate(queries, padded)
        print(
            f"padded to {len(padded):,} in {time.perf_counter() - t0:.0f}s; "
            f"{len(dropped)} queries dropped as ambiguous there: "
            f"{dict(Counter(q['type'] for q in dropped))}",
            file=sys.stderr,
        )
        runs.append((f"{len(padded):,} enterprises (padded)", padded))

    reports = []
    for title, docs in runs:
        systems = args.systems.split(",")
        report = evaluate(docs, queries, embedder=args.embedder, systems=systems)
        report["title"] = title
        report["embedder"] = args.embedder
        if "ours" in report["systems"]:
            ours = report["systems"]["ours"]["results"]
            report["failures"] = failures(queries, ours, names)
        reports.append(report)
        if not args.json:
            print_table(report, f"Search quality — {title}, embedder {args.embedder}")
            if args.failures and "failures" in report:
                print_failures(report["failures"])
    if args.json:
        out = {
            "runs": [strip_results(r) for r in reports],
            "dropped_queries": [q["id"] for q in dropped],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
