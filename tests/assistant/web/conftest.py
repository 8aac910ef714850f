"""The portal in a real browser: Playwright driving Debian's Chromium (`scripts/browser` installs it).

One browser for the session, on the shared demo zone's live server (`live_server`, uvicorn on
127.0.0.1 in a thread); each test opens its own browser context (cookies of its own), logs in
through the login page as a person would, and records what went wrong on the way: console errors,
uncaught exceptions, failed requests and answers of 400 or more. Waits are on events (a selector,
a function turning true), never on time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.assistant.conftest import PASSWORDS, Zone, copy_zone, make_settings

CHROMIUM = Path(os.environ.get("INNOPOINTS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian (Playwright's own browser downloads are not reachable here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/browser` (scripts/setup-env test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def isolated_server(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server on a private copy of the demo zone, for tests that change data (imports,
    reverts, users): the shared zone's other readers never see their changes."""
    import uvicorn

    from assistant.api.app import create_app

    settings = make_settings(copy_zone(zone, tmp_path_factory.mktemp("portal-isolated")))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    started = threading.Event()
    original = server.startup

    async def startup(sockets: Any = None) -> None:
        try:
            await original(sockets)
        finally:
            started.set()  # listening, or failed: either way the test stops waiting

    def run() -> None:
        try:
            server.run()
        finally:
            started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=run, name="uvicorn-portal", daemon=True)
    thread.start()
    started.wait()
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@dataclass
class Visit:
    """One browser context as one person, with what went wrong so far."""

    base: str
    context: Any
    page: Any
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def login(self, username: str) -> None:
        """Through the login form, as a person would."""
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORDS[username])
        with self.page.expect_navigation():
            self.page.click("form.stack button[type=submit]")
        assert self.page.locator(".who .user").count() == 1, self.page.content()[:2000]
        self.page.wait_for_load_state("networkidle")  # the landing page's own requests finish first

    def charts_drawn(self) -> None:
        """Wait until every chart of the page has finished its first frame, then check each canvas has pixels."""
        self.page.wait_for_function(
            "() => { const c = document.querySelectorAll('[data-chart]');"
            " return c.length > 0 && [...c].every((n) => n.dataset.drawn === '1'); }")
        painted = self.page.evaluate("""() => [...document.querySelectorAll('[data-chart] canvas')].map((cv) => {
            const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
            let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
            return n; })""")
        assert painted and all(n > 500 for n in painted), painted

    def no_horizontal_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        assert width <= viewport, f"{self.page.url}: scrollWidth {width} > {viewport}"

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def clean(self, *, allow: tuple[str, ...] = ()) -> None:
        """No console error, no uncaught exception, no failed request (except the URLs in `allow`)."""
        failed = [f for f in self.failed if not any(a in f for a in allow)]
        errors = [e for e in self.errors if not (allow and "Failed to load resource: the server responded with a status of" in e)]
        assert not errors, errors
        assert not failed, failed

    def api_json(self, path: str) -> Any:
        """The API's answer to this person (the context's cookies), as the page's own script would get it."""
        r = self.context.request.get(self.base + path)
        assert r.ok, (path, r.status, r.text())
        return json.loads(r.text())


@pytest.fixture
def visit(browser: Any, live_server: str) -> Iterator[Callable[..., Visit]]:
    """`visit(viewport=PHONE)` → a fresh browser context recording errors and requests."""
    opened: list[Any] = []

    def make(*, viewport: dict[str, int] | None = None, base: str | None = None) -> Visit:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN")
        # Waits are on events (a selector, a response, a function turning true), never on a clock:
        # a loaded CI machine may take its time (Playwright's default gives up after 30 s).
        context.set_default_timeout(0)
        context.set_default_navigation_timeout(0)
        opened.append(context)
        page = context.new_page()
        v = Visit(base=base or live_server, context=context, page=page)
        page.on("console", lambda m: v.errors.append(f"console {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: v.errors.append(f"pageerror {e}"))
        page.on("requestfailed", lambda r: v.failed.append(f"{r.url} {r.failure}"))
        page.on("request", lambda r: v.urls.append(r.url))

        def on_response(r: Any) -> None:
            v.responses.append(r)
            if r.status >= 400:
                v.failed.append(f"{r.status} {r.url}")

        page.on("response", on_response)
        return v

    yield make
    for c in opened:
        c.close()
