"""The portal's speed in headless Chromium: first contentful paint and charts drawn for 概况 and
企业画像, and the bytes a first visit of 企业画像 transfers.

Against what: a running server on the demo zone (`innopoints demo`, then
`innopoints serve --port N`); only `--base-url` (127.0.0.1) is contacted. Debian's Chromium
(`bash scripts/browser`) driven by Playwright, headless, a 1280×900 window, on the same machine as
the server (they share its cores, so the figures are an upper bound of what a separate desktop sees).

Each of `--runs` visits (default 5; the median is reported, with the slowest) is a first visit:
a fresh browser context (empty cache, no cookies). For 企业画像 the context logs in first by
posting the login form with the context's own request client (`POST /login`, no page loaded, so
nothing is cached), then opens `/enterprises/<the user's USCC>`.

- FCP: the browser's `first-contentful-paint` paint entry (ms from navigation start).
- charts drawn: `performance.now()` when the last chart of the page finished its first frame
  (ECharts' `finished` event, recorded by portal.js), ms from navigation start.
- bytes: the sum of `encodedDataLength` of every response of the visit (Chrome DevTools Protocol
  `Network.loadingFinished`): what went over the wire, compressed, headers included.

    .venv/bin/python benchmarks/portal.py --base-url http://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

PASSWORDS = {"enterprise1": "demo-enterprise-2026", "official": "demo-official-2026"}
ALL_DRAWN = ("() => { const c = document.querySelectorAll('[data-chart]');"
             " return c.length > 0 && [...c].every((n) => n.dataset.drawn === '1'); }")
TIMES = """() => ({fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
                   charts: window.__charts.at})"""


def visit(browser: Any, base: str, path: str, user: str | None) -> dict[str, float]:
    """One first visit of `path`: FCP, charts drawn (ms) and bytes transferred."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        if user:
            r = context.request.post(f"{base}/login", form={"username": user, "password": PASSWORDS[user], "next": "/"},
                                     max_redirects=0)
            assert r.status == 303, (r.status, r.text()[:300])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sent: list[float] = []
        cdp.on("Network.loadingFinished", lambda e: sent.append(e["encodedDataLength"]))
        page.goto(base + path)
        page.wait_for_function(ALL_DRAWN, timeout=60_000)
        page.wait_for_load_state("networkidle")
        times = page.evaluate(TIMES)
        return {"fcp": float(times["fcp"]), "charts": float(times["charts"]), "bytes": float(sum(sent))}
    finally:
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", default="http://127.0.0.1:8000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--user", default="enterprise1", choices=sorted(PASSWORDS), help="who opens 企业画像")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    if not Path(args.chromium).exists():
        sys.exit(f"{args.chromium} is missing: bash scripts/browser")
    base = args.base_url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-background-networking"])
        try:
            me = browser.new_context()
            me.request.post(f"{base}/login", form={"username": args.user, "password": PASSWORDS[args.user]}, max_redirects=0)
            usccs = me.request.get(f"{base}/api/auth/me").json()["usccs"]
            me.close()
            portrait = f"/enterprises/{usccs[0]}" if usccs else None
            if portrait is None:  # an official: the first enterprise of the list
                portrait = "/enterprises/913204112662061027"
            pages = [("概况", "/", None), ("企业画像", portrait, args.user)]
            visit(browser, base, "/", None)  # the server's first answers (caches) are not the browser's figures
            print(f"{args.runs} first visits each, headless Chromium, {base}; median (slowest)")
            print(f"{'page':<8} {'FCP ms':>14} {'charts drawn ms':>18} {'bytes (compressed)':>22}")
            for name, path, user in pages:
                runs = [visit(browser, base, path, user) for _ in range(args.runs)]
                col = {k: (statistics.median(r[k] for r in runs), max(r[k] for r in runs)) for k in ("fcp", "charts", "bytes")}
                print(f"{name:<8} {col['fcp'][0]:>7.0f} ({col['fcp'][1]:>4.0f}) {col['charts'][0]:>10.0f} ({col['charts'][1]:>5.0f})"
                      f" {col['bytes'][0] / 1024:>11.1f} kB ({col['bytes'][1] / 1024:.1f})")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
