"""Pytest plugin: a real browser (Playwright + Debian chromium) against pytest-django's live server.

Loaded by the root ``conftest.py``. Browser tests are marked ``@pytest.mark.browser`` and
use the ``page`` fixture together with ``live_server`` (which brings ``transactional_db``):

    @pytest.mark.browser
    def test_home(page, live_server):
        page.goto(live_server.url)
        assert axe_serious_violations(page) == []

Chromium is the Debian package (``playwright install`` cannot download here); CI installs
it. Without ``/usr/bin/chromium`` the browser tests are skipped with a clear reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_PATH = Path(os.environ.get("PARVIS_CHROMIUM", "/usr/bin/chromium"))
# Without these, Chromium keeps dialling out (updates, sync, QUIC probes) and failing.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS_IMPACTS = frozenset({"serious", "critical"})
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM_PATH.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM_PATH}: install the Debian package "
            "(apt-get install -y chromium) to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    # The sync Playwright API runs an event loop in this thread; the ORM calls made by the
    # same test (factories, assertions) would otherwise raise SynchronousOnlyOperation.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, transactional_db: None) -> Iterator[Page]:
    """A fresh French-speaking browser context and page for each test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def axe_serious_violations(page: Page, context: Any = None) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return the serious and critical violations.

    Each item keeps what a failing assertion needs to be read: rule id, impact, help and
    the offending nodes' selectors.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:10],
        }
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS_IMPACTS
    ]


@pytest.fixture
def axe() -> Any:
    """The axe helper as a fixture: ``axe(page)`` returns serious/critical violations."""
    return axe_serious_violations
