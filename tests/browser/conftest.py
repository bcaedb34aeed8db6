"""Browser fixtures: Debian's chromium driven by playwright against ``live_server``.

Run with ``pytest -m browser``. The browser is the system one (/usr/bin/chromium);
playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, TIMEOUT_MS

# Playwright's sync API keeps an event loop running in the test thread; Django would
# then refuse ORM calls made by the test itself (seeding, reading the SMS outbox).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get update -qq && apt-get install -y -qq chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server):
    """The live server with the administrative units and the demo actors.

    ``live_server`` is transactional: the database is flushed after each test,
    so every test loads the units and seeds the demo data again.
    """
    from xaso.accounts.demo import seed
    from xaso.geo.services import load_units

    load_units()
    seed(now=timezone.now())
    return live_server


@pytest.fixture
def open_page(browser, site):
    """open_page(viewport=(w, h)) → a new page in a fresh Vietnamese-language context."""
    contexts = []

    def _open(viewport: tuple[int, int] = DESKTOP):
        width, height = viewport
        context = browser.new_context(
            base_url=site.url,
            viewport={"width": width, "height": height},
            locale="vi-VN",
            extra_http_headers={"Accept-Language": "vi"},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def sms_code():
    """sms_code(phone) → the 6-digit code in the last SMS sent to that number."""
    from xaso.accounts.sms import MemoryTransport

    def _code(phone: str) -> str:
        for message in reversed(MemoryTransport.outbox):
            if message.to == phone:
                match = re.search(r"\b(\d{6})\b", message.body)
                assert match, message.body
                return match.group(1)
        raise AssertionError(f"no SMS to {phone}: {MemoryTransport.outbox!r}")

    return _code


@pytest.fixture
def sign_in_official(open_page):
    """sign_in_official(username) → a page signed in through the password form."""
    from xaso.accounts.demo import DEMO_PASSWORD

    def _sign_in(username: str):
        page = open_page()
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập", exact=True).click()
        return page

    return _sign_in
