"""The generic tenant sweep, narrowed to this domain's routes (so a failure elsewhere in
the sweep cannot hide one here)."""

from __future__ import annotations

import pytest

from tests.core import test_tenant_isolation as sweep


def _ours(paths):
    return [p for p in paths if "/procedure" in p[-1]]


def _our_pages():
    from xaso.procedures.urls import urlpatterns

    ours = {"/" + str(p.pattern) for p in urlpatterns}
    return [r for r in sweep.page_routes() if r in ours]


@pytest.fixture
def a_profile(commune_a):
    from tests.procedures.tenant_samples import samples
    from xaso.accounts.models import CitizenProfile

    sweep.SAMPLE_IDS.clear()
    sweep.SAMPLE_IDS.update(samples(commune_a))
    return CitizenProfile.objects.filter(commune=commune_a).first()


def test_the_sweep_sees_our_admin_routes_and_skips_the_public_ones():
    ops = _ours(list(sweep.api_operations()))
    paths = {path for _m, path in ops}
    assert "/api/v1/communes/{code}/procedure-catalog/{procedure_code}" in paths
    assert "/api/v1/communes/{code}/procedures.xlsx" in paths
    assert "/api/v1/communes/{code}/procedures/import" in paths
    assert "/api/v1/communes/{code}/procedures" not in paths
    pages = set(_our_pages())
    assert "/x/<str:code>/van-phong/thu-tuc/<int:procedure_id>/" in pages
    assert "/x/<str:code>/thu-tuc/" not in pages


@pytest.mark.parametrize("username", sweep.B_OFFICIALS)
def test_commune_b_gets_nothing_from_our_api_or_pages(
    client, bearer, login_as, commune_a, a_profile, username
):
    headers = bearer(username)
    for method, path in _ours(list(sweep.api_operations())):
        r = client.generic(method, sweep.fill(path, commune_a, a_profile), **headers)
        assert r.status_code in (403, 404), f"{method} {path} → {r.status_code}"
        assert r["Content-Type"] == "application/problem+json"
    c = login_as(username)
    for route in _our_pages():
        r = c.get(sweep.fill(route, commune_a, a_profile))
        assert r.status_code in (403, 404), f"{route} → {r.status_code}"


def test_commune_a_admin_reads_every_admin_get_and_visitors_get_401(
    client, bearer, commune_a, a_profile
):
    headers = bearer("quantri.hatrung")
    for method, path in _ours(list(sweep.api_operations())):
        url = sweep.fill(path, commune_a, a_profile)
        if method == "GET":
            assert client.get(url, **headers).status_code == 200, path
        assert client.generic(method, url).status_code == 401, path
