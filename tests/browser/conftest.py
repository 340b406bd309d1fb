"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server on 127.0.0.1.

Playwright never downloads a browser here: it launches /usr/bin/chromium (Debian package
`chromium`, installed by scripts/system-deps.sh). Without it the tests skip on a developer's
machine and fail under CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an asyncio event loop running in the test thread, which makes
# Django refuse ORM calls there (SynchronousOnlyOperation) unless this is set.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server binds to loopback only, and the browser is sent there.
os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"] = "127.0.0.1"
# Belt and braces: Playwright must never fetch a browser build of its own.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "var" / "test-artifacts"
LOOPBACK_HOSTS = {"127.0.0.1"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: the session-wide browser keeps an event loop running in
    the main thread, and their transactional database is flushed after each test."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    # What a browser adds (rendering, scripts, the CSP, a phone's screen) does not depend on
    # the database; `make test` runs them on SQLite and keeps the PostgreSQL run to the rest
    # (the same pages, services and API without a browser), so the suite stays within time.
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        skip = pytest.mark.skip(reason="browser tests run on SQLite (tests/browser/conftest.py)")
        for item in items:
            if item.get_closest_marker("browser") is not None:
                item.add_marker(skip)


# assertions wait as long as actions do (context.set_default_timeout below): on a loaded
# machine an htmx swap can take seconds
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/system-deps.sh (Debian package chromium)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page in Simplified Chinese. Requests anywhere but the live server's
    loopback address are aborted, and fail the test."""
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="block",
    )
    context.set_default_timeout(15_000)
    offsite: list[str] = []

    def only_loopback(route):
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert not offsite, f"the browser tried to leave 127.0.0.1: {offsite}"


@pytest.fixture
def demo(transactional_db):
    """The demo data as `fupin demo` loads it (a fiftieth of the households), with the demo
    users' password `core.demo.DEMO_PASSWORD`."""
    import io

    from django.core.management import call_command

    from fupin.areas.selectors import clear_cache
    from fupin.core.demo import DEMO_PASSWORD

    clear_cache()  # area names are cached per process; the database was just flushed
    call_command("demo", password=DEMO_PASSWORD, scale=0.02, stdout=io.StringIO())
    yield
    clear_cache()
