"""Search speed at zone sizes: p50/p95 of a search and of a suggest call, build time, peak RSS.

    python benchmarks/search_speed.py                        # 2,791, 100,000 and 1,000,000 firms
    python benchmarks/search_speed.py --sizes 2791,100000
    python benchmarks/search_speed.py --hnsw                 # exact vs HNSW: how HNSW_ABOVE was chosen
    python benchmarks/search_speed.py --sizes 2791 --busy 2  # each size idle, then beside 2 busy loops

Zones are generated like the demo zone (`scoring.demo.model.simulate_firms` and
`scoring.demo.names.enterprise_profiles`: realistic, distinct registered names, short, former and
English names, products from each industry's list). Each size runs in its own process, so peak
RSS is that size's alone. Queries mix six types (full name, short name, a homophone typo,
full pinyin, initials, a product: "做光伏焊带的"); suggest calls mix hanzi, pinyin and initials
prefixes. Latencies are wall-clock per call, after a warm-up, on one thread. With `--busy N` each
size is measured twice: idle, then with N busy-loop processes beside it (a shared, loaded host:
OpenMP threads that wait for a descheduled sibling show here, not on an idle machine).

Vectors — encoding a passage takes ~15–50 ms on this 2-core machine, so 1,000,000 passages are
out of reach. What each size gets:
- up to 10,000 firms: every firm's real `passage_text`, encoded by e5 (cached in
  var/bench/, so only the first run pays); the full hybrid searcher, query encoding included;
- above that: each firm's vector is the e5 vector of its distinct industry + products passage
  (the synthetic zone reuses ~900 such texts) plus a little noise (cosine ≈ 0.96 to it, as firms
  with the same products but other names are), in an HNSW index. Queries are still encoded by
  the real e5 model at search time. An HNSW build over 1M vectors takes tens of minutes on 2
  cores, so a built index is kept in var/bench/ (keyed by size, seed and noise) with the build
  time it took; a later run loads it and reports that build time, marked "cached".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stats import percentiles as sample_percentiles  # noqa: E402  (benchmarks/stats.py)

CACHE = REPO / "var" / "bench"
SEED = 20231
FULL_VECTORS_UP_TO = 10_000
NOISE = 0.3  # norm of the per-firm noise on a product vector: cosine ≈ 1/√1.09 ≈ 0.96
TYPES = ("全称", "简称", "错字", "拼音", "首字母", "产品")


# ----------------------------------------------------------------------------- the zone
def zone(n: int) -> list[Any]:
    """`n` documents generated like the demo zone (names, products, stage; no points)."""
    from scoring.demo.model import simulate_firms
    from scoring.demo.names import enterprise_profiles
    from scoring.systems.schema import STAGES
    from scoring.uscc import make_usccs
    from search.hybrid import Document

    firms = simulate_firms(n, seed=SEED, years=(2025,))
    rng = np.random.default_rng(SEED)
    usccs = make_usccs(rng, n)
    founded = [dt.date(1995, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 10_500, n)]
    frame = enterprise_profiles(firms, usccs, founded, seed=SEED)
    stages = list(STAGES)

    def text(x: Any) -> str | None:
        return x if isinstance(x, str) and x else None

    return [
        Document(id=u, name=r.name, short_name=text(r.short_name), former_names=tuple(r.former_names),
                 english_name=text(r.english_name), products=text(r.products), industry=text(r.industry),
                 business_scope=text(r.business_scope), address=text(r.address),
                 stage=stages[int(firms.stage[0, i])], year=2025)
        for i, (u, r) in enumerate(zip(frame.index, frame.itertuples(), strict=True))
    ]


def product_text(doc: Any) -> str:
    return f"行业：{doc.industry}；产品：{doc.products}"


# ----------------------------------------------------------------------------- queries
def queries(docs: list[Any], per_type: int, rng: np.random.Generator) -> list[tuple[str, str, Any]]:
    """(type, query, target document) — the target is the firm the query means."""
    from pypinyin import lazy_pinyin

    from scoring.demo.names import _PINYIN  # the trade-name characters and their readings

    homophones: dict[str, list[str]] = {}
    for ch, py in _PINYIN.items():
        homophones.setdefault(py, []).append(ch)
    chars = list(_PINYIN)
    out: list[tuple[str, str, Any]] = []
    # Typos, pinyin and initials of a four-character short name (天和光能, tianheguangneng, thgn), as
    # people type them; the initials of a bare two-character trade name fit hundreds of firms.
    longer = [d for d in docs if d.short_name and len(d.short_name) >= 4] or docs

    def homophone_spots(short: str) -> list[int]:
        return [p for p in (0, 1) if len(homophones.get(_PINYIN.get(short[p], ""), [])) > 1]

    # A wrong character is a homophone (天和光能 for 天合光能), the slip people make; a random
    # character would as often name another firm's trade name equally well.
    typos = [d for d in longer if homophone_spots(d.short_name or d.name)] or longer
    for k in range(per_type * len(TYPES)):
        kind = TYPES[k % len(TYPES)]
        pool = typos if kind == "错字" else longer if kind in ("拼音", "首字母") else docs
        doc = pool[int(rng.integers(len(pool)))]
        short = doc.short_name or doc.name
        if kind == "全称":
            q = doc.name
        elif kind == "简称":
            q = short
        elif kind == "错字":
            spots = homophone_spots(short)
            pos = int(rng.choice(spots)) if spots else 0
            same = [c for c in homophones.get(_PINYIN.get(short[pos], ""), []) if c != short[pos]]
            q = short[:pos] + str(rng.choice(same or chars)) + short[pos + 1 :]
        elif kind == "拼音":
            q = "".join(lazy_pinyin(short))
        elif kind == "首字母":
            q = "".join(p[0] for p in lazy_pinyin(short))
        else:
            q = f"做{rng.choice((doc.products or doc.industry).split('、'))}的"
        out.append((kind, q, doc))
    return out


def prefixes(docs: list[Any], n: int, rng: np.random.Generator) -> list[str]:
    from pypinyin import lazy_pinyin

    out = []
    for k, i in enumerate(rng.choice(len(docs), size=n)):
        short = docs[int(i)].short_name or docs[int(i)].name
        pinyin = "".join(lazy_pinyin(short))
        out.append([short[:2], pinyin[:4], "".join(p[0] for p in lazy_pinyin(short))[:2], docs[int(i)].name[:4]][k % 4])
    return out


# ----------------------------------------------------------------------------- vectors
def e5_vectors(texts: list[str]) -> tuple[np.ndarray, float]:
    """e5 passage vectors of `texts`, reusing the benchmark's passage cache; (vectors, seconds spent)."""
    from search.vector import E5Embedder, PassageCache, encode_passages

    emb = E5Embedder()
    folder = CACHE / "passages"
    cache = PassageCache.load(folder, embedder=emb.name, dim=emb.dim)
    start = time.perf_counter()
    vectors = encode_passages(emb, texts, cache=cache, progress=_progress("编码"))
    spent = time.perf_counter() - start
    cache.save(folder)
    return vectors, spent


def _progress(label: str) -> Any:
    last = [0.0]

    def show(done: int, total: int) -> None:
        if total and time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            print(f"  {label} {done}/{total}", file=sys.stderr, flush=True)

    return show


def product_vectors(docs: list[Any], rng: np.random.Generator) -> tuple[np.ndarray, float]:
    texts = [product_text(d) for d in docs]
    distinct = list(dict.fromkeys(texts))
    base, spent = e5_vectors(distinct)
    row = {t: i for i, t in enumerate(distinct)}
    vectors = base[[row[t] for t in texts]]
    vectors += rng.standard_normal(vectors.shape).astype(np.float32) * (NOISE / np.sqrt(vectors.shape[1]))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, spent


def product_index(docs: list[Any], rng: np.random.Generator) -> tuple[Any, float, float, bool]:
    """The product-vector index of `docs`: (index, encode s, build s, loaded from the cache?).

    The build is what costs (HNSW over 1M vectors: tens of minutes), so it is kept in var/bench/
    with the seconds it took; the noise is drawn either way, so the query stream that follows is
    the same whether the index was built or loaded."""
    from search.errors import SearchError
    from search.vector import VectorIndex

    matrix, encode_s = product_vectors(docs, rng)
    folder = CACHE / f"product-index-{len(docs)}-{SEED}-{NOISE}"
    try:
        index = VectorIndex.load(folder, embedder="e5", dim=matrix.shape[1])
        if index.ids == [d.id for d in docs]:
            return index, encode_s, float(index.meta.get("build_seconds", 0.0)), True
    except SearchError:
        pass
    start = time.perf_counter()
    index = VectorIndex.build([d.id for d in docs], matrix, embedder="e5")
    built = time.perf_counter() - start
    index.meta["build_seconds"] = round(built, 1)
    index.save(folder)
    return index, encode_s, built, False


# ----------------------------------------------------------------------------- one size
def percentiles(seconds: list[float]) -> tuple[float, float]:
    p50, p95 = sample_percentiles((s * 1000 for s in seconds), 50, 95)
    return round(p50, 2), round(p95, 2)


def run_one(n: int, per_type: int, suggests: int) -> dict[str, Any]:
    """Build and time one zone size (run in a child process)."""
    from search.hybrid import HybridSearcher, passage_text
    from search.vector import E5Embedder, VectorIndex

    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    docs = zone(n)
    generated = time.perf_counter() - t0
    names = len({d.name for d in docs}) / len(docs)
    if n <= FULL_VECTORS_UP_TO:
        mode, (matrix, encode_s) = "全部企业文本", e5_vectors([passage_text(d) for d in docs])
        start = time.perf_counter()
        vectors = VectorIndex.build([d.id for d in docs], matrix, embedder="e5")
        index_s = time.perf_counter() - start
    else:
        mode = "产品文本+扰动"
        vectors, encode_s, index_s, cached = product_index(docs, rng)
        if cached:
            mode += "(缓存)"
    embedder = E5Embedder()
    start = time.perf_counter()
    searcher = HybridSearcher(docs, embedder=embedder, vectors=vectors)
    build_s = time.perf_counter() - start
    qs = queries(docs, per_type, rng)
    by_id = {d.id: d for d in docs}
    for _, q, _ in qs[:12]:
        searcher.search(q)  # warm-up: jieba, the model, caches
    times: dict[str, list[float]] = {t: [] for t in TYPES}
    right: dict[str, list[bool]] = {t: [] for t in TYPES}
    for kind, q, doc in qs:
        start = time.perf_counter()
        hits = searcher.search(q, limit=10)
        times[kind].append(time.perf_counter() - start)
        if kind == "产品":  # many firms make it: right when the first hit does
            right[kind].append(bool(hits) and q[1:-1] in (by_id[hits[0].id].products or ""))
        else:
            right[kind].append(bool(hits) and hits[0].id == doc.id)
    suggest_times = []
    for p in prefixes(docs, suggests, rng):
        start = time.perf_counter()
        searcher.suggest(p, limit=8)
        suggest_times.append(time.perf_counter() - start)
    every = [s for t in TYPES for s in times[t]]
    # The vector retriever's own share of the latency (already inside the figures above).
    enc, knn = [], []
    for _, q, _ in qs[:120]:
        start = time.perf_counter()
        v = embedder.encode_queries([q])
        enc.append(time.perf_counter() - start)
        start = time.perf_counter()
        vectors.search(v, 120)
        knn.append(time.perf_counter() - start)
    return {
        "encode_ms": percentiles(enc), "knn_ms": percentiles(knn),
        "n": n, "vectors": mode, "kind": vectors.kind, "distinct_names": round(names, 4),
        "generate_s": round(generated, 1), "encode_s": round(encode_s, 1), "vector_index_s": round(index_s, 1),
        "build_s": round(build_s, 1), "search_ms": percentiles(every), "suggest_ms": percentiles(suggest_times),
        "by_type_ms": {t: percentiles(times[t]) for t in TYPES},
        "top1": {t: round(float(np.mean(right[t])), 3) for t in TYPES},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


# ----------------------------------------------------------------------------- exact vs HNSW
def hnsw_probe(sizes: list[int]) -> list[dict[str, Any]]:
    """Exact vs HNSW on product vectors with real e5 query vectors: latency, recall@10, build."""
    import faiss

    from search.vector import E5Embedder, VectorIndex

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    rng = np.random.default_rng(5)
    docs = zone(max(sizes))
    matrix, _ = product_vectors(docs, rng)
    emb = E5Embedder()
    qs = [f"做{p}的" for p in rng.choice(sorted({p for d in docs[:5000] for p in (d.products or '').split('、') if p}), 100)]
    qv = emb.encode_queries(qs)
    rows = []
    for n in sizes:
        ids = [d.id for d in docs[:n]]
        flat = VectorIndex.build(ids, matrix[:n], hnsw_above=n)
        start = time.perf_counter()
        hnsw = VectorIndex.build(ids, matrix[:n], hnsw_above=0)
        built = time.perf_counter() - start
        timing: dict[str, list[float]] = {"flat": [], "hnsw": []}
        for name, index in (("flat", flat), ("hnsw", hnsw)):
            for q in qv:
                start = time.perf_counter()
                index.search(q[None, :], 30)
                timing[name].append(time.perf_counter() - start)
        _, exact = flat.search(qv, 10)
        _, approx = hnsw.search(qv, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx, strict=True)])
        rows.append({"n": n, "flat_ms": percentiles(timing["flat"]), "hnsw_ms": percentiles(timing["hnsw"]),
                     "recall10": round(float(recall), 3), "top1": round(float((exact[:, 0] == approx[:, 0]).mean()), 3),
                     "hnsw_build_s": round(built, 1)})
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


# ----------------------------------------------------------------------------- load
# Spins until its parent (the benchmark) is gone or an hour has passed, so a killed run leaves
# nothing behind; the benchmark also stops it when the measurement ends.
BUSY = """
import os, sys, time
parent, end = int(sys.argv[1]), time.monotonic() + 3600
while os.getppid() == parent and time.monotonic() < end:
    for _ in range(100_000):
        pass
"""


@contextmanager
def busy(n: int) -> Iterator[None]:
    """`n` busy-loop processes for the duration of the block."""
    procs = [subprocess.Popen([sys.executable, "-c", BUSY, str(os.getpid())]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


# ----------------------------------------------------------------------------- main
def child(args: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    subprocess.run([sys.executable, __file__, *args, "--out", str(out)], check=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2791,100000,1000000", help="企业数，逗号分隔")
    parser.add_argument("--per-type", type=int, default=50, help="每类查询条数（共 6 类）")
    parser.add_argument("--suggests", type=int, default=200, help="输入提示调用次数")
    parser.add_argument("--busy", type=int, default=0, help="另测一遍：旁边有 N 个忙循环进程（负载下的延迟）")
    parser.add_argument("--hnsw", action="store_true", help="比较精确检索与 HNSW（阈值 HNSW_ABOVE 的依据）")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        data = run_one(args.one, args.per_type, args.suggests)
        args.out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return
    print(f"机器：{os.cpu_count()} 核，开始时负载 {os.getloadavg()[0]:.1f}；Python {sys.version.split()[0]}")
    if args.hnsw:
        sizes = [5_000, 10_000, 20_000, 50_000, 100_000]
        print("精确检索（IndexFlatIP）与 HNSW（M=32, efConstruction=80, efSearch=96），单线程检索，k=30：")
        print(f"{'向量数':>9} {'精确 p50/p95 ms':>17} {'HNSW p50/p95 ms':>17} {'recall@10':>9} {'top-1 一致':>9} {'HNSW 建索引 s':>12}")
        for r in hnsw_probe(sizes):
            print(f"{r['n']:>9,} {r['flat_ms'][0]:>8.2f}/{r['flat_ms'][1]:<8.2f} {r['hnsw_ms'][0]:>8.2f}/{r['hnsw_ms'][1]:<8.2f} "
                  f"{r['recall10']:>9.3f} {r['top1']:>9.3f} {r['hnsw_build_s']:>12.1f}")
        return
    rows = []
    for n in [int(s.replace("_", "")) for s in args.sizes.split(",")]:
        print(f"… {n:,} 家企业", file=sys.stderr, flush=True)
        for load in sorted({0, max(args.busy, 0)}):
            with busy(load):
                row = child(["--one", str(n), "--per-type", str(args.per_type), "--suggests", str(args.suggests)])
            rows.append({**row, "busy": load})
    print(f"每个规模 {args.per_type * len(TYPES)} 次搜索（{'、'.join(TYPES)}各 {args.per_type} 次）、{args.suggests} 次输入提示；毫秒。")
    head = f"{'企业数':>10} {'忙进程':>5} {'向量':<12} {'生成s':>6} {'编码s':>6} {'向量索引s':>8} {'建索引s':>7} {'搜索p50':>7} {'搜索p95':>7} {'提示p50':>7} {'提示p95':>7} {'名称类top-1':>10} {'峰值内存MB':>9}"
    print(head)
    for r in rows:
        names = np.mean([r["top1"][t] for t in TYPES if t != "产品"])
        print(f"{r['n']:>10,} {r['busy']:>5} {r['vectors'] + '/' + r['kind']:<12} {r['generate_s']:>6} {r['encode_s']:>6} {r['vector_index_s']:>8} "
              f"{r['build_s']:>7} {r['search_ms'][0]:>7} {r['search_ms'][1]:>7} {r['suggest_ms'][0]:>7} {r['suggest_ms'][1]:>7} "
              f"{names:>10.1%} {r['peak_rss_mb']:>9}")
    print("各类查询 p95（毫秒）与 top-1：")
    for r in rows:
        print(f"  {r['n']:>10,}/{r['busy']}: " + "  ".join(f"{t} {r['by_type_ms'][t][1]}ms/{r['top1'][t]:.0%}" for t in TYPES))
    print("向量检索自身的耗时（已含在上表搜索延迟中；只在名称检索没有确定命中时才编码查询）：")
    for r in rows:
        print(f"  {r['n']:>10,}/{r['busy']}: e5 查询编码 p50/p95 {r['encode_ms'][0]}/{r['encode_ms'][1]} ms，"
              f"{r['kind']} 检索 p50/p95 {r['knn_ms'][0]}/{r['knn_ms'][1]} ms")
    print(f"结束时负载 {os.getloadavg()[0]:.1f}（机器与其他任务共用时，延迟会偏高）")


if __name__ == "__main__":
    main()
