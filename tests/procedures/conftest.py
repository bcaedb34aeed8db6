"""Procedure-catalog fixtures: the shipped template set installed through the service."""

from __future__ import annotations

import pytest

from tests.conftest import user


@pytest.fixture
def catalog(commune_a):
    from xaso.procedures.services import install_catalog

    install_catalog(commune_a)
    return commune_a


@pytest.fixture
def admin_a(demo):
    return user("quantri.hatrung")


@pytest.fixture
def admin_b(demo):
    return user("quantri.xakhac")


@pytest.fixture
def birth(catalog):
    from xaso.procedures.models import Procedure

    return Procedure.objects.get(commune=catalog, code="1.001193")


@pytest.fixture
def citizen(demo):
    from xaso.accounts.models import User

    return User.objects.get(phone="0912000001")
