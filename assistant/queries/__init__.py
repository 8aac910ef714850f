"""The reads every surface shares (routes, CLI, chat, WeChat), each taking the caller.

Framework-free: each function takes the `Principal` and applies the privacy rule itself, so no
surface can forget it, and reports reads of non-public data to the `Audit` callback it is given.

- `profiles`: a page of the enterprise list, one profile
- `portraits`: one portrait (built, or the finished answer kept in memory and in the store)
- `rankings`, `distributions`, `lists` (credit whitelist): a run's figures
- `systems`, `runs`: indicator systems and score runs (public)
- `search_hits`: search and suggestions over `search_index.SearchIndex`
- `demo_vectors`: the demo zone's shipped passage vectors, seeding a `SearchIndex` (the demo)
- `run_cache`: the bounded per-process cache of run data and finished answers
"""

__all__: list[str] = []
