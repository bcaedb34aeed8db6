"""Shared fixtures: the real administrative units and named demo actors per role.

Test data is made through the real services (the demo seeder), as a user would.
"""

from __future__ import annotations

import contextlib

import pytest
from django.test import Client
from django.utils import timezone

from xaso.accounts.demo import DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE

# Every test runs at a fixed moment, never at the real date (tests/clock.py).
pytest_plugins = ["tests.clock"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from xaso.geo.services import load_units

    with django_db_blocker.unblock():
        load_units()


@pytest.fixture(autouse=True)
def _clear_cache_and_outbox():
    from django.core.cache import cache

    from xaso.accounts.sms import MemoryTransport
    from xaso.core.cache import memo

    MemoryTransport.outbox.clear()
    memo.clear()
    # The cache lives in the database; before the first db test there is no table yet.
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture
def units(db):
    from xaso.geo.services import load_units

    load_units()


@pytest.fixture
def demo(units):
    """Xã Hà Trung (commune A) and Xã Hà Long (commune B) with officials of every role."""
    from xaso.accounts.demo import seed

    return seed(now=timezone.now())


@pytest.fixture
def commune_a(demo):
    from xaso.geo.models import Commune

    return Commune.objects.get(code=DEMO_COMMUNE_CODE)


@pytest.fixture
def commune_b(demo):
    from xaso.geo.models import Commune

    return Commune.objects.get(code=OTHER_COMMUNE_CODE)


def user(username):
    from xaso.accounts.models import User

    return User.objects.get(username=username)


@pytest.fixture
def login_as(client):
    """login_as("motcua.hatrung") → a Client signed in as that demo actor."""

    def _login(username: str) -> Client:
        c = Client()
        c.force_login(user(username))
        return c

    return _login


@pytest.fixture
def bearer():
    """bearer("quantri.hatrung") → headers with a fresh API token of that actor."""
    from xaso.accounts.services import issue_token

    def _bearer(username: str) -> dict:
        _token, raw = issue_token(user(username), "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return _bearer
