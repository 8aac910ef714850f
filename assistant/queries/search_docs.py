"""What the searcher indexes: documents and scores from the store, and the store's signature.

Documents carry the master data and the stage of the newest published run, never the points.
The searcher orders equal hits by name, not points, but a document without points cannot leak
them whatever the library does next. Points stay beside the searcher (`ScoreInfo`), for the
callers who may see them and for the officials' points filter (`assistant.queries.search_hits.run_search`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from assistant.config import Settings
from scoring import store
from scoring.errors import NotFound
from search.embedders import E5Embedder, Embedder, SentenceTransformerEmbedder
from search.errors import EmbedderUnavailable
from search.hybrid import Document


def make_embedder(settings: Settings, *, kind: str | None = None) -> Embedder | None:
    """The embedder the settings name (`kind` overrides `settings.embedder`); None for "none"."""
    kind = kind or settings.embedder
    if kind == "none":
        return None
    if kind == "e5":
        return E5Embedder()
    if kind == "sentence-transformers":
        if settings.embedder_model_dir is None:
            raise EmbedderUnavailable("使用 sentence-transformers 向量模型时必须设置 INNOPOINTS_EMBEDDER_MODEL_DIR")
        return SentenceTransformerEmbedder(
            settings.embedder_model_dir,
            query_prefix=settings.embedder_query_prefix, passage_prefix=settings.embedder_passage_prefix,
        )
    raise ValueError(f"未知的向量模型 {kind}；可用：e5、none、sentence-transformers")


@dataclass(frozen=True)
class ScoreInfo:
    """An enterprise's result in the newest published run (non-public: shown per privacy rules)."""

    stage: str
    total: float
    rank: int
    percentile: float
    year: int


def store_signature(engine: Engine) -> str:
    """Enterprise count, newest batch id and the zone's publication signature, in one session.

    The publication signature changes whenever the zone's published runs change (a run published or
    withdrawn); an evaluation run does not change it, since search shows only the zone's points.
    """
    with Session(engine) as session:
        count, batch = session.connection().execute(select(
            select(func.count()).select_from(store.Enterprise).scalar_subquery(),
            select(func.max(store.Batch.id)).scalar_subquery(),
        )).one()
        run = store.publication_signature(session=session)
    return f"enterprises={count or 0};batch={batch or 0};runs={run}"


def load_documents(engine: Engine) -> tuple[list[Document], dict[str, ScoreInfo], int | None]:
    """Every enterprise as a search document, its newest published score, and that run's year."""
    e = store.Enterprise
    with Session(engine) as session:
        try:
            run = store.latest_run(session=session)
        except NotFound:
            run = None
        scores: dict[str, ScoreInfo] = {}
        if run is not None:
            s = store.EnterpriseScore
            score_rows = session.connection().execute(
                select(col(s.uscc), col(s.stage), col(s.total), col(s.rank), col(s.percentile)).where(col(s.run_id) == run.id)
            )
            scores = {u: ScoreInfo(st, float(t), int(r), float(p), run.year) for u, st, t, r, p in score_rows}
        rows = session.connection().execute(
            select(col(e.uscc), col(e.name), col(e.short_name), col(e.former_names), col(e.english_name),
                   col(e.aliases), col(e.stock_codes), col(e.stock_names),
                   col(e.products), col(e.industry), col(e.business_scope), col(e.address)).order_by(col(e.uscc))
        )
        docs = []
        for uscc, name, short, former, english, aliases, codes, stock_names, products, industry, scope, address in rows:
            info = scores.get(uscc)
            # No `total`: see the module docstring.
            docs.append(Document(
                id=uscc, name=name, short_name=short, former_names=tuple(former or ()), english_name=english,
                aliases=tuple(aliases or ()), stock_codes=tuple(codes or ()), stock_names=tuple(stock_names or ()),
                products=products, industry=industry, business_scope=scope, address=address,
                stage=info.stage if info else None, year=info.year if info else None,
            ))
    return docs, scores, run.year if run is not None else None
