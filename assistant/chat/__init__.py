"""The dialogue core: a Chinese question in, a grounded answer out, to each asker only what is theirs.

Framework-free (no FastAPI, no settings): the API, WeChat, the portal and the CLI are surfaces that
hand it a `ChatContext` and the asker's `Principal`. One turn:

1. `nlu` — understand: clean the text (繁→简, widths, control characters), spot what no typed words
   can grant (injection, identity claims, writes, bulk exports), the intent (rules, then a character
   n-gram classifier trained on `data/assistant/`, calibrated) and the slots (company mentions,
   years from the clock, N, stage, industry, category, indicator). Pure text work → `Understanding`.
2. `dialogue` — fill missing slots from the session state (follow-ups), resolve companies through
   the search layer, apply the privacy rule (refuse, clarify, or narrow to what the asker may see)
   → `Request`.
3. `answers` — one answerer per intent family reads through `assistant.queries` as the asker and
   composes the reply with its `facts` → `Answer`; `grounding` checks every number of the reply
   against the facts.
4. `sessions` — the per-session state and history in the store (expiring; shared by workers).
5. `llm` — optional OpenAI-compatible backend for understanding and rephrasing, checked number by
   number against the facts; off by default.

Types: `reply` (the response shape), `intents`, `understanding`, `request`, `context`.
"""

__all__: list[str] = []
